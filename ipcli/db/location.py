"""Where the register is (--db, IPCLI_DB): the one object outside ipcli/db that stands for it before it is
opened. Everything the rest of ipcli asks of a register's place goes through here: whether one exists,
opening its Store, its holiday years for a command that opens none, its backup, check and restore,
whether a file an output would replace is part of it, and where this machine keeps the files of an
export in progress.

An SQLite location (SqliteLocation) is a file path: its side files are SQLite's (-wal, -shm, -journal),
backup and restore copy pages of the file (ipcli.db.backup), and the export intents live beside the file
(ipcli.register.publication), so that they move with it. A PostgreSQL location (PostgresLocation) is a
postgresql:// URL, shown without its password; register_location() picks one for the text of --db."""

import os
import re
from pathlib import Path

from ipcli.db.sqlite_file import SIDE_FILES

# The register's file and those SQLite keeps beside it while it is open or was not closed cleanly.
REGISTER_SUFFIXES = ("", *SIDE_FILES)


POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")


def register_location(text) -> "RegisterLocation":
    """The location `text` (--db, IPCLI_DB) names: a PostgreSQL database for its URL, else an SQLite file."""
    if str(text).lower().startswith(POSTGRESQL_SCHEMES):
        return PostgresLocation(str(text))
    return SqliteLocation(text)


class RegisterLocation:
    """What every location answers; the methods are those of SqliteLocation and PostgresLocation."""


class SqliteLocation(RegisterLocation):
    NO_REGISTER = "register.none"  # the message when there is none: `db restore` of a backup file makes one

    def __init__(self, path):
        self.path = Path(path)

    def __str__(self) -> str:
        return str(self.path)

    def __eq__(self, other) -> bool:
        return isinstance(other, SqliteLocation) and self.path == other.path

    def __hash__(self) -> int:
        return hash(self.path)

    def exists(self) -> bool:
        """Whether a register is there: anything but nothing or an empty file (what is there may still be no
        register, as opening it tells: exit 74)."""
        from ipcli.db.connection import register_exists

        return register_exists(self.path)

    def open(self, operator: str = "", command: str = ""):
        """The Store, created (mode 0600) and migrated when needed."""
        from ipcli.db.store import Store

        return Store(self, operator=operator, command=command)

    def connect(self):
        """The migrated Database (ipcli.db.database)."""
        from ipcli.db.connection import open_db

        return open_db(self.path)

    def calendar_documents(self) -> dict[int, dict]:
        """The holiday years imported into the register, read without creating or migrating it."""
        from ipcli.db.readonly import calendar_documents

        return calendar_documents(self.path)

    def holds(self, path: Path) -> bool:
        """Whether `path` (links resolved) is the register or one of its side files: its name, in the same
        directory, whatever path leads there (links, `..`, another mount of it)."""
        for named in {Path(os.path.abspath(self.path)), Path(os.path.realpath(self.path))}:
            names = {named.name + suffix for suffix in REGISTER_SUFFIXES}
            if path.name in names and _same_file(path.parent, named.parent):
                return True
        return False

    def intents_prefix(self) -> Path:
        """The path that the names of this register's export intents start with."""
        return self.path

    def backup(self, target: str, force: bool, to_sqlite: bool = False) -> dict:
        """A checked copy of the register at `target` (SQLite: a page copy through the backup API, which
        is an SQLite register whether or not `to_sqlite` asks for one)."""
        from ipcli.db import backup

        return backup.backup(backup.existing_register(self.path.absolute()), target, force)

    def check(self) -> tuple[dict, list]:
        """The `db check` record of the register, and its problems."""
        from ipcli.db import backup

        return backup.check(backup.existing_register(self.path.absolute()))

    def restore(self, source: Path, *, operator: str, command: str, from_sqlite: bool = False) -> dict:
        """Replace the register by a checked, migrated copy of the register file `source` (an SQLite
        register, whether or not `from_sqlite` says so)."""
        from ipcli.db import backup

        return backup.restore(self.path.absolute(), source, operator=operator, command=command)

    def failure(self, error: BaseException):
        """What a database error about this register is reported as (Busy, RegisterUnusable), or None."""
        from ipcli.db.sqlite_file import register_failure

        return register_failure(error, self.path)


class PostgresLocation(RegisterLocation):
    """A PostgreSQL database named by its URL; credentials come from libpq (.pgpass, the service file,
    PGPASSWORD) or the URL, whose password is never shown."""

    NO_REGISTER = "register.none_postgresql"  # here `db restore --from-sqlite` loads a register file

    def __init__(self, url: str):
        self.url = url
        self._checked = None  # the connection exists() opened, kept for connect()

    def __str__(self) -> str:
        return without_password(self.url)

    def __eq__(self, other) -> bool:
        return isinstance(other, PostgresLocation) and self.url == other.url

    def __hash__(self) -> int:
        return hash(self.url)

    def exists(self) -> bool:
        """Whether ipcli has made its register in the database (`CREATE DATABASE` is the administrator's):
        a command that only looks migrates no empty database."""
        from ipcli.db import postgres

        db = postgres.connect(self.url, str(self), migrated=False)
        if postgres.applied_migrations(db) is None:
            db.conn.close()
            return False
        self._checked = db  # a read command opens the register next: one connection, not two
        return True

    def open(self, operator: str = "", command: str = ""):
        from ipcli.db.store import Store

        return Store(self, operator=operator, command=command)

    def connect(self):
        from ipcli.db import postgres

        if self._checked is None:
            return postgres.connect(self.url, str(self))
        db, self._checked = self._checked, None
        postgres.migrate(db)
        return db

    def calendar_documents(self) -> dict[int, dict]:
        """The holiday years imported, read without making or migrating the register."""
        from ipcli.db import postgres
        from ipcli.db.readonly import HOLIDAY_YEARS, parsed_years

        db = postgres.connect(self.url, str(self), migrated=False)
        try:
            if "calendar_years" not in db.table_names():
                return {}
            return parsed_years(db.execute(HOLIDAY_YEARS).fetchall())
        finally:
            db.conn.close()

    def holds(self, path: Path) -> bool:
        return False  # no file is part of a database on a server

    def intents_prefix(self) -> Path:
        """Export intents are files of this machine: in its application directory, named after the database."""
        import hashlib

        from ipcli.machine import app_dir

        digest = hashlib.sha256(self.url.encode()).hexdigest()[:16]
        return app_dir() / f"postgresql-{digest}"

    def backup(self, target: str, force: bool, to_sqlite: bool = False) -> dict:
        """A complete SQLite register at `target`; a copy of the database itself is pg_dump's."""
        if not to_sqlite:
            raise _usage("db.pg_backup_plain")
        from ipcli.db.postgres_backup import backup_to_sqlite

        return backup_to_sqlite(self, target, force)

    def check(self) -> tuple[dict, list]:
        from ipcli.db.postgres_backup import check

        return check(self)

    def restore(self, source: Path, *, operator: str, command: str, from_sqlite: bool = False) -> dict:
        """The SQLite register `source` loaded into this one, which holds no marks, patents or filings."""
        if not from_sqlite:
            raise _usage("db.pg_restore_plain")
        from ipcli.db.postgres_backup import restore_from_sqlite

        return restore_from_sqlite(self, source, operator=operator, command=command)

    def failure(self, error: BaseException):
        from ipcli.db.postgres import register_failure

        return register_failure(error, str(self))


SECRET_PARAMETERS = ("password", "sslpassword")  # libpq's: the user's, and that of the client's key


def without_password(url: str) -> str:
    """A postgresql:// URL as messages and the journal show it: user, host, port, database and parameters
    as given, without the password (of its user part, and a `password` or `sslpassword` parameter)."""
    start = url.find("//") + 2
    at = _user_part_end(url, start)
    if at >= 0:
        user = url[start:at].split(":", 1)[0]
        url = url[:start] + (f"{user}@" if user else "") + url[at + 1:]
    address, question, query = url.partition("?")
    kept = [parameter for parameter in query.split("&") if parameter.partition("=")[0] not in SECRET_PARAMETERS]
    return address + (question + "&".join(kept) if any(kept) else "")


def _user_part_end(url: str, start: int) -> int:
    """Where the user part of `url` ends (its "@"), or -1: at the last "@" before the parameters (a password
    may hold a "/" or "@" that should have been escaped), else, as libpq reads it, at an "@" before any "/"
    (a "?" in the password)."""
    parameters = url.find("?")
    at = url.rfind("@", start, len(url) if parameters < 0 else parameters)
    if at >= 0:
        return at
    libpq = re.match(r"[^@/]*@", url[start:])
    return start + libpq.end() - 1 if libpq else -1


def _usage(key: str):
    from ipcli.errors import UsageProblem

    return UsageProblem(key)


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False
