"""Trademark terms, the renewal window and the grace period (RULES.md §3)."""

from dataclasses import dataclass
from datetime import date

from ipcli.rules.calendar import WorkCalendar
from ipcli.rules.catalog import Step
from ipcli.rules.dates import ONE_DAY, add_months, month_end_clamped
from ipcli.rules.fees import LATE_RENEWAL, RENEWAL, trademark_fee

TERM_MONTHS = 120

TOO_EARLY = "too_early"
IN_WINDOW = "in_window"
IN_GRACE = "in_grace"
TOO_LATE = "too_late"
RENEWAL_STATUSES = (TOO_EARLY, IN_WINDOW, IN_GRACE, TOO_LATE)  # in the order a filing date moves


def term_end(start: date) -> tuple[date, Step]:
    """R-TM-TERM: the day before the corresponding day 120 months later, or the last day of that
    month when it has no corresponding day. Never shifted (R-NO-SHIFT)."""
    corresponding, existed = add_months(start, TERM_MONTHS)
    end = corresponding - ONE_DAY if existed else corresponding
    key = "step.tm_term" if existed else "step.tm_term_clamped"
    return end, Step("R-TM-TERM", key, {"start": start, "corresponding": corresponding, "end": end})


@dataclass(frozen=True)
class MarkDates:
    registered_on: date | None
    expires_on: date
    renewal_window_opens_on: date
    renewal_window_closes_on: date
    grace_ends_on: date
    next_term_starts_on: date
    next_term_expires_on: date
    provisional: bool
    missing_years: frozenset
    steps: tuple

    def as_record(self) -> dict:
        return {
            "registered_on": self.registered_on,
            "expires_on": self.expires_on,
            "renewal_window_opens_on": self.renewal_window_opens_on,
            "renewal_window_closes_on": self.renewal_window_closes_on,
            "grace_ends_on": self.grace_ends_on,
            "next_term_starts_on": self.next_term_starts_on,
            "next_term_expires_on": self.next_term_expires_on,
            "provisional": self.provisional,
        }


def mark_dates(calendar: WorkCalendar, *, registered: date | None = None, expires: date | None = None) -> MarkDates:
    """The key dates of a mark's current term, from its start (registration or last renewal) or expiry."""
    steps = []
    if registered is not None:
        expires, step = term_end(registered)
        steps.append(step)
    steps.append(Step("R-NO-SHIFT", "step.term_end_not_shifted", {"date": expires}))

    opens = month_end_clamped(expires, -12) + ONE_DAY
    steps.append(Step("R-TM-WINDOW", "step.tm_window", {"opens": opens, "closes": expires}))

    grace_raw = month_end_clamped(expires, 6)
    grace = calendar.roll_forward(grace_raw)
    steps.append(Step("R-TM-GRACE", "step.tm_grace", {"start": expires + ONE_DAY, "raw": grace_raw}))
    steps.extend(grace.steps)

    next_start = expires + ONE_DAY
    next_end, next_step = term_end(next_start)
    steps.append(Step("R-TM-RENEWED-TERM", "step.tm_renewed_term", {"start": next_start, "end": next_end}))
    steps.append(next_step)

    return MarkDates(registered, expires, opens, expires, grace.value, next_start, next_end,
                     grace.provisional, grace.missing_years, tuple(steps))


def renewal_status(dates: MarkDates, filed: date) -> str:
    """R-TM-WINDOW and R-TM-GRACE. Project decision: a filing after the expiry date is a grace
    filing even when the expiry day was a holiday."""
    if filed < dates.renewal_window_opens_on:
        return TOO_EARLY
    if filed <= dates.renewal_window_closes_on:
        return IN_WINDOW
    if filed <= dates.grace_ends_on:
        return IN_GRACE
    return TOO_LATE


@dataclass(frozen=True)
class RenewalAssessment:
    status: str
    dates: MarkDates
    fee_renewal: int
    fee_late: int
    steps: tuple

    @property
    def acceptable(self) -> bool:
        return self.status in (IN_WINDOW, IN_GRACE)

    def as_record(self) -> dict:
        return {
            "status": self.status,
            "expires_on": self.dates.expires_on,
            "grace_ends_on": self.dates.grace_ends_on,
            "fee_renewal": self.fee_renewal,
            "fee_late": self.fee_late,
            "fee_total": self.fee_renewal + self.fee_late,
            "new_term_starts_on": self.dates.next_term_starts_on if self.acceptable else None,
            "new_term_expires_on": self.dates.next_term_expires_on if self.acceptable else None,
            "provisional": self.dates.provisional,
        }


STATUS_RULE = {TOO_EARLY: "R-TM-WINDOW", IN_WINDOW: "R-TM-WINDOW", IN_GRACE: "R-TM-GRACE", TOO_LATE: "R-TM-GRACE"}


def assess_renewal(dates: MarkDates, filed: date, classes: int = 1, paper: bool = False) -> RenewalAssessment:
    """Whether a renewal filed on `filed` is accepted, and its official fees (FEE-TM, per class)."""
    status = renewal_status(dates, filed)
    steps = list(dates.steps)
    steps.append(Step(STATUS_RULE[status], f"step.renewal_{status}", {
        "filed": filed, "opens": dates.renewal_window_opens_on,
        "expires": dates.expires_on, "grace_ends": dates.grace_ends_on,
    }))
    fee_renewal = fee_late = 0
    if status in (IN_WINDOW, IN_GRACE):
        fee_renewal, step = trademark_fee(RENEWAL, filed, paper, classes)
        steps.append(step)
    if status == IN_GRACE:
        fee_late, step = trademark_fee(LATE_RENEWAL, filed, paper, classes)
        steps.append(step)
    return RenewalAssessment(status, dates, fee_renewal, fee_late, tuple(steps))
