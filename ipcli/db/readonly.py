"""Reads for commands that need no register, such as `calc`: plain sqlite3, never creating the file."""

import json
import sqlite3
from pathlib import Path

from ipcli.db.sqlite_file import busy_timeout_from_env, connect

HOLIDAY_YEARS = "SELECT year, document FROM calendar_years"


def parsed_years(rows) -> dict[int, dict]:
    """The (year, document) rows of HOLIDAY_YEARS as {year: document}, on either backend."""
    return {year: json.loads(document) for year, document in rows}


def calendar_documents(path) -> dict[int, dict]:
    """Holiday years imported into the database at `path`; none when there is no such database yet."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        connection, _ = connect(path, busy_timeout_from_env())
    except sqlite3.DatabaseError:
        return {}  # not an SQLite database: nothing imported
    try:
        rows = connection.execute(HOLIDAY_YEARS).fetchall()
    except sqlite3.DatabaseError:
        return {}  # not migrated yet, or not an ipcli database: nothing imported
    finally:
        connection.close()
    return parsed_years(rows)
