"""Writes the frozen copy of each schema level: `mNNN_name.sql`, the SQL dump (sqlite3 iterdump) of an
empty register with the migrations up to and including mNNN applied. Run ONCE for a new migration,
with the ipcli that introduces it (`python tests/frozen_schemas/make.py m012_...`), and commit the file;
never regenerate an existing one: test_migrations.py upgrades registers built from these files, so an
edit of an applied migration shows as a difference from what registers of that level really hold."""

import sqlite3
import sys
from pathlib import Path

import sqlite_utils

from ipcli.db.migrations import MIGRATIONS

HERE = Path(__file__).parent


def dump(level: int) -> str:
    """The dump of an empty register at `level` (the number of migrations applied)."""
    connection = sqlite3.connect(":memory:")
    names = [migration.name for migration in MIGRATIONS._migrations]
    MIGRATIONS.apply(sqlite_utils.Database(connection), stop_before=names[level] if level < len(names) else None)
    return "\n".join(connection.iterdump()) + "\n"


def main(names: list[str]) -> None:
    known = [migration.name for migration in MIGRATIONS._migrations]
    for name in names:
        target = HERE / f"{name}.sql"
        if target.exists():
            sys.exit(f"{target} exists: a frozen schema is never regenerated")
        target.write_text(dump(known.index(name) + 1), encoding="utf-8")
        print(target)


if __name__ == "__main__":
    main(sys.argv[1:])
