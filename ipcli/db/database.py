"""The register's connection as the rest of ipcli/db uses it: the few methods of a sqlite-utils Database
that ipcli calls (execute, query, atomic, table_names), on a plain sqlite3 connection. Importing
sqlite-utils costs a command about a third of its start-up; only the migrations need it
(ipcli.db.connection.migrate)."""

import sqlite3
import sys
from contextlib import contextmanager
from itertools import count

_savepoints = count()


class Database:
    def __init__(self, connection: sqlite3.Connection):
        self.conn = connection  # opened with isolation_level=None: no transaction begins implicitly

    def execute(self, sql: str, parameters=None) -> sqlite3.Cursor:
        return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)

    def query(self, sql: str, parameters=None):
        """The rows of `sql` as dicts, fetched as they are iterated."""
        cursor = self.execute(sql, parameters)
        keys = [column[0] for column in cursor.description]
        return (dict(zip(keys, row)) for row in cursor)

    @contextmanager
    def atomic(self):
        """A savepoint: released when the block ends, rolled back to when it raises."""
        name = f"ipcli_{next(_savepoints)}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            raise
        self.conn.execute(f"RELEASE {name}")

    def table_names(self) -> list[str]:
        return [name for name, in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


# sqlite-utils imports these, when installed, only to map their value types to column types; ipcli
# never stores such values, and numpy alone would add about 100 ms to every command that migrates.
_UNUSED_BY_SQLITE_UTILS = ("numpy", "pandas")


def sqlite_utils():
    """The sqlite_utils module, imported with numpy and pandas hidden: they stay importable for anyone else."""
    if "sqlite_utils" not in sys.modules:
        hidden = [name for name in _UNUSED_BY_SQLITE_UTILS if name not in sys.modules]
        sys.modules.update(dict.fromkeys(hidden))  # None in sys.modules: `import` raises ImportError
        try:
            import sqlite_utils  # noqa: F401
        finally:
            for name in hidden:
                if sys.modules.get(name, "") is None:
                    del sys.modules[name]
    return sys.modules["sqlite_utils"]
