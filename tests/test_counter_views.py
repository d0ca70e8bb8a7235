"""Issue 17 §1: tables people can read. Every listing of the sample register drawn at 80 and 120 columns
in zh and en keeps its dates, numbers, ids and amounts whole; columns chosen per listing, dropped from
the right; --columns and --wide; colour with meaning; an empty listing says so on stderr."""

import io
import json
import re
from collections import Counter

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from conftest import BASE_ENV, write_beside_results
from ipcli import output, rich_tables
from ipcli.cli import cli
from ipcli.i18n import set_language
from ipcli.views import MONEY

ANSI = re.compile(r"\x1b\[[0-9;]*m")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TRIED = Counter()
FIRST_ROWS = 6


@pytest.fixture(scope="module", autouse=True)
def report_cases(request):
    yield
    counts = ", ".join(f"{kind} {count}" for kind, count in sorted(TRIED.items()))
    write_beside_results(request, f"test_counter_views cases: {counts}")


def run(db, *args, lang="en", width=None, env=None):
    environment = {**BASE_ENV, "IPCLI_DB": str(db), "IPCLI_LANG": lang, **(env or {})}
    if width:
        environment["COLUMNS"] = str(width)
    return CliRunner(env=environment).invoke(cli, [str(a) for a in args], catch_exceptions=False, prog_name="ipcli")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def sample(module_registers, tmp_path_factory):
    """The sample register with its window tree and one exported batch (the sample has neither), on each
    backend."""
    db = module_registers()
    ok(run(db, "sample", "load"))
    for code, name, parent in (("ZJ", "浙江省", None), ("ZJ-HZ", "杭州市", "ZJ"), ("ZJ-HZ-XH", "西湖区", "ZJ-HZ"),
                               ("ZJ-HZ-BJ", "滨江区", "ZJ-HZ"), ("ZJ-NB", "宁波市", "ZJ")):
        ok(run(db, "window", "add", code, "--name", name, *(("--parent", parent) if parent else ())))
    out = tmp_path_factory.mktemp("views")
    ok(run(db, "batch", "export", "--type", "renewal", "--window", "ZJ-HZ-BJ", "--out", out))
    return db


def drawn(db, *args, lang, width):
    """What a terminal `width` columns wide shows (rich, as on a terminal; colour codes removed)."""
    text = ANSI.sub("", ok(run(db, "--color", "always", *args, "--format", "table", lang=lang, width=width)))
    for line in text.splitlines():
        assert cell_len(line) <= width, line
    return text


def json_of(db, *args):
    return json.loads(ok(run(db, *args, "--format", "json")))


def shown(key, value, lang, wan) -> list[str]:
    """How a date, number, id or amount is written in a cell; [] for other values."""
    if isinstance(value, bool) or value is None:
        return []
    if key in wan and lang == "zh":
        return [f"{value / 10000:,g}"]
    if key in MONEY and isinstance(value, (int, float)):
        return [output.money(value)]
    if isinstance(value, (int, float)):
        return [str(value)]
    if isinstance(value, list):  # rights, classes: the first is always there
        return shown(key, value[0], lang, wan) if value and not isinstance(value[0], dict) else []
    if isinstance(value, str) and (ISO_DATE.fullmatch(value) or re.fullmatch(r"[0-9][0-9A-Za-z.\-]*", value)):
        return [value]
    return []


# (command, keys a narrow terminal still shows, amounts in 万元 in zh)
LISTINGS = [
    (("deadlines", "--days", "60"), ("due_on", "days_left", "kind", "right_no"), ()),
    (("deadlines", "--days", "60", "--explain"), ("due_on", "days_left", "kind", "rule"), ()),
    (("deadlines", "--overdue"), ("due_on", "days_left", "kind", "right_no"), ()),
    (("expiries", "--days", "90"), ("ends_on", "days_left", "kind", "right_no"), ()),
    (("mark", "list"), ("reg_no", "expires_on", "status", "classes"), ()),
    (("patent", "list"), ("app_no", "status", "next_annuity_due_on"), ()),
    (("filing", "list"), ("id", "type", "rights", "fee_total", "status", "received_on"), ()),
    (("pledge", "list"), ("id", "rights", "amount", "ends_on", "status"), ("amount",)),
    (("notice", "list", "--all"), ("id", "deadline_on", "right_no", "kind", "status"), ()),
    (("batch", "list"), ("batch_id", "filing_type", "status", "count"), ()),
    (("log", "--limit", "20"), ("id", "at", "record_type", "record_id"), ()),
    (("stats", "--from", "2026-01-01"), ("window", "type", "filings", "marks", "patents"), ("amount",)),
    (("window", "list"), ("code", "name", "level"), ()),
]


def header_labels(line: str) -> list[str]:
    return re.split(r" {2,}", line.strip())


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command, kept, wan", LISTINGS, ids=[" ".join(c[0][:2]) for c in LISTINGS])
def test_every_date_and_number_of_the_first_rows_is_whole(sample, command, kept, wan, width, lang):
    rows = json_of(sample, *command)[:FIRST_ROWS]
    assert rows, command
    lines = drawn(sample, *command, lang=lang, width=width).splitlines()
    set_language(lang)
    labels = header_labels(lines[0])
    headers = {key: output.label(key) for key in rows[0]}
    headers.update({key: f"{output.label(key)}（万元）" for key in wan if lang == "zh"})
    for key in kept:
        assert headers[key] in labels, (key, lines[0])
    assert set(lines[1]) == {"─"}
    for row, line in zip(rows, lines[2:]):  # one line per row: nothing wraps
        for key, value in row.items():
            if headers.get(key) not in labels:
                continue
            for text in shown(key, value, lang, wan):
                TRIED["whole values"] += 1
                assert re.search(rf"(^|\s){re.escape(text)}(,|\s|$)", line), (key, text, line)
    assert not re.search(r"[0-9]…|…[0-9]", "\n".join(lines))


RECORDS = [
    ("mark", "show", "30000037"),
    ("patent", "show", "201210100006.7"),
    ("filing", "show", "26"),
    ("filing", "show", "40"),
    ("calendar", "status"),
    ("calc", "mark", "--registered", "2016-02-29"),
    ("calc", "renewal", "--registered", "2014-03-07", "--filed", "2024-05-10", "--classes", "2"),
    ("calc", "patent", "--type", "invention", "--filed", "2019-06-03"),
    ("calc", "annuity", "--type", "invention", "--filed", "2019-06-03", "--year", "6", "--paid", "2024-08-20",
     "--explain"),
    ("calc", "period", "--office", "patent", "--dispatched", "2025-09-12", "--served", "paper", "--months", "2"),
    ("calc", "workday", "2024-02-10"),
]


def leaves(record: dict, parent=None):
    for key, value in record.items():
        if isinstance(value, dict):
            yield from leaves(value, key)
        elif not (isinstance(value, list) and value and isinstance(value[0], dict)):
            yield (key if parent is None or not key[:1].isdigit() else parent), value


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", RECORDS, ids=[" ".join(c[:2]) for c in RECORDS])
def test_a_record_shows_every_field_on_a_labelled_line(sample, command, width, lang):
    record = json_of(sample, *command)
    text = drawn(sample, *command, lang=lang, width=width)
    words = set(re.split(r"[\s;]+|, ", text))
    for key, value in leaves(record):
        for shown_text in shown(key, value, lang, ()):
            TRIED["whole values in records"] += 1
            assert shown_text in words, (key, shown_text)
    assert "{" not in text  # no JSON


def test_a_batch_shows_its_items_as_a_table(sample):
    (batch,) = json_of(sample, "batch", "list")
    text = drawn(sample, "batch", "show", batch["batch_id"], lang="zh", width=80)
    assert batch["batch_id"] in text.split()
    for item in json_of(sample, "batch", "show", batch["batch_id"])["items"]:
        assert re.search(rf"^\s*{item['seq']}\s+{item['filing_id']}\s.*{item['rights'][0]}", text, re.M)


def test_deadlines_at_80_columns_in_zh_as_a_clerk_sees_them(sample):
    lines = drawn(sample, "deadlines", "--days", "60", lang="zh", width=80).splitlines()
    assert header_labels(lines[0]) == ["到期日", "剩余天数", "种类", "号码", "权利人", "名称"]
    assert re.match(r"2026-11-21\s+0\s+许可备案期限\s+30000888\s+杭州西湖茶业", lines[2])
    assert "R-TM" not in "\n".join(lines)  # the rule needs --explain, or more room
    wide = drawn(sample, "deadlines", "--days", "60", lang="zh", width=160).splitlines()
    assert "规则" in header_labels(wide[0]) and "杭州西湖茶业有限公司" in wide[2]


def test_the_readme_shows_deadlines_as_printed(invoke, register):
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split("`ipcli --lang zh deadlines --days 60` at 80 columns", 1)[1]
    shown = block.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    ok(invoke("sample", "load"))
    lines = [line.rstrip() for line in drawn(register, "deadlines", "--days", "60", lang="zh", width=80).splitlines()]
    cut = shown.index("…")
    assert shown[:cut] == lines[:cut] and shown[cut + 1:] == lines[len(lines) - len(shown) + cut + 1:]
    assert f"({len(lines) - 2} rows" in block


def test_filing_list_is_one_line_per_filing(sample):
    filings = json_of(sample, "filing", "list")
    for width in (80, 120):
        lines = drawn(sample, "filing", "list", lang="en", width=width).splitlines()
        assert len(lines) == len(filings) + 2
        assert "{" not in "\n".join(lines) and "details" not in lines[0]


def test_filing_show_labels_and_translates_the_details(sample):
    text = drawn(sample, "filing", "show", "26", lang="en", width=80)
    assert re.search(r"^assignee name\s+杭州滨江软件股份有限公司\s*$", text, re.M)
    assert re.search(r"^assignee ID number\s+91330100MA20000045\s*$", text, re.M)
    assert re.search(r"^official fees 30000333\s+450\s*$", text, re.M)
    assert re.search(r"^kind\s+assignment\s*$", text, re.M)
    zh = drawn(sample, "filing", "show", "26", lang="zh", width=80)
    assert re.search(r"^受让人名称\s+杭州滨江软件股份有限公司\s*$", zh, re.M) and re.search(r"^种类\s+转让\s*$", zh, re.M)
    renewal = drawn(sample, "filing", "show", "12", lang="zh", width=80)
    assert re.search(r"^续展费\s+1,350\s*$", renewal, re.M) and re.search(r"^续展期间\s+续展期内\s*$", renewal, re.M)


def test_money_has_separators_and_pledges_are_in_wan_in_zh(sample):
    pledge = json_of(sample, "pledge", "list")[0]
    assert pledge["amount"] == 5000000  # json keeps the number
    en = drawn(sample, "pledge", "list", lang="en", width=120).splitlines()
    assert "5,000,000" in en[2]
    zh = drawn(sample, "pledge", "list", lang="zh", width=120).splitlines()
    assert "金额（万元）" in header_labels(zh[0]) and re.search(r"\s500\s", zh[2])
    stats = drawn(sample, "stats", "--from", "2026-01-01", lang="zh", width=120)
    assert "金额（万元）" in stats and "7,425" in stats
    assert ok(run(sample, "pledge", "list", "--format", "csv")).splitlines()[1].split(",")[5] == "5000000.0"


@pytest.mark.parametrize("value, text, wan", [
    (0, "0", "0"), (450, "450", "0.045"), (1350, "1,350", "0.135"), (5000000.0, "5,000,000", "500"),
    (12345678.9, "12,345,678.9", "1,234.56789"), (0.5, "0.5", "0.00005"), (1234.56, "1,234.56", "0.123456"),
    (10 ** 12, "1,000,000,000,000", "100,000,000")])
def test_money_and_wan(value, text, wan):
    TRIED["amounts"] += 1
    assert output.money(value) == text
    assert output._in_wan(value) == wan


# which columns: the view's, less the empty ones; --wide, --columns

def test_empty_columns_are_not_drawn(sample):
    plain = drawn(sample, "deadlines", "--days", "60", lang="en", width=160).splitlines()[0]
    overdue = drawn(sample, "deadlines", "--overdue", lang="en", width=160).splitlines()[0]
    assert "overdue" not in header_labels(plain) and "late fee" not in header_labels(plain)
    assert "overdue" in header_labels(overdue) and "late fee" in header_labels(overdue)


def test_wide_shows_every_column_that_holds_something(sample):
    labels = header_labels(drawn(sample, "deadlines", "--days", "60", "--wide", lang="en", width=250).splitlines()[0])
    assert labels == ["due on", "days left", "kind", "right", "number", "owner", "title", "rule", "provisional",
                      "filing", "window"]
    wide_filings = drawn(sample, "filing", "list", "--wide", lang="en", width=400)
    assert "details" in header_labels(wide_filings.splitlines()[0]) and "registrant: " in wide_filings


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "table"])
def test_columns_picks_keys_in_their_order_in_every_format(sample, fmt):
    TRIED["--columns"] += 1
    result = run(sample, "deadlines", "--days", "60", "--columns", "right_no, due_on", "--format", fmt)
    out = ok(result)
    if fmt == "json":
        assert list(json.loads(out)[0]) == ["right_no", "due_on"]
    elif fmt == "jsonl":
        assert list(json.loads(out.splitlines()[0])) == ["right_no", "due_on"]
    elif fmt in ("csv", "tsv"):
        assert out.splitlines()[0] == ("right_no,due_on" if fmt == "csv" else "right_no\tdue_on")
    else:
        assert header_labels(out.splitlines()[0]) == ["number", "due on"]


@pytest.mark.parametrize("command", [("deadlines",), ("mark", "list"), ("filing", "show", "1"),
                                     ("calc", "workday", "2024-02-10")])
@pytest.mark.parametrize("columns", ["due_on,nope", "", "DUE_ON", "due_on,,right_no"])
def test_an_unknown_column_is_a_usage_error_naming_the_valid_ones(sample, command, columns):
    TRIED["bad --columns"] += 1
    result = run(sample, *command, "--columns", columns)
    valid = {"deadlines": "due_on, days_left, kind", "mark": "reg_no, classes, name", "filing": "id, type, status",
             "calc": "date, is_working_day"}[command[0]]
    known = ("due_on", "right_no") if command[0] == "deadlines" else ()
    bad = next(c for c in columns.split(",") if c not in known)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"ipcli: error: no column {bad!r}; the columns are: {valid}")
    assert len(result.stderr.splitlines()) == 1


def test_columns_of_an_empty_listing_are_checked_against_the_views_keys(sample):
    result = run(sample, "deadlines", "--days", "0", "--kind", "patent_term_ends", "--columns", "late_fee",
                 "--format", "csv")
    assert result.exit_code == 0 and result.stdout == ""
    assert run(sample, "deadlines", "--days", "0", "--kind", "patent_term_ends", "--columns", "x").exit_code == 2


def test_machine_formats_keep_every_key(sample):
    """The views' key lists are those of the records, which json, jsonl, csv and tsv keep as they were."""
    from ipcli import views

    checks = [(("deadlines", "--days", "60"), views.deadlines_view(False, False)), (("expiries",), views.EXPIRIES),
              (("mark", "list"), views.MARKS), (("patent", "list"), views.PATENTS), (("filing", "list"), views.FILINGS),
              (("pledge", "list"), views.PLEDGES), (("notice", "list"), views.NOTICES),
              (("batch", "list"), views.BATCHES), (("log",), views.JOURNAL), (("window", "list"), views.WINDOWS)]
    for command, view in checks:
        TRIED["key lists"] += 1
        rows = json_of(sample, *command)
        assert list(rows[0]) == list(view.keys), command
        assert ok(run(sample, *command, "--format", "tsv")).splitlines()[0] == "\t".join(view.keys)
    stats = json_of(sample, "stats", "--from", "2026-01-01")
    assert set(stats[0]) <= set(views.STATS.keys)


# colour

def test_colour_means_overdue_soon_and_provisional(sample):
    overdue = run(sample, "--color", "always", "deadlines", "--overdue", "--format", "table", width=120).stdout
    first = overdue.splitlines()[2]
    assert "\x1b[31m" in first  # red
    soon = run(sample, "--color", "always", "deadlines", "--format", "table", width=120).stdout.splitlines()
    assert "\x1b[33m" in soon[2]  # due today: yellow
    later = run(sample, "--color", "always", "deadlines", "--days", "60", "--format", "table", width=120).stdout
    rows = json_of(sample, "deadlines", "--days", "60")
    for row, line in zip(rows, later.splitlines()[2:]):
        TRIED["colours"] += 1
        assert row["right_no"] in line
        assert (f"\x1b[2m{row['due_on']}" in line or f"\x1b[2;33m{row['due_on']}" in line) is row["provisional"]
        assert ("\x1b[33m" in line or "\x1b[2;33m" in line) is (row["days_left"] <= 7)
        assert "\x1b[31m" not in line


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("color", ["never", "auto"])
def test_no_colour_under_never_and_no_color(monkeypatch, color):
    """On a terminal: --color never (and NO_COLOR, which cli.py turns into never) draws without escapes."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "80")
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    output.emit([{"due_on": "2026-01-01", "days_left": -3, "provisional": True}], "table", color=color)
    assert "2026-01-01" in terminal.getvalue()
    assert ("\x1b[" in terminal.getvalue()) is (color == "auto")


def test_no_color_environment_variable_means_never(sample):
    result = run(sample, "deadlines", "--format", "table", env={"NO_COLOR": "1"})
    assert "\x1b" not in result.stdout and "2026-11-21" in result.stdout


def test_piped_tables_have_no_escapes(sample):
    out = ok(run(sample, "deadlines", "--overdue", "--format", "table"))
    assert "\x1b" not in out and "2025-11-27" in out


# plain text tables (--format table when piped)

def cells_by_position(line: str) -> list[str]:
    """The character at each cell of a line as a terminal draws it (a Chinese character takes two)."""
    return [char for char in line for _ in range(cell_len(char))]


def test_plain_tables_align_chinese_characters(sample):
    """tabulate counts a Chinese character as two cells only with wcwidth (a dependency for this): every
    gap between the dashes under the header is blank on every line."""
    for command in (("deadlines", "--days", "60"), ("mark", "list"), ("pledge", "list"), ("window", "list"),
                    ("stats", "--from", "2026-01-01")):
        TRIED["plain tables"] += 1
        lines = ok(run(sample, "--lang", "zh", *command, "--format", "table")).splitlines()
        gaps = [i for i, char in enumerate(lines[1]) if char == " "]
        assert gaps and set(lines[1]) == {"-", " "}
        for line in lines[:1] + lines[2:]:
            drawn_cells = cells_by_position(line)
            assert all(i >= len(drawn_cells) or drawn_cells[i] == " " for i in gaps), (command, line)


def test_plain_tables_show_the_view_without_shortening(sample):
    lines = ok(run(sample, "--lang", "zh", "deadlines", "--days", "60", "--format", "table")).splitlines()
    assert header_labels(lines[0])[:6] == ["到期日", "剩余天数", "种类", "号码", "权利人", "名称"]
    assert "…" not in "\n".join(lines) and "杭州西湖茶业有限公司" in lines[2]


# an empty listing

EMPTY = [
    (("deadlines", "--days", "0", "--kind", "patent_term_ends"), "nothing due in the next 0 days",
     "没有 0 天内到期的事项"),
    (("deadlines", "--days", "0", "--kind", "patent_term_ends", "--overdue"),
     "nothing due in the next 0 days, and nothing overdue since 2025-11-21",
     "没有 0 天内到期的事项，自 2025-11-21 起也没有逾期事项"),
    (("expiries", "--days", "0", "--owner", "nobody"), "nothing ends in the next 0 days", "没有 0 天内届满的事项"),
    (("mark", "list", "--owner", "nobody"), "no marks", "没有商标"),
    (("patent", "list", "--owner", "nobody"), "no patents", "没有专利"),
    (("filing", "list", "--type", "pledge_release"), "no filings", "没有收件"),
    (("notice", "list", "--all"), "no notices", "没有通知书"),
    (("notice", "list"), "no open notices", "没有未办结的通知书"),
    (("pledge", "list"), "no pledges", "没有质押"),
    (("batch", "list"), "no batches", "没有批次"),
    (("window", "list"), "no windows registered (ipcli window add)", "尚未登记窗口（ipcli window add）"),
    (("stats", "--from", "2020-01-01", "--to", "2020-02-01"), "no filings received from 2020-01-01 to 2020-02-01",
     "2020-01-01 至 2020-02-01 没有收件"),
    (("log", "--type", "digest"), "nothing in the journal", "日志中没有记录"),
]


@pytest.mark.parametrize("command, en, zh", EMPTY, ids=[" ".join(c[0][:2]) for c in EMPTY])
def test_an_empty_listing_says_so_on_stderr(invoke, command, en, zh, tmp_path):
    if command[0] in ("deadlines", "expiries", "mark", "patent", "filing", "stats", "log"):
        assert invoke("sample", "load").exit_code == 0
    else:  # a read command needs a register (exit 78 without one)
        assert invoke("init").exit_code == 0
    for lang, message in (("en", en), ("zh", zh)):
        for fmt in ("table", "tsv", "csv", "jsonl"):
            TRIED["empty listings"] += 1
            result = invoke("--lang", lang, *command, "--format", fmt)
            assert (result.exit_code, result.stdout, result.stderr) == (0, "", message + "\n")
        quiet = invoke("--lang", lang, "-q", *command)
        assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    as_json = invoke(*command, "--format", "json")
    assert (as_json.stdout, as_json.stderr) == ("[]\n", "")


# the layout

@pytest.mark.parametrize("columns, width, expected", [
    ([(10, 10, False), (4, 4, False), (20, 10, True), (12, 10, True)], 80, [10, 4, 20, 12]),
    ([(10, 10, False), (4, 4, False), (20, 10, True), (12, 10, True)], 40, [10, 4, 10, 10]),
    ([(10, 10, False), (4, 4, False), (20, 10, True), (12, 10, True)], 30, [10, 4, 12]),
    ([(10, 10, False), (4, 4, False), (20, 10, True), (12, 10, True)], 20, [10, 4]),
    ([(10, 10, False), (20, 10, True), (17, 17, False)], 51, [10, 20, 17]),  # a key column after whole text
    ([(10, 10, False), (20, 10, True), (17, 17, False)], 50, [10, 20]),  # ... or not at all
    ([(10, 10, False), (20, 10, True), (17, 17, False), (30, 10, True)], 63, [10, 20, 17, 10]),
    ([(30, 30, False), (5, 5, False)], 20, [30]),  # the first column is always drawn
    ([(10, 10, False), (40, 10, True), (20, 10, True)], 40, [10, 15, 11]),
    ([(10, 10, False), (70, 10, True), (41, 10, True)], 80, [10, 41, 25]),
])
def test_fitted(columns, width, expected):
    TRIED["layouts"] += 1
    widths = rich_tables.fitted(columns, width)
    assert widths == expected
    for (natural, least, free), fitted_width in zip(columns, widths):
        assert least <= fitted_width <= natural and (free or fitted_width == natural)
    assert sum(widths) + rich_tables.GAP * (len(widths) - 1) <= max(width, columns[0][0])


def test_the_keys_of_nested_records_are_shown_literally(capsys):
    record = {"id": 1, "details": {"x\x1by": {"3\n0[bold]": 5}}}
    assert "x\\x1by 3\\n0[bold]  5" in output.render_text(record, "table")
    output.emit(record, "table", color="always")
    out = ANSI.sub("", capsys.readouterr().out)
    assert "x\\x1by 3\\n0[bold]" in out and "\x1by" not in out
