"""Opening the database file: permissions, WAL, busy timeout, foreign keys, pending migrations,
and the one write transaction (BEGIN IMMEDIATE) every write command runs in."""

import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from ipcli.errors import Busy

BUSY_TIMEOUT_SECONDS = 30.0
# sqlite-utils imports these, when installed, only to map their value types to column types; ipcli
# never stores such values, and numpy alone would add about 100 ms to every command that opens the
# register (bench/deadlines.py).
_UNUSED_BY_SQLITE_UTILS = ("numpy", "pandas")


def _import_sqlite_utils() -> None:
    """Import sqlite-utils with numpy and pandas hidden: they stay importable for anyone else."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in _UNUSED_BY_SQLITE_UTILS if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))  # None in sys.modules: `import` raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]


# Before anything imports ipcli.db.migrations (which imports sqlite-utils): store.py imports this first.
_import_sqlite_utils()


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


# Pages of 16 KiB (SQLite's default is 4 KiB): a register of a million rights has shallower B-trees,
# and a large import writes and indexes it faster (bench/import.py).
PAGE_SIZE = 16384


def busy_timeout_from_env() -> float:
    """How long to wait for another writer: IPCLI_BUSY_TIMEOUT seconds when set, else 30."""
    try:
        seconds = float(os.environ.get("IPCLI_BUSY_TIMEOUT", ""))
    except ValueError:
        return BUSY_TIMEOUT_SECONDS
    return seconds if seconds > 0 else BUSY_TIMEOUT_SECONDS


def open_db(path, busy_timeout: float | None = None):
    """A sqlite-utils Database on `path` (created with mode 0600), migrated to the current schema."""
    from sqlite_utils import Database

    busy_timeout = busy_timeout_from_env() if busy_timeout is None else busy_timeout
    path = Path(path)
    _create_private_file(path)
    # isolation_level=None: transactions are begun explicitly (write() below, sqlite-utils' atomic()).
    connection = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    db = Database(connection, execute_plugins=False)
    with translate_busy(path):
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
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
        if _is_busy(error):
            return None
        raise


def migrate(db) -> None:
    """Apply pending migrations one at a time, each in its own BEGIN IMMEDIATE transaction."""
    from ipcli.db.migrations import MIGRATIONS

    while True:
        with write(db):
            pending = MIGRATIONS.pending(db)
            if not pending:
                return
            MIGRATIONS.apply(db, stop_before=[m.name for m in pending[1:]])


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


@contextmanager
def translate_busy(path):
    try:
        yield
    except sqlite3.OperationalError as error:
        if _is_busy(error):
            raise Busy("err.db_busy", path=str(path)) from None
        raise


def database_path(db) -> str:
    return db.conn.execute("PRAGMA database_list").fetchone()[2]


@contextmanager
def write(db):
    """One BEGIN IMMEDIATE transaction: it commits whole, or rolls back and leaves nothing.

    Inside a transaction already begun, it is a savepoint of that transaction.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    begin(db)
    try:
        yield db
        commit(db)
    except BaseException:
        rollback(db)
        raise


def begin(db) -> None:
    """BEGIN IMMEDIATE: the write lock, waited for up to the busy timeout, else Busy."""
    with translate_busy(database_path(db)):
        db.execute("BEGIN IMMEDIATE")


def commit(db) -> None:
    with translate_busy(database_path(db)):
        db.execute("COMMIT")


def rollback(db) -> None:
    if db.conn.in_transaction:
        db.conn.rollback()
