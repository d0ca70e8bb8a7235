"""A PostgreSQL register through psycopg 3 (the optional extra `ipcli[postgresql]`), imported only when a
postgresql:// URL is given. Its Database has the methods of ipcli.db.database.Database, and runs the SQL of
ipcli/db through ipcli.db.dialect. A write is one transaction that first takes a transaction-level
advisory lock, the equivalent of SQLite's BEGIN IMMEDIATE: writers queue on it (up to IPCLI_BUSY_TIMEOUT,
then Busy, exit 75), readers never take it."""

import re
from contextlib import contextmanager
from itertools import count

from ipcli.clock import stamp_of
from ipcli.db.connection import write
from ipcli.db.dialect import POSTGRESQL, postgresql
from ipcli.db.schema import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE
from ipcli.errors import Busy, ConfigError, RegisterUnusable, Rejected

# The advisory lock every write takes: one per database, as SQLite's write lock is one per file.
WRITE_LOCK = 0x1bc11
LOCK_NOT_AVAILABLE = "55P03"
_savepoints = count()


def psycopg():
    try:
        import psycopg
    except ImportError:
        raise ConfigError("err.pg_missing") from None
    return psycopg


class Cursor:
    """A psycopg cursor as sqlite3's: rows as tuples, and the id of the row an INSERT added (lastrowid)."""

    def __init__(self, cursor, returns_id: bool):
        self._cursor = cursor
        self.lastrowid = cursor.fetchone()[0] if returns_id else None

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __iter__(self):
        return iter(self._cursor)


class Connection:
    """The psycopg connection as sqlite3's (execute, executemany, in_transaction, rollback, close), with
    statements translated to PostgreSQL's dialect."""

    def __init__(self, connection):
        self.raw = connection

    def execute(self, sql: str, parameters=None) -> Cursor:
        translated = postgresql(sql)
        parameters = () if parameters is None else parameters
        refuse_nul([parameters])
        cursor = self.raw.execute(translated, parameters)
        return Cursor(cursor, translated.endswith(" RETURNING id"))

    def executemany(self, sql: str, rows) -> None:
        rows = list(rows)
        refuse_nul(rows)
        if rows:
            self.raw.cursor().executemany(postgresql(sql).removesuffix(" RETURNING id"), rows)

    @property
    def in_transaction(self) -> bool:
        """As sqlite3's: a transaction is open (not on a lost connection, which has none to roll back)."""
        status = psycopg().pq.TransactionStatus
        return self.raw.info.transaction_status in (status.ACTIVE, status.INTRANS, status.INERROR)

    def rollback(self) -> None:
        self.raw.rollback()

    def close(self) -> None:
        self.raw.close()


def refuse_nul(rows) -> None:
    """PostgreSQL's text cannot hold the character NUL (U+0000), which SQLite's holds: a value with one is
    refused in one line naming it (DB-TEXT-NUL), as input, rather than failing in psycopg (exit 1)."""
    for row in rows:
        for value in row.values() if isinstance(row, dict) else row:
            if isinstance(value, str) and "\x00" in value:
                raise Rejected("err.pg_nul", rule="DB-TEXT-NUL", value=value)


class Database:
    dialect = POSTGRESQL

    def __init__(self, connection: Connection, url: str):
        self.conn = connection
        self.url = url  # redacted: shown in messages
        self.write_stamp = None  # the server's time when the write transaction took the write lock

    def execute(self, sql: str, parameters=None) -> Cursor:
        return self.conn.execute(sql, parameters)

    def query(self, sql: str, parameters=None):
        cursor = self.execute(sql, parameters)
        keys = [column.name for column in cursor.description]
        return (dict(zip(keys, row)) for row in cursor)

    @contextmanager
    def atomic(self):
        name = f"ipcli_{next(_savepoints)}"
        self.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            self.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.execute(f"RELEASE SAVEPOINT {name}")

    def table_names(self) -> list[str]:
        return [name for name, in self.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]


def connect(url: str, shown: str, migrated: bool = True) -> Database:
    """The Database at `url` (libpq reads .pgpass, the service file and PGPASSWORD), migrated unless
    `migrated` is false (a command that only looks, ipcli.db.location.PostgresLocation). An unusable
    IPCLI_BUSY_TIMEOUT is refused by readers too, as on SQLite."""
    from ipcli.db.sqlite_file import busy_timeout_from_env

    busy_timeout_from_env()
    module = psycopg()
    try:
        raw = module.connect(url, autocommit=True)
    except module.OperationalError as error:
        raise RegisterUnusable("err.register_unusable", path=shown, reason=connection_refusal(error)) from None
    _load_like_sqlite(raw)
    db = Database(Connection(raw), shown)
    if migrated:
        migrate(db)
    return db


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def connection_refusal(error: BaseException) -> str:
    """Why a connection failed, without what the register's URL already says: psycopg's and libpq's "connection
    to server on socket ... failed: " before it and the server's severity ("FATAL:  ") are dropped, so that the
    reason (database "x" does not exist, No such file or directory) is not cut from a one-line message."""
    reason = first_line(error).rpartition("failed: ")[2]
    return re.sub(r"^\S+:  ", "", reason) or first_line(error)


def _load_like_sqlite(raw) -> None:
    """Values read as sqlite3 reads them: money (NUMERIC) as float, a boolean (EXISTS ...) as 0 or 1."""
    from psycopg.adapt import Loader
    from psycopg.types.numeric import FloatLoader

    class IntegerBoolLoader(Loader):
        def load(self, data):
            return int(bytes(data) == b"t")

    raw.adapters.register_loader("numeric", FloatLoader)
    raw.adapters.register_loader("bool", IntegerBoolLoader)


# migrations


def migrate(db: Database, stop_before: str | None = None) -> None:
    """Apply the pending migrations of ipcli.db.migrations, each in a write transaction with its record;
    those before `stop_before` only when it is given (as sqlite-utils' Migrations.apply: a register of an
    older level)."""
    wanted = MIGRATION_NAMES[:MIGRATION_NAMES.index(stop_before)] if stop_before else MIGRATION_NAMES
    if not pending_migrations(db, wanted):
        return
    from ipcli.db.migrations import MIGRATIONS

    while True:
        with write(db):
            pending = pending_migrations(db, wanted)
            if not pending:
                return
            if not applied_migrations(db) and set(db.table_names()) - {MIGRATIONS_TABLE}:
                raise RegisterUnusable("err.register_not_ipcli", path=db.url)
            db.execute(f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (migration_set TEXT, name TEXT, "
                       "applied_at TEXT, PRIMARY KEY (migration_set, name))")
            migration = next(m for m in MIGRATIONS._migrations if m.name == pending[0])
            migration.fn(db)
            db.execute(f"INSERT INTO {MIGRATIONS_TABLE} (migration_set, name, applied_at) "
                       "VALUES (?, ?, clock_timestamp()::text)", [MIGRATION_SET, migration.name])


def pending_migrations(db: Database, wanted: tuple[str, ...] = MIGRATION_NAMES) -> list[str]:
    applied = set(applied_migrations(db) or ())
    return [name for name in wanted if name not in applied]


def applied_migrations(db: Database) -> list[str] | None:
    if MIGRATIONS_TABLE not in db.table_names():
        return None
    rows = db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY applied_at",
                      [MIGRATION_SET]).fetchall()
    return [name for name, in rows] or None


# writes


def begin(db: Database) -> None:
    """BEGIN, then the advisory write lock waited for up to the busy timeout (Busy past it)."""
    from ipcli.db.sqlite_file import busy_timeout_from_env

    module = psycopg()
    db.execute("BEGIN")
    milliseconds = int(busy_timeout_from_env() * 1000)
    try:
        db.execute(f"SET LOCAL lock_timeout = {milliseconds}")
        # The select list is evaluated in order: the clock is read once the lock is held, so stamps follow
        # the order in which writes commit.
        locked_at = db.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK}), clock_timestamp()").fetchone()[1]
    except module.errors.LockNotAvailable:
        db.conn.rollback()
        raise Busy("err.db_busy", path=db.url) from None
    newer = [name for name in applied_migrations(db) or () if name not in MIGRATION_NAMES]
    if newer:
        db.conn.rollback()
        raise ConfigError("db.newer_schema", path=db.url, names=", ".join(newer))
    db.write_stamp = stamp_of(locked_at)


def server_stamp(db: Database) -> str:
    """The server's time as ipcli stores it: that of the write transaction under way, else now."""
    if db.write_stamp is not None and db.conn.in_transaction:
        return db.write_stamp
    return stamp_of(db.execute("SELECT clock_timestamp()").fetchone()[0])


def commit(db: Database, key: str | None = None) -> None:
    """COMMIT; a connection lost meanwhile leaves the outcome unknown: said with the write's `key` (the
    invocation id of its journal entries, which `ipcli log --invocation KEY` finds if it was written),
    never retried."""
    module = psycopg()
    db.write_stamp = None
    try:
        db.execute("COMMIT")
    except module.OperationalError as error:
        if not (db.conn.raw.closed or db.conn.raw.broken):
            raise
        if key is None:
            raise RegisterUnusable("err.pg_unknown_outcome", path=db.url, reason=first_line(error)) from None
        raise RegisterUnusable("err.pg_unknown_outcome_key", path=db.url, reason=first_line(error),
                               idempotency_key=key) from None


# failures


def register_failure(error: BaseException, shown: str):
    """What a psycopg error about the register is reported as: Busy, RegisterUnusable, or None (an
    internal error)."""
    module = psycopg()
    if isinstance(error, module.errors.LockNotAvailable):
        return Busy("err.db_busy", path=shown)
    if isinstance(error, module.OperationalError):
        return RegisterUnusable("err.register_unusable", path=shown, reason=first_line(error))
    return None
