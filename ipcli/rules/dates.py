"""Calendar arithmetic of RULES.md §1 (AddMonths, R-PERIOD's raw end dates)."""

import re
from calendar import monthrange
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
# The only way ipcli reads a date: `date.fromisoformat` alone would also take "20240101" or "2024-W01-1".
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Dates ipcli accepts: from before the Trademark Law (1983) and Patent Law (1985) to well past any
# term a right granted today can reach.
EARLIEST = date(1980, 1, 1)
LATEST = date(2199, 12, 31)
# Why a text is not such a date (the last part of each reader's message key).
NOT_ISO_FORMAT, NOT_A_CALENDAR_DATE, OUT_OF_RANGE = "date_format", "date_invalid", "date_range"


class DateProblem(ValueError):
    """A text that is not a date ipcli accepts; `kind` says why."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def parse_date(text: str) -> date:
    """The calendar date `text` writes as YYYY-MM-DD, from EARLIEST to LATEST; else DateProblem."""
    if not ISO_DATE.fullmatch(text):
        raise DateProblem(NOT_ISO_FORMAT)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DateProblem(NOT_A_CALENDAR_DATE) from None
    if not EARLIEST <= day <= LATEST:
        raise DateProblem(OUT_OF_RANGE)
    return day


def add_months(start: date, months: int) -> tuple[date, bool]:
    """AddMonths: the same day of the month `months` later, clamped to the month's end.

    Returns the date and whether that day existed in the target month (R-TM-TERM needs it).
    """
    month_index = start.year * 12 + start.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = monthrange(year, month + 1)[1]
    if start.day <= last_day:
        return date(year, month + 1, start.day), True
    return date(year, month + 1, last_day), False


def month_end_clamped(start: date, months: int) -> date:
    return add_months(start, months)[0]


def raw_period_end(start: date, *, days: int = 0, months: int = 0, years: int = 0) -> date:
    """R-PERIOD: the start day is not counted; months and years end on the corresponding day."""
    if sum(1 for n in (days, months, years) if n) > 1:
        raise ValueError("give one of days, months or years")
    if days:
        return start + timedelta(days=days)
    return month_end_clamped(start, months or 12 * years)
