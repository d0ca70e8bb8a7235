"""The records of a sheet of an Excel workbook (.xlsx), for `mark import` and `patent import`: read by
openpyxl in read-only mode (rows streamed, not loaded whole), each row's values turned into the text
that the same value has in a CSV file, and validated as that text.

A workbook's cells have types that text has not (README "Importing marks and patents"):
- a date cell is its date (one with a time of day other than midnight is refused, IMPORT-DATE);
- a number is its digits, and a fraction its shortest exact decimal (202410100024.8), so that an
  identifier typed as a number reads as typed. Excel keeps 15 significant digits of a number: one of
  1e15 or more (an 18-digit ID number) may have lost digits, and an application number of 12 or 8
  digits has lost its check digit 0 (202410100024.0 is the number 202410100024); both are refused
  (IMPORT-NUMBER), never guessed;
- TRUE/FALSE and error values (#N/A) are refused (IMPORT-FORMAT).
Rows with no value are skipped; columns past the header's last name are not read.
"""

import math
import zipfile
import zlib
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path

from ipcli.errors import Rejected
from ipcli.literal import Sentence
from ipcli.register.importing.columns import (DATE_RULE, FLAG_COLUMNS, FORMAT_RULE, NUMBER_RULE, Columns,
                                              InputRejected, getter)

EXCEL_DIGITS = 15  # significant digits Excel keeps of a number
EXACT_BELOW = 10 ** EXCEL_DIGITS
CHECKLESS_APP_NO_DIGITS = (12, 8)  # an application number without its check character
TEXT_TYPES = frozenset({str, type(None)})
# What openpyxl raises for a file that is no workbook, or a broken one (a ZIP, XML or part missing).
BROKEN_WORKBOOK = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, ValueError, TypeError,
                   AttributeError, SyntaxError)


@contextmanager
def opened_sheet(path: Path, name: str, sheet: str | None):
    """The worksheet `sheet` (else the first) of the workbook at `path`, open while in the `with` block.
    Refused: a file that is no workbook, and a sheet it has not (naming those it has)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    with open(path, "rb") as handle:  # a handle, not a name: openpyxl would want the name's extension
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except (InvalidFileException, *BROKEN_WORKBOOK):
            raise Rejected("import.bad_workbook", rule=FORMAT_RULE, file=name) from None
        try:
            yield _worksheet(workbook, name, sheet)
        finally:
            workbook.close()


def _worksheet(workbook, name: str, sheet: str | None):
    sheets = workbook.worksheets
    if not sheets:
        raise Rejected("import.bad_workbook", rule=FORMAT_RULE, file=name)
    if sheet is None:
        return sheets[0]
    for worksheet in sheets:
        if worksheet.title == sheet:
            return worksheet
    raise Rejected("import.no_sheet", rule=FORMAT_RULE, file=name, sheet=sheet,
                   sheets=Sentence(", ".join(worksheet.title for worksheet in sheets)))


class SheetRecords:
    """The records of a worksheet, by row number; `consumed` estimates the bytes read so far (for a
    progress bar) from the rows the sheet says it has."""

    def __init__(self, sheet, columns: Columns, size: int):
        from openpyxl.cell.cell import ERROR_CODES

        self._sheet = sheet
        self._columns = columns
        self._errors = frozenset(ERROR_CODES)
        self._size = size
        self._expected = sheet.max_row or 0  # from the sheet's dimension, which writers may get wrong
        self._number = 0
        sheet.reset_dimensions()  # so that every row is read, whatever the dimension says

    @property
    def consumed(self) -> int:
        return min(self._size, self._size * self._number // self._expected) if self._expected else 0

    def __iter__(self):
        rows = enumerate(self._read(), start=1)
        header, number = _header(rows)
        values_of = getter(header, self._columns, number)
        names, errors, padding = self._columns.names, self._errors, (None,) * (len(header) + 1)
        for number, row in rows:
            self._number = number
            if row.count(None) == len(row):
                continue
            values = values_of(row[:len(header)] + padding)
            if TEXT_TYPES.issuperset(map(type, values)) and errors.isdisjoint(values):
                yield number, values
                continue
            try:
                yield number, tuple(map(self._text, values, names))
            except Rejected as error:
                yield number, error

    def _read(self):
        rows = self._sheet.iter_rows(values_only=True)
        while True:
            try:
                yield next(rows)
            except StopIteration:
                return
            except BROKEN_WORKBOOK:
                raise InputRejected(self._number + 1, Rejected("import.bad_sheet", rule=FORMAT_RULE)) from None

    def _text(self, value, column: str) -> str | None:
        """The text of a cell's value, as a CSV field would hold it."""
        kind = type(value)
        if value is None:
            return None
        if kind is str:
            if value in self._errors:
                raise Rejected("import.cell_error", rule=FORMAT_RULE, column=column, value=value)
            return value
        if kind is datetime:
            if value.time() != time():
                raise Rejected("import.date_with_time", rule=DATE_RULE, column=column, value=value.isoformat(" "))
            return value.date().isoformat()
        if kind is date:
            return value.isoformat()
        if kind is int or kind is float:
            return number_text(value, column)
        if kind is bool and column in FLAG_COLUMNS:  # as the export writes a yes/no column
            return "true" if value else "false"
        raise Rejected("import.cell_value", rule=FORMAT_RULE, column=column, value=str(value))


def _header(rows) -> tuple[list, int]:
    """The first row with a value: its names (up to the last) and its number."""
    for number, row in rows:
        names = [name if type(name) is str or name is None else str(name) for name in row]
        while names and names[-1] is None:
            names.pop()
        if names:
            return names, number
    raise InputRejected(1, Rejected("import.no_header", rule=FORMAT_RULE))


def number_text(value: int | float, column: str) -> str:
    """The text a number of a cell was typed as: its digits, or its shortest exact decimal. Refused
    (IMPORT-NUMBER) when that is uncertain: digits beyond Excel's 15, a fraction not typed as such,
    an application number whose check digit 0 is lost."""
    if not math.isfinite(value) or abs(value) >= EXACT_BELOW:
        raise Rejected("import.number_digits_lost", rule=NUMBER_RULE, column=column, value=repr(value),
                       digits=EXCEL_DIGITS)
    if value == int(value):
        text = str(int(value))
        if column == "app_no" and len(text) in CHECKLESS_APP_NO_DIGITS:
            raise Rejected("import.number_check_digit", rule=NUMBER_RULE, column=column, value=text)
        return text
    text = repr(value)
    significant = text.lstrip("-0.").replace(".", "")
    if "e" in text or len(significant) > EXCEL_DIGITS:
        raise Rejected("import.number_inexact", rule=NUMBER_RULE, column=column, value=text)
    return text
