"""Table-driven tests of the pure rules layer against RULES.md (§6 examples and each rule's edges)."""

from datetime import date, timedelta

import chinese_calendar
import pytest

from ipcli.errors import Rejected
from ipcli.rules import patent, periods, trademark
from ipcli.rules.calendar import WorkCalendar, YearTable, parse_holiday_cn
from ipcli.rules.dates import add_months, raw_period_end
from ipcli.rules.fees import (ASSIGNMENT, LATE_RENEWAL, LICENSE_RECORDAL, PLEDGE, RENEWAL, OpenLicense,
                              annual_fee, recordal_fee, reduction_and_open_license, trademark_fee)

CAL = WorkCalendar()
D = date


def rule_ids(steps):
    return {step.rule for step in steps}


def table(year, off=(), work=()):
    return YearTable(year, frozenset(off), frozenset(work))


# --- RULES.md §6: the public examples -----------------------------------------------------------

@pytest.mark.parametrize("start, months, raw, deadline", [
    (D(2007, 10, 30), 2, D(2007, 12, 30), D(2008, 1, 2)),   # New Year block 2007-12-30..2008-01-01
    (D(2007, 12, 6), 2, D(2008, 2, 6), D(2008, 2, 13)),     # Spring Festival block 2008-02-06..12
])
def test_example_patent_period_in_months(start, months, raw, deadline):
    period = periods.period_deadline(CAL, "patent", start, months=months)
    assert (period.deadline_raw, period.deadline_on, period.extended, period.provisional) == \
        (raw, deadline, True, False)


def test_example_exam_request_three_years():
    period = periods.period_deadline(CAL, "patent", D(1998, 6, 1), years=3)
    assert period.deadline_raw == D(2001, 6, 1)
    assert period.deadline_on == D(2001, 6, 1)
    assert period.provisional  # 2001 is outside the bundled tables (2004-2026)


def test_example_paper_notice_received_and_deadline():
    received = periods.deemed_receipt("patent", D(1999, 12, 16), "paper")[0]
    assert received == D(1999, 12, 31)
    period = periods.period_deadline(CAL, "patent", received, months=2)
    assert period.deadline_on == D(2000, 2, 29)


def test_example_utility_model_term_end_not_shifted():
    term = patent.patent_term("utility", D(1999, 9, 6))
    assert (term.term_years, term.term_ends_on, term.last_protected_on) == (10, D(2009, 9, 6), D(2009, 9, 5))
    assert term.term_ends_on.weekday() == 6  # a Sunday, left as it is (R-NO-SHIFT)


def test_example_annuity_year_6_due():
    assert patent.annuity_due(D(1997, 6, 3), 6)[0] == D(2002, 6, 3)
    assert patent.annuity(CAL, "invention", D(1997, 6, 3), 6).due_on == D(2002, 6, 3)


def test_example_mark_registered_2014_03_07():
    dates = trademark.mark_dates(CAL, registered=D(2014, 3, 7))
    assert dates.expires_on == D(2024, 3, 6)
    assert dates.renewal_window_opens_on == D(2023, 3, 7)
    assert dates.renewal_window_closes_on == D(2024, 3, 6)
    assert dates.grace_ends_on == D(2024, 9, 6)
    assert (dates.next_term_starts_on, dates.next_term_expires_on) == (D(2024, 3, 7), D(2034, 3, 6))
    assert not dates.provisional


def test_example_mark_registered_2016_02_29():
    dates = trademark.mark_dates(CAL, registered=D(2016, 2, 29))
    assert dates.expires_on == D(2026, 2, 28)
    assert dates.renewal_window_opens_on == D(2025, 3, 1)
    assert (dates.next_term_starts_on, dates.next_term_expires_on) == (D(2026, 3, 1), D(2036, 2, 29))


def test_example_invention_year_6_paid_late():
    paid = D(2024, 8, 20)
    pay = patent.annuity_payment(CAL, "invention", D(2019, 6, 3), 6, today=paid, paid=paid)
    assert pay.due.due_on == D(2024, 6, 3)
    assert pay.due.fee == 1200
    assert (pay.status, pay.late_fee_rate_pct, pay.late_fee) == ("in_grace", 10, 120)
    assert pay.as_record()["total"] == 1320


# --- AddMonths and R-PERIOD ---------------------------------------------------------------------

@pytest.mark.parametrize("start, months, expected", [
    (D(2023, 1, 31), 1, (D(2023, 2, 28), False)),
    (D(2024, 1, 31), 1, (D(2024, 2, 29), False)),
    (D(2024, 3, 31), 1, (D(2024, 4, 30), False)),
    (D(2024, 1, 30), 1, (D(2024, 2, 29), False)),
    (D(2024, 1, 29), 1, (D(2024, 2, 29), True)),
    (D(2024, 2, 29), 12, (D(2025, 2, 28), False)),
    (D(2024, 2, 29), 48, (D(2028, 2, 29), True)),
    (D(2024, 3, 31), -1, (D(2024, 2, 29), False)),
    (D(2024, 12, 15), 1, (D(2025, 1, 15), True)),
    (D(2025, 1, 15), -1, (D(2024, 12, 15), True)),
    (D(2024, 5, 6), 0, (D(2024, 5, 6), True)),
])
def test_add_months_clamps_and_reports_existed(start, months, expected):
    assert add_months(start, months) == expected


def test_period_in_days_is_start_plus_n():
    assert raw_period_end(D(2024, 5, 6), days=15) == D(2024, 5, 21)
    assert raw_period_end(D(2024, 12, 20), days=15) == D(2025, 1, 4)


@pytest.mark.parametrize("office", ["trademark", "patent"])
def test_period_from_feb_29_in_months_and_years(office):
    assert periods.period_deadline(CAL, office, D(2024, 2, 29), months=1).deadline_on == D(2024, 3, 29)
    one_year = periods.period_deadline(CAL, office, D(2024, 2, 29), years=1)
    assert (one_year.deadline_raw, one_year.deadline_on) == (D(2025, 2, 28), D(2025, 2, 28))


def test_period_refuses_two_units():
    with pytest.raises(ValueError):
        raw_period_end(D(2024, 1, 1), days=1, months=1)


# --- R-WORKDAY: holiday blocks, 调休 working days ----------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    (D(2024, 2, 10), D(2024, 2, 18)),   # Spring Festival 2024: block 02-10..02-17, Sunday 02-18 works
    (D(2024, 2, 14), D(2024, 2, 18)),
    (D(2024, 2, 17), D(2024, 2, 18)),
    (D(2024, 10, 1), D(2024, 10, 8)),   # National Day 2024: block 10-01..10-07
    (D(2024, 10, 5), D(2024, 10, 8)),
    (D(2024, 6, 1), D(2024, 6, 3)),     # plain weekend
    (D(2026, 12, 19), D(2026, 12, 21)),
])
def test_roll_forward_leaves_rest_block(raw, expected):
    rolled = CAL.roll_forward(raw)
    assert (rolled.raw, rolled.value, rolled.extended, rolled.provisional) == (raw, expected, True, False)
    assert rolled.missing_years == frozenset()


@pytest.mark.parametrize("day", [
    D(2026, 2, 28),   # Saturday, 调休 working day
    D(2025, 9, 28),   # Sunday, 调休 working day
    D(2024, 2, 9),    # 除夕 2024, a working day
    D(2024, 2, 18),   # Sunday, 调休 working day
    D(2024, 10, 12),  # Saturday, 调休 working day
])
def test_working_day_trap_is_not_moved(day):
    assert chinese_calendar.is_workday(day)  # the data agrees with RULES.md
    rolled = CAL.roll_forward(day)
    assert (rolled.value, rolled.extended, rolled.provisional) == (day, False, False)
    assert CAL.day(day).working is True


@pytest.mark.parametrize("office", ["trademark", "patent"])
def test_period_ending_on_working_saturday_not_moved(office):
    # R-PAT-WEEKEND: a raw last day that is itself a working weekend day is not shifted, for patents too.
    period = periods.period_deadline(CAL, office, D(2025, 12, 28), months=2)
    assert (period.deadline_raw, period.deadline_on) == (D(2026, 2, 28), D(2026, 2, 28))
    assert not period.extended


@pytest.mark.parametrize("office, deadline", [("trademark", D(2024, 2, 18)), ("patent", D(2024, 2, 19))])
def test_period_ending_in_spring_festival_moves_to_working_sunday_or_monday(office, deadline):
    # R-WORKDAY: a trademark limit ends on the working Sunday 2024-02-18; R-PAT-WEEKEND passes a patent
    # limit over it to Monday 2024-02-19.
    period = periods.period_deadline(CAL, office, D(2023, 12, 12), months=2)
    assert (period.deadline_raw, period.deadline_on) == (D(2024, 2, 12), deadline)
    assert period.extended and not period.provisional


def test_weekday_inside_holiday_block_is_rest_day():
    assert D(2024, 10, 7).weekday() == 0
    assert CAL.day(D(2024, 10, 7)).working is False


# --- R-PAT-WEEKEND: a patent limit moved onto a working weekend day goes on to Monday ---------------

def test_rulebook_example_paper_notice_spring_festival_2024():
    # RULES.md R-PAT-WEEKEND: dispatched 2023-12-01 (paper, +15 days), 2 months -> raw 2024-02-16 (Spring
    # Festival) -> first working day Sunday 2024-02-18 -> deadline Monday 2024-02-19.
    received = periods.deemed_receipt("patent", D(2023, 12, 1), "paper")[0]
    assert received == D(2023, 12, 16)
    period = periods.period_deadline(CAL, "patent", received, months=2)
    assert (period.deadline_raw, period.deadline_on, period.extended) == (D(2024, 2, 16), D(2024, 2, 19), True)
    assert "R-PAT-WEEKEND" in rule_ids(period.steps)
    trademark_limit = periods.period_deadline(CAL, "trademark", received, months=2)
    assert trademark_limit.deadline_on == D(2024, 2, 18)
    assert "R-PAT-WEEKEND" not in rule_ids(trademark_limit.steps)


@pytest.mark.parametrize("raw", [D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 3)])
def test_rulebook_example_new_year_2026(raw):
    # A patent limit ending 2026-01-01..03 ends Monday 2026-01-05; a trademark one on Sunday 2026-01-04.
    assert CAL.roll_forward(raw, patent=True).value == D(2026, 1, 5)
    assert CAL.roll_forward(raw).value == D(2026, 1, 4)


@pytest.mark.parametrize("raw, trademark_day, patent_day", [
    (D(2024, 10, 1), D(2024, 10, 8), D(2024, 10, 8)),     # block ends before a weekday: same for both
    (D(2024, 10, 7), D(2024, 10, 8), D(2024, 10, 8)),
    (D(2025, 10, 1), D(2025, 10, 9), D(2025, 10, 9)),     # 2025-10-11 (Sat) works, but 10-09 comes first
    (D(2025, 2, 1), D(2025, 2, 5), D(2025, 2, 5)),
    (D(2026, 2, 22), D(2026, 2, 24), D(2026, 2, 24)),
    (D(2024, 2, 17), D(2024, 2, 18), D(2024, 2, 19)),
    (D(2004, 5, 1), D(2004, 5, 8), D(2004, 5, 10)),      # both 2004-05-08 (Sat) and 05-09 (Sun) work
    (D(2025, 9, 27), D(2025, 9, 28), D(2025, 9, 29)),    # working Sunday before National Day 2025
    (D(2009, 9, 26), D(2009, 9, 27), D(2009, 9, 28)),    # a plain Saturday rolled onto a working Sunday
])
def test_patent_roll_passes_working_weekend_days(raw, trademark_day, patent_day):
    assert CAL.roll_forward(raw).value == trademark_day
    assert CAL.roll_forward(raw, patent=True).value == patent_day


def test_patent_limit_whose_raw_day_is_a_working_weekend_day_stays():
    for day in (D(2026, 2, 28), D(2025, 9, 28), D(2024, 2, 18), D(2026, 1, 4)):
        rolled = CAL.roll_forward(day, patent=True)
        assert (rolled.value, rolled.extended) == (day, False)


def test_patent_roll_from_a_rest_day_before_an_imported_working_weekend():
    # An imported year whose working Saturday and Sunday both follow a block: passed to Monday, or past
    # a Monday that is itself off.
    cal = WorkCalendar({2030: table(2030, off=[D(2030, 3, 4), D(2030, 3, 5), D(2030, 3, 6), D(2030, 3, 7),
                                               D(2030, 3, 8), D(2030, 3, 11)],
                                    work=[D(2030, 3, 9), D(2030, 3, 10)])})
    assert cal.roll_forward(D(2030, 3, 4)).value == D(2030, 3, 9)
    rolled = cal.roll_forward(D(2030, 3, 4), patent=True)
    assert (rolled.value, rolled.provisional) == (D(2030, 3, 12), False)


def test_annuity_on_time_day_and_grace_end_pass_working_weekends():
    # Utility model filed 2019-08-17: year 7 due 2025-08-17 (Sunday) -> on time until Monday 08-18; grace
    # raw 2026-02-17 (Spring Festival 02-15..23) -> first working day 2026-02-24, a Tuesday.
    due = patent.annuity(CAL, "utility", D(2019, 8, 17), 7)
    assert (due.due_on, due.on_time_until, due.grace_ends_on) == (D(2025, 8, 17), D(2025, 8, 18), D(2026, 2, 24))
    # Invention filed 2015-08-02: year 11 due 2025-08-02, grace raw 2026-02-02 (Mon): not moved.
    # Filed 2013-08-13 year 13: due 2025-08-13, raw grace 2026-02-13 (Fri, a working day) stays.
    assert patent.annuity(CAL, "invention", D(2013, 8, 13), 13).grace_ends_on == D(2026, 2, 13)
    # Filed 2013-08-14: raw grace 2026-02-14 is a working Saturday: not moved (it is not a shift).
    assert patent.annuity(CAL, "invention", D(2013, 8, 14), 13).grace_ends_on == D(2026, 2, 14)
    # Filed 2013-08-15: raw grace 2026-02-15 is the first day of the block -> 2026-02-24 (Tuesday).
    assert patent.annuity(CAL, "invention", D(2013, 8, 15), 13).grace_ends_on == D(2026, 2, 24)


def test_annuity_grace_end_moves_from_working_sunday_to_monday():
    # Filed 2018-07-01: year 7 due 2024-07-01, raw grace 2025-01-01 (New Year), first working day
    # 2025-01-02 (Thursday): no weekend. Filed 2017-08-10, year 7 due 2023-08-10, raw grace 2024-02-10
    # (Spring Festival 02-10..17) -> working Sunday 02-18 -> Monday 02-19 for the patent.
    due = patent.annuity(CAL, "invention", D(2017, 8, 10), 7)
    assert (due.due_on, due.grace_ends_on) == (D(2023, 8, 10), D(2024, 2, 19))
    assert patent.late_fee_percent(due, D(2024, 2, 19))[0] == 25
    assert patent.late_fee_percent(due, D(2024, 2, 20))[0] is None
    assert trademark.mark_dates(CAL, expires=D(2023, 8, 10)).grace_ends_on == D(2024, 2, 18)


# --- R-PROVISIONAL-DECEMBER: late December waits for the next year's notice -----------------------

@pytest.mark.parametrize("raw", [D(2026, 12, 25), D(2026, 12, 28), D(2026, 12, 31)])
def test_late_december_without_next_year_is_provisional(raw):
    for patent_limit in (False, True):
        rolled = CAL.roll_forward(raw, patent=patent_limit)
        assert (rolled.value, rolled.provisional, rolled.missing_years) == (raw, True, frozenset({2027}))
        assert "R-PROVISIONAL-DECEMBER" in rule_ids(rolled.steps)


@pytest.mark.parametrize("raw, value", [
    (D(2026, 12, 24), D(2026, 12, 24)),   # the day before: settled
    (D(2026, 12, 19), D(2026, 12, 21)),   # a weekend rolled to a Monday before the 25th: settled
])
def test_december_days_before_the_25th_are_settled(raw, value):
    rolled = CAL.roll_forward(raw)
    assert (rolled.value, rolled.provisional) == (value, False)


def test_a_roll_that_passes_december_25_is_provisional():
    # Saturday 2026-12-26 -> Monday 12-28: the 2027 notice could still move Monday.
    rolled = CAL.roll_forward(D(2026, 12, 26))
    assert (rolled.value, rolled.provisional, rolled.missing_years) == (D(2026, 12, 28), True, frozenset({2027}))


def test_late_december_is_settled_once_the_next_year_is_loaded():
    cal = WorkCalendar({2027: table(2027, off=[D(2027, 1, 1)])})
    rolled = cal.roll_forward(D(2026, 12, 28))
    assert (rolled.value, rolled.provisional) == (D(2026, 12, 28), False)
    assert not cal.day(D(2026, 12, 31)).unsettled


def test_late_december_of_bundled_years_is_settled():
    # Every bundled year but the last has its next year bundled: 2018-12-29 (a working Saturday set by the
    # 2019 notice) is a settled working day.
    status = CAL.day(D(2018, 12, 29))
    assert (status.working, status.unsettled) == (True, False)
    assert not CAL.roll_forward(D(2018, 12, 30)).provisional


def test_december_of_an_unloaded_year_stays_plain_provisional():
    rolled = CAL.roll_forward(D(2030, 12, 28))
    assert (rolled.value, rolled.provisional, rolled.missing_years) == (D(2030, 12, 28), True, frozenset({2030}))


# --- R-PROVISIONAL ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [D(2027, 1, 1), D(2027, 1, 2), D(2027, 2, 6), D(2030, 10, 1),
                                 D(2003, 12, 31)])
def test_unpublished_year_is_provisional_and_not_shifted(raw):
    rolled = CAL.roll_forward(raw)
    assert (rolled.value, rolled.extended, rolled.provisional) == (raw, False, True)
    assert rolled.missing_years == frozenset({raw.year})
    assert "R-PROVISIONAL" in rule_ids(rolled.steps)


def test_period_into_unpublished_year_is_provisional():
    period = periods.period_deadline(CAL, "patent", D(2026, 11, 6), months=3)
    assert (period.deadline_on, period.provisional, period.missing_years) == \
        (D(2027, 2, 6), True, frozenset({2027}))


def test_bundled_2026_has_no_rest_day_at_year_end():
    # Documents why the next test injects a table: 2026-12-31 is a working day in the bundled data.
    assert chinese_calendar.is_workday(D(2026, 12, 31))
    assert CAL.roll_forward(D(2026, 12, 31)).value == D(2026, 12, 31)


def test_roll_from_december_rest_day_into_unpublished_year():
    cal = WorkCalendar({2026: table(2026, off=[D(2026, 12, 31)])})
    rolled = cal.roll_forward(D(2026, 12, 31))
    assert (rolled.raw, rolled.value, rolled.extended) == (D(2026, 12, 31), D(2027, 1, 1), True)
    assert rolled.provisional and rolled.missing_years == frozenset({2027})


def test_roll_from_december_rest_day_into_imported_year():
    cal = WorkCalendar({2027: table(2027, off=[D(2026, 12, 31), D(2027, 1, 1)])})
    rolled = cal.roll_forward(D(2026, 12, 31))
    assert (rolled.value, rolled.provisional) == (D(2027, 1, 4), False)  # Jan 2-3 2027 is a weekend


# --- imported year tables -----------------------------------------------------------------------

def test_imported_table_overrides_bundled_year():
    cal = WorkCalendar({2026: table(2026, off=[D(2026, 1, 1)])})
    assert cal.day(D(2026, 2, 28)).working is False     # bundled: 调休 Saturday; import omits it
    assert cal.day(D(2026, 2, 17)).working is True      # bundled: Spring Festival; import omits it
    assert cal.day(D(2026, 2, 17)).source == "imported"
    assert cal.day(D(2026, 1, 1)).working is False


def test_imported_table_makes_unpublished_year_definite():
    cal = WorkCalendar({2027: table(2027, off=[D(2027, 1, 1)], work=[D(2027, 2, 6)])})
    assert cal.roll_forward(D(2027, 1, 1)).value == D(2027, 1, 4)
    rolled = cal.roll_forward(D(2027, 2, 6))
    assert (rolled.value, rolled.provisional) == (D(2027, 2, 6), False)


def test_next_years_file_sets_previous_december_over_bundled():
    assert chinese_calendar.is_workday(D(2026, 12, 31))
    cal = WorkCalendar({2027: table(2027, off=[D(2026, 12, 31)])})
    status = cal.day(D(2026, 12, 31))
    assert (status.working, status.source) == (False, "imported")
    assert cal.day(D(2026, 12, 30)).working is True


def test_next_years_file_can_make_december_weekend_a_working_day():
    cal = WorkCalendar({2027: table(2027, work=[D(2026, 12, 26)])})
    assert CAL.day(D(2026, 12, 26)).working is False
    assert cal.roll_forward(D(2026, 12, 26)).value == D(2026, 12, 26)


# --- parse_holiday_cn ---------------------------------------------------------------------------

def holiday_doc(year=2027, days=None):
    if days is None:
        days = [{"name": "元旦", "date": "2026-12-31", "isOffDay": True},
                {"name": "元旦", "date": "2027-01-01", "isOffDay": True},
                {"name": "春节", "date": "2027-02-06", "isOffDay": False}]
    return {"year": year, "papers": [], "days": days}


def test_parse_holiday_cn_builds_table_with_previous_december():
    parsed = parse_holiday_cn(holiday_doc(), expected_year=2027)
    assert parsed == table(2027, off=[D(2026, 12, 31), D(2027, 1, 1)], work=[D(2027, 2, 6)])


def test_parsed_table_takes_precedence():
    cal = WorkCalendar({2027: parse_holiday_cn(holiday_doc())})
    assert cal.day(D(2026, 12, 31)).working is False
    assert cal.roll_forward(D(2026, 12, 31)).value == D(2027, 1, 4)


def day_entry(date_text, off=True):
    return {"name": "x", "date": date_text, "isOffDay": off}


@pytest.mark.parametrize("document, expected_year, key", [
    (holiday_doc(days=[]), None, "holiday.unpublished"),
    (holiday_doc(), 2026, "holiday.year_mismatch"),
    (holiday_doc(days=[day_entry("2027-02-30")]), None, "holiday.bad_date"),
    (holiday_doc(days=[day_entry("2027-2-3")]), None, "holiday.bad_date"),
    (holiday_doc(days=[day_entry(20270101)]), None, "holiday.bad_date"),
    (holiday_doc(days=[day_entry("2027-W01-5")]), None, "holiday.bad_date"),
    (holiday_doc(days=[day_entry("2028-01-01")]), None, "holiday.date_outside_year"),
    (holiday_doc(days=[day_entry("2026-11-30")]), None, "holiday.date_outside_year"),
    (holiday_doc(days=[day_entry("2025-12-31")]), None, "holiday.date_outside_year"),
    (holiday_doc(days=[day_entry("2027-01-01"), day_entry("2027-01-01")]), None, "holiday.duplicate_day"),
    (holiday_doc(days=[day_entry("2027-01-01"), day_entry("2027-01-01", False)]), None,
     "holiday.duplicate_day"),
    (holiday_doc(days=[day_entry("2027-01-01", "true")]), None, "holiday.bad_flag"),
    (holiday_doc(days=[day_entry("2027-01-01", 1)]), None, "holiday.bad_flag"),
    (holiday_doc(days=[day_entry("2027-01-01", None)]), None, "holiday.bad_flag"),
])
def test_parse_holiday_cn_refusals(document, expected_year, key):
    with pytest.raises(Rejected) as caught:
        parse_holiday_cn(document, expected_year=expected_year)
    assert (caught.value.key, caught.value.rule) == (key, "R-WORKDAY")


def test_parse_holiday_cn_refuses_missing_days_and_bad_year():
    for document, key in [({"year": 2027}, "holiday.no_days"),
                          ({"year": True, "days": []}, "holiday.bad_year"),
                          ({"year": "2027", "days": []}, "holiday.bad_year"),
                          ([], "holiday.not_object")]:
        with pytest.raises(Rejected) as caught:
            parse_holiday_cn(document)
        assert (caught.value.key, caught.value.rule) == (key, "R-WORKDAY")


# --- service (R-TM-SERVICE, R-PAT-SERVICE) -------------------------------------------------------

@pytest.mark.parametrize("office, dispatched, served, received", [
    ("trademark", D(2024, 5, 6), "electronic", D(2024, 5, 21)),
    ("trademark", D(2024, 5, 6), "paper", D(2024, 5, 21)),
    ("patent", D(2024, 1, 19), "electronic", D(2024, 2, 3)),
    ("patent", D(2024, 1, 20), "electronic", D(2024, 1, 20)),
    ("patent", D(2024, 1, 20), "paper", D(2024, 2, 4)),
    ("patent", D(2024, 9, 22), "paper", D(2024, 10, 7)),   # a receipt inside a holiday block stays
    ("trademark", D(2024, 9, 16), "electronic", D(2024, 10, 1)),
])
def test_deemed_receipt(office, dispatched, served, received):
    assert periods.deemed_receipt(office, dispatched, served)[0] == received


# --- R-PAT-TERM ---------------------------------------------------------------------------------

@pytest.mark.parametrize("patent_type, filed, years, end", [
    ("invention", D(2019, 6, 3), 20, D(2039, 6, 3)),
    ("utility", D(2019, 6, 3), 10, D(2029, 6, 3)),
    ("design", D(2021, 5, 31), 10, D(2031, 5, 31)),
    ("design", D(2021, 6, 1), 15, D(2036, 6, 1)),
    ("invention", D(2020, 2, 29), 20, D(2040, 2, 29)),
    ("utility", D(2020, 2, 29), 10, D(2030, 2, 28)),
    ("design", D(2024, 2, 29), 15, D(2039, 2, 28)),
])
def test_patent_term(patent_type, filed, years, end):
    term = patent.patent_term(patent_type, filed)
    assert (term.term_years, term.term_ends_on) == (years, end)
    assert term.last_protected_on == end - timedelta(days=1)


def test_design_year_11_fee_when_filed_from_2021_06_01():
    due = patent.annuity(CAL, "design", D(2021, 6, 1), 11)
    assert (due.due_on, due.fee) == (D(2031, 6, 1), 3000)
    assert patent.annuity(CAL, "design", D(2021, 6, 1), 15).fee == 3000


@pytest.mark.parametrize("patent_type, filed, year", [
    ("invention", D(2019, 6, 3), 21),
    ("utility", D(2019, 6, 3), 11),
    ("design", D(2021, 5, 31), 11),
    ("design", D(2021, 6, 1), 16),
    ("invention", D(2019, 6, 3), 0),
])
def test_year_outside_term_refused(patent_type, filed, year):
    with pytest.raises(Rejected) as caught:
        patent.annuity(CAL, patent_type, filed, year)
    assert (caught.value.key, caught.value.rule) == ("patent.year_outside_term", "R-PAT-TERM")


@pytest.mark.parametrize("patent_type, year, fee", [
    ("invention", 1, 900), ("invention", 3, 900), ("invention", 4, 1200), ("invention", 6, 1200),
    ("invention", 7, 2000), ("invention", 9, 2000), ("invention", 10, 4000), ("invention", 12, 4000),
    ("invention", 13, 6000), ("invention", 15, 6000), ("invention", 16, 8000), ("invention", 20, 8000),
    ("utility", 1, 600), ("utility", 3, 600), ("utility", 4, 900), ("utility", 5, 900),
    ("utility", 6, 1200), ("utility", 8, 1200), ("utility", 9, 2000), ("utility", 10, 2000),
    ("design", 3, 600), ("design", 4, 900), ("design", 10, 2000), ("design", 11, 3000), ("design", 15, 3000),
])
def test_annual_fee_bands(patent_type, year, fee):
    assert annual_fee(patent_type, year)[0] == fee


# --- R-PAT-ANNUITY-DUE and patent_year_of ------------------------------------------------------

@pytest.mark.parametrize("filed, year, due", [
    (D(2019, 6, 3), 1, D(2019, 6, 3)),
    (D(2020, 2, 29), 2, D(2021, 2, 28)),
    (D(2020, 2, 29), 5, D(2024, 2, 29)),
    (D(2019, 1, 31), 3, D(2021, 1, 31)),
])
def test_annuity_due(filed, year, due):
    assert patent.annuity_due(filed, year)[0] == due


@pytest.mark.parametrize("filed, day, year", [
    (D(2019, 6, 3), D(2019, 6, 3), 1),
    (D(2019, 6, 3), D(2020, 6, 2), 1),
    (D(2019, 6, 3), D(2020, 6, 3), 2),
    (D(2019, 6, 3), D(2024, 8, 20), 6),
    (D(2019, 6, 3), D(2039, 6, 2), 20),
    (D(2020, 2, 29), D(2021, 2, 27), 1),
    (D(2020, 2, 29), D(2021, 2, 28), 2),
    (D(2020, 2, 29), D(2024, 2, 28), 4),
    (D(2020, 2, 29), D(2024, 2, 29), 5),
])
def test_patent_year_of(filed, day, year):
    assert patent.patent_year_of(filed, day) == year


def test_patent_year_of_refuses_day_before_filing():
    with pytest.raises(Rejected) as caught:
        patent.patent_year_of(D(2019, 6, 3), D(2019, 6, 2))
    assert (caught.value.key, caught.value.rule) == ("patent.date_before_filing", "R-PAT-ANNUITY-DUE")


# --- R-PAT-LATE ---------------------------------------------------------------------------------
# Invention filed 2019-06-01, year 6 (1200) due D = 2024-06-01, a Saturday: on time until Monday
# 2024-06-03. Bands end on AddMonths(D, n), unshifted (2024-09-01 is a Sunday, 2024-10-01 a holiday).
# AddMonths(D, 6) = 2024-12-01 is a Sunday, so the grace ends on Monday 2024-12-02.

@pytest.mark.parametrize("paid, status, percent, late_fee", [
    (D(2024, 6, 1), "on_time", 0, 0),       # the due date
    (D(2024, 6, 3), "on_time", 0, 0),       # NextWorkingDay(D)
    (D(2024, 6, 4), "in_grace", 0, 0),
    (D(2024, 7, 1), "in_grace", 0, 0),      # AddMonths(D, 1)
    (D(2024, 7, 2), "in_grace", 5, 60),
    (D(2024, 8, 1), "in_grace", 5, 60),     # AddMonths(D, 2)
    (D(2024, 8, 2), "in_grace", 10, 120),
    (D(2024, 9, 1), "in_grace", 10, 120),   # AddMonths(D, 3), a Sunday, not shifted
    (D(2024, 9, 2), "in_grace", 15, 180),
    (D(2024, 10, 1), "in_grace", 15, 180),  # AddMonths(D, 4), a holiday, not shifted
    (D(2024, 10, 2), "in_grace", 20, 240),
    (D(2024, 11, 1), "in_grace", 20, 240),  # AddMonths(D, 5)
    (D(2024, 11, 2), "in_grace", 25, 300),
    (D(2024, 12, 1), "in_grace", 25, 300),  # AddMonths(D, 6), a Sunday
    (D(2024, 12, 2), "in_grace", 25, 300),  # grace end = NextWorkingDay(AddMonths(D, 6))
])
def test_late_fee_bands(paid, status, percent, late_fee):
    pay = patent.annuity_payment(CAL, "invention", D(2019, 6, 1), 6, today=paid, paid=paid)
    assert pay.due.due_on == D(2024, 6, 1)
    assert (pay.status, pay.late_fee_rate_pct, pay.late_fee) == (status, percent, late_fee)
    assert pay.as_record()["total"] == 1200 + late_fee


def test_paid_after_grace_end_is_lapsed():
    paid = D(2024, 12, 3)
    pay = patent.annuity_payment(CAL, "invention", D(2019, 6, 1), 6, today=paid, paid=paid)
    assert pay.due.grace_ends_on == D(2024, 12, 2)
    assert (pay.status, pay.late_fee_rate_pct, pay.late_fee) == ("lapsed", None, None)
    record = pay.as_record()
    assert (record["late_fee_rate_pct"], record["late_fee"], record["total"]) == (None, None, None)


def test_due_date_in_holiday_block_extends_on_time():
    due = patent.annuity(CAL, "invention", D(2014, 10, 1), 11)
    assert (due.due_on, due.on_time_until, due.fee) == (D(2024, 10, 1), D(2024, 10, 8), 4000)
    assert patent.annuity_status(due, D(2024, 10, 8)) == "on_time"
    assert patent.annuity_status(due, D(2024, 10, 9)) == "in_grace"
    assert patent.late_fee_percent(due, D(2024, 10, 9))[0] == 0


def test_grace_end_raw_in_holiday_block_is_shifted():
    due = patent.annuity(CAL, "invention", D(2014, 4, 1), 11)  # due 2024-04-01, +6 months = 2024-10-01
    assert due.grace_ends_on == D(2024, 10, 8)
    assert patent.late_fee_percent(due, D(2024, 10, 8))[0] == 25
    assert patent.late_fee_percent(due, D(2024, 10, 9))[0] is None


def test_not_yet_due_is_not_due():
    pay = patent.annuity_payment(CAL, "invention", D(2019, 6, 3), 6, today=D(2024, 6, 2))
    assert pay.status == "not_due"


# --- fee reductions (FEE-REDUCTION, FEE-OPEN-LICENSE) -------------------------------------------
# Invention filed 2019-06-03, granted 2021-03-01: the grant falls in patent year 2. Every fee is due after
# 2018-08-01, so the 85%/70% reduction covers the ten years 2-11 (财税〔2018〕37号).

GRANTED = D(2021, 3, 1)


@pytest.mark.parametrize("reduction, year, payable", [
    ("none", 6, 1200),
    ("85", 1, 900),     # before the grant year
    ("85", 2, 135),     # grant year
    ("85", 6, 180),
    ("85", 7, 300),
    ("85", 8, 300),     # year 8: reduced under the ten-year rule (was full under six)
    ("85", 11, 600),    # grant year + 9, the last reduced year
    ("85", 12, 4000),   # grant year + 10
    ("70", 2, 270),
    ("70", 7, 600),
    ("70", 8, 600),
    ("70", 11, 1200),
    ("70", 12, 4000),
])
def test_fee_reductions(reduction, year, payable):
    due_on = patent.annuity_due(D(2019, 6, 3), year)[0]
    pay = patent.annuity_payment(CAL, "invention", D(2019, 6, 3), year, today=due_on, reduction=reduction,
                                 granted=GRANTED)
    assert pay.fee_payable == payable
    if reduction != "none" and year >= 2:
        assert "FEE-REDUCTION" in rule_ids(pay.steps)


# Filed 2010-03-01, granted 2013-05-01 (patent year 4). Fees due before 2018-08-01 are reduced for six
# years (4-9), fees due from then for ten (4-13): year 9 (due 2018-03-01) by the old rule, years 10-13 by
# the new one.
@pytest.mark.parametrize("filed, granted, year, due_on, payable", [
    (D(2010, 3, 1), D(2013, 5, 1), 4, D(2013, 3, 1), 180),
    (D(2010, 3, 1), D(2013, 5, 1), 9, D(2018, 3, 1), 300),
    (D(2010, 3, 1), D(2013, 5, 1), 10, D(2019, 3, 1), 600),
    (D(2010, 3, 1), D(2013, 5, 1), 13, D(2022, 3, 1), 900),
    (D(2010, 3, 1), D(2013, 5, 1), 14, D(2023, 3, 1), 6000),
    # Granted in year 4 (2011-08-01..2012-07-31): year 10, due 2017-08-01, is past the six years and
    # full; year 11, due on 2018-08-01 itself, falls under the ten-year rule and is reduced again.
    (D(2008, 8, 1), D(2012, 1, 1), 9, D(2016, 8, 1), 300),
    (D(2008, 8, 1), D(2012, 1, 1), 10, D(2017, 8, 1), 4000),
    (D(2008, 8, 1), D(2012, 1, 1), 11, D(2018, 8, 1), 600),
    (D(2008, 8, 1), D(2012, 1, 1), 13, D(2020, 8, 1), 900),
    (D(2008, 8, 1), D(2012, 1, 1), 14, D(2021, 8, 1), 6000),
])
def test_reduction_covers_six_years_before_2018_08_01_and_ten_from_then(filed, granted, year, due_on, payable):
    pay = patent.annuity_payment(CAL, "invention", filed, year, today=due_on, reduction="85", granted=granted)
    assert (pay.due.due_on, pay.fee_payable) == (due_on, payable)


@pytest.mark.parametrize("since, year, payable", [
    (None, 6, 1200),             # due 2024-06-03, before 财税〔2024〕23号 (2024-07-15)
    (None, 7, 1700),             # due 2025-06-03: 15% off
    (None, 15, 5100),
    (None, 20, 6800),
    (D(2024, 6, 1), 6, 1200),    # licence in force, but the fee was due before 2024-07-15
    (D(2026, 1, 1), 7, 2000),    # due 2025-06-03, before the licence took effect
    (D(2026, 1, 1), 8, 1700),    # due 2026-06-03
    (D(2026, 6, 3), 8, 1700),    # took effect on the due date
])
def test_open_license_discount(since, year, payable):
    due_on = patent.annuity_due(D(2019, 6, 3), year)[0]
    pay = patent.annuity_payment(CAL, "invention", D(2019, 6, 3), year, today=due_on,
                                 open_license=OpenLicense(since))
    assert pay.fee_payable == payable
    assert "FEE-OPEN-LICENSE" in rule_ids(pay.steps)


@pytest.mark.parametrize("reduction, year, payable", [
    ("85", 7, 300),      # 85% off beats 15% off (1700)
    ("70", 7, 600),
    ("85", 12, 3400),    # outside the reduced years: the open licence's 15% off applies
    ("85", 6, 180),      # due before 2024-07-15: only the reduction
])
def test_reduction_and_open_license_lower_fee_never_both(reduction, year, payable):
    due_on = patent.annuity_due(D(2019, 6, 3), year)[0]
    pay = patent.annuity_payment(CAL, "invention", D(2019, 6, 3), year, today=due_on, reduction=reduction,
                                 granted=GRANTED, open_license=OpenLicense(None))
    assert pay.fee_payable == payable
    full = pay.due.fee
    assert payable in (full * 15 // 100, full * 30 // 100, full * 85 // 100, full)  # one discount, not both


def test_open_as_a_reduction_is_an_open_license_of_unknown_date():
    assert reduction_and_open_license("open") == ("none", OpenLicense(None))
    assert reduction_and_open_license("85", D(2025, 1, 1)) == ("85", OpenLicense(D(2025, 1, 1)))
    assert reduction_and_open_license("none") == ("none", None)


def test_reduction_before_grant_year_is_not_applied():
    pay = patent.annuity_payment(CAL, "invention", D(2019, 6, 3), 1, today=D(2019, 6, 3), reduction="85",
                                 granted=GRANTED)
    assert pay.fee_payable == 900


def test_late_fee_on_full_fee_despite_reduction():
    paid = D(2024, 8, 20)
    pay = patent.annuity_payment(CAL, "invention", D(2019, 6, 3), 6, today=paid, paid=paid,
                                 reduction="85", granted=GRANTED)
    assert (pay.fee_payable, pay.late_fee_rate_pct, pay.late_fee) == (180, 10, 120)
    assert pay.as_record()["total"] == 300


def test_late_fee_on_full_fee_despite_open_license():
    paid = D(2025, 8, 20)  # year 7, due 2025-06-03: third month, 10%
    pay = patent.annuity_payment(CAL, "invention", D(2019, 6, 3), 7, today=paid, paid=paid,
                                 open_license=OpenLicense(None))
    assert (pay.fee_payable, pay.late_fee_rate_pct, pay.late_fee) == (1700, 10, 200)


# --- trademarks: R-TM-TERM, window, grace, renewed term ---------------------------------------

@pytest.mark.parametrize("registered, expires", [
    (D(2014, 3, 7), D(2024, 3, 6)),
    (D(2016, 2, 29), D(2026, 2, 28)),
    (D(2016, 3, 1), D(2026, 2, 28)),
    (D(2014, 3, 1), D(2024, 2, 29)),
    (D(2020, 2, 29), D(2030, 2, 28)),
    (D(2016, 1, 31), D(2026, 1, 30)),
    (D(2015, 1, 1), D(2024, 12, 31)),
])
def test_trademark_term_end(registered, expires):
    assert trademark.term_end(registered)[0] == expires


def test_renewed_term_ending_on_feb_29():
    dates = trademark.mark_dates(CAL, expires=D(2026, 2, 28))
    assert (dates.next_term_starts_on, dates.next_term_expires_on) == (D(2026, 3, 1), D(2036, 2, 29))


def test_expiry_on_holiday_not_shifted():
    dates = trademark.mark_dates(CAL, registered=D(2014, 10, 2))
    assert dates.expires_on == D(2024, 10, 1)
    assert dates.renewal_window_closes_on == D(2024, 10, 1)


def test_grace_end_shifted_out_of_holiday_block():
    dates = trademark.mark_dates(CAL, expires=D(2024, 4, 1))   # AddMonths(expiry, 6) = 2024-10-01
    assert dates.grace_ends_on == D(2024, 10, 8)


def test_grace_end_in_unpublished_year_is_provisional():
    dates = trademark.mark_dates(CAL, expires=D(2027, 3, 6))
    assert (dates.grace_ends_on, dates.provisional) == (D(2027, 9, 6), True)
    assert dates.missing_years == frozenset({2027})


@pytest.mark.parametrize("filed, status, fee_renewal, fee_late", [
    (D(2023, 3, 6), "too_early", 0, 0),     # window open day - 1
    (D(2023, 3, 7), "in_window", 450, 0),   # window open day
    (D(2024, 3, 6), "in_window", 450, 0),   # expiry day
    (D(2024, 3, 7), "in_grace", 450, 225),  # expiry + 1
    (D(2024, 9, 6), "in_grace", 450, 225),  # grace end
    (D(2024, 9, 7), "too_late", 0, 0),      # grace end + 1
])
def test_renewal_status_boundaries(filed, status, fee_renewal, fee_late):
    assessed = trademark.assess_renewal(trademark.mark_dates(CAL, registered=D(2014, 3, 7)), filed)
    record = assessed.as_record()
    assert (record["status"], record["fee_renewal"], record["fee_late"]) == (status, fee_renewal, fee_late)
    assert record["fee_total"] == fee_renewal + fee_late
    acceptable = status in ("in_window", "in_grace")
    assert assessed.acceptable is acceptable
    expected_term = (D(2024, 3, 7), D(2034, 3, 6)) if acceptable else (None, None)
    assert (record["new_term_starts_on"], record["new_term_expires_on"]) == expected_term


@pytest.mark.parametrize("filed, paper, classes, fee_renewal, fee_late", [
    (D(2024, 3, 6), False, 1, 450, 0),
    (D(2024, 3, 6), True, 1, 500, 0),
    (D(2024, 4, 1), False, 1, 450, 225),
    (D(2024, 4, 1), True, 1, 500, 250),
    (D(2024, 4, 1), False, 3, 1350, 675),
    (D(2024, 4, 1), True, 3, 1500, 750),
])
def test_renewal_fees_per_class_and_channel(filed, paper, classes, fee_renewal, fee_late):
    dates = trademark.mark_dates(CAL, registered=D(2014, 3, 7))
    assessed = trademark.assess_renewal(dates, filed, classes=classes, paper=paper)
    assert (assessed.fee_renewal, assessed.fee_late) == (fee_renewal, fee_late)


@pytest.mark.parametrize("filed, paper, fee_renewal, fee_late", [
    (D(2019, 3, 6), False, 1000, 0),      # in window, old table
    (D(2019, 6, 30), False, 1000, 250),   # in grace, last day of the old table
    (D(2019, 6, 30), True, 1000, 250),
    (D(2019, 7, 1), False, 450, 225),     # in grace, first day of the 2019 table
    (D(2019, 7, 1), True, 500, 250),
])
def test_renewal_fee_table_changes_on_2019_07_01(filed, paper, fee_renewal, fee_late):
    dates = trademark.mark_dates(CAL, registered=D(2009, 3, 7))
    assessed = trademark.assess_renewal(dates, filed, paper=paper)
    assert (assessed.fee_renewal, assessed.fee_late) == (fee_renewal, fee_late)


@pytest.mark.parametrize("item, paper, amount", [
    (RENEWAL, False, 450), (RENEWAL, True, 500), (LATE_RENEWAL, False, 225), (LATE_RENEWAL, True, 250),
    ("assignment", False, 450), ("assignment", True, 500),
    ("license_recordal", False, 135), ("license_recordal", True, 150),
    ("pledge", False, 0), ("pledge", True, 0),
])
def test_trademark_fee_table(item, paper, amount):
    assert trademark_fee(item, D(2024, 1, 2), paper)[0] == amount


# FEE-TM history (RULES.md §3): three tables keyed on the filing date, every item per class.
@pytest.mark.parametrize("filed, paper, renewal, late, assignment, license_", [
    (D(2014, 6, 1), False, 2000, 500, 1000, 300),   # before 2017-04-01 (graded C before 2015)
    (D(2016, 5, 3), True, 2000, 500, 1000, 300),
    (D(2017, 3, 31), False, 2000, 500, 1000, 300),  # last day of the first table
    (D(2017, 4, 1), False, 1000, 250, 500, 150),    # halved from 2017-04-01, one rate
    (D(2017, 4, 1), True, 1000, 250, 500, 150),
    (D(2019, 6, 30), False, 1000, 250, 500, 150),
    (D(2019, 7, 1), True, 500, 250, 500, 150),      # from 2019-07-01: paper
    (D(2019, 7, 1), False, 450, 225, 450, 135),     # and online 90%
    (D(2026, 11, 21), False, 450, 225, 450, 135),
])
def test_trademark_fee_history(filed, paper, renewal, late, assignment, license_):
    items = (RENEWAL, LATE_RENEWAL, ASSIGNMENT, LICENSE_RECORDAL, PLEDGE)
    for classes in (1, 3):
        assert [trademark_fee(item, filed, paper, classes)[0] for item in items] == \
            [renewal * classes, late * classes, assignment * classes, license_ * classes, 0]
    assert trademark_fee(ASSIGNMENT, filed, paper)[1].rule == "FEE-TM"


@pytest.mark.parametrize("filed, classes, fee_renewal, fee_late", [
    (D(2016, 5, 10), 2, 4000, 1000),    # grace filing before 2017-04-01
])
def test_renewal_fees_before_2017(filed, classes, fee_renewal, fee_late):
    dates = trademark.mark_dates(CAL, expires=D(2016, 3, 31))
    assessed = trademark.assess_renewal(dates, filed, classes=classes)
    assert (assessed.status, assessed.fee_renewal, assessed.fee_late) == ("in_grace", fee_renewal, fee_late)


@pytest.mark.parametrize("filed, classes, fee_renewal, fee_late", [
    (D(2017, 3, 31), 2, 4000, 1000),
    (D(2017, 4, 1), 2, 2000, 500),
])
def test_renewal_fees_either_side_of_2017_04_01(filed, classes, fee_renewal, fee_late):
    dates = trademark.mark_dates(CAL, expires=D(2016, 12, 31))
    assessed = trademark.assess_renewal(dates, filed, classes=classes)
    assert (assessed.status, assessed.fee_renewal, assessed.fee_late) == ("in_grace", fee_renewal, fee_late)


# FEE-PAT-RECORDAL: change of patentee 200 per patent, licence recordal and pledge free, whatever the channel.
@pytest.mark.parametrize("item, fee", [(ASSIGNMENT, 200), (LICENSE_RECORDAL, 0), (PLEDGE, 0)])
@pytest.mark.parametrize("paper", [False, True])
def test_patent_recordal_fees(item, fee, paper):
    amount, step = recordal_fee(item, "patent", D(2026, 11, 21), paper)
    assert (amount, step.rule) == (fee, "FEE-PAT-RECORDAL")


def test_mark_recordal_fee_is_the_trademark_fee_per_class():
    assert recordal_fee(ASSIGNMENT, "mark", D(2026, 11, 21), False, 3)[0] == 1350


def test_renewal_after_holiday_expiry_is_grace_with_late_fee():
    # Project decision (R-TM-GRACE): expiry 2024-10-01 is inside the National Day block.
    dates = trademark.mark_dates(CAL, expires=D(2024, 10, 1))
    for filed in (D(2024, 10, 2), D(2024, 10, 8)):
        assessed = trademark.assess_renewal(dates, filed)
        assert (assessed.status, assessed.fee_renewal, assessed.fee_late) == ("in_grace", 450, 225)
