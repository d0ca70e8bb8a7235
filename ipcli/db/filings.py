"""SQL of filings, pledges and licences. Functions take a Store and run inside its transaction."""

import json

from ipcli.db.connection import recorded_at
from ipcli.db.nice_classes import class_list

# The values the filings table's CHECKs allow (migration m001).
FILING_TYPES = ("renewal", "transfer", "license", "pledge", "pledge_extension", "pledge_change",
                "pledge_release", "annuity")
FILING_STATUSES = ("received", "ready", "exported", "submitted", "accepted", "rejected", "withdrawn")


def _rights_of(store, filing_id: int) -> list[dict]:
    return list(store.db.query("SELECT right_type, right_no FROM filing_rights WHERE filing_id = ? "
                               "ORDER BY right_type, right_no", [filing_id]))


def _filing(store, row: dict) -> dict:
    return {**row, "details": json.loads(row["details"]), "rights": _rights_of(store, row["id"])}


def details_text(details: dict) -> str:
    """A filing's details as stored."""
    return json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)


def insert_filing(store, *, type: str, status: str, received_on: str, window, paper: bool, fee_total,
                  details: dict, rights: list[tuple[str, str]]) -> int:
    cursor = store.db.execute(
        "INSERT INTO filings (type, status, received_on, status_on, window, operator, paper, fee_total, details,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [type, status, received_on, received_on, window, store.operator, int(paper), fee_total,
         details_text(details), recorded_at(store.db)])
    filing_id = cursor.lastrowid
    store.db.conn.executemany("INSERT INTO filing_rights (filing_id, right_type, right_no) VALUES (?, ?, ?)",
                              [(filing_id, kind, number) for kind, number in rights])
    return filing_id


def get_filing(store, filing_id: int) -> dict | None:
    rows = list(store.db.query("SELECT * FROM filings WHERE id = ?", [filing_id]))
    return _filing(store, rows[0]) if rows else None


def list_filings(store, type: str | None = None, status: str | None = None) -> list[dict]:
    where = [f"{column} = ?" for column, value in (("type", type), ("status", status)) if value]
    params = [value for value in (type, status) if value]
    sql = "SELECT * FROM filings" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    return [_filing(store, row) for row in store.db.query(sql, params)]


def set_filing_status(store, filing_id: int, status: str, status_on: str, reason: str | None) -> None:
    store.db.execute("UPDATE filings SET status = ?, status_on = ?, reason = ? WHERE id = ?",
                     [status, status_on, reason, filing_id])


def open_filings(store, right_type: str, right_no: str, filing_type: str) -> list[dict]:
    """Filings of `filing_type` on a right that the office has not decided yet and that were not withdrawn
    (an accepted renewal moved the mark to its next term, an accepted transfer gave it a new owner)."""
    rows = store.db.query(
        "SELECT f.* FROM filings f JOIN filing_rights r ON r.filing_id = f.id WHERE r.right_type = ? "
        "AND r.right_no = ? AND f.type = ? AND f.status NOT IN ('accepted', 'rejected', 'withdrawn') ORDER BY f.id",
        [right_type, right_no, filing_type])
    return [_filing(store, row) for row in rows]


def undecided_filings(store, right_type: str, right_no: str) -> list[dict]:
    """Filings on a right that the office has not decided and that were not withdrawn (any type)."""
    rows = store.db.query(
        "SELECT f.* FROM filings f JOIN filing_rights r ON r.filing_id = f.id WHERE r.right_type = ? "
        "AND r.right_no = ? AND f.status NOT IN ('accepted', 'rejected', 'withdrawn') ORDER BY f.id",
        [right_type, right_no])
    return [_filing(store, row) for row in rows]


def last_paid_year(store, app_no: str) -> int | None:
    """The latest patent year of an accepted annual fee filing on the patent."""
    return store.db.execute(
        "SELECT max(CAST(json_extract(f.details, '$.year') AS INTEGER)) "
        "FROM filings f JOIN filing_rights r ON r.filing_id = f.id "
        "WHERE r.right_type = 'patent' AND r.right_no = ? AND f.type = 'annuity' AND f.status = 'accepted'",
        [app_no]).fetchone()[0]


def standing_terms(store, right_type: str, right_no: str) -> list[dict]:
    """The pledges (pending or registered) and licences (pending or recorded) on a right, with their
    last day: `kind` (pledge, license), `id`, `ends_on`."""
    return list(store.db.query(
        "SELECT 'pledge' AS kind, g.id, g.ends_on FROM pledges g JOIN pledge_rights r ON r.pledge_id = g.id "
        "WHERE r.right_type = :type AND r.right_no = :no AND g.status IN ('pending', 'registered') "
        "UNION ALL SELECT 'license', id, ends_on FROM licenses WHERE right_type = :type AND right_no = :no "
        "AND status IN ('pending', 'recorded') ORDER BY 3 DESC", {"type": right_type, "no": right_no}))


# pledges

def insert_pledge(store, *, filing_id: int, pledgor, pledgee: str, debtor, amount: float, starts_on: str,
                  ends_on: str, rights: list[tuple[str, str]]) -> int:
    cursor = store.db.execute(
        "INSERT INTO pledges (filing_id, pledgor, pledgee, debtor, amount, starts_on, ends_on) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", [filing_id, pledgor, pledgee, debtor, amount, starts_on, ends_on])
    store.db.conn.executemany("INSERT INTO pledge_rights (pledge_id, right_type, right_no) VALUES (?, ?, ?)",
                              [(cursor.lastrowid, kind, number) for kind, number in rights])
    return cursor.lastrowid


def get_pledge(store, pledge_id: int) -> dict | None:
    rows = list(store.db.query("SELECT * FROM pledges WHERE id = ?", [pledge_id]))
    if not rows:
        return None
    rights = store.db.query("SELECT right_type, right_no FROM pledge_rights WHERE pledge_id = ? "
                            "ORDER BY right_type, right_no", [pledge_id])
    return {**rows[0], "rights": list(rights)}


def pledge_of_filing(store, filing_id: int) -> dict | None:
    rows = list(store.db.query("SELECT id FROM pledges WHERE filing_id = ?", [filing_id]))
    return get_pledge(store, rows[0]["id"]) if rows else None


def update_pledge(store, pledge_id: int, **fields) -> None:
    store.db.execute(f"UPDATE pledges SET {', '.join(f'{c} = ?' for c in fields)} WHERE id = ?",
                     [*fields.values(), pledge_id])


def list_pledges(store) -> list[dict]:
    return [get_pledge(store, row["id"]) for row in store.db.query("SELECT id FROM pledges ORDER BY id")]


# licences

def insert_license(store, **fields) -> int:
    columns = ", ".join(fields)
    cursor = store.db.execute(f"INSERT INTO licenses ({columns}) VALUES ({', '.join('?' * len(fields))})",
                              list(fields.values()))
    return cursor.lastrowid


def get_license(store, license_id: int) -> dict | None:
    rows = list(store.db.query("SELECT * FROM licenses WHERE id = ?", [license_id]))
    return rows[0] if rows else None


def license_of_filing(store, filing_id: int) -> dict | None:
    rows = list(store.db.query("SELECT * FROM licenses WHERE filing_id = ?", [filing_id]))
    return rows[0] if rows else None


def set_license_status(store, license_id: int, status: str) -> None:
    store.db.execute("UPDATE licenses SET status = ? WHERE id = ?", [status, license_id])


# marks by name and class, for the same-name checks of R-TM-TRANSFER and R-TM-PLEDGE

def same_name_marks(store, owner: str, name: str, classes: list[int]) -> list[str]:
    """The owner's marks of this name in any of these classes, by registration number."""
    rows = store.db.execute("SELECT reg_no, classes FROM marks WHERE owner = ? AND name = ? ORDER BY reg_no",
                            [owner, name])
    wanted = set(classes)
    return [reg_no for reg_no, stored in rows if wanted.intersection(class_list(stored))]
