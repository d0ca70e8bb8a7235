"""What falls due and what has slipped: the open deadlines of the register, read from the stored
key dates, and for those already passed whether they can still be saved and at what late fee."""

from datetime import date, timedelta
from functools import lru_cache

from ipcli.db import deadlines as db
from ipcli.rules import patent as patent_rules
from ipcli.rules.fees import LATE_RENEWAL, annual_fee, trademark_fee

SAVEABLE, LOST, ENDED = "saveable", "lost", "ended"
OVERDUE_LOOKBACK_DAYS = 365
_ENDED_KINDS = ("pledge_term_ends",)
_LOST_KINDS = ("mark_grace_ends", "patent_annuity_grace_ends", "license_recordal_due", "notice_response_due")
_NOT_PATENT_FEE_KINDS = frozenset((*_ENDED_KINDS, *_LOST_KINDS, "mark_expires"))  # see _overdue


# Dates that pass without anything slipping: an opening window, a term that simply ends.
NOT_OVERDUE_KINDS = ("mark_renewal_window_opens", "patent_term_ends", "license_term_ends")


def deadlines(store, today: date, *, days: int, kinds=db.DEADLINE_KINDS, owners=(),
              window=None, overdue_since: date | None = None) -> list[dict]:
    """Open deadlines due from today to today + `days` (CLI.md `deadlines`), after those passed unmet
    since `overdue_since` when it is given; of rights of one of `owners` (all when none is given)."""
    rows = []
    if overdue_since is not None and overdue_since < today:
        overdue_kinds = [kind for kind in kinds if kind not in NOT_OVERDUE_KINDS]
        rows = _rows(store, today, overdue_since, today - timedelta(days=1), overdue_kinds, owners, window)
    return rows + _rows(store, today, today, today + timedelta(days=days), kinds, owners, window)


def _rows(store, today: date, start: date, end: date, kinds, owners, window) -> list[dict]:
    if not kinds:
        return []
    values = db.deadline_rows(store, start.isoformat(), end.isoformat(), kinds, owners, window).fetchall()
    days_left = _DaysLeft(today)
    facts = _OverdueFacts(store, values) if start < today else None
    return [_deadline(facts, today, row, days_left) for row in values]


class _DaysLeft(dict):
    """Days from today to an ISO date, parsed once per distinct date (a listing repeats dates a lot)."""

    def __init__(self, today: date):
        super().__init__()
        self.today = today

    def __missing__(self, iso: str) -> int:
        days = self[iso] = (date.fromisoformat(iso) - self.today).days
        return days


def default_overdue_since(today: date) -> date:
    return today - timedelta(days=OVERDUE_LOOKBACK_DAYS)


class _OverdueFacts:
    """What deadlines passed unmet need to know of their rights, read in one query per kind of right
    rather than one per row."""

    def __init__(self, store, values: list[tuple]):
        marks = [right_no for _, kind, _, right_no, *_ in values if kind == "mark_expires"]
        patents = [right_no for _, kind, _, right_no, *_ in values if kind not in _NOT_PATENT_FEE_KINDS]
        self.marks = db.mark_grace_facts(store, marks) if marks else {}
        self.patents = db.patent_fee_facts(store, patents) if patents else {}


def _deadline(facts: _OverdueFacts | None, today: date, values: tuple, days_left: _DaysLeft) -> dict:
    # One call per listed row: the tuple is unpacked, and its date parsed, once.
    due_on, kind, right_type, right_no, owner, title, rule, provisional, filing_id, window = values
    days = days_left[due_on]
    status, percent, late_fee = _overdue(facts, today, kind, right_no) if days < 0 else (None, None, None)
    return {"due_on": due_on, "days_left": days, "kind": kind, "right_type": right_type, "right_no": right_no,
            "owner": owner, "title": title, "rule": rule, "provisional": bool(provisional), "filing_id": filing_id,
            "window": window, "overdue_status": status, "late_fee_rate_pct": percent, "late_fee": late_fee}


def _overdue(facts: _OverdueFacts, today: date, kind: str, right_no: str) -> tuple:
    """(status, late fee percent, late fee) of a deadline passed unmet."""
    if kind in _ENDED_KINDS:
        return ENDED, None, None
    if kind in _LOST_KINDS:
        return LOST, None, None
    if kind == "mark_expires":
        return _mark_in_grace(facts, today, right_no)
    return _annuity_in_grace(facts, today, right_no)


def _mark_in_grace(facts: _OverdueFacts, today: date, reg_no: str) -> tuple:
    grace_ends_on, classes = facts.marks[reg_no]
    return _late_renewal(today, grace_ends_on, classes)


@lru_cache(maxsize=4096)
def _late_renewal(today: date, grace_ends_on: str, classes: int) -> tuple:
    """R-TM-GRACE: renewable until the grace end with the late fee (FEE-TM, online, per class); worked
    out once per grace end and number of classes, which many overdue marks share."""
    if today > date.fromisoformat(grace_ends_on):
        return LOST, None, None
    return SAVEABLE, None, trademark_fee(LATE_RENEWAL, today, False, classes)[0]


def _annuity_in_grace(facts: _OverdueFacts, today: date, app_no: str) -> tuple:
    """R-PAT-LATE: payable until the stored grace end with today's late-fee band, a percentage of the
    full annual fee (FEE-PAT-ANNUAL)."""
    patent = facts.patents[app_no]
    percent = _late_percent(today, patent["next_annuity_due_on"], patent["next_annuity_grace_ends_on"])
    if percent is None:
        return LOST, None, None
    return SAVEABLE, percent, _full_annual_fee(patent["type"], patent["next_annuity_year"]) * percent // 100


@lru_cache(maxsize=4096)
def _late_percent(today: date, due_on: str, grace_ends_on: str) -> int | None:
    """R-PAT-LATE: today's late-fee band of an annual fee due on `due_on`, None once its grace has ended;
    worked out once per due date, which many overdue patents share."""
    grace_ends = date.fromisoformat(grace_ends_on)
    if today > grace_ends:
        return None
    return patent_rules.late_band(date.fromisoformat(due_on), grace_ends, today)[0]


@lru_cache(maxsize=256)
def _full_annual_fee(patent_type: str, year: int) -> int:
    return annual_fee(patent_type, year)[0]


def expiries(store, today: date, *, days: int, owners=(), window=None) -> list[dict]:
    """Rights, pledges and licences whose term ends from today to today + `days`."""
    cursor = db.deadline_rows(store, today.isoformat(), (today + timedelta(days=days)).isoformat(),
                              db.EXPIRY_QUERIES, owners, window, queries=db.EXPIRY_QUERIES)
    rows = []
    for values in cursor:
        row = dict(zip(db.COLUMNS, values))
        rows.append({"ends_on": row["due_on"], "days_left": (date.fromisoformat(row["due_on"]) - today).days,
                     "kind": row["kind"], "right_type": row["right_type"], "right_no": row["right_no"],
                     "owner": row["owner"], "title": row["title"], "rule": row["rule"],
                     "filing_id": row["filing_id"], "window": row["window"]})
    return rows
