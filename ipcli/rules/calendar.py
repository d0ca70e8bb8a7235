"""The working-day calendar (R-WORKDAY) and the roll-forward of R-PERIOD (with R-PAT-WEEKEND for
patent time limits), with R-PROVISIONAL and R-PROVISIONAL-DECEMBER.

Year tables come from data: the bundled `chinesecalendar` package, and further years imported by
the user (holiday-cn files), which take precedence over bundled data.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ipcli.errors import Rejected
from ipcli.rules.catalog import Step
from ipcli.rules.dates import EARLIEST, LATEST, ONE_DAY, DateProblem, parse_iso_date

BUNDLED = "bundled"
IMPORTED = "imported"
PROVISIONAL = "provisional"


@dataclass(frozen=True)
class YearTable:
    """One year's State Council notice: its days off and its 调休 working days.

    A year's table may also set days in the previous December.
    """

    year: int
    off_days: frozenset
    working_days: frozenset


# R-PROVISIONAL-DECEMBER: from this day of December on, the next year's notice may still move a day.
UNSETTLED_FROM = (12, 25)


@dataclass(frozen=True)
class DayStatus:
    working: bool | None  # None: the year's table is not loaded
    source: str
    unsettled: bool = False  # late December while the next year's table is not loaded


@dataclass(frozen=True)
class Rolled:
    """A last day moved to the first working day on or after it (R-PERIOD, R-WORKDAY)."""

    raw: date
    value: date
    extended: bool
    provisional: bool
    missing_years: frozenset
    steps: tuple


class BundledCalendar:
    """The tables shipped in the `chinesecalendar` package (read on first use): its days off and its
    调休 working days, for every year from its first to its last."""

    def __init__(self):
        self._tables = None

    def _load(self) -> tuple[range, frozenset, frozenset]:
        if self._tables is None:
            from chinese_calendar import holidays, workdays

            years = {day.year for day in holidays}
            self._tables = range(min(years), max(years) + 1), frozenset(holidays), frozenset(workdays)
        return self._tables

    def covers(self, year: int) -> bool:
        return year in self._load()[0]

    def is_working_day(self, day: date) -> bool:
        """R-WORKDAY as chinese_calendar.is_workday applies it, without the range check that function
        makes on every call (over all its tables: most of the cost of classifying a day)."""
        _, off_days, working_days = self._load()
        return day in working_days or (weekday_rule(day) and day not in off_days)


def weekday_rule(day: date) -> bool:
    return day.weekday() < 5


class WorkCalendar:
    def __init__(self, imported: Mapping[int, YearTable] | None = None, bundled=None):
        self.imported = dict(imported or {})
        self.bundled = bundled if bundled is not None else BundledCalendar()
        self._days: dict[date, DayStatus] = {}

    def year_source(self, year: int) -> str:
        if year in self.imported:
            return IMPORTED
        if self.bundled.covers(year):
            return BUNDLED
        return PROVISIONAL

    def day(self, day: date) -> DayStatus:
        """R-WORKDAY: the notice's days first, then Monday-Friday work, weekends rest."""
        status = self._days.get(day)
        if status is None:
            status = self._classify(day)
            self._days[day] = status
        return status

    def _classify(self, day: date) -> DayStatus:
        status = self._classify_by_tables(day)
        if status.working is not None and self._unsettled(day):
            return DayStatus(status.working, status.source, unsettled=True)
        return status

    def _unsettled(self, day: date) -> bool:
        """R-PROVISIONAL-DECEMBER: a day from December 25 while next year's notice is not loaded."""
        return (day.month, day.day) >= UNSETTLED_FROM and self.year_source(day.year + 1) == PROVISIONAL

    def _classify_by_tables(self, day: date) -> DayStatus:
        for table in (self.imported.get(day.year), self.imported.get(day.year + 1)):
            if table is not None:
                if day in table.off_days:
                    return DayStatus(False, IMPORTED)
                if day in table.working_days:
                    return DayStatus(True, IMPORTED)
        source = self.year_source(day.year)
        if source == IMPORTED:
            return DayStatus(weekday_rule(day), IMPORTED)
        if source == BUNDLED:
            return DayStatus(self.bundled.is_working_day(day), BUNDLED)
        return DayStatus(None, PROVISIONAL)

    def roll_forward(self, raw: date, *, patent: bool = False) -> Rolled:
        """The last day of a time limit, `raw`, moved to the first working day on or after it (R-PERIOD,
        R-WORKDAY). For a `patent` time limit, a working Saturday or Sunday reached by moving is passed
        over to the following Monday or the first working day after it (R-PAT-WEEKEND); a raw last day
        that is itself a working weekend day stays.

        R-PROVISIONAL: where a day's year has no table, stop there unshifted and mark the result
        provisional; the true working day can only be later, so the date given is safe.
        R-PROVISIONAL-DECEMBER: a result that depended on a day from December 25 of a year whose next
        year has no table is provisional too, as that year's notice may still move the day.
        """
        current, unsettled, passed_weekend = raw, None, None
        while True:
            status = self.day(current)
            unsettled = unsettled or (current if status.unsettled else None)
            if status.working is None:
                step = Step("R-PROVISIONAL", "step.provisional", {"date": current, "year": current.year})
                return self._rolled(raw, current, (*self._rest_steps(raw, current, passed_weekend), step),
                                    {current.year}, unsettled)
            if status.working and patent and current != raw and not weekday_rule(current):
                passed_weekend = passed_weekend or current
            elif status.working:
                steps = (*self._rest_steps(raw, current, passed_weekend), self._working_step(current, status))
                return self._rolled(raw, current, steps, set(), unsettled)
            current += ONE_DAY

    def _rolled(self, raw: date, value: date, steps: tuple, missing: set, unsettled: date | None) -> Rolled:
        if unsettled is not None:
            missing = missing | {unsettled.year + 1}
            steps += (Step("R-PROVISIONAL-DECEMBER", "step.provisional_december",
                           {"date": unsettled, "year": unsettled.year + 1}),)
        return Rolled(raw, value, value != raw, bool(missing), frozenset(missing), steps)

    @staticmethod
    def _rest_steps(raw: date, stop: date, passed_weekend: date | None) -> tuple:
        if stop == raw:
            return ()
        if passed_weekend is None:
            return (Step("R-WORKDAY", "step.rest_days", {"first": raw, "last": stop - ONE_DAY}),)
        return (Step("R-WORKDAY", "step.rest_days", {"first": raw, "last": passed_weekend - ONE_DAY}),
                Step("R-PAT-WEEKEND", "step.working_weekend_passed", {"date": passed_weekend, "until": stop}))

    @staticmethod
    def _working_step(day: date, status: DayStatus) -> Step:
        return Step("R-WORKDAY", "step.working_day", {"date": day, "source": status.source})


def parse_holiday_cn(document, expected_year: int | None = None) -> YearTable:
    """Validate a holiday-cn file (`{year, papers, days:[{name, date, isOffDay}]}`) into a YearTable.

    An empty `days` list means the notice is not published yet, never "no holidays".
    """
    if not isinstance(document, dict):
        raise Rejected("holiday.not_object", rule="R-WORKDAY")
    year = document.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise Rejected("holiday.bad_year", rule="R-WORKDAY", value=year)
    if not EARLIEST.year <= year <= LATEST.year:
        raise Rejected("holiday.year_range", rule="R-WORKDAY", value=year, low=EARLIEST.year, high=LATEST.year)
    if expected_year is not None and year != expected_year:
        raise Rejected("holiday.year_mismatch", rule="R-WORKDAY", value=year, expected=expected_year)
    days = document.get("days")
    if not isinstance(days, list):
        raise Rejected("holiday.no_days", rule="R-WORKDAY", year=year)
    if not days:
        raise Rejected("holiday.unpublished", rule="R-WORKDAY", year=year)
    off_days, working_days = set(), set()
    for index, entry in enumerate(days):
        day, is_off = _parse_holiday_entry(entry, index, year)
        if day in off_days or day in working_days:
            raise Rejected("holiday.duplicate_day", rule="R-WORKDAY", value=day.isoformat(), index=index)
        (off_days if is_off else working_days).add(day)
    return YearTable(year, frozenset(off_days), frozenset(working_days))


def _parse_holiday_entry(entry, index: int, year: int) -> tuple[date, bool]:
    if not isinstance(entry, dict):
        raise Rejected("holiday.bad_entry", rule="R-WORKDAY", index=index)
    raw_date, is_off = entry.get("date"), entry.get("isOffDay")
    try:
        day = parse_iso_date(raw_date) if isinstance(raw_date, str) else None
    except DateProblem:
        day = None
    if day is None:
        raise Rejected("holiday.bad_date", rule="R-WORKDAY", value=raw_date, index=index)
    if not (day.year == year or (day.year == year - 1 and day.month == 12)):
        raise Rejected("holiday.date_outside_year", rule="R-WORKDAY", value=raw_date, year=year)
    if not isinstance(is_off, bool):
        raise Rejected("holiday.bad_flag", rule="R-WORKDAY", value=is_off, index=index)
    return day, is_off
