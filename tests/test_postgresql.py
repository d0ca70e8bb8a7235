"""The same commands on both backends (tests/conftest.py: `invoke` runs each test on SQLite and, when
IPCLI_TEST_POSTGRESQL names a server, on PostgreSQL), and what only a PostgreSQL register does."""

import json

import pytest

from ipcli.db.location import register_location
from ipcli.db.schema import MIGRATION_NAMES
from tests.conftest import emptied, register_sql, register_tables, runner_on


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def as_json(result):
    return json.loads(ok(result).stdout)


def test_mark_add_show_and_list(invoke):
    added = as_json(invoke("mark", "add", "12345678", "--registered", "2016-02-29", "--classes", "35,9",
                           "--owner", "甲公司", "--format", "json"))
    assert as_json(invoke("mark", "show", "12345678", "--format", "json")) == added
    assert added["classes"] == [9, 35] and added["pledged"] is False
    listed = as_json(invoke("mark", "list", "--format", "json"))
    assert [mark["reg_no"] for mark in listed] == ["12345678"]


def test_a_mark_added_twice_is_refused(invoke):
    ok(invoke("mark", "add", "5", "--registered", "2016-01-01", "--classes", "9"))
    again = invoke("mark", "add", "5", "--registered", "2017-01-01", "--classes", "9")
    assert again.exit_code == 65 and "5" in again.stderr and again.stdout == ""


def test_patent_add(invoke):
    patent = as_json(invoke("patent", "add", "ZL 2019 1 0123456.X", "--filed", "2019-06-03", "--granted",
                            "2021-09-01", "--paid-through", "6", "--format", "json"))
    assert (patent["app_no"], patent["next_annuity_year"]) == ("201910123456.X", 7)


def test_filings_renew_license_pledge_and_a_double_pledge_refused(invoke):
    ok(invoke("init"))
    ok(invoke("mark", "add", "12345678", "--registered", "2017-06-01", "--classes", "9"))
    renewal = as_json(invoke("renew", "add", "12345678", "--filed", "2026-11-20", "--format", "json"))
    license = as_json(invoke("license", "add", "12345678", "--licensee", "丁", "--kind", "ordinary", "--from",
                             "2026-12-01", "--to", "2027-05-30", "--filed", "2026-11-20", "--format", "json"))
    pledge = as_json(invoke("pledge", "add", "12345678", "--pledgee", "银行", "--amount", "5000000", "--from",
                            "2026-12-01", "--to", "2027-05-30", "--filed", "2026-11-20", "--format", "json"))
    assert len({renewal["id"], license["id"], pledge["id"]}) == 3
    twice = invoke("pledge", "add", "12345678", "--pledgee", "另一银行", "--amount", "1", "--from", "2026-12-01",
                   "--to", "2027-05-30", "--filed", "2026-11-20")
    assert twice.exit_code == 65 and "12345678" in twice.stderr
    filings = as_json(invoke("filing", "list", "--format", "json"))
    assert sorted(filing["type"] for filing in filings) == ["license", "pledge", "renewal"]
    assert as_json(invoke("mark", "show", "12345678", "--format", "json"))["pledged"] is True
    entries = as_json(invoke("log", "--format", "json"))
    assert {entry["record_type"] for entry in entries} >= {"mark", "filing"}


def test_sample_deadlines_and_stats_are_those_of_sqlite(postgresql_url, db_path):
    postgresql, sqlite = runner_on(postgresql_url), runner_on(str(db_path))
    for run in (postgresql, sqlite):
        ok(run("sample", "load"))
    for command in (["deadlines", "--days", "90"], ["stats"], ["expiries"], ["filing", "list"], ["mark", "list"]):
        assert as_json(postgresql(*command, "--format", "json")) == as_json(sqlite(*command, "--format", "json"))


def test_a_postgresql_url_never_shows_its_password(postgresql_url):
    secret = postgresql_url.replace("postgresql://", "postgresql://someone:s3cretpass@", 1)
    listed = runner_on(secret)("mark", "list")
    assert listed.exit_code == 0 and "s3cretpass" not in listed.stderr + listed.stdout
    unreachable = "postgresql://someone:s3cretpass@/ipcli?host=/nonexistent-socket-dir&password=s3cretpass&port=1"
    failed = runner_on(unreachable)("mark", "list")
    assert failed.exit_code == 74 and "s3cretpass" not in failed.stderr
    assert failed.stderr.startswith("ipcli: error: cannot use the register "
                                    "postgresql://someone@/ipcli?host=/nonexistent-socket-dir&port=1: ")


@pytest.mark.parametrize("url, shown", [
    ("postgresql://clerk:s3cret@dbhost:5433/ipcli?sslmode=require&password=s3cret&application_name=w1",
     "postgresql://clerk@dbhost:5433/ipcli?sslmode=require&application_name=w1"),
    ("postgres://:s3cret@dbhost/ipcli?password=s3cret", "postgres://dbhost/ipcli"),
    ("postgresql:///ipcli?host=/run/pg&port=5433&user=clerk&sslpassword=s3cret",
     "postgresql:///ipcli?host=/run/pg&port=5433&user=clerk"),
    ("postgresql:///ipcli?service=prefecture", "postgresql:///ipcli?service=prefecture"),
    ("postgresql://clerk@dbhost/ipcli?user=other@corp", "postgresql://clerk@dbhost/ipcli?user=other@corp"),
    ("postgresql://clerk:s3/cr@t@dbhost/ipcli", "postgresql://clerk@dbhost/ipcli"),  # "/" and "@" not escaped
    ("postgresql://clerk:s3?cret@dbhost/ipcli?port=5433", "postgresql://clerk@dbhost/ipcli?port=5433"),  # nor "?"
])
def test_a_postgresql_url_is_shown_whole_but_for_its_password(url, shown):
    assert str(register_location(url)) == shown


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_without_psycopg_a_postgresql_url_asks_for_the_extra(scheme, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)
    result = runner_on(f"{scheme}:///nowhere")("mark", "list")
    assert result.exit_code == 78 and "pip install 'ipcli[postgresql]'" in result.stderr


def test_a_writer_waits_for_the_write_lock_and_gives_up_busy_while_readers_go_on(postgresql_url):
    import psycopg

    from ipcli.db.postgres import WRITE_LOCK

    postgresql = runner_on(postgresql_url)
    with psycopg.connect(postgresql_url) as other_writer:
        other_writer.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        busy = postgresql("mark", "add", "5", "--registered", "2016-01-01", "--classes", "9",
                          env={"IPCLI_BUSY_TIMEOUT": "0.2"})
        assert busy.exit_code == 75 and "locked by another writer" in busy.stderr
        assert as_json(postgresql("mark", "list", "--format", "json")) == []


@pytest.fixture
def icu_chinese_database(postgresql_template):
    """The URL of an empty database whose default collation sorts text as Chinese readers expect (ICU
    zh-CN: pinyin, letters before their capitals), dropped afterwards."""
    import psycopg

    from tests.conftest import database_url

    name, admin_url = "ipcli_test_zh_collation", database_url(postgresql_template, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        try:
            admin.execute(f"CREATE DATABASE {name} LOCALE_PROVIDER icu ICU_LOCALE 'zh-CN' LOCALE 'C.UTF-8' "
                          "TEMPLATE template0")
        except psycopg.errors.FeatureNotSupported as missing:
            pytest.skip(f"this server has no ICU collations: {missing}")
    yield database_url(postgresql_template, name)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_text_sorts_as_on_sqlite_whatever_the_database_collation(icu_chinese_database, db_path):
    postgresql, sqlite = runner_on(icu_chinese_database), runner_on(str(db_path))
    for run in (postgresql, sqlite):
        for code in ("杭州", "滨江", "a1", "B2"):
            ok(run("window", "add", code, "--name", code))
    listed = ok(postgresql("window", "list", "--format", "csv")).stdout
    assert listed == ok(sqlite("window", "list", "--format", "csv")).stdout
    assert [line.split(",")[0] for line in listed.splitlines()[1:]] == ["B2", "a1", "杭州", "滨江"]


def test_migration_m012_makes_the_text_of_an_older_register_compare_as_on_sqlite(postgresql_url):
    import psycopg

    def collations() -> set:
        return {collation for (collation,) in connection.execute(
            "SELECT DISTINCT collation_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = 'text'")}

    with psycopg.connect(postgresql_url, autocommit=True) as connection:
        assert collations() == {"C"}  # a new register has it from its CREATE TABLE statements
        connection.execute('ALTER TABLE marks ALTER COLUMN owner TYPE text COLLATE "default"')  # as before m012
        connection.execute("DELETE FROM _sqlite_migrations WHERE name = 'm012_text_in_code_point_order'")
        assert collations() == {"C", None}
        ok(runner_on(postgresql_url)("window", "add", "W1", "--name", "一窗"))  # a write upgrades the register
        assert collations() == {"C"}


@pytest.fixture
def empty_database(postgresql_url):
    """A database that ipcli has made no register in (its administrator's `createdb`): no tables."""
    return emptied(postgresql_url)


@pytest.mark.parametrize("lang, hint", [
    ("en", "`ipcli mark import FILE` or `ipcli db restore --from-sqlite FILE`"),
    ("zh", "`ipcli mark import 文件`、`ipcli db restore --from-sqlite 登记簿文件` 建立并载入"),
])
def test_no_register_in_an_empty_database_is_said_with_the_restore_of_postgresql(empty_database, lang, hint):
    shown = str(register_location(empty_database))
    for command in (["mark", "list"], ["db", "check"], ["db", "backup", "--to-sqlite", "copy.db"]):
        result = runner_on(empty_database)(*command, env={"IPCLI_LANG": lang})
        assert (result.exit_code, result.stdout) == (78, ""), result.stderr
        assert result.stderr.count("\n") == 1 and shown in result.stderr, result.stderr
        assert result.stderr.rstrip().endswith(hint), result.stderr
    assert register_tables(empty_database) == []  # reading created nothing


# The PostgreSQL half of tests/test_migrations.py: a register made by the migrations up to every level, with
# a row in every table, upgrades to exactly the schema of a new register (columns, constraints, indexes) and
# keeps its rows. (The SQLite half starts from the frozen schemas, which are SQLite's own DDL.)
DECLARED = {"bigint": "INTEGER", "integer": "INTEGER", "numeric": "REAL"}


def postgresql_schema(url: str) -> dict:
    return {
        "columns": register_sql(url, "SELECT table_name, ordinal_position, column_name, data_type, is_nullable, "
                                     "column_default, collation_name FROM information_schema.columns "
                                     "WHERE table_schema = current_schema() ORDER BY 1, 2"),
        "constraints": register_sql(url, "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                                         "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace "
                                         "ORDER BY 1, 2"),
        "indexes": register_sql(url, "SELECT tablename, indexname, indexdef FROM pg_indexes "
                                     "WHERE schemaname = current_schema() ORDER BY 1, 2"),
    }


def fill_postgresql(url: str) -> dict:
    """A row in every table but those test_migrations leaves empty, inserted once the rows its foreign keys
    name are there; {table: {column: value}}."""
    import psycopg

    from tests.test_migrations import LEFT_EMPTY, value_for

    rows = {}
    for table, column, data_type in register_sql(
            url, "SELECT table_name, column_name, data_type FROM information_schema.columns "
                 "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"):
        if table not in LEFT_EMPTY:
            rows.setdefault(table, {})[column] = value_for(table, column, DECLARED.get(data_type, "TEXT"))
    pending = list(rows)
    while pending:
        waiting = []
        for table in pending:
            placeholders = ", ".join("?" * len(rows[table]))
            try:
                register_sql(url, f"INSERT INTO {table} ({', '.join(rows[table])}) VALUES ({placeholders})",
                             *rows[table].values())
            except psycopg.errors.ForeignKeyViolation:
                waiting.append(table)
        assert waiting != pending, f"no row of {waiting} can be inserted"
        pending = waiting
    return rows


@pytest.mark.parametrize("level", MIGRATION_NAMES)
def test_a_postgresql_register_of_every_level_upgrades_to_the_schema_of_a_new_one_and_keeps_its_rows(
        empty_database, postgresql_urls, level):
    from ipcli.db import postgres
    from ipcli.db.location import PostgresLocation

    following = MIGRATION_NAMES[MIGRATION_NAMES.index(level) + 1:]
    old = postgres.connect(empty_database, "old", migrated=False)
    postgres.migrate(old, stop_before=following[0] if following else None)
    assert postgres.applied_migrations(old) == list(MIGRATION_NAMES[:MIGRATION_NAMES.index(level) + 1])
    old.conn.close()
    rows = fill_postgresql(empty_database)

    PostgresLocation(empty_database).open().close()
    assert [name for (name,) in register_sql(empty_database, "SELECT name FROM _sqlite_migrations "
                                                             "ORDER BY applied_at")] == list(MIGRATION_NAMES)
    assert postgresql_schema(empty_database) == postgresql_schema(postgresql_urls())
    for table, row in rows.items():
        if table == "mark_classes":  # m006: the classes are a column of marks
            assert register_sql(empty_database, "SELECT classes FROM marks") == [("9",)]
            continue
        columns = [column for column in row if column != "classes" or "mark_classes" not in rows]
        stored = register_sql(empty_database, f"SELECT {', '.join(columns)} FROM {table}")
        assert stored == [tuple(row[column] for column in columns)], table


def test_a_postgresql_register_has_the_tables_columns_and_indexes_of_an_sqlite_one(postgresql_url, db_path):
    """One schema, two dialects: the same migrations make the same tables, columns (in order), NOT NULLs (a
    primary key's among them, which SQLite does not enforce) and indexes on both."""
    runner_on(str(db_path))("init")
    sqlite = [(table, name, bool(not_null or key)) for table in register_tables(str(db_path))
              if table != "_sqlite_migrations"
              for _, name, _, not_null, _, key in register_sql(str(db_path), f"PRAGMA table_info({table})")]
    postgresql = register_sql(postgresql_url, "SELECT table_name, column_name, is_nullable = 'NO' FROM "
                                              "information_schema.columns WHERE table_schema = current_schema() "
                                              "AND table_name != '_sqlite_migrations' ORDER BY table_name, "
                                              "ordinal_position")
    assert [(table, name, bool(not_null)) for table, name, not_null in postgresql] == sqlite
    # The indexes named in the migrations; not those of a PRIMARY KEY or UNIQUE column (SQLite's autoindexes).
    sqlite_indexes = register_sql(str(db_path), "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT "
                                                "LIKE 'sqlite_%' AND tbl_name != '_sqlite_migrations' ORDER BY name")
    postgresql_indexes = register_sql(postgresql_url, "SELECT indexname FROM pg_indexes WHERE schemaname = "
                                                      "current_schema() AND indexname NOT LIKE '%\\_pkey' AND "
                                                      "indexname NOT LIKE '%\\_key' ORDER BY indexname")
    assert postgresql_indexes == sqlite_indexes and len(sqlite_indexes) > 10


def test_a_database_that_does_not_exist_is_said_in_one_line_with_the_servers_reason(postgresql_template):
    from tests.conftest import database_url

    url = database_url(postgresql_template, "ipcli_test_no_such_database")
    result = runner_on(url)("deadlines", "--days", "90")
    assert (result.exit_code, result.stdout) == (74, "")
    # (a long URL, whose socket directory is the test server's, is cut in its middle: the reason never is)
    assert result.stderr.startswith("ipcli: error: cannot use the register postgresql://")
    assert result.stderr.endswith(': database "ipcli_test_no_such_database" does not exist\n')
    assert result.stderr.count("\n") == 1
