"""Issue 17 §4, safe for cron and for people looking: a read command on a missing register exits 78 and
creates nothing, `ipcli init`, every refusal with a rule id, timestamps with the Asia/Shanghai offset, `|
head` exiting 141, the digest looking without using up reminders, batches of one window, and statistics
that count a filing as done once accepted."""

import ast
import json
import os
import re
import shutil
import stat
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import ipcli
from ipcli.access import ACCESS, NONE, READ, WRITE
from ipcli.cli import cli
from ipcli.clock import in_shanghai
from ipcli.db.location import register_location
from ipcli.i18n import set_language
from ipcli.literal import shortened
from ipcli.rules.catalog import RULES
from tests.conftest import BASE_ENV, no_register_made, on_postgresql, register_sql, write_beside_results

IPCLI = shutil.which("ipcli")
TRIED = Counter()


@pytest.fixture(scope="module", autouse=True)
def report_cases(request):
    yield
    counts = ", ".join(f"{name} {count}" for name, count in sorted(TRIED.items()))
    write_beside_results(request, f"counter/cron cases tried: {sum(TRIED.values())} ({counts})")


def as_json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def one_error_line(result, code: int) -> str:
    assert result.exit_code == code, result.stderr
    assert result.stdout == "" and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


def command_names(command=cli, path=()) -> list[str]:
    """Every command a user can run: the leaves, and a group that runs without a subcommand (log)."""
    if not isinstance(command, click.Group):
        return [" ".join(path)]
    ctx = click.Context(command)
    own = [" ".join(path)] if path and command.invoke_without_command else []
    return own + [name for sub in command.list_commands(ctx)
                  for name in command_names(command.get_command(ctx, sub), (*path, sub))]


# Every command classified in one place


def test_every_command_is_classified_as_read_write_or_none():
    names = command_names()
    assert sorted(names) == sorted(ACCESS), "classify each command in ipcli/access.py"
    assert set(ACCESS.values()) == {READ, WRITE, NONE}


# The arguments a read command needs to run at all (its register aside).
READ_ARGS = {
    "batch list": [], "batch show": ["20261121-renewal-000000"], "calendar status": [],
    "db backup": ["{tmp}/copy.db"], "db check": [], "deadlines": ["--check"], "digest": [], "expiries": [],
    "filing list": [], "filing show": ["1"], "log": [], "mark list": [], "mark show": ["12345678"],
    "notice list": [], "patent list": [], "patent show": ["200910012345.8"], "pledge list": [],
    "report": ["--from", "2026-01-01", "--to", "2026-11-21", "--out", "{tmp}/report.html"], "stats": [],
    "window list": [],
}


def test_the_read_commands_tried_are_all_of_them():
    assert sorted(READ_ARGS) == sorted(name for name, access in ACCESS.items() if access == READ)


def run_in(directory: Path, *args, env=None):
    runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": None, "XDG_CONFIG_HOME": str(directory / "config"),
                            "HOME": str(directory / "home"), **(env or {})})
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, prog_name="ipcli")


@pytest.mark.parametrize("name", sorted(READ_ARGS))
@pytest.mark.parametrize("where", ["missing", "under a missing directory", "empty file"])
def test_a_read_command_on_a_missing_register_exits_78_and_creates_nothing(tmp_path, name, where):
    TRIED["read commands without a register"] += 1
    root = tmp_path / "root"
    root.mkdir()
    register = {"missing": root / "r.db", "under a missing directory": root / "new" / "dir" / "r.db",
                "empty file": root / "r.db"}[where]
    if where == "empty file":
        register.touch()
    args = [arg.replace("{tmp}", str(root)) for arg in READ_ARGS[name]]
    line = one_error_line(run_in(tmp_path, "--db", register, *name.split(), *args), 78)
    assert f"no register at {shortened(str(register.absolute()))}: create one with `ipcli init`" in line
    assert "`ipcli sample load`" in line and "`ipcli mark import FILE`" in line and "`ipcli db restore BACKUP`" in line
    left = sorted(p.name for p in root.iterdir())
    assert left == (["r.db"] if where == "empty file" else [])
    assert not (tmp_path / "config").exists() and not (tmp_path / "home").exists()


@pytest.mark.parametrize("name", sorted(READ_ARGS))
def test_a_read_command_where_no_register_is_exits_78_and_creates_nothing(tmp_path, no_register, name):
    """On each backend: an SQLite file not made yet, a PostgreSQL database without ipcli's tables."""
    TRIED["read commands without a register"] += 1
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in READ_ARGS[name]]
    line = one_error_line(run_in(tmp_path, "--db", no_register, *name.split(), *args), 78)
    shown = shortened(str(register_location(no_register)))
    assert f" {shown}: create one with `ipcli init`" in line and "`ipcli db restore " in line
    assert "`ipcli sample load`" in line and "`ipcli mark import FILE`" in line
    assert no_register_made(no_register) and sorted(tmp_path.iterdir()) == []  # nor its copy, report or settings


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_plain_deadlines_without_a_register_points_to_the_quick_start(tmp_path, lang):
    TRIED["read commands without a register"] += 1
    line = one_error_line(run_in(tmp_path, "--lang", lang, "deadlines"), 78)
    default = tmp_path / "config" / "ipcli" / "ipcli.db"
    assert shortened(str(default)) in line and "ipcli --db demo.db sample load" in line and "ipcli init" in line
    assert ("Quick start" in line) == (lang == "en") and ("快速上手" in line) == (lang == "zh")
    assert sorted(tmp_path.iterdir()) == []


@pytest.fixture
def new_register(no_register, tmp_path):
    """Where `ipcli init` or a first write makes a register, on each backend: an SQLite file in a directory
    not made yet, or a PostgreSQL database without ipcli's tables."""
    return no_register if on_postgresql(no_register) else str(tmp_path / "new" / "r.db")


def private(register: str) -> bool:
    """Whether the register is its owner's alone: an SQLite file of mode 0600 (a database's grants are the
    server administrator's)."""
    return on_postgresql(register) or stat.S_IMODE(Path(register).stat().st_mode) == 0o600


def test_a_write_command_creates_the_register_as_before(tmp_path, new_register):
    result = run_in(tmp_path, "--db", new_register, "-q", "mark", "add", "12345678", "--registered", "2016-12-10",
                    "--classes", "9")
    assert result.exit_code == 0, result.stderr
    assert not no_register_made(new_register) and private(new_register)


def test_a_read_command_on_an_existing_register_still_works(tmp_path, new_register):
    register = new_register
    assert run_in(tmp_path, "--db", register, "-q", "init").exit_code == 0
    result = run_in(tmp_path, "--db", register, "mark", "list", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_init_creates_a_private_register_once(tmp_path, new_register):
    register = new_register
    first = run_in(tmp_path, "--db", register, "init", "--format", "json")
    assert as_json(first) == {"path": register, "created": True} and first.stderr == ""
    assert not no_register_made(register) and private(register)
    assert run_in(tmp_path, "--db", register, "-q", "mark", "add", "12345678", "--registered", "2016-12-10",
                  "--classes", "9").exit_code == 0
    again = run_in(tmp_path, "--db", register, "init", "--format", "json")
    assert as_json(again) == {"path": register, "created": False}
    assert again.stderr == f"a register already exists at {register}; left as it is\n"
    marks = run_in(tmp_path, "--db", register, "mark", "list", "--format", "json")
    assert [mark["reg_no"] for mark in as_json(marks)] == ["12345678"]
    assert run_in(tmp_path, "--db", register, "-q", "init").stderr == ""


def test_init_on_a_file_that_is_no_register_exits_74_and_keeps_it(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("not a register\n", encoding="utf-8")
    one_error_line(run_in(tmp_path, "--db", other, "init"), 74)
    assert other.read_text(encoding="utf-8") == "not a register\n"


CRON_ENV = {"PATH": os.environ["PATH"], "PYTHONUTF8": "1"}  # cron's environment: no LANG, no IPCLI_*


def test_a_cron_job_with_a_wrong_path_exits_78_and_creates_nothing(tmp_path):
    """As cron runs it: a real process, its minimal environment, the path typed wrong."""
    if Path("/wrong").exists():
        pytest.skip("/wrong exists on this machine")
    for register in ("/wrong/path", str(tmp_path / "wrong" / "path")):
        TRIED["cron runs"] += 1
        result = subprocess.run([IPCLI, "--db", register, "deadlines", "--check"], capture_output=True, text=True,
                                env={**CRON_ENV, "HOME": str(tmp_path)}, timeout=60)
        assert result.returncode == 78, result.stderr
        assert result.stdout == "" and result.stderr.count("\n") == 1
        assert result.stderr.startswith(f"ipcli: error: no register at {register}: create one with `ipcli init`")
    assert not Path("/wrong").exists() and sorted(tmp_path.iterdir()) == []


# Every refusal (exit 65) ends with a rule id that the catalog knows


def refusal_calls():
    """(file, line, call) of every Rejected(...) and NotFound(...) made in ipcli."""
    root = Path(ipcli.__file__).parent
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Rejected", "NotFound"):
                yield path.relative_to(root.parent), node.lineno, node


RULE_ID = re.compile(r"[A-Z]+(-[A-Z0-9]+)+")


def rule_ids_in_code() -> set[str]:
    """Every rule id given as a rule= argument, or in a value assigned to a name ending in RULE or RULES
    (outside the catalog itself)."""
    root, found = Path(ipcli.__file__).parent, set()
    for path in set(root.rglob("*.py")) - {root / "rules" / "catalog.py"}:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values = []
            if isinstance(node, ast.keyword) and node.arg == "rule":
                values = [node.value]
            elif isinstance(node, ast.Assign) and any(getattr(target, "id", "").endswith(("_RULE", "_RULES"))
                                                      for target in node.targets):
                values = [node.value]
            found |= {leaf.value for value in values for leaf in ast.walk(value)
                      if isinstance(leaf, ast.Constant) and RULE_ID.fullmatch(str(leaf.value))}
    return found


def test_every_refusal_names_its_rule():
    calls = list(refusal_calls())
    TRIED["refusals checked for a rule id"] += len(calls)
    missing = [f"{path}:{line}" for path, line, call in calls if not any(k.arg == "rule" for k in call.keywords)]
    assert len(calls) > 90 and missing == []


def test_every_rule_id_used_is_in_the_catalog():
    used = rule_ids_in_code()
    TRIED["rule ids checked in the catalog"] += len(used)
    assert {"FILING-OPEN", "RIGHT-UNKNOWN", "FILING-OWNERS", "IMPORT-FORMAT", "R-TM-GRACE"} <= used
    assert sorted(used - set(RULES)) == []


@pytest.fixture
def two_owners(invoke):
    for reg_no, owner in (("12345678", "甲公司"), ("12345679", "乙公司")):
        invoke("-q", "mark", "add", reg_no, "--registered", "2016-12-10", "--classes", "9", "--owner", owner)


@pytest.mark.parametrize("args, rule", [
    (["renew", "add", "555", "--filed", "2026-11-20"], "RIGHT-UNKNOWN"),
    (["mark", "show", "555"], "RIGHT-UNKNOWN"),
    (["patent", "show", "200910012345.8"], "RIGHT-UNKNOWN"),
    (["transfer", "add", "12345678", "12345679", "--to", "丙公司", "--filed", "2026-11-20"], "FILING-OWNERS"),
    (["transfer", "add", "12345678", "12345678", "--to", "丙公司", "--filed", "2026-11-20"], "FILING-RIGHT-TWICE"),
    (["annuity", "pay", "12345678", "--year", "1", "--paid", "2026-11-20"], "FILING-RIGHT-TYPE"),
    (["license", "add", "12345678", "--licensee", "丁", "--from", "2026-12-01", "--to", "2026-11-01", "--filed",
      "2026-11-20"], "FILING-TERM"),
    (["filing", "show", "99"], "FILING-UNKNOWN"),
    (["filing", "set-status", "99", "ready"], "FILING-UNKNOWN"),
    (["pledge", "release", "7", "--on", "2026-11-20"], "PLEDGE-UNKNOWN"),
    (["notice", "done", "7"], "NOTICE-UNKNOWN"),
    (["window", "set-default", "NOWHERE"], "WINDOW-UNKNOWN"),
    (["window", "add", "a b", "--name", "x"], "WINDOW-CODE"),
    (["batch", "show", "20261121-renewal-000000"], "BATCH-UNKNOWN"),
    (["mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9"], "RIGHT-EXISTS"),
    (["sample", "load"], "SAMPLE-NEW-REGISTER"),
])
def test_refusals_end_with_their_rule_id(invoke, two_owners, args, rule):
    TRIED["refusals run"] += 1
    line = one_error_line(invoke("-q", *args), 65)
    assert line.rstrip().endswith(f"[{rule}]")


def test_a_second_open_filing_of_the_same_type_names_filing_open(invoke, two_owners):
    TRIED["refusals run"] += 1
    transfer = ("-q", "transfer", "add", "12345678", "--to", "丙公司", "--filed", "2026-11-20")
    assert invoke(*transfer).exit_code == 0
    line = one_error_line(invoke(*transfer), 65)
    assert line.rstrip().endswith("[FILING-OPEN]")


def test_project_rules_are_explained_like_statutory_ones():
    rule = RULES["FILING-OPEN"]
    assert rule.confidence == "project decision" and "one open filing" in rule.citation


# `ipcli ... | head` exits 141, as the README says: a real pipe, a real process


@pytest.fixture(scope="module")
def big_register(module_registers, tmp_path_factory):
    """A register of 3,000 marks, on each backend: every listing of it is far longer than a pipe holds (64
    KiB); and a directory of its own for the files of the runs (their home, their stderr)."""
    directory = tmp_path_factory.mktemp("big")
    marks = directory / "marks.csv"
    marks.write_text("reg_no,classes,registered_on,name,owner\n" + "".join(
        f"{20000000 + i},9;35,2016-0{1 + i % 9}-1{i % 9},商标{i},权利人{i % 40}\n" for i in range(3000)),
        encoding="utf-8")
    register = module_registers()
    result = subprocess.run([IPCLI, "--db", register, "-q", "mark", "import", marks], capture_output=True, text=True,
                            env={**CRON_ENV, "HOME": str(directory)}, timeout=120)
    assert result.returncode == 0, result.stderr
    return register, directory


def piped(big_register, command: str, reader: str = "head -n 1", unbuffered: bool = False):
    """Run `ipcli ... | reader` in bash with pipefail: (ipcli's exit code, its stderr)."""
    register, directory = big_register
    env = {**CRON_ENV, "HOME": str(directory), "IPCLI_DB": register, "IPCLI_TODAY": "2026-11-21",
           "IPCLI_LANG": "en", "ERR": str(directory / "stderr.txt")}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    script = f'{IPCLI} {command} 2>"$ERR" | {reader} >/dev/null; echo "${{PIPESTATUS[0]}}"'
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120)
    return int(result.stdout), Path(env["ERR"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
@pytest.mark.parametrize("command", ["mark list --format tsv", "mark list --format csv", "mark list --format json",
                                     "mark list --format jsonl", "mark list --format table",
                                     "--color always mark list", "-q deadlines --days 3650 --format ics",
                                     "-q deadlines --days 3650 --format tsv"])
def test_a_closed_pipe_exits_141_without_a_word(big_register, command, unbuffered):
    TRIED["closed pipes"] += 1
    code, stderr = piped(big_register, command, unbuffered=unbuffered)
    assert (code, stderr) == (141, "")


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_a_reader_that_takes_everything_leaves_exit_0(big_register, unbuffered):
    TRIED["closed pipes"] += 1
    assert piped(big_register, "mark list --format tsv", reader="wc -l", unbuffered=unbuffered) == (0, "")


# The digest: looking uses up nothing; each clerk or client gets their part, most urgent first


def digest_log(register) -> list[tuple]:
    return register_sql(register, "SELECT right_no, step, channel FROM digest_log ORDER BY id")


@pytest.fixture
def clerk_marks(invoke):
    """Marks of four owners at 2026-11-21: 丙's grace ended 52 days ago (its expiry 235 days ago), 乙's 12
    days ago (its expiry 196 days ago), 甲's expired 10 days ago (in grace), 丁's expires in 5 days."""
    for reg_no, registered, owner, window in (("30000001", "2016-04-01", "丙", "W1"),
                                              ("30000002", "2016-05-10", "乙", "W1"),
                                              ("30000003", "2016-11-12", "甲", "W2"),
                                              ("30000004", "2016-11-27", "丁", "W2")):
        assert invoke("-q", "mark", "add", reg_no, "--registered", registered, "--classes", "9", "--owner", owner,
                      "--window", window).exit_code == 0
    return invoke


def owner_headings(text: str) -> list[str]:
    return [line.split(" (")[0].removeprefix("== ") for line in text.splitlines() if line.startswith("== ")]


def test_a_digest_to_stdout_records_nothing_unless_asked(clerk_marks, register):
    TRIED["digest runs"] += 4
    first = clerk_marks("digest")
    assert first.exit_code == 0 and "30000004" in first.stdout
    assert clerk_marks("digest").stdout == first.stdout and digest_log(register) == []
    recorded = clerk_marks("digest", "--record")
    assert recorded.stdout == first.stdout
    assert ("30000004", "7", "stdout") in digest_log(register)
    again = clerk_marks("digest", "--record")
    assert (again.stdout, again.stderr) == ("", "nothing new to report\n")


def test_record_and_dry_run_exclude_each_other(clerk_marks, register):
    TRIED["digest runs"] += 1
    line = one_error_line(clerk_marks("digest", "--dry-run", "--record"), 2)
    assert "--record" in line and "--dry-run" in line and digest_log(register) == []


def test_urgent_items_come_first_and_long_lost_ones_in_one_line(clerk_marks):
    TRIED["digest runs"] += 1
    text = clerk_marks("digest").stdout
    assert owner_headings(text) == ["甲", "乙", "丁"]  # in grace, lost 12 days ago, due in 5 days; by name: 丁 乙 甲
    assert "30000001" not in text  # lost more than 30 days ago
    assert "Of the overdue, 3 were lost more than 30 days ago and are not listed" in text
    assert text.index("-10 ") < text.index("-12 ") < text.index("2026-11-26")


def test_long_lost_items_are_summarised_in_chinese_and_in_robot_markdown(clerk_marks):
    from ipcli.register.digest import Digest, Item, render_html, render_markdown

    TRIED["digest runs"] += 1
    text = clerk_marks("--lang", "zh", "digest").stdout
    assert "已逾期事项中有 3 项在 30 天前已经失效，此处不再列出" in text and "30000001" not in text
    row = {"due_on": "2026-10-01", "days_left": -51, "kind": "mark_grace_ends", "right_type": "mark",
           "right_no": "30000001", "owner": "丙", "title": None, "rule": "R-TM-GRACE", "provisional": False,
           "filing_id": None, "window": None, "overdue_status": "lost", "late_fee_rate_pct": None, "late_fee": None}
    digest = Digest(date(2026, 11, 21), 90, (90, 30, 7), [Item(row, "overdue", ("k",))])
    set_language("en")
    assert "were lost more than 30 days ago" in render_markdown(digest, 4096)
    assert "30000001" not in render_markdown(digest, 4096) and "30000001" not in render_html(digest, "en")


@pytest.mark.parametrize("args, owners", [
    (["--owner", "甲"], ["甲"]),
    (["--owner", "丁", "--owner", "乙"], ["乙", "丁"]),
    (["--window", "W2"], ["甲", "丁"]),
    (["--window", "W1", "--owner", "乙"], ["乙"]),
    (["--window", "W1", "--owner", "甲"], []),
])
def test_each_clerk_or_client_gets_only_their_part(clerk_marks, register, args, owners):
    TRIED["digest runs"] += 1
    result = clerk_marks("digest", "--record", *args)
    assert result.exit_code == 0 and owner_headings(result.stdout) == owners
    sent = {right_no for right_no, _, _ in digest_log(register)}
    mine = {"丙": "30000001", "乙": "30000002", "甲": "30000003", "丁": "30000004"}
    assert sent == {mine[owner] for owner in owners} | ({"30000001"} if "丙" in owners else set())


def test_deadlines_take_several_owners_too(clerk_marks):
    rows = as_json(clerk_marks("deadlines", "--owner", "甲", "--owner", "丁", "--overdue", "--format", "json"))
    assert {row["owner"] for row in rows} == {"甲", "丁"}


def test_every_missing_smtp_setting_is_named_at_once(clerk_marks, register):
    TRIED["digest runs"] += 2
    bare = {"IPCLI_SMTP_HOST": None, "IPCLI_MAIL_FROM": None, "IPCLI_SMTP_USER": None, "IPCLI_SMTP_PASSWORD": None}
    line = one_error_line(clerk_marks("digest", "--to", "clerk@example.cn", env=bare), 78)
    assert line == "ipcli: error: e-mail delivery needs settings that are not set: IPCLI_SMTP_HOST, IPCLI_MAIL_FROM\n"
    line = one_error_line(clerk_marks("digest", "--to", "clerk@example.cn",
                                      env={**bare, "IPCLI_SMTP_USER": "clerk", "IPCLI_MAIL_FROM": "a@example.cn"}), 78)
    assert line.endswith("not set: IPCLI_SMTP_HOST, IPCLI_SMTP_PASSWORD\n") and digest_log(register) == []


# batch export: the window of this machine, and one window per batch


@pytest.fixture
def two_windows(invoke):
    """Ready renewals received at W1 (two) and at W2 (one), with W1 and W2 registered windows."""
    for code in ("W1", "W2"):
        assert invoke("-q", "window", "add", code, "--name", f"窗口{code}").exit_code == 0
    for reg_no, window in (("12345671", "W1"), ("12345672", "W1"), ("12345673", "W2")):
        assert invoke("-q", "mark", "add", reg_no, "--registered", "2016-12-10", "--classes", "9").exit_code == 0
        filing = as_json(invoke("renew", "add", reg_no, "--filed", "2026-11-20", "--window", window, "--format",
                                "json"))
        assert invoke("-q", "filing", "set-status", filing["id"], "ready").exit_code == 0
    return invoke


def exported(invoke, out: Path, *args, env=None) -> tuple[str, list[str]]:
    """(the manifest's window, the registration numbers of the items) of one export."""
    summary = as_json(invoke("batch", "export", "--type", "renewal", "--out", out, *args, "--format", "json",
                             env=env))
    document = json.loads(Path(summary["file"]).read_text(encoding="utf-8"))
    return document["manifest"]["window"], sorted(item["mark"]["reg_no"] for item in document["items"])


def ready_renewals(invoke) -> int:
    return len(as_json(invoke("filing", "list", "--type", "renewal", "--status", "ready", "--format", "json")))


def test_filings_of_several_windows_are_not_mixed_without_a_window(two_windows, tmp_path):
    TRIED["batch exports"] += 1
    line = one_error_line(two_windows("batch", "export", "--type", "renewal", "--out", tmp_path / "out"), 65)
    assert "several windows (W1, W2)" in line and "--all-windows" in line and line.rstrip().endswith("[BATCH-WINDOWS]")
    assert not (tmp_path / "out").exists() and ready_renewals(two_windows) == 3


@pytest.mark.parametrize("args, env, default, expected", [
    (["--window", "W1"], {}, None, ("W1", ["12345671", "12345672"])),
    ([], {"IPCLI_WINDOW": "W2"}, None, ("W2", ["12345673"])),
    ([], {}, "W1", ("W1", ["12345671", "12345672"])),
    ([], {"IPCLI_WINDOW": "W2"}, "W1", ("W2", ["12345673"])),
    (["--window", "W1"], {"IPCLI_WINDOW": "W2"}, "W2", ("W1", ["12345671", "12345672"])),
    (["--all-windows"], {}, None, (None, ["12345671", "12345672", "12345673"])),
    (["--all-windows"], {}, "W2", ("W2", ["12345671", "12345672", "12345673"])),
], ids=["--window", "IPCLI_WINDOW", "default", "IPCLI_WINDOW over default", "--window over both", "all",
        "all from the default"])
def test_the_window_comes_from_the_option_the_environment_or_the_default(two_windows, tmp_path, args, env, default,
                                                                         expected):
    TRIED["batch exports"] += 1
    if default:
        assert two_windows("-q", "window", "set-default", default).exit_code == 0
    assert exported(two_windows, tmp_path / "out", *args, env=env) == expected
    assert ready_renewals(two_windows) == 3 - len(expected[1])


def test_the_filings_of_one_window_need_no_window(two_windows, tmp_path):
    TRIED["batch exports"] += 2
    exported(two_windows, tmp_path / "w2", "--window", "W2")
    assert exported(two_windows, tmp_path / "out") == (None, ["12345671", "12345672"])


def test_a_window_and_all_windows_exclude_each_other(two_windows, tmp_path):
    TRIED["batch exports"] += 1
    line = one_error_line(two_windows("batch", "export", "--type", "renewal", "--window", "W1", "--all-windows",
                                      "--out", tmp_path / "out"), 2)
    assert "--window" in line and "--all-windows" in line and ready_renewals(two_windows) == 3


# stats and report: a pledge, licence, transfer or renewal is done once accepted


def accept(invoke, filing_id: int) -> None:
    for status in ("ready", "exported", "submitted", "accepted"):
        assert invoke("-q", "filing", "set-status", filing_id, status).exit_code == 0


@pytest.fixture
def financings(invoke):
    """Two pledges received in 2026, one accepted (3,000,000 CNY), one not (2,000,000); one licence, accepted."""
    for reg_no in ("20000001", "20000002"):
        assert invoke("-q", "mark", "add", reg_no, "--registered", "2020-01-01", "--classes", "9",
                      "--owner", "甲公司").exit_code == 0
    pledged = [as_json(invoke("pledge", "add", reg_no, "--pledgee", "某银行", "--amount", amount, "--from", "2026-11-01",
                              "--to", "2027-10-31", "--filed", "2026-11-20", "--format", "json"))["id"]
               for reg_no, amount in (("20000001", "3000000"), ("20000002", "2000000"))]
    accept(invoke, pledged[0])
    licence = as_json(invoke("license", "add", "20000001", "--licensee", "乙公司", "--from", "2026-11-01", "--to",
                             "2027-10-31", "--filed", "2026-11-20", "--amount", "500000", "--pledgee-consent",
                             "--format", "json"))
    accept(invoke, licence["id"])
    return invoke


def test_the_sentence_counts_as_done_only_what_was_registered(financings):
    TRIED["statistics"] += 2
    text = financings("stats", "--summary").stdout
    assert ("Pledge financings: 2 received, 1 of them registered, 3 million CNY secured "
            "(trademark pledge registrations 1, worth 3 million CNY).") in text
    assert "Licence recordals: 1, 500,000 CNY in contract amounts (trademark licence recordals 1" in text
    zh = financings("--lang", "zh", "stats", "--summary").stdout
    assert "质押融资受理2件，其中已登记1件，担保金额300万元（商标质押登记1笔，金额300万元）" in zh
    assert "许可备案1件，合同金额50万元" in zh


def test_the_figures_and_rows_count_the_registered(financings):
    TRIED["statistics"] += 2
    figures = as_json(financings("stats", "--summary", "--format", "json"))
    assert (figures["pledges"], figures["pledges_registered"], figures["pledge_amount"]) == (2, 1, 3000000)
    assert (figures["mark_pledges"], figures["mark_pledge_amount"]) == (1, 3000000)
    assert (figures["licenses"], figures["licenses_registered"], figures["license_amount"]) == (1, 1, 500000)
    rows = {row["type"]: row for row in as_json(financings("stats", "--by", "type", "--format", "json"))}
    assert (rows["pledge"]["filings"], rows["pledge"]["accepted"], rows["pledge"]["amount"]) == (2, 1, 3000000)


def test_the_report_says_it_too(financings, tmp_path):
    TRIED["statistics"] += 1
    out = tmp_path / "report.html"
    assert financings("--lang", "zh", "-q", "report", "--from", "2026-01-01", "--to", "2026-11-21", "--out",
                      out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "质押融资受理2件，其中已登记1件，担保金额300万元" in html and "质押融资担保金额（已登记1笔）" in html


# Every timestamp with the Asia/Shanghai offset; those stored in UTC before stay valid instants

STAMPED = {"journal": "at", "marks": "created_at", "filings": "created_at", "windows": "created_at",
           "digest_log": "sent_at", "batches": "recorded_at", "calendar_years": "imported_at", "notices": "created_at"}
HOLIDAYS_2027 = {"year": 2027, "papers": [], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": True}]}


def test_every_stored_timestamp_has_the_shanghai_offset(two_windows, register, tmp_path):
    two_windows("-q", "notice", "add", "12345671", "--kind", "correction", "--dispatched", "2026-11-01", "--served",
                "electronic")
    exported(two_windows, tmp_path / "out", "--window", "W1")
    assert two_windows("-q", "digest", "--record").exit_code == 0
    holidays = tmp_path / "2027.json"
    holidays.write_text(json.dumps(HOLIDAYS_2027), encoding="utf-8")
    assert two_windows("-q", "calendar", "import", holidays).exit_code == 0
    for table, column in STAMPED.items():
        stamps = [stamp for stamp, in register_sql(register, f"SELECT {column} FROM {table}")]
        TRIED["timestamps stored"] += len(stamps)
        assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", s) for s in stamps), table
    assert {updated for updated, in register_sql(register, "SELECT updated_at FROM marks")} != set()
    shown = [entry["at"] for entry in as_json(two_windows("log", "--limit", "1000", "--format", "json"))]
    shown += [batch["created_at"] for batch in as_json(two_windows("batch", "list", "--format", "json"))]
    status = as_json(two_windows("calendar", "status", "--format", "json"))
    shown += [year["imported_at"] for year in status["imported"]]
    TRIED["timestamps shown"] += len(shown)
    assert all(stamp.endswith("+08:00") for stamp in shown)


def test_a_timestamp_stored_in_utc_is_shown_as_the_same_instant_in_shanghai(invoke, register):
    invoke("-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9")
    register_sql(register, "UPDATE journal SET at = '2026-11-20T23:30:00+00:00'")
    (entry,) = as_json(invoke("log", "--format", "json"))
    assert entry["at"] == "2026-11-21T07:30:00+08:00"


@pytest.mark.parametrize("stored, shown", [
    ("2026-11-20T23:30:00+00:00", "2026-11-21T07:30:00+08:00"),
    ("2026-11-20T23:30:00Z", "2026-11-21T07:30:00+08:00"),
    ("2026-11-21T07:30:00+08:00", "2026-11-21T07:30:00+08:00"),
    ("2026-11-21T00:30:00-05:00", "2026-11-21T13:30:00+08:00"),
    ("2026-11-21T07:30:00", "2026-11-21T07:30:00"), ("not a time", "not a time"), (None, None),
])
def test_stored_timestamps_are_shown_in_shanghai_time(stored, shown):
    TRIED["timestamps shown"] += 1
    assert in_shanghai(stored) == shown


def test_batches_recorded_in_utc_and_in_shanghai_time_are_listed_in_order(two_windows, register, tmp_path):
    first = as_json(two_windows("batch", "export", "--type", "renewal", "--window", "W1", "--out", tmp_path,
                                "--format", "json"))["batch_id"]
    second = as_json(two_windows("batch", "export", "--type", "renewal", "--window", "W2", "--out", tmp_path,
                                 "--format", "json"))["batch_id"]
    # 10:00 in Shanghai is 02:00 UTC, before 03:00 UTC
    register_sql(register, "UPDATE batches SET recorded_at = '2026-11-21T03:00:00+00:00' WHERE id = ?", first)
    register_sql(register, "UPDATE batches SET recorded_at = '2026-11-21T10:00:00+08:00' WHERE id = ?", second)
    listed = as_json(two_windows("batch", "list", "--format", "json"))
    assert [batch["batch_id"] for batch in listed] == [second, first]
    shown = as_json(two_windows("batch", "show", first, "--format", "json"))["recorded_at"]
    assert shown == "2026-11-21T11:00:00+08:00"


@pytest.mark.sqlite_only("the safety copy is a file beside the register's; a restore on PostgreSQL loads into an "
                         "empty register (--from-sqlite) and keeps none")
def test_the_safety_copy_of_a_restore_is_named_in_shanghai_time(invoke, db_path, tmp_path):
    invoke("-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9")
    assert invoke("-q", "db", "backup", tmp_path / "copy.db").exit_code == 0
    restored = as_json(invoke("db", "restore", tmp_path / "copy.db", "--format", "json"))
    assert re.fullmatch(r"ipcli\.db\.before-restore-\d{8}T\d{6}\+0800", Path(restored["safety_copy"]).name)


# the default window: a setting of this machine, not of the register


def test_the_default_window_is_kept_in_this_machines_settings_file(invoke, register, tmp_path, monkeypatch):
    config = tmp_path / "machine-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    assert invoke("-q", "window", "add", "W1", "--name", "窗口W1").exit_code == 0
    assert invoke("-q", "window", "set-default", "W1").exit_code == 0
    settings = config / "ipcli" / "settings.json"
    assert json.loads(settings.read_text(encoding="utf-8")) == {"default_window": "W1"}
    assert stat.S_IMODE((config / "ipcli").stat().st_mode) == 0o700 and stat.S_IMODE(settings.stat().st_mode) == 0o600
    assert register_sql(register, "SELECT value FROM settings WHERE key = 'default_window'") == []
    assert invoke("-q", "window", "set-default", "--clear").exit_code == 0
    assert json.loads(settings.read_text(encoding="utf-8")) == {}


@pytest.mark.sqlite_only("only an SQLite register kept a default window, before it became a setting of the machine")
def test_a_default_stored_in_an_older_register_keeps_working_until_set_again(two_windows, register, tmp_path):
    register_sql(register, "INSERT INTO settings (key, value) VALUES ('default_window', 'W2')")
    assert exported(two_windows, tmp_path / "old") == ("W2", ["12345673"])
    assert two_windows("-q", "window", "set-default", "W1").exit_code == 0
    assert register_sql(register, "SELECT value FROM settings WHERE key = 'default_window'") == []
    assert exported(two_windows, tmp_path / "new") == ("W1", ["12345671", "12345672"])


def test_a_broken_settings_file_is_a_configuration_error(invoke, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    (tmp_path / "c" / "ipcli").mkdir(parents=True)
    (tmp_path / "c" / "ipcli" / "settings.json").write_text('{"default_window": "no code!"}', encoding="utf-8")
    assert invoke("-q", "mark", "add", "12345671", "--registered", "2016-12-10", "--classes", "9").exit_code == 0
    line = one_error_line(invoke("renew", "add", "12345671", "--filed", "2026-11-20"), 78)
    assert "settings.json: default_window 'no code!' is not a window code" in line
