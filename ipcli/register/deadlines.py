"""What falls due and what has slipped: the open deadlines of the register, read from the stored
key dates, and for those already passed whether they can still be saved and at what late fee."""

from datetime import date, timedelta

from ipcli.db import deadlines as db
from ipcli.rules import patent as patent_rules
from ipcli.rules.calendar import PROVISIONAL, WorkCalendar
from ipcli.rules.fees import LATE_RENEWAL, trademark_fee

SAVEABLE, LOST, ENDED = "saveable", "lost", "ended"
OVERDUE_LOOKBACK_DAYS = 365
_ENDED_KINDS = ("pledge_term_ends",)
_LOST_KINDS = ("mark_grace_ends", "patent_annuity_grace_ends", "license_recordal_due", "notice_response_due")


# Dates that pass without anything slipping: an opening window, a term that simply ends.
NOT_OVERDUE_KINDS = ("mark_renewal_window_opens", "patent_term_ends", "license_term_ends")


def deadlines(store, calendar: WorkCalendar, today: date, *, days: int, kinds=db.DEADLINE_KINDS, owner=None,
              window=None, overdue_since: date | None = None) -> list[dict]:
    """Open deadlines due from today to today + `days` (CLI.md `deadlines`), after those passed unmet
    since `overdue_since` when it is given."""
    rows = []
    if overdue_since is not None and overdue_since < today:
        overdue_kinds = [kind for kind in kinds if kind not in NOT_OVERDUE_KINDS]
        rows = _rows(store, calendar, today, overdue_since, today - timedelta(days=1), overdue_kinds, owner, window)
    return rows + _rows(store, calendar, today, today, today + timedelta(days=days), kinds, owner, window)


def _rows(store, calendar, today: date, start: date, end: date, kinds, owner, window) -> list[dict]:
    if not kinds:
        return []
    cursor = db.deadline_rows(store, start.isoformat(), end.isoformat(), kinds, owner, window)
    return [_deadline(store, calendar, today, row) for row in cursor]


def default_overdue_since(today: date) -> date:
    return today - timedelta(days=OVERDUE_LOOKBACK_DAYS)


def _deadline(store, calendar: WorkCalendar, today: date, values: tuple) -> dict:
    row = dict(zip(db.COLUMNS, values))
    due = date.fromisoformat(row["due_on"])
    status, percent, late_fee = _overdue(store, calendar, today, row) if due < today else (None, None, None)
    if row["kind"] == "license_recordal_due" and row["right_type"] == "patent":
        # R-PROVISIONAL: a shifted date in a year without a holiday table was left unshifted.
        row["provisional"] = calendar.year_source(due.year) == PROVISIONAL
    return {"due_on": row["due_on"], "days_left": (due - today).days, "kind": row["kind"],
            "right_type": row["right_type"], "right_no": row["right_no"], "owner": row["owner"],
            "title": row["title"], "rule": row["rule"], "provisional": bool(row["provisional"]),
            "filing_id": row["filing_id"], "window": row["window"], "overdue_status": status,
            "late_fee_rate_pct": percent, "late_fee": late_fee}


def _overdue(store, calendar: WorkCalendar, today: date, row: dict) -> tuple:
    """(status, late fee percent, late fee) of a deadline passed unmet."""
    kind = row["kind"]
    if kind in _ENDED_KINDS:
        return ENDED, None, None
    if kind in _LOST_KINDS:
        return LOST, None, None
    if kind == "mark_expires":
        return _mark_in_grace(store, today, row["right_no"])
    return _annuity_in_grace(store, calendar, today, row["right_no"])


def _mark_in_grace(store, today: date, reg_no: str) -> tuple:
    """R-TM-GRACE: renewable until the grace end with the late fee (FEE-TM, online, per class)."""
    mark = store.get_mark(reg_no)
    if today > date.fromisoformat(mark["grace_ends_on"]):
        return LOST, None, None
    return SAVEABLE, None, trademark_fee(LATE_RENEWAL, today, False, len(mark["classes"]))[0]


def _annuity_in_grace(store, calendar: WorkCalendar, today: date, app_no: str) -> tuple:
    """R-PAT-LATE: payable until the grace end with today's late-fee band (on the full fee)."""
    facts = db.patent_fee_facts(store, app_no)
    payment = patent_rules.annuity_payment(calendar, facts["type"], date.fromisoformat(facts["filed_on"]),
                                           facts["next_annuity_year"], today=today, paid=today)
    if payment.late_fee_rate_pct is None:
        return LOST, None, None
    return SAVEABLE, payment.late_fee_rate_pct, payment.late_fee


def expiries(store, today: date, *, days: int, owner=None, window=None) -> list[dict]:
    """Rights, pledges and licences whose term ends from today to today + `days`."""
    cursor = db.deadline_rows(store, today.isoformat(), (today + timedelta(days=days)).isoformat(),
                              db.EXPIRY_QUERIES, owner, window, queries=db.EXPIRY_QUERIES)
    rows = []
    for values in cursor:
        row = dict(zip(db.COLUMNS, values))
        rows.append({"ends_on": row["due_on"], "days_left": (date.fromisoformat(row["due_on"]) - today).days,
                     "kind": row["kind"], "right_type": row["right_type"], "right_no": row["right_no"],
                     "owner": row["owner"], "title": row["title"], "rule": row["rule"],
                     "filing_id": row["filing_id"], "window": row["window"]})
    return rows
