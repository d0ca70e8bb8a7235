"""The records of the input of `mark import` and `patent import` (a source.Source): (line, values)
with values a tuple of text or None in the order of Columns.names, or a Rejected for a record that
cannot be read. `line` is the physical line where the record starts (the row of a workbook's sheet).

CSV, TSV (as ipcli's listings write it: one record a line, `\\`, `\t`, `\n` and `\r` escaped) and
JSONL are read here; a workbook by ipcli.register.importing.xlsx.
"""

import csv
import json
import re
from pathlib import Path

from ipcli import jsontext
from ipcli.errors import Rejected
from ipcli.register.importing.columns import FLAG_COLUMNS, FORMAT_RULE, Columns, InputRejected, getter, json_keys
from ipcli.register.importing.encoding import TEXT_BOM

FIELD_LIMIT_ERROR = "field larger than field limit"  # how the csv module refuses a field over csv.field_size_limit()


# CSV and TSV

def csv_records(handle, columns: Columns, header: tuple[list, int] | None = None, first_line: int = 1,
                fmt: str = "csv"):
    """The records of a CSV (or TSV) file; or, given the file's `header` (names, line), of a part of it
    after the header whose first line is `first_line` (ipcli.register.importing.parts)."""
    reader = _reader(handle, fmt)
    header, header_line = header or _header(reader)
    values_of = getter(header, columns, header_line)
    before = first_line - 1
    width, last = len(header), before + reader.line_num
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield last + 1, _csv_refusal(error)
            last = before + reader.line_num
            continue
        line, last = last + 1, before + reader.line_num
        if not record:
            continue
        if len(record) != width:
            yield line, Rejected("import.field_count", rule=FORMAT_RULE, count=len(record), expected=width)
            continue
        record.append("")  # where absent columns are read
        yield line, values_of(record)


def csv_header(path: Path, encoding: str, fmt: str = "csv") -> tuple[list, int]:
    """The header of a CSV (or TSV) file: its names and its line."""
    with open(path, encoding=encoding, newline="") as handle:
        return _header(_reader(handle, fmt))


def _reader(handle, fmt: str):
    return _TsvReader(handle) if fmt == "tsv" else csv.reader(handle, strict=True)


_TSV_ESCAPE = re.compile(r"\\([\\tnr])")
_TSV_UNESCAPED = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


class _TsvReader:
    """Lists of the fields of a TSV file's lines, as csv.reader gives (with its `line_num`); the escapes
    that ipcli.output writes read back, a backslash before any other character kept."""

    def __init__(self, handle):
        self._lines = handle
        self.line_num = 0

    def __iter__(self):
        return self

    def __next__(self) -> list:
        line = next(self._lines).removesuffix("\n").removesuffix("\r")
        self.line_num += 1
        if not line:
            return []
        return [_TSV_ESCAPE.sub(_unescaped, field) if "\\" in field else field for field in line.split("\t")]


def _unescaped(match) -> str:
    return _TSV_UNESCAPED[match[1]]


def _header(reader) -> tuple[list, int]:
    last = 0
    try:
        for record in reader:
            if record:
                return [name.strip().lstrip(TEXT_BOM) for name in record], last + 1
            last = reader.line_num
    except csv.Error as error:
        raise InputRejected(last + 1, _csv_refusal(error)) from None
    raise InputRejected(1, Rejected("import.no_header", rule=FORMAT_RULE))


def _csv_refusal(error: csv.Error) -> Rejected:
    """A record the csv module cannot read: a field over its limit (which it tells only in words), or
    bad quoting."""
    if str(error).startswith(FIELD_LIMIT_ERROR):
        return Rejected("import.field_too_large", rule=FORMAT_RULE, limit=csv.field_size_limit())
    return Rejected("import.bad_csv", rule=FORMAT_RULE)


# What jsontext refuses besides bad syntax, each explained in its own words.
JSON_REFUSALS = {jsontext.DUPLICATE_KEY: "import.json_duplicate_key", jsontext.TOO_DEEP: "import.json_too_deep",
                 jsontext.NUMBER_TOO_LONG: "import.json_number_too_long",
                 jsontext.LONE_SURROGATE: "import.json_lone_surrogate", jsontext.NOT_FINITE: "import.json_not_finite"}


def jsonl_records(handle, columns: Columns, first_line: int = 1):
    """The records of a JSONL file, or of a part of it whose first line is `first_line`. Its objects' keys
    are read as headers are (ipcli.register.importing.columns), once for each set of keys."""
    keys_of = _KeysOf(columns)
    for line, text in enumerate(handle, start=first_line):
        if line == 1:
            text = text.lstrip(TEXT_BOM)
        if not text.strip():
            continue
        try:
            record = jsontext.loads(text)
        except json.JSONDecodeError as error:
            yield line, Rejected(JSON_REFUSALS.get(error.msg, "import.bad_json"), rule=FORMAT_RULE, column=error.colno)
            continue
        if type(record) is not dict:
            yield line, Rejected("import.not_object", rule=FORMAT_RULE)
            continue
        try:
            keys = keys_of[tuple(record)]
            yield line, tuple([_json_value(record.get(key), name) for key, name in zip(keys, columns.names)])
        except Rejected as error:
            yield line, error


def _json_value(value, column: str):
    """Text as in CSV: strings and null as they are, whole numbers as digits, classes also as a list."""
    if value is None or type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    if type(value) is bool and column in FLAG_COLUMNS:
        return "true" if value else "false"
    if column == "classes" and type(value) is list and all(type(item) in (int, str) for item in value):
        return ";".join(str(item) for item in value)
    raise Rejected("import.not_text", rule=FORMAT_RULE, column=column, value=json.dumps(value, ensure_ascii=False))


KEY_SETS_KEPT = 1_000  # sets of keys remembered: a file of objects all keyed apart does not fill memory


class _KeysOf(dict):
    """The keys read as the columns (columns.json_keys), by the keys of an object."""

    def __init__(self, columns: Columns):
        super().__init__()
        self.columns = columns

    def __missing__(self, keys: tuple) -> tuple:
        found = json_keys(keys, self.columns)  # a refusal is not kept: only bad lines pay for it again
        if len(self) < KEY_SETS_KEPT:
            self[keys] = found
        return found
