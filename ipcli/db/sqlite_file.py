"""The register file through plain sqlite3, cheap to import (`calc` reads holiday years with it): opening
it to read and write, or only to read where this process may not write; how long to wait for a writer;
and the SQLite errors that say the file itself cannot be used."""

import math
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from ipcli.errors import Busy, ConfigError, IpcliError, RegisterUnusable, UsageProblem

BUSY_TIMEOUT_SECONDS = 30.0
LONGEST_BUSY_TIMEOUT = (2**31 - 1) // 1000  # SQLite keeps the busy timeout in milliseconds, in a C int

# Primary result codes of SQLite (the low byte of an extended code).
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 3, 5, 6, 8, 10, 11
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOLFS, SQLITE_NOTADB = 13, 14, 22, 26
# The file cannot be used: it cannot be opened or written, it is damaged or no database, its disk is full.
UNUSABLE = {SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOLFS,
            SQLITE_NOTADB}
# Files SQLite keeps beside a database while it is open or was not closed cleanly.
SIDE_FILES = ("-wal", "-shm", "-journal")


def busy_timeout_from_env() -> float:
    """How long to wait for another writer: IPCLI_BUSY_TIMEOUT seconds when set, else 30."""
    text = os.environ.get("IPCLI_BUSY_TIMEOUT", "")
    if not text:
        return BUSY_TIMEOUT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= LONGEST_BUSY_TIMEOUT:  # NaN fails every comparison
        raise ConfigError("err.busy_timeout", value=text, limit=LONGEST_BUSY_TIMEOUT)
    return seconds


def connect(path: Path, busy_timeout: float) -> tuple[sqlite3.Connection, bool]:
    """A connection on the existing database file at `path`, and whether it may write. A file this process
    may not write, or one in a directory where it may not create the files SQLite writes beside it (-wal,
    -shm, -journal), is opened to read only."""
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        connection = _open(str(path), busy_timeout)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the WAL, if any
            return connection, True
        except sqlite3.OperationalError as error:
            connection.close()
            if primary_code(error) not in (SQLITE_READONLY, SQLITE_CANTOPEN):
                raise
    return _open(_read_only_uri(path), busy_timeout, uri=True), False


def _read_only_uri(path: Path) -> str:
    """Read only, through the -wal and -shm files when there are any. Without them, as an immutable file:
    SQLite then creates none, which a reader must not leave behind (a -shm made read-only would stop the
    next writer) and in a read-only directory cannot. It sees the file as it stands; only a writer with
    rights this process lacks could change it meanwhile."""
    in_use = any(Path(f"{path}{suffix}").exists() for suffix in SIDE_FILES)
    return f"{Path(path).absolute().as_uri()}?mode=ro" + ("" if in_use else "&immutable=1")


def _open(target: str, busy_timeout: float, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: transactions are begun explicitly (connection.write(), sqlite-utils' atomic()).
    return sqlite3.connect(target, timeout=busy_timeout, isolation_level=None, uri=uri)


def primary_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_busy(error: BaseException) -> bool:
    return primary_code(error) in (SQLITE_BUSY, SQLITE_LOCKED)


def register_failure(error: BaseException, path) -> IpcliError | None:
    """What an SQLite error about the register at `path` is reported as: Busy (75) or RegisterUnusable (74),
    naming the file and SQLite's cause; None for any other error."""
    if is_busy(error):
        return Busy("err.db_busy", path=str(path))
    if primary_code(error) in UNUSABLE:
        return RegisterUnusable("err.register_unusable", path=str(path), reason=str(error))
    return None


@contextmanager
def storage_failures_as(key: str, **params):
    """An SQLite error saying that a file other than the register cannot be used (a backup's target on a
    full disk) becomes UsageProblem(key, **params, reason=...)."""
    try:
        yield
    except sqlite3.Error as error:
        if primary_code(error) not in UNUSABLE:
            raise
        raise UsageProblem(key, **params, reason=str(error)) from None
