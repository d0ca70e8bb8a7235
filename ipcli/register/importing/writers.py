"""How `mark import` and `patent import` store their valid rows: two writers behind one interface,
chosen once when the check starts (choose()).

- DirectWriter: a first import, into a table that holds no rights of its kind, not a dry run. Every
  row is new, so nothing needs comparing: rows go straight into the table as they are read, inside
  one transaction that only write() commits (close() rolls it back). A key given twice is found once
  all rows are in (KeyRepeated): the import is then checked again with a StagedWriter, which names
  the line of each key's first row.
- StagedWriter: any other import, and every --dry-run. Rows are staged as they are read, compared
  with the register once all are in, and written by write() in one transaction.

The interface, which every writer implements (Writer):
    own_share               the share of a large input this process reads itself (parts.split);
                            it also writes the worker's rows
    start()                 reading starts (again, from the first row): rows taken so far are dropped
    take(batch, shared)     the valid rows of a batch, and the shared values first seen in it
    checked(report)         all is read: its refusals (repeated keys, conflicts) and its counts
    write(report, progress) the rows stored, in one transaction; returns the counts
    close()                 leaves nothing of a write that write() did not finish

Checking never writes to the register's tables except through a DirectWriter, whose transaction
commits only in write(). A StagedWriter writes its stage (TEMP tables of the import's connection)
while checking, and the register's tables only in write().

SQLite-only, in ipcli.db.bulk (a PostgreSQL backend implements both writers again, with COPY into
the table or into its stage): the stage as TEMP tables of one connection; DirectWrite's INSERT ...
SELECT from a VALUES list joined to the shared values, a savepoint to read again from the start;
dropping a table's indexes and building them again after a large write; rollback_journal (a large
write through a rollback journal instead of the WAL); PRAGMA data_version (did another connection
commit since the check) and PRAGMA threads (the sorter's helper threads).
"""

from abc import ABC, abstractmethod
from operator import itemgetter

from ipcli.db import bulk, bulk_postgresql
from ipcli.errors import Rejected
from ipcli.register.importing import parts
from ipcli.register.importing.columns import CONFLICT_RULE, DUPLICATE_RULE

WRITE_STEPS = 3
# Drop the tables' indexes and build them again after the rows are in, when an import adds at least
# this many rows and at least a quarter as many as the table holds: building an index sorts all its
# rows once, which beats updating it row by row from about a fifth (200,000 rows into 1,000,000).
REBUILD_MIN_ROWS = 50_000
REBUILD_SHARE = 4
KEY = itemgetter(1)  # of a validated row (rows.MarkRows.validate)


class KeyRepeated(Exception):
    """A key given twice to rows that went straight into their table: a StagedWriter reports it."""


def choose(store, rows, update: bool, insert_as_read: bool) -> "Writer":
    """A DirectWriter when `insert_as_read` (not a dry run) and the register holds no right of this
    kind (its transaction then open), else a StagedWriter; on PostgreSQL, a CopyDirectWriter or a
    CopyWriter."""
    postgresql = bulk.on_postgresql(store)
    if insert_as_read:
        writer = bulk_postgresql.CopyDirect if postgresql else bulk.DirectWrite
        direct = writer(store, rows.target, store.recorded_at())
        if direct.begin():
            return (CopyDirectWriter if postgresql else DirectWriter)(store, rows, direct)
    return staged(store, rows, update)


def staged(store, rows, update: bool) -> "StagedWriter":
    """A StagedWriter for the register's backend: on PostgreSQL, a CopyWriter."""
    return (CopyWriter if bulk.on_postgresql(store) else StagedWriter)(store, rows, update)


class Writer(ABC):
    """What the import's reading and the Importer ask of a writer (the module's docstring)."""

    own_share = parts.OWN_SHARE_STAGING

    def __init__(self, store, rows):
        self.store = store
        self.rows = rows  # rows.MarkRows or rows.PatentRows: the kind, its target table, its compared columns
        self.taken = 0  # rows taken since start()

    @abstractmethod
    def start(self) -> None:
        ...

    @abstractmethod
    def take(self, batch: list, shared: list) -> None:
        ...

    @abstractmethod
    def checked(self, report) -> None:
        ...

    @abstractmethod
    def write(self, report, progress) -> dict:
        ...

    def close(self) -> None:
        """Nothing to leave by default."""

    def _journal(self, report, counts: dict) -> None:
        """One journal entry for the whole import."""
        self.store.journal(self.rows.kind, report.journal_id, None,
                           {"file": report.name, "rows_read": report.rows, **counts})


class DirectWriter(Writer):
    """Rows inserted into their empty table as they are read (bulk.DirectWrite: the indexes dropped,
    the unique ones built again by checked(), the others by write()), inside the transaction that
    choose() opened and write() commits; close() rolls back what write() did not commit.

    SQLite-only: the inserts (INSERT ... SELECT from a VALUES list, joined to the shared values staged
    in a TEMP table), the savepoint that start() rolls back to, the index drop and rebuild, and the
    rollback journal it writes through."""

    own_share = parts.OWN_SHARE_INSERTING  # inserting costs more than staging: this process reads less

    def __init__(self, store, rows, direct: bulk.DirectWrite):
        super().__init__(store, rows)
        self._direct = direct  # None once committed or rolled back

    def start(self) -> None:
        self._direct.restart()
        self.taken = 0

    def take(self, batch: list, shared: list) -> None:
        """Insert every row of the batch: a key given twice is found by checked()."""
        self._direct.insert(batch, shared)
        self.taken += len(batch)

    def checked(self, report) -> None:
        """Every row is new, unless a key was given twice: KeyRepeated, for the staged check to report."""
        if not self._direct.all_keys_unique():
            raise KeyRepeated
        report.counts = {"added": self.taken, "unchanged": 0, "updated": 0}

    def write(self, report, progress) -> dict:
        """The journal entry, the other indexes, the commit: should it fail, close() rolls back."""
        self._journal(report, report.counts)
        progress(1)
        self._direct.finish()
        self._direct = None
        progress(WRITE_STEPS)
        return report.counts

    def close(self) -> None:
        if self._direct is not None:
            self._direct.abandon()
            self._direct = None


class StagedWriter(Writer):
    """Rows staged as they are read, the first of each key only (the others refused by checked(),
    naming the line of the first); compared with the register by checked(); written by write() in one
    transaction, after comparing again if another connection committed meanwhile.

    SQLite-only: the stage, TEMP tables of the import's connection; PRAGMA data_version; a large write
    (REBUILD_MIN_ROWS) drops the table's indexes, inserts unsorted, builds each index once and goes
    through a rollback journal (bulk.writing)."""

    def __init__(self, store, rows, update: bool):
        super().__init__(store, rows)
        self.update = update
        self._keys = set()  # of the staged rows
        self._repeats = []  # (line, key) of the valid rows whose key a staged row has
        self._classified = False
        self._version = None

    def start(self) -> None:
        self._open_stage()
        self.taken = 0
        self._keys.clear()
        self._repeats.clear()

    def take(self, batch: list, shared: list) -> None:
        """Stage the rows of a batch whose key no staged row has, keeping the others as repeats."""
        batch = self._first_of_each_key(batch)
        self._stage(batch, shared)
        self.taken += len(batch)

    def _open_stage(self) -> None:
        bulk.create_stage(self.store, self.rows.target)

    def _stage(self, batch: list, shared: list) -> None:
        bulk.stage_rows(self.store, self.rows.target, batch, shared)

    def _stage_done(self) -> None:
        """Every row is staged (each already is)."""

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

    def checked(self, report) -> None:
        """Repeated keys refused, and the staged rows compared with the register."""
        self._stage_done()
        report.errors += self._repeat_errors()
        self._compare(report)

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

    def _compare(self, report) -> None:
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
            return {"added": self.taken, "unchanged": 0, "updated": 0}
        counts = bulk.status_counts(self.store, self.rows.target)
        return {"added": counts[bulk.NEW], "unchanged": counts[bulk.SAME],
                "updated": counts[bulk.CHANGED] if self.update else 0}

    def write(self, report, progress) -> dict:
        """The staged rows into the register in one transaction: compared again if another connection
        committed since checked(), the changed rights journalled (--update), then written."""
        store, target = self.store, self.rows.target
        rebuild = self._rebuilds_indexes(report.counts["added"])
        with bulk.writing(store, large=rebuild), store.transaction():
            counts = self._recheck(report)
            progress(1)
            if self.update:
                for stored, staged in bulk.changed_rights(store, target):
                    store.journal(self.rows.kind, staged[target.key], stored, staged)
            progress(2)
            bulk.write_staged(store, target, store.recorded_at(), rebuild_indexes=rebuild,
                              changed=counts["updated"] > 0)
            self._journal(report, counts)
            progress(3)
        report.counts = counts
        return counts

    def _rebuilds_indexes(self, added: int) -> bool:
        """Whether write() drops the table's indexes and builds them again: when it adds many rows
        (as checked() counted them), many for the table (REBUILD_MIN_ROWS, REBUILD_SHARE)."""
        return added >= REBUILD_MIN_ROWS and added * REBUILD_SHARE >= bulk.count_rights(self.store, self.rows.target)

    def _committed_since_check(self) -> bool:
        """Whether another connection committed since checked(), or may have (the backend cannot tell)."""
        version = bulk.data_version(self.store)
        return version is None or version != self._version

    def _recheck(self, report) -> dict:
        """The comparison again, inside the transaction, if another writer committed since checked()."""
        if self._committed_since_check() and self._classify() and not self.update:
            changed = bulk.staged_with_status(self.store, self.rows.target, bulk.CHANGED)
            if changed:
                line, key = changed[0]
                raise Rejected("import.changed_meanwhile", rule=CONFLICT_RULE, file=report.name, line=line, value=key)
        return self._counts()


class CopyWriter(StagedWriter):
    """A StagedWriter on a PostgreSQL register, every import: the rows of a read go into the stage by
    one binary COPY (bulk_postgresql.CopyStage), then are compared and written as by a StagedWriter,
    by the same queries. The register's indexes stay: other windows read the register meanwhile, and
    write() (its one INSERT ... SELECT) runs inside the transaction holding the advisory write lock.
    Nothing tells whether another window committed since the check, so write() always compares again
    once it holds the lock (when the table holds rights)."""

    own_share = parts.OWN_SHARE_COPYING

    def __init__(self, store, rows, update: bool):
        super().__init__(store, rows, update)
        self._copy_stage = bulk_postgresql.CopyStage(store, rows.target)

    def _open_stage(self) -> None:
        self._copy_stage.open()

    def _stage(self, batch: list, shared: list) -> None:
        self._copy_stage.add(batch, shared)

    def _stage_done(self) -> None:
        self._copy_stage.done()

    def _rebuilds_indexes(self, added: int) -> bool:
        return False

    def close(self) -> None:
        self._copy_stage.close()


class CopyDirectWriter(DirectWriter):
    """A DirectWriter on a PostgreSQL register: rows copied into their empty table as they are read
    (bulk_postgresql.CopyDirect), every index kept; a key given twice is refused by the table's
    unique index when the COPY ends."""

    own_share = parts.OWN_SHARE_COPYING
