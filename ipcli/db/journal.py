"""SQL of reading the journal back: the entries of one command, and the later entries about the same
records, for `ipcli undo`, `ipcli log revert` and `ipcli filing revert`."""

from ipcli.db.store import decoded_entry


def _entries(store, where: str, params: list, limit: str = "") -> list[dict]:
    return [decoded_entry(row) for row in store.db.query(f"SELECT * FROM journal WHERE {where} {limit}", params)]


def get_entry(store, journal_id: int) -> dict | None:
    found = _entries(store, "id = ?", [journal_id])
    return found[0] if found else None


def last_entry_of(store, operator: str) -> dict | None:
    found = _entries(store, "operator = ?", [operator], "ORDER BY id DESC LIMIT 1")
    return found[0] if found else None


def invocation_of(store, entry: dict) -> list[dict]:
    """Every entry written by the command that wrote `entry`, oldest first (the entry alone when it was
    written before invocations were recorded)."""
    if entry["invocation"] is None:
        return [entry]
    return _entries(store, "invocation = ?", [entry["invocation"]], "ORDER BY id")


def record_entries(store, record_type: str, record_id) -> list[dict]:
    """The entries about one record, newest first."""
    return _entries(store, "record_type = ? AND record_id = ?", [record_type, str(record_id)], "ORDER BY id DESC")


def later_entries_about(store, after_id: int, records: set[tuple[str, str]], except_ids: set[int]) -> list[dict]:
    """The entries after `after_id`, other than `except_ids`, about any of `records`, oldest first."""
    found = {}
    for record_type, record_id in records:
        for entry in _entries(store, "record_type = ? AND record_id = ? AND id > ?", [record_type, record_id,
                                                                                      after_id]):
            if entry["id"] not in except_ids:
                found[entry["id"]] = entry
    return [found[entry_id] for entry_id in sorted(found)]
