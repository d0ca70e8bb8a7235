"""--format xlsx (README "Output"): a listing as one Excel sheet, written by openpyxl in write-only mode.

The header row holds the labels of the tables in --lang (ipcli.output.label), frozen and filtered over the
data. Codes are written by their labels as tables show them (商标到期, not mark_expires); dates are date
cells; amounts are numbers in CNY; identifiers (views.IDENTIFIERS) are text cells, so that a resident ID or
an application number keeps every digit; lists of numbers or identifiers are `9;35` as in csv; nested
values are JSON text. Every text cell is neutralised against formulas as in csv, and what XML cannot hold
(an escape character) is written visibly, `\\x1b`. Columns are as wide as their text, a Chinese character
counting two.
"""

import re
from datetime import date
from io import BytesIO
from typing import NamedTuple

from wcwidth import wcswidth

from ipcli.literal import neutralised, xml_safe
from ipcli.output import TRANSLATED_FIELDS, display, label, plain_cell
from ipcli.views import IDENTIFIERS, MONEY, is_date_field

CNY_FORMAT = '"¥"#,##0.00'  # 5,000,000 yuan reads ¥5,000,000.00
TEXT_FORMAT = "@"
DATE_CELLS = 10  # yyyy-mm-dd
MAX_CELLS = 60  # a long title or explanation is not worth a screen's width: it wraps on a click
FILTER_BUTTON_CELLS = 2  # the header's filter button covers the end of its label
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TEXT_OR_NOTHING = frozenset({str, type(None)})
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


def workbook_bytes(rows: list[dict], keys: list[str], *, title: str | None = None, notes=None) -> bytes:
    """The .xlsx file of `rows`, one column per key in `keys` (a header row alone when there are none);
    `notes`: a second sheet (Notes) of plain text, such as a template's explanation of its columns."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _listing_sheet(book.create_sheet(title), rows, keys)
    if notes is not None:
        _notes_sheet(book.create_sheet(notes.title), notes)
    stream = BytesIO()
    book.save(stream)
    return stream.getvalue()


class Notes(NamedTuple):
    title: str
    headers: list[str]
    rows: list[list[str]]


def _listing_sheet(sheet, rows: list[dict], keys: list[str]) -> None:
    columns = [_column(key, [row.get(key) for row in rows]) for key in keys]
    headers = [label(key) for key in keys]
    for letter, key, header, cells in zip(_letters(len(keys)), keys, headers, columns):
        dimension = sheet.column_dimensions[letter]
        dimension.width = _width(header, cells, key in MONEY)
        if key in IDENTIFIERS:  # what a user types below the rows stays text too
            dimension.number_format = TEXT_FORMAT
    _header_row(sheet, headers, len(rows))
    styled = [_styled_cells(sheet, key, cells) for key, cells in zip(keys, columns)]
    for row in zip(*styled):
        sheet.append(row)


def _notes_sheet(sheet, notes: Notes) -> None:
    cells = [list(map(_text, row)) for row in notes.rows]
    for letter, header, column in zip(_letters(len(notes.headers)), notes.headers, zip(*cells)):
        sheet.column_dimensions[letter].width = _width(header, list(column), False)
    _header_row(sheet, notes.headers, len(cells))
    for row in cells:
        sheet.append(row)


def _letters(count: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [get_column_letter(number) for number in range(1, count + 1)]


def _header_row(sheet, headers: list[str], rows: int) -> None:
    """The header: bold, frozen, filtered over the `rows` below it."""
    if headers:
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{_letters(len(headers))[-1]}{rows + 1}"
    sheet.append(_header_cells(sheet, headers))


def _column(key: str, values: list) -> list:
    """The cells of one column as Python values openpyxl writes: str, int, float, bool, date or None. A column
    of text (most are) converts each distinct value once: dates, codes and owners repeat."""
    convert = _converter(key)
    if not _TEXT_OR_NOTHING.issuperset(map(type, values)):
        return list(map(convert, values))
    cells = {value: convert(value) for value in set(values)}
    return list(map(cells.__getitem__, values))


def _converter(key: str):
    if key in IDENTIFIERS:
        return _identifier
    if key in TRANSLATED_FIELDS:
        return lambda value: _value(display(key, value) if type(value) is str else value)
    return _date_or_text if is_date_field(key) else _value


def _identifier(value):
    return None if value is None else _text(value if type(value) is str else plain_cell(value))


def _value(value):
    if value is None or type(value) in (bool, int, float, date):
        return value
    return _text(value if type(value) is str else plain_cell(value))  # a list 9;35, a record as JSON


def _date_or_text(value):
    if type(value) is str and _ISO_DATE.fullmatch(value):
        return date.fromisoformat(value)
    return _value(value)


def _text(value: str) -> str:
    return neutralised(xml_safe(value))


def _width(header: str, cells: list, money: bool) -> int:
    """A column's width in Excel's units (the width of a digit): its widest value, or its label and the
    filter button; no more than MAX_CELLS."""
    widest = max((_cell_width(value, money) for value in set(cells)), default=0)
    return min(MAX_CELLS, max(_text_width(header) + FILTER_BUTTON_CELLS, widest) + 1)


def _cell_width(value, money: bool) -> int:
    if type(value) is str:
        return _text_width(value)
    if type(value) is date:
        return DATE_CELLS
    if money and type(value) in (int, float):
        return len(f"¥{value:,.2f}")
    return len(str(value))  # a number, TRUE or FALSE


def _text_width(text: str) -> int:
    """Cells of the text's longest line, a wide (Chinese) character counting two."""
    if text.isascii():
        return max(map(len, text.split("\n")))
    return max(max(wcswidth(line), len(line)) for line in text.split("\n"))


def _header_cells(sheet, headers: list[str]) -> list:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, _text(header))
        cell.font = bold
        cells.append(cell)
    return cells


def _styled_cells(sheet, key: str, values: list) -> list:
    """A column's values, as cells with the column's number format where it has one (text for identifiers,
    CNY for amounts); a text equal to an error code (#N/A) kept as text."""
    number_format = TEXT_FORMAT if key in IDENTIFIERS else CNY_FORMAT if key in MONEY else None
    if number_format is None and _ERROR_CODES.isdisjoint(values):
        return values
    from openpyxl.cell import WriteOnlyCell

    template = WriteOnlyCell(sheet)
    if number_format is not None:
        template.number_format = number_format
    style = template._style
    cells = []
    for value in values:
        if value is None or (number_format is None and value not in _ERROR_CODES):
            cells.append(value)
            continue
        cell = WriteOnlyCell(sheet, value)
        cell._style = style  # one style shared by the column's cells: looked up once, not once a cell
        if type(value) is str:
            cell.data_type = "s"  # as text, even "#N/A"
        cells.append(cell)
    return cells
