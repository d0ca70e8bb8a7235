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

from conftest import nothing_written
from ipcli.db.connection import applied_migrations, open_db
from ipcli.db.migrations import MIGRATIONS


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
def test_refusals_write_nothing(invoke, args, names, rule):
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


@pytest.mark.sqlite_only("a file's mode and journal")
def test_database_file_is_private_and_in_wal_mode(invoke, db_path):
    invoke("mark", "add", "5", "--registered", "2016-01-01", "--classes", "9")
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    assert sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_calc_does_not_create_the_database(invoke, register):
    invoke("calc", "workday", "2024-02-09")
    assert nothing_written(register)


def test_a_new_register_has_pages_of_16_kib(tmp_path):
    db = open_db(tmp_path / "new.db")
    assert db.execute("PRAGMA page_size").fetchone()[0] == 16384
    db.conn.close()


def test_reopening_applies_nothing_twice(tmp_path):
    path = tmp_path / "x.db"
    open_db(path).conn.close()
    db = open_db(path)
    assert applied_migrations(db.conn) == [migration.name for migration in MIGRATIONS._migrations]


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
