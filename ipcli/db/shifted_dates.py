"""The stored dates that were moved to a working day (R-PERIOD, R-WORKDAY, R-PAT-WEEKEND) and their
provisional flags (R-PROVISIONAL, R-PROVISIONAL-DECEMBER): a mark's grace end, a patent's next annual fee
(its on-time day and grace end), an open notice's response deadline and a pending patent licence's
recordal deadline. They are recomputed when a holiday year is loaded and when the rules change; every
function takes the sqlite-utils Database and the working-day calendar, and computes with ipcli.rules."""

import json
from dataclasses import dataclass
from datetime import date

from ipcli.rules import patent, trademark
from ipcli.rules.calendar import WorkCalendar, parse_holiday_cn
from ipcli.rules.notices import NOTICE_KINDS
from ipcli.rules.periods import PATENT, patent_license_recordal_due

# R-PROVISIONAL-DECEMBER: a stored date from this day of December may depend on the next year's notice.
LATE_DECEMBER = "12-25"
# strftime('%w'): Sunday is 0, Saturday 6 (R-PAT-WEEKEND moves patent dates off working weekend days).
_WEEKEND = "strftime('%w', {column}) IN ('0', '6')"
_LATE_DECEMBER = f"substr({{column}}, 6) >= '{LATE_DECEMBER}'"


@dataclass(frozen=True)
class DateChange:
    record_type: str  # mark, patent, notice, license
    record_id: str
    before: dict
    after: dict


@dataclass(frozen=True)
class _Table:
    """How one table's shifted date is found, recomputed and written back."""

    record_type: str
    table: str
    key: str
    date_column: str
    provisional_column: str
    select: str  # the columns recompute() needs
    only: str  # the rows that hold a live deadline
    changed_by_rules: str  # the rows R-PAT-WEEKEND or R-PROVISIONAL-DECEMBER may change

    def candidates(self, db, condition: str, params: list) -> list[dict]:
        where = f"({self.only}) AND ({condition})"
        return list(db.query(f"SELECT {self.key} AS record_id, {self.select} FROM {self.table} WHERE {where} "
                             f"ORDER BY {self.key}", params))


def _mark_dates(calendar: WorkCalendar, row: dict, cache: dict) -> tuple:
    """R-TM-GRACE on R-WORKDAY: a mark's grace end and whether it is provisional."""
    start = row["term_starts_on"]
    if start not in cache:
        dates = trademark.mark_dates(calendar, registered=date.fromisoformat(start))
        cache[start] = (dates.grace_ends_on.isoformat(), int(dates.provisional))
    return cache[start]


def _patent_dates(calendar: WorkCalendar, row: dict, cache: dict) -> tuple:
    """R-PAT-LATE on R-PAT-WEEKEND: the next annual fee's grace end, and whether it (or its on-time day)
    is provisional."""
    key = (row["type"], row["filed_on"], row["next_annuity_year"])
    if key not in cache:
        due = patent.annuity(calendar, row["type"], date.fromisoformat(row["filed_on"]), row["next_annuity_year"])
        cache[key] = (due.grace_ends_on.isoformat(), int(due.provisional))
    return cache[key]


def _notice_dates(calendar: WorkCalendar, row: dict, cache: dict) -> tuple:
    """R-PERIOD from the stored raw last day, moved as the notice's office moves it."""
    office = NOTICE_KINDS[row["kind"]].office
    rolled = calendar.roll_forward(date.fromisoformat(row["deadline_raw"]), patent=office == PATENT)
    return rolled.value.isoformat(), int(rolled.provisional)


def _license_dates(calendar: WorkCalendar, row: dict, cache: dict) -> tuple:
    """R-PAT-LICENSE: recorded within 3 months of taking effect."""
    period = patent_license_recordal_due(calendar, date.fromisoformat(row["starts_on"]))
    return period.deadline_on.isoformat(), int(period.provisional)


def _either(*conditions: str) -> str:
    return " OR ".join(conditions)


TABLES = (
    (_Table("mark", "marks", "reg_no", "grace_ends_on", "dates_provisional",
            "term_starts_on, grace_ends_on, dates_provisional", "1",
            _LATE_DECEMBER.format(column="grace_ends_on")), _mark_dates),
    (_Table("patent", "patents", "app_no", "next_annuity_grace_ends_on", "dates_provisional",
            "type, filed_on, next_annuity_year, next_annuity_grace_ends_on, dates_provisional",
            "next_annuity_year IS NOT NULL",
            _either(_WEEKEND.format(column="next_annuity_grace_ends_on"),
                    _LATE_DECEMBER.format(column="next_annuity_grace_ends_on"),
                    _LATE_DECEMBER.format(column="next_annuity_due_on"))), _patent_dates),
    (_Table("notice", "notices", "id", "deadline_on", "provisional", "kind, deadline_raw, deadline_on, provisional",
            "status = 'open'", "1"), _notice_dates),
    (_Table("license", "licenses", "id", "recordal_due_on", "provisional", "starts_on, recordal_due_on, provisional",
            "status = 'pending' AND right_type = 'patent'", "1"), _license_dates),
)


def register_calendar(db) -> WorkCalendar:
    """The register's working-day calendar: the bundled years and those imported into calendar_years."""
    rows = db.query("SELECT year, document FROM calendar_years")
    return WorkCalendar({row["year"]: parse_holiday_cn(json.loads(row["document"]), row["year"]) for row in rows})


def changes_in_range(db, calendar: WorkCalendar, first: str, last: str) -> list[DateChange]:
    """The stored shifted dates from `first` to `last` (ISO) and every provisional one, where `calendar`
    gives them otherwise: what loading a holiday year changes."""
    return [change for table, recompute in TABLES
            for change in _changes(db, calendar, table, recompute,
                                   f"{table.date_column} BETWEEN ? AND ? OR {table.provisional_column} = 1",
                                   [first, last])]


def changes_after_rule_update(db, calendar: WorkCalendar) -> list[DateChange]:
    """The stored shifted dates that R-PAT-WEEKEND and R-PROVISIONAL-DECEMBER change: patent dates moved onto
    a working weekend day, and dates from December 25 on (notices and licences, few, are all recomputed)."""
    return [change for table, recompute in TABLES
            for change in _changes(db, calendar, table, recompute, table.changed_by_rules, [])]


def _changes(db, calendar: WorkCalendar, table: _Table, recompute, condition: str, params: list) -> list[DateChange]:
    changes, cache = [], {}
    for row in table.candidates(db, condition, params):
        shifted, provisional = recompute(calendar, row, cache)
        before = {table.date_column: row[table.date_column], table.provisional_column: row[table.provisional_column]}
        after = {table.date_column: shifted, table.provisional_column: provisional}
        changed = [column for column in after if after[column] != before[column]]
        if changed:
            changes.append(DateChange(table.record_type, str(row["record_id"]),
                                      {c: before[c] for c in changed}, {c: after[c] for c in changed}))
    return changes


_TABLE_OF = {table.record_type: table for table, _ in TABLES}


def apply(db, changes: list[DateChange], *, operator: str, command: str, invocation: str | None = None) -> None:
    """Write the changed dates and journal each change (inside the caller's transaction). The statements
    go in batches, one per table and set of changed columns: on PostgreSQL a round trip each, not one
    per change (a holiday year moves tens of thousands of dates)."""
    from ipcli.db.connection import recorded_at
    from ipcli.db.store import insert_journal_entries

    stamp, updates = recorded_at(db), {}
    for change in changes:
        table = _TABLE_OF[change.record_type]
        assignments = ", ".join(f"{column} = ?" for column in change.after)
        stamped = table.record_type in ("mark", "patent")
        sql = f"UPDATE {table.table} SET {assignments}{', updated_at = ?' if stamped else ''} WHERE {table.key} = ?"
        updates.setdefault(sql, []).append([*change.after.values(), *([stamp] if stamped else []), change.record_id])
    for sql, rows in updates.items():
        db.conn.executemany(sql, rows)
    insert_journal_entries(db, operator, command, [(change.record_type, change.record_id, change.before, change.after)
                                                   for change in changes], invocation=invocation)
