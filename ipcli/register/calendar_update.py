"""Loading a year's holiday table and bringing the stored key dates in line with it (R-WORKDAY,
R-PROVISIONAL), and the calendar's status: which years are bundled, imported or missing."""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

from ipcli.db import calendar_years
from ipcli.errors import Rejected
from ipcli.register import rights
from ipcli.rules.calendar import (BundledCalendar, PROVISIONAL, WorkCalendar, parse_holiday_cn,
                                  weekday_rule)
from ipcli.rules.dates import EARLIEST, LATEST, ONE_DAY

# The deadline kinds (CLI.md `deadlines`) of the stored dates that are moved to a working day.
SHIFTED_KIND = {"mark": "mark_grace_ends", "patent": "patent_annuity_grace_ends"}
UPDATES = {"mark": calendar_years.update_mark_dates, "patent": calendar_years.update_patent_dates}


@dataclass(frozen=True)
class RowChange:
    right_type: str
    right_no: str
    before: dict
    after: dict


@dataclass(frozen=True)
class ImportPlan:
    year: int
    previous_source: str
    days: list
    changes: list


def calendar_of(documents: dict, bundled=None) -> WorkCalendar:
    """The working-day calendar of the bundled tables overridden by these imported documents."""
    return WorkCalendar({year: parse_holiday_cn(doc, year) for year, doc in documents.items()}, bundled)


# import


def import_year(store, document, source: str, *, expected_year: int | None = None, dry_run: bool = False) -> dict:
    """Validate a holiday-cn document, store it, journal it and recompute the key dates it moves, all
    in one write transaction; with `dry_run`, only report what would change."""
    year = parse_holiday_cn(document, expected_year).year  # R-WORKDAY: refuses an unpublished (empty) year
    if not EARLIEST.year <= year <= LATEST.year:
        raise Rejected("holiday.year_range", rule="R-WORKDAY", value=year, low=EARLIEST.year, high=LATEST.year)
    with nullcontext() if dry_run else store.transaction():
        plan = plan_import(store, year, document)
        if not dry_run:
            apply_import(store, plan, document, source)
    return import_report(plan, source, dry_run)


def plan_import(store, year: int, document: dict) -> ImportPlan:
    """What importing `document` changes: days, and the stored key dates that could move: rows whose shifted
    date (R-WORKDAY) lies from 1 December of the year before to 31 January after, and every provisional row
    (R-PROVISIONAL). They are recomputed with the register's own rules on the new calendar."""
    documents = {row["year"]: row["document"] for row in calendar_years.imported_years(store)}
    bundled = BundledCalendar()
    before = calendar_of(documents, bundled)
    after = calendar_of({**documents, year: document}, bundled)
    key_dates = rights.KeyDates(after)
    first, last = date(year - 1, 12, 1).isoformat(), date(year + 1, 1, 31).isoformat()
    marks = (mark_change(key_dates, row) for row in calendar_years.marks_with_shifted_dates(store, first, last))
    patents = (patent_change(key_dates, row)
               for row in calendar_years.patents_with_shifted_dates(store, first, last))
    return ImportPlan(year, before.year_source(year), changed_days(before, after, year, document),
                      [change for change in (*marks, *patents) if change is not None])


def apply_import(store, plan: ImportPlan, document: dict, source: str) -> None:
    """Inside the caller's transaction: store the year, update the changed rows, journal everything."""
    previous = calendar_years.imported_year(store, plan.year)
    stored = calendar_years.put_year(store, plan.year, document, source)
    store.journal("calendar", plan.year, previous, {**stored, "document": document})
    for change in plan.changes:
        UPDATES[change.right_type](store, change.right_no, change.after)
        store.journal(change.right_type, change.right_no, change.before, change.after)


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


def _diff(row: dict, new: dict, columns: tuple) -> tuple[dict, dict]:
    changed = [c for c in columns if new[c] != row[c]]
    return {c: row[c] for c in changed}, {c: new[c] for c in changed}


def mark_change(key_dates: rights.KeyDates, row: dict) -> RowChange | None:
    """The mark's key dates recomputed on the new calendar (R-TM-GRACE, R-WORKDAY), if they differ."""
    new = rights.mark_row(key_dates, reg_no=row["reg_no"], classes=row["classes"],
                          registered_on=date.fromisoformat(row["registered_on"]),
                          term_starts_on=date.fromisoformat(row["term_starts_on"]), name=row["name"],
                          owner=row["owner"], owner_id=row["owner_id"], kind=row["kind"], window=row["window"])
    before, after = _diff(row, new, calendar_years.MARK_KEY_DATES)
    return RowChange("mark", row["reg_no"], before, after) if after else None


def patent_change(key_dates: rights.KeyDates, row: dict) -> RowChange | None:
    """The patent's next annual fee recomputed on the new calendar (R-PAT-LATE, R-WORKDAY), if it differs."""
    new = rights.patent_row(key_dates, app_no=row["app_no"], filed_on=date.fromisoformat(row["filed_on"]),
                            patent_type=row["type"], granted_on=_date_or_none(row["granted_on"]),
                            paid_through=row["paid_through"], title=row["title"], owner=row["owner"],
                            owner_id=row["owner_id"], reduction=row["reduction"], window=row["window"])
    before, after = _diff(row, new, calendar_years.PATENT_KEY_DATES)
    return RowChange("patent", row["app_no"], before, after) if after else None


def _date_or_none(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def import_report(plan: ImportPlan, source: str, dry_run: bool) -> dict:
    marks = sum(1 for c in plan.changes if c.right_type == "mark")
    return {
        "year": plan.year, "source": source, "source_before": plan.previous_source, "dry_run": dry_run,
        "days_changed": len(plan.days), "marks_updated": marks, "patents_updated": len(plan.changes) - marks,
        "changed_days": plan.days,
        "changed_dates": [row for change in plan.changes for row in _change_rows(change)],
    }


def _change_rows(change: RowChange) -> list[dict]:
    rows = []
    for column, after in change.after.items():
        before = change.before[column]
        if column == "dates_provisional":
            column, before, after = "provisional", bool(before), bool(after)
        rows.append({"right_type": change.right_type, "right_no": change.right_no, "field": column,
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
    counts = calendar_years.provisional_counts(store)
    record = {
        "bundled_from": bundled[0] if bundled else None, "bundled_to": bundled[-1] if bundled else None,
        "imported": [{"year": row["year"], "source": row["source"], "imported_at": row["imported_at"],
                      "days": len(row["document"]["days"])} for row in calendar_years.imported_years(store)],
        "missing_years": missing_years(calendar, bundled, calendar_years.years_of_shifted_dates(store), today),
        "provisional_marks": counts["marks"], "provisional_patents": counts["patents"],
    }
    if details:
        record["provisional_rights"] = [provisional_right(row) for row in calendar_years.provisional_rights(store)]
    return record


def provisional_right(row: dict) -> dict:
    """A right whose stored deadline is provisional (R-PROVISIONAL), keyed like a `deadlines` row."""
    return {"due_on": row["due_on"], "kind": SHIFTED_KIND[row["right_type"]], "right_type": row["right_type"],
            "right_no": row["right_no"], "owner": row["owner"]}
