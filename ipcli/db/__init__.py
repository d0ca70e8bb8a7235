"""All SQL of ipcli lives in this package, behind a small interface (the register adds the store)."""
