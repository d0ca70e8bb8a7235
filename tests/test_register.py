"""The register: marks and patents with stored key dates, the journal, migrations and locking."""

import json
import os
import sqlite3
import stat
import subprocess
import sys
import shutil
import threading
import time

import pytest

from ipcli.db.connection import applied_migrations, open_db
from ipcli.db.migrations import MIGRATIONS
from ipcli.db.schema import MIGRATION_NAMES


def as_json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_mark_add_stores_key_dates_and_show_reads_them(invoke):
    added = as_json(invoke("mark", "add", "12345678", "--registered", "2016-02-29", "--classes", "35,9",
                           "--owner", "甲公司", "--owner-id", "91110000600037341L", "--format", "json"))
    shown = as_json(invoke("mark", "show", "12345678", "--format", "json"))
    assert added == shown
    assert shown["classes"] == [9, 35]
    assert (shown["expires_on"], shown["renewal_window_opens_on"], shown["grace_ends_on"]) == (
        "2026-02-28", "2025-03-01", "2026-08-28")
    assert shown["status"] == "expired" and shown["pledged"] is False


@pytest.mark.parametrize("today, status", [("2025-02-28", "active"), ("2025-03-01", "in_window"),
                                           ("2026-03-01", "in_grace"), ("2026-08-29", "expired")])
def test_mark_status_follows_today(invoke, today, status):
    invoke("mark", "add", "7", "--registered", "2016-02-29", "--classes", "9")
    assert as_json(invoke("--today", today, "mark", "show", "7", "--format", "json"))["status"] == status


def test_patent_add_derives_type_and_next_annual_fee(invoke):
    patent = as_json(invoke("patent", "add", "ZL 2019 1 0123456.X", "--filed", "2019-06-03", "--granted",
                            "2021-09-01", "--paid-through", "6", "--format", "json"))
    assert (patent["app_no"], patent["type"], patent["term_ends_on"]) == ("201910123456.X", "invention", "2039-06-03")
    assert (patent["next_annuity_year"], patent["next_annuity_due_on"], patent["next_annuity_grace_ends_on"]) == (
        7, "2025-06-03", "2025-12-03")
    assert patent["status"] == "lapsed"


@pytest.mark.parametrize("args, names, rule", [
    (["mark", "add", "123456789", "--registered", "2016-01-01", "--classes", "9"], "123456789", "ID-TM-REG-NO"),
    (["mark", "add", "1", "--registered", "2016-01-01", "--classes", "9,46"], "46", "ID-NICE-CLASS"),
    (["mark", "add", "1", "--registered", "2016-01-01", "--classes", "9", "--owner-id", "91110000600037341X"],
     "91110000600037341X", "ID-USCC"),
    (["patent", "add", "201910123456.1", "--filed", "2019-06-03"], "201910123456.1", "ID-PAT-APP-NO"),
    (["patent", "add", "201910123456.X", "--type", "design", "--filed", "2019-06-03"], "design", "ID-PAT-APP-NO"),
    (["patent", "add", "201910123456.X", "--filed", "2019-06-03", "--granted", "2019-01-01"], "2019-01-01",
     "R-PAT-TERM"),
])
def test_refusals_write_nothing(invoke, db_path, args, names, rule):
    result = invoke(*args)
    assert result.exit_code == 65 and result.stdout == ""
    assert names in result.stderr and result.stderr.rstrip().endswith(f"[{rule}]")
    assert as_json(invoke("log", "--format", "json")) == []


def test_duplicates_are_refused(invoke):
    invoke("mark", "add", "5", "--registered", "2016-01-01", "--classes", "9")
    result = invoke("mark", "add", "5", "--registered", "2017-01-01", "--classes", "9")
    assert result.exit_code == 65 and "already in the register" in result.stderr


def test_unknown_right_is_refused(invoke):
    invoke("init")
    result = invoke("mark", "show", "999")
    assert result.exit_code == 65
    assert result.stderr == "ipcli: error: no trademark 999 in the register [RIGHT-UNKNOWN]\n"


def test_journal_records_operator_command_and_after(invoke):
    invoke("mark", "add", "5", "--registered", "2016-01-01", "--classes", "9", env={"IPCLI_OPERATOR": "王五"})
    (entry,) = as_json(invoke("log", "--format", "json"))
    assert (entry["operator"], entry["command"], entry["record_type"], entry["record_id"]) == (
        "王五", "ipcli mark add", "mark", "5")
    assert entry["before"] is None and entry["after"]["expires_on"] == "2025-12-31"


def test_database_file_is_private_and_in_wal_mode(invoke, db_path):
    invoke("mark", "add", "5", "--registered", "2016-01-01", "--classes", "9")
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    assert sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_calc_does_not_create_the_database(invoke, db_path):
    invoke("calc", "workday", "2024-02-09")
    assert not db_path.exists()


def schema(path) -> list:
    connection = sqlite3.connect(path)
    rows = connection.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                              "AND name != '_sqlite_migrations' ORDER BY type, name").fetchall()
    connection.close()
    return rows


@pytest.mark.parametrize("applied", range(len(MIGRATIONS._migrations)))
def test_migrations_upgrade_every_older_schema(tmp_path, applied):
    """A database at any earlier schema version reaches the same schema as a fresh one."""
    import sqlite_utils

    fresh = tmp_path / "fresh.db"
    open_db(fresh).conn.close()
    old = tmp_path / "old.db"
    names = [m.name for m in MIGRATIONS._migrations]
    older = sqlite_utils.Database(old)
    MIGRATIONS.apply(older, stop_before=names[applied] if applied < len(names) else None)
    older.conn.close()
    upgraded = open_db(old)
    assert applied_migrations(upgraded.conn) == names
    upgraded.conn.close()
    assert schema(old) == schema(fresh)


def test_the_classes_of_stored_marks_move_into_their_column(tmp_path):
    import sqlite_utils

    old = tmp_path / "old.db"
    older = sqlite_utils.Database(old)
    MIGRATIONS.apply(older, stop_before="m006_mark_classes_column")
    for reg_no, classes in (("1", (35, 9, 42)), ("2", (45,)), ("3", ())):
        older.execute("INSERT INTO marks (reg_no, registered_on, term_starts_on, expires_on, renewal_window_opens_on, "
                      "grace_ends_on, created_at, updated_at) VALUES (?, 'd', 'd', 'd', 'd', 'd', 't', 't')", [reg_no])
        older.conn.executemany("INSERT INTO mark_classes (reg_no, nice_class) VALUES (?, ?)",
                               [(reg_no, nice_class) for nice_class in classes])
    older.conn.commit()
    older.conn.close()
    upgraded = open_db(old)
    assert upgraded.execute("SELECT reg_no, classes FROM marks ORDER BY reg_no").fetchall() == [
        ("1", "9;35;42"), ("2", "45"), ("3", "")]
    upgraded.conn.close()


def test_keys_keep_their_rows_and_stay_unique_with_an_index_of_their_own(tmp_path):
    import sqlite_utils

    old = tmp_path / "old.db"
    older = sqlite_utils.Database(old)
    MIGRATIONS.apply(older, stop_before="m007_unique_key_indexes")
    older.execute("INSERT INTO marks (reg_no, registered_on, term_starts_on, expires_on, renewal_window_opens_on, "
                  "grace_ends_on, created_at, updated_at, classes) "
                  "VALUES ('7', 'r', 't', 'e', 'w', 'g', 'c', 'u', '9')")
    older.execute("INSERT INTO patents (app_no, type, filed_on, term_ends_on, paid_through, created_at, updated_at) "
                  "VALUES ('201910123456X', 'invention', 'f', 'e', 3, 'c', 'u')")
    older.conn.commit()
    older.conn.close()
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
    import sqlite_utils

    old = tmp_path / "old.db"
    older = sqlite_utils.Database(old)
    MIGRATIONS.apply(older, stop_before="m008_choice_checks_as_comparisons")
    for reg_no, kind in (("9", "collective"), ("3", "ordinary"), ("5", "certification")):
        older.execute("INSERT INTO marks (reg_no, kind, registered_on, term_starts_on, expires_on, "
                      "renewal_window_opens_on, grace_ends_on, created_at, updated_at, classes) "
                      "VALUES (?, ?, 'r', 't', 'e', 'w', 'g', 'c', 'u', '9')", [reg_no, kind])
    older.execute("INSERT INTO patents (app_no, type, filed_on, term_ends_on, reduction, created_at, updated_at) "
                  "VALUES ('201910123456X', 'design', 'f', 'e', '70', 'c', 'u')")
    older.conn.commit()
    older.conn.close()
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


def test_a_new_register_has_pages_of_16_kib(tmp_path):
    db = open_db(tmp_path / "new.db")
    assert db.execute("PRAGMA page_size").fetchone()[0] == 16384
    db.conn.close()


def test_the_migration_names_known_without_sqlite_utils_are_those_of_the_migrations():
    assert [migration.name for migration in MIGRATIONS._migrations] == list(MIGRATION_NAMES)


def test_a_command_on_an_up_to_date_register_does_not_load_sqlite_utils(tmp_path):
    path = tmp_path / "x.db"
    open_db(path).conn.close()
    code = ("import sys; from ipcli.cli import main; sys.argv = ['ipcli', '--db', sys.argv[1], 'deadlines'];"
            "\ntry: main()\nexcept SystemExit: pass\nprint('sqlite_utils' in sys.modules, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert result.stderr.splitlines()[-1] == "False"


def test_reopening_applies_nothing_twice(tmp_path):
    path = tmp_path / "x.db"
    open_db(path).conn.close()
    db = open_db(path)
    assert applied_migrations(db.conn) == list(MIGRATION_NAMES)


IPCLI = shutil.which("ipcli")


def hold_write_lock(path, seconds: float) -> threading.Thread:
    ready = threading.Event()

    def hold():
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
        connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait()
    return thread


def run_ipcli(db_path, *args, **env):
    return subprocess.run([IPCLI, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "IPCLI_DB": str(db_path), "IPCLI_LANG": "en", **env})


def test_a_second_writer_waits_for_the_first(db_path):
    open_db(db_path).conn.close()
    holder = hold_write_lock(db_path, 1.5)
    result = run_ipcli(db_path, "mark", "add", "5", "--registered", "2016-01-01", "--classes", "9")
    holder.join()
    assert result.returncode == 0, result.stderr


def test_past_the_busy_timeout_exit_75_and_nothing_written(db_path):
    open_db(db_path).conn.close()
    holder = hold_write_lock(db_path, 3)
    result = run_ipcli(db_path, "mark", "add", "5", "--registered", "2016-01-01", "--classes", "9",
                       IPCLI_BUSY_TIMEOUT="0.5")
    holder.join()
    assert result.returncode == 75
    assert result.stderr.startswith("ipcli: error: the database") and result.stderr.count("\n") == 1
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM marks").fetchone()[0] == 0


def test_opening_the_register_leaves_numpy_unloaded_but_importable():
    """sqlite-utils imports numpy only for numpy values, which ipcli never stores (bench/deadlines.py)."""
    probe = ("import sys; import ipcli.db.store; assert 'numpy' not in sys.modules, 'numpy loaded'; "
             "import importlib.util; spec = importlib.util.find_spec('numpy'); "
             "spec is None or __import__('numpy')")
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=60)
