"""Reading an import's input: its records validated into rows, a batch of CHUNK_ROWS at a time, each
batch handed to the writer (writers.Writer.take) while the input is still read. A large text input is
read by two processes at once (ipcli.register.importing.parts); a workbook by this process alone.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from ipcli.errors import Rejected
from ipcli.register.importing import parts
from ipcli.register.importing.columns import Columns
from ipcli.register.importing.encoding import UTF8, detect_encoding, refuse_utf16
from ipcli.register.importing.records import csv_header, csv_records, jsonl_records
from ipcli.register.importing.source import Source

CHUNK_ROWS = 1_000  # validated rows written at a time: a batch small enough to stay in the CPU cache
DELIMITED = ("csv", "tsv")  # formats of a header line and fields (records.csv_records)


@dataclass
class Tally:
    """What reading an input (or a part of one) found besides its valid rows."""

    records: int = 0
    errors: list = field(default_factory=list)  # (line, Rejected)
    ends_unread: bool = False  # its last record could not be read (parts: a cut inside a record)


def validated_batches(rows, records, tally: Tally):
    """Lists of up to CHUNK_ROWS validated rows of the valid records; the others go to `tally`."""
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
        from ipcli.register.importing import xlsx

        records = xlsx.SheetRecords(source.sheet, columns, source.size)
        yield records, records
        return
    with parts.part_text(source.path, part, encoding) as (handle, source_range):
        if source.fmt in DELIMITED:
            yield csv_records(handle, columns, header, part.first_line, source.fmt), source_range
        else:
            yield jsonl_records(handle, columns, part.first_line), source_range


class Reader:
    """Reads a Source with `rows` (rows.MarkRows or rows.PatentRows), handing the valid rows to
    `writer` as they come; read() returns what else it found."""

    def __init__(self, rows, writer):
        self.rows = rows
        self.writer = writer

    def read(self, source: Source, progress) -> list:
        """The Tally of each part read; `progress(bytes_read)` is called along the way."""
        if source.fmt == "xlsx":  # read by this process alone: parts cuts text
            return [self._read_whole(source, None, progress)]
        refuse_utf16(source.path)
        try:  # as UTF-8 first: most inputs are, and reading decodes strictly
            return self._read_text(source, UTF8, progress)
        except UnicodeDecodeError:
            return self._read_text(source, detect_encoding(source.path), progress)

    def _read_text(self, source: Source, encoding: str, progress) -> list:
        return self._read_in_parts(source, encoding, progress) or [self._read_whole(source, encoding, progress)]

    def _start(self, part: int = 0, parts_read: int = 1) -> None:
        """Reading from the start (again): the writer drops what it took."""
        self.writer.start()
        self.rows.restart_ids(part, parts_read)

    def _read_whole(self, source: Source, encoding: str, progress) -> Tally:
        self._start()
        tally = Tally()
        for batch, shared, read in self._batches(source, encoding, parts.whole(source.path), tally):
            self.writer.take(batch, shared)
            progress(read)
        return tally

    def _read_in_parts(self, source: Source, encoding: str, progress) -> list | None:
        """A large input read partly here and partly by a worker process (parts.Worker) whose rows the
        writer takes here between batches of this process's own; None when it is read whole instead
        (small, one CPU, or no safe cut)."""
        cut = parts.split(source.path, self.writer.own_share, quoted=source.fmt == "csv") \
            if parts.workers_available() > 1 else None
        if not cut:
            return None
        own, other = cut
        self._start(own.number, len(cut))
        header = csv_header(source.path, encoding, source.fmt) if source.fmt in DELIMITED else None
        tally, read = Tally(), [0, 0]
        with parts.Worker(other, partial(self._read_part, source, encoding, header, len(cut))) as worker:
            for batch, shared, position in self._batches(source, encoding, own, tally):
                self.writer.take(batch, shared)
                read[0] = position
                self._take_sent(worker.ready(), read, progress)
            if tally.ends_unread:  # perhaps cut inside a quoted field: read whole
                return None
            self._take_sent(worker.rest(), read, progress)
        other_tally, missing_years = worker.result
        self.rows.missing_years |= missing_years
        return [tally, other_tally]

    def _take_sent(self, messages, read: list, progress) -> None:
        for batch, shared, position in messages:
            self.writer.take(batch, shared)
            read[1] = position
        progress(sum(read))

    def _read_part(self, source: Source, encoding: str, header, parts_read: int, part, send) -> tuple:
        """In the worker process: validate a part, sending what _batches() gives."""
        self.rows.restart_ids(part.number, parts_read)
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
