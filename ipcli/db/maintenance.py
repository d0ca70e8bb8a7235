"""SQL of `ipcli db`: page copies through SQLite's online backup API, the checks a copy must pass
(integrity, foreign keys, migrations) and what a register holds. Plain sqlite3 connections: nothing
here migrates a file or changes it except the target of a copy."""

import sqlite3
from pathlib import Path

from ipcli.db import sqlite_file
from ipcli.db.connection import has_table, known_migrations, translate_busy
from ipcli.db.schema import MIGRATIONS_TABLE
from ipcli.db.database import sqlite_utils
from ipcli.db.migrations import MIGRATIONS
from ipcli.errors import Busy

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
COUNTED_TABLES = ("marks", "patents", "filings")


def is_sqlite_file(path) -> bool:
    """Whether the file starts with SQLite's header (an empty file is not a database here)."""
    with open(path, "rb") as stream:
        return stream.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def connect(path) -> sqlite3.Connection:
    """A plain connection on an existing file: no migration, no change of journal mode; to read only where
    this process may not write (sqlite_file.connect)."""
    with translate_busy(path):
        connection, _ = sqlite_file.connect(Path(path), sqlite_file.busy_timeout_from_env())
    return connection


def copy_pages(source: sqlite3.Connection, target: sqlite3.Connection, locked_path) -> None:
    """Every page of `source` into `target` in one write transaction of the target (the backup API):
    other connections see the old content or the new, never a mix. A lock held past the busy timeout
    is Busy (exit 75); without this the backup loop would wait for ever."""

    def progress(status, remaining, total):
        if status in (SQLITE_BUSY, SQLITE_LOCKED):
            raise Busy("err.db_busy", path=str(locked_path))

    with translate_busy(locked_path):
        source.backup(target, progress=progress)


def match_page_size(source: sqlite3.Connection, target: sqlite3.Connection, path) -> None:
    """The backup API cannot change the page size of a database in WAL mode: a `source` with other
    pages (a register made by an older ipcli) is rewritten with the target's first (VACUUM). The
    source must be a private copy in a rollback journal mode."""
    with translate_busy(path):
        size = target.execute("PRAGMA page_size").fetchone()[0]
        in_wal = target.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    if in_wal and source.execute("PRAGMA page_size").fetchone()[0] != size:
        source.execute(f"PRAGMA page_size = {size}")
        source.execute("VACUUM")


def set_journal_mode(connection: sqlite3.Connection, mode: str, path) -> None:
    """`delete` makes a copy one self-contained file; `wal` is the live register's mode."""
    with translate_busy(path):
        connection.execute(f"PRAGMA journal_mode = {mode}").fetchall()


def integrity_check(connection: sqlite3.Connection) -> list[str]:
    """PRAGMA integrity_check: ["ok"] for a sound file; a page too damaged to read is one message."""
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        return [str(error)]


def foreign_key_check(connection: sqlite3.Connection) -> list[dict]:
    """PRAGMA foreign_key_check: one row per broken reference; a check that cannot run is one row
    with its `error`."""
    try:
        rows = connection.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as error:
        return [{"error": str(error)}]
    return [{"table": table, "rowid": rowid, "parent": parent} for table, rowid, parent, _ in rows]


def missing_schema(connection: sqlite3.Connection, applied: list[str]) -> list[tuple[str, str]]:
    """What the `applied` migrations create and the database lacks (missing_objects)."""
    try:
        present = _schema(connection)
    except sqlite3.DatabaseError:
        return []  # too damaged to read: the integrity check says so
    return missing_objects(present, applied)


def missing_objects(present: set[tuple[str, str, str]], applied: list[str],
                    beside: str = "") -> list[tuple[str, str]]:
    """What the `applied` migrations create and is not `present` (kind, name, table), as (kind, name): a
    missing table, and the columns, indexes and triggers missing from the tables it has. Extra objects
    are no problem; the table `beside` is not compared (PostgreSQL records migrations in a table of
    its own making, ipcli.db.postgres.migrate)."""
    expected = {item for item in _schema(_migrated_in_memory(applied)) if item[2] != beside}
    missing_tables = {name for kind, name, _ in expected - present if kind == "table"}
    return sorted((kind, name) for kind, name, table in expected - present
                  if kind == "table" or table not in missing_tables)


def _migrated_in_memory(applied: list[str]) -> sqlite3.Connection:
    """An empty database in memory with the `applied` migrations of this ipcli, in their order."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    apply_migrations(connection, applied)
    return connection


def apply_migrations(connection: sqlite3.Connection, applied: list[str]) -> None:
    """The `applied` migrations of this ipcli, in their order, on an empty database."""
    db = sqlite_utils().Database(connection, execute_plugins=False)
    MIGRATIONS.apply(db, stop_before=[name for name in known_migrations() if name not in applied])


def _schema(connection: sqlite3.Connection) -> set[tuple[str, str, str]]:
    """(kind, name, table) of every table, column, index, trigger and view (columns named table.column)."""
    objects = connection.execute("SELECT type, name, tbl_name FROM sqlite_master "
                                 "WHERE name NOT LIKE 'sqlite_%'").fetchall()
    columns = [("column", f"{table}.{column}", table) for kind, table, _ in objects if kind == "table"
               for _, column, *_ in connection.execute(f'PRAGMA table_info("{table}")')]
    return set(objects) | set(columns)


def register_tables(connection: sqlite3.Connection) -> list[str]:
    """The register's tables, without SQLite's own and the record of migrations."""
    return [name for name, in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != ? "
        "ORDER BY name", [MIGRATIONS_TABLE])]


def quoted_columns(connection: sqlite3.Connection, table: str) -> list[str]:
    """The columns of `table`, in their order, each quoted ("window" is a reserved word of PostgreSQL)."""
    return [f'"{column}"' for _, column, *_ in connection.execute(f'PRAGMA table_info("{table}")')]


def foreign_keys(connection: sqlite3.Connection, table: str) -> list[tuple[str, str, str]]:
    """(column, parent table, parent column) of each foreign key of `table`."""
    return [(column, parent, key) for _, _, parent, column, key, *_ in
            connection.execute(f'PRAGMA foreign_key_list("{table}")')]


def tables_in_load_order(connection: sqlite3.Connection) -> list[str]:
    """The register's tables, each after the tables its foreign keys refer to."""
    from graphlib import TopologicalSorter

    tables = register_tables(connection)
    parents = {table: {parent for _, parent, _ in foreign_keys(connection, table)} - {table} for table in tables}
    return list(TopologicalSorter(parents).static_order())


def self_references(connection: sqlite3.Connection, table: str) -> dict[str, str]:
    """Quoted column -> quoted key column, for each foreign key of `table` to itself (a window's parent)."""
    return {f'"{column}"': f'"{key}"' for column, parent, key in foreign_keys(connection, table) if parent == table}


def last_ids(connection: sqlite3.Connection) -> dict[str, int]:
    """The last id each AUTOINCREMENT table gave (never given again, even after its row was deleted)."""
    if not has_table(connection, "sqlite_sequence"):
        return {}
    return dict(connection.execute("SELECT name, seq FROM sqlite_sequence").fetchall())


def set_last_id(connection: sqlite3.Connection, table: str, last: int) -> None:
    """AUTOINCREMENT goes on past `last` and past every id the table holds (inside the caller's transaction)."""
    connection.execute("DELETE FROM sqlite_sequence WHERE name = ?", [table])
    connection.execute(f"INSERT INTO sqlite_sequence (name, seq) SELECT ?, max(?, coalesce(max(id), 0)) FROM {table}",
                       [table, last])


def counts(connection: sqlite3.Connection) -> dict:
    return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED_TABLES}


_PROVISIONAL = {
    "provisional_marks": ("marks", "SELECT count(*) FROM marks WHERE dates_provisional = 1"),
    "provisional_patents": ("patents", "SELECT count(*) FROM patents WHERE dates_provisional = 1"),
    "provisional_notices": ("notices", "SELECT count(*) FROM notices WHERE status = 'open' AND provisional = 1"),
    "provisional_licenses": ("licenses",
                             "SELECT count(*) FROM licenses WHERE status = 'pending' AND provisional = 1"),
}


def provisional_counts(connection, tables: set[str] | None = None) -> dict:
    """R-PROVISIONAL, R-PROVISIONAL-DECEMBER: stored deadlines computed without the holiday data they need;
    null where the table or column is missing (an old schema) or unreadable. `tables`: the tables the
    database has (a PostgreSQL connection must say; an SQLite one is asked)."""
    return {key: _count_or_none(connection, tables, table, sql) for key, (table, sql) in _PROVISIONAL.items()}


def _count_or_none(connection, tables: set[str] | None, table: str, sql: str) -> int | None:
    try:
        present = has_table(connection, table) if tables is None else table in tables
        return connection.execute(sql).fetchone()[0] if present else None
    except sqlite3.DatabaseError:
        return None
