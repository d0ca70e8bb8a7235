"""Issue 17 §3, mistakes can be corrected: `mark|patent edit|remove`, `filing set-status` one step at a time
(`--skip`), `filing revert`, `ipcli undo` and `ipcli log revert`. Every revert must give back exactly the
rows the register held before the write (every table compared whole) and be journaled itself; every
refusal must write nothing (every table and the journal compared)."""

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from conftest import BASE_ENV, register_sql, register_tables, report_cases
from ipcli.cli import cli
from ipcli.db.migrations import MIGRATIONS

TRIED = Counter()  # cases tried per class of input, printed when the module ends


@pytest.fixture(scope="module", autouse=True)
def cases_tried(request):
    yield
    report_cases(request, "correction", TRIED)


def ok(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


JOURNAL_COLUMNS = ("id", "at", "operator", "command", "record_type", "record_id", "before", "after", "invocation",
                   "revertible", "reverts")


def tables(register) -> dict:
    """Every row of every table but the journal (which a revert adds to) and SQLite's own (the
    AUTOINCREMENT counters: an id once given is never given again)."""
    return {name: sorted(register_sql(register, f'SELECT * FROM "{name}"'), key=repr)
            for name in register_tables(register) if name != "journal"}


def journal(register) -> list[dict]:
    rows = register_sql(register, f"SELECT {', '.join(JOURNAL_COLUMNS)} FROM journal ORDER BY id")
    return [dict(zip(JOURNAL_COLUMNS, row)) for row in rows]


def everything(register) -> tuple:
    return tables(register), journal(register)


@pytest.fixture
def run(invoke):
    """ipcli with --format json, its result."""
    return lambda *args, env=None: invoke(*args, "--format", "json", env=env)


@pytest.fixture
def portfolio(run):
    """Two same-name marks of one owner (the first in its renewal window), another owner's mark, a patent."""
    ok(run("mark", "add", "100001", "--registered", "2016-12-10", "--classes", "9,35", "--name", "ACME",
           "--owner", "甲公司", "--owner-id", "91110000600037341L"))
    ok(run("mark", "add", "100002", "--registered", "2020-05-10", "--classes", "9", "--name", "ACME",
           "--owner", "甲公司"))
    ok(run("mark", "add", "100003", "--registered", "2019-01-15", "--classes", "30", "--name", "Other",
           "--owner", "乙公司"))
    ok(run("patent", "add", "201910123456.X", "--filed", "2019-06-03", "--granted", "2021-09-01",
           "--paid-through", "7", "--owner", "甲公司"))
    return run


def refused(result, code: int = 65, rule: str | None = None) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1, result.stderr
    if rule:
        assert result.stderr.rstrip().endswith(f"[{rule}]"), result.stderr
    return result.stderr


# the lifecycle, one step at a time

STEPS = ("received", "ready", "exported", "submitted")
NEXT = {"received": "ready", "ready": "exported", "exported": "submitted"}


def _move_to(run, filing_id: int, status: str) -> None:
    for step in STEPS[1:STEPS.index(status) + 1]:
        ok(run("filing", "set-status", filing_id, step))


@pytest.mark.parametrize("current", STEPS)
@pytest.mark.parametrize("target", ("ready", "exported", "submitted", "accepted", "rejected", "withdrawn"))
def test_set_status_moves_one_step_and_skips_only_with_skip(portfolio, invoke, register, current, target):
    TRIED["lifecycle moves"] += 1
    filing_id = ok(portfolio("renew", "add", "100001", "--filed", "2026-11-20"))["id"]
    _move_to(portfolio, filing_id, current)
    backwards = target in STEPS and STEPS.index(target) <= STEPS.index(current)
    one_step = target == "withdrawn" or NEXT.get(current) == target or (
        current == "submitted" and target in ("accepted", "rejected"))
    before = everything(register)
    result = invoke("filing", "set-status", filing_id, target, "--format", "json")
    if backwards:
        refused(result, rule="FILING-LIFECYCLE")
        assert everything(register) == before
        return
    if one_step:
        assert ok(result)["status"] == target
        return
    assert "--skip" in refused(result, rule="FILING-LIFECYCLE")
    assert everything(register) == before
    skipped = STEPS[STEPS.index(current) + 1:STEPS.index(target) if target in STEPS else len(STEPS)]
    result = invoke("filing", "set-status", filing_id, target, "--skip", "--format", "json")
    assert ok(result)["status"] == target
    assert f"filing #{filing_id}: skipped {', '.join(skipped)}\n" in result.stderr


def test_skipping_is_named_in_chinese(portfolio, invoke):
    filing_id = ok(portfolio("renew", "add", "100001", "--filed", "2026-11-20"))["id"]
    result = invoke("--lang", "zh", "filing", "set-status", filing_id, "accepted")
    assert "需跳过办理流程中的 3 个步骤" in refused(result, rule="FILING-LIFECYCLE")
    result = invoke("--lang", "zh", "filing", "set-status", filing_id, "accepted", "--skip")
    assert "已跳过 待报送, 已导出, 已报送" in result.stderr


# every write, reverted exactly: (setup commands, the write)

PLEDGE = ("pledge", "add", "100002", "201910123456.X", "--pledgee", "工商银行", "--amount", "5000000", "--from",
          "2026-12-01", "--to", "2028-12-01", "--filed", "2026-11-21")
LICENSE = ("license", "add", "100002", "--licensee", "丁公司", "--from", "2026-01-01", "--to", "2027-01-01",
           "--filed", "2026-11-21", "--amount", "80000")
RENEWAL = ("renew", "add", "100001", "--filed", "2026-11-20")
ACCEPT_1 = ("filing", "set-status", "1", "accepted", "--skip")
REGISTERED_PLEDGE = (PLEDGE, ACCEPT_1)

WRITES = {
    "mark add": ((), ("mark", "add", "7", "--registered", "2020-01-01", "--classes", "9", "--owner", "戊")),
    "mark edit": ((), ("mark", "edit", "100002", "--registered", "2020-05-11", "--classes", "9,42", "--name", "新名",
                       "--owner-id", "91110000600037341L", "--kind", "collective", "--window", "W9")),
    "mark edit --clear": ((), ("mark", "edit", "100001", "--clear", "name", "--clear", "owner-id")),
    "mark remove": ((), ("mark", "remove", "100003")),
    "mark remove --force": ((RENEWAL, ("license", "add", "100001", "--licensee", "L", "--from", "2026-01-01", "--to",
                                       "2026-12-01", "--filed", "2026-11-21")),
                            ("mark", "remove", "100001", "--force")),
    "patent add": ((), ("patent", "add", "202010123459.6", "--filed", "2020-03-02", "--granted", "2022-01-05")),
    "patent edit": ((), ("patent", "edit", "201910123456.X", "--title", "新名称", "--reduction", "85",
                         "--open-license", "2024-08-01", "--paid-through", "8", "--owner", "乙公司")),
    "patent remove": ((("patent", "add", "202010123459.6", "--filed", "2020-03-02"),),
                      ("patent", "remove", "202010123459.6")),
    "renew add": ((), RENEWAL),
    "transfer add": ((), ("transfer", "add", "100002", "--to", "丙公司", "--filed", "2026-11-21")),
    "license add": ((), LICENSE),
    "pledge add": ((), PLEDGE),
    "annuity pay": ((), ("annuity", "pay", "201910123456.X", "--year", "8", "--paid", "2026-08-20")),
    "notice add": ((), ("notice", "add", "100003", "--kind", "correction", "--dispatched", "2026-11-01",
                        "--served", "paper")),
    "notice done": ((("notice", "add", "100003", "--kind", "correction", "--dispatched", "2026-11-01", "--served",
                      "paper"),), ("notice", "done", "1")),
    "set-status ready": ((RENEWAL,), ("filing", "set-status", "1", "ready")),
    "accept renewal": ((RENEWAL, ("filing", "set-status", "1", "submitted", "--skip")),
                       ("filing", "set-status", "1", "accepted")),
    "accept transfer": ((("transfer", "add", "100001", "100002", "--to", "丙公司", "--to-id", "360426199101010071",
                          "--filed", "2026-11-21"),), ACCEPT_1),
    "accept license": ((LICENSE,), ACCEPT_1),
    "accept pledge": ((PLEDGE,), ACCEPT_1),
    "accept pledge extension": (REGISTERED_PLEDGE + (("pledge", "extend", "1", "--to", "2029-06-01", "--filed",
                                                      "2026-11-21"),), ("filing", "set-status", "2", "accepted",
                                                                        "--skip")),
    "accept pledge change": (REGISTERED_PLEDGE + (("pledge", "change", "1", "--amount", "250.5", "--pledgee", "农业银行",
                                                   "--filed", "2026-11-21"),),
                             ("filing", "set-status", "2", "accepted", "--skip")),
    "accept pledge release": (REGISTERED_PLEDGE + (("pledge", "release", "1", "--on", "2026-11-21"),),
                              ("filing", "set-status", "2", "accepted", "--skip")),
    "reject pledge": ((PLEDGE,), ("filing", "set-status", "1", "rejected", "--skip")),
    "withdraw license": ((LICENSE,), ("filing", "set-status", "1", "withdrawn")),
}


def _write(run, register, name: str):
    """Set the scene of WRITES[name] and do its write: the tables before and after it, the journal before
    it, and what it printed."""
    setup, write = WRITES[name]
    for command in setup:
        ok(run(*command))
    before, journal_before = tables(register), journal(register)
    printed = ok(run(*write))
    after = tables(register)
    assert after != before
    return before, after, journal_before, printed


def _assert_revert_journaled(register, journal_before: list, command: str) -> list[dict]:
    """The journal kept what it held and gained the write and the revert, each one command of its own,
    the revert undoing the write's records entry by entry (newest first) and revertible in turn."""
    entries = journal(register)
    assert entries[:len(journal_before)] == journal_before
    added = entries[len(journal_before):]
    written = [e for e in added if not e["command"].endswith(command)]
    reverting = [e for e in added if e["command"].endswith(command)]
    assert added == written + reverting and len(reverting) == len(written) > 0
    assert len({e["invocation"] for e in written}) == 1 and len({e["invocation"] for e in reverting}) == 1
    assert {e["invocation"] for e in written} != {e["invocation"] for e in reverting}
    for write, undo in zip(reversed(written), reverting):
        assert (undo["record_type"], undo["record_id"], undo["revertible"], undo["reverts"]) == (
            write["record_type"], write["record_id"], 1, write["invocation"])
        assert json.loads(undo["after"] or "null") == json.loads(write["before"] or "null")
    return reverting


@pytest.mark.parametrize("name", WRITES)
def test_undo_restores_every_table_exactly_and_can_be_undone(portfolio, invoke, register, name):
    TRIED["reverted writes"] += 1
    before, after, journal_before, _ = _write(portfolio, register, name)
    shown = ok(invoke("undo", "--yes", "--format", "json"))
    assert tables(register) == before
    records = {"mark", "patent", "filing", "pledge", "license", "notice"}
    assert shown and {row["record_type"] for row in shown} <= records
    undone = _assert_revert_journaled(register, journal_before, "undo")
    assert "reverted journal entries" in invoke("undo", "--yes").stderr  # the undo undone: the write again
    assert tables(register) == after
    redone = journal(register)[-len(undone):]
    images = [json.loads(entry["before"] or "null") for entry in reversed(undone)]
    assert [json.loads(entry["after"] or "null") for entry in redone] == images


@pytest.mark.parametrize("name", [name for name in WRITES if WRITES[name][1][0] == "filing" or
                                  name in ("renew add", "pledge add", "annuity pay")])
def test_filing_revert_restores_every_table_exactly(portfolio, invoke, register, name):
    TRIED["reverted writes"] += 1
    before, _, journal_before, printed = _write(portfolio, register, name)
    ok(invoke("filing", "revert", printed["id"], "--yes", "--format", "json"))
    assert tables(register) == before
    _assert_revert_journaled(register, journal_before, "filing revert")


@pytest.mark.parametrize("name", ["mark edit", "mark remove --force", "accept transfer", "accept pledge change"])
def test_log_revert_of_any_entry_reverts_its_whole_command(portfolio, invoke, register, name):
    TRIED["reverted writes"] += 1
    before, _, journal_before, _ = _write(portfolio, register, name)
    last = journal(register)[-1]["id"]
    ok(invoke("log", "revert", last, "--yes", "--format", "json"))
    assert tables(register) == before
    _assert_revert_journaled(register, journal_before, "log revert")


def test_undo_reverts_an_acceptance_of_the_sample(invoke, register):
    ok(invoke("sample", "load", "--format", "json"))
    submitted = [f for f in ok(invoke("filing", "list", "--status", "submitted", "--format", "json"))
                 if f["type"] in ("renewal", "transfer", "pledge")]
    assert {f["type"] for f in submitted} == {"renewal", "transfer", "pledge"}
    for filing in submitted:
        TRIED["reverted writes"] += 1
        before = tables(register)
        ok(invoke("filing", "set-status", filing["id"], "accepted", "--format", "json"))
        assert tables(register) != before
        ok(invoke("filing", "revert", filing["id"], "--yes", "--format", "json"))
        assert tables(register) == before


def test_what_a_revert_changes_is_shown_per_record_and_field(portfolio, invoke):
    ok(portfolio(*RENEWAL))
    ok(portfolio("filing", "set-status", "1", "accepted", "--skip"))
    shown = ok(invoke("filing", "revert", "1", "--yes", "--format", "json"))
    by_field = {(row["record_type"], row["record_id"], row["field"]): (row["now"], row["reverted"]) for row in shown}
    assert by_field[("filing", "1", "status")] == ("accepted", "received")
    assert by_field[("mark", "100001", "expires_on")] == ("2036-12-09", "2026-12-09")
    assert by_field[("mark", "100001", "term_starts_on")] == ("2026-12-10", "2016-12-10")
    assert not any(field in ("created_at", "updated_at") for _, _, field in by_field)


# asking before reverting

def _on_terminal(monkeypatch):
    from ipcli.commands import correcting

    monkeypatch.setattr(correcting, "_stdin_is_terminal", lambda: True)


def test_undo_asks_on_a_terminal_and_a_no_changes_nothing(portfolio, register, monkeypatch):
    ok(portfolio("mark", "edit", "100002", "--name", "新名"))
    _on_terminal(monkeypatch)
    runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": str(register)})
    before = everything(register)
    result = runner.invoke(cli, ["undo", "--format", "json"], input="n\n", prog_name="ipcli")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [{"record_type": "mark", "record_id": "100002", "field": "name",
                                          "now": "新名", "reverted": "ACME"}]
    assert "Revert journal entries" in result.stderr and result.stderr.endswith("nothing was changed\n")
    assert everything(register) == before
    result = runner.invoke(cli, ["undo", "--format", "json"], input="y\n", prog_name="ipcli")
    assert result.exit_code == 0 and "reverted journal entries" in result.stderr
    assert ok(portfolio("mark", "show", "100002"))["name"] == "ACME"


@pytest.mark.parametrize("command", [("undo",), ("log", "revert", "5"), ("filing", "revert", "1")])
def test_a_revert_without_yes_is_refused_when_stdin_is_no_terminal(portfolio, invoke, register, command):
    TRIED["refusals"] += 1
    ok(portfolio(*RENEWAL))
    before = everything(register)
    assert "--yes" in refused(invoke(*command), code=2)
    assert everything(register) == before


# refusals write nothing

def _as(operator: str) -> dict:
    return {"IPCLI_OPERATOR": operator}


def test_undo_is_refused_when_a_later_write_changed_the_same_record(portfolio, invoke, register):
    TRIED["refusals"] += 1
    ok(invoke("mark", "edit", "100002", "--name", "甲的更正", "--format", "json", env=_as("甲")))
    ok(invoke("mark", "edit", "100002", "--owner", "乙公司", "--format", "json", env=_as("乙")))
    before = everything(register)
    message = refused(invoke("undo", "--yes", env=_as("甲")), rule="JOURNAL-DEPENDENT")
    assert "ipcli mark edit, by 乙" in message and "mark 100002" in message
    assert everything(register) == before
    ok(invoke("undo", "--yes", "--format", "json", env=_as("乙")))  # the later one reverted: no longer in the way
    ok(invoke("undo", "--yes", "--format", "json", env=_as("乙")))  # ... unless reverted in turn
    refused(invoke("undo", "--yes", env=_as("甲")), rule="JOURNAL-DEPENDENT")
    ok(invoke("undo", "--yes", "--format", "json", env=_as("乙")))
    ok(invoke("undo", "--yes", "--format", "json", env=_as("甲")))
    assert ok(invoke("mark", "show", "100002", "--format", "json"))["name"] == "ACME"


def test_filing_revert_of_an_acceptance_is_refused_after_a_later_edit_of_its_mark(portfolio, invoke, register):
    TRIED["refusals"] += 1
    ok(portfolio(*RENEWAL))
    ok(portfolio("filing", "set-status", "1", "accepted", "--skip"))
    ok(portfolio("mark", "edit", "100001", "--name", "ACME 2"))
    before = everything(register)
    refused(invoke("filing", "revert", "1", "--yes"), rule="JOURNAL-DEPENDENT")
    assert everything(register) == before


def test_a_write_the_journal_does_not_hold_whole_blocks_reverts(portfolio, invoke, register, tmp_path):
    """A batch export moves filings to `exported` without their whole images: the status change before it
    can no longer be reverted, and the export itself cannot be undone."""
    TRIED["refusals"] += 2
    ok(portfolio(*RENEWAL))
    ok(portfolio("filing", "set-status", "1", "ready"))
    ok(portfolio("batch", "export", "--type", "renewal", "--out", tmp_path / "out"))
    before = everything(register)
    assert "batch export" in refused(invoke("filing", "revert", "1", "--yes"), rule="JOURNAL-DEPENDENT")
    assert "ipcli batch export" in refused(invoke("undo", "--yes"), rule="JOURNAL-IRREVERSIBLE")
    assert everything(register) == before


def test_a_batch_decision_is_reverted_whole_not_per_filing(portfolio, invoke, register, tmp_path):
    ok(portfolio("mark", "add", "8", "--registered", "2016-12-05", "--classes", "1"))
    ok(portfolio(*RENEWAL))
    ok(portfolio("renew", "add", "8", "--filed", "2026-11-20"))
    for filing_id in (1, 2):
        ok(portfolio("filing", "set-status", filing_id, "ready"))
    batch = ok(portfolio("batch", "export", "--type", "renewal", "--out", tmp_path / "out"))
    before = tables(register)
    ok(portfolio("batch", "mark", batch["batch_id"], "accepted"))
    TRIED["refusals"] += 1
    shared = everything(register)
    assert "ipcli log revert" in refused(invoke("filing", "revert", "1", "--yes"), rule="JOURNAL-SHARED")
    assert everything(register) == shared
    TRIED["reverted writes"] += 1
    ok(invoke("log", "revert", journal(register)[-1]["id"], "--yes", "--format", "json"))
    assert tables(register) == before


def test_undo_of_an_added_mark_is_refused_once_a_filing_refers_to_it(portfolio, invoke, register):
    TRIED["refusals"] += 1
    ok(invoke("mark", "add", "8", "--registered", "2016-12-05", "--classes", "1", "--format", "json", env=_as("甲")))
    ok(invoke("renew", "add", "8", "--filed", "2026-11-20", "--format", "json", env=_as("乙")))
    before = everything(register)
    assert "filing 1" in refused(invoke("undo", "--yes", env=_as("甲")), rule="JOURNAL-DEPENDENT")
    assert everything(register) == before


def test_a_filing_is_not_brought_back_for_a_right_removed_since(portfolio, invoke, register):
    TRIED["refusals"] += 1
    ok(portfolio("mark", "add", "8", "--registered", "2016-12-05", "--classes", "1"))
    ok(portfolio("renew", "add", "8", "--filed", "2026-11-20"))
    ok(invoke("filing", "revert", "1", "--yes", "--format", "json"))  # its creation: the filing goes
    revert_entry = journal(register)[-1]["id"]
    ok(portfolio("mark", "remove", "8"))
    before = everything(register)
    message = refused(invoke("log", "revert", revert_entry, "--yes"), rule="JOURNAL-DEPENDENT")
    assert "mark 8" in message and "no longer in the register" in message
    assert everything(register) == before


@pytest.mark.parametrize("command, rule", [
    (("undo", "--yes"), "JOURNAL-EMPTY"),                  # another operator wrote everything
    (("log", "revert", "999", "--yes"), "JOURNAL-EMPTY"),
    (("filing", "revert", "9", "--yes"), "JOURNAL-EMPTY"),
    (("log", "revert", "1", "--yes"), "JOURNAL-IRREVERSIBLE"),  # the import's summary
])
def test_nothing_to_revert_is_refused(invoke, register, tmp_path, command, rule):
    TRIED["refusals"] += 1
    source = tmp_path / "marks.csv"
    source.write_text("reg_no,classes,registered_on\n5,9,2020-01-01\n", encoding="utf-8")
    ok(invoke("mark", "import", source, "--format", "json", env=_as("导入员")))
    before = everything(register)
    refused(invoke(*command, env=_as("窗口")), rule=rule)
    assert everything(register) == before


def test_refusals_in_chinese_name_the_rule(portfolio, invoke):
    ok(invoke("mark", "edit", "100002", "--name", "x", "--format", "json", env=_as("甲")))
    ok(invoke("mark", "edit", "100002", "--name", "y", "--format", "json", env=_as("乙")))
    message = refused(invoke("--lang", "zh", "undo", "--yes", env=_as("甲")), rule="JOURNAL-DEPENDENT")
    assert message.startswith("ipcli：错误：日志条目") and "之后又修改了商标 100002" in message


# edit: the validation of add, key dates recomputed, journaled before and after

def test_edit_recomputes_key_dates_and_journals_before_and_after(portfolio, invoke):
    edited = ok(portfolio("mark", "edit", "100002", "--registered", "2020-05-11"))
    assert (edited["term_starts_on"], edited["expires_on"], edited["grace_ends_on"]) == (
        "2020-05-11", "2030-05-10", "2030-11-10")
    entry = ok(invoke("log", "--limit", "1", "--format", "json"))[0]
    assert (entry["command"], entry["record_type"], entry["revertible"]) == ("ipcli mark edit", "mark", 1)
    assert (entry["before"]["expires_on"], entry["after"]["expires_on"]) == ("2030-05-09", "2030-05-10")
    patent = ok(portfolio("patent", "edit", "201910123456.X", "--filed", "2019-06-04"))
    assert (patent["term_ends_on"], patent["next_annuity_due_on"]) == ("2039-06-04", "2026-06-04")


def test_a_renewed_mark_keeps_its_term_when_its_registration_date_is_corrected(portfolio):
    ok(portfolio(*RENEWAL))
    ok(portfolio("filing", "set-status", "1", "accepted", "--skip"))
    edited = ok(portfolio("mark", "edit", "100001", "--registered", "2016-12-09"))
    assert (edited["registered_on"], edited["term_starts_on"], edited["expires_on"]) == (
        "2016-12-09", "2026-12-10", "2036-12-09")


def test_clearing_fields(portfolio):
    mark = ok(portfolio("mark", "edit", "100001", "--clear", "owner-id", "--clear", "name"))
    assert (mark["owner_id"], mark["name"]) == (None, None)
    ok(portfolio("patent", "edit", "201910123456.X", "--open-license", "2024-08-01"))
    patent = ok(portfolio("patent", "edit", "201910123456.X", "--clear", "open-license", "--clear", "granted"))
    assert (patent["open_license"], patent["open_license_from"], patent["granted_on"]) == (False, None, None)


def test_an_edit_that_changes_nothing_says_so_and_writes_nothing(portfolio, invoke, register):
    before = everything(register)
    result = invoke("mark", "edit", "100002", "--name", "ACME", "--classes", "9", "--format", "json")
    assert ok(result)["name"] == "ACME" and result.stderr == "mark 100002: nothing to change\n"
    assert everything(register) == before


@pytest.mark.parametrize("args, code, rule, named", [
    (("mark", "edit", "100002"), 2, None, "name at least one field"),
    (("mark", "edit", "100002", "--name", "x", "--clear", "name"), 2, None, "name is both given and cleared"),
    (("mark", "edit", "100002", "--kind", "famous"), 2, None, "--kind"),
    (("mark", "edit", "100002", "--registered", "2020-02-30"), 2, None, "--registered"),
    (("mark", "edit", "100002", "--classes", "9,46"), 65, "ID-NICE-CLASS", "46"),
    (("mark", "edit", "100002", "--owner-id", "91110000600037341X"), 65, "ID-USCC", "91110000600037341X"),
    (("mark", "edit", "100002", "--term-start", "2019-01-01"), 65, "R-TM-TERM", "2019-01-01"),
    (("mark", "edit", "999", "--name", "x"), 65, None, "no trademark 999"),
    (("mark", "edit", "201910123456.X", "--name", "x"), 65, None, "no trademark 201910123456.X"),
    (("patent", "edit", "201910123456.X", "--granted", "2019-01-01"), 65, "R-PAT-TERM", "2019-01-01"),
    (("patent", "edit", "201910123456.X", "--type", "design"), 65, "ID-PAT-APP-NO", "design"),
    (("patent", "edit", "201910123456.X", "--open-license", "2018-01-01"), 65, "FEE-OPEN-LICENSE", "2018-01-01"),
    (("patent", "edit", "201910123456.X", "--paid-through", "21"), 2, None, "--paid-through"),
    (("patent", "edit", "100002", "--title", "x"), 65, None, "no patent 100002"),
    (("patent", "edit", "201910123456.X", "--open-license", "2024-08-01", "--clear", "open-license"), 2, None,
     "is both given and cleared"),
])
def test_edits_are_validated_as_adds_and_refusals_write_nothing(portfolio, invoke, register, args, code, rule, named):
    TRIED["edits refused"] += 1
    before = everything(register)
    assert named in refused(invoke(*args), code=code, rule=rule)
    assert everything(register) == before


@pytest.mark.parametrize("setup, edit, rule", [
    ((RENEWAL,), ("mark", "edit", "100001", "--term-start", "2016-12-11"), "R-TM-RENEWED-TERM"),
    ((RENEWAL,), ("mark", "edit", "100001", "--registered", "2016-12-11"), "R-TM-RENEWED-TERM"),
    ((RENEWAL,), ("mark", "edit", "100001", "--classes", "9"), "FEE-TM"),
    ((("transfer", "add", "100001", "--to", "X", "--filed", "2026-11-21"),),
     ("mark", "edit", "100001", "--classes", "9,35,42"), "FEE-TM"),
    ((PLEDGE,), ("mark", "edit", "100002", "--registered", "2018-05-10"), "R-TM-PLEDGE"),
    (REGISTERED_PLEDGE, ("mark", "edit", "100002", "--registered", "2018-05-10"), "R-TM-PLEDGE"),
    ((("license", "add", "100002", "--licensee", "L", "--from", "2026-01-01", "--to", "2030-05-01", "--filed",
       "2026-11-21"),), ("mark", "edit", "100002", "--registered", "2020-01-01"), "R-TM-LICENSE"),
    ((("annuity", "pay", "201910123456.X", "--year", "8", "--paid", "2026-08-20"),),
     ("patent", "edit", "201910123456.X", "--paid-through", "7"), "R-PAT-ANNUITY-DUE"),
    ((("pledge", "add", "201910123456.X", "--pledgee", "B", "--amount", "1", "--from", "2026-12-01", "--to",
       "2038-12-01", "--filed", "2026-11-21"),),
     ("patent", "edit", "201910123456.X", "--filed", "2018-06-04"), "R-PAT-PLEDGE"),
])
def test_edits_that_would_contradict_filings_are_refused(portfolio, invoke, register, setup, edit, rule):
    TRIED["edits refused"] += 1
    for command in setup:
        ok(portfolio(*command))
    before = everything(register)
    refused(invoke(*edit), rule=rule)
    assert everything(register) == before


@pytest.mark.parametrize("edit", [
    ("mark", "edit", "100001", "--name", "ACME 新"),
    ("mark", "edit", "100001", "--classes", "9,35", "--kind", "collective", "--window", "W2"),
    ("patent", "edit", "201910123456.X", "--paid-through", "9"),
])
def test_harmless_edits_beside_open_filings_pass(portfolio, edit):
    TRIED["edits made"] += 1
    ok(portfolio(*RENEWAL))
    ok(portfolio("annuity", "pay", "201910123456.X", "--year", "8", "--paid", "2026-08-20"))
    ok(portfolio(*edit))


def test_an_owner_corrected_beside_an_open_filing_is_warned_about(portfolio):
    TRIED["edits made"] += 1
    ok(portfolio("transfer", "add", "100003", "--to", "X", "--filed", "2026-11-21"))
    result = portfolio("mark", "edit", "100003", "--owner", "乙有限公司")
    assert ok(result)["owner"] == "乙有限公司"
    assert "ipcli: warning: 100003: the open filings #1 keep the owner they were received with\n" in result.stderr


# remove: only what nothing refers to, or --force

def test_remove_is_journaled_with_the_whole_right(portfolio, invoke):
    removed = portfolio("mark", "remove", "100003")
    assert ok(removed)["reg_no"] == "100003" and removed.stderr == "mark 100003 removed\n"
    entry = ok(invoke("log", "--limit", "1", "--format", "json"))[0]
    assert (entry["record_type"], entry["record_id"], entry["after"]) == ("mark", "100003", None)
    assert entry["before"]["name"] == "Other" and entry["before"]["created_at"]
    assert refused(invoke("mark", "show", "100003"))


@pytest.mark.parametrize("setup, force, rule_text", [
    ((RENEWAL,), False, "give --force"),
    ((RENEWAL, ("filing", "set-status", "1", "withdrawn")), False, "give --force"),  # history refers to it too
    (REGISTERED_PLEDGE, True, "which is registered"),
    ((("notice", "add", "100002", "--kind", "correction", "--dispatched", "2026-11-01", "--served", "paper"),),
     True, "which is open"),
    ((("license", "add", "100002", "--licensee", "L", "--from", "2026-01-01", "--to", "2027-01-01", "--filed",
       "2026-11-21"), ACCEPT_1), True, "which is recorded"),
])
def test_remove_is_refused_while_something_refers_to_the_right(portfolio, invoke, register, setup, force, rule_text):
    TRIED["removals refused"] += 1
    for command in setup:
        ok(portfolio(*command))
    right = "100001" if setup[0] == RENEWAL else "100002"
    before = everything(register)
    message = refused(invoke("mark", "remove", right, *(["--force"] if force else [])), rule="REMOVE-REFERENCED")
    assert rule_text in message
    assert everything(register) == before


def test_remove_force_withdraws_the_open_filings_first(portfolio):
    ok(portfolio(*RENEWAL))
    ok(portfolio("pledge", "add", "100001", "--pledgee", "B", "--amount", "1", "--from", "2026-11-21", "--to",
                 "2026-12-01", "--filed", "2026-11-21"))
    result = portfolio("mark", "remove", "100001", "--force")
    assert ok(result)["reg_no"] == "100001"
    assert result.stderr == ("ipcli: warning: filing #1 (renewal) withdrawn\n"
                             "ipcli: warning: filing #2 (pledge) withdrawn\n"
                             "mark 100001 removed\n")
    assert [f["status"] for f in ok(portfolio("filing", "list"))] == ["withdrawn", "withdrawn"]
    assert [p["status"] for p in ok(portfolio("pledge", "list"))] == ["void"]


# the migration, from the schema before it

@pytest.mark.sqlite_only("an older schema: a PostgreSQL register starts at the current one")
def test_the_journal_of_an_older_register_gains_invocations_and_its_old_entries_are_not_reverted(register, invoke):
    import sqlite_utils

    older = sqlite_utils.Database(register)  # a path: SQLite only
    MIGRATIONS.apply(older, stop_before="m011_journal_invocations")
    older.execute("INSERT INTO journal (at, operator, command, record_type, record_id, before, after) VALUES "
                  "('2026-01-01T00:00:00+00:00', '甲', 'ipcli mark edit', 'mark', '5', '{\"name\": \"a\"}', "
                  "'{\"name\": \"b\"}')")
    older.conn.commit()
    older.conn.close()
    refused(invoke("undo", "--yes", env=_as("甲")), rule="JOURNAL-IRREVERSIBLE")
    (old,) = journal(register)  # migrated: the new columns, empty
    assert (old["invocation"], old["revertible"]) == (None, 0)
    ok(invoke("mark", "add", "5", "--registered", "2020-01-01", "--classes", "9", "--format", "json",
              env=_as("甲")))
    new = journal(register)[-1]
    assert new["invocation"] and new["revertible"] == 1
    ok(invoke("undo", "--yes", "--format", "json", env=_as("甲")))
    assert ok(invoke("mark", "list", "--format", "json")) == []
