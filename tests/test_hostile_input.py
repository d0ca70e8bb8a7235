"""Hostile input (issue 16): values that end in a line feed, dates that are no calendar day, party
names a filing needs left null, holiday tables for years ipcli does not keep, oversized CSV fields
and headers, and files in two encodings at once. Each is refused (exit 65, or 2 for an option) with
one line naming its place, and a refusal writes nothing (the register is compared before and after,
test_fuzz.Target)."""

import codecs
import copy
import functools
import itertools
import json
import re
from pathlib import Path

import fastjsonschema
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import test_fuzz
from ipcli.register import batch_format
from ipcli.rules.calendar import WorkCalendar
from test_fuzz import MARK_HEADER, assert_batch_refusal, assert_import_refusal, batch_bytes, csv_bytes, \
    good_mark_csv, lines_of, paths, set_at, with_checksum

# The fuzz tests' registers (the sample portfolio, and a batch of each type exported from another
# register) and the Target that runs commands on them.
registers = test_fuzz.registers
target = test_fuzz.target

SCHEMAS = Path(__file__).parents[1] / "schemas"
PATTERN_END = "$(?!\\n)"
FILING_TYPES = ("renewal", "transfer", "license", "pledge")
CASES = settings(deadline=None, max_examples=100,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def document_of(registers, filing_type: str) -> dict:
    return copy.deepcopy(registers[1][filing_type])


# 1. Patterns: `$` in Python also matches before a final line feed.

def schema_patterns() -> list[tuple[str, str]]:
    """(schema file, pattern) of every string pattern in every schema."""

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                yield node["pattern"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return [(path.name, pattern) for path in sorted(SCHEMAS.glob("*.json"))
            for pattern in walk(json.loads(path.read_text(encoding="utf-8")))]


PATTERNS = schema_patterns()


def test_every_schema_has_its_patterns_found():
    assert {name for name, _ in PATTERNS} == {path.name for path in SCHEMAS.glob("*.json")}
    assert len(PATTERNS) >= 17


@functools.cache
def validators(pattern: str):
    schema = {"type": "string", "pattern": pattern}
    return jsonschema.Draft7Validator(schema), fastjsonschema.compile(schema)


@pytest.mark.parametrize("name, pattern", PATTERNS, ids=[f"{n}:{p}" for n, p in PATTERNS])
@CASES
@given(choice=st.data())
def test_each_pattern_matches_whole_values_alike_in_jsonschema_and_fastjsonschema(name, pattern, choice):
    """Both validators take exactly the values that the pattern's body matches whole: a value with a
    line feed before or after it, or any other text, only where the body allows it."""
    assert pattern.startswith("^") and pattern.endswith(PATTERN_END)
    body = pattern[1:-len(PATTERN_END)]
    full, fast = validators(pattern)
    value = choice.draw(st.from_regex(body, fullmatch=True) | st.text(max_size=12))
    for text in (value, value + "\n", value + "\r\n", "\n" + value, value + "\n\n", value + "\nx"):
        expected = re.fullmatch(body, text) is not None
        assert full.is_valid(text) == expected, (text, "jsonschema")
        try:
            fast(text)
            taken = True
        except fastjsonschema.JsonSchemaValueException:
            taken = False
        assert taken == expected, (text, "fastjsonschema")


def patterned_paths(document: dict) -> list[tuple]:
    """The paths of the values that a schema pattern checks: in the manifest, and in the first item
    that has each (the first item with a patent for a patent's)."""
    names = {"batch_id", "created_at", "items_sha256", "reg_no", "app_no"}
    found = {}
    for path in paths(document):
        value = document
        for key in path:
            value = value[key]
        if isinstance(value, str) and (path[-1] in names or str(path[-1]).endswith("_on")):
            found.setdefault(tuple("*" if n == 1 and path[0] == "items" else key for n, key in enumerate(path)),
                             tuple(path))
    return list(found.values())


@pytest.fixture(scope="module")
def line_feed_cases(registers):
    """(document, path) of each patterned value of the sample's batches, and of a pledge of a patent."""
    documents = [registers[1][filing_type] for filing_type in FILING_TYPES]
    pledge = copy.deepcopy(registers[1]["pledge"])
    shown = test_fuzz.run_cli(registers[0], ["patent", "show", "201210100006.7", "--format", "json"])
    pledge["items"][0]["patents"] = [batch_format.patent_object(json.loads(shown.stdout))]
    return [(document, path) for document in documents + [pledge] for path in patterned_paths(document)]


def test_a_line_feed_after_any_patterned_value_of_a_batch_is_refused(target, line_feed_cases):
    """`"received_on": "2026-11-21\\n"` or a batch id `"B-x\\n"` used to validate and import, and later
    commands to crash on it."""
    assert len(line_feed_cases) >= 40 and {path[-1] for _, path in line_feed_cases} >= {
        "batch_id", "created_at", "items_sha256", "received_on", "reg_no", "app_no", "expires_on", "filed_on"}
    for original, path in line_feed_cases:
        document = with_checksum(copy.deepcopy(original))
        value = document
        for key in path:
            value = value[key]
        set_at(document, list(path), value + "\n")
        if path[0] == "items":
            document["manifest"]["items_sha256"] = batch_format.checksum_of(document["items"])
        data = batch_bytes(document)
        validated = target.run("batch validate", ["batch", "validate", "-"], data, ok=(65,))
        assert_batch_refusal(validated, "validate")
        assert any(f".{path[-1]}: " in line and line.endswith("[BATCH-SCHEMA]")
                   for line in lines_of(validated.stderr)), (path, validated.stderr)
        assert_batch_refusal(target.run("batch import", ["batch", "import", "-"], data, ok=(65,)), "import")


def test_what_the_fast_validator_refuses_stays_refused_when_the_full_one_finds_nothing(registers, monkeypatch):
    class FindsNothing:
        def iter_errors(self, instance):
            return iter(())

    monkeypatch.setattr(batch_format, "_full_validator", lambda name: FindsNothing())
    document = document_of(registers, "renewal")
    document["items"][0]["received_on"] = "not a date"
    document["manifest"]["items_sha256"] = batch_format.checksum_of(document["items"])
    problems, _ = batch_format.check_document(document, WorkCalendar({}))
    assert [(p.path, p.key, p.rule) for p in problems] == [("$.items[0]", "batch.schema_other", "BATCH-SCHEMA")]
    assert "received_on" in problems[0].params["detail"]


@pytest.mark.parametrize("created_at", ["2026-13-45T10:00:00+08:00", "2026-11-21T25:61:00+08:00",
                                        "2026-02-30T10:00:00Z", "2026-11-21T10:00:00+24:00"])
def test_a_creation_time_that_is_no_real_moment_is_refused(target, registers, created_at):
    document = with_checksum(document_of(registers, "renewal"))
    document["manifest"]["created_at"] = created_at
    data = batch_bytes(document)
    validated = target.run("batch validate", ["batch", "validate", "-"], data, ok=(65,))
    assert f"stdin: $.manifest.created_at: {created_at} is not a real date and time [BATCH-DATE]" in validated.stderr
    assert_batch_refusal(target.run("batch import", ["batch", "import", "-"], data, ok=(65,)), "import")


# 14. A party the filing needs by name, left null (a NOT NULL column: IntegrityError, exit 1).

@pytest.mark.parametrize("filing_type, role", [("license", "licensee"), ("pledge", "pledgee"),
                                               ("transfer", "assignee")])
def test_a_null_licensee_pledgee_or_assignee_name_is_refused_by_the_schema(target, registers, filing_type, role):
    document = document_of(registers, filing_type)
    document["items"][0][role]["name"] = None
    data = batch_bytes(with_checksum(document))
    validated = target.run("batch validate", ["batch", "validate", "-"], data, ok=(65,))
    assert f"stdin: $.items[0].{role}.name: null is not of type string [BATCH-SCHEMA]" in validated.stderr
    imported = target.run("batch import", ["batch", "import", "-"], data, ok=(65,))
    assert_batch_refusal(imported, "import")
    assert f"$.items[0].{role}.name" in imported.stderr


def test_null_names_the_filings_do_without_still_import(target, registers):
    """The licensor, pledgor and debtor are columns that may be empty: their null names are taken."""
    for filing_type, role in (("license", "licensor"), ("pledge", "pledgor"), ("pledge", "debtor")):
        document = document_of(registers, filing_type)
        document["items"][0][role]["name"] = None
        data = batch_bytes(with_checksum(document))
        target.run("batch import", ["batch", "import", "-"], data, ok=(0,))


# Numbers that JSON cannot hold, or SQLite: taken as infinity (and written back as Infinity, which
# broke `stats`), or overflowing an INTEGER column (OverflowError, exit 1).

AMOUNTS = {"license": "amount", "pledge": "secured_amount"}


@pytest.mark.parametrize("filing_type", AMOUNTS)
@pytest.mark.parametrize("written", ["1e400", "-1e400", "Infinity", "-Infinity", "NaN", "1" + "0" * 30, "1e12",
                                     "1000000000000.01"])
def test_an_amount_json_or_sqlite_cannot_hold_is_refused(target, registers, filing_type, written):
    document = with_checksum(document_of(registers, filing_type))
    document["items"][0][AMOUNTS[filing_type]] = json.loads(written) if written.isdigit() else float(written)
    document["manifest"]["items_sha256"] = batch_format.checksum_of(document["items"])
    data = batch_bytes(document).replace(b"Infinity", written.lstrip("-").encode()) if "e4" in written \
        else batch_bytes(document)
    ok = (0,) if written == "1e12" else (65,)
    for command in ("validate", "import"):
        result = target.run(f"batch {command}", ["batch", command, "-"], data, ok=ok)
        if ok == (65,):
            assert_batch_refusal(result, command)
    assert test_fuzz.run_cli(registers[0], ["stats", "--format", "json"]).exit_code == 0


def test_numbers_that_are_not_finite_are_refused_in_json_lines_and_holiday_files(target):
    for number in ("NaN", "Infinity", "-Infinity", "1e400"):
        line = '{"reg_no": "7001920", "classes": "9", "registered_on": "2016-02-29", "x": %s}\n' % number
        result = target.run("mark import", ["mark", "import", "-", "--input-format", "jsonl"], line.encode(),
                            ok=(65,))
        assert lines_of(result.stderr)[0] == "stdin:1: a number that is not finite: NaN, Infinity, or too large " \
                                             f"(at character {line.index(number) + 1}) [IMPORT-FORMAT]"
        data = holiday(2031).replace(b'"papers": []', b'"papers": [%s]' % number.encode())
        result = target.run("calendar import", ["calendar", "import", "-"], data, ok=(65,))
        assert f"number not finite at line 1, column {data.index(number.encode()) + 1}" in result.stderr


# 17. Years, field sizes and dates that are no calendar day.

def holiday(year: int, day: str | None = None) -> bytes:
    entry = {"name": "元旦", "date": day or f"{year}-01-01", "isOffDay": True}
    return json.dumps({"year": year, "papers": [], "days": [entry]}).encode()


@pytest.mark.parametrize("year", [1900, 1979])
def test_a_holiday_table_before_1980_is_refused(target, year):
    result = target.run("calendar import", ["calendar", "import", "-"], holiday(year), ok=(65,))
    expected = f"the holiday table is for {year}, outside the years 1980..2199 [R-WORKDAY]"
    assert lines_of(result.stderr) == [f"ipcli: error: {expected}"]
    for command in (["calendar", "import", "-", "--year", str(year)], ["calendar", "fetch", str(year)]):
        assert "1980" in target.run("calendar options", command, holiday(year), ok=(2,)).stderr


@pytest.mark.parametrize("year", [1980, 2199])
def test_the_first_and_last_years_are_taken(target, year):
    result = target.run("calendar import", ["calendar", "import", "-", "--dry-run", "--format", "json"],
                        holiday(year), ok=(0,))
    assert json.loads(result.stdout)["year"] == year


FIELD_LIMIT = 131_072


@pytest.mark.parametrize("where", ["row", "header"])
def test_a_csv_field_over_128_kib_is_named_as_too_large_not_as_a_quote(target, where):
    long = "x" * (FIELD_LIMIT + 1)
    if where == "row":
        data = csv_bytes([good_mark_csv(reg_no="7001901"), good_mark_csv(reg_no="7001902", name=long)],
                         MARK_HEADER)
        line = 3
    else:
        data = csv_bytes([good_mark_csv(reg_no="7001903")], MARK_HEADER + [long])
        line = 1
    result = target.run("mark import", ["mark", "import", "-"], data, ok=(65,))
    assert_import_refusal(result)
    assert (f"stdin:{line}: a field of this row is longer than {FIELD_LIMIT} characters [IMPORT-FORMAT]"
            in lines_of(result.stderr)), result.stderr[:500]
    assert "quote" not in result.stderr and long not in result.stderr


def test_a_field_of_128_kib_is_taken(target):
    name = "x" * FIELD_LIMIT
    data = csv_bytes([good_mark_csv(reg_no="7001904", name=name)], MARK_HEADER)
    target.run("mark import", ["mark", "import", "-"], data, ok=(0,))


def mark_row_dated(day: str) -> bytes:
    return csv_bytes([good_mark_csv(reg_no="7001905", registered_on=day)], MARK_HEADER)


def batch_dated(registers, day: str) -> bytes:
    document = with_checksum(document_of(registers, "renewal"))
    document["items"][0]["grace_ends_on"] = day
    document["manifest"]["items_sha256"] = batch_format.checksum_of(document["items"])
    return batch_bytes(document)


# Every reader of a date: what it is given, the command, and the exit code of its refusal.
DATE_READERS = {
    "option": (lambda registers, day: None, lambda day: ["calc", "workday", day], 2),
    "today": (lambda registers, day: None, lambda day: ["--today", day, "calc", "workday", "2026-11-23"], 2),
    "import": (lambda registers, day: mark_row_dated(day), lambda day: ["mark", "import", "-"], 65),
    "batch": (batch_dated, lambda day: ["batch", "validate", "-"], 65),
    "holiday file": (lambda registers, day: holiday(2027, day), lambda day: ["calendar", "import", "-"], 65),
}


@pytest.mark.parametrize("reader", DATE_READERS)
@pytest.mark.parametrize("day", ["2027-02-30", "2027-02-29", "2027-13-01", "2027-00-10", "2027-04-31"])
def test_a_day_that_does_not_exist_is_called_no_calendar_date_by_every_reader(target, registers, reader, day):
    data, command, code = DATE_READERS[reader]
    result = target.run(f"date {reader}", command(day), data(registers, day), ok=(code,))
    assert "not a calendar date" in result.stderr, result.stderr


# 10. Headers of many columns.

def wide_header(count: int, *extra: str) -> list[str]:
    return MARK_HEADER + [f"other{n}" for n in range(count - len(MARK_HEADER) - len(extra))] + list(extra)


def test_a_header_of_100000_columns_is_refused_at_once(target):
    """It used to take minutes: each column name was counted in the whole header."""
    header = wide_header(100_000)
    data = csv_bytes([good_mark_csv(reg_no="7001906") + [""] * (len(header) - len(MARK_HEADER))], header)
    result = target.run("mark import", ["mark", "import", "-"], data, ok=(65,))
    assert lines_of(result.stderr)[0] == "stdin:1: the header has 100000 columns; at most 1000 are read " \
                                         "[IMPORT-FORMAT]"


def test_a_header_of_1000_columns_is_read_and_other_columns_may_repeat(target, registers):
    header = wide_header(1_000, "other", "other", "other")
    data = csv_bytes([good_mark_csv(reg_no="7001907") + [""] * (len(header) - len(MARK_HEADER))], header)
    target.run("mark import", ["mark", "import", "-"], data, ok=(0,))
    twice = wide_header(1_000, "owner")
    data = csv_bytes([good_mark_csv(reg_no="7001908") + [""] * (len(twice) - len(MARK_HEADER))], twice)
    result = target.run("mark import", ["mark", "import", "-"], data, ok=(65,))
    assert lines_of(result.stderr)[0] == "stdin:1: column owner appears twice in the header [IMPORT-FORMAT]"


def test_a_json_line_of_100000_other_keys_is_read(target):
    record = {"reg_no": "7001909", "classes": "9", "registered_on": "2016-02-29",
              **{f"other{n}": n for n in range(100_000)}}
    target.run("mark import", ["mark", "import", "-", "--input-format", "jsonl"],
               (json.dumps(record) + "\n").encode(), ok=(0,))


# 5. One file, one encoding.

def level_one_hanzi() -> list[str]:
    """The 3,755 most common characters (GB 2312 level 1, rows 0xB0-0xD7)."""
    found = []
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                found.append(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return found


HANZI = level_one_hanzi()
# Their first byte is no UTF-8 lead byte: a name starting with one of them is never UTF-8.
NOT_UTF8_START = [c for c in HANZI if 0x80 <= c.encode("gb18030")[0] <= 0xBF]
# 模 in GB18030 is C4 A3, which is also UTF-8 (for ģ): a line of it is no sign of UTF-8 text.
UTF8_LOOKALIKE = bytes([0xC4, 0xA3]).decode("gb18030")
MIXED = "this line is not UTF-8 text, but line {} is: a file is read in one encoding, UTF-8 or GB18030 " \
        "[IMPORT-ENCODING]"


def mark_line(reg_no: int, name: str) -> str:
    return f"{reg_no},9,{name},,,,2016-02-29,\n"


def import_bytes(target, data: bytes, ok, fmt: str = "csv"):
    return target.run("mark import", ["mark", "import", "-", "--input-format", fmt, "--format", "json"], data,
                      ok=ok)


HEAD = "reg_no,classes,name,owner,owner_id,kind,registered_on,window\n"


@pytest.mark.parametrize("utf8_first", [True, False], ids=["utf8-then-gb18030", "gb18030-then-utf8"])
def test_a_utf8_row_and_a_gb18030_row_in_one_file_are_refused(target, utf8_first):
    """Two characters in UTF-8 are six bytes, which GB18030 reads as three characters of mojibake:
    the whole file is GB18030 as well, and used to be imported so."""
    utf8, gb = mark_line(7001910, "商标").encode(), mark_line(7001911, "闽光").encode("gb18030")
    assert (HEAD.encode() + utf8 + gb).decode("gb18030")
    data = HEAD.encode() + (utf8 + gb if utf8_first else gb + utf8)
    result = import_bytes(target, data, ok=(65,))
    assert_import_refusal(result)
    expected = "stdin:3: " + MIXED.format(2) if utf8_first else "stdin:2: " + MIXED.format(3)
    assert lines_of(result.stderr)[0] == expected


def test_overlong_utf8_is_refused(target):
    """C0 AF, an overlong "/", is no UTF-8, but GB18030 reads it as a character."""
    data = HEAD.encode() + mark_line(7001912, "商标").encode() + b"7001913,9,\xc0\xaf,,,,2016-02-29,\n"
    assert data.decode("gb18030")
    result = import_bytes(target, data, ok=(65,))
    assert lines_of(result.stderr)[0] == "stdin:3: " + MIXED.format(2)


def test_a_utf8_bom_before_gb18030_rows_is_refused(target):
    data = codecs.BOM_UTF8 + HEAD.encode() + mark_line(7001914, "闽光").encode("gb18030")
    result = import_bytes(target, data, ok=(65,))
    assert lines_of(result.stderr)[0] == "stdin:2: " + MIXED.format(1)


def test_mixed_json_lines_are_refused(target):
    lines = [json.dumps({"reg_no": str(7001915 + n), "classes": "9", "registered_on": "2016-02-29", "name": name},
                        ensure_ascii=False) + "\n" for n, name in enumerate(["商标", "闽光"])]
    data = lines[0].encode() + lines[1].encode("gb18030")
    result = import_bytes(target, data, ok=(65,), fmt="jsonl")
    assert lines_of(result.stderr)[0] == "stdin:2: " + MIXED.format(1)


def test_gb18030_rows_that_look_partly_like_utf8_are_no_sign_of_it(target, registers):
    """模 is UTF-8 for ģ; 洹啊 starts with the bytes of a UTF-8 ideograph (E4 A1 B0), then is no UTF-8."""
    names = (UTF8_LOOKALIKE, "洹啊", "闽光")
    assert "洹啊".encode("gb18030").startswith(b"\xe4\xa1\xb0")
    data = (HEAD + "".join(mark_line(7001917 + n, name) for n, name in enumerate(names))).encode("gb18030")
    import_bytes(target, data, ok=(0,))
    for reg_no, name in zip(range(7001917, 7001920), names):
        shown = test_fuzz.run_cli(registers[0], ["mark", "show", reg_no, "--format", "json"])
        assert json.loads(shown.stdout)["name"] == name


REG_NOS = itertools.count(7_100_000, 10)  # ten numbers for each file of the property below
gb_name = st.tuples(st.sampled_from(NOT_UTF8_START), st.text(st.sampled_from(HANZI), max_size=6)).map("".join)


@CASES
@given(names=st.lists(gb_name, min_size=1, max_size=6),
       utf8_name=st.text(st.sampled_from(HANZI), min_size=1, max_size=6), choice=st.data())
def test_gb18030_files_are_read_as_written_and_one_utf8_row_among_them_is_refused(
        target, registers, names, utf8_name, choice):
    first = next(REG_NOS)
    rows = [mark_line(first + n, name).encode("gb18030") for n, name in enumerate(names)]
    at = choice.draw(st.integers(0, len(rows)))
    mixed = rows[:at] + [mark_line(first + 9, utf8_name).encode()] + rows[at:]
    result = import_bytes(target, HEAD.encode() + b"".join(mixed), ok=(65,))
    assert_import_refusal(result)
    assert lines_of(result.stderr)[0].endswith("[IMPORT-ENCODING]")
    import_bytes(target, HEAD.encode() + b"".join(rows), ok=(0,))
    shown = test_fuzz.run_cli(registers[0], ["mark", "show", first, "--format", "json"])
    assert json.loads(shown.stdout)["name"] == names[0]
