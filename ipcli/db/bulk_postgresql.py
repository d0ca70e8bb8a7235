"""SQL of `mark import` and `patent import` on a PostgreSQL register: how the validated rows are staged.
The stage is the one of ipcli.db.bulk (TEMP tables of the import's connection, the same names and
columns), and so are the queries that compare it with the register and write from it; only its
creation and its filling differ.

- The stage's columns take their types from the register's table (CREATE TEMP TABLE ... AS SELECT
  ... WITH NO DATA), so that a binary COPY writes them as they are, with no text to parse.
- The rows of a whole read go in by one binary COPY (psycopg's Copy.write_row, set_types), kept
  open while the input is read; the shared values (a few thousand tuples at most) are copied once
  the read is done, and the stage is analysed for the planner, which has no statistics of a
  temporary table otherwise.
- The stage never touches the register's tables or their indexes: the rows reach them by
  ipcli.db.bulk.write_staged, one INSERT ... SELECT inside the write transaction, which holds the
  advisory write lock (ipcli.db.postgres.begin). Other windows read the register, with every index,
  all along.
- Into a table that holds no rights of its kind (a first import), CopyDirect copies the rows
  straight into the table as they are read, inside the write transaction (as bulk.DirectWrite does
  on SQLite, but with every index kept): the server updates the table and its indexes while this
  process reads on, and the rows are not written twice. Other windows read meanwhile and see none of
  them until the commit; their writes wait for the advisory lock, as on SQLite for the write lock.
  Its rows go in ORDER_ROWS at a time, sorted by a date (ORDERED_BY): the table's date indexes,
  whose dates go together, are then updated page after page instead of at random, which makes the
  COPY of a million marks a third faster (8.4 s against 13.8 s sorted whole, on a server of 128 MB
  of shared buffers, where the indexes of a million marks do not fit).
"""

from contextlib import ExitStack, contextmanager
from operator import itemgetter

from ipcli.db.bulk import NEW, Target, has_rights
from ipcli.db.connection import begin, commit, rollback
from ipcli.db.dialect import postgresql
from ipcli.db.postgres import psycopg
from ipcli.errors import Rejected


@contextmanager
def binary_copy(db, table: str, columns: tuple):
    """A binary COPY into `table`'s `columns` (their types those of the table), to enter. Its rows are
    sent by a thread of psycopg's (QueuedLibpqWriter) while this one reads and checks the next ones: the
    server, busy with the table's indexes, and this process then work at the same time."""
    names = ", ".join(columns)
    types = [column.type_code for column in db.execute(f"SELECT {names} FROM {table} LIMIT 0").description]
    cursor = db.conn.raw.cursor()
    try:
        with cursor.copy(postgresql(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"),
                         writer=psycopg().copy.QueuedLibpqWriter(cursor)) as copy:
            copy.set_types(types)
            yield copy
    except psycopg().errors.CharacterNotInRepertoire as refused:
        # Rows are not checked for NUL one by one (ipcli.db.postgres.refuse_nul), which would cost more than a
        # second per million rows: the server refuses the first, in a column its error names.
        from ipcli.output import label

        column = (refused.diag.context or "").rpartition("column ")[2].strip()
        raise Rejected("err.pg_nul_copied", rule="DB-TEXT-NUL", column=label(column) if column else names) from None


class CopyStage:
    """The stage of one import, filled by binary COPY: open() (again) empties it and starts the COPY,
    add() writes rows, done() ends the COPY and copies the shared values. close() ends a COPY that
    done() did not."""

    def __init__(self, store, target: Target):
        self.target = target
        self._db = store.db  # autocommit outside a write: each statement, each COPY commits itself
        self._copy = None
        self._open = ExitStack()
        self._shared = []

    def open(self) -> None:
        self.close()
        self._shared = []
        self._create()
        self._copy = self._copying(self.target.stage, ("line",) + self.target.staged)

    def add(self, rows: list, shared: list) -> None:
        """Rows `(line, *values of target.staged)`, and the shared tuples `(id, *values of target.shared)`
        first seen."""
        write_row = self._copy.write_row
        for row in rows:
            write_row(row)
        self._shared += shared

    def done(self) -> None:
        self.close()
        if self.target.shared:
            self._copying(self.target.shared_table, ("id",) + self.target.shared)
            for row in self._shared:
                self._copy.write_row(row)
            self.close()
        self._db.execute(f"ANALYZE {self.target.stage}")

    def close(self) -> None:
        self._open.close()
        self._copy = None

    def _create(self) -> None:
        """The TEMP tables of ipcli.db.bulk.create_stage, typed as the register's table."""
        target = self.target
        own = ", ".join(target.own)
        ids = "".join(f", 0::bigint AS {column}" for column in target.staged[len(target.own):])
        tables = [(target.stage, f"0::bigint AS line, {own}{ids}, '{NEW}'::text AS status")]
        if target.shared:
            tables.append((target.shared_table, f"0::bigint AS id, {', '.join(target.shared)}"))
        for table, columns in tables:
            self._db.execute(f"DROP TABLE IF EXISTS pg_temp.{table}")
            self._db.execute(f"CREATE TEMP TABLE {table} AS SELECT {columns} FROM {target.table} WITH NO DATA")
        self._db.execute(f"ALTER TABLE {target.stage} ALTER COLUMN status SET DEFAULT '{NEW}'")

    def _copying(self, table: str, columns: tuple):
        self._copy = self._open.enter_context(binary_copy(self._db, table, columns))
        return self._copy


ORDER_ROWS = 100_000  # about 40 MB of rows held at a time
ORDERED_BY = {"marks": "expires_on", "patents": "term_ends_on"}  # each table's dates follow this one


class CopyDirect:
    """bulk.DirectWrite's interface on PostgreSQL: rows `(line, *values of target.staged)` copied into
    the table as they come, each with its shared values (`(id, *values of target.shared)`, handed over
    when first seen) and its time stamps. One transaction: begin() opens it, finish() commits it,
    abandon() rolls it back; restart() drops the rows copied so far. The table's unique index refuses
    a key given twice when the COPY ends (all_keys_unique)."""

    SAVEPOINT = "import_rows"

    def __init__(self, store, target: Target, stamp: str):
        self.store, self.target = store, target
        self._stamps = (stamp, stamp)  # created_at, updated_at
        self._db = store.db
        self._shared = {}  # shared id -> its values and the stamps
        self._columns = target.own + target.shared + ("created_at", "updated_at")
        self._order = itemgetter(self._columns.index(ORDERED_BY[target.table]))
        self._rows = []  # copied by _flush(), in date order
        self._copy = None
        self._open = ExitStack()

    def begin(self) -> bool:
        """Open the transaction (the advisory write lock); False, with nothing left open, when the
        table holds rights."""
        if has_rights(self.store, self.target):  # asked first, so as not to wait for the lock for nothing
            return False
        begin(self._db)
        if has_rights(self.store, self.target):  # written since it was asked
            self.abandon()
            return False
        self._db.execute(f"SAVEPOINT {self.SAVEPOINT}")
        return True

    def restart(self) -> None:
        self._rows = []  # not worth copying: rolled back below
        self.all_keys_unique()
        self._db.execute(f"ROLLBACK TO SAVEPOINT {self.SAVEPOINT}")
        self._shared = {}
        self._copy = self._open.enter_context(binary_copy(self._db, self.target.table, self._columns))

    def insert(self, rows: list, shared: list = ()) -> None:
        stamps, values = self._stamps, self._shared
        for number, *value in shared:
            values[number] = (*value, *stamps)
        if self.target.shared:
            self._rows += [row[1:-1] + values[row[-1]] for row in rows]
        else:
            self._rows += [row[1:] + stamps for row in rows]
        if len(self._rows) >= ORDER_ROWS:
            self._flush()

    def _flush(self) -> None:
        self._rows.sort(key=self._order)
        write_row = self._copy.write_row
        for row in self._rows:
            write_row(row)
        self._rows = []

    def all_keys_unique(self) -> bool:
        """End the COPY, if one is open; False when the table's unique index refused a key given twice
        (the transaction is then in error until restart() or abandon())."""
        try:
            if self._copy is not None:
                self._flush()
            self._open.close()
        except psycopg().errors.UniqueViolation:
            return False
        finally:
            self._copy = None
        return True

    def finish(self) -> None:
        commit(self._db)

    def abandon(self) -> None:
        try:
            self._open.close()
        except psycopg().Error:
            pass  # rolled back below, whatever the COPY's end found
        finally:
            rollback(self._db)
