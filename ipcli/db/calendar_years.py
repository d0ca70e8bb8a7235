"""SQL of the holiday calendar: imported years (table calendar_years) and the stored key dates that
depend on the working-day calendar (R-WORKDAY, R-PROVISIONAL). Every function takes a `Store`."""

import json

from ipcli.db.nice_classes import class_list
from ipcli.db.store import now_utc

# The stored key dates moved to a working day (R-PERIOD, R-WORKDAY); the others are never shifted.
MARK_SHIFTED = "grace_ends_on"
PATENT_SHIFTED = "next_annuity_grace_ends_on"
MARK_KEY_DATES = ("expires_on", "renewal_window_opens_on", "grace_ends_on", "dates_provisional")
PATENT_KEY_DATES = ("term_ends_on", "next_annuity_year", "next_annuity_due_on", "next_annuity_grace_ends_on",
                    "dates_provisional")


def imported_years(store) -> list[dict]:
    """Every imported year, oldest first: year, source, imported_at and the parsed document."""
    rows = store.db.query("SELECT year, source, imported_at, document FROM calendar_years ORDER BY year")
    return [{**row, "document": json.loads(row["document"])} for row in rows]


def imported_year(store, year: int) -> dict | None:
    rows = list(store.db.query("SELECT year, source, imported_at, document FROM calendar_years WHERE year = ?",
                               [year]))
    return {**rows[0], "document": json.loads(rows[0]["document"])} if rows else None


def put_year(store, year: int, document: dict, source: str) -> dict:
    """Store a year's document, replacing an earlier import of that year (inside the caller's transaction)."""
    row = {"year": year, "source": source, "imported_at": now_utc()}
    store.db.execute(
        "INSERT INTO calendar_years (year, document, source, imported_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(year) DO UPDATE SET document = excluded.document, source = excluded.source, "
        "imported_at = excluded.imported_at",
        [year, json.dumps(document, ensure_ascii=False, sort_keys=True), source, row["imported_at"]])
    return row


def marks_with_shifted_dates(store, first: str, last: str) -> list[dict]:
    """Marks whose grace end lies in first..last (ISO dates), or whose key dates are provisional."""
    sql = (f"SELECT * FROM marks WHERE {MARK_SHIFTED} BETWEEN ? AND ? OR dates_provisional = 1 "
           "ORDER BY reg_no")
    return [{**row, "classes": class_list(row["classes"])} for row in store.db.query(sql, [first, last])]


def patents_with_shifted_dates(store, first: str, last: str) -> list[dict]:
    sql = (f"SELECT * FROM patents WHERE {PATENT_SHIFTED} BETWEEN ? AND ? OR dates_provisional = 1 "
           "ORDER BY app_no")
    return list(store.db.query(sql, [first, last]))


def update_mark_dates(store, reg_no: str, values: dict) -> None:
    _update(store, "marks", "reg_no", reg_no, values, MARK_KEY_DATES)


def update_patent_dates(store, app_no: str, values: dict) -> None:
    _update(store, "patents", "app_no", app_no, values, PATENT_KEY_DATES)


def _update(store, table: str, key: str, value: str, values: dict, allowed: tuple) -> None:
    columns = [c for c in values if c in allowed]
    assignments = ", ".join(f"{c} = ?" for c in columns)
    store.db.execute(f"UPDATE {table} SET {assignments}, updated_at = ? WHERE {key} = ?",
                     [*(values[c] for c in columns), now_utc(), value])


def provisional_counts(store) -> dict:
    """R-PROVISIONAL: how many marks and patents hold provisional key dates."""
    marks = store.db.execute("SELECT count(*) FROM marks WHERE dates_provisional = 1").fetchone()[0]
    patents = store.db.execute("SELECT count(*) FROM patents WHERE dates_provisional = 1").fetchone()[0]
    return {"marks": marks, "patents": patents}


def provisional_rights(store) -> list[dict]:
    """The rights with provisional key dates: right_type, right_no, owner and the shifted date."""
    sql = (f"SELECT 'mark' AS right_type, reg_no AS right_no, owner, {MARK_SHIFTED} AS due_on "
           "FROM marks WHERE dates_provisional = 1 "
           f"UNION ALL SELECT 'patent', app_no, owner, {PATENT_SHIFTED} FROM patents WHERE dates_provisional = 1 "
           "ORDER BY due_on, right_no")
    return list(store.db.query(sql))


def years_of_shifted_dates(store) -> set[int]:
    """The years of every stored date that was moved, or would be moved, to a working day."""
    sql = (f"SELECT DISTINCT substr({MARK_SHIFTED}, 1, 4) AS year FROM marks "
           f"UNION SELECT DISTINCT substr({PATENT_SHIFTED}, 1, 4) FROM patents WHERE {PATENT_SHIFTED} IS NOT NULL "
           "UNION SELECT DISTINCT substr(next_annuity_due_on, 1, 4) FROM patents "
           "WHERE next_annuity_due_on IS NOT NULL")
    return {int(row["year"]) for row in store.db.query(sql)}
