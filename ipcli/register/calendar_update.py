"""Loading a year's holiday table and bringing the stored key dates in line with it (R-WORKDAY,
R-PROVISIONAL), and the calendar's status: which years are bundled, imported or missing."""

from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

from ipcli.clock import in_shanghai
from ipcli.db import calendar_years
from ipcli.rules.calendar import (BundledCalendar, PROVISIONAL, WorkCalendar, parse_holiday_cn,
                                  weekday_rule)
from ipcli.rules.dates import EARLIEST, LATEST, ONE_DAY

# The deadline kinds (CLI.md `deadlines`) of the stored dates that are moved to a working day.
SHIFTED_KIND = {"mark": "mark_grace_ends", "patent": "patent_annuity_grace_ends"}


@dataclass(frozen=True)
class ImportPlan:
    year: int
    previous_source: str
    days: list
    changes: list  # of shifted_dates.DateChange


def calendar_of(documents: dict, bundled=None) -> WorkCalendar:
    """The working-day calendar of the bundled tables overridden by these imported documents."""
    return WorkCalendar({year: parse_holiday_cn(doc, year) for year, doc in documents.items()}, bundled)


# import


def import_year(store, document, source: str, *, expected_year: int | None = None, dry_run: bool = False) -> dict:
    """Validate a holiday-cn document, store it, journal it and recompute the key dates it moves, all
    in one write transaction; with `dry_run`, only report what would change."""
    year = parse_holiday_cn(document, expected_year).year  # R-WORKDAY: refuses an unpublished (empty) year
    with nullcontext() if dry_run else store.transaction():
        plan = plan_import(store, year, document)
        if not dry_run:
            apply_import(store, plan, document, source)
    return import_report(plan, source, dry_run)


def plan_import(store, year: int, document: dict) -> ImportPlan:
    """What importing `document` changes: days, and the stored shifted dates that could move: those from
    1 December of the year before to 31 January after, and every provisional one (R-PROVISIONAL,
    R-PROVISIONAL-DECEMBER). They are recomputed with the register's own rules on the new calendar."""
    documents = {row["year"]: row["document"] for row in calendar_years.imported_years(store)}
    bundled = BundledCalendar()
    before = calendar_of(documents, bundled)
    after = calendar_of({**documents, year: document}, bundled)
    first, last = date(year - 1, 12, 1).isoformat(), date(year + 1, 1, 31).isoformat()
    return ImportPlan(year, before.year_source(year), changed_days(before, after, year, document),
                      calendar_years.shifted_date_changes(store, after, first, last))


def apply_import(store, plan: ImportPlan, document: dict, source: str) -> None:
    """Inside the caller's transaction: store the year, update the changed dates, journal everything."""
    previous = calendar_years.imported_year(store, plan.year)
    stored = calendar_years.put_year(store, plan.year, document, source)
    store.journal("calendar", plan.year, previous, {**stored, "document": document})
    calendar_years.apply_shifted_date_changes(store, plan.changes)


def effective_working(status, day: date) -> bool:
    """Whether a day counts as working; a day without a table (R-PROVISIONAL) by the weekday rule."""
    return weekday_rule(day) if status.working is None else status.working


def changed_days(before: WorkCalendar, after: WorkCalendar, year: int, document: dict) -> list[dict]:
    """Days from the previous December to the year's end whose working/rest status the import changes."""
    names = {entry["date"]: entry.get("name") for entry in document["days"]}
    changes, day = [], date(year - 1, 12, 1)
    while day.year <= year:
        old, new = before.day(day), after.day(day)
        was, now = effective_working(old, day), effective_working(new, day)
        if was != now:
            changes.append({"date": day.isoformat(), "name": names.get(day.isoformat()), "is_working_day": now,
                            "was_working_day": was, "source_before": old.source})
        day += ONE_DAY
    return changes


def import_report(plan: ImportPlan, source: str, dry_run: bool) -> dict:
    updated = Counter(change.record_type for change in plan.changes)
    return {
        "year": plan.year, "source": source, "source_before": plan.previous_source, "dry_run": dry_run,
        "days_changed": len(plan.days), "marks_updated": updated["mark"], "patents_updated": updated["patent"],
        "notices_updated": updated["notice"], "licenses_updated": updated["license"],
        "changed_days": plan.days,
        "changed_dates": [row for change in plan.changes for row in _change_rows(change)],
    }


def _change_rows(change) -> list[dict]:
    """One row per changed column; `right_type` and `right_no` name the record (a notice or licence by id)."""
    rows = []
    for column, after in change.after.items():
        before = change.before[column]
        if column.endswith("provisional"):
            column, before, after = "provisional", bool(before), bool(after)
        rows.append({"right_type": change.record_type, "right_no": change.record_id, "field": column,
                     "before": before, "after": after})
    return rows


# status


def bundled_years(calendar: WorkCalendar) -> list[int]:
    return [year for year in range(EARLIEST.year, LATEST.year + 1) if calendar.bundled.covers(year)]


def missing_years(calendar: WorkCalendar, bundled: list[int], needed: set[int], today: date) -> list[int]:
    """R-PROVISIONAL: years without a table after the last bundled one, up to the latest year a stored key
    date needs, and at least up to next year."""
    start = (bundled[-1] if bundled else today.year - 1) + 1
    end = max([today.year + 1, *needed])
    return [year for year in range(start, end + 1) if calendar.year_source(year) == PROVISIONAL]


def calendar_status(store, calendar: WorkCalendar, today: date, details: bool = False) -> dict:
    bundled = bundled_years(calendar)
    record = {
        "bundled_from": bundled[0] if bundled else None, "bundled_to": bundled[-1] if bundled else None,
        "imported": [{"year": row["year"], "source": row["source"], "imported_at": in_shanghai(row["imported_at"]),
                      "days": len(row["document"]["days"])} for row in calendar_years.imported_years(store)],
        "missing_years": missing_years(calendar, bundled, calendar_years.years_of_shifted_dates(store), today),
        **calendar_years.provisional_counts(store),
    }
    if details:
        record["provisional_rights"] = [provisional_right(row) for row in calendar_years.provisional_rights(store)]
    return record


def provisional_right(row: dict) -> dict:
    """A right whose stored deadline is provisional (R-PROVISIONAL), keyed like a `deadlines` row."""
    return {"due_on": row["due_on"], "kind": SHIFTED_KIND[row["right_type"]], "right_type": row["right_type"],
            "right_no": row["right_no"], "owner": row["owner"]}
