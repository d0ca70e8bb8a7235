"""The register: rights and filings checked against the rules, then stored through ipcli.db.store."""
