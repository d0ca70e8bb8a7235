"""Patent terms, annual fee due dates, late-fee bands and fee reductions (RULES.md §4)."""

from dataclasses import dataclass
from datetime import date

from ipcli.errors import Rejected
from ipcli.rules.calendar import WorkCalendar
from ipcli.rules.catalog import PATENT_LAW_2021, Step
from ipcli.rules.dates import ONE_DAY, month_end_clamped
from ipcli.rules.fees import NO_REDUCTION, OpenLicense, annual_fee, payable_annual_fee

INVENTION = "invention"
UTILITY = "utility"
DESIGN = "design"
PATENT_TYPES = (INVENTION, UTILITY, DESIGN)

NOT_DUE = "not_due"
ON_TIME = "on_time"
IN_GRACE = "in_grace"
LAPSED = "lapsed"

GRACE_MONTHS = 6
# R-PAT-LATE: (paid up to AddMonths(due, months), late fee percent); after the last band, 25% to
# the grace end. Band boundaries other than the grace end are not shifted (project decision).
LATE_FEE_BANDS = ((1, 0), (2, 5), (3, 10), (4, 15), (5, 20))
LAST_BAND_PERCENT = 25


def term_years(patent_type: str, filed: date) -> tuple[int, Step]:
    """R-PAT-TERM: invention 20 years, utility model 10, design 15 from 2021-06-01 (10 before)."""
    if patent_type == INVENTION:
        years = 20
    elif patent_type == UTILITY:
        years = 10
    else:
        years = 15 if filed >= PATENT_LAW_2021 else 10
    return years, Step("R-PAT-TERM", "step.pat_term_years", {"type": patent_type, "filed": filed, "years": years})


@dataclass(frozen=True)
class PatentTerm:
    term_years: int
    term_ends_on: date
    last_protected_on: date
    steps: tuple


def patent_term(patent_type: str, filed: date) -> PatentTerm:
    """R-PAT-TERM: term end = AddMonths(filing, 12N), never shifted (R-NO-SHIFT)."""
    years, years_step = term_years(patent_type, filed)
    end = month_end_clamped(filed, 12 * years)
    steps = (
        years_step,
        Step("R-PAT-TERM", "step.pat_term_end", {"filed": filed, "end": end, "last": end - ONE_DAY}),
        Step("R-NO-SHIFT", "step.term_end_not_shifted", {"date": end}),
    )
    return PatentTerm(years, end, end - ONE_DAY, steps)


def check_patent_year(patent_type: str, filed: date, year: int) -> None:
    years, _ = term_years(patent_type, filed)
    if not 1 <= year <= years:
        raise Rejected("patent.year_outside_term", rule="R-PAT-TERM", year=year, type=patent_type, years=years)


def annuity_due(filed: date, year: int) -> tuple[date, Step]:
    """R-PAT-ANNUITY-DUE: patent year k starts, and its fee falls due, on AddMonths(filing, 12(k-1))."""
    due = month_end_clamped(filed, 12 * (year - 1))
    return due, Step("R-PAT-ANNUITY-DUE", "step.annuity_due", {"filed": filed, "year": year, "due": due})


def patent_year_of(filed: date, day: date) -> int:
    """The patent year that `day` falls in (R-PAT-ANNUITY-DUE)."""
    if day < filed:
        raise Rejected("patent.date_before_filing", rule="R-PAT-ANNUITY-DUE", value=day, filed=filed)
    year = day.year - filed.year + 1
    while year > 1 and month_end_clamped(filed, 12 * (year - 1)) > day:
        year -= 1
    while month_end_clamped(filed, 12 * year) <= day:
        year += 1
    return year


@dataclass(frozen=True)
class Annuity:
    year: int
    due_on: date
    on_time_until: date  # NextWorkingDay(due): payment up to then counts as on time
    grace_ends_on: date
    fee: int
    provisional: bool
    missing_years: frozenset
    steps: tuple

    def as_record(self) -> dict:
        return {"year": self.year, "due_on": self.due_on, "grace_ends_on": self.grace_ends_on,
                "fee": self.fee, "provisional": self.provisional}


def annuity(calendar: WorkCalendar, patent_type: str, filed: date, year: int) -> Annuity:
    check_patent_year(patent_type, filed, year)
    due, due_step = annuity_due(filed, year)
    on_time = calendar.roll_forward(due, patent=True)
    grace_raw = month_end_clamped(due, GRACE_MONTHS)
    grace = calendar.roll_forward(grace_raw, patent=True)
    fee, fee_step = annual_fee(patent_type, year)
    steps = (due_step, Step("R-PAT-LATE", "step.annuity_on_time", {"due": due, "until": on_time.value}),
             *on_time.steps,
             Step("R-PAT-LATE", "step.annuity_grace", {"due": due, "raw": grace_raw}), *grace.steps,
             fee_step)
    return Annuity(year, due, on_time.value, grace.value, fee, grace.provisional or on_time.provisional,
                   grace.missing_years | on_time.missing_years, steps)


def annuity_schedule(calendar: WorkCalendar, patent_type: str, filed: date) -> list[Annuity]:
    years, _ = term_years(patent_type, filed)
    return [annuity(calendar, patent_type, filed, year) for year in range(1, years + 1)]


def annuity_status(due: Annuity, day: date) -> str:
    """R-PAT-LATE: where a payment on `day` stands."""
    if day < due.due_on:
        return NOT_DUE
    if day <= due.on_time_until:
        return ON_TIME
    if day <= due.grace_ends_on:
        return IN_GRACE
    return LAPSED


def late_fee_percent(due: Annuity, paid: date) -> tuple[int | None, Step]:
    """R-PAT-LATE: the late-fee band of a payment on `paid`; None after the grace end."""
    status = annuity_status(due, paid)
    if status in (NOT_DUE, ON_TIME):
        return 0, Step("R-PAT-LATE", f"step.paid_{status}", {"paid": paid, "due": due.due_on})
    if status == LAPSED:
        return None, Step("R-PAT-LATE", "step.paid_lapsed", {"paid": paid, "grace_ends": due.grace_ends_on})
    percent, band_end = late_band(due.due_on, due.grace_ends_on, paid)
    return percent, Step("R-PAT-LATE", "step.late_band", {"paid": paid, "band_end": band_end, "percent": percent})


def late_band(due_on: date, grace_ends_on: date, paid: date) -> tuple[int, date]:
    """R-PAT-LATE: (late-fee percent, last day of its band) of a payment after the due date that is
    made by the grace end."""
    for months, percent in LATE_FEE_BANDS:
        band_end = month_end_clamped(due_on, months)
        if paid <= band_end:
            return percent, band_end
    return LAST_BAND_PERCENT, grace_ends_on


@dataclass(frozen=True)
class AnnuityPayment:
    due: Annuity
    status: str
    fee_payable: int
    late_fee_rate_pct: int | None
    late_fee: int | None
    steps: tuple

    def as_record(self) -> dict:
        total = None if self.status == LAPSED else self.fee_payable + (self.late_fee or 0)
        return {
            "year": self.due.year, "due_on": self.due.due_on, "grace_ends_on": self.due.grace_ends_on,
            "fee": self.due.fee, "fee_payable": self.fee_payable,
            "late_fee_rate_pct": self.late_fee_rate_pct, "late_fee": self.late_fee,
            "total": total, "status": self.status, "provisional": self.due.provisional,
        }


def annuity_payment(calendar: WorkCalendar, patent_type: str, filed: date, year: int, *, today: date,
                    paid: date | None = None, reduction: str = NO_REDUCTION, granted: date | None = None,
                    open_license: OpenLicense | None = None) -> AnnuityPayment:
    """The year-`year` annual fee judged at `paid` (or else at `today`), after the best discount that applies
    to it (FEE-REDUCTION, FEE-OPEN-LICENSE), with the late fee of R-PAT-LATE, which is a percentage of the
    full, unreduced fee."""
    if paid is not None and paid < filed:
        raise Rejected("annuity.paid_before_filing", rule="R-PAT-ANNUITY-DUE", value=paid, filed=filed)
    if granted is not None and granted < filed:
        raise Rejected("patent.granted_before_filing", rule="R-PAT-TERM", value=granted, filed=filed)
    due = annuity(calendar, patent_type, filed, year)
    grant_year = patent_year_of(filed, granted) if granted is not None else None
    fee_payable, discount_steps = payable_annual_fee(due.fee, year=year, due_on=due.due_on, reduction=reduction,
                                                     grant_year=grant_year, open_license=open_license)
    steps = [*due.steps, *discount_steps]
    status = annuity_status(due, paid or today)
    steps.append(Step("R-PAT-LATE", f"step.annuity_status_{status}", {"date": paid or today}))
    percent = late_fee = None
    if paid is not None:
        percent, band_step = late_fee_percent(due, paid)
        steps.append(band_step)
        if percent is not None:
            late_fee = due.fee * percent // 100
    return AnnuityPayment(due, status, fee_payable, percent, late_fee, tuple(steps))
