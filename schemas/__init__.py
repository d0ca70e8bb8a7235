"""JSON Schemas of every file format ipcli reads or writes; installed as the package ipcli.schemas."""
