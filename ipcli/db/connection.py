"""Opening the database file: permissions, WAL, busy timeout, foreign keys, pending migrations,
and the one write transaction (BEGIN IMMEDIATE) every write command runs in."""

import os
import sqlite3
import stat
import time
from contextlib import contextmanager
from pathlib import Path

from ipcli.clock import now_stamp
from ipcli.db.database import Database, sqlite_utils
from ipcli.db.dialect import is_postgresql
from ipcli.db.schema import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE
from ipcli.db.sqlite_file import busy_timeout_from_env, connect, is_busy
from ipcli.errors import Busy, ConfigError, RegisterUnusable, os_errors_as


def _create_private_file(path: Path) -> None:
    """The register file, created empty with mode 0600 unless it exists; a path that cannot be one (under a
    regular file, in a read-only directory) or that is no regular file (a FIFO would block SQLite, a device
    or a directory holds no register) is RegisterUnusable."""
    with os_errors_as("err.register_unusable", RegisterUnusable, path=str(path)):
        if _is_regular_file(path):
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass  # another process created it meanwhile


def register_exists(path) -> bool:
    """Whether a register file is at `path`: anything but nothing or an empty file (what is there may still be
    no register, as opening it tells: exit 74)."""
    try:
        info = Path(path).stat()
    except (FileNotFoundError, NotADirectoryError):  # nothing there, or a path under a regular file
        return False
    return not (stat.S_ISREG(info.st_mode) and info.st_size == 0)


def _is_regular_file(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(mode):
        raise RegisterUnusable("err.register_not_file", path=str(path))
    return True


# Pages of 16 KiB (SQLite's default is 4 KiB): a register of a million rights has shallower B-trees,
# and a large import writes and indexes it faster (bench/import.py).
PAGE_SIZE = 16384


def open_db(path, busy_timeout: float | None = None) -> Database:
    """The Database on `path` (created with mode 0600), migrated to the current schema. A register this
    process may not write is opened to read only: its writes fail (RegisterUnusable, exit 74)."""
    busy_timeout = busy_timeout_from_env() if busy_timeout is None else busy_timeout
    path = Path(path)
    _create_private_file(path)
    with translate_busy(path):
        connection, writable = connect(path, busy_timeout)
        db = Database(connection)
        if writable:
            db.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # takes effect only when the file is new
            _use_wal(db, busy_timeout)
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
    return db


JOURNAL_RETRY_SECONDS = 0.05


def _use_wal(db, busy_timeout: float) -> None:
    """journal_mode WAL. SQLite refuses the change at once, without its busy handler, while another
    connection writes with a rollback journal (rollback_journal() below): retry until the busy timeout."""
    deadline = time.monotonic() + busy_timeout
    while _journal_mode(db, "WAL") is None:
        if time.monotonic() >= deadline:
            raise Busy("err.db_busy", path=database_path(db))
        time.sleep(JOURNAL_RETRY_SECONDS)


@contextmanager
def rollback_journal(db):
    """A large write with a rollback journal instead of the WAL, when no other connection has the
    register open: the new pages are then written once, to the file, instead of to the WAL and again
    by its checkpoint (bench/import.py: about a second of a million-mark import). With another
    connection open SQLite keeps the WAL, and so does this. WAL again afterwards; should that fail
    (a connection opened meanwhile), the next open_db() sets it."""
    mode = _journal_mode(db, "DELETE")
    try:
        yield
    finally:
        if mode not in (None, "wal"):
            _journal_mode(db, "WAL")


def _journal_mode(db, mode: str) -> str | None:
    """The journal mode after asking for `mode`; None when SQLite refused the change as busy."""
    try:
        return db.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0]
    except sqlite3.OperationalError as error:
        if is_busy(error):
            return None
        raise


def migrate(db: Database) -> None:
    """Apply pending migrations one at a time, each in its own BEGIN IMMEDIATE transaction. Whether any
    are pending is read first without the write lock, and with sqlite3 alone: readers never wait for a
    writer, and sqlite-utils is loaded only to migrate."""
    if not pending_migrations(db.conn):
        return
    from ipcli.db.migrations import MIGRATIONS

    migrating = sqlite_utils().Database(db.conn, execute_plugins=False)
    while True:
        with write(db):
            pending = pending_migrations(db.conn)
            if not pending:
                return
            if not applied_migrations(db.conn) and set(db.table_names()) - {MIGRATIONS_TABLE}:
                raise RegisterUnusable("err.register_not_ipcli", path=database_path(db))
            MIGRATIONS.apply(migrating, stop_before=pending[1:])


def pending_migrations(connection: sqlite3.Connection) -> list[str]:
    applied = set(applied_migrations(connection) or ())
    return [name for name in MIGRATION_NAMES if name not in applied]


def applied_migrations(connection: sqlite3.Connection) -> list[str] | None:
    """Names of the ipcli migrations applied, in order; None when the file is no ipcli database."""
    try:
        if not has_table(connection, MIGRATIONS_TABLE):
            return None
        rows = connection.execute(f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
                                  [MIGRATION_SET]).fetchall()
    except sqlite3.DatabaseError:
        return None
    return [name for name, in rows] or None


def has_table(connection: sqlite3.Connection, name: str) -> bool:
    sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
    return connection.execute(sql, [name]).fetchone()[0] == 1


def known_migrations() -> list[str]:
    """The migrations this ipcli knows, oldest first."""
    return list(MIGRATION_NAMES)


def unknown_migrations(connection: sqlite3.Connection) -> list[str]:
    """Migrations applied to the register that this ipcli does not know: a newer ipcli made them."""
    known = set(known_migrations())
    return [name for name in applied_migrations(connection) or () if name not in known]


@contextmanager
def translate_busy(path):
    try:
        yield
    except sqlite3.OperationalError as error:
        if is_busy(error):
            raise Busy("err.db_busy", path=str(path)) from None
        raise


def database_path(db) -> str:
    if is_postgresql(db):
        return db.url
    return db.conn.execute("PRAGMA database_list").fetchone()[2]


@contextmanager
def write(db, key: str | None = None):
    """One BEGIN IMMEDIATE transaction: it commits whole, or rolls back and leaves nothing.

    Inside a transaction already begun, it is a savepoint of that transaction. On PostgreSQL, begin()
    and commit() are those of ipcli.db.postgres: the advisory write lock, an unknown outcome said with
    `key`, the invocation id every journal entry of the write carries, by which it can be looked up.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    begin(db)
    try:
        yield db
        commit(db, key)
    except BaseException:
        rollback(db)
        raise


def begin(db) -> None:
    """BEGIN IMMEDIATE: the write lock, waited for up to the busy timeout, else Busy. A register that a newer
    ipcli has migrated is not written to (ConfigError naming its newer migrations)."""
    if is_postgresql(db):
        from ipcli.db import postgres

        return postgres.begin(db)
    path = database_path(db)
    with translate_busy(path):
        db.execute("BEGIN IMMEDIATE")
    newer = unknown_migrations(db.conn)
    if newer:
        rollback(db)
        raise ConfigError("db.newer_schema", path=path, names=", ".join(newer))


def check_writable(db) -> None:
    """Refuse now what the register would refuse a write later (a newer ipcli's schema: ConfigError; a
    read-only file: SQLITE_READONLY), before work that cannot be undone, such as sending a digest."""
    begin(db)
    try:
        db.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE 1 = 0")  # changes nothing, yet is a write
    finally:
        rollback(db)


def commit(db, key: str | None = None) -> None:
    if is_postgresql(db):
        from ipcli.db import postgres

        return postgres.commit(db, key)
    with translate_busy(database_path(db)):
        db.execute("COMMIT")


def recorded_at(db) -> str:
    """The time a write records (the journal's `at`, created_at, ...), as ipcli stores it. On PostgreSQL
    the server's clock, once per write transaction, so that every window's rows are stamped by one clock;
    on SQLite this machine's."""
    if is_postgresql(db):
        from ipcli.db import postgres

        return postgres.server_stamp(db)
    return now_stamp()


def rollback(db) -> None:
    if db.conn.in_transaction:
        db.conn.rollback()
