"""`mark import` and `patent import` of Excel workbooks written by openpyxl here (not by ipcli): Chinese
headers, date cells, numbers that Excel stored for identifiers, bad rows named `FILE:SHEET!ROW`,
--sheet; the header aliases shared by every format, and the summary of many bad rows."""

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from ipcli.cli import cli
from ipcli.register.importing import columns as import_columns
from ipcli.register.importing import xlsx as import_xlsx
from ipcli.register.importing.columns import ALIASES, accepted_names, column_of
from tests.conftest import BASE_ENV

USCC = "91350100M000100Y43"
RIC = "11010519491231002X"
APP_NO = "202410100024.8"  # its check character 8 is right
APP_NO_CHECK_0 = "202410100011.0"
UTILITY_APP_NO = "202420100011.6"
ZH_HEADER = ["注册号", "类别", "注册日期", "商标名称", "注册人", "统一社会信用代码", "商标类型", "窗口"]


def workbook(path: Path, rows: list, title: str = "Sheet1", more: dict | None = None) -> Path:
    """A workbook of one sheet `title` holding `rows` (and other sheets: `more` by title)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, other in (more or {}).items():
        extra = book.create_sheet(name)
        for row in other:
            extra.append(row)
    book.save(path)
    return path


def marks(tmp_path, rows: list, **kwargs) -> Path:
    return workbook(tmp_path / "portfolio.xlsx", [ZH_HEADER] + rows, **kwargs)


GOOD = [
    [7001840, "9;35", date(2016, 2, 29), "闽光", "福建闽光食品有限公司", USCC, "普通商标", "FZ01"],
    [2501449, 9.0, datetime(2020, 5, 29), "Bright", None, None, "集体", None],
    ["40974818", 16, "2014/3/7", None, "张三", None, None, "XM02"],
]


def as_json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def shown(invoke, kind: str, number: str) -> dict:
    return as_json(invoke(kind, "show", number, "--format", "json"))


def imported(invoke, path, *args) -> dict:
    return as_json(invoke("-q", *args[:1] or ("mark",), "import", path, *args[1:], "--format", "json"))


def count_marks(invoke) -> int:
    return len(as_json(invoke("mark", "list", "--format", "json")))


def test_a_workbook_with_chinese_headers_date_and_number_cells_is_imported(invoke, tmp_path):
    path = marks(tmp_path, GOOD + [[None] * 8])
    assert imported(invoke, path) == {"file": str(path), "rows_read": 3, "added": 3, "unchanged": 0,
                                      "updated": 0, "dry_run": False}
    first = shown(invoke, "mark", "7001840")
    assert (first["classes"], first["registered_on"], first["owner_id"], first["kind"]) == \
        ([9, 35], "2016-02-29", USCC, "ordinary")
    second = shown(invoke, "mark", "2501449")
    assert (second["classes"], second["registered_on"], second["kind"]) == ([9], "2020-05-29", "collective")
    assert shown(invoke, "mark", "40974818")["registered_on"] == "2014-03-07"


def test_importing_the_workbook_again_changes_nothing(invoke, tmp_path):
    path = marks(tmp_path, GOOD)
    imported(invoke, path)
    again = imported(invoke, path)
    assert (again["added"], again["unchanged"], again["updated"]) == (0, 3, 0)


def test_a_bad_row_is_named_by_sheet_and_row_and_nothing_is_written(invoke, tmp_path):
    rows = GOOD + [[7001841, "9;46", date(2020, 1, 1)]]  # row 5: the header is row 1
    path = marks(tmp_path, rows)
    result = invoke("mark", "import", path)
    assert result.exit_code == 65
    assert result.stderr.splitlines() == [
        f"{path}:Sheet1!5: '46' is not a Nice class: classes run 1..45 [ID-NICE-CLASS]",
        f"ipcli: error: {path}: 1 of 4 rows rejected; nothing was written [IMPORT-CHECK]"]
    assert count_marks(invoke) == 0


def test_row_numbers_count_empty_rows_above_the_header(invoke, tmp_path):
    path = workbook(tmp_path / "m.xlsx", [[None], ZH_HEADER[:3], [None, None, None], [1, 9, "2020-02-30"]])
    assert invoke("mark", "import", path).stderr.splitlines()[0] == \
        f"{path}:Sheet1!4: registered_on: 2020-02-30 is not a calendar date [IMPORT-DATE]"


@pytest.mark.parametrize("cell, message", [
    # openpyxl, as Excel, writes a number's first 15 or 16 digits: the ID number as 1.1010519491231e+17
    (110105194912310021, "owner_id: 1.1010519491231e+17 is stored in the workbook as a number, which keeps only 15 "
                         "digits, so digits may be lost; format the column as text and type it again [IMPORT-NUMBER]"),
    (True, "owner_id: True is neither text, a number nor a date [IMPORT-FORMAT]"),
    ("#N/A", "owner_id: the cell holds the error value #N/A [IMPORT-FORMAT]"),
])
def test_cells_that_cannot_be_text_are_refused(invoke, tmp_path, cell, message):
    path = marks(tmp_path, [[7001840, 9, date(2016, 2, 29), None, None, cell]])
    result = invoke("mark", "import", path)
    assert result.stderr.splitlines()[0] == f"{path}:Sheet1!2: {message}"


def test_a_date_cell_with_a_time_of_day_is_refused(invoke, tmp_path):
    path = marks(tmp_path, [[7001840, 9, datetime(2016, 2, 29, 9, 30)]])
    assert invoke("mark", "import", path).stderr.splitlines()[0] == \
        f"{path}:Sheet1!2: registered_on: 2016-02-29 09:30:00 has a time of day; a date is a day [IMPORT-DATE]"


PATENT_HEADER = ["专利号", "专利类型", "申请日", "授权公告日", "专利名称", "专利权人", "已缴年度", "费减"]


def patents(tmp_path, rows: list) -> Path:
    return workbook(tmp_path / "patents.xlsx", [PATENT_HEADER] + rows)


def test_an_application_number_stored_as_a_number_keeps_its_dot(invoke, tmp_path):
    path = patents(tmp_path, [[202410100024.8, "发明", date(2024, 3, 1), None, "电池", "甲公司", 2.0, "减缴85%"]])
    assert imported(invoke, path, "patent")["added"] == 1
    patent = shown(invoke, "patent", APP_NO)
    assert (patent["app_no"], patent["type"], patent["paid_through"], patent["reduction"]) == \
        (APP_NO, "invention", 2, "85")


@pytest.mark.parametrize("cell, message", [
    (202410100011, f"app_no: {APP_NO_CHECK_0[:-2]} is stored in the workbook as a number, which drops a check digit 0 "
                   "after the dot; format the column as text and type it again [IMPORT-NUMBER]"),
    (float(APP_NO_CHECK_0), f"app_no: {APP_NO_CHECK_0[:-2]} is stored in the workbook as a number, which drops a "
                            "check digit 0 after the dot; format the column as text and type it again "
                            "[IMPORT-NUMBER]"),
    (2024101000.248123, "app_no: 2024101000.248123 is a number in the workbook that was not typed so; format the "
                        "column as text and type it again [IMPORT-NUMBER]"),
])
def test_an_application_number_that_lost_digits_is_refused(invoke, tmp_path, cell, message):
    path = patents(tmp_path, [[cell, None, date(2024, 3, 1)]])
    assert invoke("patent", "import", path).stderr.splitlines()[0] == f"{path}:Sheet1!2: {message}"


@pytest.mark.parametrize("value, column, text", [
    (7001840, "reg_no", "7001840"), (7001840.0, "reg_no", "7001840"), (202410100024.8, "app_no", APP_NO),
    (2024101000240, "app_no", "2024101000240"), (3.5, "paid_through", "3.5"), (-2, "paid_through", "-2"),
    (999999999999999, "owner_id", "999999999999999"), (0.05, "name", "0.05"),
])
def test_numbers_read_as_the_text_typed(value, column, text):
    assert import_xlsx.number_text(value, column) == text


@pytest.mark.parametrize("value, column, key", [
    (10 ** 15, "owner_id", "import.number_digits_lost"), (float("inf"), "name", "import.number_digits_lost"),
    (float("nan"), "name", "import.number_digits_lost"), (98123456, "app_no", "import.number_check_digit"),
    (1e-7, "name", "import.number_inexact"), (1 / 3, "name", "import.number_inexact"),
])
def test_numbers_that_may_not_be_as_typed_are_refused(value, column, key):
    from ipcli.errors import Rejected

    with pytest.raises(Rejected) as refused:
        import_xlsx.number_text(value, column)
    assert (refused.value.key, refused.value.rule) == (key, "IMPORT-NUMBER")


def test_the_sheet_is_the_first_or_the_one_named(invoke, tmp_path):
    path = workbook(tmp_path / "two.xlsx", [["说明"], ["见第二个工作表"]], title="说明",
                    more={"商标": [ZH_HEADER] + GOOD[:1]})
    result = invoke("mark", "import", path)
    assert result.stderr.splitlines()[0].startswith(f"{path}:说明!1: the header has no column reg_no (accepted: ")
    assert imported(invoke, path, "mark", "--sheet", "商标")["added"] == 1


def test_an_unknown_sheet_is_refused_naming_the_sheets(invoke, tmp_path):
    path = workbook(tmp_path / "two.xlsx", [ZH_HEADER], more={"专利": []})
    result = invoke("mark", "import", path, "--sheet", "marks")
    assert result.exit_code == 65
    assert result.stderr == f"ipcli: error: {path} has no sheet 'marks'; its sheets: Sheet1, 专利 [IMPORT-FORMAT]\n"


def test_sheet_is_only_for_workbooks(invoke, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("reg_no,classes,registered_on\n1,9,2020-01-01\n")
    result = invoke("mark", "import", path, "--sheet", "Sheet1")
    assert result.exit_code == 2 and "--sheet Sheet1: only an Excel workbook has sheets" in result.stderr


def test_a_workbook_is_sniffed_on_stdin_and_by_the_option(invoke, tmp_path, register):
    path = marks(tmp_path, GOOD)
    runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": register})
    result = runner.invoke(cli, ["-q", "mark", "import", "-", "--format", "json"], input=path.read_bytes())
    assert as_json(result)["added"] == 3
    renamed = path.rename(tmp_path / "portfolio.dat")
    assert imported(invoke, renamed, "mark", "--input-format", "xlsx")["unchanged"] == 3


def test_a_file_that_is_no_workbook_is_refused(invoke, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    result = invoke("mark", "import", path)
    assert result.exit_code == 65
    assert result.stderr == f"ipcli: error: {path} is not an Excel workbook (.xlsx) that can be read [IMPORT-FORMAT]\n"


def test_two_headers_of_one_column_are_refused_naming_both(invoke, tmp_path):
    path = workbook(tmp_path / "m.xlsx", [["Reg_No", "类别", "注册日", "商标注册号"], [1, 9, "2020-01-01", 1]])
    assert invoke("mark", "import", path).stderr.splitlines()[0] == \
        f"{path}:Sheet1!1: 'Reg_No' and '商标注册号' both name column reg_no [IMPORT-FORMAT]"


@pytest.mark.parametrize("header", [
    ["registration no.", "Classes", "Registered On", "owner id", "kind", "Current term from"],
    ["注册号", "类别", "注册日", "权利人证件号", "种类", "当前有效期起始"],
])
def test_the_listings_labels_in_english_and_chinese_are_headers(invoke, tmp_path, header):
    path = workbook(tmp_path / "m.xlsx", [header, ["7001840", "9;35", "2006-02-28", RIC, "Certification",
                                                   "2016-02-28"]])
    assert imported(invoke, path)["added"] == 1
    mark = shown(invoke, "mark", "7001840")
    assert (mark["owner_id"], mark["kind"], mark["term_starts_on"]) == (RIC, "certification", "2016-02-28")


@pytest.mark.parametrize("kind, name, column", [
    ("mark", "reg_no", "reg_no"), ("mark", " REG_NO ", "reg_no"), ("mark", "\u3000注册号\u3000", "reg_no"),
    ("mark", "商标注册号", "reg_no"), ("mark", "国际分类", "classes"), ("mark", "类别号", "classes"),
    ("mark", "名称", "name"), ("patent", "名称", "title"), ("mark", "商标", "name"), ("mark", "注册人", "owner"),
    ("patent", "专利权人", "owner"), ("mark", "统一社会信用代码", "owner_id"), ("patent", "证件号码", "owner_id"),
    ("patent", "专利号", "app_no"), ("patent", "申请日", "filed_on"), ("patent", "授权公告日", "granted_on"),
    ("patent", "类型", "type"), ("mark", "类型", None), ("patent", "已缴年度", "paid_through"),
    ("patent", "费减", "reduction"), ("mark", "窗口", "window"), ("mark", "种类", "kind"),
    ("mark", "续展后起始日", "term_starts_on"), ("patent", "开放许可生效日", "open_license_from"),
    ("mark", "Registration No.", "reg_no"), ("patent", "Application No.", "app_no"), ("mark", "ｒｅｇ＿ｎｏ", "reg_no"),
    ("mark", "app_no", None), ("patent", "reg_no", None), ("mark", "备注", None), ("mark", 7, None),
])
def test_header_names_resolve_to_their_columns(kind, name, column):
    assert column_of(kind, name) == column


def test_no_name_is_read_as_two_columns_of_one_kind():
    for kind, columns in ALIASES.items():
        seen = {}
        for column in columns:
            for name in accepted_names(kind, column):
                assert seen.setdefault(import_columns.normalized(name), column) == column, (kind, name)


def test_the_readme_lists_every_alias():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for kind, columns in ALIASES.items():
        table = readme.split(f"| {kind}s: column | also read as |")[1].split("\n\n")[0]
        rows = {match[1]: match[2] for match in re.finditer(r"^\| `(\w+)` \| (.*) \|$", table, re.M)}
        assert set(rows) == set(columns)
        for column in columns:
            assert rows[column] == ", ".join(f"`{name}`" for name in accepted_names(kind, column)[1:])


def test_jsonl_keys_and_csv_headers_take_the_aliases_too(invoke, tmp_path):
    csv = tmp_path / "m.csv"
    csv.write_text("商标注册号,国际分类,注册日期,备注\n7001840,9、35,2016年2月29日,x\n", encoding="utf-8")
    assert imported(invoke, csv)["added"] == 1
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text(json.dumps({"申请号": UTILITY_APP_NO, "申请日": "2024-03-01", "专利类型": "Utility Model"}) + "\n")
    assert imported(invoke, jsonl, "patent")["added"] == 1
    assert shown(invoke, "patent", UTILITY_APP_NO)["type"] == "utility"
    jsonl.write_text(json.dumps({"app_no": APP_NO, "专利号": APP_NO, "filed_on": "2024-03-01"}) + "\n")
    assert invoke("patent", "import", jsonl).stderr.splitlines()[0] == \
        f"{jsonl}:1: 'app_no' and '专利号' both name column app_no [IMPORT-FORMAT]"


def test_more_than_twenty_bad_rows_are_counted_by_rule(invoke, tmp_path):
    # Rows 0, 100, ... 1900 have a calendar date, row 0 a kind that is none.
    rows = [f"{1000 + n},9,{'2021-01-01' if n % 100 == 0 else '2021-02-30'},{'' if n else 'plant'}\n"
            for n in range(2_000)]
    path = tmp_path / "marks.csv"
    path.write_text("reg_no,classes,registered_on,kind\n" + "".join(rows), encoding="utf-8")
    result = invoke("mark", "import", path)
    lines = result.stderr.splitlines()
    assert result.exit_code == 65 and len(lines) == 20 + 2 + 1
    assert lines[1] == f"{path}:3: registered_on: 2021-02-30 is not a calendar date [IMPORT-DATE]"
    assert lines[20:] == ["IMPORT-DATE: 1,980 rows", "IMPORT-VALUE: 1 row",
                          f"ipcli: error: {path}: 1981 of 2000 rows rejected; nothing was written [IMPORT-CHECK]"]
    zh = invoke("--lang", "zh", "mark", "import", path).stderr.splitlines()
    assert zh[20:22] == ["IMPORT-DATE：1,980 行", "IMPORT-VALUE：1 行"]
    assert count_marks(invoke) == 0


def test_twenty_bad_rows_are_each_shown_without_counts(invoke, tmp_path):
    path = tmp_path / "marks.csv"
    path.write_text("reg_no,classes,registered_on\n" + "".join(f"{n},9,2021-02-30\n" for n in range(1, 21)))
    lines = invoke("mark", "import", path).stderr.splitlines()
    assert len(lines) == 21 and lines[-1].endswith("20 of 20 rows rejected; nothing was written [IMPORT-CHECK]")


def test_a_number_twice_in_a_workbook_is_refused_at_its_later_row(invoke, tmp_path):
    path = marks(tmp_path, GOOD + [[7001840, 9, date(2017, 1, 1)]])
    result = invoke("mark", "import", path)
    assert result.stderr.splitlines()[0] == \
        f"{path}:Sheet1!5: 7001840 appears again in this input (first on line 2) [IMPORT-DUPLICATE]"
    assert count_marks(invoke) == 0
