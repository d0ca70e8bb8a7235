"""`ipcli db` on a PostgreSQL register: its check (schema version, constraints, foreign keys, what the schema
lacks), a complete SQLite register made from it (`db backup --to-sqlite`), and an SQLite register loaded into
an empty one (`db restore --from-sqlite`). The SQLite side is handled as ipcli.db.backup handles a backup: a
new file under a temporary name renamed into place once checked, or a private staged copy of the file read."""

import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

from ipcli.db import backup, maintenance, postgres
from ipcli.db.connection import PAGE_SIZE, known_migrations, open_db
from ipcli.db.schema import MIGRATIONS_TABLE
from ipcli.errors import Rejected

# The objects of the register's schema (kind, name, table), as maintenance.missing_objects compares them.
SCHEMA_SQL = """
SELECT 'table', tablename::text, tablename::text FROM pg_tables WHERE schemaname = current_schema()
UNION ALL SELECT 'view', viewname::text, viewname::text FROM pg_views WHERE schemaname = current_schema()
UNION ALL SELECT 'index', indexname::text, tablename::text FROM pg_indexes WHERE schemaname = current_schema()
UNION ALL SELECT 'trigger', tgname::text, c.relname::text FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
    WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
UNION ALL SELECT 'column', table_name || '.' || column_name, table_name::text FROM information_schema.columns
    WHERE table_schema = current_schema()"""
# What PostgreSQL would not have checked: an index left invalid (a failed CREATE INDEX CONCURRENTLY), a
# constraint added NOT VALID. The counterpart of SQLite's integrity check.
UNSOUND_SQL = """
SELECT 'index ' || c.relname || ' is not valid' FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid
    WHERE NOT i.indisvalid AND c.relnamespace = current_schema()::regnamespace
UNION ALL SELECT 'constraint ' || conname || ' of ' || conrelid::regclass::text || ' is not validated'
    FROM pg_constraint WHERE NOT convalidated AND connamespace = current_schema()::regnamespace"""
FOREIGN_KEYS_SQL = """
SELECT conrelid::regclass::text, confrelid::regclass::text,
    ARRAY(SELECT attname::text FROM unnest(conkey) WITH ORDINALITY AS k(number, place)
          JOIN pg_attribute AS a ON a.attrelid = conrelid AND a.attnum = k.number ORDER BY k.place),
    ARRAY(SELECT attname::text FROM unnest(confkey) WITH ORDINALITY AS k(number, place)
          JOIN pg_attribute AS a ON a.attrelid = confrelid AND a.attnum = k.number ORDER BY k.place)
FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY conname"""
# The last id each identity column gave (0: none yet).
IDENTITIES_SQL = """
SELECT table_name::text, column_name::text,
    coalesce(pg_sequence_last_value(pg_get_serial_sequence(quote_ident(table_name), column_name)::regclass), 0)
FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'"""
COPY_ROWS = 10000
# The record of migrations as PostgreSQL keeps it (ipcli.db.postgres.migrate); sqlite-utils' adds an id.
MIGRATION_COLUMNS = ["migration_set", "name", "applied_at"]


# check


def check(location) -> tuple[dict, list[Rejected]]:
    """The `db check` record of a PostgreSQL register and its problems, as SQLite's (ipcli.db.backup.check):
    `path` is the URL without its password, `bytes` the size of the database. Migrates nothing."""
    db = postgres.connect(location.url, str(location), migrated=False)
    try:
        applied = postgres.applied_migrations(db)
        record, problems = backup.verdict(
            location, integrity=[line for line, in db.execute(UNSOUND_SQL)], keys=broken_keys(db), applied=applied,
            provisional=maintenance.provisional_counts(db.conn, set(db.table_names())),
            missing=lambda: maintenance.missing_objects(set(db.execute(SCHEMA_SQL)), applied,
                                                        beside=MIGRATIONS_TABLE))
        size = db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    finally:
        db.conn.close()
    return {"path": str(location), "bytes": size, **record}, problems


def broken_keys(db) -> list[dict]:
    """One row per row that refers to a missing row (PostgreSQL enforces its foreign keys, unless they
    were switched off for a session), as maintenance.foreign_key_check gives SQLite's rows without rowid."""
    broken = []
    for table, parent, columns, referenced in db.execute(FOREIGN_KEYS_SQL).fetchall():
        present = " AND ".join(f'c."{column}" IS NOT NULL' for column in columns)
        joined = " AND ".join(f'p."{key}" = c."{column}"' for key, column in zip(referenced, columns))
        (count,) = db.execute(f"SELECT count(*) FROM {table} AS c WHERE {present} "
                              f"AND NOT EXISTS (SELECT 1 FROM {parent} AS p WHERE {joined})").fetchone()
        broken += [{"table": table, "rowid": None, "parent": parent}] * count
    return broken


# backup --to-sqlite


def backup_to_sqlite(location, path: str, force: bool) -> dict:
    """A complete SQLite register at `path` made from the PostgreSQL register: its migrations (as recorded
    there), every row of every table from one snapshot, and the ids its identity columns gave; checked as
    an SQLite backup is before it is renamed into place."""
    target = backup.backup_target(path, location, force)
    db = postgres.connect(location.url, str(location), migrated=False)
    try:
        applied = refuse_unknown_schema(db, location)
        with snapshot(db), backup.new_file(target) as (copy, _):
            copy.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            maintenance.apply_migrations(copy, applied)
            copy.execute("BEGIN")
            copy.execute(f"DELETE FROM {MIGRATIONS_TABLE}")  # replaced by the register's own records
            copy_table_out(db, copy, MIGRATIONS_TABLE, MIGRATION_COLUMNS, "ORDER BY applied_at")
            for table in maintenance.register_tables(copy):
                copy_table_out(db, copy, table, maintenance.quoted_columns(copy, table))
            for table, _, last in db.execute(IDENTITIES_SQL).fetchall():
                maintenance.set_last_id(copy, table, last)
            copy.execute("COMMIT")
            backup.refuse_unsound(copy, target)
            held = maintenance.counts(copy)
    finally:
        db.conn.close()
    return {"path": str(Path(path).absolute()), "bytes": target.stat().st_size, **held, "checked": True}


def refuse_unknown_schema(db, location) -> list[str]:
    """The applied migrations of a register this ipcli can copy: an ipcli register, of no newer schema."""
    applied = postgres.applied_migrations(db)
    _, problems = backup.verdict(location, integrity=[], keys=[], applied=applied, provisional={},
                                 missing=lambda: [])
    if problems:
        raise problems[0]
    return applied


@contextmanager
def snapshot(db):
    """One read-only snapshot of the register for the whole copy: writers go on, and are not seen."""
    db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        yield
    finally:
        db.conn.rollback()


def copy_table_out(db, copy: sqlite3.Connection, table: str, columns: list[str], order: str = "") -> None:
    cursor = db.conn.raw.cursor(name=f"ipcli_backup_{table}")  # server-side: rows come as they are read
    cursor.execute(f"SELECT {', '.join(columns)} FROM {table} {order}")
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    while rows := cursor.fetchmany(COPY_ROWS):
        copy.executemany(insert, rows)
    cursor.close()


# restore --from-sqlite


def restore_from_sqlite(location, source: Path, *, operator: str, command: str) -> dict:
    """Load the SQLite register `source` (checked as `db check` checks it, then brought to this ipcli's
    schema in a private copy) into the PostgreSQL register, which must hold no marks, patents or filings:
    one write transaction, ids kept, identity sequences set past them, the restore journaled."""
    from tempfile import TemporaryDirectory

    with TemporaryDirectory(prefix="ipcli-restore-") as directory:
        with backup.staged_source(source, Path(directory) / "register") as staged:
            with closing(maintenance.connect(staged)) as copy:
                applied = backup.refuse_unsound(copy, source)
            migrated = [name for name in known_migrations() if name not in applied]
            if migrated:
                open_db(staged).conn.close()
            with closing(maintenance.connect(staged)) as copy:
                held = load(location, copy, source, migrated, operator=operator, command=command)
    return {"path": str(location), "source": str(source.absolute()), "safety_copy": None, **held,
            "migrated": migrated, "checked": True}


def load(location, copy: sqlite3.Connection, source: Path, migrated: list, *, operator: str, command: str) -> dict:
    store = location.open(operator=operator, command=command)
    try:
        with store.transaction():
            refuse_non_empty(store.db, location)
            tables = maintenance.tables_in_load_order(copy)
            for table in reversed(tables):
                store.db.execute(f"DELETE FROM {table}")  # what an empty register may hold: windows, journal...
            for table in tables:
                copy_table_in(store.db, copy, table, source)
            last_ids = maintenance.last_ids(copy)
            for table, column, _ in store.db.execute(IDENTITIES_SQL).fetchall():
                reset_identity(store.db, table, column, last_ids.get(table, 0))
            held = maintenance.counts(copy)
            store.journal("database", location, None, {"source": str(source.absolute()), "migrated": migrated,
                                                       **held})
    finally:
        store.close()
    return held


def refuse_non_empty(db, location) -> None:
    held = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in maintenance.COUNTED_TABLES}
    if any(held.values()):
        raise Rejected("db.restore_not_empty", rule="DB-RESTORE-EMPTY", path=str(location), **held)


def copy_table_in(db, copy: sqlite3.Connection, table: str, source: Path) -> None:
    """The rows of `table` through COPY; a column that refers to its own table (a window's parent) is set
    after every row is in, so that no row needs to come after the one it refers to. A value PostgreSQL
    refuses (text in a number column of a loosely typed SQLite file) is one line naming the table."""
    module = postgres.psycopg()
    columns, later = maintenance.quoted_columns(copy, table), maintenance.self_references(copy, table)
    read = [f"NULL AS {column}" if column in later else column for column in columns]
    try:
        with db.conn.raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
            for row in copy.execute(f"SELECT {', '.join(read)} FROM {table}"):
                stream.write_row(row)
        for column, key in later.items():
            rows = copy.execute(f"SELECT {column}, {key} FROM {table} WHERE {column} IS NOT NULL").fetchall()
            db.conn.executemany(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", rows)
    except module.Error as error:
        raise Rejected("db.restore_refused_row", rule="DB-INTEGRITY", path=str(source), table=table,
                       reason=postgres.first_line(error)) from None


def reset_identity(db, table: str, column: str, last_in_file: int) -> None:
    """The next id the table gives is past every id it holds and every one the file had given."""
    (highest,) = db.execute(f'SELECT coalesce(max("{column}"), 0) FROM {table}').fetchone()
    last = max(highest, last_in_file)
    db.execute("SELECT setval(pg_get_serial_sequence(?, ?), ?, ?)", [table, column, max(last, 1), last > 0])
