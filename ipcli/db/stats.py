"""SQL of the window tree, the register's settings and the statistics of filings received.

The statistics are one GROUP BY over the filings of a period: a few hundred group rows, whatever the
number of filings, that the register layer (ipcli.register.stats) shapes into tables and sentences.
"""

from ipcli.db.connection import recorded_at
from ipcli.db.dialect import is_postgresql

DEFAULT_WINDOW = "default_window"

# The first right of a filing (rights of one filing are ordered by type, then number: the primary key).
_FIRST_RIGHT = ("(SELECT {column} FROM filing_rights r{joins} WHERE r.filing_id = f.id "
                "ORDER BY r.right_type, r.right_no LIMIT 1)")
_RIGHT_JOINS = (" LEFT JOIN marks m ON r.right_type = 'mark' AND m.reg_no = r.right_no"
                " LEFT JOIN patents p ON r.right_type = 'patent' AND p.app_no = r.right_no")
# A renewal is always of a mark and an annual fee of a patent: only the other types look their right up.
RIGHT_TYPE = ("CASE f.type WHEN 'renewal' THEN 'mark' WHEN 'annuity' THEN 'patent' ELSE "
              + _FIRST_RIGHT.format(column="r.right_type", joins="") + " END")
# A filing entered without a window counts at the window of its (first) right.
WINDOW = "coalesce(f.window, " + _FIRST_RIGHT.format(column="coalesce(m.window, p.window)", joins=_RIGHT_JOINS) + ")"
OWNER = _FIRST_RIGHT.format(column="coalesce(m.owner, p.owner)", joins=_RIGHT_JOINS)
MONTH = "substr(f.received_on, 1, 7)"
GROUPS = {"window": "NULL", "type": "NULL", "month": MONTH, "owner": OWNER}
# Past this share of all filings, reading the table straight through beats looking each row up by date.
SCAN_SHARE = 10


# windows

def list_windows(store) -> list[dict]:
    return list(store.db.query("SELECT code, name, parent FROM windows ORDER BY code"))


def put_window(store, code: str, name: str, parent: str | None) -> None:
    store.db.execute("INSERT INTO windows (code, name, parent, created_at) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT(code) DO UPDATE SET name = excluded.name, parent = excluded.parent",
                     [code, name, parent, recorded_at(store.db)])


# settings

def get_setting(store, key: str) -> str | None:
    row = store.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_setting(store, key: str, value: str | None) -> None:
    if value is None:
        store.db.execute("DELETE FROM settings WHERE key = ?", [key])
    else:
        store.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])


def register_default_window(store) -> str | None:
    """The default window that an SQLite register kept in its settings before the default became a setting
    of each machine (ipcli.machine). A PostgreSQL register is shared by many machines: it never holds one."""
    if is_postgresql(store.db):
        return None
    return get_setting(store, DEFAULT_WINDOW)


# statistics

def filing_groups(store, start: str, end: str, group: str, since: str | None = None,
                  statuses: tuple = ()) -> list[dict]:
    """Filings received from `start` to `end` (ISO dates, both included), counted by window, `group`
    (a key of GROUPS), type, right type, renewal status and whether received on or after `since`, with
    the sum of their official fees, the count of those accepted, and the count of their amounts (licence
    contract amounts, pledge secured amounts) and the sum of those of the filings accepted."""
    status_filter = f" AND f.status IN ({', '.join('?' * len(statuses))})" if statuses else ""
    source = "filings f NOT INDEXED" if _covers_much(store.db, start, end) else "filings f"
    since_flag, since_params = ("CASE WHEN f.received_on >= ? THEN 1 ELSE 0 END", [since]) if since else ("0", [])
    sql = f"""
    SELECT window, grp, type, right_type, renewal_status, since,
           count(*) AS filings, CAST(sum(accepted) AS INTEGER) AS accepted, sum(fee_total) AS fees,
           sum(CASE WHEN accepted = 1 THEN amount END) AS amount, count(amount) AS amounts
    FROM (SELECT {WINDOW} AS window, {GROUPS[group]} AS grp, f.type AS type, {RIGHT_TYPE} AS right_type,
                 CASE WHEN f.type = 'renewal' THEN json_extract(f.details, '$.renewal_status') END
                     AS renewal_status,
                 CASE WHEN f.type IN ('license', 'pledge') THEN CAST(json_extract(f.details, '$.amount') AS REAL) END
                     AS amount,
                 f.fee_total AS fee_total, CASE WHEN f.status = 'accepted' THEN 1 ELSE 0 END AS accepted,
                 {since_flag} AS since
          FROM {source} WHERE f.received_on BETWEEN ? AND ?{status_filter}) AS counted
    GROUP BY window, grp, type, right_type, renewal_status, since"""
    return list(store.db.query(sql, [*since_params, start, end, *statuses]))


def _covers_much(db, start: str, end: str) -> bool:
    """Whether the period holds more than 1/SCAN_SHARE of the filings (counted on the date index, and
    only up to that share)."""
    share = db.execute("SELECT count(*) FROM filings").fetchone()[0] // SCAN_SHARE
    counted = db.execute("SELECT count(*) FROM (SELECT 1 FROM filings WHERE received_on BETWEEN ? AND ? LIMIT ?) "
                         "AS counted",
                         [start, end, share + 1]).fetchone()[0]
    return counted > share
