"""`mark template` and `patent template`: a workbook a client fills in, which imports as it is (issue 18)."""

import json
from datetime import datetime

import pytest
from openpyxl import load_workbook

from ipcli.register.importing.rows import ROWS

HEADERS = {
    ("mark", "zh"): ["注册号", "类别", "名称", "权利人", "权利人证件号", "种类", "注册日", "当前有效期起始", "窗口"],
    ("mark", "en"): ["registration no.", "classes", "name", "owner", "owner id", "kind", "registered on",
                     "current term from", "window"],
    ("patent", "zh"): ["申请号", "类型", "申请日", "授权日", "名称", "权利人", "权利人证件号", "年费已缴至年度", "费减",
                       "窗口", "开放许可生效日", "开放许可"],
}
SHEETS = {("mark", "zh"): ["商标", "填写说明"], ("mark", "en"): ["Trademarks", "Notes"],
          ("patent", "zh"): ["专利", "填写说明"]}


@pytest.mark.parametrize("kind, lang", list(HEADERS))
def test_the_workbook_holds_the_headers_an_example_row_and_notes(invoke, tmp_path, kind, lang):
    path = tmp_path / f"{kind}s.xlsx"
    result = invoke(kind, "template", "--format", "xlsx", "--out", path, env={"IPCLI_LANG": lang})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    book = load_workbook(path)
    assert book.sheetnames == SHEETS[kind, lang]
    rights, notes = book.worksheets
    rows = list(rights.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS[kind, lang] and len(rows) == 2
    assert rights.freeze_panes == "A2" and rights.auto_filter.ref == f"A1:{rights.cell(1, len(rows[0])).column_letter}2"
    number = rights.cell(2, 1)
    assert number.data_type == "s" and number.value in ("12345678", "201210100006.7")
    assert rights.column_dimensions["A"].number_format == "@"  # what the client types there stays text
    assert any(isinstance(value, datetime) for value in rows[1])
    assert [cell.number_format for cell in rights[2] if isinstance(cell.value, datetime)] == \
        ["yyyy-mm-dd"] * sum(isinstance(value, datetime) for value in rows[1])
    noted = list(notes.iter_rows(values_only=True))
    assert len(noted) == 2 + len(ROWS[kind].columns.names)  # header, how to fill in, one row per column
    assert f"ipcli {kind} import" in noted[1][2]
    assert [row[0] for row in noted[2:]] == HEADERS[kind, lang]
    required = {row[0] for row in noted[2:] if row[1] in ("是", "yes")}
    assert len(required) == len(ROWS[kind].columns.required)
    assert all(row[2] and not row[2].startswith("template.") for row in noted[2:])


@pytest.mark.parametrize("kind", ["mark", "patent"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "jsonl"])
def test_the_template_imports_as_it_is(invoke, tmp_path, kind, fmt):
    path = tmp_path / f"template.{fmt}"
    assert invoke(kind, "template", "--format", fmt, "--out", path, env={"IPCLI_LANG": "zh"}).exit_code == 0
    result = invoke(kind, "import", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["added"] == 1


def test_a_filled_in_template_imports_the_rows_the_client_wrote(invoke, tmp_path):
    path = tmp_path / "marks.xlsx"
    assert invoke("mark", "template", "--out", path, env={"IPCLI_LANG": "zh"}).exit_code == 0
    book = load_workbook(path)
    sheet = book.worksheets[0]
    sheet.delete_rows(2)
    sheet.append(["87654321", "25、35", "客户商标", "客户公司", None, "集体", datetime(2019, 3, 8), None, None])
    sheet.append([7654321, 9, "数字注册号", None, None, None, "2020/1/2", None, None])
    book.save(path)
    result = invoke("mark", "import", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["added"] == 2
    shown = json.loads(invoke("mark", "show", "87654321", "--format", "json").stdout)
    assert shown["classes"] == [25, 35] and shown["kind"] == "collective" and shown["registered_on"] == "2019-03-08"


def test_a_template_workbook_is_not_written_onto_a_terminal(tmp_path):
    import os
    import pty
    import subprocess
    import shutil

    leader, follower = pty.openpty()
    env = {**os.environ, "IPCLI_LANG": "en", "IPCLI_DB": str(tmp_path / "none.db")}
    result = subprocess.run([shutil.which("ipcli"), "mark", "template", "--format", "xlsx"], stdout=follower,
                            stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    os.close(follower)
    os.close(leader)
    assert result.returncode == 2
    assert "--out FILE.xlsx" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "none.db").exists()  # a template needs no register
