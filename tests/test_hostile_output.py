"""Hostile values on their way out (issue 16, items 4, 7, 14 and 16): stored names with rich markup,
spreadsheet formulas, carriage returns, escape sequences and bidi overrides are shown literally in
every output (tables, show views, messages, warnings, digests, the HTML report); csv and tsv cells are
never formulas; command-line values that are not UTF-8, or too large a number, are usage errors
(exit 2) naming the parameter, tried over every option and argument of the command tree; a huge
value is cut in a message. The tests that read or write a register run on each backend (SQLite and
PostgreSQL). The number of cases tried per class is printed at the end of the module."""

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ipcli.cli import cli
from ipcli.context import App
from ipcli.literal import FORMULA_STARTS, neutralised, shortened, unneutralised, visible
from ipcli.output import emit, render_text

from conftest import BASE_ENV, nothing_written, on_postgresql, register_content, report_cases

TRIED = Counter()  # cases tried per class of input, printed when the module ends

FORMULAS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "\n=1", "＝1+1", "＋1",
            "－1", "＠SUM(A1)", " =1+1", "  +1", "\u3000=1", "\xa0@x", " \t-1")
MARKUP = ("[/]", "[bold red]x", "[link=https://evil.example]click[/link]", "[red", "x[/bold]", ":smile:",
          "\\[b]x", "[on red]  [/]")
# a control or invisible character, and how a terminal line shows it
CONTROLS = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b", "\x07": "\\x07", "\x08": "\\x08",
            "\x7f": "\\x7f", "\x85": "\\x85", "\x9b": "\\x9b", "\u202e": "\\u202e", "\u2066": "\\u2066",
            "\u2028": "\\u2028", "\u200f": "\\u200f"}
TERMINAL_HOSTILE = "a\nb\rc\x1b[31md\x1b]8;;https://evil.example\x07e\u202ef\x9bg\x85h"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
FORMULA_CELL = re.compile(r"(?:[\t\r\n]|\s*[=+\-@＝＋－＠])")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@pytest.fixture(scope="module", autouse=True)
def cases_tried(request):
    yield
    report_cases(request, "hostile output", TRIED)


def run_cli(db, *args, env=None):
    runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": str(db), "COLUMNS": "400", **(env or {})})
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, prog_name="ipcli")


def ok(db, *args, env=None):
    result = run_cli(db, *args, env=env)
    assert result.exit_code == 0, (args, result.stderr)
    return result


def assert_one_short_line(stderr: str, limit: int = 400) -> None:
    lines = stderr.rstrip("\n").split("\n")
    assert len(lines) == 1, stderr
    assert len(lines[0]) <= limit and not RAW_CONTROL.search(lines[0]), lines[0][:500]


# a register whose free text is hostile

HOSTILE_VALUES = FORMULAS + MARKUP + (TERMINAL_HOSTILE,)
HOSTILE_MARKS = {str(70_000_000 + index): value for index, value in enumerate(HOSTILE_VALUES)}
OPERATOR = "=HYPERLINK(\"https://evil.example\",\"x\")"
ASSIGNEE = " ＝1+1\rx"


@pytest.fixture(scope="module")
def hostile_portfolio(module_registers, tmp_path_factory) -> tuple[str, Path]:
    """The sample portfolio, plus marks whose names and owners are hostile (due in the coming weeks, so
    that deadlines, expiries and the digest show them), a window with a formula for a name, a transfer
    to a formula, a filing moved with a formula as its reason and exported, all by a formula operator; on
    each backend. The register, and the folder of the exported batch (a folder of its own, as a database
    has none)."""
    db = module_registers()
    ok(db, "sample", "load")
    env = {"IPCLI_OPERATOR": OPERATOR}
    for reg_no, value in HOSTILE_MARKS.items():
        ok(db, "-q", "mark", "add", reg_no, "--registered", "2016-12-10", "--classes", "9", "--owner", value,
           "--name", value, "--window", "ZJ-HZ", env=env)
    ok(db, "window", "add", "ZJ-HZ", "--name", "=1+1 \x1b[2J<script>alert(1)</script>", env=env)
    filing = json.loads(ok(db, "-q", "transfer", "add", "70000000", "--to", ASSIGNEE, "--filed", "2026-11-20",
                           "--format", "json", env=env).stdout)
    ok(db, "filing", "set-status", filing["id"], "ready", "--reason", "@SUM(1)", env=env)
    batch = tmp_path_factory.mktemp("hostile") / "=out"
    ok(db, "-q", "batch", "export", "--type", "transfer", "--all-windows", "--out", batch, env=env)
    return db, batch


@pytest.fixture(scope="module")
def hostile(hostile_portfolio) -> str:
    return hostile_portfolio[0]


LISTINGS = [("mark", "list"), ("mark", "show", "70000000"), ("patent", "list"), ("filing", "list"),
            ("filing", "show", "1"), ("deadlines", "--days", "90"), ("deadlines", "--overdue"),
            ("expiries", "--days", "365"), ("stats",), ("stats", "--by", "type"), ("log", "--limit", "100"),
            ("batch", "list"), ("window", "list"), ("pledge", "list"), ("notice", "list"), ("calendar", "status")]


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def tsv_cells(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.rstrip("\n").split("\n")]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
def test_no_csv_or_tsv_cell_is_a_formula(hostile, command, fmt):
    """Item 7: every text cell that a spreadsheet would take for a formula starts with a quote; numbers
    (a negative days_left) are numbers, and every row has the header's length (a CR is quoted)."""
    TRIED["formula listings"] += 1
    result = ok(hostile, "-q", *command, "--format", fmt)
    rows = (csv_cells if fmt == "csv" else tsv_cells)(result.stdout)
    assert rows and all(len(row) == len(rows[0]) for row in rows), result.stdout[:2000]
    for row in rows:
        for cell in row:
            assert not FORMULA_CELL.match(cell) or NUMBER.fullmatch(cell), (command, cell)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_formulas_are_quoted_and_numbers_dates_and_ids_kept(hostile, fmt):
    owners = {row["reg_no"]: row["owner"] for row in read(hostile, fmt, "mark", "list")}
    for reg_no, value in HOSTILE_MARKS.items():
        shown = value.translate(TSV_ESCAPES) if fmt == "tsv" else value
        expected = "'" + shown if value in FORMULAS else shown
        assert owners[reg_no] == expected
    overdue = read(hostile, fmt, "deadlines", "--overdue")
    assert any(int(row["days_left"]) < 0 for row in overdue)  # written -12, never '-12
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["due_on"]) for row in overdue)
    filings = read(hostile, fmt, "filing", "list")
    assert "'@SUM(1)" in {row["reason"] for row in filings} and "'" + OPERATOR in {row["operator"] for row in filings}
    journal = read(hostile, fmt, "log", "--limit", "100")
    assert "'" + OPERATOR in {row["operator"] for row in journal}
    stats = read(hostile, fmt, "stats")
    assert {row["window_name"] for row in stats} >= {"'=1+1 \x1b[2J<script>alert(1)</script>"}


def test_the_staff_csv_of_a_batch_neutralises_the_same_way(hostile_portfolio):
    """The batch export's staff sheet and the listings share one neutralisation: full-width signs and
    leading spaces included; the batch document keeps the name as it is."""
    _, batch = hostile_portfolio
    [sheet] = batch.glob("*.csv")
    [document] = batch.glob("*.json")
    rows = csv_cells(sheet.read_bytes().decode("utf-8-sig"))
    assert "'" + ASSIGNEE in {cell for row in rows for cell in row}
    assert not any(FORMULA_CELL.match(cell) for row in rows for cell in row)
    items = json.loads(document.read_text(encoding="utf-8"))["items"]
    assert ASSIGNEE in {item["assignee"]["name"] for item in items}


def read(db, fmt, *command) -> list[dict]:
    text = ok(db, "-q", *command, "--format", fmt).stdout
    rows = csv_cells(text) if fmt == "csv" else tsv_cells(text)
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_json_keeps_every_value_exact(hostile):
    marks = {row["reg_no"]: row for row in json.loads(ok(hostile, "mark", "list", "--format", "json").stdout)}
    lines = ok(hostile, "mark", "list", "--format", "jsonl").stdout.rstrip("\n").split("\n")
    for reg_no, value in HOSTILE_MARKS.items():
        assert marks[reg_no]["owner"] == marks[reg_no]["name"] == value
    assert {json.loads(line)["reg_no"]: json.loads(line)["owner"] for line in lines}["70000000"] == FORMULAS[0]


def test_a_carriage_return_in_a_csv_value_is_quoted():
    text = render_text([{"owner": "a\rb", "n": 1}, {"owner": "c\r\nd", "n": -5}, {"owner": "e\nf", "n": 2}], "csv")
    assert text.startswith("owner,n\n") and text.endswith("\n")
    assert csv_cells(text) == [["owner", "n"], ["a\rb", "1"], ["c\r\nd", "-5"], ["e\nf", "2"]]
    assert text.count('"') == 6


def test_tsv_escapes_carriage_returns_and_newlines():
    text = render_text([{"owner": "a\rb\nc", "note": "=1"}], "tsv")
    assert text == "owner\tnote\na\\rb\\nc\t'=1\n"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted(FORMULA_STARTS) + [" ", "\u3000", "\xa0", "a", "1", "'"]),
               max_size=6) | st.text(max_size=12))
def test_no_neutralised_text_starts_a_formula(text):
    TRIED["neutralisation property"] += 1
    result = neutralised(text)
    assert not FORMULA_CELL.match(result)
    assert result == text or result == "'" + text
    assert result == text or FORMULA_CELL.match(text.lstrip("'"))
    assert unneutralised(result) == text  # what an import reads back


@pytest.mark.parametrize("value", [-5, -0.5, 0, 12.5, "2026-11-21", "201210100006.7", "91330100MA2000001U", True,
                                   None, [1, -2], {"a": "=1"}])
def test_numbers_dates_identifiers_and_nested_values_are_not_neutralised(value):
    rows = csv_cells(render_text([{"value": value}], "csv"))
    assert not rows[1][0].startswith("'")


# tables and show views: markup and control characters shown as they are

@pytest.mark.parametrize("color", ["always", "never"])
@pytest.mark.parametrize("value", MARKUP + FORMULAS[:4])
def test_rich_markup_in_a_stored_value_is_shown_literally_in_tables(register, value, color):
    """Item 4: `[/]` crashed the rich table (MarkupError, exit 1), `[bold red]` styled it."""
    TRIED["markup"] += 1
    ok(register, "-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9", "--owner", value,
       "--name", "n")
    for command in (("mark", "list"), ("mark", "show", "12345678")):
        result = ok(register, "-q", "--color", color, *command, "--format", "table")
        plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
        assert value.strip() in plain, plain
        assert "\x1b]8;" not in result.stdout  # no live link
        if color == "never":
            assert "\x1b" not in result.stdout


def test_a_styled_value_gets_no_style(register):
    ok(register, "-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9", "--owner",
       "[bold red]x", "--name", "n")
    out = ok(register, "-q", "--color", "always", "mark", "list", "--format", "table").stdout
    assert "[bold red]x" in out and "\x1b[1;31m" not in out and "\x1b[31m" not in out


@pytest.mark.parametrize("color", [None, "always"])
def test_control_characters_in_table_cells_are_visible_escapes(hostile, color):
    """Item 16: each row stays one line, and no escape sequence reaches the terminal from a value."""
    TRIED["controls in tables"] += 2
    options = ("--color", color) if color else ()
    for command in (("mark", "list", "--owner", TERMINAL_HOSTILE), ("mark", "show", "70000024")):
        out = ok(hostile, "-q", *options, *command, "--format", "table").stdout
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert not RAW_CONTROL.search(plain), repr(plain)
        assert visible(TERMINAL_HOSTILE) in plain


@pytest.mark.parametrize("char", list(CONTROLS))
def test_each_control_character_is_escaped_in_tables_and_kept_in_json(capsys, char):
    TRIED["controls in tables"] += 1
    record = {"owner": f"x{char}y", "n": 1}
    emit([record], "table", color="never")
    assert f"x{CONTROLS[char]}y" in capsys.readouterr().out
    emit(record, "table", color="always")
    assert f"x{CONTROLS[char]}y" in capsys.readouterr().out
    assert f"x{CONTROLS[char]}y" in render_text([record], "table")
    assert json.loads(render_text([record], "json"))[0]["owner"] == f"x{char}y"


# messages and warnings

def test_a_value_in_an_error_line_is_escaped(register):
    ok(register, "init")
    result = run_cli(register, "mark", "show", TERMINAL_HOSTILE)
    assert result.exit_code == 65
    assert_one_short_line(result.stderr)
    assert visible(TERMINAL_HOSTILE) in result.stderr


@pytest.mark.parametrize("char", list(CONTROLS))
def test_each_control_character_in_a_message_is_escaped(register, char):
    TRIED["controls in messages"] += 3
    ok(register, "init")
    for args, code in ((["mark", "show", f"x{char}y"], 65), ([f"x{char}y"], 2), (["mark", "list", f"--x{char}y"], 2)):
        result = run_cli(register, *args)
        assert result.exit_code == code
        assert_one_short_line(result.stderr)
        assert f"x{CONTROLS[char]}y" in result.stderr


def test_a_warning_shows_its_values_literally(capsys):
    App(today=None).warn("warn.transfer_same_name", value="1\n2", kept="\x1b[2J", rule="R")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1\\n2" in err and "\\x1b[2J" in err and "\x1b" not in err


def test_a_file_name_in_import_problem_lines_is_escaped(register, tmp_path):
    source = tmp_path / "bad\nname\x1b[2J.csv"
    source.write_text("reg_no,classes,registered_on\n1,9,2016-02-30\n", encoding="utf-8")
    result = run_cli(register, "mark", "import", source)
    assert result.exit_code == 65
    lines = result.stderr.rstrip("\n").split("\n")
    assert len(lines) == 2 and all("bad\\nname\\x1b[2J.csv" in line for line in lines), result.stderr
    assert not RAW_CONTROL.search(result.stderr)


def test_a_file_name_in_batch_problem_lines_is_escaped(tmp_path):
    source = tmp_path / "x\u202e\rnosj.json"
    source.write_text("{}", encoding="utf-8")
    result = run_cli(tmp_path / "r.db", "batch", "validate", source)
    assert result.exit_code == 65
    assert not RAW_CONTROL.search(result.stderr) and "x\\u202e\\rnosj.json" in result.stderr


HUGE = "x" * 5000


@pytest.mark.parametrize("args", [
    ["mark", "show", HUGE], [HUGE], ["mark", HUGE], ["mark", "list", "--" + HUGE], ["mark", "list", HUGE],
    ["mark", "list", *["a"] * 3000], ["mark", "list", "--format", HUGE], ["calc", "workday", HUGE],
    ["deadlines", "--days", "9" * 5000], ["license", "add", "1", "--amount", "9" * 5000],
    ["db", "restore", "/nonexistent/" + HUGE], ["digest", "--ladder", HUGE], ["digest", "--to", HUGE],
    ["batch", "submit", "1", "--url", "http://" + HUGE], ["mark", "list", "--window", HUGE + " " + HUGE],
], ids=lambda args: " ".join(a[:12] for a in args[:3]))
def test_a_huge_value_is_cut_in_its_message(register, args):
    """Item 16: a usage error names the value in at most about 80 characters, with an ellipsis."""
    TRIED["huge values"] += 1
    result = run_cli(register, *args)
    assert result.exit_code in (0, 2, 65, 78), result.stderr[:300]
    if result.exit_code:
        assert_one_short_line(result.stderr, limit=300)
        assert "…" in result.stderr or "x" * 5 not in result.stderr, result.stderr


def test_shortened_keeps_both_ends():
    assert shortened("a" * 80) == "a" * 80
    cut = shortened("/srv/" + "d" * 200 + "/name.csv")
    assert len(cut) == 80 and cut.startswith("/srv/d") and cut.endswith("/name.csv") and "…" in cut


# the digest and the HTML report

def test_the_text_digest_shows_owners_and_names_literally(hostile):
    out = ok(hostile, "-q", "digest", "--dry-run", "--days", "90").stdout
    assert visible(TERMINAL_HOSTILE) in out and f"== {visible(TERMINAL_HOSTILE)} (" in out
    assert not RAW_CONTROL.search(out)
    assert "[bold red]x" in out


def test_the_html_report_escapes_markup_and_shows_controls(hostile, tmp_path):
    out = tmp_path / "report.html"
    ok(hostile, "-q", "report", "--from", "2026-01-01", "--to", "2026-12-31", "--window", "ZJ-HZ", "--out", out)
    text = out.read_text(encoding="utf-8")
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\x1b" not in text and "\\x1b[2J" in text


def test_ics_escapes_a_lone_carriage_return(hostile):
    out = ok(hostile, "-q", "deadlines", "--days", "90", "--format", "ics").stdout
    assert out.count("\r") == out.count("\r\n")  # every CR ends a content line


# command-line values that are not UTF-8, and numbers too large

def value_params(command, path=("ipcli",)):
    """(path, the arguments before it, param) of every option and argument that takes a value."""
    ctx = click.Context(command)
    for param in command.params:
        if isinstance(param, click.Option) and (param.is_flag or param.count):
            continue
        yield path, param
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            yield from value_params(command.get_command(ctx, name), (*path, name))


PARAMS = list(value_params(cli))


@pytest.fixture(scope="module")
def untouched(module_registers) -> str:
    """A fresh register on each backend, shared by the walks over every parameter (hundreds of cases): each
    case is refused before the register is touched, and must leave it as it was, with nothing written."""
    return module_registers()


UNDECODABLE = "caf\udce9"  # b"caf\xe9" (Latin-1) as Python decodes it from a UTF-8 command line


def invocation(path, param, value) -> list[str]:
    """The command line that gives `value` to `param` alone (earlier arguments get a plain "1")."""
    if isinstance(param, click.Option):
        return [*path[1:], param.opts[0], value]
    command = path_command(path)
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    return [*path[1:], *["1"] * arguments.index(param), value]


def path_command(path):
    command = cli
    for name in path[1:]:
        command = command.get_command(click.Context(command), name)
    return command


def param_label(param) -> str:
    return max(param.opts, key=len) if isinstance(param, click.Option) else param.human_readable_name


def test_the_walk_finds_every_kind_of_parameter():
    assert len(PARAMS) > 150
    names = {param_label(param) for _, param in PARAMS}
    assert {"--db", "--owner", "--amount", "REG_NO", "RIGHT_NO...", "PATH", "FILE|-"} <= names


@pytest.mark.parametrize("path, param", PARAMS, ids=lambda value: value if isinstance(value, str) else (
    " ".join(value) if isinstance(value, tuple) else param_label(value)))
def test_a_value_that_is_not_utf8_is_a_usage_error_naming_its_parameter(untouched, path, param):
    """Item 14: about 35 commands crashed (UnicodeEncodeError, exit 1) printing or storing such a value."""
    TRIED["not UTF-8, every parameter"] += 1
    result = run_cli(untouched, *invocation(path, param, UNDECODABLE))
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert_one_short_line(result.stderr)
    assert param_label(param) in result.stderr and "\\xe9" in result.stderr and "UTF-8" in result.stderr
    assert result.stdout == "" and nothing_written(untouched)


@pytest.mark.parametrize("name", ["IPCLI_DB", "IPCLI_WINDOW", "IPCLI_TODAY", "IPCLI_SUBMIT_URL"])
def test_an_environment_value_that_is_not_utf8_is_refused_too(register, name):
    TRIED["not UTF-8, environment"] += 1
    ok(register, "-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9")
    before = register_content(register)
    args = {"IPCLI_WINDOW": ["renew", "add", "12345678", "--filed", "2026-11-20"],
            "IPCLI_SUBMIT_URL": ["batch", "submit", "B-1"]}.get(name, ["mark", "list"])
    result = run_cli(register, *args,
                     env={name: UNDECODABLE} if name != "IPCLI_DB" else {"IPCLI_DB": register + "\udcff"})
    assert result.exit_code == 2, result.stderr
    assert_one_short_line(result.stderr)
    assert "\\x" in result.stderr and register_content(register) == before


@pytest.mark.parametrize("name, args", [
    ("IPCLI_OPERATOR", ["mark", "add", "12345679", "--registered", "2016-12-10", "--classes", "9"]),
    ("IPCLI_WINDOW", ["batch", "export", "--type", "renewal", "--out", "{tmp}/batches"]),
])
def test_a_variable_read_outside_the_options_that_is_not_utf8_is_a_configuration_error(
        register, tmp_path, name, args):
    """IPCLI_OPERATOR (stored in the journal) crashed every write with UnicodeEncodeError, exit 1."""
    TRIED["not UTF-8, environment"] += 1
    ok(register, "-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9")
    ok(register, "-q", "renew", "add", "12345678", "--filed", "2026-11-20")
    ok(register, "-q", "filing", "set-status", "1", "ready")
    before = register_content(register)
    result = run_cli(register, *[arg.format(tmp=tmp_path) for arg in args], env={name: "caf\udce9"})
    assert result.exit_code == 78, result.stderr
    assert_one_short_line(result.stderr)
    assert name in result.stderr and "\\xe9" in result.stderr and register_content(register) == before
    assert not (tmp_path / "batches").exists()


def test_mark_add_with_undecodable_bytes_used_to_crash(invoke, register):
    for args in (["mark", "add", "\udcff", "--registered", "2016-12-10", "--classes", "9"],
                 ["mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9", "--owner", "\udcff"]):
        result = invoke(*args)
        assert result.exit_code == 2 and "\\xff" in result.stderr and "Traceback" not in result.stderr
    assert nothing_written(register)


@pytest.mark.parametrize("amount", ["99999999999999999999", "1000000000000.01", "9" * 400, "1e400", "inf", "nan",
                                    "-1", "1,00"])
@pytest.mark.parametrize("command", ["license", "pledge"])
def test_an_amount_too_large_or_not_a_number_is_a_usage_error(invoke, register, amount, command):
    """A 20-digit --amount overflowed SQLite's INTEGER (OverflowError, exit 1)."""
    TRIED["numbers"] += 1
    invoke("-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9")
    before = register_content(register)
    result = invoke(command, "add", "12345678", "--amount", amount, "--licensee" if command == "license" else
                    "--pledgee", "Bank", "--from", "2026-12-01", "--to", "2027-11-30", "--filed", "2026-11-20")
    assert result.exit_code == 2, result.stderr
    assert_one_short_line(result.stderr)
    assert "--amount" in result.stderr and register_content(register) == before


def test_the_largest_amount_is_taken(invoke):
    invoke("-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9")
    result = invoke("-q", "license", "add", "12345678", "--amount", "1000000000000", "--licensee", "B", "--from",
                    "2026-11-25", "--to", "2026-12-05", "--filed", "2026-11-20", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["details"]["amount"] == 10 ** 12


NUMERIC_PARAMS = [(path, param) for path, param in PARAMS if param.type.name in ("integer", "cny", "days")]


@pytest.mark.parametrize("value", ["9" * 20, "9" * 5000, "inf", "nan", "-inf", "1e309", "²", "١٢", "0x10", " ", ""])
def test_no_numeric_option_crashes_on_overflow_infinity_or_odd_digits(untouched, value):
    assert len(NUMERIC_PARAMS) > 15
    for path, param in NUMERIC_PARAMS:
        TRIED["numbers"] += 1
        result = run_cli(untouched, *invocation(path, param, value))
        assert result.exit_code == 2, (path, param.name, value, result.stderr)
        assert_one_short_line(result.stderr)
    assert nothing_written(untouched)


@pytest.mark.parametrize("args", [
    ("mark", "add", "12345678", "--registered", "2016-03-10", "--classes", "9", "--owner", "甲\x00丙"),
    ("window", "add", "ZJ", "--name", "甲\x00丙"),
], ids=["mark add", "window add"])
def test_a_nul_character_is_kept_on_sqlite_and_refused_on_postgresql(register, args):
    """PostgreSQL's text cannot hold the character NUL (U+0000), which SQLite's holds: on PostgreSQL the
    value is refused in one line naming it (DB-TEXT-NUL) and nothing is written; it failed in psycopg
    (internal error, exit 1)."""
    result = run_cli(register, *args, "--format", "json")
    if on_postgresql(register):
        assert result.exit_code == 65 and result.stdout == ""
        assert_one_short_line(result.stderr)
        assert result.stderr == ("ipcli: error: 甲\\x00丙 holds the character NUL (\\x00), which a register on "
                                 "PostgreSQL cannot store [DB-TEXT-NUL]\n")
        assert nothing_written(register)
    else:
        assert result.exit_code == 0, result.stderr
        assert "甲\x00丙" in json.loads(result.stdout).values()


@pytest.mark.parametrize("holding_a_mark", [False, True], ids=["first import", "import into a register"])
def test_a_nul_character_in_an_imported_file_is_kept_on_sqlite_and_refused_on_postgresql(
        register, tmp_path, holding_a_mark):
    """mark import sends its rows by COPY, unchecked for NUL (a first import straight into the table, a later
    one through a temporary table): on PostgreSQL the server's refusal becomes one line naming the column
    (DB-TEXT-NUL) and nothing is written; it was an internal error (exit 1)."""
    if holding_a_mark:
        ok(register, "mark", "add", "22345678", "--registered", "2016-03-10", "--classes", "9")
    before = register_content(register)
    listing = tmp_path / "marks.csv"
    listing.write_text("reg_no,registered_on,classes,owner\n12345678,2016-03-10,9,甲\n"
                       "12345679,2016-03-10,9,甲\x00丙\n", encoding="utf-8")
    result = run_cli(register, "mark", "import", listing)
    if on_postgresql(register):
        assert (result.exit_code, result.stdout) == (65, "")
        assert result.stderr == ("ipcli: error: a value of column owner holds the character NUL (\\x00), which a "
                                 "register on PostgreSQL cannot store; nothing was written [DB-TEXT-NUL]\n")
        chinese = run_cli(register, "mark", "import", listing, env={"IPCLI_LANG": "zh"})
        assert (chinese.exit_code, chinese.stdout) == (65, "")
        assert chinese.stderr == ("ipcli：错误：“权利人”列有一个值含有空字符（\\x00），PostgreSQL 上的登记簿无法保存；"
                                  "未写入任何内容 [DB-TEXT-NUL]\n")  # the column by its label in the language
        assert register_content(register) == before
    else:
        assert result.exit_code == 0, result.stderr
        assert json.loads(ok(register, "mark", "show", "12345679", "--format", "json").stdout)["owner"] == "甲\x00丙"
