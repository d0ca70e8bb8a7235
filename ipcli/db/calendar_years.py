"""SQL of the holiday calendar: imported years (table calendar_years) and the stored key dates that
depend on the working-day calendar (R-WORKDAY, R-PROVISIONAL). Every function takes a `Store`."""

import json

from ipcli.db.connection import recorded_at
from ipcli.db import maintenance, shifted_dates

# The stored key dates moved to a working day (R-PERIOD, R-WORKDAY); the others are never shifted.
MARK_SHIFTED = "grace_ends_on"
PATENT_SHIFTED = "next_annuity_grace_ends_on"


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
    row = {"year": year, "source": source, "imported_at": recorded_at(store.db)}
    store.db.execute(
        "INSERT INTO calendar_years (year, document, source, imported_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(year) DO UPDATE SET document = excluded.document, source = excluded.source, "
        "imported_at = excluded.imported_at",
        [year, json.dumps(document, ensure_ascii=False, sort_keys=True), source, row["imported_at"]])
    return row


def shifted_date_changes(store, calendar, first: str, last: str) -> list:
    """The stored shifted dates from `first` to `last` and every provisional one that `calendar` moves."""
    return shifted_dates.changes_in_range(store.db, calendar, first, last)


def apply_shifted_date_changes(store, changes: list) -> None:
    shifted_dates.apply(store.db, changes, operator=store.operator, command=store.command,
                        invocation=store.invocation)


def provisional_counts(store) -> dict:
    """provisional_marks, _patents, _notices (open) and _licenses (pending): how many hold provisional dates."""
    return maintenance.provisional_counts(store.db.conn, set(store.db.table_names()))


def provisional_rights(store) -> list[dict]:
    """The rights with provisional key dates: right_type, right_no, owner and the shifted date."""
    sql = (f"SELECT 'mark' AS right_type, reg_no AS right_no, owner, {MARK_SHIFTED} AS due_on "
           "FROM marks WHERE dates_provisional = 1 "
           f"UNION ALL SELECT 'patent', app_no, owner, {PATENT_SHIFTED} FROM patents WHERE dates_provisional = 1 "
           "ORDER BY due_on, right_no")
    return list(store.db.query(sql))


def years_of_shifted_dates(store) -> set[int]:
    """The holiday years every stored date that was moved, or would be moved, to a working day needs: its
    own, and the next one for a date from December 25 (R-PROVISIONAL-DECEMBER)."""
    needed = "CAST(substr({d}, 1, 4) AS INTEGER) + CASE WHEN substr({d}, 6) >= '{late}' THEN 1 ELSE 0 END"
    sources = ((MARK_SHIFTED, "marks"), (PATENT_SHIFTED, "patents"), ("next_annuity_due_on", "patents"),
               ("deadline_on", "notices"), ("recordal_due_on", "licenses"))
    sql = " UNION ".join(f"SELECT DISTINCT {needed.format(d=column, late=shifted_dates.LATE_DECEMBER)} AS year "
                         f"FROM {table} WHERE {column} IS NOT NULL" for column, table in sources)
    return {row["year"] for row in store.db.query(sql)}
