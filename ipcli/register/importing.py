"""`mark import` and `patent import` (CLI.md): rows of a CSV or JSONL file, every one validated before
anything is written, then written whole in one transaction, or not at all.

How a million rows stay fast and small:
- The input is read once, as a stream, and always decoded strictly: as UTF-8 (with or without BOM)
  first; when that fails, a pass over its lines decides between GB18030 and a refusal (bytes of
  neither, or UTF-8 text beside lines that are not UTF-8), and the input is read again, every part
  in that one encoding. Standard input is spooled to a temporary file, so it is read like a file.
- A large input is read by two processes at once on a machine with two CPUs or more: a forked
  worker parses and validates most of the file and sends its rows to this process, which reads the
  rest itself and stages (or inserts) both (ipcli.register.import_parts).
- Each valid row becomes one tuple of its own values, staged a small chunk at a time (while the
  chunk is still in the CPU cache) in a TEMP table of the import's connection; values that many rows
  share (a mark's dates, kind and key dates) are staged once and named by an id (ipcli.db.bulk).
  Memory keeps only the set of staged keys, to refuse a key given twice. Rows are then compared
  with the register and written from the stage by a few INSERT ... SELECT statements inside one
  transaction; a large import into a smaller table drops the table's indexes (its key's too),
  inserts the rows unsorted and builds each index once, through a rollback journal instead of the
  WAL when no other connection has the register open (ipcli.db.connection.rollback_journal).
- Into a table that holds no rights of its kind (a first import) every row is new, so nothing needs
  comparing: the rows go straight into the table as they are read, inside the transaction that
  write() commits, with no stage to copy from (bulk.DirectWrite). The table's unique index, built
  once all rows are in, shows whether a key was given twice, which sends the import back to the
  stage: there it is reported with the line of its first row.
- A mark's dates and kind are validated, and its key dates computed, by mark_row itself once per
  distinct (registered_on, term_starts_on, kind); its classes and owner id go through the validators
  mark_row uses once per distinct text, its registration number on every row. The result is the row
  mark_row gives (tests/test_import.py checks that they agree).
- Patents go through patent_row row by row; only the dates and owner id are validated once per
  distinct value.
"""

import codecs
import csv
import json
import re
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from operator import itemgetter
from pathlib import Path

from ipcli import files, jsontext
from ipcli.clock import now_stamp
from ipcli.db import bulk
from ipcli.db.nice_classes import class_list, classes_text
from ipcli.db.store import PATENT_COLUMNS
from ipcli.errors import Rejected
from ipcli.i18n.aliases import code_of
from ipcli.memory import without_cyclic_gc
from ipcli.register import import_parts, rights
from ipcli.rules import dates, identifiers
from ipcli.rules.fees import REDUCTION_SPELLINGS
from ipcli.rules.patent import PATENT_TYPES

# Rule ids of the import's own refusals (README "Importing marks and patents").
ENCODING_RULE = "IMPORT-ENCODING"    # bytes that are neither UTF-8 nor GB18030 text
FORMAT_RULE = "IMPORT-FORMAT"        # the shape of the file: header, columns, quoting, JSON, value types
DATE_RULE = "IMPORT-DATE"            # a date not written as people write one, not a calendar date, or out of range
VALUE_RULE = rights.VALUE_RULE       # a value outside its list (kind, type, reduction)
DUPLICATE_RULE = "IMPORT-DUPLICATE"  # the same right twice in one input
CONFLICT_RULE = "IMPORT-CONFLICT"    # a right stored with other data, without --update

JSONL_SUFFIXES = (".jsonl", ".ndjson")
MAX_COLUMNS = 1_000  # a header of more columns is refused before any row is read
FIELD_LIMIT_ERROR = "field larger than field limit"  # how the csv module refuses a field over csv.field_size_limit()
CHUNK_ROWS = 1_000  # validated rows staged at a time: a batch small enough to stay in the CPU cache
READ_BLOCK = 1 << 20
SNIFF_BYTES = 1 << 16
# Drop the tables' indexes and build them again after the rows are in, when an import adds at least
# this many rows and at least a quarter as many as the table holds: building an index sorts all its
# rows once, which beats updating it row by row from about a fifth (200,000 rows into 1,000,000).
REBUILD_MIN_ROWS = 50_000
REBUILD_SHARE = 4
WRITE_STEPS = 3
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
GB18030_BOM = b"\x84\x31\x95\x33"
TEXT_BOM = "\ufeff"  # what remains of a GB18030 BOM once decoded
REPLACEMENT = "\ufffd"  # what UTF-8 decoding puts for bytes it cannot decode
UTF8_REPLACEMENT = REPLACEMENT.encode()
UTF8 = "utf-8-sig"  # what an input is read as first: UTF-8, a BOM dropped


# The input: where it is, what it is called, its format and encoding.

@dataclass(frozen=True)
class Source:
    path: Path  # the file read; standard input is spooled to a temporary file first
    name: str   # as messages name it
    fmt: str    # csv or jsonl

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def journal_id(self) -> str:
        return "import:" + (self.name if self.name == files.STDIN_NAME else Path(self.name).name)


@contextmanager
def open_source(argument: str, input_format: str | None, stdin=None):
    """The Source for FILE (a regular file) or `-` (standard input, spooled to a temporary file first so
    that it is read like a file), of at most files.IMPORT_BYTES. The format is `input_format`, else taken
    from the file extension, else sniffed: a first non-blank character `{` means JSONL."""
    if argument == files.STDIN:
        with _spooled(stdin or sys.stdin.buffer) as path:
            yield Source(path, files.STDIN_NAME, input_format or _sniff(path))
        return
    path = files.input_path(argument, files.IMPORT_BYTES)
    yield Source(path, argument, input_format or _format_by_name(path) or _sniff(path))


@contextmanager
def _spooled(stream):
    with tempfile.TemporaryDirectory(prefix="ipcli-import-") as folder:
        path = Path(folder) / "input"
        with open(path, "wb") as spool:
            files.copy_input(files.STDIN, spool, files.IMPORT_BYTES, stdin=stream)
        yield path


def _format_by_name(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    return "jsonl" if suffix in JSONL_SUFFIXES else None


def _sniff(path: Path) -> str:
    with open(path, "rb") as handle:
        start = handle.read(SNIFF_BYTES).removeprefix(codecs.BOM_UTF8).removeprefix(GB18030_BOM).lstrip()
    return "jsonl" if start.startswith(b"{") else "csv"


class InputRejected(Exception):
    """A problem of the whole input (encoding, header), reported at its line; no row is read."""

    def __init__(self, line: int, error: Rejected):
        super().__init__(line, error)
        self.line = line
        self.error = error


def refuse_utf16(path: Path) -> None:
    with open(path, "rb") as handle:
        if handle.read(2) in UTF16_BOMS:
            raise InputRejected(1, Rejected("import.encoding", rule=ENCODING_RULE))


def detect_encoding(path: Path) -> str:
    """The one encoding of the whole input: utf-8-sig when it is UTF-8 (a BOM is dropped), else
    gb18030 when it is GB18030 and no line of it is UTF-8 text; else InputRejected at the first line
    that is neither, or, when some line is UTF-8 text, at the first line that is not UTF-8. (UTF-8
    Chinese mostly decodes as GB18030 too, into mojibake: a file of lines in both encodings would.)

    Neither encoding uses the byte 0x0A inside a character, so lines decode one by one."""
    refuse_utf16(path)
    if _decodes(path, "utf-8"):
        return UTF8
    gb18030 = _decodes(path, "gb18030")
    if gb18030 and not _may_show_utf8(path):
        return "gb18030"
    utf8_text = not_utf8 = None
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.isascii():
                continue
            text = _utf8_text(line)
            if text is None:
                if not gb18030 and _decoded(line, "gb18030") is None:
                    raise InputRejected(number, Rejected("import.encoding", rule=ENCODING_RULE))
                not_utf8 = not_utf8 or number
            elif utf8_text is None and (_shows_utf8(text, number) or not gb18030 and _decoded(line, "gb18030") is None):
                utf8_text = number
            if utf8_text and not_utf8:
                raise InputRejected(not_utf8, Rejected("import.mixed_encoding", rule=ENCODING_RULE,
                                                       utf8_line=utf8_text))
    return "gb18030"


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as handle:
            while block := handle.read(READ_BLOCK):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decoded(line: bytes, encoding: str) -> str | None:
    try:
        return line.decode(encoding)
    except UnicodeDecodeError:
        return None


def _utf8_text(line: bytes) -> str | None:
    """The line read as UTF-8, or None. Decoding with replacement characters is quicker than catching
    the error of every line of a GB18030 file; one that the line's bytes do not hold shows an error."""
    text = line.decode("utf-8", "replace")
    if REPLACEMENT in text and (UTF8_REPLACEMENT not in line or _decoded(line, "utf-8") is None):
        return None
    return text


# Characters that show a line is UTF-8 text: CJK ideographs, their punctuation and full-width forms. A
# line of GB18030 Chinese that happens to be valid UTF-8 all but never decodes to them, but to Latin,
# Greek or Cyrillic letters (and so is no evidence).
_UTF8_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
# The UTF-8 bytes of every character _UTF8_CJK names (and of the BOM), and of others.
_UTF8_CJK_BYTES = re.compile(b"[\\xe2-\\xe9\\xef][\\x80-\\xbf][\\x80-\\xbf]")


def _may_show_utf8(path: Path) -> bool:
    """Whether any bytes of the input could be a character that shows a line is UTF-8 text: most
    GB18030 files hold none, and need not be read line by line."""
    with open(path, "rb") as handle:
        tail = b""
        while block := handle.read(READ_BLOCK):
            if _UTF8_CJK_BYTES.search(tail + block):
                return True
            tail = block[-2:]
    return False


def _shows_utf8(text: str, number: int) -> bool:
    return (number == 1 and text.startswith(TEXT_BOM)) or _UTF8_CJK.search(text) is not None


# Records: (line, values) with values a tuple of text or None in the order of Columns.names, or a
# Rejected for a record that cannot be read. `line` is the physical line where the record starts.

@dataclass(frozen=True)
class Columns:
    names: tuple
    required: tuple


def csv_records(handle, columns: Columns, header: tuple[list, int] | None = None, first_line: int = 1):
    """The records of a CSV file; or, given the file's `header` (names, line), of a part of it after
    the header whose first line is `first_line` (ipcli.register.import_parts)."""
    reader = csv.reader(handle, strict=True)
    header, header_line = header or _header(reader)
    getter = _getter(header, columns, header_line)
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
        yield line, getter(record)


def csv_header(path: Path, encoding: str) -> tuple[list, int]:
    """The header of a CSV file: its names and its line."""
    with open(path, encoding=encoding, newline="") as handle:
        return _header(csv.reader(handle, strict=True))


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


def _getter(header: list, columns: Columns, line: int):
    """Reads the columns' values from a record with an empty field appended, which absent columns read.
    One pass over the header: other columns are only skipped, however many there are (up to MAX_COLUMNS)."""
    if len(header) > MAX_COLUMNS:
        raise InputRejected(line, Rejected("import.too_many_columns", rule=FORMAT_RULE, count=len(header),
                                           limit=MAX_COLUMNS))
    positions = {}
    for position, name in enumerate(header):
        if name in columns.names:
            if name in positions:
                raise InputRejected(line, Rejected("import.duplicate_column", rule=FORMAT_RULE, column=name))
            positions[name] = position
    for name in columns.required:
        if name not in positions:
            raise InputRejected(line, Rejected("import.missing_column", rule=FORMAT_RULE, column=name))
    return itemgetter(*(positions.get(name, -1) for name in columns.names))


# What jsontext refuses besides bad syntax, each explained in its own words.
JSON_REFUSALS = {jsontext.DUPLICATE_KEY: "import.json_duplicate_key", jsontext.TOO_DEEP: "import.json_too_deep",
                 jsontext.NUMBER_TOO_LONG: "import.json_number_too_long",
                 jsontext.LONE_SURROGATE: "import.json_lone_surrogate", jsontext.NOT_FINITE: "import.json_not_finite"}


def jsonl_records(handle, columns: Columns, first_line: int = 1):
    """The records of a JSONL file, or of a part of it whose first line is `first_line`."""
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
            yield line, tuple([_json_value(record.get(name), name) for name in columns.names])
        except Rejected as error:
            yield line, error


def _json_value(value, column: str):
    """Text as in CSV: strings and null as they are, whole numbers as digits, classes also as a list."""
    if value is None or type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    if column == "classes" and type(value) is list and all(type(item) in (int, str) for item in value):
        return ";".join(str(item) for item in value)
    raise Rejected("import.not_text", rule=FORMAT_RULE, column=column, value=json.dumps(value, ensure_ascii=False))


# Values

def parse_date(text: str, column: str) -> date:
    """A date within ipcli's dates, written as the command line takes it (clickext.DATE: 2021-04-06,
    2021/4/6 as Excel writes it, 2021年4月6日, ...), but not `today`: a file means the same every day."""
    try:
        return dates.parse_date(text)
    except dates.DateProblem as problem:
        raise Rejected(f"import.{problem.kind}", rule=DATE_RULE, column=column, value=text, low=dates.EARLIEST,
                       high=dates.LATEST) from None


# Longer whole numbers are outside every column's range, and beyond SQLite's 64-bit integers.
INTEGER_MAX_DIGITS = 18


def parse_integer(text: str, column: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise Rejected("import.not_integer", rule=FORMAT_RULE, column=column, value=text)
    digits = text.lstrip("0")
    if len(digits) > INTEGER_MAX_DIGITS:
        raise Rejected("import.integer_too_large", rule=FORMAT_RULE, column=column, digits=len(digits))
    return int(digits or "0")


def _missing(values: tuple, columns: Columns) -> Rejected:
    for name in columns.required:
        if not values[columns.names.index(name)]:
            return Rejected("import.missing_value", rule=FORMAT_RULE, column=name)
    raise AssertionError("no required value is missing")


class Memo(dict):
    """The results of `function` by argument, each computed on first use. A refusal is not kept: a
    bad value is validated (and refused) again each time, which only bad rows pay for."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value


def _code(text: str, codes) -> str:
    """The code of `codes` that a kind, type or reduction column writes, also by its Chinese name
    (ipcli.i18n.aliases); a text that names none is kept, for its validator to refuse."""
    return code_of(text, codes) or text


def _classes_text(text: str) -> str:
    return classes_text(identifiers.nice_classes(text))


def _owner_id(text: str | None) -> str | None:
    return identifiers.owner_id(text)[1] if text else None


class Ids(dict):
    """A small id for each distinct value (a tuple): first, first + step, first + 2 * step, ... (the
    workers of import_parts number apart). take_new() hands out the values first seen since its
    last call, as (id, *value) rows for a side table."""

    def __init__(self, first: int = 0, step: int = 1):
        super().__init__()
        self._values = []
        self._first, self._step = first, step
        self._taken = 0

    def __missing__(self, value: tuple) -> int:
        number = self[value] = self._first + self._step * len(self._values)
        self._values.append(value)
        return number

    def value(self, number: int) -> tuple:
        return self._values[(number - self._first) // self._step]

    def take_new(self) -> list:
        new = [(self._first + self._step * index, *self._values[index])
               for index in range(self._taken, len(self._values))]
        self._taken = len(self._values)
        return new


# Rows: each kind validates the values of a record into the tuple it stages: (line, *the values of
# its target's `staged` columns, ipcli.db.bulk).

MARK_SHARED = bulk.MARKS.shared


class MarkRows:
    """A mark's dates and kind are checked, and its key dates computed, by mark_row itself once per
    distinct (registered_on, term_starts_on, kind); its classes and owner id by the validators mark_row
    uses, once per distinct text; its registration number on every row. The result is the row
    mark_row gives (tests/test_import.py checks that they agree), staged with its shared values named
    by an id."""

    kind = "mark"
    target = bulk.MARKS
    columns = Columns(("reg_no", "classes", "name", "owner", "owner_id", "kind", "registered_on", "term_starts_on",
                       "window"), required=("reg_no", "classes", "registered_on"))
    # What `mark import` compares with a stored mark to call a row unchanged.
    compared = ("classes", "name", "owner", "owner_id", "kind", "registered_on", "term_starts_on", "window")
    PLACEHOLDER = {"reg_no": "1", "classes": (1,)}

    def __init__(self, key_dates: rights.KeyDates):
        self.key_dates = key_dates
        self.missing_years = set()
        self.restart_ids(0, 1)
        self._classes = Memo(_classes_text)
        self._owner_id = Memo(_owner_id)

    def validate(self, line: int, values: tuple) -> tuple:
        reg_no, classes, name, owner, owner_id, kind, registered_on, term_starts_on, window = values
        if not (reg_no and classes and registered_on):
            raise _missing(values, self.columns)
        # In mark_row's order, so that a row with several faults is refused for the same one.
        shared = self._shared.get(f"{registered_on}|{term_starts_on or ''}|{kind or ''}")
        if shared is None:
            shared = self._shared_id(registered_on, term_starts_on, kind)
        # A number of 1 to 8 ASCII digits is its own canonical form; any other goes through the rule.
        if not (len(reg_no) <= identifiers.TM_REG_NO_MAX_DIGITS and reg_no.isdigit() and reg_no.isascii()):
            reg_no = identifiers.trademark_reg_no(reg_no)
        return (line, reg_no, self._classes[classes], name or None, owner or None, self._owner_id[owner_id],
                window or None, shared)

    def take_new(self) -> list:
        """The shared rows first seen since the last call, for bulk.stage_rows."""
        return self._shared_ids.take_new()

    def restart_ids(self, part: int, parts: int) -> None:
        """Shared ids afresh, for reading part `part` of `parts`: none of them another part's."""
        self._shared_ids = Ids(part, parts)
        # The shared id of each valid "registered_on|term_starts_on|kind" as given: no valid date or
        # kind holds a "|", so such a key stands for one triple, and a triple with a "|" is never found.
        self._shared = {}

    def row(self, staged: tuple) -> dict:
        """The mark of a staged row, as mark_row gives it."""
        own = dict(zip(("line",) + self.target.staged, staged))
        return {**{column: own[column] for column in self.target.own}, "classes": class_list(own["classes"]),
                **dict(zip(MARK_SHARED, self._shared_ids.value(own[bulk.SHARED])))}

    def _shared_id(self, registered_on: str, term_starts_on: str | None, kind: str | None) -> int:
        """mark_row's checks of the dates and kind, and the key dates it computes from them."""
        registered = parse_date(registered_on, "registered_on")
        term = parse_date(term_starts_on, "term_starts_on") if term_starts_on else None
        row = rights.mark_row(self.key_dates, **self.PLACEHOLDER, registered_on=registered, term_starts_on=term,
                              **({"kind": _code(kind, rights.MARK_KINDS)} if kind else {}))
        self.missing_years |= rights.missing_years(self.key_dates, row)
        number = self._shared[f"{registered_on}|{term_starts_on or ''}|{kind or ''}"] = \
            self._shared_ids[tuple(row[column] for column in MARK_SHARED)]
        return number


class PatentRows:
    kind = "patent"
    target = bulk.PATENTS
    columns = Columns(("app_no", "type", "filed_on", "granted_on", "title", "owner", "owner_id", "paid_through",
                       "reduction", "window", "open_license_from"), required=("app_no", "filed_on"))
    compared = ("type", "filed_on", "granted_on", "title", "owner", "owner_id", "paid_through", "reduction",
                "open_license", "open_license_from", "window")

    def __init__(self, key_dates: rights.KeyDates):
        self.key_dates = key_dates
        self.missing_years = set()
        self._filed_on = Memo(partial(parse_date, column="filed_on"))
        self._granted_on = Memo(partial(parse_date, column="granted_on"))
        self._open_license_from = Memo(partial(parse_date, column="open_license_from"))
        self._owner_id = Memo(_owner_id)
        self._type = Memo(partial(_code, codes=PATENT_TYPES))
        self._reduction = Memo(partial(_code, codes=REDUCTION_SPELLINGS))

    def validate(self, line: int, values: tuple) -> tuple:
        (app_no, patent_type, filed_on, granted_on, title, owner, owner_id, paid_through, reduction, window,
         open_license_from) = values
        if not (app_no and filed_on):
            raise _missing(values, self.columns)
        patent_type = self._type[patent_type] if patent_type else None
        if patent_type and patent_type not in PATENT_TYPES:
            raise Rejected("import.bad_choice", rule=VALUE_RULE, column="type", value=patent_type,
                           choices=", ".join(PATENT_TYPES))
        row = rights.patent_row(
            self.key_dates, app_no=app_no, filed_on=self._filed_on[filed_on], patent_type=patent_type,
            granted_on=self._granted_on[granted_on] if granted_on else None,
            paid_through=parse_integer(paid_through, "paid_through") if paid_through else 0, title=title,
            owner=owner, reduction=self._reduction[reduction] if reduction else "none", window=window,
            open_license_from=self._open_license_from[open_license_from] if open_license_from else None)
        row["owner_id"] = self._owner_id[owner_id]
        years = rights.missing_years(self.key_dates, row)
        if years:
            self.missing_years |= years
        return (line, *(row[column] for column in PATENT_COLUMNS))

    def take_new(self) -> list:
        return []

    def restart_ids(self, part: int, parts: int) -> None:
        """Patents share no values (MarkRows.restart_ids)."""


ROWS = {"mark": MarkRows, "patent": PatentRows}


# The import

@dataclass
class Report:
    name: str
    journal_id: str = ""
    rows: int = 0
    errors: list = field(default_factory=list)  # (line, Rejected), in line order
    counts: dict = field(default_factory=dict)
    missing_years: set = field(default_factory=set)

    @property
    def bad_rows(self) -> int:
        return len({line for line, _ in self.errors})


@dataclass
class Tally:
    """What reading an input (or a part of one) found besides its valid rows."""

    records: int = 0
    errors: list = field(default_factory=list)  # (line, Rejected)
    ends_unread: bool = False  # its last record could not be read (import_parts: a cut inside a record)


def validated_batches(rows, records, tally: Tally):
    """Lists of up to CHUNK_ROWS staged tuples of the valid records; the others go to `tally`."""
    validate, errors, batch, count, values = rows.validate, tally.errors, [], 0, ()
    for line, values in records:
        count += 1
        if type(values) is not tuple:
            errors.append((line, values))
            continue
        try:
            batch.append(validate(line, values))
        except Rejected as error:
            errors.append((line, error))
            continue
        if len(batch) == CHUNK_ROWS:
            yield batch
            batch = []
    tally.records += count
    tally.ends_unread = type(values) is not tuple
    yield batch


def _records(fmt: str, handle, columns: Columns, header: tuple | None = None, first_line: int = 1):
    if fmt == "csv":
        return csv_records(handle, columns, header, first_line)
    return jsonl_records(handle, columns, first_line)


KEY = itemgetter(1)  # of a staged tuple


class _KeyRepeated(Exception):
    """A key given twice to rows that went straight into their table: the staged check reports it."""


class Importer:
    """check() reads, validates and stages the whole input; write() then stores it in one transaction.
    Used as a context manager, check(writing=True) may instead insert the rows as it reads them, in a
    transaction that write() commits and leaving the `with` block otherwise rolls back."""

    def __init__(self, kind: str, store, key_dates: rights.KeyDates, update: bool = False):
        self.rows = ROWS[kind](key_dates)
        self.store = store
        self.update = update
        self.staged = 0
        self._keys = set()  # of the staged rows
        self._repeats = []  # (line, key) of the valid rows whose key a staged row has
        self._classified = False
        self._version = None
        self._direct = None  # a bulk.DirectWrite while rows go straight into their table

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        """A direct write that write() did not finish leaves nothing."""
        self._abandon_direct()

    def check(self, source: Source, progress=None, writing: bool = False) -> Report:
        """Every row validated and staged; `progress(bytes_read)` is called along the way.

        `writing` (not a dry run): when the register holds no right of this kind, the rows go straight
        into their table instead (bulk.DirectWrite); a key given twice, which must be reported with
        the line of its first row, sends the import back to the stage.
        """
        if writing and self._begin_direct():
            try:
                return self._check(source, progress)
            except _KeyRepeated:
                self._abandon_direct()
        return self._check(source, progress)

    def _begin_direct(self) -> bool:
        direct = bulk.DirectWrite(self.store, self.rows.target, now_stamp())
        if direct.begin():
            self._direct = direct
        return self._direct is not None

    def _abandon_direct(self) -> None:
        if self._direct is not None:
            self._direct.abandon()
            self._direct = None

    def _check(self, source: Source, progress) -> Report:
        report = Report(source.name, source.journal_id)
        try:
            refuse_utf16(source.path)
            with without_cyclic_gc():
                try:  # as UTF-8 first: most inputs are, and reading decodes strictly
                    tallies = self._read(source, UTF8, progress or _ignore)
                except UnicodeDecodeError:
                    tallies = self._read(source, detect_encoding(source.path), progress or _ignore)
        except InputRejected as problem:
            report.errors.append((problem.line, problem.error))
            return report
        report.rows = sum(tally.records for tally in tallies)
        report.errors = [error for tally in tallies for error in tally.errors]
        if self._direct is None:
            report.errors += self._repeat_errors()
            self._compare(report)
        elif self._direct.build_unique_indexes():  # into an empty table, no key twice: every row is new
            report.counts = self._counts()
        else:
            raise _KeyRepeated
        report.errors.sort(key=itemgetter(0))
        report.missing_years = set(self.rows.missing_years)
        return report

    def _read(self, source: Source, encoding: str, progress) -> list[Tally]:
        return self._read_in_parts(source, encoding, progress) or [self._read_whole(source, encoding, progress)]

    def _start_reading(self, part: int = 0, parts: int = 1) -> None:
        if self._direct is not None:
            self._direct.restart()
        bulk.create_stage(self.store, self.rows.target)
        self.rows.restart_ids(part, parts)
        self.staged = 0
        self._keys.clear()
        self._repeats.clear()

    def _read_whole(self, source: Source, encoding: str, progress) -> Tally:
        self._start_reading()
        tally = Tally()
        for batch, shared, read in self._batches(source, encoding, import_parts.whole(source.path), tally):
            self._stage(batch, shared)
            progress(read)
        return tally

    def _read_in_parts(self, source: Source, encoding: str, progress) -> list[Tally] | None:
        """A large input read partly here and partly by a worker process (import_parts) whose rows
        are staged (or inserted) here between chunks of this process's own; None when it is read
        whole instead (small, one CPU, or no safe cut)."""
        share = import_parts.OWN_SHARE_INSERTING if self._direct else import_parts.OWN_SHARE_STAGING
        parts = import_parts.split(source.path, share, quoted=source.fmt == "csv") \
            if import_parts.workers_available() > 1 else None
        if not parts:
            return None
        own, other = parts
        self._start_reading(own.number, len(parts))
        header = csv_header(source.path, encoding) if source.fmt == "csv" else None
        tally, read = Tally(), [0, 0]
        with import_parts.Worker(other, partial(self._read_part, source, encoding, header, len(parts))) as worker:
            for batch, shared, position in self._batches(source, encoding, own, tally):
                self._stage(batch, shared)
                read[0] = position
                self._stage_sent(worker.ready(), read, progress)
            if tally.ends_unread:  # perhaps cut inside a quoted field: read whole
                return None
            self._stage_sent(worker.rest(), read, progress)
        other_tally, missing_years = worker.result
        self.rows.missing_years |= missing_years
        return [tally, other_tally]

    def _stage_sent(self, messages, read: list, progress) -> None:
        for batch, shared, position in messages:
            self._stage(batch, shared)
            read[1] = position
        progress(sum(read))

    def _read_part(self, source: Source, encoding: str, header, parts: int, part, send) -> tuple:
        """In the worker process: validate a part, sending what _batches() gives."""
        self.rows.restart_ids(part.number, parts)
        tally = Tally()
        for message in self._batches(source, encoding, part, tally, header):
            send(message)
        return tally, self.rows.missing_years

    def _batches(self, source: Source, encoding: str, part, tally: Tally, header=None):
        """(valid rows, shared rows first seen, bytes of the part read so far) of a part of the input,
        CHUNK_ROWS rows at a time; `header`: the CSV header of a part after the first."""
        with import_parts.part_text(source.path, part, encoding) as (handle, source_range):
            records = _records(source.fmt, handle, self.rows.columns, header, part.first_line)
            for batch in validated_batches(self.rows, records, tally):
                yield batch, self.rows.take_new(), source_range.consumed

    def _stage(self, batch: list, shared: list) -> None:
        """Stage the rows of a batch whose key no staged row has, keeping the others as repeats; or,
        going straight into their table, insert them all (a key given twice is found once all are
        in, by _check)."""
        if self._direct is not None:
            self._direct.insert(batch, shared)
        else:
            batch = self._first_of_each_key(batch)
            bulk.stage_rows(self.store, self.rows.target, batch, shared)
        self.staged += len(batch)

    def _first_of_each_key(self, batch: list) -> list:
        """The rows whose key no staged row and no earlier row of the batch has; the others are kept
        as repeats."""
        keys = list(map(KEY, batch))
        if self._keys.isdisjoint(keys) and len(set(keys)) == len(keys):
            self._keys.update(keys)
            return batch
        first = []
        for row in batch:
            if row[1] in self._keys:
                self._repeats.append((row[0], row[1]))
            else:
                self._keys.add(row[1])
                first.append(row)
        return first

    def _repeat_errors(self) -> list:
        """A refusal of every valid row whose key an earlier line has (staged or not: the parts of a
        file are staged in the order they arrive)."""
        if not self._repeats:
            return []
        lines = {key: [line] for key, line in
                 bulk.staged_lines(self.store, self.rows.target, {key for _, key in self._repeats}).items()}
        for line, key in self._repeats:
            lines[key].append(line)
        errors = []
        for key, found in lines.items():
            first, *later = sorted(found)
            errors += [(line, Rejected("import.duplicate", rule=DUPLICATE_RULE, value=key, first=first))
                       for line in later]
        return errors

    def _compare(self, report: Report) -> None:
        """Staged rows against the register: new, unchanged, or changed (a conflict without --update)."""
        self._version = bulk.data_version(self.store)  # read first: a later commit shows as a change
        if self._classify() and not self.update:
            report.errors += [(line, Rejected("import.conflict", rule=CONFLICT_RULE, value=key))
                              for line, key in bulk.staged_with_status(self.store, self.rows.target, bulk.CHANGED)]
        report.counts = self._counts()

    def _classify(self) -> bool:
        """Compare the staged rows with the register, unless it holds no right of this kind (all are new)."""
        target = self.rows.target
        if not (self._classified or bulk.has_rights(self.store, target)):
            return False
        bulk.classify(self.store, target, self.rows.compared)
        self._classified = True
        return True

    def _counts(self) -> dict:
        if not self._classified:
            return {"added": self.staged, "unchanged": 0, "updated": 0}
        counts = bulk.status_counts(self.store, self.rows.target)
        return {"added": counts[bulk.NEW], "unchanged": counts[bulk.SAME],
                "updated": counts[bulk.CHANGED] if self.update else 0}

    def write(self, report: Report, progress=None) -> dict:
        """Store the checked rows in one transaction; `progress(step)` after each of WRITE_STEPS."""
        progress = progress or _ignore
        if self._direct is not None:
            return self._finish_direct(report, progress)
        store, target = self.store, self.rows.target
        added = report.counts["added"]  # as check() counted: how the rows are best written
        rebuild = added >= REBUILD_MIN_ROWS and added * REBUILD_SHARE >= bulk.count_rights(store, target)
        with bulk.writing(store, large=rebuild), store.transaction():
            counts = self._recheck(report)
            progress(1)
            if self.update:
                for stored, staged in bulk.changed_rights(store, target):
                    store.journal(self.rows.kind, staged[target.key], stored, staged)
            progress(2)
            bulk.write_staged(store, target, now_stamp(), rebuild_indexes=rebuild, changed=counts["updated"] > 0)
            self._journal(report, counts)
            progress(3)
        report.counts = counts
        return counts

    def _finish_direct(self, report: Report, progress) -> dict:
        """The rows are in (check(writing=True)): the journal entry, the indexes, the commit."""
        self._journal(report, report.counts)
        progress(1)
        self._direct.finish()  # should it fail, leaving the `with` block rolls back
        self._direct = None
        progress(WRITE_STEPS)
        return report.counts

    def _journal(self, report: Report, counts: dict) -> None:
        self.store.journal(self.rows.kind, report.journal_id, None,
                           {"file": report.name, "rows_read": report.rows, **counts})

    def _recheck(self, report: Report) -> dict:
        """The comparison again, inside the transaction, if another writer committed since check()."""
        if bulk.data_version(self.store) != self._version and self._classify() and not self.update:
            changed = bulk.staged_with_status(self.store, self.rows.target, bulk.CHANGED)
            if changed:
                line, key = changed[0]
                raise Rejected("import.changed_meanwhile", rule=CONFLICT_RULE, file=report.name, line=line, value=key)
        return self._counts()


def summary(report: Report, dry_run: bool) -> dict:
    return {"file": report.name, "rows_read": report.rows, **report.counts, "dry_run": dry_run}


def _ignore(*args) -> None:
    return None
