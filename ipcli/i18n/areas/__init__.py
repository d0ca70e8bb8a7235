"""Message catalogs of one area each (`EN` and `ZH` side by side), merged into the main catalogs."""
