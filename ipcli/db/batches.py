"""SQL of submission batches. Functions take a Store and run inside its transaction."""

from ipcli.db.connection import recorded_at
from ipcli.db.nice_classes import class_list

BATCH_COLUMNS = ("id", "filing_type", "origin", "window", "operator", "created_at", "item_count", "fee_total",
                 "items_sha256", "document", "file", "csv_file")
_SUMMARY = ", ".join(f"b.{c}" for c in BATCH_COLUMNS if c != "document")


# export: the ready filings of one type, and the rights they name

def _ready_filter(filing_type: str, window: str | None, until: str | None) -> tuple[str, list]:
    where, params = ["f.type = ?", "f.status = 'ready'"], [filing_type]
    if window is not None:
        where.append("f.window = ?")
        params.append(window)
    if until is not None:
        where.append("f.received_on <= ?")
        params.append(until)
    return " AND ".join(where), params


def ready_filings(store, filing_type: str, window: str | None, until: str | None) -> list[dict]:
    where, params = _ready_filter(filing_type, window, until)
    return list(store.db.query("SELECT f.id, f.received_on, f.window, f.paper, f.fee_total, f.details FROM filings f "
                               f"WHERE {where} ORDER BY f.id", params))


def ready_windows(store, filing_type: str, until: str | None) -> list[str | None]:
    """The windows (None: none) that ready filings of this type were received at."""
    where, params = _ready_filter(filing_type, None, until)
    return [window for window, in store.db.execute(f"SELECT DISTINCT f.window FROM filings f WHERE {where} "
                                                   "ORDER BY f.window", params)]


def ready_filing_rights(store, filing_type: str, window: str | None, until: str | None) -> list[tuple]:
    """(filing_id, right_type, right_no) of every ready filing, ordered."""
    where, params = _ready_filter(filing_type, window, until)
    return store.db.execute(
        f"SELECT r.filing_id, r.right_type, r.right_no FROM filing_rights r JOIN filings f ON f.id = r.filing_id "
        f"WHERE {where} ORDER BY r.filing_id, r.right_type, r.right_no", params).fetchall()


def ready_marks(store, filing_type: str, window: str | None, until: str | None) -> dict[str, dict]:
    """The marks the ready filings name, with their classes, by registration number."""
    where, params = _ready_filter(filing_type, window, until)
    rows = store.db.query(
        "SELECT m.reg_no, m.name, m.kind, m.registered_on, m.term_starts_on, m.expires_on, m.owner_id, m.classes "
        "FROM marks m WHERE m.reg_no IN (SELECT r.right_no FROM filing_rights r JOIN filings f "
        f"ON f.id = r.filing_id WHERE r.right_type = 'mark' AND {where})", params)
    return {row["reg_no"]: {**row, "classes": class_list(row["classes"])} for row in rows}


def ready_patents(store, filing_type: str, window: str | None, until: str | None) -> dict[str, dict]:
    where, params = _ready_filter(filing_type, window, until)
    rows = store.db.query(
        "SELECT p.app_no, p.type, p.title, p.filed_on, p.granted_on, p.paid_through, p.term_ends_on, p.owner_id "
        "FROM patents p WHERE p.app_no IN (SELECT r.right_no FROM filing_rights r JOIN filings f "
        f"ON f.id = r.filing_id WHERE r.right_type = 'patent' AND {where})", params)
    return {row["app_no"]: row for row in rows}


def set_filings_exported(store, batch_id: str, on: str) -> None:
    store.db.execute("UPDATE filings SET status = 'exported', status_on = ? WHERE id IN "
                     "(SELECT filing_id FROM batch_items WHERE batch_id = ?)", [on, batch_id])


# batches

def insert_batch(store, **fields) -> None:
    fields = {**fields, "recorded_at": recorded_at(store.db), "recorded_by": store.operator}
    store.db.execute(f"INSERT INTO batches ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
                     list(fields.values()))


def insert_items(store, batch_id: str, filing_ids: list[int]) -> None:
    store.db.conn.executemany("INSERT INTO batch_items (batch_id, seq, filing_id) VALUES (?, ?, ?)",
                              [(batch_id, seq, filing_id) for seq, filing_id in enumerate(filing_ids, start=1)])


def get_batch(store, batch_id: str) -> dict | None:
    rows = list(store.db.query(f"SELECT {_SUMMARY}, b.recorded_at, b.recorded_by, b.submitted_to, b.submitted_at "
                               "FROM batches b WHERE b.id = ?", [batch_id]))
    return rows[0] if rows else None


def batch_with_checksum(store, items_sha256: str) -> dict | None:
    rows = list(store.db.query("SELECT id FROM batches WHERE items_sha256 = ?", [items_sha256]))
    return get_batch(store, rows[0]["id"]) if rows else None


def batch_document(store, batch_id: str) -> str:
    return store.db.execute("SELECT document FROM batches WHERE id = ?", [batch_id]).fetchone()[0]


def list_batches(store) -> list[dict]:
    """In the order they were recorded: compared as instants, as earlier releases stored UTC times."""
    return list(store.db.query(f"SELECT {_SUMMARY}, b.recorded_at, b.submitted_at FROM batches b "
                               "ORDER BY julianday(b.recorded_at), b.id"))


def status_counts(store, batch_id: str | None = None) -> dict[str, dict[str, int]]:
    """{batch id: {filing status: count}} of every batch, or of one."""
    where, params = ("WHERE i.batch_id = ?", [batch_id]) if batch_id else ("", [])
    rows = store.db.execute(f"SELECT i.batch_id, f.status, count(*) FROM batch_items i JOIN filings f "
                            f"ON f.id = i.filing_id {where} GROUP BY i.batch_id, f.status", params).fetchall()
    counts: dict[str, dict[str, int]] = {}
    for batch_id_, status, count in rows:
        counts.setdefault(batch_id_, {})[status] = count
    return counts


def batch_filings(store, batch_id: str, seq: int | None = None) -> list[dict]:
    """The items of a batch with their filings' state, in item order."""
    where, params = ("AND i.seq = ?", [batch_id, seq]) if seq is not None else ("", [batch_id])
    return list(store.db.query(
        "SELECT i.seq, f.id AS filing_id, f.status, f.status_on, f.received_on, f.fee_total, f.reason, "
        "(SELECT group_concat(right_no, ';') FROM filing_rights r WHERE r.filing_id = f.id) AS rights "
        f"FROM batch_items i JOIN filings f ON f.id = i.filing_id WHERE i.batch_id = ? {where} ORDER BY i.seq",
        params))


def set_submitted(store, batch_id: str, url: str) -> None:
    store.db.execute("UPDATE batches SET submitted_to = ?, submitted_at = ? WHERE id = ?",
                     [url, recorded_at(store.db), batch_id])
