"""SQL of `mark import` and `patent import`: validated rows are staged in TEMP tables of the import's
connection, compared with the register there, and written from them with a few INSERT ... SELECT
statements in the caller's transaction; or, into a table that holds no rights of their kind, written
straight into it as they are read (DirectWrite). There is no logic here but SQL.

A staged row holds the values of its own columns. The values of a target's `shared` columns (a
mark's kind, dates and key dates), which many rows share, are staged once per distinct tuple in the
side table STAGE_shared, which each staged row names by its `shared` id.

The queries that compare the stage with the register and write from it run on both backends: they
name the tables unqualified, which both engines resolve to a TEMP table first, then the register's.
On PostgreSQL the stage is made and filled by binary COPY instead (ipcli.db.bulk_postgresql); the
rest of this module (DirectWrite, dropping and building indexes, PRAGMAs) is SQLite's alone.
"""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from itertools import chain

from ipcli.db.connection import begin, commit, rollback, rollback_journal
from ipcli.db.dialect import is_postgresql
from ipcli.db.nice_classes import class_list
from ipcli.db.store import MARK_COLUMNS, PATENT_COLUMNS

NEW, SAME, CHANGED = "new", "same", "changed"
SHARED = "shared"
SORT_THREADS = 1  # helper threads of SQLite's sorter while write_staged() sorts
ROWS_PER_INSERT = 100  # staged rows bound to one INSERT statement (_insert_rows)


@dataclass(frozen=True)
class Target:
    """A register table that an import writes, and the TEMP tables its rows are staged in."""

    table: str
    key: str
    columns: tuple
    stage: str
    shared: tuple = ()  # columns staged once per distinct tuple of their values

    @property
    def own(self) -> tuple:
        return tuple(column for column in self.columns if column not in self.shared)

    @property
    def staged(self) -> tuple:
        """The values of a staged row, after its line: its own columns, then its shared id."""
        return self.own + ((SHARED,) if self.shared else ())

    @property
    def shared_table(self) -> str:
        return f"{self.stage}_shared"

    def value(self, column: str) -> str:
        """A column of a staged row in the queries below: `s.` its own values, `d.` the shared ones."""
        return f"d.{column}" if column in self.shared else f"s.{column}"


MARKS = Target("marks", "reg_no", MARK_COLUMNS, "import_marks",
               shared=("kind", "registered_on", "term_starts_on", "expires_on", "renewal_window_opens_on",
                       "grace_ends_on", "dates_provisional"))
PATENTS = Target("patents", "app_no", PATENT_COLUMNS, "import_patents")


def create_stage(store, target: Target) -> None:
    conn = store.db.conn
    for table in (target.stage, target.shared_table):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    ids = "".join(f", {column} INTEGER NOT NULL" for column in target.staged[len(target.own):])
    conn.execute(f"CREATE TEMP TABLE {target.stage} (line INTEGER NOT NULL, {', '.join(target.own)}{ids}, "
                 f"status TEXT NOT NULL DEFAULT '{NEW}')")
    if target.shared:
        conn.execute(f"CREATE TEMP TABLE {target.shared_table} (id INTEGER PRIMARY KEY, {', '.join(target.shared)})")


@contextmanager
def _batch(conn):
    """Many TEMP writes as one transaction (each statement would otherwise be its own)."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.rollback()
        raise


def stage_rows(store, target: Target, rows: list, shared: list = ()) -> None:
    """Add rows `(line, *values of target.staged)` to the stage, with the shared tuples `(id, *values
    of target.shared)` that no earlier call staged."""
    conn = store.db.conn
    with _batch(conn):
        for table, names, values in _staged_tables(target, rows, shared):
            _insert_rows(conn, table, names, values)


def _insert_rows(conn, table: str, names: tuple, rows: list) -> None:
    _insert_values(conn, f"INSERT INTO {table} ({', '.join(names)}) VALUES ", "", len(names), rows)


def _insert_values(conn, head: str, tail: str, width: int, rows: list, first: tuple = ()) -> None:
    """Rows of `width` values by statements `head (?, ...), (?, ...) tail`, binding `first` before
    them: ROWS_PER_INSERT rows to a statement, a third faster than one statement per row."""
    one = f"({', '.join('?' * width)})"
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start:start + ROWS_PER_INSERT]
        conn.execute(head + ", ".join([one] * len(chunk)) + tail, [*first, *chain.from_iterable(chunk)])


def _staged_tables(target: Target, rows, shared) -> list:
    tables = [(target.shared_table, ("id",) + target.shared, shared),
              (f"{target.stage}", ("line",) + target.staged, rows)]
    return [table for table in tables if table[2]]


def _source(target: Target) -> str:
    """The staged rows as `s`, joined to their shared values as `d`."""
    if not target.shared:
        return f"{target.stage} AS s"
    return f"{target.stage} AS s JOIN {target.shared_table} AS d ON d.id = s.{SHARED}"


def _shared_join(target: Target) -> tuple[str, str]:
    """The FROM item and WHERE condition that join a staged row `s` to its shared values `d`."""
    if not target.shared:
        return "", ""
    return f", {target.shared_table} AS d", f" AND d.id = s.{SHARED}"


def on_postgresql(store) -> bool:
    """Whether the store's register is on PostgreSQL (its import then stages by COPY: bulk_postgresql)."""
    return is_postgresql(store.db)


def has_rights(store, target: Target) -> bool:
    return store.db.conn.execute(f"SELECT EXISTS (SELECT 1 FROM {target.table})").fetchone()[0] == 1


def data_version(store) -> int | None:
    """Changes whenever another connection commits to the database (PRAGMA data_version); None on
    PostgreSQL, which cannot tell."""
    if is_postgresql(store.db):
        return None
    return store.db.conn.execute("PRAGMA main.data_version").fetchone()[0]


def count_rights(store, target: Target) -> int:
    return store.db.conn.execute(f"SELECT count(*) FROM {target.table}").fetchone()[0]


def classify(store, target: Target, compared: tuple) -> None:
    """Mark each staged row new, the same as its stored right (in the `compared` columns), or changed."""
    same = " AND ".join(f"{target.value(c)} IS m.{c}" for c in compared)
    shared, joined = _shared_join(target)
    conn = store.db.conn
    with _batch(conn):
        conn.execute(f"UPDATE {target.stage} SET status = '{NEW}' WHERE status <> '{NEW}'")
        conn.execute(f"UPDATE {target.stage} AS s SET status = CASE WHEN {same} THEN '{SAME}' "
                     f"ELSE '{CHANGED}' END FROM {target.table} AS m{shared} "
                     f"WHERE m.{target.key} = s.{target.key}{joined}")


def staged_with_status(store, target: Target, status: str) -> list[tuple]:
    """(line, key) of the staged rows with this status, in file order."""
    return store.db.conn.execute(f"SELECT line, {target.key} FROM {target.stage} WHERE status = ? "
                                 "ORDER BY line", [status]).fetchall()


def staged_lines(store, target: Target, keys: set) -> dict:
    """The line of the staged row with each of these keys."""
    rows = store.db.conn.execute(f"SELECT {target.key}, line FROM {target.stage} "
                                 f"WHERE {target.key} IN (SELECT value FROM json_each(?))", [json.dumps(list(keys))])
    return dict(rows.fetchall())


def status_counts(store, target: Target) -> dict:
    rows = store.db.conn.execute(f"SELECT status, count(*) FROM {target.stage} GROUP BY status")
    return {NEW: 0, SAME: 0, CHANGED: 0, **dict(rows.fetchall())}


def changed_rights(store, target: Target) -> Iterator[tuple[dict, dict]]:
    """(stored, staged) of every changed row, as column dicts (a mark's classes as a list), in file order."""
    columns = ", ".join(f"m.{c}" for c in target.columns) + ", " + ", ".join(target.value(c) for c in target.columns)
    cursor = store.db.conn.execute(
        f"SELECT {columns} FROM {_source(target)} JOIN {target.table} AS m "
        f"ON m.{target.key} = s.{target.key} WHERE s.status = '{CHANGED}' ORDER BY s.line")
    width = len(target.columns)
    for values in cursor:
        yield _with_class_list(target, values[:width]), _with_class_list(target, values[width:])


def _with_class_list(target: Target, values: tuple) -> dict:
    row = dict(zip(target.columns, values))
    if "classes" in row:
        row["classes"] = class_list(row["classes"])
    return row


@contextmanager
def writing(store, large: bool):
    """The import's connection while write_staged() runs: its sorts (ORDER BY, CREATE INDEX) use a
    helper thread; a large write goes through a rollback journal when it can (rollback_journal).
    A PostgreSQL connection has neither setting."""
    if is_postgresql(store.db):
        yield
        return
    conn = store.db.conn
    threads = conn.execute("PRAGMA threads").fetchone()[0]
    conn.execute(f"PRAGMA threads = {max(threads, SORT_THREADS)}")
    try:
        with rollback_journal(store.db) if large else nullcontext():
            yield
    finally:
        conn.execute(f"PRAGMA threads = {threads}")


def write_staged(store, target: Target, stamp: str, rebuild_indexes: bool, changed: bool = True) -> None:
    """Update the changed rights (unless the caller knows there are none) and insert the new ones
    inside the caller's transaction.

    With rebuild_indexes, the table's indexes (its key's unique index too) are dropped first and
    built again at the end: for a large import into a smaller table that is much faster than updating
    them row by row, and the rows can go in as staged. Otherwise they go in key order, the cheap
    order for the key's index.
    """
    conn = store.db.conn
    indexes = _drop_indexes(conn, target) if rebuild_indexes else []
    values = [target.value(c) for c in target.columns]
    shared, joined = _shared_join(target)
    if changed:
        conn.execute(f"UPDATE {target.table} AS m SET ({', '.join(target.columns[1:])}, updated_at) = "
                     f"({', '.join(values[1:])}, ?) FROM {target.stage} AS s{shared} "
                     f"WHERE s.{target.key} = m.{target.key} AND s.status = '{CHANGED}'{joined}", [stamp])
    conn.execute(f"INSERT INTO {target.table} ({', '.join(target.columns)}, created_at, updated_at) "
                 f"SELECT {', '.join(values)}, ?, ? FROM {_source(target)} "
                 f"WHERE s.status = '{NEW}'{'' if rebuild_indexes else f' ORDER BY s.{target.key}'}", [stamp, stamp])
    for sql, _ in indexes:
        conn.execute(sql)


class DirectWrite:
    """An import into a table that holds no rights of its kind, written while it is read.

    Staged rows `(line, *values of target.staged)` go straight into the table, joined to their shared
    values (staged as stage_rows() stages them), so that nothing is copied afterwards; the table's
    indexes are dropped first and built again, the unique ones by all_keys_unique() once all
    rows are in, the others by finish(). It is one transaction: begin() opens it, finish() commits
    it, abandon() rolls it back; restart() drops the rows inserted so far.
    """

    SAVEPOINT = "import_rows"

    def __init__(self, store, target: Target, stamp: str):
        self.store, self.target = store, target
        self._conn = store.db.conn
        self._stamps = (stamp, stamp)  # created_at, updated_at
        staged = ("line",) + target.staged
        # SQLite names the columns of a VALUES list column1, column2, ...
        values = [f"v.column{staged.index(c) + 1}" if c in staged else f"d.{c}" for c in target.columns]
        self._head = (f"INSERT INTO {target.table} ({', '.join(target.columns)}, created_at, updated_at) "
                      f"SELECT {', '.join(values)}, ?, ? FROM (VALUES ")
        # CROSS JOIN: SQLite then reads the rows in their order, each finding its shared values by id.
        self._tail = (f") AS v CROSS JOIN {target.shared_table} AS d ON d.id = v.column{len(staged)}"
                      if target.shared else ") AS v")
        self._width = len(staged)
        self._indexes = []
        self._settings = ExitStack()

    def begin(self) -> bool:
        """Open the transaction; False, with nothing left open, when the table holds rights."""
        if has_rights(self.store, self.target):  # asked first, so as not to change the journal for nothing
            return False
        try:
            self._settings.enter_context(writing(self.store, large=True))
            begin(self.store.db)
        except BaseException:
            self._settings.close()
            raise
        if has_rights(self.store, self.target):  # written since it was asked
            self.abandon()
            return False
        self._indexes = _drop_indexes(self._conn, self.target)
        self._conn.execute(f"SAVEPOINT {self.SAVEPOINT}")
        return True

    def restart(self) -> None:
        """The rows inserted so far dropped, and the shared values' table made again."""
        self._conn.execute(f"ROLLBACK TO {self.SAVEPOINT}")
        create_stage(self.store, self.target)

    def insert(self, rows: list, shared: list = ()) -> None:
        """Insert staged rows, after the shared tuples `(id, *values of target.shared)` first seen."""
        stage_rows(self.store, self.target, [], shared)
        _insert_values(self._conn, self._head, self._tail, self._width, rows, self._stamps)

    def all_keys_unique(self) -> bool:
        """Build the table's unique indexes (its key's); False when a key was inserted twice."""
        try:
            for sql, unique in self._indexes:
                if unique:
                    self._conn.execute(sql)
        except sqlite3.IntegrityError:
            return False
        self._indexes = [(sql, unique) for sql, unique in self._indexes if not unique]
        return True

    def finish(self) -> None:
        """Build the other indexes and commit."""
        for sql, _ in self._indexes:
            self._conn.execute(sql)
        commit(self.store.db)
        self._settings.close()

    def abandon(self) -> None:
        rollback(self.store.db)
        self._settings.close()


def _drop_indexes(conn, target: Target) -> list[tuple[str, bool]]:
    """Drop the indexes of the target's table (all explicitly created); returns their CREATE statements
    and whether each is unique."""
    rows = conn.execute("SELECT m.name, m.sql, i.\"unique\" FROM main.sqlite_master AS m "
                        "JOIN pragma_index_list(?, 'main') AS i ON i.name = m.name "
                        "WHERE m.type = 'index' AND m.sql IS NOT NULL", [target.table]).fetchall()
    for name, _, _ in rows:
        conn.execute(f'DROP INDEX main."{name}"')
    return [(sql, bool(unique)) for _, sql, unique in rows]
