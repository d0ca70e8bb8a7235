"""--format xlsx, --out FILE and --bom (issue 18): the workbooks are opened with openpyxl and their cells
checked: identifiers are text that keeps every digit, dates are date cells, amounts numbers in CNY, labels
and codes translated, formulas neutralised, the header frozen and filtered; --out writes through ipcli.files.
The workbooks are written from a register on each backend (SQLite and PostgreSQL)."""

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
import threading
from datetime import datetime

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import BASE_ENV, nothing_written, on_postgresql
from ipcli.cli import cli
from ipcli.i18n import catalog, set_language
from ipcli.workbook import CNY_FORMAT, workbook_bytes

FORMULA_NAME = '=HYPERLINK("http://x","y")'
CONTROL_OWNER = "甲\x1b[31m乙丙\x07"
NUL_OWNER = "甲\x00丙"  # SQLite's text holds it, PostgreSQL's cannot
RESIDENT_ID = "110101199003074258"
LEADING_ZERO_REG_NO = "01234567"


@pytest.fixture(scope="module")
def sample(module_registers):
    """The sample register, and a mark with a formula for a name, control characters in its owner, a
    registration number with a leading zero and a resident ID number; on each backend."""
    db = module_registers()
    run(db, "-q", "sample", "load")
    added = run(db, "mark", "add", LEADING_ZERO_REG_NO, "--registered", "2018-03-01", "--classes", "9,35",
                "--name", FORMULA_NAME, "--owner", CONTROL_OWNER, "--owner-id", RESIDENT_ID, "--format", "json")
    assert added.exit_code == 0, added.stderr
    return db


def run(db, *args, lang="en", env=None):
    runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": str(db), "IPCLI_LANG": lang, **(env or {})})
    return runner.invoke(cli, [str(arg) for arg in args], catch_exceptions=False, prog_name="ipcli")


def sheet_of(result):
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes[:2] == b"PK"  # a zip: the workbook itself, nothing before it
    return load_workbook(io.BytesIO(result.stdout_bytes)).active


def records(db, *listing) -> list[dict]:
    return json.loads(run(db, *listing, "--format", "json").stdout)


def cells_by_key(sheet, keys: list[str]) -> list[dict]:
    """The data rows of `sheet`, as {key: cell}, its columns being `keys` in order."""
    return [dict(zip(keys, row)) for row in sheet.iter_rows(min_row=2)]


def as_json_keys(db, *listing) -> list[str]:
    return list(records(db, *listing)[0])


def test_mark_list_keeps_identifiers_as_text_and_dates_as_dates(sample):
    sheet = sheet_of(run(sample, "mark", "list", "--format", "xlsx"))
    marks = records(sample, "mark", "list")
    rows = cells_by_key(sheet, list(marks[0]))
    assert len(rows) == len(marks) == 241
    for mark, cells in zip(marks, rows):
        assert cells["reg_no"].value == mark["reg_no"] and cells["reg_no"].data_type == "s"
        assert cells["reg_no"].number_format == "@"
        assert cells["classes"].value == ";".join(map(str, mark["classes"]))
        assert cells["registered_on"].value == datetime.fromisoformat(mark["registered_on"])
        assert cells["registered_on"].is_date and cells["registered_on"].number_format == "yyyy-mm-dd"
        assert cells["pledged"].value is mark["pledged"]
        if mark["owner_id"]:
            assert cells["owner_id"].value == mark["owner_id"] and cells["owner_id"].data_type == "s"
    ours = next(cells for cells in rows if cells["reg_no"].value == LEADING_ZERO_REG_NO)
    assert ours["owner_id"].value == RESIDENT_ID  # 18 digits, not 1.10101199003074E+17
    assert ours["classes"].value == "9;35"


def test_the_header_is_frozen_filtered_and_labelled_in_the_language(sample):
    english = sheet_of(run(sample, "mark", "list", "--format", "xlsx"))
    chinese = sheet_of(run(sample, "mark", "list", "--format", "xlsx", lang="zh"))
    for sheet in (english, chinese):
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == "A1:O242"
    assert [cell.value for cell in english[1]][:3] == ["registration no.", "classes", "name"]
    assert [cell.value for cell in chinese[1]][:3] == ["注册号", "类别", "名称"]
    keys = as_json_keys(sample, "mark", "list")
    statuses = {cells["status"].value for cells in cells_by_key(chinese, keys)}
    assert catalog("zh")["value.in_window"] in statuses and "in_window" not in statuses


def test_codes_are_written_by_their_labels_as_tables_show_them(sample):
    keys = as_json_keys(sample, "deadlines", "--days", "60")
    rows = cells_by_key(sheet_of(run(sample, "--lang", "zh", "deadlines", "--days", "60", "--format", "xlsx")),
                        keys)
    kinds = {cells["kind"].value for cells in rows}
    assert catalog("zh")["value.mark_expires"] in kinds and "mark_expires" not in kinds
    assert all(cells["due_on"].is_date and cells["days_left"].data_type == "n" for cells in rows)
    assert all(cells["right_no"].data_type == "s" for cells in rows)


def test_formulas_are_neutralised_and_control_characters_made_visible(sample):
    keys = as_json_keys(sample, "mark", "list")
    rows = cells_by_key(sheet_of(run(sample, "mark", "list", "--format", "xlsx")), keys)
    ours = next(cells for cells in rows if cells["reg_no"].value == LEADING_ZERO_REG_NO)
    assert ours["name"].value == "'" + FORMULA_NAME and ours["name"].data_type == "s"
    assert ours["name"].hyperlink is None
    assert ours["owner"].value == "甲\\x1b[31m乙丙\\x07"


def test_a_nul_character_is_made_visible_on_sqlite_and_refused_on_postgresql(register):
    """The register keeps a NUL in an owner on SQLite, and the workbook shows it as \\x00; PostgreSQL's text
    cannot hold it: refused in one line (DB-TEXT-NUL), nothing written."""
    added = run(register, "mark", "add", LEADING_ZERO_REG_NO, "--registered", "2016-03-10", "--classes", "9",
                "--owner", NUL_OWNER)
    if on_postgresql(register):
        assert added.exit_code == 65 and added.stdout == ""
        assert added.stderr == ("ipcli: error: 甲\\x00丙 holds the character NUL (\\x00), which a register on "
                                "PostgreSQL cannot store [DB-TEXT-NUL]\n")
        assert nothing_written(register)
        return
    assert added.exit_code == 0, added.stderr
    [ours] = cells_by_key(sheet_of(run(register, "mark", "list", "--format", "xlsx")),
                          as_json_keys(register, "mark", "list"))
    assert ours["owner"].value == "甲\\x00丙"


def test_text_that_reads_as_an_error_code_stays_text():
    set_language("en")
    sheet = load_workbook(io.BytesIO(workbook_bytes([{"name": "#N/A", "fee": 5}], ["name", "fee"]))).active
    assert sheet["A2"].value == "#N/A" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 5 and sheet["B2"].number_format == CNY_FORMAT


def test_columns_of_chinese_text_are_wider():
    set_language("en")
    rows = [{"name": "龙井春茶叶有限公司", "title": "abcdefghi"}]
    sheet = load_workbook(io.BytesIO(workbook_bytes(rows, ["name", "title"]))).active
    assert sheet.column_dimensions["A"].width >= 2 * len(rows[0]["name"])
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width


def test_patent_list_keeps_application_numbers_whole(sample):
    patents = records(sample, "patent", "list")
    rows = cells_by_key(sheet_of(run(sample, "patent", "list", "--format", "xlsx")), list(patents[0]))
    assert [cells["app_no"].value for cells in rows] == [patent["app_no"] for patent in patents]
    assert "202410100024.8" in {cells["app_no"].value for cells in rows}
    assert all(cells["app_no"].data_type == "s" and cells["app_no"].number_format == "@" for cells in rows)
    assert all(cells["paid_through"].data_type == "n" for cells in rows if cells["paid_through"].value is not None)


def test_filing_list_writes_ids_as_text_rights_joined_and_details_as_json(sample):
    filings = records(sample, "filing", "list")
    rows = cells_by_key(sheet_of(run(sample, "filing", "list", "--format", "xlsx")), list(filings[0]))
    for filing, cells in zip(filings, rows):
        assert cells["id"].value == str(filing["id"]) and cells["id"].data_type == "s"
        assert cells["rights"].value == ";".join(filing["rights"])
        assert json.loads(cells["details"].value) == filing["details"]
        assert cells["fee_total"].value == filing["fee_total"] and cells["fee_total"].number_format == CNY_FORMAT


def test_pledge_amounts_are_numbers_in_cny(sample):
    pledges = records(sample, "pledge", "list")
    rows = cells_by_key(sheet_of(run(sample, "pledge", "list", "--format", "xlsx", lang="zh")), list(pledges[0]))
    assert [cells["amount"].value for cells in rows] == [pledge["amount"] for pledge in pledges]
    assert all(cells["amount"].data_type == "n" and cells["amount"].number_format == CNY_FORMAT for cells in rows)
    assert all(cells["filing_id"].data_type == "s" and cells["ends_on"].is_date for cells in rows)


def test_stats_in_a_workbook(sample):
    rows = records(sample, "stats", "--by", "type")
    sheet = sheet_of(run(sample, "stats", "--by", "type", "--format", "xlsx", lang="zh"))
    assert sheet[1][0].value == catalog("zh")["field.type"] and sheet.max_row == len(rows) + 1
    cells = cells_by_key(sheet, list(rows[0]))
    assert [row["filings"].value for row in cells] == [row["filings"] for row in rows]
    assert {row["type"].value for row in cells} >= {catalog("zh")["value.renewal"]}


def test_an_empty_listing_is_a_workbook_with_its_header(sample):
    result = run(sample, "batch", "list", "--format", "xlsx")
    sheet = sheet_of(result)
    assert result.stderr == "no batches\n"
    assert [cell.value for cell in sheet[1]][:2] == ["batch", "filing type"] and sheet.max_row == 1


def test_a_workbook_is_not_written_to_a_terminal(sample):
    primary, secondary = pty.openpty()
    env = {**os.environ, **{k: v for k, v in BASE_ENV.items() if v is not None}, "IPCLI_DB": str(sample)}
    process = subprocess.run([sys.executable, "-m", "ipcli", "mark", "list", "--format", "xlsx"], stdout=secondary,
                             stderr=subprocess.PIPE, env=env, timeout=60)
    os.close(secondary)
    os.close(primary)
    assert process.returncode == 2
    assert process.stderr.decode().splitlines() == [
        "ipcli: error: a workbook cannot be shown on a terminal: give --out FILE.xlsx, or redirect standard output "
        "to a file"]


# --out FILE

def test_out_writes_a_private_file_in_the_format_of_its_suffix(sample, tmp_path):
    target = tmp_path / "marks.xlsx"
    result = run(sample, "mark", "list", "--out", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert load_workbook(target).active.max_row == 242
    assert target.stat().st_mode & 0o777 == 0o600
    listing = tmp_path / "marks.csv"
    assert run(sample, "mark", "list", "--out", listing).exit_code == 0
    assert listing.read_text(encoding="utf-8") == run(sample, "mark", "list", "--format", "csv").stdout
    other = tmp_path / "marks.txt"
    assert run(sample, "mark", "list", "--format", "json", "--out", other).exit_code == 0
    assert json.loads(other.read_text(encoding="utf-8")) == records(sample, "mark", "list")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["marks.csv", "marks.txt", "marks.xlsx"]
    dash = run(sample, "mark", "list", "--format", "csv", "--out", "-")
    assert dash.stdout == listing.read_text(encoding="utf-8") and not os.path.exists("-")


def test_out_of_deadlines_in_ics_and_of_the_stats_sentence(sample, tmp_path):
    calendar = tmp_path / "due.ics"
    assert run(sample, "deadlines", "--days", "60", "--out", calendar).exit_code == 0
    assert calendar.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    sentence = tmp_path / "summary.txt"
    result = run(sample, "stats", "--summary", "--format", "table", "--out", sentence)
    assert result.stdout == "" and sentence.read_text(encoding="utf-8").startswith("From ")


def test_out_into_a_fifo_is_written_into_it(sample, tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run(sample, "mark", "list", "--format", "xlsx", "--out", fifo)
    reader.join(timeout=60)
    assert result.exit_code == 0, result.stderr
    assert load_workbook(io.BytesIO(received[0])).active.max_row == 242
    assert fifo.is_fifo()


def test_out_through_a_link_replaces_its_file_and_a_dangling_link_is_refused(sample, tmp_path):
    target, link = tmp_path / "target.xlsx", tmp_path / "link.xlsx"
    target.write_text("old")
    link.symlink_to(target)
    assert run(sample, "mark", "list", "--out", link).exit_code == 0
    assert link.is_symlink() and load_workbook(target).active.max_row == 242
    dangling = tmp_path / "dangling.xlsx"
    dangling.symlink_to(tmp_path / "nowhere.xlsx")
    result = run(sample, "mark", "list", "--out", dangling)
    assert result.exit_code == 2 and result.stdout == ""
    assert "symbolic link" in result.stderr and not (tmp_path / "nowhere.xlsx").exists()


def test_out_to_a_url_is_refused_before_anything_is_written(module_registers):
    db = module_registers()
    result = run(db, "mark", "add", "7654321", "--registered", "2020-01-01", "--classes", "9", "--out",
                 "https://example.com/marks.xlsx")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("ipcli: error: https://example.com/marks.xlsx is an address, not a file name: give a "
                             "file here (ipcli uploads nothing)\n")
    assert nothing_written(db)


def test_quiet_still_writes_the_file_of_an_empty_listing(sample, tmp_path):
    target = tmp_path / "batches.xlsx"
    result = run(sample, "-q", "batch", "list", "--out", target)
    assert result.exit_code == 0 and result.stderr == "" and load_workbook(target).active.max_row == 1


# csv and tsv: lists joined, the byte order mark

def test_csv_and_tsv_join_classes_with_semicolons(sample):
    csv_text = run(sample, "mark", "list", "--format", "csv").stdout
    tsv_text = run(sample, "mark", "list", "--format", "tsv").stdout
    assert f"{LEADING_ZERO_REG_NO},9;35," in csv_text and f"{LEADING_ZERO_REG_NO}\t9;35\t" in tsv_text
    for reader in (csv.DictReader(io.StringIO(csv_text)), csv.DictReader(io.StringIO(tsv_text), delimiter="\t")):
        assert all(re.fullmatch(r"\d+(;\d+)*", row["classes"]) for row in reader)  # never [1, 7]
    filing = run(sample, "filing", "list", "--format", "csv", "--columns", "id,rights").stdout.splitlines()[1]
    assert re.fullmatch(r"\d+,\d+(;\d+)*", filing)


def test_bom_before_csv_by_option_or_environment(sample):
    plain = run(sample, "mark", "list", "--format", "csv").stdout_bytes
    assert not plain.startswith(b"\xef\xbb\xbf")
    with_option = run(sample, "mark", "list", "--format", "csv", "--bom").stdout_bytes
    with_environment = run(sample, "mark", "list", "--format", "csv", env={"IPCLI_CSV_BOM": "1"}).stdout_bytes
    assert with_option == with_environment == b"\xef\xbb\xbf" + plain
    tsv = run(sample, "mark", "list", "--format", "tsv", env={"IPCLI_CSV_BOM": "1"})
    assert tsv.exit_code == 0 and tsv.stdout_bytes == run(sample, "mark", "list", "--format", "tsv").stdout_bytes
    refused = run(sample, "mark", "list", "--format", "tsv", "--bom")
    assert refused.exit_code == 2 and refused.stderr == "ipcli: error: --bom is for --format csv, not tsv\n"
