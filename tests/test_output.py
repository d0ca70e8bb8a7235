"""The shared renderer: the same records in every format, safe for shells and spreadsheets."""

import csv
import io
import json
from datetime import date

from ipcli.literal import neutralised, unneutralised
from ipcli.output import emit, render_text, resolve_format

ROWS = [
    {"right_no": "12345678", "owner": "甲公司, Ltd \"A\"", "due_on": date(2026, 3, 1), "provisional": False,
     "classes": [9, 35], "note": "tab\there\nnewline", "fee": None},
    {"right_no": "00000042", "owner": "乙", "due_on": date(2027, 1, 4), "provisional": True,
     "classes": [], "note": "back\\slash", "fee": 450},
]


def test_json_list_is_an_array_and_single_is_an_object():
    assert json.loads(render_text(ROWS, "json"))[1]["due_on"] == "2027-01-04"
    assert json.loads(render_text(ROWS[0], "json"))["classes"] == [9, 35]
    assert render_text([], "json") == "[]\n"


def test_jsonl_is_one_object_per_line_keeping_chinese():
    lines = render_text(ROWS, "jsonl").splitlines()
    assert [json.loads(line)["owner"] for line in lines] == ["甲公司, Ltd \"A\"", "乙"]
    assert "甲公司" in lines[0]


def test_csv_round_trips_through_a_csv_reader():
    rows = list(csv.DictReader(io.StringIO(render_text(ROWS, "csv"))))
    assert rows[0]["owner"] == "甲公司, Ltd \"A\""
    assert rows[0]["classes"] == "9;35" and rows[1]["classes"] == ""
    assert rows[0]["fee"] == "" and rows[1]["fee"] == "450"
    assert rows[1]["provisional"] == "true" and rows[0]["note"] == "tab\there\nnewline"


def test_tsv_escapes_tabs_newlines_and_backslashes():
    lines = render_text(ROWS, "tsv").splitlines()
    assert len(lines) == 3
    assert lines[0] == "right_no\towner\tdue_on\tprovisional\tclasses\tnote\tfee"
    assert lines[1].split("\t")[5] == "tab\\there\\nnewline"
    assert lines[2].split("\t")[5] == "back\\\\slash"


def test_plain_table_has_translated_headers_and_nested_tables():
    text = render_text({"due_on": date(2026, 3, 1), "status": "in_grace",
                        "annuities": [{"year": 1, "fee": 900}]}, "table")
    assert "due on" in text and "in the grace period" in text
    assert "annual fees" in text and "900" in text


def test_empty_listing_prints_nothing_for_text_formats():
    assert render_text([], "tsv") == "" and render_text([], "csv") == "" and render_text([], "table") == ""


def test_quiet_prints_nothing_for_an_empty_listing(capsys):
    emit([], "json", quiet=True)
    assert capsys.readouterr().out == ""
    emit([], "json")
    assert capsys.readouterr().out == "[]\n"


def test_default_format_depends_on_the_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert resolve_format(None, Terminal()) == "table"
    assert resolve_format(None, io.StringIO()) == "tsv"
    assert resolve_format("csv", Terminal()) == "csv"


def test_rich_table_when_colour_is_forced(capsys):
    emit([{"right_no": "1", "provisional": True}], "table", color="always")
    out = capsys.readouterr().out
    assert "\x1b[" in out and "number" in out and "yes" in out


def test_json_listing_is_written_exactly_as_json_dumps_with_indent_2(capsys, monkeypatch):
    """The chunked fast path for flat records gives the very text of json.dumps(..., indent=2)."""
    from ipcli import output

    monkeypatch.setattr(output, "JSON_CHUNK_ROWS", 3)
    tricky = ["},\n    {", "甲\t\"乙\"\\", "\u2028", "\x1b[31m", "", "R-TM-WINDOW"]
    flat = [{"due_on": date(2026, 3, i % 28 + 1), "days_left": i - 3, "title": tricky[i % len(tricky)],
             "provisional": i % 2 == 0, "late_fee": None if i % 3 else 12.5, "},\n    {": i} for i in range(10)]
    mixed = flat[:4] + [ROWS[0], {}] + flat[4:]
    for rows in (flat, mixed, flat[:1], [{}], [[1, 2]]):
        expected = json.dumps(rows, ensure_ascii=False, indent=2, default=date.isoformat) + "\n"
        assert render_text(rows, "json") == expected
        emit(rows, "json")
        assert capsys.readouterr().out == expected


def test_a_value_that_starts_with_the_quote_before_a_formula_gets_one_more():
    assert neutralised("'=1+1") == "''=1+1" and unneutralised("''=1+1") == "'=1+1"
    assert neutralised("'hello") == "'hello" and unneutralised("'hello") == "'hello"
