"""`ipcli db backup|check|restore`: checked private copies, refusals that change nothing, restores that
bring data back and migrate old copies."""

import hashlib
import json
import os
import sqlite3
import stat
from contextlib import closing

import pytest
import sqlite_utils

from click.testing import CliRunner
from conftest import BASE_ENV, on_postgresql, register_sql, register_tables
from made_up_notices import HOLIDAYS_2027

from ipcli.cli import cli
from ipcli.db.connection import open_db
from ipcli.db.migrations import MIGRATIONS

ALL_MIGRATIONS = [m.name for m in MIGRATIONS._migrations]


def as_json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def one_error_line(result, code: int, ending: str) -> str:
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("ipcli: error: ")
    assert result.stderr.rstrip().endswith(ending) and "Traceback" not in result.stderr
    return result.stderr


def dump(path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def delete_marks(path, count: int) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("DELETE FROM marks WHERE reg_no IN (SELECT reg_no FROM marks ORDER BY reg_no LIMIT ?)",
                       [count])
    connection.commit()
    connection.close()


def corrupt(path) -> None:
    """Overwrite the page in the middle of the file with garbage, as a bad disk or a torn copy would."""
    with open(path, "r+b") as stream:
        page_size = int.from_bytes(stream.read(18)[16:18], "big")  # the header's page size (SQLite file format)
        stream.seek(path.stat().st_size // 2 // page_size * page_size)
        stream.write(b"\xa5" * page_size)


def old_schema(path, stop_before: str = "m003_digest_log") -> None:
    older = sqlite_utils.Database(path)
    MIGRATIONS.apply(older, stop_before=stop_before)
    older.conn.close()


def leftovers(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".") or "before-restore" in p.name)


@pytest.fixture
def sample(invoke, db_path):
    assert invoke("sample", "load", "--format", "json").exit_code == 0
    return db_path


@pytest.mark.sqlite_only("a backup of an SQLite register is a page copy of its file")
def test_backup_of_the_sample_is_private_complete_and_checked(invoke, sample, tmp_path):
    target = tmp_path / "backups" / "ipcli-2026-11-21.db"
    result = invoke("db", "backup", target, "--format", "json")
    record = as_json(result)
    assert result.stderr == ""
    assert record == {"path": str(target), "bytes": target.stat().st_size, "marks": 240, "patents": 80,
                      "filings": record["filings"], "checked": True}
    assert record["filings"] > 0
    assert mode(target) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # one file: no -wal, no temp
    assert dump(target) == dump(sample)
    checked = invoke("--db", target, "db", "check", "--format", "json")
    assert as_json(checked)["ok"] is True and checked.stderr == ""


def test_backup_refuses_an_existing_file_unless_forced(invoke, sample, tmp_path):
    target = tmp_path / "copy.db"
    target.write_bytes(b"keep me")
    one_error_line(invoke("db", "backup", "--to-sqlite", target), 2, "give --force to replace it")
    assert target.read_bytes() == b"keep me"
    assert as_json(invoke("db", "backup", "--to-sqlite", target, "--force", "--format", "json"))["marks"] == 240
    assert mode(target) == 0o600
    assert as_json(invoke("mark", "list", "--format", "json")) == \
        as_json(invoke("--db", target, "mark", "list", "--format", "json"))


@pytest.mark.sqlite_only("the register is a file only on SQLite")
def test_backup_refuses_the_register_itself(invoke, sample):
    before = digest(sample)
    one_error_line(invoke("db", "backup", sample, "--force"), 2, "write to another file")
    assert digest(sample) == before


@pytest.mark.sqlite_only("no register is a missing file; tests/test_postgresql.py covers an empty database")
def test_backup_and_check_need_an_existing_register(invoke, db_path, tmp_path):
    one_error_line(invoke("db", "check"), 78, "`ipcli db restore BACKUP`")
    one_error_line(invoke("db", "backup", tmp_path / "copy.db"), 78, "`ipcli db restore BACKUP`")
    assert not db_path.exists() and not (tmp_path / "copy.db").exists()


def test_check_of_a_sound_register(invoke, sample):
    result = invoke("db", "check", "--format", "json")
    record = as_json(result)
    assert result.stderr == ""
    assert record["ok"] is True and record["integrity_ok"] is True
    assert (record["integrity_problems"], record["foreign_key_violations"]) == (0, 0)
    assert record["migrations_applied"] == ALL_MIGRATIONS
    assert record["migrations_pending"] == [] and record["migrations_unknown"] == []
    assert record["provisional_marks"] + record["provisional_patents"] > 0
    assert record["provisional_notices"] == 1  # a deadline of 2026-12-28 waits for 2027 (R-PROVISIONAL-DECEMBER)


@pytest.mark.sqlite_only("restores an SQLite file in place of the register file")
def test_restore_refuses_a_corrupted_copy_and_changes_nothing(invoke, sample, tmp_path):
    copy = tmp_path / "copy.db"
    as_json(invoke("db", "backup", copy, "--format", "json"))
    corrupt(copy)
    before = digest(sample)
    one_error_line(invoke("db", "restore", copy), 65, "[DB-INTEGRITY]")
    assert digest(sample) == before
    assert leftovers(tmp_path) == []  # no safety copy, no temporary file


@pytest.mark.sqlite_only("a corrupt SQLite file")
def test_check_of_a_corrupted_copy_lists_its_problems(invoke, sample, tmp_path):
    copy = tmp_path / "copy.db"
    as_json(invoke("db", "backup", copy, "--format", "json"))
    corrupt(copy)
    result = invoke("--db", copy, "db", "check", "--format", "json")
    assert result.exit_code == 65
    record = json.loads(result.stdout)
    assert record["ok"] is False and record["integrity_ok"] is False
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("ipcli: error: ") for line in lines)
    assert "Traceback" not in result.stderr and any("[DB-INTEGRITY]" in line for line in lines)


ORPHAN_FILING_RIGHT = "INSERT INTO filing_rights (filing_id, right_type, right_no) VALUES (999999, 'mark', '1')"
BROKEN_FOREIGN_KEY = ("ipcli: error: foreign key: a row of filing_rights refers to a missing row of filings "
                      "[DB-INTEGRITY]\n")


def test_check_reports_a_broken_foreign_key_of_a_backup_which_restore_refuses(invoke, sample, tmp_path):
    copy = tmp_path / "copy.db"
    as_json(invoke("db", "backup", "--to-sqlite", copy, "--format", "json"))
    register_sql(str(copy), ORPHAN_FILING_RIGHT)  # sqlite3 enforces foreign keys only when asked to
    result = invoke("--db", copy, "db", "check", "--format", "json")
    assert result.exit_code == 65 and json.loads(result.stdout)["foreign_key_violations"] == 1
    assert result.stderr == BROKEN_FOREIGN_KEY
    one_error_line(invoke("db", "restore", "--from-sqlite", copy), 65, "[DB-INTEGRITY]")


def break_a_foreign_key(register: str) -> None:
    """A row of filing_rights naming a filing that does not exist. PostgreSQL enforces foreign keys by
    triggers, which a superuser's session can switch off (session_replication_role = replica), as a
    replication tool or a careless administrator's COPY would."""
    if not on_postgresql(register):
        register_sql(register, ORPHAN_FILING_RIGHT)
        return
    if register_sql(register, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") != [(True,)]:
        pytest.skip("breaking a foreign key on PostgreSQL needs a superuser: the test role is none")
    import psycopg

    with psycopg.connect(register) as connection:
        connection.execute("SET session_replication_role = replica")
        connection.execute(ORPHAN_FILING_RIGHT)


def contents(register: str) -> dict:
    """Every table's rows, in an order of their own."""
    return {table: sorted(register_sql(register, f"SELECT * FROM {table}"), key=repr)
            for table in register_tables(register)}


def test_check_reports_a_broken_foreign_key_of_the_register_and_changes_nothing(invoke, register, sample):
    break_a_foreign_key(register)
    before = contents(register)
    result = invoke("db", "check", "--format", "json")
    assert result.exit_code == 65
    record = json.loads(result.stdout)
    assert (record["ok"], record["integrity_ok"], record["foreign_key_violations"]) == (False, True, 1)
    assert result.stderr == BROKEN_FOREIGN_KEY
    assert contents(register) == before


@pytest.mark.sqlite_only("restores an SQLite file in place of the register file")
def test_restore_of_a_good_backup_brings_back_deleted_data(invoke, sample, tmp_path):
    copy = tmp_path / "copy.db"
    as_json(invoke("db", "backup", copy, "--format", "json"))
    marks = as_json(invoke("mark", "list", "--format", "json"))
    delete_marks(sample, 10)
    assert len(as_json(invoke("mark", "list", "--format", "json"))) == 230
    result = invoke("db", "restore", copy, "--format", "json")
    record = as_json(result)
    assert result.stderr == ""
    assert (record["path"], record["source"], record["marks"], record["migrated"]) == (
        str(sample), str(copy), 240, [])
    assert as_json(invoke("mark", "list", "--format", "json")) == marks
    safety = tmp_path / os.path.basename(record["safety_copy"])
    assert safety.name.startswith("ipcli.db.before-restore-") and mode(safety) == 0o600
    assert sqlite3.connect(safety).execute("SELECT count(*) FROM marks").fetchone()[0] == 230
    assert mode(sample) == 0o600
    assert sqlite3.connect(sample).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    (entry,) = as_json(invoke("log", "--limit", "1", "--format", "json"))
    assert (entry["record_type"], entry["command"], entry["after"]["source"]) == (
        "database", "ipcli db restore", str(copy))
    assert as_json(invoke("db", "check", "--format", "json"))["ok"] is True


@pytest.mark.sqlite_only("restores an SQLite file in place of the register file")
def test_restore_keeps_the_copy_it_reads_unchanged(invoke, sample, tmp_path):
    copy = tmp_path / "copy.db"
    as_json(invoke("db", "backup", copy, "--format", "json"))
    before = digest(copy)
    as_json(invoke("db", "restore", copy, "--format", "json"))
    assert digest(copy) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy.db")) == ["copy.db"]


@pytest.mark.sqlite_only("frozen old SQLite schemas")
def test_check_reports_pending_migrations_of_an_old_schema(invoke, tmp_path):
    old = tmp_path / "old.db"
    old_schema(old)
    result = invoke("--db", old, "db", "check", "--format", "json")
    record = as_json(result)
    assert record["migrations_applied"] == ALL_MIGRATIONS[:2]
    assert record["migrations_pending"] == ALL_MIGRATIONS[2:]
    assert record["ok"] is True
    assert result.stderr == ("ipcli: warning: migrations not yet applied: " + ", ".join(ALL_MIGRATIONS[2:])
                             + "; the next command that opens the register applies them\n")
    assert as_json(invoke("--db", old, "db", "check", "--format", "json"))["migrations_pending"] == \
        ALL_MIGRATIONS[2:]  # checking migrates nothing
    assert invoke("-q", "--db", old, "db", "check").stderr == ""


@pytest.mark.sqlite_only("restores an SQLite file in place of the register file")
def test_restore_of_an_old_backup_migrates_it(invoke, sample, tmp_path):
    old = tmp_path / "old.db"
    old_schema(old, stop_before="m002_notices")
    record = as_json(invoke("db", "restore", old, "--format", "json"))
    assert record["migrated"] == ALL_MIGRATIONS[1:] and record["marks"] == 0
    with closing(sqlite3.connect(sample)) as live:  # the old file's 4 KiB pages, rewritten as the register's
        assert live.execute("PRAGMA page_size").fetchone()[0] == 16384
    assert as_json(invoke("db", "check", "--format", "json"))["migrations_applied"] == ALL_MIGRATIONS
    assert as_json(invoke("mark", "list", "--format", "json")) == []


def not_sqlite(path) -> None:
    path.write_text("reg_no,classes\n12345678,9\n", encoding="utf-8")


def foreign_sqlite(path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.commit()
    connection.close()


def newer_ipcli(path) -> None:
    open_db(path).conn.close()
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                       "VALUES ('ipcli', 'm999_future', '2030-01-01')")
    connection.commit()
    connection.close()


@pytest.mark.sqlite_only("restores an SQLite file in place of the register file")
@pytest.mark.parametrize("make, ending", [(not_sqlite, "is not an SQLite database [DB-NOT-IPCLI]"),
                                          (foreign_sqlite, "(no ipcli migrations) [DB-NOT-IPCLI]"),
                                          (newer_ipcli, "upgrade ipcli first [DB-SCHEMA]")])
def test_restore_refuses_what_is_no_usable_register(invoke, sample, tmp_path, make, ending):
    source = tmp_path / "source.db"
    make(source)
    before = digest(sample)
    one_error_line(invoke("db", "restore", source), 65, ending)
    assert digest(sample) == before and leftovers(tmp_path) == []


@pytest.mark.sqlite_only("restores an SQLite file in place of the register file")
def test_restore_into_a_missing_register_creates_it_privately(invoke, sample, tmp_path):
    copy = tmp_path / "copy.db"
    as_json(invoke("db", "backup", copy, "--format", "json"))
    fresh = tmp_path / "new" / "ipcli.db"
    record = as_json(invoke("--db", fresh, "db", "restore", copy, "--format", "json"))
    assert record["safety_copy"] is None and record["marks"] == 240
    assert mode(fresh) == 0o600 and dump(fresh)[:5] == dump(copy)[:5]


@pytest.mark.sqlite_only("SQLite's write lock held by BEGIN IMMEDIATE")
def test_restore_waits_for_a_writer_then_exits_75_and_changes_nothing(invoke, sample, tmp_path):
    copy = tmp_path / "copy.db"
    as_json(invoke("db", "backup", copy, "--format", "json"))
    delete_marks(sample, 3)
    holder = sqlite3.connect(sample, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = invoke("db", "restore", copy, env={"IPCLI_BUSY_TIMEOUT": "0.3"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    one_error_line(result, 75, "try again")
    assert sqlite3.connect(sample).execute("SELECT count(*) FROM marks").fetchone()[0] == 237
    assert leftovers(tmp_path) == []


# moving a register between SQLite and PostgreSQL

LISTINGS = (("mark", "list"), ("patent", "list"), ("filing", "list"), ("pledge", "list"), ("notice", "list"),
            ("window", "list"), ("batch", "list"), ("deadlines", "--days", "800", "--overdue"),
            ("expiries", "--days", "800"), ("stats",), ("calendar", "status", "--details"),
            ("log", "--limit", "100000"))


def listings(invoke, *db) -> dict:
    """Every listing's JSON; the journal without the entries of restores, which a restore adds."""
    every = {" ".join(args): as_json(invoke(*db, *args, "--format", "json")) for args in LISTINGS}
    every["log --limit 100000"] = [entry for entry in every["log --limit 100000"] if entry["record_type"] != "database"]
    return every


def run_on(db, *args):
    return CliRunner(env={**BASE_ENV, "IPCLI_DB": str(db)}).invoke(cli, [str(a) for a in args], prog_name="ipcli",
                                                                   catch_exceptions=False)


@pytest.mark.postgresql
def test_a_register_moves_to_postgresql_and_back_unchanged(postgresql_url, tmp_path):
    original, back = tmp_path / "county.db", tmp_path / "back.db"
    assert run_on(original, "sample", "load").exit_code == 0
    (tmp_path / "2027.json").write_text(json.dumps(HOLIDAYS_2027), encoding="utf-8")
    assert run_on(original, "calendar", "import", tmp_path / "2027.json").exit_code == 0
    assert run_on(original, "window", "add", "330100", "--name", "杭州市").exit_code == 0
    assert run_on(original, "window", "add", "330106", "--name", "西湖区", "--parent", "330100").exit_code == 0
    restored = as_json(run_on(postgresql_url, "db", "restore", "--from-sqlite", original, "--format", "json"))
    assert (restored["marks"], restored["patents"], restored["migrated"]) == (240, 80, [])
    check = as_json(run_on(postgresql_url, "db", "check", "--format", "json"))
    assert check["ok"] is True and check["migrations_applied"] == ALL_MIGRATIONS
    assert as_json(run_on(postgresql_url, "mark", "list", "--format", "json")) == \
        as_json(run_on(original, "mark", "list", "--format", "json"))
    record = as_json(run_on(postgresql_url, "db", "backup", "--to-sqlite", back, "--format", "json"))
    assert record["checked"] is True and mode(back) == 0o600
    assert listings(lambda *args: run_on(back, *args)) == listings(lambda *args: run_on(original, *args))
    assert as_json(run_on(back, "db", "check", "--format", "json"))["migrations_applied"] == ALL_MIGRATIONS
    for db in (postgresql_url, original):  # the same writes on both: new ids follow the restored ones
        assert run_on(db, "mark", "add", "87654321", "--registered", "2016-12-01", "--classes", "9").exit_code == 0
        renewal = as_json(run_on(db, "renew", "add", "87654321", "--filed", "2026-11-21", "--format", "json"))
        assert renewal["id"] == restored["filings"] + 1


@pytest.mark.postgresql
def test_restore_into_a_register_that_holds_marks_is_refused_and_writes_nothing(postgresql_url, tmp_path):
    county = tmp_path / "county.db"
    assert run_on(county, "sample", "load").exit_code == 0
    added = run_on(postgresql_url, "mark", "add", "12345678", "--registered", "2020-01-01", "--classes", "9")
    assert added.exit_code == 0
    before = [as_json(run_on(postgresql_url, *args, "--format", "json")) for args in (("mark", "list"), ("log",))]
    one_error_line(run_on(postgresql_url, "db", "restore", "--from-sqlite", county), 65,
                   "(1 marks, 0 patents, 0 filings): an SQLite register is loaded only into a register that holds "
                   "none [DB-RESTORE-EMPTY]")
    assert [as_json(run_on(postgresql_url, *args, "--format", "json")) for args in (("mark", "list"), ("log",))] \
        == before


@pytest.mark.postgresql
def test_plain_backup_and_restore_on_postgresql_name_the_flags(postgresql_url, tmp_path):
    target = tmp_path / "copy.db"
    one_error_line(run_on(postgresql_url, "db", "backup", target), 2,
                   "give --to-sqlite, or copy the database with pg_dump")
    one_error_line(run_on(postgresql_url, "db", "restore", target.parent / "none.db"), 2, "No such file or directory")
    target.write_bytes(b"")
    one_error_line(run_on(postgresql_url, "db", "restore", target), 2, "give --from-sqlite, or restore a pg_dump copy "
                                                                       "with pg_restore")
    assert not (tmp_path / "copy.db").read_bytes()


def test_the_sqlite_flags_on_an_sqlite_register_are_the_plain_commands(tmp_path):
    live, copy = tmp_path / "ipcli.db", tmp_path / "copy.db"
    assert run_on(live, "sample", "load").exit_code == 0
    assert as_json(run_on(live, "db", "backup", "--to-sqlite", copy, "--format", "json"))["marks"] == 240
    delete_marks(live, 5)
    assert as_json(run_on(live, "db", "restore", "--from-sqlite", copy, "--format", "json"))["marks"] == 240
    assert dump(copy)[:5] == dump(live)[:5]


def test_db_help_lists_the_three_commands(invoke):
    result = invoke("db", "--help")
    assert result.exit_code == 0 and result.stderr == ""
    assert all(name in result.stdout for name in ("backup", "check", "restore"))
