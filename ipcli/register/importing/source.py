"""The input of `mark import` and `patent import`: a Source, the file read (standard input spooled to
a temporary file), its name in messages and its format, given, taken from the file's extension or
sniffed from its first bytes; and for a workbook the sheet read (ipcli.register.importing.xlsx).
"""

import codecs
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ipcli import files
from ipcli.errors import UsageProblem
from ipcli.register.importing.encoding import GB18030_BOM

JSONL_SUFFIXES = (".jsonl", ".ndjson")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"  # how a workbook (a ZIP archive) starts
SNIFF_BYTES = 1 << 16


# The input: where it is, what it is called, its format, and for a workbook the sheet read.

@dataclass(frozen=True)
class Source:
    path: Path  # the file read; standard input is spooled to a temporary file first
    name: str   # as messages name it
    fmt: str    # csv, tsv, jsonl or xlsx
    sheet: object = None  # of a workbook: the open worksheet read (ipcli.register.importing.xlsx)

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def journal_id(self) -> str:
        return "import:" + (self.name if self.name == files.STDIN_NAME else Path(self.name).name)

    @property
    def where(self) -> str:
        """What a message puts before a line number: `FILE:`, or `FILE:SHEET!` for a row of a sheet."""
        return f"{self.name}:{self.sheet.title}!" if self.sheet is not None else f"{self.name}:"


@contextmanager
def open_source(argument: str, input_format: str | None, stdin=None, sheet: str | None = None):
    """The Source for FILE (a regular file) or `-` (standard input, spooled to a temporary file first so
    that it is read like a file), of at most files.IMPORT_BYTES. The format is `input_format`, else taken
    from the file extension, else sniffed: a ZIP archive is a workbook, a first non-blank character `{`
    means JSONL, a tab in the first line TSV. A workbook's sheet is `sheet`, else its first."""
    if argument == files.STDIN:
        with _spooled(stdin or sys.stdin.buffer) as path:
            with _opened(path, files.STDIN_NAME, input_format or _sniff(path), sheet) as source:
                yield source
        return
    path = files.input_path(argument, files.IMPORT_BYTES)
    with _opened(path, argument, input_format or _format_by_name(path) or _sniff(path), sheet) as source:
        yield source


@contextmanager
def _opened(path: Path, name: str, fmt: str, sheet: str | None):
    if fmt != "xlsx":
        if sheet is not None:
            raise UsageProblem("import.sheet_not_xlsx", value=sheet)
        yield Source(path, name, fmt)
        return
    from ipcli.register.importing import xlsx

    with xlsx.opened_sheet(path, name, sheet) as worksheet:
        yield Source(path, name, fmt, worksheet)


@contextmanager
def _spooled(stream):
    with tempfile.TemporaryDirectory(prefix="ipcli-import-") as folder:
        path = Path(folder) / "input"
        with open(path, "wb") as spool:
            files.copy_input(files.STDIN, spool, files.IMPORT_BYTES, stdin=stream)
        yield path


def _format_by_name(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return suffix[1:]
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    return "jsonl" if suffix in JSONL_SUFFIXES else None


def _sniff(path: Path) -> str:
    with open(path, "rb") as handle:
        start = handle.read(SNIFF_BYTES)
    if start.startswith(ZIP_MAGIC):
        return "xlsx"
    start = start.removeprefix(codecs.BOM_UTF8).removeprefix(GB18030_BOM).lstrip()
    if start.startswith(b"{"):
        return "jsonl"
    return "tsv" if b"\t" in start.split(b"\n", 1)[0] else "csv"
