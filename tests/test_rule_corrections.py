"""The rulebook corrections of issue 15 end to end: each command that computes a fee or a shifted date
gives the corrected answer (R-PAT-WEEKEND, R-PROVISIONAL-DECEMBER, FEE-TM history, FEE-REDUCTION over ten
years, FEE-OPEN-LICENSE, FEE-PAT-RECORDAL), and a register of the previous schema is migrated and its
stored dates recomputed."""

import json
import sqlite3
from contextlib import closing

import pytest

from ipcli.db.migrations import MIGRATIONS


def ok(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def run(invoke, *args, today=None):
    return ok(invoke(*args, "--format", "json", env={"IPCLI_TODAY": today} if today else None))


def rules_of(record) -> set:
    return {row["rule"] for row in record["explain"]}


# calc


@pytest.mark.parametrize("office, deadline", [("patent", "2026-01-05"), ("trademark", "2026-01-04")])
def test_calc_period_new_year_2026(invoke, office, deadline):
    record = run(invoke, "calc", "period", "--office", office, "--from", "2025-11-01", "--months", "2", "--explain")
    assert (record["deadline_raw"], record["deadline_on"], record["provisional"]) == ("2026-01-01", deadline, False)
    assert ("R-PAT-WEEKEND" in rules_of(record)) == (office == "patent")


def test_calc_period_explains_the_new_rule_with_citation_and_grade(invoke):
    record = run(invoke, "calc", "period", "--office", "patent", "--dispatched", "2023-12-01", "--served", "paper",
                 "--months", "2", "--explain")
    assert record["deadline_on"] == "2024-02-19"
    rows = [row for row in record["explain"] if row["rule"] == "R-PAT-WEEKEND"]
    assert rows == [{"rule": "R-PAT-WEEKEND", "citation": "GL V-7 §2.3 (2010, 2023)", "confidence": "B",
                     "step": "2024-02-18 is a working weekend day: a patent time limit passes over it to 2024-02-19"}]


def test_calc_workday_late_december_is_provisional_and_strict_refuses(invoke):
    record = run(invoke, "calc", "workday", "2026-12-28", "--explain")
    assert (record["is_working_day"], record["next_working_day"], record["source"], record["provisional"]) == \
        (True, "2026-12-28", "bundled", True)
    assert "R-PROVISIONAL-DECEMBER" in rules_of(record)
    strict = invoke("--strict-calendar", "calc", "workday", "2026-12-28")
    assert strict.exit_code == 4 and strict.stdout == "" and "2027" in strict.stderr
    assert run(invoke, "calc", "workday", "2026-12-24")["provisional"] is False


def test_calc_annuity_ten_reduced_years_and_citation(invoke):
    record = run(invoke, "calc", "annuity", "--type", "invention", "--filed", "2019-06-03", "--year", "8",
                 "--reduction", "85", "--granted", "2021-03-01", "--explain")
    assert (record["fee"], record["fee_payable"]) == (2000, 300)
    reduction = [row for row in record["explain"] if row["rule"] == "FEE-REDUCTION"]
    assert "财税〔2018〕37号" in reduction[0]["citation"] and "2..11" in reduction[0]["step"]


@pytest.mark.parametrize("args, year, payable", [
    (("--open-license", "2024-09-01"), 7, 1700),
    (("--reduction", "open"), 6, 1200),                      # due 2024-06-03: before 财税〔2024〕23号
    (("--reduction", "open"), 7, 1700),
    (("--reduction", "85", "--granted", "2021-03-01", "--open-license", "2024-09-01"), 7, 300),
    (("--reduction", "85", "--granted", "2021-03-01", "--open-license", "2024-09-01"), 12, 3400),
])
def test_calc_annuity_open_license(invoke, args, year, payable):
    record = run(invoke, "calc", "annuity", "--type", "invention", "--filed", "2019-06-03", "--year", str(year),
                 *args, "--explain")
    assert record["fee_payable"] == payable
    assert "FEE-OPEN-LICENSE" in rules_of(record)


def test_calc_renewal_before_2017_fee_table(invoke):
    record = run(invoke, "calc", "renewal", "--expires", "2016-03-31", "--filed", "2016-05-10", "--classes", "2")
    assert (record["status"], record["fee_renewal"], record["fee_late"], record["fee_total"]) == \
        ("in_grace", 4000, 1000, 5000)


# the register


@pytest.fixture
def clerk(invoke):
    def command(*args, today=None):
        return run(invoke, *args, today=today)
    return command


def test_deadlines_give_patent_and_trademark_grace_ends_of_new_year_2026(clerk):
    # Raw grace end 2026-01-03 for both: the patent's moves past the working Sunday to Monday 01-05.
    clerk("mark", "add", "7001", "--registered", "2015-07-04", "--classes", "9")
    clerk("patent", "add", "201810123451.2", "--filed", "2018-07-03", "--granted", "2020-01-01",
          "--paid-through", "7")
    rows = clerk("deadlines", "--days", "60", "--kind", "mark_grace_ends", "--kind", "patent_annuity_grace_ends",
                 today="2025-12-01")
    assert [(row["right_no"], row["due_on"], row["rule"]) for row in rows] == [
        ("7001", "2026-01-04", "R-TM-GRACE"), ("201810123451.2", "2026-01-05", "R-PAT-LATE")]


def test_deadlines_mark_late_december_dates_provisional(clerk):
    clerk("mark", "add", "7002", "--registered", "2016-06-30", "--classes", "9")  # grace end 2026-12-29
    rows = clerk("deadlines", "--days", "60", "--kind", "mark_grace_ends")
    assert [(row["due_on"], row["provisional"]) for row in rows] == [("2026-12-29", True)]


def test_annuity_pay_with_reduction_and_open_license(clerk):
    clerk("patent", "add", "201910123456.X", "--filed", "2019-06-03", "--granted", "2021-03-01",
          "--paid-through", "7", "--reduction", "85", "--open-license", "2024-09-01")
    shown = clerk("patent", "show", "201910123456.X")
    assert (shown["reduction"], shown["open_license"], shown["open_license_from"]) == ("85", True, "2024-09-01")
    paid = clerk("annuity", "pay", "201910123456.X", "--year", "8", "--paid", "2026-06-03")
    assert (paid["details"]["fee"], paid["details"]["fee_payable"], paid["fee_total"]) == (2000, 300, 300)


def test_annuity_pay_with_open_license_only(clerk):
    clerk("patent", "add", "201910123456.X", "--filed", "2019-06-03", "--granted", "2021-03-01",
          "--paid-through", "7", "--reduction", "open")
    assert clerk("patent", "show", "201910123456.X")["reduction"] == "none"
    paid = clerk("annuity", "pay", "201910123456.X", "--year", "8", "--paid", "2026-06-03")
    assert paid["fee_total"] == 1700


def test_patent_open_license_before_filing_is_refused(invoke):
    result = invoke("patent", "add", "201910123456.X", "--filed", "2019-06-03", "--open-license", "2019-06-02")
    assert result.exit_code == 65 and result.stdout == ""
    assert result.stderr.rstrip().endswith("[FEE-OPEN-LICENSE]")


def test_renew_add_uses_the_fee_table_of_its_filing_date(clerk):
    clerk("mark", "add", "7003", "--registered", "2006-04-01", "--classes", "1,2")
    filing = clerk("renew", "add", "7003", "--filed", "2016-05-10", today="2016-05-10")
    assert (filing["details"]["renewal_status"], filing["details"]["fee_renewal"], filing["details"]["fee_late"],
            filing["fee_total"]) == ("in_grace", 4000, 1000, 5000)


def test_transfer_add_charges_200_per_patent(clerk):
    clerk("mark", "add", "7004", "--registered", "2020-05-10", "--classes", "9,35", "--owner", "甲公司")
    clerk("patent", "add", "201910123456.X", "--filed", "2019-06-03", "--owner", "甲公司")
    clerk("patent", "add", "202020123450.0", "--filed", "2020-01-06", "--owner", "甲公司")
    filing = clerk("transfer", "add", "7004", "201910123456.X", "202020123450.0", "--to", "乙公司",
                   "--filed", "2026-11-20")
    assert filing["details"]["fees"] == {"7004": 900, "201910123456.X": 200, "202020123450.0": 200}
    assert filing["fee_total"] == 1300


def test_patent_license_costs_nothing_and_its_recordal_deadline_passes_working_weekends(clerk):
    clerk("patent", "add", "201910123456.X", "--filed", "2019-06-03")
    # Licence from 2025-11-01: 3 months -> raw 2026-02-01 (Sunday) -> Monday 2026-02-02.
    filing = clerk("license", "add", "201910123456.X", "--licensee", "乙公司", "--from", "2025-11-01",
                   "--to", "2027-10-31", "--filed", "2026-01-20", today="2026-01-20")
    assert (filing["fee_total"], filing["details"]["recordal_due_on"]) == (0, "2026-02-02")
    # From 2023-11-18: raw 2024-02-18, itself a working Sunday: not moved (R-PAT-WEEKEND).
    filing = clerk("license", "add", "201910123456.X", "--licensee", "丙公司", "--from", "2023-11-18",
                   "--to", "2024-12-31", "--filed", "2024-02-18", today="2024-02-18")
    assert filing["details"]["recordal_due_on"] == "2024-02-18"


def test_batch_export_of_a_transfer_carries_patent_fees_and_validates(clerk, invoke, tmp_path):
    clerk("patent", "add", "201910123456.X", "--filed", "2019-06-03", "--owner", "甲公司")
    filing = clerk("transfer", "add", "201910123456.X", "--to", "乙公司", "--filed", "2026-11-20")
    clerk("filing", "set-status", str(filing["id"]), "ready")
    batch = clerk("batch", "export", "--type", "transfer", "--out", str(tmp_path))
    document = json.loads((tmp_path / f"{batch['batch_id']}.json").read_text(encoding="utf-8"))
    assert document["items"][0]["fees"] == {"201910123456.X": 200}
    assert document["manifest"]["fee_total"] == 200
    assert invoke("batch", "validate", str(tmp_path / f"{batch['batch_id']}.json")).exit_code == 0


def test_batch_validate_refuses_a_patent_transfer_without_its_fee(clerk, invoke, tmp_path):
    clerk("patent", "add", "201910123456.X", "--filed", "2019-06-03", "--owner", "甲公司")
    filing = clerk("transfer", "add", "201910123456.X", "--to", "乙公司", "--filed", "2026-11-20")
    clerk("filing", "set-status", str(filing["id"]), "ready")
    batch = clerk("batch", "export", "--type", "transfer", "--out", str(tmp_path))
    path = tmp_path / f"{batch['batch_id']}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["items"][0]["fees"] = {"201910123456.X": None}  # as ipcli wrote it before the correction
    document["items"][0]["fee_total"] = document["manifest"]["fee_total"] = 0
    from ipcli.register.batch_format import checksum_of

    document["manifest"]["items_sha256"] = checksum_of(document["items"])
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = invoke("batch", "validate", str(path))
    assert result.exit_code == 65 and "[FEE-PAT-RECORDAL]" in result.stderr


def test_stats_count_the_corrected_fees(clerk):
    clerk("mark", "add", "7004", "--registered", "2020-05-10", "--classes", "9,35", "--owner", "甲公司")
    clerk("patent", "add", "201910123456.X", "--filed", "2019-06-03", "--owner", "甲公司")
    clerk("transfer", "add", "7004", "201910123456.X", "--to", "乙公司", "--filed", "2026-11-20")
    rows = clerk("stats", "--by", "type")
    assert [(row["type"], row["fees"]) for row in rows if row["type"] == "transfer"] == [("transfer", 1100)]


# migration from the previous schema


OLD_PATENT = ("INSERT INTO patents (app_no, type, filed_on, granted_on, reduction, paid_through, term_ends_on, "
              "next_annuity_year, next_annuity_due_on, next_annuity_grace_ends_on, dates_provisional, created_at, "
              "updated_at) VALUES (?, 'invention', ?, ?, ?, ?, ?, ?, ?, ?, 0, 'c', 'u')")
OLD_MARK = ("INSERT INTO marks (reg_no, classes, registered_on, term_starts_on, expires_on, renewal_window_opens_on, "
            "grace_ends_on, dates_provisional, created_at, updated_at) VALUES (?, '9', ?, ?, ?, ?, ?, 0, 'c', 'u')")


# A PostgreSQL register starts at the current schema: only an SQLite file can be of the previous one.
OLDER_SCHEMA = pytest.mark.sqlite_only("a register of the previous schema is an SQLite file")


@pytest.fixture
def old_register(db_path):
    """A register of the schema before m009, holding what the previous ipcli stored: dates on working
    weekend days for patents, late December dates not provisional, and a reduction 'open'."""
    import sqlite_utils

    older = sqlite_utils.Database(db_path)
    MIGRATIONS.apply(older, stop_before="m009_open_license_and_license_provisional")
    older.execute(OLD_PATENT, ["201810123451.2", "2018-07-03", "2020-01-01", "open", 7, "2038-07-03", 8,
                               "2025-07-03", "2026-01-04"])  # old rule: the working Sunday
    older.execute(OLD_PATENT, ["201910123456.X", "2019-06-30", "2021-01-01", "85", 7, "2039-06-30", 8,
                               "2026-06-30", "2026-12-30"])  # late December, then not provisional
    older.execute(OLD_PATENT, ["202010123459.6", "2020-03-02", "2021-01-01", "none", 6, "2040-03-02", 7,
                               "2026-03-02", "2026-09-02"])  # unchanged
    older.execute(OLD_MARK, ["8001", "2016-06-30", "2016-06-30", "2026-06-29", "2025-06-30", "2026-12-29"])
    older.execute(OLD_MARK, ["8002", "2015-07-04", "2015-07-04", "2025-07-03", "2024-07-04", "2026-01-04"])
    older.execute("INSERT INTO filings (id, type, status, received_on, status_on, details, created_at) "
                  "VALUES (1, 'license', 'received', '2026-01-20', '2026-01-20', '{}', 'c')")
    older.execute("INSERT INTO licenses (filing_id, right_type, right_no, licensee, kind, starts_on, ends_on, "
                  "recordal_due_on, status) VALUES (1, 'patent', '201810123451.2', 'x', 'ordinary', '2023-11-10', "
                  "'2027-01-01', '2024-02-18', 'pending')")  # old: the working Sunday after Spring Festival
    older.execute("INSERT INTO notices (right_type, right_no, kind, dispatched_on, served, starts_on, deadline_raw, "
                  "deadline_on, provisional, rule, created_at) VALUES ('patent', '201810123451.2', 'reexamination', "
                  "NULL, NULL, '2023-11-10', '2024-02-10', '2024-02-18', 0, 'R-PAT-LIMITS', 'c')")
    older.execute("INSERT INTO notices (right_type, right_no, kind, dispatched_on, served, starts_on, deadline_raw, "
                  "deadline_on, provisional, rule, created_at) VALUES ('mark', '8002', 'correction', "
                  "NULL, NULL, '2026-11-27', '2026-12-27', '2026-12-28', 0, 'R-TM-LIMITS', 'c')")
    older.conn.commit()
    older.conn.close()
    return db_path


@OLDER_SCHEMA
def test_migration_recomputes_the_dates_the_corrected_rules_move(invoke, old_register):
    moved = run(invoke, "patent", "show", "201810123451.2")
    assert (moved["next_annuity_grace_ends_on"], moved["provisional"]) == ("2026-01-05", False)
    assert (moved["reduction"], moved["open_license"], moved["open_license_from"]) == ("none", True, None)
    december = run(invoke, "patent", "show", "201910123456.X")
    assert (december["next_annuity_grace_ends_on"], december["provisional"], december["reduction"]) == \
        ("2026-12-30", True, "85")
    unchanged = run(invoke, "patent", "show", "202010123459.6")
    assert (unchanged["next_annuity_grace_ends_on"], unchanged["provisional"]) == ("2026-09-02", False)
    assert run(invoke, "mark", "show", "8001")["provisional"] is True
    sunday = run(invoke, "mark", "show", "8002")
    assert (sunday["grace_ends_on"], sunday["provisional"]) == ("2026-01-04", False)  # trademark: stays
    with closing(sqlite3.connect(old_register)) as db:
        assert db.execute("SELECT recordal_due_on, provisional FROM licenses").fetchall() == [("2024-02-19", 0)]
        assert db.execute("SELECT right_type, deadline_on, provisional FROM notices ORDER BY id").fetchall() == [
            ("patent", "2024-02-19", 0), ("mark", "2026-12-28", 1)]
        assert db.execute("SELECT count(*) FROM patents WHERE reduction = 'open'").fetchone() == (0,)


@OLDER_SCHEMA
def test_migration_journals_each_recomputed_date(invoke, old_register):
    entries = run(invoke, "log", "--type", "patent", "--id", "201810123451.2")
    assert [(e["command"], e["before"], e["after"]) for e in entries] == [
        ("migration m010_recompute_shifted_dates", {"next_annuity_grace_ends_on": "2026-01-04"},
         {"next_annuity_grace_ends_on": "2026-01-05"})]
    notices = run(invoke, "log", "--type", "notice")
    assert {(e["record_id"], json.dumps(e["after"])) for e in notices} == {
        ("1", '{"deadline_on": "2024-02-19"}'), ("2", '{"provisional": 1}')}
    assert run(invoke, "log", "--type", "mark", "--id", "8002") == []


@OLDER_SCHEMA
def test_migration_then_calendar_import_settles_december(invoke, old_register, tmp_path):
    from made_up_notices import HOLIDAYS_2027

    invoke("patent", "show", "201910123456.X")  # migrates
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(HOLIDAYS_2027, ensure_ascii=False), encoding="utf-8")
    report = run(invoke, "calendar", "import", str(path))
    assert report["notices_updated"] == 1
    after = run(invoke, "patent", "show", "201910123456.X")
    assert after["provisional"] is False and after["next_annuity_grace_ends_on"] == "2027-01-04"
