"""Time limits for acts (R-PERIOD) and when office documents count as received (service rules)."""

from dataclasses import dataclass
from datetime import date, timedelta

from ipcli.rules.calendar import WorkCalendar
from ipcli.rules.catalog import PATENT_RULES_2024, Step
from ipcli.rules.dates import raw_period_end

TRADEMARK = "trademark"
PATENT = "patent"
OFFICES = (TRADEMARK, PATENT)
ELECTRONIC = "electronic"
PAPER = "paper"
SERVICE_MODES = (ELECTRONIC, PAPER)

SERVICE_DAYS = 15


def deemed_receipt(office: str, dispatched: date, served: str) -> tuple[date, tuple]:
    """R-TM-SERVICE / R-PAT-SERVICE: the day a document counts as received. Never shifted (R-NO-SHIFT).

    Trademark: 15 days after dispatch, electronic or by post (the postmark governs when known: give it
    as the start date instead). Patent: paper 15 days after dispatch; electronic on the dispatch date
    from 2024-01-20, 15 days after dispatch before.
    """
    if office == TRADEMARK:
        received, rule, key = dispatched + timedelta(days=SERVICE_DAYS), "R-TM-SERVICE", f"step.tm_service_{served}"
    elif served == ELECTRONIC and dispatched >= PATENT_RULES_2024:
        received, rule, key = dispatched, "R-PAT-SERVICE", "step.pat_service_electronic"
    else:
        received = dispatched + timedelta(days=SERVICE_DAYS)
        rule = "R-PAT-SERVICE"
        key = "step.pat_service_paper" if served == PAPER else "step.pat_service_electronic_before_2024"
    return received, (Step(rule, key, {"dispatched": dispatched, "received": received}),
                      Step("R-NO-SHIFT", "step.receipt_not_shifted", {"date": received}))


@dataclass(frozen=True)
class Period:
    starts_on: date
    deadline_raw: date
    deadline_on: date
    extended: bool
    provisional: bool
    missing_years: frozenset
    steps: tuple

    def as_record(self) -> dict:
        return {"starts_on": self.starts_on, "deadline_raw": self.deadline_raw, "deadline_on": self.deadline_on,
                "extended": self.extended, "provisional": self.provisional}


def period_deadline(calendar: WorkCalendar, office: str, start: date, *, days: int = 0, months: int = 0,
                    years: int = 0, steps: tuple = ()) -> Period:
    """R-PERIOD: the last day of a time limit of `office` counted from `start`, moved to a working day
    (for the patent office past a working weekend day, R-PAT-WEEKEND)."""
    raw = raw_period_end(start, days=days, months=months, years=years)
    rolled = calendar.roll_forward(raw, patent=office == PATENT)
    amount, unit = next(((n, u) for n, u in ((days, "days"), (months, "months"), (years, "years")) if n), (0, "days"))
    counted = Step("R-PERIOD", "step.period", {"start": start, "amount": amount, "unit": unit, "raw": raw})
    return Period(start, raw, rolled.value, rolled.extended, rolled.provisional, rolled.missing_years,
                  (*steps, counted, *rolled.steps))


PATENT_LICENSE_RECORDAL_MONTHS = 3


def patent_license_recordal_due(calendar: WorkCalendar, starts: date) -> Period:
    """R-PAT-LICENSE: a patent licence contract is recorded within 3 months of taking effect."""
    return period_deadline(calendar, PATENT, starts, months=PATENT_LICENSE_RECORDAL_MONTHS)
