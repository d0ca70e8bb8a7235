"""`ipcli calc` through the CLI: the values RULES.md prescribes, in every format, with --explain."""

import csv
import io
import json

import pytest


@pytest.fixture
def register(db_path):
    """`calc` needs no register (it never opens one): these tests run once, not once per backend."""
    return str(db_path)


def calc_json(invoke, *args, env=None):
    result = invoke("calc", *args, "--format", "json", env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_mark_feb_29_registration(invoke):
    record, stderr = calc_json(invoke, "mark", "--registered", "2016-02-29")
    assert record == {
        "registered_on": "2016-02-29", "expires_on": "2026-02-28", "renewal_window_opens_on": "2025-03-01",
        "renewal_window_closes_on": "2026-02-28", "grace_ends_on": "2026-08-28",
        "next_term_starts_on": "2026-03-01", "next_term_expires_on": "2036-02-29", "provisional": False,
    }
    assert stderr == ""


def test_mark_2014_example(invoke):
    record, _ = calc_json(invoke, "mark", "--registered", "2014-03-07")
    assert (record["expires_on"], record["renewal_window_opens_on"], record["grace_ends_on"]) == (
        "2024-03-06", "2023-03-07", "2024-09-06")
    assert (record["next_term_starts_on"], record["next_term_expires_on"]) == ("2024-03-07", "2034-03-06")


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "table"])
def test_every_format_carries_the_same_values(invoke, fmt):
    result = invoke("calc", "mark", "--registered", "2014-03-07", "--format", fmt)
    assert result.exit_code == 0 and result.stderr == ""
    out = result.stdout
    if fmt == "json":
        assert json.loads(out)["grace_ends_on"] == "2024-09-06"
    elif fmt == "jsonl":
        lines = out.splitlines()
        assert len(lines) == 1 and json.loads(lines[0])["expires_on"] == "2024-03-06"
    elif fmt in ("csv", "tsv"):
        rows = list(csv.DictReader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert len(rows) == 1
        assert rows[0]["expires_on"] == "2024-03-06" and rows[0]["provisional"] == "false"
    else:
        assert "grace period ends" in out and "2024-09-06" in out


def test_piped_output_defaults_to_tsv(invoke):
    result = invoke("calc", "workday", "2024-02-09")
    assert result.stdout.splitlines() == [
        "date\tis_working_day\tnext_working_day\tsource\tprovisional",
        "2024-02-09\ttrue\t2024-02-09\tbundled\tfalse",
    ]


def test_explain_cites_rules_with_citation_and_confidence(invoke):
    record, _ = calc_json(invoke, "mark", "--registered", "2016-02-29", "--explain")
    rules = [row["rule"] for row in record["explain"]]
    assert rules[:4] == ["R-TM-TERM", "R-NO-SHIFT", "R-TM-WINDOW", "R-TM-GRACE"]
    assert "R-TM-RENEWED-TERM" in rules
    first = record["explain"][0]
    assert first["citation"] == "TML 39, TMR 12(2)" and first["confidence"] == "A"
    assert "2026-02-28" in first["step"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "table"])
def test_explain_in_every_format(invoke, fmt):
    result = invoke("calc", "period", "--office", "patent", "--from", "2007-10-30", "--months", "2",
                    "--explain", "--format", fmt)
    assert result.exit_code == 0
    assert "R-PERIOD" in result.stdout and "R-WORKDAY" in result.stdout
    if fmt == "csv":
        row = next(csv.DictReader(io.StringIO(result.stdout)))
        assert [step["rule"] for step in json.loads(row["explain"])] == ["R-PERIOD", "R-WORKDAY", "R-WORKDAY"]


@pytest.mark.parametrize("filed, status, fee_renewal, fee_late, new_term", [
    ("2023-03-06", "too_early", 0, 0, None),
    ("2023-03-07", "in_window", 450, 0, "2034-03-06"),
    ("2024-03-06", "in_window", 450, 0, "2034-03-06"),
    ("2024-03-07", "in_grace", 450, 225, "2034-03-06"),
    ("2024-09-06", "in_grace", 450, 225, "2034-03-06"),
    ("2024-09-07", "too_late", 0, 0, None),
])
def test_renewal_status_and_fees(invoke, filed, status, fee_renewal, fee_late, new_term):
    record, _ = calc_json(invoke, "renewal", "--registered", "2014-03-07", "--filed", filed)
    assert record["status"] == status
    assert (record["fee_renewal"], record["fee_late"], record["fee_total"]) == (
        fee_renewal, fee_late, fee_renewal + fee_late)
    assert record["new_term_expires_on"] == new_term


def test_renewal_from_expiry_on_paper_for_three_classes(invoke):
    record, _ = calc_json(invoke, "renewal", "--expires", "2024-03-06", "--filed", "2024-04-01",
                          "--paper", "--classes", "3")
    assert record["status"] == "in_grace"
    assert (record["fee_renewal"], record["fee_late"], record["fee_total"]) == (1500, 750, 2250)
    assert record["new_term_starts_on"] == "2024-03-07"


def test_renewal_fee_before_2019_07_01(invoke):
    record, _ = calc_json(invoke, "renewal", "--registered", "2009-01-10", "--filed", "2018-12-01")
    assert (record["status"], record["fee_renewal"]) == ("in_window", 1000)


def test_too_early_renewal_exits_zero(invoke):
    result = invoke("calc", "renewal", "--registered", "2014-03-07", "--filed", "2020-01-01", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["status"] == "too_early"


@pytest.mark.parametrize("filed, years, term_end, last_fee", [
    ("2021-05-31", 10, "2031-05-31", 2000),
    ("2021-06-01", 15, "2036-06-01", 3000),
])
def test_design_term_changes_on_2021_06_01(invoke, filed, years, term_end, last_fee):
    record, _ = calc_json(invoke, "patent", "--type", "design", "--filed", filed)
    assert (record["term_years"], record["term_ends_on"]) == (years, term_end)
    assert [a["year"] for a in record["annuities"]] == list(range(1, years + 1))
    assert record["annuities"][-1]["fee"] == last_fee


def test_utility_model_gl_example(invoke):
    record, stderr = calc_json(invoke, "patent", "--type", "utility", "--filed", "1999-09-06")
    assert (record["term_ends_on"], record["last_protected_on"]) == ("2009-09-06", "2009-09-05")
    assert record["annuities"][0] == {"year": 1, "due_on": "1999-09-06", "grace_ends_on": "2000-03-06",
                                      "fee": 600, "provisional": True}
    assert "2000" in stderr and "R-PROVISIONAL" in stderr


def test_patent_annuities_after_2026_are_provisional(invoke):
    record, stderr = calc_json(invoke, "patent", "--type", "invention", "--filed", "2020-03-10")
    assert record["provisional"] is True
    provisional = {a["year"]: a["provisional"] for a in record["annuities"]}
    assert provisional[6] is False and provisional[8] is True
    assert "2027" in stderr


def test_annuity_public_example(invoke):
    record, _ = calc_json(invoke, "annuity", "--type", "invention", "--filed", "2019-06-03", "--year", "6",
                          "--paid", "2024-08-20")
    assert record == {"year": 6, "due_on": "2024-06-03", "grace_ends_on": "2024-12-03", "fee": 1200,
                      "fee_payable": 1200, "late_fee_rate_pct": 10, "late_fee": 120, "total": 1320,
                      "status": "in_grace", "provisional": False}


def test_annuity_late_fee_on_full_fee_with_reduction(invoke):
    record, _ = calc_json(invoke, "annuity", "--type", "invention", "--filed", "2019-06-03", "--year", "6",
                          "--paid", "2024-08-20", "--reduction", "85", "--granted", "2021-09-01")
    assert (record["fee_payable"], record["late_fee"], record["total"]) == (180, 120, 300)


def test_annuity_reduction_outside_six_years_from_grant(invoke):
    record, _ = calc_json(invoke, "annuity", "--type", "invention", "--filed", "2010-06-03", "--year", "9",
                          "--reduction", "70", "--granted", "2012-01-01")
    assert (record["fee"], record["fee_payable"]) == (2000, 2000)


def test_annuity_without_paid_is_judged_at_today(invoke):
    args = ("annuity", "--type", "utility", "--filed", "2020-11-25", "--year", "7")
    early, _ = calc_json(invoke, *args, env={"IPCLI_TODAY": "2026-11-21"})
    assert (early["status"], early["late_fee_rate_pct"], early["late_fee"], early["total"]) == (
        "not_due", None, None, 1200)
    late, _ = calc_json(invoke, *args, env={"IPCLI_TODAY": "2027-12-01"})
    assert late["status"] == "lapsed" and late["total"] is None
    flag = invoke("--today", "2027-03-01", "calc", *args, "--format", "json")
    assert json.loads(flag.stdout)["status"] == "in_grace"


def test_period_public_examples(invoke):
    record, _ = calc_json(invoke, "period", "--office", "patent", "--from", "2007-12-06", "--months", "2")
    assert record == {"starts_on": "2007-12-06", "deadline_raw": "2008-02-06", "deadline_on": "2008-02-13",
                      "extended": True, "provisional": False}
    record, _ = calc_json(invoke, "period", "--office", "patent", "--dispatched", "1999-12-16",
                          "--served", "paper", "--months", "2")
    assert (record["starts_on"], record["deadline_on"], record["provisional"]) == ("1999-12-31", "2000-02-29", True)
    record, _ = calc_json(invoke, "period", "--office", "patent", "--from", "1998-06-01", "--years", "3")
    assert record["deadline_on"] == "2001-06-01"


@pytest.mark.parametrize("office, dispatched, served, received", [
    ("trademark", "2025-03-03", "electronic", "2025-03-18"),
    ("trademark", "2025-03-03", "paper", "2025-03-18"),
    ("patent", "2024-01-19", "electronic", "2024-02-03"),
    ("patent", "2024-01-20", "electronic", "2024-01-20"),
    ("patent", "2024-01-20", "paper", "2024-02-04"),
])
def test_deemed_receipt(invoke, office, dispatched, served, received):
    record, _ = calc_json(invoke, "period", "--office", office, "--dispatched", dispatched, "--served", served,
                          "--days", "15")
    assert record["starts_on"] == received


def test_trademark_review_deadline_rolls_over_national_day(invoke):
    record, _ = calc_json(invoke, "period", "--office", "trademark", "--from", "2025-09-16", "--days", "15")
    assert (record["deadline_raw"], record["deadline_on"], record["extended"]) == ("2025-10-01", "2025-10-09", True)


@pytest.mark.parametrize("day, working, next_day", [
    ("2024-02-09", True, "2024-02-09"),    # 除夕 2024 was a working day
    ("2024-02-10", False, "2024-02-18"),    # Spring Festival block ends on a 调休 Sunday
    ("2026-02-28", True, "2026-02-28"),    # 调休 Saturday
    ("2025-09-28", True, "2025-09-28"),    # 调休 Sunday
])
def test_workday(invoke, day, working, next_day):
    record, _ = calc_json(invoke, "workday", day)
    assert (record["is_working_day"], record["next_working_day"], record["source"]) == (working, next_day, "bundled")


def test_workday_in_unpublished_year_is_provisional(invoke):
    result = invoke("calc", "workday", "2027-01-04", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"date": "2027-01-04", "is_working_day": None,
                                         "next_working_day": "2027-01-04", "source": "provisional",
                                         "provisional": True}
    assert result.stderr.count("\n") == 1 and "2027" in result.stderr and "R-PROVISIONAL" in result.stderr


def test_strict_calendar_refuses_unpublished_year(invoke):
    result = invoke("--strict-calendar", "calc", "mark", "--registered", "2020-05-05")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == "ipcli: error: no holiday table for 2030 and --strict-calendar is set [R-PROVISIONAL]\n"


def test_quiet_drops_the_provisional_warning(invoke):
    result = invoke("-q", "calc", "mark", "--registered", "2020-05-05", "--format", "json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["provisional"] is True


def test_chinese_messages_and_labels(invoke):
    result = invoke("--lang", "zh", "calc", "renewal", "--registered", "2014-03-07", "--filed", "2024-05-01",
                    "--format", "table")
    assert "宽展期内" in result.stdout and "迟延费" in result.stdout
    env_result = invoke("calc", "annuity", "--type", "invention", "--filed", "2020-01-01", "--year", "21",
                        env={"IPCLI_LANG": "zh"})
    assert env_result.stderr == "ipcli：错误：第 21 年度超出该发明专利 20 年的保护期限 [R-PAT-TERM]\n"


def test_lang_follows_LANG_when_IPCLI_LANG_unset(invoke):
    result = invoke("calc", "workday", "2024-02-10", "--format", "table", env={"IPCLI_LANG": None,
                                                                               "LANG": "zh_CN.UTF-8"})
    assert "下一个工作日" in result.stdout


@pytest.mark.parametrize("args, code, names", [
    (["calc", "mark", "--registered", "2025-02-30"], 2, "2025-02-30"),
    (["calc", "mark", "--registered", "1066-10-14"], 2, "1066-10-14"),
    (["calc", "mark", "--registered", "14/03/2014"], 2, "14/03/2014"),
    (["calc", "renewal", "--registered", "2014-03-07", "--filed", "2024-01-01", "--classes", "46"], 2, "46"),
    (["calc", "renewal", "--registered", "2014-03-07", "--filed", "2024-01-01", "--classes", "nine"], 2, "nine"),
    (["calc", "patent", "--type", "plant", "--filed", "2020-01-01"], 2, "plant"),
    (["calc", "annuity", "--type", "invention", "--filed", "2020-01-01", "--year", "21"], 65, "21"),
    (["calc", "annuity", "--type", "utility", "--filed", "2020-01-01", "--year", "11"], 65, "11"),
    (["calc", "annuity", "--type", "invention", "--filed", "2020-01-01", "--year", "0"], 2, "0"),
    (["calc", "annuity", "--type", "invention", "--filed", "2020-01-01", "--year", "2", "--paid", "2019-12-31"],
     65, "2019-12-31"),
    (["calc", "annuity", "--type", "invention", "--filed", "2020-01-01", "--year", "2", "--reduction", "85"],
     2, "85"),
    (["calc", "period", "--office", "patent", "--from", "2020-01-01"], 2, "--days"),
    (["calc", "period", "--office", "patent", "--from", "2020-01-01", "--dispatched", "2020-01-01",
      "--days", "3"], 2, "--dispatched"),
    (["--today", "yesterday", "calc", "workday", "2024-01-01"], 2, "yesterday"),
    (["--lang", "fr", "calc", "workday", "2024-01-01"], 2, "fr"),
    (["calc", "nonsense"], 2, "nonsense"),
    (["calc", "mark", "--registerd", "2020-01-01"], 2, "--registerd"),
])
def test_bad_input_gets_one_line_and_exit_code(invoke, args, code, names):
    result = invoke(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ipcli: error: ")
    assert names in lines[0]
    assert "Traceback" not in result.stderr


def test_rule_refusals_name_the_rule(invoke):
    result = invoke("calc", "annuity", "--type", "invention", "--filed", "2020-01-01", "--year", "21")
    assert result.stderr.rstrip().endswith("[R-PAT-TERM]")
    result = invoke("calc", "annuity", "--type", "invention", "--filed", "2020-01-01", "--year", "3",
                    "--paid", "2019-01-01")
    assert result.stderr.rstrip().endswith("[R-PAT-ANNUITY-DUE]")
