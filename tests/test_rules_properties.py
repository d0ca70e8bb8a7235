"""Hypothesis property tests of the pure rules layer (RULES.md §1-§4)."""

from datetime import date, timedelta

import chinese_calendar
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ipcli.rules import patent, trademark
from ipcli.rules.calendar import BundledCalendar, WorkCalendar
from ipcli.rules.catalog import OPEN_LICENSE_FEES_FROM
from ipcli.rules.dates import add_months
from ipcli.rules.fees import OpenLicense

CAL = WorkCalendar()
ONE_DAY = timedelta(days=1)
BUNDLED_DATES = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))
MONTHS = st.integers(min_value=-600, max_value=600)
PATENT_TYPES = st.sampled_from(["invention", "utility", "design"])
STATUS_ORDER = {status: rank for rank, status in enumerate(trademark.RENEWAL_STATUSES)}

SETTINGS = settings(deadline=None, max_examples=300)
LAST_SETTLED_DAY = date(max(day.year for day in chinese_calendar.holidays), 12, 24)


def first_workday_on_or_after(day):
    """Brute force with chinese_calendar; None when the scan leaves the bundled data."""
    try:
        while not chinese_calendar.is_workday(day):
            day += ONE_DAY
    except NotImplementedError:
        return None
    return day


# --- roll_forward ------------------------------------------------------------------------------

@SETTINGS
@given(BUNDLED_DATES)
def test_roll_forward_lands_on_workday_unless_provisional(raw):
    rolled = CAL.roll_forward(raw)
    assert rolled.provisional or chinese_calendar.is_workday(rolled.value)


@SETTINGS
@given(BUNDLED_DATES)
def test_roll_forward_never_before_raw(raw):
    rolled = CAL.roll_forward(raw)
    assert rolled.value >= raw
    assert rolled.extended == (rolled.value != raw)


@SETTINGS
@given(BUNDLED_DATES)
def test_roll_forward_is_idempotent(raw):
    value = CAL.roll_forward(raw).value
    assert CAL.roll_forward(value).value == value


@SETTINGS
@given(BUNDLED_DATES)
def test_roll_forward_matches_brute_force_scan(raw):
    rolled = CAL.roll_forward(raw)
    expected = first_workday_on_or_after(raw)
    if expected is None:
        assert rolled.provisional
    else:
        # R-PROVISIONAL-DECEMBER: from December 25 of the last bundled year, the next year's notice is missing.
        assert (rolled.value, rolled.provisional) == (expected, expected >= LAST_SETTLED_DAY + ONE_DAY)


def test_every_day_2004_2026_patent_shift_never_ends_on_a_weekend_and_trademark_may():
    """R-PAT-WEEKEND against the bundled calendar, day by day: a shifted patent date is a working Monday to
    Friday, the first one on or after the trademark date (R-WORKDAY), which may be a working weekend day."""
    trademark_weekends, day = 0, date(2004, 1, 1)
    while day <= LAST_SETTLED_DAY:
        mark_limit, patent_limit = CAL.roll_forward(day), CAL.roll_forward(day, patent=True)
        assert not mark_limit.provisional and not patent_limit.provisional
        assert chinese_calendar.is_workday(mark_limit.value) and chinese_calendar.is_workday(patent_limit.value)
        if patent_limit.extended:
            assert patent_limit.value.weekday() < 5, day
            expected = mark_limit.value
            while expected.weekday() >= 5 or not chinese_calendar.is_workday(expected):
                expected += ONE_DAY
            assert patent_limit.value == expected, day
        else:
            assert patent_limit.value == mark_limit.value == day
        trademark_weekends += mark_limit.extended and mark_limit.value.weekday() >= 5
        day += ONE_DAY
    assert trademark_weekends > 100  # the sweep met many trademark limits that end on a working weekend day


def test_the_bundled_calendar_classifies_every_day_as_chinese_calendar_does():
    bundled = BundledCalendar()
    years = {day.year for day in chinese_calendar.holidays}
    for year in range(min(years) - 1, max(years) + 2):
        day = date(year, 1, 1)
        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            assert not bundled.covers(year)
            continue
        assert bundled.covers(year)
        while day.year == year:
            assert bundled.is_working_day(day) == chinese_calendar.is_workday(day), day
            day += ONE_DAY


# --- add_months --------------------------------------------------------------------------------

@SETTINGS
@given(BUNDLED_DATES, MONTHS)
def test_add_months_day_never_grows(start, months):
    result, _ = add_months(start, months)
    assert result.day <= start.day


@SETTINGS
@given(BUNDLED_DATES, MONTHS)
def test_add_months_existed_iff_same_day(start, months):
    result, existed = add_months(start, months)
    assert existed == (result.day == start.day)


@SETTINGS
@given(BUNDLED_DATES, MONTHS)
def test_add_months_lands_in_target_month(start, months):
    result, _ = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months


@SETTINGS
@given(BUNDLED_DATES, MONTHS)
def test_add_months_round_trip_when_existed(start, months):
    result, existed = add_months(start, months)
    assume(existed)
    assert add_months(result, -months) == (start, True)


# --- trademarks --------------------------------------------------------------------------------

@SETTINGS
@given(BUNDLED_DATES)
def test_mark_dates_are_ordered(registered):
    dates = trademark.mark_dates(CAL, registered=registered)
    assert dates.renewal_window_opens_on <= dates.expires_on < dates.grace_ends_on
    assert dates.renewal_window_closes_on == dates.expires_on


@SETTINGS
@given(BUNDLED_DATES)
def test_next_term_follows_expiry(registered):
    dates = trademark.mark_dates(CAL, registered=registered)
    assert dates.next_term_starts_on == dates.expires_on + ONE_DAY
    assert dates.next_term_expires_on > dates.expires_on


@SETTINGS
@given(BUNDLED_DATES)
def test_trademark_term_is_ten_years_less_a_day(registered):
    expires = trademark.term_end(registered)[0]
    corresponding, existed = add_months(registered, 120)
    assert expires == (corresponding - ONE_DAY if existed else corresponding)
    assert expires.year == registered.year + 10 or (registered.month, registered.day) == (1, 1)


@SETTINGS
@given(BUNDLED_DATES)
def test_grace_end_is_workday_or_provisional(registered):
    dates = trademark.mark_dates(CAL, registered=registered)
    assert dates.provisional or chinese_calendar.is_workday(dates.grace_ends_on)
    assert dates.grace_ends_on >= add_months(dates.expires_on, 6)[0]


@SETTINGS
@given(BUNDLED_DATES, st.integers(-500, 700), st.integers(-500, 700))
def test_renewal_status_never_goes_backwards(registered, offset_a, offset_b):
    dates = trademark.mark_dates(CAL, registered=registered)
    earlier, later = sorted((offset_a, offset_b))
    status_early = trademark.renewal_status(dates, dates.expires_on + timedelta(days=earlier))
    status_late = trademark.renewal_status(dates, dates.expires_on + timedelta(days=later))
    assert STATUS_ORDER[status_early] <= STATUS_ORDER[status_late]


@SETTINGS
@given(BUNDLED_DATES, st.integers(-500, 700))
def test_renewal_fees_only_when_acceptable(registered, offset):
    dates = trademark.mark_dates(CAL, registered=registered)
    assessed = trademark.assess_renewal(dates, dates.expires_on + timedelta(days=offset))
    if assessed.acceptable:
        assert assessed.fee_renewal > 0
        assert (assessed.fee_late > 0) == (assessed.status == "in_grace")
    else:
        assert (assessed.fee_renewal, assessed.fee_late) == (0, 0)
        assert assessed.as_record()["new_term_starts_on"] is None


# --- patents -----------------------------------------------------------------------------------

@st.composite
def patent_years(draw):
    patent_type = draw(PATENT_TYPES)
    filed = draw(BUNDLED_DATES)
    years = patent.term_years(patent_type, filed)[0]
    return patent_type, filed, draw(st.integers(1, years))


@SETTINGS
@given(PATENT_TYPES, BUNDLED_DATES)
def test_patent_term_end_is_n_years_of_months(patent_type, filed):
    term = patent.patent_term(patent_type, filed)
    assert term.term_ends_on == add_months(filed, 12 * term.term_years)[0]
    assert term.last_protected_on == term.term_ends_on - ONE_DAY
    assert term.term_ends_on.year == filed.year + term.term_years


@SETTINGS
@given(PATENT_TYPES, BUNDLED_DATES)
def test_annuity_due_dates_strictly_increase(patent_type, filed):
    years = patent.term_years(patent_type, filed)[0]
    dues = [patent.annuity_due(filed, year)[0] for year in range(1, years + 1)]
    assert dues[0] == filed
    assert all(a < b for a, b in zip(dues, dues[1:]))
    assert dues[-1] < patent.patent_term(patent_type, filed).term_ends_on


@SETTINGS
@given(BUNDLED_DATES, st.integers(0, 365 * 20))
def test_patent_year_of_brackets_the_day(filed, offset):
    day = filed + timedelta(days=offset)
    year = patent.patent_year_of(filed, day)
    assert patent.annuity_due(filed, year)[0] <= day < patent.annuity_due(filed, year + 1)[0]


@SETTINGS
@given(patent_years(), st.data())
def test_late_fee_percent_non_decreasing_in_grace(case, data):
    patent_type, filed, year = case
    due = patent.annuity(CAL, patent_type, filed, year)
    span = (due.grace_ends_on - due.due_on).days
    a, b = sorted(data.draw(st.lists(st.integers(0, span), min_size=2, max_size=2)))
    first = patent.late_fee_percent(due, due.due_on + timedelta(days=a))[0]
    second = patent.late_fee_percent(due, due.due_on + timedelta(days=b))[0]
    assert first is not None and second is not None
    assert 0 <= first <= second <= 25


@SETTINGS
@given(patent_years(), st.integers(-30, 260))
def test_late_fee_is_percent_of_full_fee(case, offset):
    patent_type, filed, year = case
    due_on = patent.annuity_due(filed, year)[0]
    paid = due_on + timedelta(days=offset)
    assume(paid >= filed)
    pay = patent.annuity_payment(CAL, patent_type, filed, year, today=paid, paid=paid,
                                 open_license=OpenLicense(None))
    if pay.status == "lapsed":
        assert (pay.late_fee_rate_pct, pay.late_fee, pay.as_record()["total"]) == (None, None, None)
        assert paid > pay.due.grace_ends_on
    else:
        assert pay.late_fee == pay.due.fee * pay.late_fee_rate_pct // 100
        discounted = due_on >= OPEN_LICENSE_FEES_FROM  # FEE-OPEN-LICENSE: fees due from 2024-07-15
        assert pay.fee_payable == (pay.due.fee * 85 // 100 if discounted else pay.due.fee)
