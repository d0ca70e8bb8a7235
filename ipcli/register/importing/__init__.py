"""`mark import` and `patent import` (CLI.md): rows of a CSV, TSV or JSONL file or of a workbook's sheet,
every one validated before anything is written, then written whole in one transaction, or not at all.
The input and its records: records (a workbook: xlsx), its encoding: encoding, its columns and their
names: columns, how a record becomes a row: rows (modules of this package).

How a million rows stay fast and small:
- The input is read once, as a stream, and always decoded strictly: as UTF-8 (with or without BOM)
  first; when that fails, a pass over its lines decides between GB18030 and a refusal (bytes of
  neither, or UTF-8 text beside lines that are not UTF-8), and the input is read again, every part
  in that one encoding. Standard input is spooled to a temporary file, so it is read like a file.
  A workbook is streamed by openpyxl in read-only mode, by this process alone.
- A large input is read by two processes at once on a machine with two CPUs or more: a forked
  worker parses and validates most of the file and sends its rows to this process, which reads the
  rest itself and stages (or inserts) both (ipcli.register.importing.parts).
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

from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter

from ipcli.clock import now_stamp
from ipcli.db import bulk
from ipcli.errors import Rejected
from ipcli.memory import without_cyclic_gc
from ipcli.register import rights
from ipcli.register.importing import parts as import_parts
from ipcli.register.importing.columns import CONFLICT_RULE, DUPLICATE_RULE, Columns, InputRejected
from ipcli.register.importing.encoding import UTF8, detect_encoding, refuse_utf16
from ipcli.register.importing.records import Source, csv_header, csv_records, jsonl_records
from ipcli.register.importing.rows import ROWS

CHUNK_ROWS = 1_000  # validated rows staged at a time: a batch small enough to stay in the CPU cache
# Drop the tables' indexes and build them again after the rows are in, when an import adds at least
# this many rows and at least a quarter as many as the table holds: building an index sorts all its
# rows once, which beats updating it row by row from about a fifth (200,000 rows into 1,000,000).
REBUILD_MIN_ROWS = 50_000
REBUILD_SHARE = 4
WRITE_STEPS = 3
DELIMITED = ("csv", "tsv")  # formats of a header line and fields (import_records.csv_records)


# The import

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


@contextmanager
def _records(source: Source, encoding: str | None, part, columns: Columns, header: tuple | None):
    """The records of a part of the input, and what tells how many of its bytes were read (`consumed`);
    `header`: the CSV header of a part after the first."""
    if source.fmt == "xlsx":
        from ipcli.register.importing import xlsx as import_xlsx

        records = import_xlsx.SheetRecords(source.sheet, columns, source.size)
        yield records, records
        return
    with import_parts.part_text(source.path, part, encoding) as (handle, source_range):
        if source.fmt in DELIMITED:
            yield csv_records(handle, columns, header, part.first_line, source.fmt), source_range
        else:
            yield jsonl_records(handle, columns, part.first_line), source_range


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
        report = Report(source.name, source.where, source.journal_id)
        self.rows.sheet = source.fmt != "jsonl"  # a cell ipcli exported may be neutralised against formulas
        try:
            with without_cyclic_gc():
                tallies = self._read(source, progress or _ignore)
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

    def _read(self, source: Source, progress) -> list[Tally]:
        if source.fmt == "xlsx":  # read by this process alone: import_parts cuts text
            return [self._read_whole(source, None, progress)]
        refuse_utf16(source.path)
        try:  # as UTF-8 first: most inputs are, and reading decodes strictly
            return self._read_text(source, UTF8, progress)
        except UnicodeDecodeError:
            return self._read_text(source, detect_encoding(source.path), progress)

    def _read_text(self, source: Source, encoding: str, progress) -> list[Tally]:
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
        header = csv_header(source.path, encoding, source.fmt) if source.fmt in DELIMITED else None
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

    def _batches(self, source: Source, encoding: str | None, part, tally: Tally, header=None):
        """(valid rows, shared rows first seen, bytes of the part read so far) of a part of the input,
        CHUNK_ROWS rows at a time; `header`: the CSV header of a part after the first."""
        with _records(source, encoding, part, self.rows.columns, header) as (records, read):
            for batch in validated_batches(self.rows, records, tally):
                yield batch, self.rows.take_new(), read.consumed

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
