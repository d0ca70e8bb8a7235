"""Dates as people and files write them, and the calendar arithmetic of RULES.md §1 (AddMonths,
R-PERIOD's raw end dates)."""

import re
from calendar import monthrange
from datetime import date, timedelta

from ipcli.rules.written import half_width

ONE_DAY = timedelta(days=1)
# How machine formats (batch documents, holiday files) write a date, and nothing else:
# `date.fromisoformat` alone would also take "20240101" or "2024-W01-1".
ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})")
# How people write one (CLI.md "Output"): the year first, in four digits, then the month and the day,
# joined by "-", "/" or "." (2025-6-1), run together (20250601), or with 年月日 (2025年6月1日).
WRITTEN_DATES = (
    re.compile(r"(?P<year>[0-9]{4})(?P<mark>[-/.])(?P<month>[0-9]{1,2})(?P=mark)(?P<day>[0-9]{1,2})"),
    re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})"),
    re.compile(r"(?P<year>[0-9]{4})\s*年\s*(?P<month>[0-9]{1,2})\s*月\s*(?P<day>[0-9]{1,2})\s*日"),
)
# A day and a month before the year, or a year of two digits: 6/1/2025 (June 1st or January 6th?),
# 01.06.2025, 25-6-1. Which date is meant cannot be told, so none is guessed.
_AMBIGUOUS_DATE = re.compile(r"[0-9]{1,2}(?P<mark>[-/.])[0-9]{1,2}(?P=mark)(?:[0-9]{4}|[0-9]{1,2})")
TODAY_WORDS = frozenset({"today", "今天"})

# Dates ipcli accepts: from before the Trademark Law (1983) and Patent Law (1985) to well past any
# term a right granted today can reach.
EARLIEST = date(1980, 1, 1)
LATEST = date(2199, 12, 31)
# Why a text is not such a date (the last part of each reader's message key).
NOT_ISO_FORMAT, NOT_A_CALENDAR_DATE, OUT_OF_RANGE = "date_format", "date_invalid", "date_range"
AMBIGUOUS = "date_ambiguous"


class DateProblem(ValueError):
    """A text that is not a date ipcli accepts; `kind` says why."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def parse_date(text: str, today: date | None = None) -> date:
    """The calendar date `text` writes in one of the forms people use (WRITTEN_DATES, also with full-width
    digits and spaces around), from EARLIEST to LATEST; `today` or 今天 is `today` when one is given (a
    file's dates must not depend on the day it is read). Else DateProblem."""
    written = half_width(text).strip()
    if today is not None and written.lower() in TODAY_WORDS:
        return today
    for form in WRITTEN_DATES:
        match = form.fullmatch(written)
        if match:
            return _calendar_date(match)
    raise DateProblem(AMBIGUOUS if _AMBIGUOUS_DATE.fullmatch(written) else NOT_ISO_FORMAT)


def parse_iso_date(text: str) -> date:
    """The calendar date `text` writes as YYYY-MM-DD exactly, from EARLIEST to LATEST; else DateProblem."""
    match = ISO_DATE.fullmatch(text)
    if match is None:
        raise DateProblem(NOT_ISO_FORMAT)
    return _calendar_date(match)


def _calendar_date(match: re.Match) -> date:
    try:
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
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
