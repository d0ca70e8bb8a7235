"""`mark import` and `patent import` (CLI.md): rows of a CSV, TSV or JSONL file or of a workbook's sheet,
every one validated before anything is written, then written whole in one transaction, or not at all.

The parts of the package:
- source: the input (a Source: a file, or standard input spooled to one), its format and sheet;
- encoding: the one encoding of a text input, UTF-8 or GB18030; columns: its columns and their names;
- records: the records of a CSV, TSV or JSONL input; xlsx: those of a workbook's sheet;
- rows: how a record is validated into a row (MarkRows, PatentRows);
- reading: the input read, its rows validated a batch at a time; parts: by two processes at once;
- writers: where the rows go, by a writer chosen once: straight into an empty table (DirectWriter)
  or staged and compared first (StagedWriter); the SQL of both is in ipcli.db.bulk.

How a million rows stay fast and small:
- The input is read once, as a stream, and always decoded strictly: as UTF-8 (with or without BOM)
  first; when that fails, a pass over its lines decides between GB18030 and a refusal (bytes of
  neither, or UTF-8 text beside lines that are not UTF-8), and the input is read again, every part
  in that one encoding. Standard input is spooled to a temporary file, so it is read like a file.
  A workbook is streamed by openpyxl in read-only mode, by this process alone.
- A large input is read by two processes at once on a machine with two CPUs or more: a forked
  worker parses and validates most of the file and sends its rows to this process, which reads the
  rest itself and stages (or inserts) both (parts).
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
  write() commits, with no stage to copy from (writers.DirectWriter). The table's unique index, built
  once all rows are in, shows whether a key was given twice, which sends the import back to the
  stage: there it is reported with the line of its first row.
- A mark's dates and kind are validated, and its key dates computed, by mark_row itself once per
  distinct (registered_on, term_starts_on, kind); its classes and owner id go through the validators
  mark_row uses once per distinct text, its registration number on every row. The result is the row
  mark_row gives (tests/test_import.py checks that they agree).
- Patents go through patent_row row by row; only the dates and owner id are validated once per
  distinct value.
"""

from dataclasses import dataclass, field
from operator import itemgetter

from ipcli.memory import without_cyclic_gc
from ipcli.register import rights
from ipcli.register.importing import reading, writers
from ipcli.register.importing.columns import InputRejected
from ipcli.register.importing.rows import ROWS
from ipcli.register.importing.source import Source, open_source
from ipcli.register.importing.writers import WRITE_STEPS

__all__ = ["Importer", "Report", "Source", "WRITE_STEPS", "open_source", "summary"]


@dataclass
class Report:
    name: str
    where: str = ""  # before a line number in a message (Source.where)
    journal_id: str = ""
    rows: int = 0
    errors: list = field(default_factory=list)  # (line, Rejected), in line order
    counts: dict = field(default_factory=dict)
    missing_years: set = field(default_factory=set)

    @property
    def bad_rows(self) -> int:
        return len({line for line, _ in self.errors})


class Importer:
    """check() reads and validates the whole input, handing its valid rows to a writer it chooses
    once (writers.choose); write() then stores them in one transaction.

    Checking never writes to the register's tables, except through a DirectWriter: with
    `insert_as_read` (not a dry run), an import into a table that holds no right of its kind inserts
    its rows as it reads them, in a transaction that only write() commits. Used as a context manager,
    leaving the `with` block without write() rolls that transaction back.
    """

    def __init__(self, kind: str, store, key_dates: rights.KeyDates, update: bool = False,
                 insert_as_read: bool = False):
        self.rows = ROWS[kind](key_dates)
        self.store = store
        self.update = update
        self.insert_as_read = insert_as_read
        self.writer = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        """A write that write() did not finish leaves nothing."""
        if self.writer is not None:
            self.writer.close()

    def check(self, source: Source, progress=None) -> Report:
        """Every row validated and taken by the writer; `progress(bytes_read)` is called along the way.
        A key given twice to a DirectWriter, which must be reported with the line of its first row,
        sends the import back to a StagedWriter."""
        self.writer = writers.choose(self.store, self.rows, self.update, self.insert_as_read)
        try:
            return self._check(source, progress or _ignore)
        except writers.KeyRepeated:
            self.writer.close()
            self.writer = writers.staged(self.store, self.rows, self.update)
            return self._check(source, progress or _ignore)

    def _check(self, source: Source, progress) -> Report:
        report = Report(source.name, source.where, source.journal_id)
        self.rows.sheet = source.fmt != "jsonl"  # a cell ipcli exported may be neutralised against formulas
        try:
            with without_cyclic_gc():
                tallies = reading.Reader(self.rows, self.writer).read(source, progress)
        except InputRejected as problem:
            report.errors.append((problem.line, problem.error))
            return report
        report.rows = sum(tally.records for tally in tallies)
        report.errors = [error for tally in tallies for error in tally.errors]
        self.writer.checked(report)
        report.errors.sort(key=itemgetter(0))
        report.missing_years = set(self.rows.missing_years)
        return report

    def write(self, report: Report, progress=None) -> dict:
        """Store the checked rows in one transaction (a DirectWriter's: commit it); `progress(step)`
        after each of WRITE_STEPS."""
        return self.writer.write(report, progress or _ignore)


def summary(report: Report, dry_run: bool) -> dict:
    return {"file": report.name, "rows_read": report.rows, **report.counts, "dry_run": dry_run}


def _ignore(*args) -> None:
    return None
