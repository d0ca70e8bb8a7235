"""SQL of `mark import` and `patent import`: validated rows are staged in a TEMP table of the import's
connection, compared with the register there, and written from it with a few INSERT ... SELECT
statements in the caller's transaction. Every function takes a `Store`; there is no logic here but SQL."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ipcli.db.store import MARK_COLUMNS, PATENT_COLUMNS

NEW, SAME, CHANGED = "new", "same", "changed"


@dataclass(frozen=True)
class Target:
    """A register table that an import writes, and the TEMP table its rows are staged in."""

    table: str
    key: str
    columns: tuple
    stage: str
    classes: bool  # marks: a JSON array of Nice classes per row, stored in mark_classes

    @property
    def tables(self) -> tuple:
        return (self.table, "mark_classes") if self.classes else (self.table,)


MARKS = Target("marks", "reg_no", MARK_COLUMNS, "import_marks", classes=True)
PATENTS = Target("patents", "app_no", PATENT_COLUMNS, "import_patents", classes=False)


def create_stage(store, target: Target) -> None:
    extra = ", classes TEXT NOT NULL" if target.classes else ""
    conn = store.db.conn
    conn.execute(f"DROP TABLE IF EXISTS temp.{target.stage}")
    conn.execute(f"CREATE TEMP TABLE {target.stage} (line INTEGER NOT NULL, {', '.join(target.columns)}{extra}, "
                 f"status TEXT NOT NULL DEFAULT '{NEW}')")


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


def stage_rows(store, target: Target, names: tuple, rows: list) -> None:
    """Add rows `(line, *values in the order of names)` to the stage."""
    conn = store.db.conn
    with _batch(conn):
        conn.executemany(f"INSERT INTO temp.{target.stage} (line, {', '.join(names)}) "
                         f"VALUES ({', '.join('?' * (len(names) + 1))})", rows)


def has_rights(store, target: Target) -> bool:
    return store.db.conn.execute(f"SELECT EXISTS (SELECT 1 FROM main.{target.table})").fetchone()[0] == 1


def data_version(store) -> int:
    """Changes whenever another connection commits to the database (PRAGMA data_version)."""
    return store.db.conn.execute("PRAGMA main.data_version").fetchone()[0]


def count_rights(store, target: Target) -> int:
    return store.db.conn.execute(f"SELECT count(*) FROM main.{target.table}").fetchone()[0]


def _same_classes() -> str:
    """Whether the staged JSON array s.classes holds exactly the stored classes of the mark m."""
    return ("(SELECT count(*) FROM main.mark_classes c WHERE c.reg_no = m.reg_no) = json_array_length(s.classes) "
            "AND NOT EXISTS (SELECT 1 FROM json_each(s.classes) j WHERE NOT EXISTS "
            "(SELECT 1 FROM main.mark_classes c WHERE c.reg_no = m.reg_no AND c.nice_class = j.value))")


def classify(store, target: Target, compared: tuple) -> None:
    """Mark each staged row new, the same as its stored right (in the `compared` columns), or changed."""
    same = " AND ".join([f"s.{c} IS m.{c}" for c in compared] + ([_same_classes()] if target.classes else []))
    conn = store.db.conn
    with _batch(conn):
        conn.execute(f"UPDATE temp.{target.stage} SET status = '{NEW}' WHERE status <> '{NEW}'")
        conn.execute(f"UPDATE temp.{target.stage} AS s SET status = CASE WHEN {same} THEN '{SAME}' "
                     f"ELSE '{CHANGED}' END FROM main.{target.table} AS m WHERE m.{target.key} = s.{target.key}")


def staged_with_status(store, target: Target, status: str) -> list[tuple]:
    """(line, key) of the staged rows with this status, in file order."""
    return store.db.conn.execute(f"SELECT line, {target.key} FROM temp.{target.stage} WHERE status = ? "
                                 "ORDER BY line", [status]).fetchall()


def status_counts(store, target: Target) -> dict:
    rows = store.db.conn.execute(f"SELECT status, count(*) FROM temp.{target.stage} GROUP BY status")
    return {NEW: 0, SAME: 0, CHANGED: 0, **dict(rows.fetchall())}


def changed_rights(store, target: Target) -> Iterator[tuple[dict, dict]]:
    """(stored, staged) of every changed row, as column dicts (marks with their classes), in file order."""
    columns = ", ".join(f"m.{c}" for c in target.columns) + ", " + ", ".join(f"s.{c}" for c in target.columns)
    if target.classes:
        columns += (", (SELECT json_group_array(nice_class) FROM main.mark_classes c WHERE c.reg_no = m.reg_no), "
                    "s.classes")
    cursor = store.db.conn.execute(
        f"SELECT {columns} FROM temp.{target.stage} AS s JOIN main.{target.table} AS m "
        f"ON m.{target.key} = s.{target.key} WHERE s.status = '{CHANGED}' ORDER BY s.line")
    width = len(target.columns)
    for values in cursor:
        stored, staged = dict(zip(target.columns, values[:width])), dict(zip(target.columns, values[width:]))
        if target.classes:
            stored["classes"], staged["classes"] = sorted(json.loads(values[-2])), json.loads(values[-1])
        yield stored, staged


def write_staged(store, target: Target, stamp: str, rebuild_indexes: bool) -> None:
    """Update the changed rights and insert the new ones, in key order (inside the caller's transaction).

    With rebuild_indexes, the tables' own indexes are dropped first and built again at the end:
    for a large import into a smaller table that is much faster than updating them row by row.
    """
    conn = store.db.conn
    indexes = _drop_indexes(conn, target) if rebuild_indexes else []
    columns, values = ", ".join(target.columns[1:]), ", ".join(f"s.{c}" for c in target.columns[1:])
    conn.execute(f"UPDATE main.{target.table} AS m SET ({columns}, updated_at) = ({values}, ?) "
                 f"FROM temp.{target.stage} AS s "
                 f"WHERE s.{target.key} = m.{target.key} AND s.status = '{CHANGED}'", [stamp])
    columns = ", ".join(target.columns)
    conn.execute(f"INSERT INTO main.{target.table} ({columns}, created_at, updated_at) SELECT {columns}, ?, ? "
                 f"FROM temp.{target.stage} WHERE status = '{NEW}' ORDER BY {target.key}", [stamp, stamp])
    if target.classes:
        _write_classes(conn, target)
    for sql in indexes:
        conn.execute(sql)


def _write_classes(conn, target: Target) -> None:
    conn.execute(f"DELETE FROM main.mark_classes WHERE reg_no IN "
                 f"(SELECT reg_no FROM temp.{target.stage} WHERE status = '{CHANGED}')")
    conn.execute(f"INSERT INTO main.mark_classes (reg_no, nice_class) SELECT s.reg_no, j.value "
                 f"FROM temp.{target.stage} AS s, json_each(s.classes) AS j "
                 f"WHERE s.status IN ('{NEW}', '{CHANGED}') ORDER BY s.reg_no, j.value")


def _drop_indexes(conn, target: Target) -> list[str]:
    """Drop the explicitly created indexes of the target's tables; returns their CREATE statements."""
    marks = ", ".join("?" * len(target.tables))
    rows = conn.execute(f"SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                        f"AND tbl_name IN ({marks})", target.tables).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX main."{name}"')
    return [sql for _, sql in rows]
