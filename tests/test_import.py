"""`ipcli mark import` and `ipcli patent import`: encodings, formats, every kind of bad row with its
line, all-or-nothing, idempotent re-imports, --update, --dry-run, and a row equal to mark_row's."""

import codecs
import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ipcli.cli import cli
from ipcli.db import bulk
from ipcli.db.location import register_location
from ipcli.errors import Rejected
from ipcli.register import importing, rights
from ipcli.register.importing import reading, writers
from ipcli.register.importing import rows as import_rows
from ipcli.rules.calendar import WorkCalendar
from ipcli.rules.identifiers import patent_check_char
from tests.conftest import BASE_ENV, on_postgresql, register_sql

USCC = "91350100M000100Y43"
RIC = "11010519491231002X"
HEADER = "reg_no,classes,name,owner,owner_id,kind,registered_on,window\n"
GOOD = [
    f"7001840,9;35,闽光,福建闽光食品有限公司,{USCC},ordinary,2016-02-29,FZ01\n",
    "2501449,\"9,35\",Bright,Fuzhou Bright Tea Co.,,collective,2020-05-29,\n",
    "40974818,16,,张三,,,2014-03-07,XM02\n",
]


def app_no(digits: str) -> str:
    return f"{digits}.{patent_check_char(digits)}"


def write(tmp_path, name: str, text: str, encoding: str = "utf-8", bom: bytes = b""):
    path = tmp_path / name
    path.write_bytes(bom + text.encode(encoding))
    return path


def as_json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if "warning:" not in line]


def marks_in(register) -> int:
    return register_sql(register, "SELECT count(*) FROM marks")[0][0]


MARK_INDEXES = {"marks_reg_no", "marks_expires_on", "marks_renewal_window_opens_on", "marks_grace_ends_on",
                "marks_owner"}


def mark_indexes(register, unique: bool = False) -> set:
    """The names of the marks table's indexes (only its unique ones)."""
    if on_postgresql(register):
        rows = register_sql(register, "SELECT indexname, indexdef LIKE 'CREATE UNIQUE%' FROM pg_indexes "
                                      "WHERE tablename = 'marks'")
    else:
        rows = register_sql(register, "SELECT name, \"unique\" FROM pragma_index_list('marks') "
                                      "WHERE origin = 'c'")
    return {name for name, is_unique in rows if is_unique or not unique}


def journal(invoke) -> list:
    return json.loads(invoke("log", "--format", "json").stdout)


@pytest.fixture
def mark_file(tmp_path):
    return write(tmp_path, "marks.csv", HEADER + "".join(GOOD))


def test_csv_with_bom_is_imported(invoke, tmp_path):
    path = write(tmp_path, "marks.csv", HEADER + "".join(GOOD), bom=codecs.BOM_UTF8)
    summary = as_json(invoke("-q", "mark", "import", path, "--format", "json"))
    assert summary == {"file": str(path), "rows_read": 3, "added": 3, "unchanged": 0, "updated": 0, "dry_run": False}
    shown = as_json(invoke("mark", "show", "7001840", "--format", "json"))
    assert (shown["classes"], shown["name"], shown["expires_on"], shown["owner_id"]) == \
        ([9, 35], "闽光", "2026-02-28", USCC)
    assert as_json(invoke("mark", "show", "2501449", "--format", "json"))["classes"] == [9, 35]
    assert as_json(invoke("mark", "show", "40974818", "--format", "json"))["kind"] == "ordinary"


def test_csv_in_gb18030_is_detected(invoke, tmp_path):
    path = write(tmp_path, "marks.csv", HEADER + GOOD[0], encoding="gb18030")
    assert path.read_bytes().decode("gb18030") and not _is_utf8(path.read_bytes())
    as_json(invoke("-q", "mark", "import", path, "--format", "json"))
    shown = as_json(invoke("mark", "show", "7001840", "--format", "json"))
    assert (shown["name"], shown["owner"]) == ("闽光", "福建闽光食品有限公司")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_bytes_of_neither_encoding_are_refused_at_their_line(invoke, tmp_path, register):
    path = tmp_path / "marks.csv"
    path.write_bytes(HEADER.encode() + GOOD[2].encode() + b"1,9,\x80,,,,2020-01-01,\n")
    result = invoke("mark", "import", path)
    assert result.exit_code == 65
    assert error_lines(result) == [f"{path}:3: the bytes are neither UTF-8 nor GB18030 text [IMPORT-ENCODING]",
                                   f"ipcli: error: {path} rejected; nothing was written [IMPORT-CHECK]"]
    assert marks_in(register) == 0


def jsonl_marks() -> str:
    rows = [{"reg_no": "7001840", "classes": [9, 35], "registered_on": "2016-02-29", "owner_id": RIC, "extra": 1},
            {"reg_no": 2501449, "classes": "9;35", "registered_on": "2020-05-29", "kind": None}]
    return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n"


@pytest.mark.parametrize("name, args", [
    ("marks.jsonl", ()), ("marks.txt", ()), ("marks.csv", ("--input-format", "jsonl"))])
def test_jsonl_by_extension_sniffing_or_option(invoke, tmp_path, name, args):
    path = write(tmp_path, name, "\n" + jsonl_marks())
    assert as_json(invoke("-q", "mark", "import", path, *args, "--format", "json"))["added"] == 2
    shown = as_json(invoke("mark", "show", "7001840", "--format", "json"))
    assert (shown["classes"], shown["owner_id"]) == ([9, 35], RIC)


def stdin_invoke(register, *args, data: str):
    runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": register})
    return runner.invoke(cli, [str(a) for a in args], input=data.encode("utf-8"), catch_exceptions=False)


@pytest.mark.parametrize("data", [HEADER + "".join(GOOD), jsonl_marks()])
def test_stdin_is_read_as_csv_or_sniffed_jsonl(invoke, register, data):
    summary = as_json(stdin_invoke(register, "-q", "mark", "import", "-", "--format", "json", data=data))
    assert summary["file"] == "stdin" and summary["added"] == data.count("\n") - data.startswith("reg_no")
    assert journal(invoke)[-1]["record_id"] == "import:stdin"


def test_stdin_errors_name_stdin(register):
    result = stdin_invoke(register, "mark", "import", "-", data=HEADER + GOOD[0].replace("9;35", "46"))
    assert result.exit_code == 65
    assert error_lines(result)[0] == "stdin:2: '46' is not a Nice class: classes run 1..45 [ID-NICE-CLASS]"


BAD_MARKS = [
    ("7001840,9,,,,,2025-02-30,\n", "registered_on: 2025-02-30 is not a calendar date [IMPORT-DATE]"),
    ("7001840,9,,,,,03/02/2025,\n",
     "registered_on: '03/02/2025' could be more than one date; write the year first, in four digits: 2025-06-01, "
     "2025-6-1, 2025/6/1, 2025.6.1, 20250601 or 2025年6月1日 [IMPORT-DATE]"),
    ("7001840,9,,,,,today,\n", "registered_on: 'today' is not a date; write 2025-06-01, 2025-6-1, 2025/6/1, "
                               "2025.6.1, 20250601 or 2025年6月1日 [IMPORT-DATE]"),
    ("7001840,9,,,,,1979-12-31,\n",
     "registered_on: 1979-12-31 is outside the supported dates 1980-01-01..2199-12-31 [IMPORT-DATE]"),
    ("7001840,9;46,,,,,2020-01-01,\n", "'46' is not a Nice class: classes run 1..45 [ID-NICE-CLASS]"),
    ("7001840,9;9,,,,,2020-01-01,\n", "'9;9' lists class 9 twice [ID-NICE-CLASS]"),
    ("7001840,9,,,91350100M000100Y44,,2020-01-01,\n",
     "'91350100M000100Y44': check character 4 is wrong, expected 3 [ID-USCC]"),
    ("70018401234,9,,,,,2020-01-01,\n",
     "'70018401234' has 11 digits; registration numbers have at most 8 [ID-TM-REG-NO]"),
    ("7001840,9,,,,plant,2020-01-01,\n",
     "'plant' is not a kind of mark: ordinary, collective, certification [IMPORT-VALUE]"),
    ("7001840,,,,,,2020-01-01,\n", "classes is empty [IMPORT-FORMAT]"),
    ("7001840,9,,,,,2020-01-01\n", "7 fields where the header has 8 [IMPORT-FORMAT]"),
    ("7001840,9,\"A\"B,,,,2020-01-01,\n",
     "malformed CSV: a quote is not closed or stray text follows a closing quote [IMPORT-FORMAT]"),
]


@pytest.mark.parametrize("row, message", BAD_MARKS)
def test_each_bad_mark_row_is_refused_with_its_line_and_rule(invoke, tmp_path, register, row, message):
    path = write(tmp_path, "marks.csv", HEADER + GOOD[0] + row + GOOD[2])
    result = invoke("mark", "import", path)
    assert result.exit_code == 65
    assert error_lines(result) == [f"{path}:3: {message}",
                                   f"ipcli: error: {path}: 1 of 3 rows rejected; nothing was written [IMPORT-CHECK]"]
    assert marks_in(register) == 0


def test_term_start_before_registration_cites_the_term_rule(invoke, tmp_path):
    path = write(tmp_path, "m.csv", "reg_no,classes,registered_on,term_starts_on\n1,9,2020-01-01,2019-01-01\n")
    result = invoke("mark", "import", path)
    assert error_lines(result)[0] == f"{path}:2: term start 2019-01-01 is before the registration date 2020-01-01 " \
                                     "[R-TM-TERM]"


def test_a_registration_number_twice_in_one_input_is_refused(invoke, tmp_path, register):
    path = write(tmp_path, "marks.csv", HEADER + GOOD[0] + GOOD[1] + GOOD[0].replace("2016-02-29", "2017-01-01"))
    result = invoke("mark", "import", path)
    assert result.exit_code == 65
    assert error_lines(result)[0] == f"{path}:4: 7001840 appears again in this input (first on line 2) " \
                                     "[IMPORT-DUPLICATE]"
    assert marks_in(register) == 0 and mark_indexes(register) == MARK_INDEXES


def test_repeated_keys_across_chunks_name_the_first_valid_row(invoke, tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_ROWS", 2)
    rows = ["5,9,,,,,2020-02-30,\n",  # line 2: invalid, so line 4 is the first valid row with 5
            "6,9,,,,,2020-01-01,\n", "5,9,,,,,2020-01-02,\n", "7,9,,,,,2020-01-03,\n", "8,9,,,,,2020-01-04,\n",
            "6,9,,,,,2020-01-05,\n", "5,9,,,,,2020-01-06,\n"]
    path = write(tmp_path, "marks.csv", HEADER + "".join(rows))
    result = invoke("mark", "import", path)
    assert result.exit_code == 65
    assert error_lines(result)[:4] == [
        f"{path}:2: registered_on: 2020-02-30 is not a calendar date [IMPORT-DATE]",
        f"{path}:7: 6 appears again in this input (first on line 3) [IMPORT-DUPLICATE]",
        f"{path}:8: 5 appears again in this input (first on line 4) [IMPORT-DUPLICATE]",
        f"ipcli: error: {path}: 3 of 7 rows rejected; nothing was written [IMPORT-CHECK]"]


@pytest.mark.sqlite_only("PRAGMA foreign_keys and threads are settings of an SQLite connection")
def test_the_write_restores_the_connection_settings(tmp_path):
    from ipcli.db.store import Store

    store = Store(tmp_path / "ipcli.db")
    importer = importing.Importer("mark", store, rights.KeyDates(WorkCalendar({})))
    with importing.open_source(str(write(tmp_path, "marks.csv", HEADER + "".join(GOOD))), None) as source:
        report = importer.check(source)
    importer.write(report)
    pragmas = [store.db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("foreign_keys", "threads")]
    assert pragmas == [1, 0]
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
    store.close()


def test_a_row_conflicting_with_the_stored_mark_is_refused(invoke, tmp_path, mark_file):
    as_json(invoke("-q", "mark", "import", mark_file, "--format", "json"))
    changed = write(tmp_path, "changed.csv", HEADER + GOOD[0] + GOOD[1].replace("Bright,", "Brighter,") + GOOD[2])
    result = invoke("mark", "import", changed)
    assert result.exit_code == 65
    assert error_lines(result) == [
        f"{changed}:3: 2501449 is already in the register with different data; --update replaces it "
        "[IMPORT-CONFLICT]",
        f"ipcli: error: {changed}: 1 of 3 rows rejected; nothing was written [IMPORT-CHECK]"]
    assert as_json(invoke("mark", "show", "2501449", "--format", "json"))["name"] == "Bright"


def test_changed_classes_are_a_conflict(invoke, tmp_path, mark_file):
    as_json(invoke("-q", "mark", "import", mark_file, "--format", "json"))
    changed = write(tmp_path, "changed.csv", HEADER + GOOD[0].replace("9;35", "9;36"))
    assert invoke("mark", "import", changed).exit_code == 65


def test_missing_column_is_refused_at_the_header(invoke, tmp_path):
    path = write(tmp_path, "marks.csv", "\nreg_no,classes\n1,9\n")
    result = invoke("mark", "import", path)
    assert error_lines(result) == [
        f"{path}:2: the header has no column registered_on (accepted: registered_on, 注册日期, 注册日, registered on) "
        "[IMPORT-FORMAT]",
        f"ipcli: error: {path} rejected; nothing was written [IMPORT-CHECK]"]


def test_every_missing_column_is_listed_once_with_the_names_it_accepts(invoke, tmp_path):
    path = write(tmp_path, "marks.csv", "名称,权利人\nA,B\nC,D\n")
    result = invoke("mark", "import", path, env={"IPCLI_LANG": "zh"})
    assert error_lines(result)[0] == (
        f"{path}:1: 表头中没有列 reg_no（可写作：reg_no, 注册号, 商标注册号, 注册证号, registration no.）；"
        "classes（可写作：classes, 类别, 国际分类, 类别号, 商品类别, 尼斯分类）；"
        "registered_on（可写作：registered_on, 注册日期, 注册日, registered on） [IMPORT-FORMAT]")
    assert len(error_lines(result)) == 2


MARK_JSON = '"classes": [9], "registered_on": "2020-01-01"'


@pytest.mark.parametrize("lines, messages, rows", [
    # Lines that are not a mark's object.
    (['{"reg_no": "1", %s}' % MARK_JSON, "", "[1, 2]", "{not json", '{"reg_no": "2", %s, "name": {"a": 1}}' % MARK_JSON,
      '{"reg_no": "3", "classes": [9]}'],
     ["3: a JSONL line must be a JSON object [IMPORT-FORMAT]",
      "4: not valid JSON (at character 2) [IMPORT-FORMAT]",
      '5: name: {"a": 1} is not text [IMPORT-FORMAT]',
      "6: registered_on is empty [IMPORT-FORMAT]"], 5),
    # Lines that parsers read differently: refused where the problem is.
    (['{"reg_no": "1", "reg_no": "2", %s}' % MARK_JSON, '{"reg_no": %s, %s}' % ("[" * 5000 + "]" * 5000, MARK_JSON),
      '{"reg_no": %s, %s}' % ("1" * 5000, MARK_JSON), '{"reg_no": "4", "name": "\\ud800", %s}' % MARK_JSON],
     ["1: a key is given twice in one object (at character 17) [IMPORT-FORMAT]",
      "2: JSON nested too deeply (at character 111) [IMPORT-FORMAT]",
      "3: a number with too many digits (at character 12) [IMPORT-FORMAT]",
      "4: a \\u escape of half a surrogate pair, which is no character (at character 26) [IMPORT-FORMAT]"], 4),
])
def test_bad_jsonl_lines(invoke, tmp_path, lines, messages, rows):
    path = write(tmp_path, "marks.jsonl", "\n".join(lines) + "\n")
    result = invoke("mark", "import", path)
    assert result.exit_code == 65
    assert error_lines(result) == [f"{path}:{message}" for message in messages] + \
        [f"ipcli: error: {path}: 4 of {rows} rows rejected; nothing was written [IMPORT-CHECK]"]


def test_line_numbers_count_physical_lines(invoke, tmp_path):
    text = HEADER + "\n" + GOOD[0].replace(",闽光,", ',"闽\n光\n",') + "\n" + "1,46,,,,,2020-01-01,\n" + GOOD[1]
    path = write(tmp_path, "marks.csv", text)
    result = invoke("mark", "import", path)
    assert error_lines(result)[0] == f"{path}:7: '46' is not a Nice class: classes run 1..45 [ID-NICE-CLASS]"
    good = write(tmp_path, "good.csv", text.replace("1,46,", "1,45,"))
    as_json(invoke("-q", "mark", "import", good, "--format", "json"))
    assert as_json(invoke("mark", "show", "7001840", "--format", "json"))["name"] == "闽\n光\n"


def test_one_bad_row_among_good_ones_writes_nothing(invoke, tmp_path, register):
    rows = [f"{100 + n},9,,,,,2020-01-{n + 1:02d},\n" for n in range(5)]
    rows.insert(3, "999,9,,,,,2020-02-30,\n")
    result = invoke("mark", "import", write(tmp_path, "marks.csv", HEADER + "".join(rows)))
    assert result.exit_code == 65
    assert result.stderr.splitlines()[-1].endswith("1 of 6 rows rejected; nothing was written [IMPORT-CHECK]")
    assert json.loads(invoke("mark", "list", "--format", "json").stdout) == []
    assert journal(invoke) == []
    assert marks_in(register) == 0
    assert mark_indexes(register) == MARK_INDEXES  # dropped for the rows going straight in, and back


def test_a_first_import_goes_straight_into_the_table_and_a_later_one_is_staged(
        invoke, tmp_path, register, mark_file, monkeypatch):
    staged, stage_rows = [], bulk.stage_rows

    def recording(store, target, rows, shared=()):
        staged.append(len(rows))
        stage_rows(store, target, rows, shared)

    monkeypatch.setattr(bulk, "stage_rows", recording)
    postgresql = on_postgresql(register)  # there every row is staged, by COPY, not stage_rows
    assert as_json(invoke("-q", "mark", "import", mark_file, "--format", "json"))["added"] == 3
    assert sum(staged) == 0 and bool(staged) != postgresql  # SQLite: only the shared values of the rows inserted
    assert marks_in(register) == 3 and mark_indexes(register) == MARK_INDEXES
    staged.clear()
    later = write(tmp_path, "later.csv", HEADER + GOOD[0] + "1234,5,,,,,2021-03-04,\n")
    summary = as_json(invoke("-q", "mark", "import", later, "--format", "json"))
    assert (summary["added"], summary["unchanged"], sum(staged)) == (1, 1, 0 if postgresql else 2)
    shown = as_json(invoke("mark", "show", "1234", "--format", "json"))
    assert (shown["classes"], shown["expires_on"]) == ([5], "2031-03-03")


def test_reimporting_the_same_file_changes_nothing(invoke, mark_file, register):
    first = as_json(invoke("-q", "mark", "import", mark_file, "--format", "json"))
    before = json.loads(invoke("mark", "list", "--format", "json").stdout)
    second = as_json(invoke("-q", "mark", "import", mark_file, "--format", "json"))
    assert (first["added"], first["unchanged"]) == (3, 0)
    assert (second["added"], second["unchanged"], second["updated"]) == (0, 3, 0)
    assert json.loads(invoke("mark", "list", "--format", "json").stdout) == before
    entries = journal(invoke)
    assert [(e["record_type"], e["record_id"], e["before"]) for e in entries] == \
        [("mark", "import:marks.csv", None)] * 2
    assert entries[0]["after"] == {"file": str(mark_file), "rows_read": 3, "added": 3, "unchanged": 0, "updated": 0}


def test_update_replaces_changed_marks_and_journals_before_and_after(invoke, tmp_path, mark_file):
    as_json(invoke("-q", "mark", "import", mark_file, "--format", "json"))
    changed = write(tmp_path, "changed.csv", HEADER + GOOD[0] + GOOD[1].replace("Fuzhou Bright Tea Co.", "New Owner")
                    .replace('"9,35"', "42") + GOOD[2])
    summary = as_json(invoke("-q", "mark", "import", changed, "--update", "--format", "json"))
    assert (summary["added"], summary["unchanged"], summary["updated"]) == (0, 2, 1)
    shown = as_json(invoke("mark", "show", "2501449", "--format", "json"))
    assert (shown["owner"], shown["classes"]) == ("New Owner", [42])
    entry = json.loads(invoke("log", "--id", "2501449", "--format", "json").stdout)[0]
    assert (entry["record_type"], entry["before"]["owner"], entry["after"]["owner"]) == \
        ("mark", "Fuzhou Bright Tea Co.", "New Owner")
    assert (entry["before"]["classes"], entry["after"]["classes"]) == ([9, 35], [42])
    assert journal(invoke)[-1]["after"]["updated"] == 1


def test_dry_run_counts_and_writes_nothing(invoke, mark_file, register):
    summary = as_json(invoke("-q", "mark", "import", mark_file, "--dry-run", "--format", "json"))
    assert (summary["added"], summary["dry_run"]) == (3, True)
    assert marks_in(register) == 0 and journal(invoke) == []


def test_dry_run_with_bad_rows_exits_65(invoke, tmp_path):
    path = write(tmp_path, "marks.csv", HEADER + GOOD[0] + GOOD[0])
    assert invoke("mark", "import", path, "--dry-run").exit_code == 65


def test_strict_calendar_refuses_provisional_dates_and_writes_nothing(invoke, mark_file, register):
    result = invoke("--strict-calendar", "mark", "import", mark_file)
    assert result.exit_code == 4 and "[R-PROVISIONAL]" in result.stderr
    assert marks_in(register) == 0


def test_provisional_years_are_warned_once(invoke, mark_file):
    result = invoke("mark", "import", mark_file, "--format", "json")
    warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert len(warnings) == 1 and "2030" in warnings[0]


def test_an_unreadable_file_is_a_usage_error(invoke, tmp_path):
    result = invoke("mark", "import", tmp_path / "missing.csv")
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_errors_are_translated(invoke, tmp_path):
    path = write(tmp_path, "marks.csv", HEADER + GOOD[0].replace("2016-02-29", "2025-02-30"))
    result = invoke("--lang", "zh", "mark", "import", path)
    assert error_lines(result) == [f"{path}:2: registered_on：2025-02-30 不是有效的日历日期 [IMPORT-DATE]",
                                   f"ipcli：错误：{path}：1 行中有 1 行被拒绝；未写入任何内容 [IMPORT-CHECK]"]


WRONG_CHECK = "201910123456." + ("1" if app_no("201910123456").endswith("0") else "0")
PATENT_HEADER = "app_no,type,filed_on,granted_on,title,owner,owner_id,paid_through,reduction,window\n"


def test_patents_are_imported_with_their_key_dates(invoke, tmp_path):
    rows = [f"{app_no('201910123456')},invention,2019-06-03,2022-01-10,Battery,Acme,{USCC},3,85,FZ01\n",
            f"ZL{app_no('202120654321')},,2021-07-01,,Cup,,,0,,\n"]
    path = write(tmp_path, "patents.csv", PATENT_HEADER + "".join(rows))
    assert as_json(invoke("-q", "patent", "import", path, "--format", "json"))["added"] == 2
    shown = as_json(invoke("patent", "show", app_no("201910123456"), "--format", "json"))
    assert (shown["next_annuity_year"], shown["next_annuity_due_on"], shown["reduction"]) == (4, "2022-06-03", "85")
    assert as_json(invoke("patent", "show", app_no("202120654321"), "--format", "json"))["type"] == "utility"
    again = as_json(invoke("-q", "patent", "import", path, "--format", "json"))
    assert (again["added"], again["unchanged"]) == (0, 2)


@pytest.mark.parametrize("row, message", [
    (f"{WRONG_CHECK},invention,2019-06-03,,,,,,,\n",
     f"'{WRONG_CHECK}': check character {WRONG_CHECK[-1]} is wrong, expected {app_no('201910123456')[-1]} "
     "[ID-PAT-APP-NO]"),
    (f"{app_no('201910123456')},plant,2019-06-03,,,,,,,\n",
     "type: 'plant' is not one of: invention, utility, design [IMPORT-VALUE]"),
    (f"{app_no('201910123456')},,2019-06-03,,,,,x,,\n", "paid_through: 'x' is not a whole number [IMPORT-FORMAT]"),
    (f"{app_no('201910123456')},,2019-06-03,,,,,21,,\n",
     "year 21 is outside the 20-year term of this invention patent [R-PAT-TERM]"),
    (f"{app_no('201910123456')},,2019-06-03,,,,,{'0' * 30}21,,\n",
     "year 21 is outside the 20-year term of this invention patent [R-PAT-TERM]"),
    (f"{app_no('201910123456')},,2019-06-03,,,,,{'1' * 19},,\n",
     "paid_through: a whole number of 19 digits is too large [IMPORT-FORMAT]"),
])
def test_bad_patent_rows(invoke, tmp_path, row, message):
    path = write(tmp_path, "patents.csv", PATENT_HEADER + row)
    result = invoke("patent", "import", path)
    assert result.exit_code == 65
    assert error_lines(result)[0] == f"{path}:2: {message}"


def many_marks(count: int):
    for n in range(count):
        yield (f"{1_000_000 + n},{n % 45 + 1};{(n + 7) % 45 + 1},Mark {n},Owner {n % 9},,,"
               f"{2004 + n % 23}-0{n % 9 + 1}-1{n % 7},W{n % 4}\n")


def test_twenty_thousand_rows_in_several_chunks(invoke, tmp_path, register, monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_ROWS", 7_000)
    monkeypatch.setattr(writers, "REBUILD_MIN_ROWS", 1_000)  # the path a large import takes
    path = write(tmp_path, "marks.csv", HEADER + "".join(many_marks(20_000)))
    assert as_json(invoke("-q", "mark", "import", path, "--format", "json"))["added"] == 20_000
    classes = register_sql(register, "SELECT sum(length(classes) - length(replace(classes, ';', '')) + 1) "
                                     "FROM marks")[0][0]
    assert classes == 40_000
    assert mark_indexes(register) == MARK_INDEXES and mark_indexes(register, unique=True) == {"marks_reg_no"}
    if not on_postgresql(register):
        assert register_sql(register, "PRAGMA integrity_check") == [("ok",)]
    last = list(many_marks(20_000))[-1].rstrip("\n").split(",")
    shown = as_json(invoke("mark", "show", last[0], "--format", "json"))
    assert [shown["name"], shown["owner"], shown["registered_on"], shown["window"]] == [last[2], last[3]] + last[6:]
    assert shown["classes"] == sorted(int(c) for c in last[1].split(";"))
    assert as_json(invoke("-q", "mark", "import", path, "--format", "json"))["unchanged"] == 20_000


def test_a_register_changed_after_the_check_is_refused_at_write(tmp_path, register):
    from ipcli.db.store import Store

    store = Store(register_location(register))
    key_dates = rights.KeyDates(WorkCalendar({}))
    path = write(tmp_path, "marks.csv", HEADER + "".join(GOOD))
    importer = importing.Importer("mark", store, key_dates)
    with importing.open_source(str(path), None) as source:
        report = importer.check(source)
    assert report.errors == [] and report.counts["added"] == 3
    other = Store(register_location(register))  # another writer, between the check and the write
    with other.transaction():
        other.put_mark(rights.mark_row(key_dates, reg_no="2501449", classes="1", registered_on=_day("2020-05-29")))
    other.close()
    with pytest.raises(Rejected) as refused:
        importer.write(report)
    assert (refused.value.key, refused.value.params["line"]) == ("import.changed_meanwhile", 3)
    assert store.db.execute("SELECT count(*) FROM marks").fetchone()[0] == 1
    if not on_postgresql(register):
        assert [store.db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("foreign_keys", "threads")] == [1, 0]
    store.close()


def _day(text):
    from datetime import date

    return date.fromisoformat(text)


# The import's mark rows are mark_row's rows, refused for the same fault.

KEY_DATES = rights.KeyDates(WorkCalendar({}))
MARK_ROWS = import_rows.MarkRows(KEY_DATES)
PATENT_ROWS = import_rows.PatentRows(KEY_DATES)
# With "|" too: the import remembers valid dates and kinds by "registered_on|term_starts_on|kind".
DATES = ["2016-02-29", "2014-03-07", "2025-02-30", "2020-1-01", "2030-06-15", "1979-12-31", "", "2016-02-29|",
         "|2016-02-29"]
TEXTS = ["", "Acme", "福建"]


def reference(call):
    try:
        return call()
    except Rejected as error:
        return ("refused", error.key, error.rule or import_rows.VALUE_RULE)


def staged_mark(values):
    return MARK_ROWS.row(MARK_ROWS.validate(1, values))


def mark_row_of(values):
    reg_no, classes, name, owner, owner_id, kind, registered_on, term_starts_on, window = values
    if not (reg_no and classes and registered_on):
        return import_rows._missing(values, MARK_ROWS.columns)
    registered = import_rows.parse_date(registered_on, "registered_on")
    term = import_rows.parse_date(term_starts_on, "term_starts_on") if term_starts_on else None
    return rights.mark_row(KEY_DATES, reg_no=reg_no, classes=classes, registered_on=registered, term_starts_on=term,
                           name=name, owner=owner, owner_id=owner_id, window=window, **({"kind": kind} if kind else {}))


@settings(max_examples=300, deadline=None)
@given(st.tuples(st.sampled_from(["7001840", "007", " 12 ", "12a", "123456789", ""]),
                 st.sampled_from(["9", "35;9", "9,35", "46", "9;9", "x", ""]), st.sampled_from(TEXTS),
                 st.sampled_from(TEXTS), st.sampled_from(["", USCC, RIC, "91350100M000100Y44", "123"]),
                 st.sampled_from(["", "ordinary", "certification", "plant", "|ordinary", "ordinary|"]),
                 st.sampled_from(DATES), st.sampled_from(DATES), st.sampled_from(TEXTS)))
def test_mark_rows_equal_mark_row(values):
    expected = reference(lambda: mark_row_of(values))
    if isinstance(expected, Rejected):
        expected = ("refused", expected.key, expected.rule)
    assert reference(lambda: staged_mark(values)) == expected


def patent_row_of(values):
    (app, patent_type, filed_on, granted_on, title, owner, owner_id, paid_through, reduction, window, open_from,
     open_license) = values
    return rights.patent_row(
        KEY_DATES, app_no=app, filed_on=import_rows.parse_date(filed_on, "filed_on"), patent_type=patent_type or None,
        granted_on=import_rows.parse_date(granted_on, "granted_on") if granted_on else None,
        paid_through=int(paid_through or 0), title=title, owner=owner, owner_id=owner_id,
        reduction=reduction or "none", window=window, open_license=open_license in ("true", "是"),
        open_license_from=import_rows.parse_date(open_from, "open_license_from") if open_from else None)


@settings(max_examples=150, deadline=None)
@given(st.tuples(st.sampled_from([app_no("201910123456"), app_no("202130000001"), WRONG_CHECK]),
                 st.sampled_from(["", "invention", "design"]), st.sampled_from(["2019-06-03", "2021-06-01"]),
                 st.sampled_from(["", "2018-01-01", "2022-01-10"]), st.sampled_from(TEXTS), st.sampled_from(TEXTS),
                 st.sampled_from(["", USCC, "91350100M000100Y44"]), st.sampled_from(["", "0", "3", "16"]),
                 st.sampled_from(["", "none", "85", "half", "open"]), st.sampled_from(TEXTS),
                 st.sampled_from(["", "2024-09-01", "2018-01-01", "2024-9-1", "2024-02-30"]),
                 st.sampled_from(["", "true", "false", "是"])))
def test_patent_rows_equal_patent_row(values):
    staged = reference(lambda: dict(zip(PATENT_ROWS.target.staged, PATENT_ROWS.validate(1, values)[1:])))
    assert staged == reference(lambda: patent_row_of(values))


# The JSON Schemas describe the columns (README "Importing marks and patents").

def schema(name: str) -> dict:
    from importlib.resources import files

    return json.loads(files("ipcli.schemas").joinpath(name).read_text(encoding="utf-8"))


def test_schemas_name_every_column_read():
    for name, rows in (("mark-import.schema.json", import_rows.MarkRows),
                       ("patent-import.schema.json", import_rows.PatentRows)):
        document = schema(name)
        assert tuple(document["properties"]) == rows.columns.names
        assert tuple(document["required"]) == rows.columns.required


def test_schemas_accept_rows_that_import():
    jsonschema = pytest.importorskip("jsonschema")
    for line in jsonl_marks().splitlines():
        jsonschema.validate(json.loads(line), schema("mark-import.schema.json"))
    patent = {"app_no": app_no("201910123456"), "type": "invention", "filed_on": "2019-06-03", "paid_through": 3,
              "reduction": "85", "granted_on": None}
    jsonschema.validate(patent, schema("patent-import.schema.json"))


def test_tsv_as_the_listings_write_it_is_read_by_extension_or_sniffed(invoke, tmp_path, register):
    from ipcli.output import render_text

    rows = [{"reg_no": "7001840", "classes": "9;35", "name": "闽\t光\\n\n", "registered_on": "2016-02-29"},
            {"reg_no": "2501449", "classes": "9", "name": "C:\\x", "registered_on": "2020-05-29"}]
    text = render_text(rows, "tsv")
    assert "\\t" in text and "\\\\n\\n" in text
    assert as_json(invoke("-q", "mark", "import", write(tmp_path, "marks.tsv", text), "--format", "json"))["added"] == 2
    assert as_json(invoke("mark", "show", "7001840", "--format", "json"))["name"] == "闽\t光\\n\n"
    assert as_json(invoke("mark", "show", "2501449", "--format", "json"))["name"] == "C:\\x"
    again = as_json(stdin_invoke(register, "-q", "mark", "import", "-", "--format", "json", data=text))
    assert again["unchanged"] == 2
