import itertools
import os
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipcli.cli import cli

# Tests see neither the developer's language nor a real "today" unless they ask for it.
BASE_ENV = {"IPCLI_LANG": "en", "IPCLI_TODAY": "2026-11-21", "LANG": "C", "NO_COLOR": None, "IPCLI_DEBUG": None}


@pytest.fixture(autouse=True)
def language_of_the_environment():
    """A test that sets the language (a zh run in-process) leaves none behind for the next one."""
    yield
    from ipcli import i18n

    i18n.set_language(None)


@pytest.fixture(autouse=True)
def machine_of_its_own(tmp_path_factory, monkeypatch):
    """A test keeps this machine's settings and files (ipcli.machine: the application directory) in a
    directory of its own, never in the developer's, and sees no IPCLI_WINDOW of theirs."""
    _own_machine(tmp_path_factory, monkeypatch)


@pytest.fixture(scope="module")
def module_machine_of_its_own(tmp_path_factory):
    """As `machine_of_its_own`, for the module-scoped fixtures that run before it (a register its tests share)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _own_machine(tmp_path_factory, monkeypatch)
        yield


def _own_machine(tmp_path_factory, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    monkeypatch.delenv("IPCLI_WINDOW", raising=False)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "ipcli.db"


# PostgreSQL: IPCLI_TEST_POSTGRESQL is a base URL of a server the tests may create databases on (.ci/run
# starts a throwaway one); without it the PostgreSQL half of backend-parametrised tests is skipped.
POSTGRESQL_ENV = "IPCLI_TEST_POSTGRESQL"
POSTGRESQL_TEMPLATE = "ipcli_test_template"
BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql))
_databases = itertools.count()


def database_url(base: str, name: str) -> str:
    """`base` (postgresql:///anything?host=...) naming the database `name` instead."""
    address, question, query = base.partition("?")
    scheme, _, rest = address.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/{name}{question}{query}"


@pytest.fixture(scope="session")
def postgresql_template():
    """The base URL of the test server, with a migrated template database created once per session."""
    base = os.environ.get(POSTGRESQL_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need a server: set {POSTGRESQL_ENV} (as .ci/run does)")
    psycopg = pytest.importorskip("psycopg", reason="PostgreSQL tests need psycopg: pip install 'ipcli[postgresql]'")
    from ipcli.db.location import PostgresLocation

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {POSTGRESQL_TEMPLATE}")
        admin.execute(f"CREATE DATABASE {POSTGRESQL_TEMPLATE}")
    PostgresLocation(database_url(base, POSTGRESQL_TEMPLATE)).open().close()
    return base


@pytest.fixture
def postgresql_url(postgresql_urls):
    """A fresh, migrated database of its own for the test, dropped afterwards."""
    return postgresql_urls()


@pytest.fixture
def postgresql_urls(postgresql_template):
    """A function giving a fresh, migrated database of the test's own on each call; all are dropped
    afterwards."""
    yield from _fresh_databases(postgresql_template)


@pytest.fixture(scope="module")
def module_postgresql_urls(postgresql_template):
    """As `postgresql_urls`, for a module: its databases are dropped when the module's tests are done."""
    yield from _fresh_databases(postgresql_template)


def _fresh_databases(base: str):
    """Yield a function that creates a fresh database from the migrated template on each call and gives
    its URL; drop them all when resumed."""
    import psycopg

    admin_url = database_url(base, "postgres")
    names = []

    def new() -> str:
        names.append(f"t_{os.getpid()}_{next(_databases)}")
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {names[-1]} TEMPLATE {POSTGRESQL_TEMPLATE}")
        return database_url(base, names[-1])

    yield new
    with psycopg.connect(admin_url, autocommit=True) as admin:
        for name in names:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def register(request, db_path):
    """The --db of a fresh register on each backend: an SQLite file (not yet created), or a PostgreSQL
    database (migrated). A test marked `sqlite_only(reason)` runs on SQLite alone and says why."""
    if request.param == "sqlite":
        return str(db_path)
    return request.getfixturevalue("postgresql_url")


@pytest.fixture(params=BACKENDS)
def registers(request, tmp_path):
    """A function giving the --db of another fresh register on each call, on each backend (as `register`)."""
    return _registers_on(request, tmp_path, "postgresql_urls")


@pytest.fixture(scope="module", params=BACKENDS)
def module_registers(request, tmp_path_factory, module_machine_of_its_own):
    """As `registers`, for the module-scoped fixtures of a module (a register its tests share): the module's
    tests run once on each backend."""
    return _registers_on(request, tmp_path_factory.mktemp("registers"), "module_postgresql_urls")


def _registers_on(request, folder: Path, postgresql_urls: str):
    """On the backend of `request.param`: a function giving another fresh SQLite file in `folder` (not yet
    created) on each call, or the fixture `postgresql_urls` (fresh PostgreSQL databases)."""
    if request.param == "sqlite":
        names = itertools.count()
        return lambda: str(folder / f"ipcli-{next(names)}.db")
    return request.getfixturevalue(postgresql_urls)


def pytest_collection_modifyitems(items):
    """A test that asks for a PostgreSQL database itself (through `postgresql_template`) is of the PostgreSQL
    half (`-m postgresql`), as the PostgreSQL params of the backend fixtures are. A test marked
    `sqlite_only(reason)` is skipped on PostgreSQL, saying why, whichever fixture (the test's or its
    module's) put it there."""
    for item in items:
        if "postgresql_template" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgresql)
        only = item.get_closest_marker("sqlite_only")
        if only is not None and item.get_closest_marker("postgresql") is not None:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {only.args[0]}"))


def on_postgresql(register: str) -> bool:
    return register.startswith("postgresql:")


def runner_on(register: str):
    """A function running ipcli in-process on `register` (its --db); the result has .exit_code, .stdout and
    .stderr apart."""

    def run(*args, env=None):
        runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": register, **(env or {})})
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, prog_name="ipcli")

    return run


@pytest.fixture
def invoke(register):
    """Run ipcli in-process on a fresh register, once on each backend."""
    return runner_on(register)


def register_sql(register: str, sql: str, *params) -> list[tuple]:
    """Run `sql` (SQLite's spelling, translated for PostgreSQL) on the register behind `register`, on
    either backend, committed; its rows as tuples, money as float on both."""
    (rows,) = _register_queries(register, [(sql, params)])
    return rows


def _register_queries(register: str, statements: list[tuple[str, tuple]]) -> list[list[tuple]]:
    """The rows of each of `statements` (sql, params), run in one transaction on one connection (as
    `register_sql` runs one)."""
    if on_postgresql(register):
        import psycopg

        from ipcli.db.dialect import postgresql

        results = []
        with psycopg.connect(register) as connection:
            for sql, params in statements:
                cursor = connection.execute(postgresql(sql), params)
                results.append(cursor.fetchall() if cursor.description else [])
    else:
        import sqlite3

        connection = sqlite3.connect(register)
        try:
            with connection:
                results = [connection.execute(sql, params).fetchall() for sql, params in statements]
        finally:
            connection.close()
    return [[tuple(float(value) if isinstance(value, Decimal) else value for value in row) for row in rows]
            for rows in results]


def register_tables(register: str) -> list[str]:
    """The names of the register's tables on either backend, sorted, without SQLite's own (sqlite_sequence)."""
    if on_postgresql(register):
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return sorted(name for (name,) in register_sql(register, sql))


def register_content(register: str) -> dict[str, list[str]]:
    """Every row of every table on either backend (the journal and the settings among them), by table: each
    row as its repr, sorted, as the engines give rows in no set order (equal content, equal value)."""
    tables = register_tables(register)
    results = _register_queries(register, [(f'SELECT * FROM "{table}"', ()) for table in tables])
    return {table: sorted(repr(row) for row in rows) for table, rows in zip(tables, results)}


def nothing_written(register: str) -> bool:
    """Whether a fresh register is still untouched: on SQLite its file was not created; on PostgreSQL
    (migrated already) nothing was journaled, as every write is."""
    if on_postgresql(register):
        return register_sql(register, "SELECT count(*) FROM journal") == [(0,)]
    return not os.path.exists(register)


def emptied(url: str) -> str:
    """The PostgreSQL database at `url` without ipcli's tables, as its administrator's `createdb` leaves it."""
    register_sql(url, "DROP SCHEMA public CASCADE")
    register_sql(url, "CREATE SCHEMA public")
    return url


@pytest.fixture
def no_register(register):
    """The --db of a place that holds no register yet, on each backend: an SQLite file not created, or a
    PostgreSQL database without ipcli's tables."""
    return emptied(register) if on_postgresql(register) else register


def no_register_made(register: str) -> bool:
    """Whether the place `no_register` gave still holds none: no file on SQLite, no table on PostgreSQL."""
    if on_postgresql(register):
        return register_tables(register) == []
    return not os.path.exists(register)


def write_beside_results(request, line: str) -> None:
    """A line in pytest's own output (the cases a module tried), even while output is captured."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line(line)


def report_cases(request, label: str, tried: dict) -> None:
    """The cases a module tried, per class of input, in pytest's own output."""
    total = sum(tried.values())
    detail = ", ".join(f"{name} {count}" for name, count in sorted(tried.items()))
    write_beside_results(request, f"{label} cases tried: {total} ({detail})")
