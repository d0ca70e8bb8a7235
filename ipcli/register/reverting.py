"""Reverting what a command wrote, from the whole before images the journal holds (ipcli.db.records):
`ipcli undo`, `ipcli log revert` and `ipcli filing revert`. A revert is a write of its own, journaled the
same way, so that it can be reverted in turn."""

from ipcli.db import journal, records
from ipcli.db.store import journal_text
from ipcli.errors import NotFound, Rejected
from ipcli.register.editing import IN_USE

TIMESTAMPS = ("created_at", "updated_at")  # stored and put back, not shown as changes


def undo_target(store) -> list[dict]:
    """The entries of the last command of the current operator that wrote to the journal."""
    entry = journal.last_entry_of(store, store.operator)
    if entry is None:
        raise NotFound("undo.nothing", rule="JOURNAL-EMPTY", operator=store.operator)
    return journal.invocation_of(store, entry)


def entry_target(store, journal_id: int) -> list[dict]:
    """The entries of the command that wrote journal entry `journal_id`."""
    entry = journal.get_entry(store, journal_id)
    if entry is None:
        raise NotFound("journal.not_found", rule="JOURNAL-EMPTY", value=journal_id)
    return journal.invocation_of(store, entry)


def filing_target(store, filing_id: int) -> list[dict]:
    """The entries of the command that made the filing's last status change (its creation counts), when
    that command changed no other filing."""
    change = next((entry for entry in journal.record_entries(store, "filing", filing_id) if _status_changed(entry)),
                  None)
    if change is None:
        raise NotFound("filing.no_status_change", rule="JOURNAL-EMPTY", value=filing_id)
    entries = journal.invocation_of(store, change)
    others = sorted({e["record_id"] for e in entries if e["record_type"] == "filing"} - {str(filing_id)}, key=int)
    if others:
        raise Rejected("filing.revert_shared", rule="JOURNAL-SHARED", value=filing_id, others=", ".join(others),
                       id=change["id"], command=change["command"])
    return entries


def _status_changed(entry: dict) -> bool:
    before, after = entry["before"], entry["after"]
    return before is None or after is None or before.get("status") != after.get("status")


class _Preview(Exception):
    """Rolls back a revert that was only tried, to show what it changes."""

    def __init__(self, changes: list[dict]):
        super().__init__()
        self.changes = changes


def revert(store, entries: list[dict], preview: bool = False) -> list[dict]:
    """Put every record that `entries` changed back to its image before them, newest entry first, in one
    transaction. Refused, writing nothing, when an entry holds no whole images (JOURNAL-IRREVERSIBLE) or
    when a later write depends on a record (JOURNAL-DEPENDENT). Returns the changes, field by field; a
    preview tries the revert and rolls it back."""
    try:
        with store.transaction():
            changes = _revert(store, entries)
            if preview:
                raise _Preview(changes)
    except _Preview as tried:
        return tried.changes
    return changes


def _revert(store, entries: list[dict]) -> list[dict]:
    for entry in entries:
        if not entry.get("revertible"):
            raise Rejected("journal.irreversible", rule="JOURNAL-IRREVERSIBLE", id=entry["id"],
                           command=entry["command"])
    spans = _spans(entries)
    ids = {entry["id"] for entry in entries}
    later = _first_standing(journal.later_entries_about(store, min(ids), set(spans), ids))
    if later is not None:
        raise Rejected("journal.dependent", rule="JOURNAL-DEPENDENT", id=later["id"], command=later["command"],
                       operator=later["operator"], kind=later["record_type"], value=later["record_id"])
    for (record_type, record_id), (_, last) in spans.items():
        if journal_text(store.record_image(record_type, record_id)) != journal_text(last["after"]):
            raise Rejected("journal.changed_since", rule="JOURNAL-DEPENDENT", id=last["id"], kind=record_type,
                           value=record_id)
    for entry in reversed(entries):
        _put_back(store, entry, entries[0]["invocation"])
    return [change for (record_type, record_id), (first, last) in spans.items()
            for change in _field_changes(record_type, record_id, last["after"], first["before"])]


def _spans(entries: list[dict]) -> dict:
    """{(record type, id): (first entry, last entry)} of every record the entries changed, in order."""
    spans = {}
    for entry in entries:
        record = (entry["record_type"], entry["record_id"])
        spans[record] = (spans.get(record, (entry,))[0], entry)
    return spans


def _first_standing(later: list[dict]) -> dict | None:
    """The first of the later entries whose command still stands: not reverted since by another command
    (which then stands in the way no more either, unless reverted in turn)."""
    standing, settled = {}, set()  # by invocation (by entry id before invocations were recorded)
    for entry in later:
        command = entry["invocation"] or entry["id"]
        if command in standing or command in settled:
            continue
        if entry["reverts"] in standing:
            del standing[entry["reverts"]]
            settled.add(command)
        else:
            standing[command] = entry
    return next(iter(standing.values()), None)


def _put_back(store, entry: dict, reverted: str) -> None:
    record_type, record_id, before = entry["record_type"], entry["record_id"], entry["before"]
    if before is None:
        referring = _kept_by(record_type, records.references(store, record_type, record_id))
        if referring:
            raise Rejected("journal.referenced", rule="JOURNAL-DEPENDENT", kind=record_type, value=record_id,
                           type=referring[0][0], other=referring[0][1])
    else:
        missing = records.missing_parents(store, record_type, before)
        if missing:
            raise Rejected("journal.parent_missing", rule="JOURNAL-DEPENDENT", kind=record_type, value=record_id,
                           type=missing[0][0], other=missing[0][1])
    with store.recording(record_type, record_id, reverts=reverted):
        records.restore(store, record_type, record_id, before)


def _kept_by(record_type: str, referring: list[tuple]) -> list[tuple]:
    """What keeps a record from being deleted: for a right what keeps it in use (as `remove --force`
    leaves the history of a right behind), for any other record whatever refers to it."""
    if record_type in records.RIGHT_TYPES:
        return [reference for reference in referring if reference[::2] in IN_USE]
    return referring


def _field_changes(record_type: str, record_id: str, now: dict | None, reverted: dict | None) -> list[dict]:
    now, reverted = now or {}, reverted or {}
    fields = [f for f in dict.fromkeys([*now, *reverted]) if f not in TIMESTAMPS and now.get(f) != reverted.get(f)]
    return [{"record_type": record_type, "record_id": record_id, "field": f, "now": now.get(f),
             "reverted": reverted.get(f)} for f in fields]
