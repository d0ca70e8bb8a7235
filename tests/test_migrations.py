"""Migrations do not change after the fact: registers built from the frozen schema of every level
(tests/frozen_schemas, written once by make.py when the migration was new) upgrade to exactly the schema
of a new register and keep their rows, and the SQL each applied migration runs is the SQL it ran."""

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from ipcli.db.connection import applied_migrations, open_db
from ipcli.db.filings import FILING_STATUSES, FILING_TYPES
from ipcli.db.migrations import MIGRATIONS
from ipcli.db.schema import MIGRATION_NAMES

FROZEN = Path(__file__).parent / "frozen_schemas"
NAMES = [migration.name for migration in MIGRATIONS._migrations]

# sha256 of the statements each migration runs on an empty register of the level before it (what the
# sqlite3 trace sees, sqlite-utils' savepoints aside). A difference means an applied migration was
# edited: add a new migration instead.
MIGRATION_SQL_SHA256 = {
    "m001_register": "2fd7eb6a9b4efc3e",
    "m002_notices": "4b601206712c9b00",
    "m003_digest_log": "c50f7793c257da4f",
    "m004_windows": "51910ca169b3d64b",
    "m005_batches": "0121ad30438cebfc",
    "m006_mark_classes_column": "8553c25bdacde3ef",
    "m007_unique_key_indexes": "992e7702a5b85cec",
    "m008_choice_checks_as_comparisons": "5d957e931c429bab",
    "m009_open_license_and_license_provisional": "2668c470b6fe7233",
    "m010_recompute_shifted_dates": "45a7ce9647ecdfb5",
    "m011_journal_invocations": "55e20e6ddea41b2c",
    "m012_text_in_code_point_order": "e3b0c44298fc1c14",
}


def frozen_register(path: Path, level: str) -> sqlite3.Connection:
    """A register as ipcli left it at migration `level`, from its frozen schema."""
    connection = sqlite3.connect(path)
    connection.executescript((FROZEN / f"{level}.sql").read_text(encoding="utf-8"))
    return connection


def frozen_before(path: Path, migration: str) -> sqlite3.Connection:
    """A register at the level before `migration`."""
    return frozen_register(path, NAMES[NAMES.index(migration) - 1])


def schema(path) -> list:
    connection = sqlite3.connect(path)
    rows = connection.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                              "AND name != '_sqlite_migrations' ORDER BY type, name").fetchall()
    connection.close()
    return rows


def test_every_migration_has_its_frozen_schema_and_its_recorded_sql():
    assert sorted(path.stem for path in FROZEN.glob("*.sql")) == NAMES
    assert list(MIGRATION_SQL_SHA256) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_an_applied_migration_runs_the_sql_it_always_ran(name):
    connection = sqlite3.connect(":memory:")
    db = sqlite_utils.Database(connection)
    MIGRATIONS.apply(db, stop_before=name)
    statements = []
    connection.set_trace_callback(statements.append)
    MIGRATIONS._migrations[NAMES.index(name)].fn(db)
    connection.set_trace_callback(None)
    ran = [sql for sql in statements if not sql.startswith(('SAVEPOINT "sqlite_utils', 'RELEASE "sqlite_utils'))]
    assert hashlib.sha256("\n".join(ran).encode("utf-8")).hexdigest()[:16] == MIGRATION_SQL_SHA256[name]


# One row in each table of a frozen register: values every CHECK of every level takes, dates the
# recomputation of m010 leaves alone (no weekend, nothing after December 24).
VALUES = {("marks", "kind"): "ordinary", ("patents", "type"): "invention", ("patents", "reduction"): "none",
          ("filings", "type"): "renewal", ("filings", "status"): "received", ("pledges", "status"): "registered",
          ("licenses", "kind"): "ordinary", ("licenses", "status"): "pending", ("notices", "status"): "done",
          ("notices", "served"): "paper", ("batches", "origin"): "exported", ("windows", "parent"): None,
          ("batches", "id"): "B1", ("batch_items", "batch_id"): "B1", ("mark_classes", "nice_class"): 9,
          ("filings", "details"): "{}", ("journal", "record_id"): "30000001"}
BY_COLUMN = {"reg_no": "30000001", "app_no": "201910123456X", "right_type": "mark", "right_no": "30000001",
             "classes": "9", "name": "海曙风", "owner": "张伟"}
LEFT_EMPTY = {"calendar_years", "_sqlite_migrations", "sqlite_sequence"}  # m010 reads the calendar's documents


def value_for(table: str, column: str, declared: str):
    if (table, column) in VALUES:
        return VALUES[(table, column)]
    if column in BY_COLUMN:
        return BY_COLUMN[column]
    if column.endswith("_on"):
        return "2026-06-30"
    return {"INTEGER": 1, "REAL": 1.5}.get(declared, f"{table}.{column}")


def fill(connection: sqlite3.Connection) -> dict:
    """A row in every table but those LEFT_EMPTY; {table: {column: value}}."""
    tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if name not in LEFT_EMPTY]
    rows = {}
    for table in tables:
        columns = connection.execute(f"PRAGMA table_info({table})").fetchall()
        rows[table] = {name: value_for(table, name, declared) for _, name, declared, *_ in columns}
        placeholders = ", ".join("?" * len(rows[table]))
        connection.execute(f"INSERT INTO {table} ({', '.join(rows[table])}) VALUES ({placeholders})",
                           list(rows[table].values()))
    connection.commit()
    return rows


@pytest.mark.parametrize("level", NAMES)
def test_a_register_of_every_level_upgrades_to_the_schema_of_a_new_one_and_keeps_its_rows(tmp_path, level):
    fresh = tmp_path / "fresh.db"
    open_db(fresh).conn.close()
    old = tmp_path / "old.db"
    connection = frozen_register(old, level)
    rows = fill(connection)
    connection.close()

    upgraded = open_db(old)
    assert applied_migrations(upgraded.conn) == NAMES
    upgraded.conn.close()
    assert schema(old) == schema(fresh)
    kept = sqlite3.connect(old)
    for table, row in rows.items():
        if table == "mark_classes":  # m006: the classes are a column of marks
            assert kept.execute("SELECT classes FROM marks").fetchall() == [("9",)]
            continue
        columns = [column for column in row if column != "classes" or "mark_classes" not in rows]
        stored = kept.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        assert stored == [tuple(row[column] for column in columns)], table
    kept.close()


def test_the_classes_of_stored_marks_move_into_their_column(tmp_path):
    old = tmp_path / "old.db"
    older = frozen_before(old, "m006_mark_classes_column")
    for reg_no, classes in (("1", (35, 9, 42)), ("2", (45,)), ("3", ())):
        older.execute("INSERT INTO marks (reg_no, registered_on, term_starts_on, expires_on, renewal_window_opens_on, "
                      "grace_ends_on, created_at, updated_at) VALUES (?, 'd', 'd', 'd', 'd', 'd', 't', 't')", [reg_no])
        older.executemany("INSERT INTO mark_classes (reg_no, nice_class) VALUES (?, ?)",
                          [(reg_no, nice_class) for nice_class in classes])
    older.commit()
    older.close()
    upgraded = open_db(old)
    assert upgraded.execute("SELECT reg_no, classes FROM marks ORDER BY reg_no").fetchall() == [
        ("1", "9;35;42"), ("2", "45"), ("3", "")]
    upgraded.conn.close()


def test_keys_keep_their_rows_and_stay_unique_with_an_index_of_their_own(tmp_path):
    old = tmp_path / "old.db"
    older = frozen_before(old, "m007_unique_key_indexes")
    older.execute("INSERT INTO marks (reg_no, registered_on, term_starts_on, expires_on, renewal_window_opens_on, "
                  "grace_ends_on, created_at, updated_at, classes) "
                  "VALUES ('7', 'r', 't', 'e', 'w', 'g', 'c', 'u', '9')")
    older.execute("INSERT INTO patents (app_no, type, filed_on, term_ends_on, paid_through, created_at, updated_at) "
                  "VALUES ('201910123456X', 'invention', 'f', 'e', 3, 'c', 'u')")
    older.commit()
    older.close()
    upgraded = open_db(old)
    marks = upgraded.execute("SELECT reg_no, registered_on, term_starts_on, grace_ends_on, classes FROM marks")
    assert marks.fetchall() == [("7", "r", "t", "g", "9")]
    assert upgraded.execute("SELECT app_no, paid_through FROM patents").fetchall() == [("201910123456X", 3)]
    for table, key in (("marks", "reg_no"), ("patents", "app_no")):
        indexes = upgraded.execute(f"PRAGMA index_list({table})").fetchall()
        assert [unique for _, name, unique, *_ in indexes if name == f"{table}_{key}"] == [1]
    with pytest.raises(sqlite3.IntegrityError):
        upgraded.execute("INSERT INTO marks (reg_no, registered_on, term_starts_on, expires_on, "
                         "renewal_window_opens_on, grace_ends_on, created_at, updated_at) "
                         "VALUES ('7', 'r', 't', 'e', 'w', 'g', 'c', 'u')")
    with pytest.raises(sqlite3.IntegrityError):
        upgraded.execute("INSERT INTO patents (app_no, type, filed_on, term_ends_on, created_at, updated_at) "
                         "VALUES (NULL, 'invention', 'f', 'e', 'c', 'u')")
    upgraded.conn.close()


def test_choice_checks_keep_their_rows_in_order_and_refuse_the_same_values(tmp_path):
    old = tmp_path / "old.db"
    older = frozen_before(old, "m008_choice_checks_as_comparisons")
    for reg_no, kind in (("9", "collective"), ("3", "ordinary"), ("5", "certification")):
        older.execute("INSERT INTO marks (reg_no, kind, registered_on, term_starts_on, expires_on, "
                      "renewal_window_opens_on, grace_ends_on, created_at, updated_at, classes) "
                      "VALUES (?, ?, 'r', 't', 'e', 'w', 'g', 'c', 'u', '9')", [reg_no, kind])
    older.execute("INSERT INTO patents (app_no, type, filed_on, term_ends_on, reduction, created_at, updated_at) "
                  "VALUES ('201910123456X', 'design', 'f', 'e', '70', 'c', 'u')")
    older.commit()
    older.close()
    upgraded = open_db(old)
    assert upgraded.execute("SELECT rowid, reg_no, kind FROM marks ORDER BY rowid").fetchall() == [
        (1, "9", "collective"), (2, "3", "ordinary"), (3, "5", "certification")]
    assert upgraded.execute("SELECT app_no, type, reduction FROM patents").fetchall() == [
        ("201910123456X", "design", "70")]
    mark = ("INSERT INTO marks (reg_no, kind, registered_on, term_starts_on, expires_on, renewal_window_opens_on, "
            "grace_ends_on, created_at, updated_at) VALUES ('1', ?, 'r', 't', 'e', 'w', 'g', 'c', 'u')")
    patent = ("INSERT INTO patents (app_no, type, filed_on, term_ends_on, reduction, created_at, updated_at) "
              "VALUES ('1', ?, 'f', 'e', ?, 'c', 'u')")
    for statement, values in ((mark, ["plant"]), (mark, ["Ordinary"]), (patent, ["model", "none"]),
                              (patent, ["design", "50"]), (patent, ["design", "open"])):  # open: m009
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            upgraded.execute(statement, values)
    upgraded.execute(mark, ["collective"])
    upgraded.execute(patent, ["utility", "85"])
    upgraded.conn.close()


def test_the_lists_the_code_uses_are_those_the_filings_table_allows(tmp_path):
    """FILING_TYPES and FILING_STATUSES grow only with a migration that lets the table take the new value."""
    db = open_db(tmp_path / "new.db")
    (create,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'filings'").fetchone()
    db.conn.close()
    for column, values in (("type", FILING_TYPES), ("status", FILING_STATUSES)):
        listed = create.split(f"CHECK ({column} IN (", 1)[1].split(")", 1)[0]
        assert listed == ", ".join(f"'{value}'" for value in values)


def test_the_migration_names_known_without_sqlite_utils_are_those_of_the_migrations():
    assert NAMES == list(MIGRATION_NAMES)


def test_a_command_on_an_up_to_date_register_does_not_load_sqlite_utils(tmp_path):
    path = tmp_path / "x.db"
    open_db(path).conn.close()
    code = ("import sys; from ipcli.cli import main; sys.argv = ['ipcli', '--db', sys.argv[1], 'deadlines'];"
            "\ntry: main()\nexcept SystemExit: pass\nprint('sqlite_utils' in sys.modules, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert result.stderr.splitlines()[-1] == "False"
