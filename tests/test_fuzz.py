"""Hostile input (issue 7, item 3): the CSV and JSONL importers, the batch validator and importer, the
holiday-file importer and every date and number parser, fuzzed with hypothesis and fed the classic
attacks. Whatever the input: no traceback and never exit 1; a refused file exits 65 naming where the
problem is; and a refusal writes nothing (every table, the journal included, is compared before and
after). The number of cases tried is printed at the end of the module."""

import codecs
import csv
import hashlib
import io
import json
import re
from collections import Counter
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipcli.cli import cli
from ipcli.clickext import DATE, Amount, IntRange
from ipcli.errors import Rejected
from ipcli.register import batch_format
from ipcli.rules import identifiers
from ipcli.rules.calendar import parse_holiday_cn
from ipcli.rules.identifiers import patent_check_char

from conftest import BASE_ENV, register_content, report_cases

TRIED = Counter()  # cases tried per target, printed when the module ends
FUZZ = settings(deadline=None, max_examples=60,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FEW = settings(FUZZ, max_examples=25)
TEN_MB = 10 * 1024 * 1024
FORMULAS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1")
USCC = "91350100M000100Y43"
MARK_HEADER = ["reg_no", "classes", "name", "owner", "owner_id", "kind", "registered_on", "term_starts_on",
               "window"]
PATENT_HEADER = ["app_no", "type", "filed_on", "granted_on", "title", "owner", "owner_id", "paid_through",
                 "reduction", "window"]
IMPORT_LINE = re.compile(r"^stdin:(\d+): .+ \[[A-Z0-9-]+\]$")
RULE_AT_END = re.compile(r"\[[A-Z0-9-]+\]$")


# the register and how to look at it

@pytest.fixture(scope="module", autouse=True)
def cases_tried(request):
    yield
    report_cases(request, "fuzz", {name: count for name, count in TRIED.items() if name != "batch ids"})


def run_cli(db, args, data: bytes | None = None, env=None):
    runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": str(db), **(env or {})})
    return runner.invoke(cli, [str(a) for a in args], input=data, catch_exceptions=False, prog_name="ipcli")


def snapshot(register: str) -> str:
    """A digest of every row of every table (the journal, the sent-log and the settings among them)."""
    return hashlib.sha256(repr(register_content(register)).encode()).hexdigest()


@pytest.fixture(scope="module")
def registers(module_registers, tmp_path_factory):
    """A register with the sample portfolio (the target of every fuzzed command), and a valid batch of
    each type exported from another one; on each backend."""
    folder = tmp_path_factory.mktemp("fuzz")
    target, county = module_registers(), module_registers()
    for db in (target, county):
        assert run_cli(db, ["sample", "load"]).exit_code == 0
    batches = {}
    for filing_type in ("renewal", "transfer", "license", "pledge"):
        result = run_cli(county, ["batch", "export", "--type", filing_type, "--all-windows", "--out", folder / "out",
                                  "--format", "json"])
        assert result.exit_code == 0, result.stderr
        batches[filing_type] = json.loads(Path(json.loads(result.stdout)["file"]).read_text(encoding="utf-8"))
    return target, batches


def lines_of(text: str) -> list[str]:
    """Lines as a terminal or a log file has them: split at line feeds only (U+0085 and U+2028 in a
    value are characters, not line breaks)."""
    return text.rstrip("\n").split("\n") if text else []


def assert_no_crash(result) -> None:
    text = result.stdout + result.stderr
    assert "Traceback" not in text and "internal error" not in text, text[:2000]
    assert result.exit_code != 1, result.stderr[:2000]


class Target:
    """Runs a command on the shared register and checks the outcome against the register's state."""

    def __init__(self, db: str):
        self.db = db
        self.state = snapshot(db)

    def run(self, name: str, args, data: bytes | None = None, ok=(0, 65), env=None):
        TRIED[name] += 1
        result = run_cli(self.db, args, data, env)
        assert_no_crash(result)
        assert result.exit_code in ok, (result.exit_code, result.stderr[:2000])
        after = snapshot(self.db)
        if result.exit_code == 0:
            self.state = after  # a valid input was taken: that is allowed
        else:
            assert after == self.state, "a refused input changed the register"
        return result


@pytest.fixture
def target(registers):
    return Target(registers[0])


def assert_import_refusal(result) -> None:
    """Each bad row `stdin:LINE: reason [RULE]`, then the summary; exit 65."""
    lines = lines_of(result.stderr)
    assert result.exit_code == 65 and lines, result.stderr[:2000]
    assert lines[-1].startswith("ipcli: error: stdin"), lines[-1][:300]
    numbered = [line for line in lines[:-1] if not line.startswith("ipcli: warning")]
    assert numbered and all(IMPORT_LINE.match(line) for line in numbered), result.stderr[:2000]


def assert_batch_refusal(result, command: str) -> None:
    """validate: one line per problem, `stdin: JSONPATH: reason [RULE]` (with the line and column when the
    text is not JSON); import: one line naming the path of the first problem."""
    lines = lines_of(result.stderr)
    assert result.exit_code == 65 and lines, result.stderr[:2000]
    if command == "validate":
        odd = [line for line in lines[:-1] if not (line.startswith("stdin: $") and RULE_AT_END.search(line))]
        assert not odd, odd[:3]
        assert lines[-1].startswith("ipcli: error: stdin"), lines[-1][:300]
    else:  # the first problem with its path, or a batch id this register already holds for other items
        assert len(lines) == 1 and RULE_AT_END.search(lines[0]), lines[:3]
        assert ": $" in lines[0] or lines[0].endswith("[BATCH-CONFLICT]"), lines[0][:300]
    if "not JSON" in result.stderr:
        assert re.search(r"at line \d+, column \d+", result.stderr)


# CSV and JSONL importers

cell = st.one_of(st.text(max_size=30), st.sampled_from(FORMULAS), st.just("\x00"), st.just("\ufeff"),
                 st.sampled_from(["2016-02-29", "2016-02-30", "9;35", "9,,35", "7001840", USCC, "0", "-1",
                                  "2199-12-31", "2200-01-01", "１２３", "٣"]))


def csv_bytes(rows, header, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, "surrogatepass")


@FUZZ
@given(data=st.binary(max_size=600))
def test_import_of_any_bytes_never_crashes_and_writes_nothing_when_refused(target, data):
    for kind, fmt in (("mark", "csv"), ("patent", "jsonl")):
        result = target.run(f"{kind} import", [kind, "import", "-", "--input-format", fmt], data)
        if result.exit_code == 65:
            assert_import_refusal(result)


@FUZZ
@given(kind=st.sampled_from(["mark", "patent"]),
       rows=st.lists(st.lists(cell, min_size=8, max_size=11), min_size=1, max_size=5))
def test_csv_rows_of_hostile_cells(target, kind, rows):
    header = MARK_HEADER if kind == "mark" else PATENT_HEADER
    result = target.run(f"{kind} import", [kind, "import", "-", "--input-format", "csv"],
                        csv_bytes(rows, header))
    if result.exit_code == 65:
        assert_import_refusal(result)


json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | cell,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                      max_size=3),
                          max_leaves=8)


@FUZZ
@given(kind=st.sampled_from(["mark", "patent"]),
       records=st.lists(st.dictionaries(st.sampled_from(MARK_HEADER + PATENT_HEADER), json_value, max_size=8),
                        min_size=1, max_size=4))
def test_jsonl_records_of_hostile_values(target, kind, records):
    text = "\n".join(json.dumps(record, ensure_ascii=False, allow_nan=True) for record in records) + "\n"
    result = target.run(f"{kind} import", [kind, "import", "-", "--input-format", "jsonl"],
                        text.encode("utf-8", "surrogatepass"))
    if result.exit_code == 65:
        assert_import_refusal(result)


def good_mark_csv(**change) -> list:
    row = {"reg_no": "7001840", "classes": "9;35", "name": "闽光", "owner": "福建闽光食品有限公司",
           "owner_id": USCC, "kind": "ordinary", "registered_on": "2016-02-29", "term_starts_on": "",
           "window": "FZ01"}
    row.update(change)
    return [row[name] for name in MARK_HEADER]


@pytest.mark.parametrize("column", ["reg_no", "classes", "owner_id", "kind", "registered_on"])
@pytest.mark.parametrize("payload", FORMULAS + ("a\x00b", "\x01\x02\x1b[31m", "2016-02-29\x00", "\ufeff2016-02-29"),
                         ids=["eq", "plus", "minus", "at", "tab", "cr", "nul", "ctrl", "nul-date", "bom-mid"])
def test_formulas_control_characters_and_nul_in_checked_columns_are_refused_at_their_line(target, column,
                                                                                          payload):
    rows = [good_mark_csv(reg_no="123"), good_mark_csv(**{column: payload})]
    result = target.run("mark import", ["mark", "import", "-"], csv_bytes(rows, MARK_HEADER), ok=(65,))
    assert_import_refusal(result)
    assert re.search(r"^stdin:3: ", result.stderr, re.M), result.stderr[:500]


@pytest.mark.parametrize("payload", FORMULAS)
def test_formulas_in_free_text_are_kept_as_text_never_evaluated(target, payload, registers):
    reg_no = str(9_000_000 + FORMULAS.index(payload))
    row = good_mark_csv(reg_no=reg_no, name=payload, owner=payload)
    target.run("mark import", ["mark", "import", "-"], csv_bytes([row], MARK_HEADER), ok=(0,))
    shown = json.loads(run_cli(registers[0], ["mark", "show", reg_no, "--format", "json"]).stdout)
    assert (shown["name"], shown["owner"]) == (payload, payload)


def test_wrong_encodings_are_refused_at_a_line(target):
    text = "reg_no,classes,registered_on\n7001841,9,2016-02-29\n"
    for data in (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
                 text.encode("utf-16-le"), text.encode("utf-32"),
                 (text + "7001842,9,2016-02-29\n7001843,9,caf\xe9\n").encode("latin-1"),
                 text.encode() + b"7001844,9,\xff\xfe\n"):
        result = target.run("mark import", ["mark", "import", "-"], data, ok=(65,))
        assert_import_refusal(result)


def test_a_bom_in_the_middle_is_refused(target):
    csv_data = "reg_no,classes,registered_on\n7001845,9,2016-02-29\n\ufeff7001846,9,2016-02-29\n".encode()
    assert_import_refusal(target.run("mark import", ["mark", "import", "-"], csv_data, ok=(65,)))
    jsonl = ('{"reg_no":"7001847","classes":"9","registered_on":"2016-02-29"}\n'
             '\ufeff{"reg_no":"7001848","classes":"9","registered_on":"2016-02-29"}\n').encode()
    result = target.run("mark import", ["mark", "import", "-"], jsonl, ok=(65,))
    assert_import_refusal(result)
    assert "stdin:2: " in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_10_mb_field_is_refused_at_its_line_without_echoing_it(target, fmt):
    long = "9" * TEN_MB
    if fmt == "csv":
        data = csv_bytes([good_mark_csv(reg_no="7001849"), good_mark_csv(reg_no=long)], MARK_HEADER)
    else:
        data = (json.dumps({"reg_no": "7001849", "classes": "9", "registered_on": "2016-02-29"}) + "\n"
                + json.dumps({"reg_no": long, "classes": "9", "registered_on": "2016-02-29"}) + "\n").encode()
    result = target.run("mark import", ["mark", "import", "-", "--input-format", fmt], data, ok=(65,))
    assert_import_refusal(result)
    assert re.search(r"^stdin:[23]: ", result.stderr, re.M) and len(result.stderr) < 2000


def test_duplicate_json_keys_in_an_import_are_refused(target):
    data = b'{"reg_no":"7001850","classes":"9","registered_on":"2016-02-29","reg_no":"7001851"}\n'
    result = target.run("mark import", ["mark", "import", "-"], data, ok=(65,))
    assert_import_refusal(result)
    assert "stdin:1: " in result.stderr


DEEP = "[" * 100_000 + "]" * 100_000


def test_deeply_nested_json_lines_are_refused_without_recursion_error(target):
    data = ('{"reg_no": ' + DEEP + ', "classes": "9", "registered_on": "2016-02-29"}\n').encode()
    result = target.run("mark import", ["mark", "import", "-"], data, ok=(65,))
    assert_import_refusal(result)
    assert "stdin:1: " in result.stderr


def test_an_integer_too_long_for_python_is_refused_at_its_line(target):
    digits = "1" * 5000
    data = (f"app_no,filed_on,paid_through\n201910123456.{patent_check_char('201910123456')},2019-06-03,"
            f"{digits}\n").encode()
    result = target.run("patent import", ["patent", "import", "-"], data, ok=(65,))
    assert_import_refusal(result)
    assert "stdin:2: " in result.stderr and digits not in result.stderr


def test_a_lone_surrogate_in_json_lines_is_refused_at_its_line(target):
    data = b'{"reg_no":"7001852","classes":"9","registered_on":"2016-02-29","name":"\\udc00"}\n'
    result = target.run("mark import", ["mark", "import", "-"], data, ok=(65,))
    assert_import_refusal(result)
    assert "stdin:1: " in result.stderr


# batches

def set_at(document, path: list, value):
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def paths(node, prefix=()):
    """Every path to a value in a JSON document."""
    yield list(prefix)
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, prefix + (index,))


def batch_bytes(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")


def with_checksum(document):
    """The document under a batch id of its own, with the checksum of its items."""
    TRIED["batch ids"] += 1
    manifest = document["manifest"]
    manifest["batch_id"] = f"20261121-{manifest['filing_type']}-{TRIED['batch ids']:06x}"
    manifest["items_sha256"] = batch_format.checksum_of(document["items"])
    return document


def check_batch(target, data: bytes) -> None:
    for command in ("validate", "import"):
        result = target.run(f"batch {command}", ["batch", command, "-"], data)
        if result.exit_code == 65:
            assert_batch_refusal(result, command)
        elif command == "import":
            target.run("batch import", ["batch", "import", "-"], data, ok=(0,))  # the same again adds nothing


@FEW
@given(filing_type=st.sampled_from(["renewal", "transfer", "license", "pledge"]), choice=st.data())
def test_batches_with_an_item_changed_and_the_checksum_recomputed(target, registers, filing_type, choice):
    document = json.loads(json.dumps(registers[1][filing_type]))
    item_paths = [p for p in paths(document["items"]) if p]
    for _ in range(choice.draw(st.integers(1, 3))):
        path = choice.draw(st.sampled_from(item_paths))
        set_at(document["items"], path, choice.draw(json_value))
        item_paths = [p for p in paths(document["items"]) if p]
    check_batch(target, batch_bytes(with_checksum(document)))


@FEW
@given(filing_type=st.sampled_from(["renewal", "transfer", "license", "pledge"]), choice=st.data())
def test_batches_with_bytes_changed(target, registers, filing_type, choice):
    data = bytearray(batch_bytes(registers[1][filing_type]))
    for _ in range(choice.draw(st.integers(1, 4))):
        position = choice.draw(st.integers(0, len(data) - 1))
        data[position] = choice.draw(st.integers(0, 255))
    check_batch(target, bytes(data))


@FEW
@given(data=st.binary(max_size=400) | json_value.map(lambda v: json.dumps(v).encode()))
def test_batches_of_anything(target, data):
    check_batch(target, data)


def renewal_item(registers) -> dict:
    return json.loads(json.dumps(registers[1]["renewal"]))


@pytest.mark.parametrize("spoil, rule", [
    (lambda item: item.update(received_on="2000-01-03"), "R-TM-WINDOW"),
    (lambda item: item["fees"].update(renewal=1), "FEE-TM"),
    (lambda item: item["new_term"].update(ends_on="2099-01-01"), "R-TM-RENEWED-TERM"),
    (lambda item: item["registrant"].update(id="91350100M000100Y44"), "ID-USCC"),
    (lambda item: item["mark"].update(expires_on="2016-02-30"), "BATCH-DATE"),
])
def test_a_batch_whose_checksum_matches_but_whose_item_breaks_a_rule_is_refused(target, registers, spoil, rule):
    document = renewal_item(registers)
    spoil(document["items"][0])
    document["manifest"]["fee_total"] = round(sum(item["fee_total"] for item in document["items"]), 2)
    data = batch_bytes(with_checksum(document))
    validated = target.run("batch validate", ["batch", "validate", "-"], data, ok=(65,))
    assert_batch_refusal(validated, "validate")
    assert "BATCH-CHECKSUM" not in validated.stderr and f"[{rule}]" in validated.stderr, validated.stderr
    imported = target.run("batch import", ["batch", "import", "-"], data, ok=(65,))
    assert_batch_refusal(imported, "import")


@pytest.mark.parametrize("payload", FORMULAS + ("\x00", "\x1b[2J"))
def test_formulas_and_control_characters_in_a_batch(target, registers, payload):
    """A name is free text: taken as it is, and the JSON never altered; a date or number is refused."""
    document = renewal_item(registers)
    document["items"][0]["registrant"]["name"] = payload
    check_batch(target, batch_bytes(with_checksum(document)))
    document = renewal_item(registers)
    document["items"][0]["received_on"] = payload
    data = batch_bytes(with_checksum(document))
    assert_batch_refusal(target.run("batch validate", ["batch", "validate", "-"], data, ok=(65,)), "validate")


@pytest.mark.parametrize("make", [
    lambda text: text.replace('"items"', '"items":[],"items"', 1),
    lambda text: text.replace('"seq": 1,', '"seq": 1, "seq": 2,', 1),
    lambda text: text[:len(text) // 2] + "\ufeff" + text[len(text) // 2:],
    lambda text: text.replace('"manifest"', '"x":' + DEEP + ',"manifest"', 1),
    lambda text: text.replace('"manifest"', '"x":' + "1" * 5000 + ',"manifest"', 1),
    lambda text: text.replace('"manifest"', '"x":"\\ud800","manifest"', 1),
    lambda text: text.replace('"manifest"', '"x":"' + "x" * TEN_MB + '","manifest"', 1),
], ids=["duplicate-items", "duplicate-seq", "bom-mid", "deep", "long-integer", "lone-surrogate", "10mb"])
def test_hostile_batch_texts_are_refused_with_their_place(target, registers, make):
    text = make(json.dumps(registers[1]["renewal"], ensure_ascii=False))
    data = text.encode("utf-8")
    for command in ("validate", "import"):
        assert_batch_refusal(target.run(f"batch {command}", ["batch", command, "-"], data, ok=(65,)), command)


@pytest.mark.parametrize("data", [b"\xff\xfe{}", "{}".encode("utf-16"), "{\"schema\": \"caf\xe9\"}".encode("latin-1"),
                                  b"{\x00}", b""])
def test_batches_in_wrong_encodings(target, data):
    for command in ("validate", "import"):
        assert_batch_refusal(target.run(f"batch {command}", ["batch", command, "-"], data, ok=(65,)), command)


# holiday files

day_entry = st.fixed_dictionaries({
    "name": cell, "date": st.one_of(st.dates().map(str), cell, st.integers(), st.none()),
    "isOffDay": st.one_of(st.booleans(), st.integers(0, 1), st.none(), cell)})
holiday_doc = st.fixed_dictionaries(
    {"year": st.one_of(st.integers(1890, 2210), cell, st.none(), st.booleans()),
     "days": st.one_of(st.lists(day_entry, max_size=5), json_value)},
    optional={"papers": json_value, "extra": json_value})


def assert_calendar_refusal(result) -> None:
    lines = lines_of(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("ipcli: error: ") and RULE_AT_END.search(lines[0]), lines[:3]
    if "not valid JSON" in lines[0]:
        assert re.search(r"line \d+, column \d+", lines[0]), lines[0]


@FUZZ
@given(document=holiday_doc | json_value)
def test_holiday_documents_of_any_shape(target, document):
    data = json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
    result = target.run("calendar import", ["calendar", "import", "-"], data)
    if result.exit_code == 65:
        assert_calendar_refusal(result)


@FUZZ
@given(data=st.binary(max_size=300))
def test_holiday_files_of_any_bytes(target, data):
    result = target.run("calendar import", ["calendar", "import", "-"], data)
    if result.exit_code == 65:
        assert_calendar_refusal(result)


HOLIDAY = '{"year": 2031, "papers": [], "days": [{"name": "元旦", "date": "2031-01-01", "isOffDay": true}]}'


@pytest.mark.parametrize("text", [
    HOLIDAY.replace('"days"', '"year": 2032, "days"'),
    HOLIDAY.replace('"date"', '"date": "2031-01-02", "date"'),
    HOLIDAY.replace('"papers": []', '"papers": ' + DEEP),
    HOLIDAY.replace('"papers": []', '"papers": ' + "9" * 5000),
    HOLIDAY.replace("元旦", "\\udc00"),
    HOLIDAY.replace("元旦", "=cmd|' /C calc'!A0").replace('"2031-01-01"', '"=1+1"'),
    HOLIDAY.replace('"2031-01-01"', '"2031-01-01\\u0000"'),
    HOLIDAY[:30] + "\ufeff" + HOLIDAY[30:],
    HOLIDAY.replace('"papers": []', '"papers": "' + "x" * TEN_MB + '", "papers2": []').replace('2031-', '2030-13-'),
], ids=["duplicate-year", "duplicate-date", "deep", "long-integer", "lone-surrogate", "formula", "nul", "bom-mid",
        "10mb"])
def test_hostile_holiday_files_are_refused(target, text):
    assert_calendar_refusal(target.run("calendar import", ["calendar", "import", "-"], text.encode(), ok=(65,)))


@pytest.mark.parametrize("data", ["{}".encode("utf-16"), HOLIDAY.encode("utf-16-le"), b'{"year": "caf\xe9"}'])
def test_holiday_files_in_wrong_encodings(target, data):
    assert_calendar_refusal(target.run("calendar import", ["calendar", "import", "-"], data, ok=(65,)))


# parsers of dates, numbers and identifiers

parser_text = st.one_of(st.text(max_size=40), st.from_regex(r"[+-]?[0-9]{1,30}(\.[0-9]{0,4})?", fullmatch=True),
                        st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True), st.sampled_from(FORMULAS),
                        st.just("9" * 5000), st.just("-" + "1" * 5000), st.just("1e999"), st.just("nan"),
                        st.just("٣"), st.just("１２"), st.just("\x00"))


def converts_or_usage_error(parser, text):
    try:
        parser.convert(text, None, None)
    except click.BadParameter:
        pass


@settings(deadline=None, max_examples=300)
@given(text=parser_text)
def test_value_parsers_return_or_refuse(text):
    TRIED["parsers"] += 1
    for parser in (DATE, IntRange(), IntRange(1, 20), IntRange(0, 3660, rule="R"), Amount(0), Amount(0, True)):
        converts_or_usage_error(parser, text)
    for validate in (identifiers.trademark_reg_no, identifiers.nice_class, identifiers.nice_classes,
                     identifiers.patent_app_no, identifiers.uscc, identifiers.resident_id, identifiers.owner_id):
        try:
            validate(text)
        except Rejected:
            pass
    try:
        parse_holiday_cn({"year": 2031, "days": [{"date": text, "isOffDay": True}]})
    except Rejected:
        pass


@FUZZ
@given(text=parser_text)
def test_date_and_number_options_exit_2_or_run(target, text):
    """Through the command line: a value that is not a date or a number in range is a usage error (2)."""
    target.run("options", ["calc", "workday", text], ok=(0, 2))
    target.run("options", ["calc", "renewal", "--registered", "2016-02-29", "--filed", "2026-01-05", "--classes",
                           text], ok=(0, 2))
    target.run("options", ["calc", "period", "--office", "patent", "--from", "2026-01-05", "--days", text], ok=(0, 2))
    target.run("options", ["log", "--limit", text, "--format", "json"], ok=(0, 2))
    target.run("options", ["filing", "show", text, "--format", "json"], ok=(0, 2, 65))
    target.run("options", ["pledge", "add", "7001840", "--pledgee", "Bank", "--amount", text, "--from", "2026-01-01",
                           "--to", "2027-01-01", "--filed", "2026-01-05"], ok=(2, 65))
    target.run("options", ["license", "add", "7001840", "--licensee", "L", "--from", "2026-01-01", "--to", "2027-01-01",
                           "--filed", "2026-01-05", "--amount", text], ok=(2, 65))


@FUZZ
@given(reg_no=parser_text, classes=parser_text, owner_id=parser_text, registered=parser_text)
def test_mark_add_with_hostile_values(target, reg_no, classes, owner_id, registered):
    target.run("mark add", ["mark", "add", reg_no, "--registered", registered, "--classes", classes, "--owner-id",
                            owner_id], ok=(0, 2, 65))


@pytest.mark.parametrize("value", ["9" * 400, "1" * 5000, "1e999"])
def test_an_infinite_amount_is_refused(target, value):
    """float("9" * 400) is inf, which JSON cannot hold: it used to be written, and break `stats`."""
    result = target.run("options", ["license", "add", "7001840", "--licensee", "L", "--from", "2026-01-01", "--to",
                                    "2027-01-01", "--filed", "2026-01-05", "--amount", value], ok=(2,))
    assert "--amount" in result.stderr


@pytest.mark.parametrize("value", [str(2 ** 63), "1" * 5000, "٣"])
def test_integers_beyond_sqlite_or_python_are_usage_errors(target, value):
    for args in (["log", "--limit", value], ["filing", "show", value],
                 ["pledge", "release", value, "--on", "2026-11-21"]):
        target.run("options", args, ok=(2,))
