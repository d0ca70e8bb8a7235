"""SQL of the digest's sent-log: which deadline reached which destination at which reminder step."""

from ipcli.db.connection import recorded_at

ITEM_COLUMNS = ("kind", "right_type", "right_no", "due_on", "filing_id")
_KEY_COLUMNS = ITEM_COLUMNS + ("step",)


def sent_keys(store, channel: str, recipient: str, since: str) -> set[tuple]:
    """(kind, right_type, right_no, due_on, filing_id, step) of every item sent to this destination
    that fell due on or after `since`."""
    cursor = store.db.execute(
        f"SELECT {', '.join(_KEY_COLUMNS)} FROM digest_log WHERE channel = ? AND recipient = ? AND due_on >= ?",
        [channel, recipient, since])
    return set(cursor.fetchall())


def record_sent(store, channel: str, recipient: str, keys) -> None:
    """Record `keys` (tuples as sent_keys gives them) as delivered now; inside the caller's transaction."""
    stamp = recorded_at(store.db)
    store.db.conn.executemany(
        f"INSERT OR IGNORE INTO digest_log ({', '.join(_KEY_COLUMNS)}, channel, recipient, sent_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(*key, channel, recipient, stamp) for key in keys])
