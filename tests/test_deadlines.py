"""`ipcli deadlines`, `expiries`, `notice` and the iCalendar export on a small, known register."""

import json

import pytest

TODAY = "2026-11-21"


def ok(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else []


@pytest.fixture
def run(invoke):
    def run(*args, today=TODAY):
        return invoke("--today", today, *args)
    return run


def add(run, *args):
    return ok(run(*args, "--format", "json"))


@pytest.fixture
def portfolio(run):
    """Marks and patents whose key dates fall just after 2026-11-21."""
    add(run, "mark", "add", "1001", "--registered", "2016-12-10", "--classes", "9,35", "--owner", "甲", "--name", "A",
        "--window", "W1")       # expires 2026-12-09, grace ends 2027-06-09
    add(run, "mark", "add", "1002", "--registered", "2017-12-01", "--classes", "9", "--owner", "乙",
        "--window", "W2")       # window opens 2026-12-01
    add(run, "mark", "add", "1003", "--registered", "2016-05-20", "--classes", "30", "--owner", "乙")
    # expired 2026-05-19: grace ends 2026-11-19 (lost)
    add(run, "mark", "add", "1004", "--registered", "2016-08-01", "--classes", "1,2", "--owner", "甲")
    # expired 2026-07-31: in grace until 2027-02-01 (2027-01-31 is a Sunday; provisional: 2027 not loaded)
    add(run, "patent", "add", "201910123456.X", "--filed", "2019-12-03", "--granted", "2021-09-01", "--paid-through",
        "7", "--owner", "甲", "--title", "Widget")   # year 8 due 2026-12-03
    add(run, "patent", "add", "201620123456.1", "--filed", "2016-06-10", "--granted", "2017-01-05",
        "--paid-through", "10", "--owner", "乙")      # utility term ends 2026-06-10
    return run


def kinds(rows):
    return [(r["due_on"], r["kind"], r["right_no"]) for r in rows]


def test_deadlines_in_the_window_sorted_by_date(portfolio):
    rows = ok(portfolio("deadlines", "--days", "30", "--format", "json"))
    assert kinds(rows) == [
        ("2026-12-01", "mark_renewal_window_opens", "1002"),
        ("2026-12-03", "patent_annuity_due", "201910123456.X"),
        ("2026-12-09", "mark_expires", "1001"),
    ]
    first = rows[0]
    assert (first["days_left"], first["right_type"], first["owner"], first["rule"], first["provisional"],
            first["filing_id"]) == (10, "mark", "乙", "R-TM-WINDOW", False, None)


def test_filters_by_kind_owner_and_window(portfolio):
    rows = ok(portfolio("deadlines", "--days", "400", "--kind", "mark_expires", "--kind", "mark_grace_ends",
                        "--owner", "甲", "--format", "json"))
    assert {r["kind"] for r in rows} == {"mark_expires", "mark_grace_ends"}
    assert {r["owner"] for r in rows} == {"甲"}
    in_w2 = ok(portfolio("deadlines", "--days", "400", "--window", "W2", "--format", "json"))
    assert {r["right_no"] for r in in_w2} == {"1002"}


def test_a_received_renewal_meets_the_mark_deadlines(portfolio):
    ok(portfolio("renew", "add", "1001", "--filed", "2026-11-20", "--format", "json"))
    assert "1001" not in {r["right_no"] for r in ok(portfolio("deadlines", "--days", "400", "--format", "json"))}


def test_a_paid_annual_fee_moves_the_deadline_to_next_year(portfolio):
    ok(portfolio("annuity", "pay", "201910123456.X", "--year", "8", "--paid", "2026-11-21", "--format", "json"))
    due = [r for r in ok(portfolio("deadlines", "--days", "400", "--kind", "patent_annuity_due", "--format", "json"))]
    assert kinds(due) == [("2027-12-03", "patent_annuity_due", "201910123456.X")]


def test_overdue_shows_what_can_be_saved_and_what_is_lost(portfolio):
    rows = ok(portfolio("deadlines", "--days", "0", "--overdue", "--format", "json"))
    overdue = {(r["kind"], r["right_no"]): r for r in rows}
    in_grace = overdue[("mark_expires", "1004")]
    assert (in_grace["overdue_status"], in_grace["late_fee"], in_grace["days_left"]) == ("saveable", 450, -113)
    assert overdue[("mark_grace_ends", "1003")]["overdue_status"] == "lost"
    assert overdue[("mark_expires", "1003")]["overdue_status"] == "lost"
    assert ("patent_term_ends", "201620123456.1") not in overdue  # a term that simply ended has not slipped
    assert all(r["days_left"] < 0 for r in rows)


def test_overdue_annual_fee_carries_todays_late_fee_band(run):
    add(run, "patent", "add", "201910123456.X", "--filed", "2019-06-03", "--granted", "2021-09-01",
        "--paid-through", "5")  # year 6 due 2024-06-03
    rows = ok(run("deadlines", "--days", "0", "--overdue", "--kind", "patent_annuity_due", "--format", "json",
                  today="2024-08-20"))
    assert [(r["overdue_status"], r["late_fee_rate_pct"], r["late_fee"]) for r in rows] == [("saveable", 10, 120)]
    late = ok(run("deadlines", "--days", "0", "--overdue", "--kind", "patent_annuity_due", "--format", "json",
                  today="2024-12-04"))
    assert [r["overdue_status"] for r in late] == ["lost"]


def test_provisional_rows_say_so(portfolio):
    rows = ok(portfolio("deadlines", "--days", "400", "--kind", "mark_grace_ends", "--format", "json"))
    grace = {r["right_no"]: r for r in rows}
    assert grace["1004"]["due_on"] == "2027-01-31" and grace["1004"]["provisional"] is True


@pytest.mark.parametrize("args, code", [
    (["--days", "30"], 3),
    (["--days", "0"], 3),            # nothing due today, but overdue items exist
])
def test_check_exits_3_when_anything_is_due_or_overdue(portfolio, args, code):
    result = portfolio("deadlines", *args, "--check", "--format", "json")
    assert result.exit_code == code


def test_check_exits_0_on_a_quiet_register(run):
    add(run, "mark", "add", "1", "--registered", "2020-01-01", "--classes", "9")
    result = run("--quiet", "deadlines", "--check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_pledge_and_licence_deadlines_and_filing_id(portfolio):
    pledge = ok(portfolio("pledge", "add", "1002", "--pledgee", "Bank", "--amount", "10", "--from", "2026-01-01",
                          "--to", "2026-12-20", "--filed", "2025-12-20", "--format", "json"))
    ok(portfolio("filing", "set-status", str(pledge["id"]), "accepted", "--skip", "--format", "json"))
    licence = ok(portfolio("license", "add", "201910123456.X", "--licensee", "L", "--from", "2026-10-01", "--to",
                           "2026-12-15", "--filed", "2026-11-20", "--format", "json"))
    rows = ok(portfolio("deadlines", "--days", "60", "--format", "json"))
    by_kind = {r["kind"]: r for r in rows}
    assert (by_kind["pledge_term_ends"]["due_on"], by_kind["pledge_term_ends"]["filing_id"]) == (
        "2026-12-20", pledge["id"])
    recordal = by_kind["license_recordal_due"]  # R-PAT-LICENSE: 3 months; 2027 has no holiday table yet
    assert (recordal["due_on"], recordal["provisional"]) == ("2027-01-01", True)
    assert by_kind["license_term_ends"]["filing_id"] == licence["id"]
    ok(portfolio("pledge", "extend", "1", "--to", "2027-06-30", "--filed", "2026-12-01", "--format", "json"))
    assert "pledge_term_ends" not in {r["kind"] for r in ok(portfolio("deadlines", "--days", "40",
                                                                      "--format", "json"))}


def test_unknown_kind_and_negative_days_are_usage_errors(portfolio):
    for args in (["--kind", "tea_time"], ["--days", "-1"]):
        result = portfolio("deadlines", *args)
        assert result.exit_code == 2 and result.stdout == "" and result.stderr.count("\n") == 1


def test_expiries_list_terms_ending(portfolio):
    rows = ok(portfolio("expiries", "--days", "30", "--format", "json"))
    assert [(r["ends_on"], r["kind"], r["right_no"]) for r in rows] == [("2026-12-09", "mark_expires", "1001")]
    ok(portfolio("renew", "add", "1001", "--filed", "2026-11-20", "--format", "json"))
    assert len(ok(portfolio("expiries", "--days", "30", "--format", "json"))) == 1  # a renewal does not stop expiry


def test_notice_response_deadline_appears_until_done(portfolio):
    notice = ok(portfolio("notice", "add", "1001", "--kind", "refusal_review", "--dispatched", "2026-11-10",
                          "--served", "electronic", "--format", "json"))
    assert (notice["starts_on"], notice["deadline_on"], notice["rule"]) == ("2026-11-25", "2026-12-10", "R-TM-LIMITS")
    listed = ok(portfolio("deadlines", "--kind", "notice_response_due", "--format", "json"))
    assert kinds(listed) == [("2026-12-10", "notice_response_due", "1001")]
    ok(portfolio("notice", "done", str(notice["id"]), "--format", "json"))
    assert ok(portfolio("deadlines", "--kind", "notice_response_due", "--format", "json")) == []
    assert ok(portfolio("notice", "list", "--format", "json")) == []
    assert len(ok(portfolio("notice", "list", "--all", "--format", "json"))) == 1


@pytest.mark.parametrize("kind, args, deadline", [
    ("opposition", ["--from", "2026-09-13"], "2026-12-14"),                      # 2026-12-13 is a Sunday
    ("exam_request", ["--from", "2024-02-29"], "2027-02-28"),                    # provisional: 2027 not loaded
    ("reexamination", ["--dispatched", "2026-10-20", "--served", "paper"], "2027-02-04"),
    ("pct_national_phase", ["--from", "2024-05-31"], "2026-11-30"),
])
def test_notice_kinds(portfolio, kind, args, deadline):
    right = "1001" if kind == "opposition" else "201910123456.X"
    assert ok(portfolio("notice", "add", right, "--kind", kind, *args, "--format", "json"))["deadline_on"] == deadline


def test_notice_of_the_other_office_is_refused(portfolio):
    result = portfolio("notice", "add", "1001", "--kind", "reexamination", "--from", "2026-11-01")
    assert result.exit_code == 65 and result.stderr.rstrip().endswith("[R-PAT-LIMITS]")


def test_ics_has_one_stable_event_per_deadline(portfolio):
    first = portfolio("deadlines", "--days", "30", "--format", "ics").stdout_bytes.decode()
    assert first.startswith("BEGIN:VCALENDAR\r\n") and first.endswith("END:VCALENDAR\r\n")
    assert first.count("BEGIN:VEVENT") == 3
    assert "DTSTART;VALUE=DATE:20261201\r\n" in first and "DTEND;VALUE=DATE:20261202\r\n" in first
    assert "R-TM-WINDOW" in first.replace("\r\n ", "")
    uids = [line for line in first.split("\r\n") if line.startswith("UID:")]
    assert len(set(uids)) == 3
    later = portfolio("deadlines", "--days", "30", "--format", "ics", today="2026-11-25").stdout_bytes.decode()
    assert [line for line in later.split("\r\n") if line.startswith("UID:")] == uids
    assert all(len(line.encode()) <= 75 for line in first.split("\r\n"))


def test_cyclic_gc_is_paused_only_while_a_listing_is_built():
    import gc

    from ipcli.memory import without_cyclic_gc

    with pytest.raises(RuntimeError):
        with without_cyclic_gc():
            assert not gc.isenabled()
            raise RuntimeError
    assert gc.isenabled()
