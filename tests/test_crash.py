"""Crash safety: the installed `ipcli` killed with SIGKILL at random moments of a long write leaves the
register whole and the write either done completely or not at all; on each backend. Whole is SQLite's
`PRAGMA integrity_check`; on PostgreSQL, every index valid (pg_index.indisvalid) and `ipcli db check` OK,
once the server has ended the killed client's session (and with it its transaction, unless its COMMIT
had been sent).

- `mark import` of 200,000 rows: the marks table holds none or all of them, and their classes with them,
  and all its indexes (a first import drops them while its rows go in on SQLite, keeps them on
  PostgreSQL); on PostgreSQL also with the import's server session ended (pg_terminate_backend) in the
  middle of its COPY: one line, exit 74, nothing written;
- `batch export`: the batch file is absent and every filing still `ready`, or the file is complete and
  valid (`ipcli batch validate`) and every filing `exported` in it;
- `calendar import`: the year is stored with all the key dates it moves recomputed, or not at all.

Counts: IPCLI_CRASH_KILLS kills per command (default 20), IPCLI_CRASH_ROWS import rows (default 200,000),
IPCLI_CRASH_BATCH_ITEMS ready renewals (default 20,000). Each kill lands at a random moment between the
process start and 1.1 times the duration of one uninterrupted run, measured first. The registers are
copies of a template made once per test: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL,
whose pre-filled templates are loaded with `ipcli db restore --from-sqlite`.
"""

import csv
import importlib.util
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import BACKENDS, database_url, register_sql
from made_up_notices import HOLIDAYS_2027

IPCLI = shutil.which("ipcli")
KILLS = int(os.environ.get("IPCLI_CRASH_KILLS", "20"))
ROWS = int(os.environ.get("IPCLI_CRASH_ROWS", "200000"))
BATCH_ITEMS = int(os.environ.get("IPCLI_CRASH_BATCH_ITEMS", "20000"))
SEED = int(os.environ.get("IPCLI_CRASH_SEED", str(time.time_ns() % 1_000_000)))
TODAY = "2026-11-21"
BENCH_BATCH = Path(__file__).resolve().parent.parent / "bench" / "batch.py"

pytestmark = pytest.mark.slow


def environment(register) -> dict:
    return {**os.environ, "IPCLI_DB": str(register), "IPCLI_LANG": "en", "IPCLI_TODAY": TODAY, "LANG": "C",
            "NO_COLOR": "1"}


def run(register, *args, quiet: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([IPCLI, *(["--quiet"] if quiet else []), *map(str, args)], capture_output=True, text=True,
                          timeout=600, env=environment(register))


def timed_run(register, *args) -> float:
    start = time.perf_counter()
    result = run(register, *args)
    assert result.returncode == 0, result.stderr
    return time.perf_counter() - start


def run_and_kill(register, delay: float, *args, when=None) -> bool:
    """Start ipcli, SIGKILL it after `delay` seconds, or as soon as `when()` holds (polled every 0.2 ms);
    True when it had already finished (exit 0)."""
    process = subprocess.Popen([IPCLI, "--quiet", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=environment(register))
    try:
        if when is None:
            process.wait(timeout=delay)
        else:
            while not when():
                if process.poll() is not None:
                    break
                time.sleep(0.0002)
            if process.poll() is None:
                raise subprocess.TimeoutExpired(process.args, delay)
            process.wait()
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stderr.close()
        return False
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert process.returncode == 0, stderr
    return True


def integrity(db_path) -> str:
    with closing(sqlite3.connect(db_path)) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def delays(rng: random.Random, duration: float) -> list[float]:
    return [rng.uniform(0, duration * 1.1) for _ in range(KILLS)]


def report(name: str, outcomes: Counter, duration: float, kills: int = KILLS) -> None:
    print(f"\ncrash {name}: {kills} runs SIGKILLed (seed {SEED}, one full run {duration:.2f} s): "
          + ", ".join(f"{key} {count}" for key, count in sorted(outcomes.items())))


# the registers of each backend

class SqliteRegisters:
    """Registers as SQLite files: a template file, copied afresh before each run."""

    name = "SQLite"

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path

    def empty(self) -> str:
        template = self.tmp_path / "empty.db"
        assert run(template, "init", "--format", "json").returncode == 0  # creates and migrates it
        with closing(sqlite3.connect(template)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return str(template)

    def loaded(self, sqlite_register: Path) -> str:
        return str(sqlite_register)

    def copy(self, template: str, name: str) -> str:
        db_path = self.tmp_path / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, db_path)
        return str(db_path)

    def settle(self, register: str) -> None:
        """Nothing of a killed process goes on."""

    def assert_whole(self, register: str) -> None:
        assert integrity(register) == "ok"

    def indexes(self, register: str, table: str) -> list[str]:
        return register_sql(register, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                      "AND sql IS NOT NULL ORDER BY name", table)


# A killed client's server session ends once the server finds the connection closed: at once while it
# waits for the client (in a COPY, between statements), after the statement it is running otherwise.
SESSION_END_SECONDS = 120


class PostgresRegisters:
    """Registers as PostgreSQL databases: fresh ones from conftest (postgresql_urls), a template filled
    there, and copies made of it with CREATE DATABASE ... TEMPLATE, each dropped and made again before
    each run."""

    name = "PostgreSQL"

    def __init__(self, base_url: str, fresh):
        self.admin_url = database_url(base_url, "postgres")
        self.fresh = fresh
        self.copies = {}  # copy name -> its URL (a database of postgresql_urls, dropped after the test)

    def empty(self) -> str:
        return self.fresh()  # migrated already

    def loaded(self, sqlite_register: Path) -> str:
        url = self.fresh()
        restored = run(url, "db", "restore", "--from-sqlite", sqlite_register)
        assert restored.returncode == 0, restored.stderr
        return url

    def copy(self, template: str, name: str) -> str:
        import psycopg

        url = self.copies.setdefault(name, self.fresh())
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {database_name(url)} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {database_name(url)} TEMPLATE {database_name(template)}")
        return url

    def settle(self, register: str) -> None:
        """Wait until the killed client's session has ended: its transaction committed or rolled back."""
        deadline = time.monotonic() + SESSION_END_SECONDS
        while self.sessions(register):
            assert time.monotonic() < deadline, f"a killed client's session still runs: {self.sessions(register)}"
            time.sleep(0.01)

    def sessions(self, register: str) -> list[tuple]:
        return register_sql(self.admin_url, "SELECT pid, state, query FROM pg_stat_activity WHERE datname = ? "
                                            "AND backend_type = 'client backend'", database_name(register))

    def assert_whole(self, register: str) -> None:
        invalid = register_sql(register, "SELECT indexrelid FROM pg_index WHERE NOT indisvalid")
        assert invalid == []
        checked = run(register, "db", "check", "--format", "json")
        assert checked.returncode == 0 and json.loads(checked.stdout)["ok"] is True, checked.stderr

    def indexes(self, register: str, table: str) -> list[str]:
        return register_sql(register, "SELECT c.relname FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid "
                                      "WHERE i.indrelid = CAST(? AS regclass) AND i.indisvalid ORDER BY 1", table)


def database_name(url: str) -> str:
    """The database a postgresql:///NAME?... URL of conftest names."""
    return url.partition("?")[0].rsplit("/", 1)[1]


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    if request.param == "sqlite":
        return SqliteRegisters(tmp_path)
    return PostgresRegisters(request.getfixturevalue("postgresql_template"),
                             request.getfixturevalue("postgresql_urls"))


# mark import

def write_marks_csv(path: Path, rows: int, first_reg_no: int = 30_000_000, start=date(2010, 1, 1), days=5000):
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["reg_no", "classes", "registered_on", "owner"])
        for n in range(rows):
            first = 1 + n % 45
            out.writerow([first_reg_no + n, f"{first};{1 + first % 45}", start + timedelta(days=n % days), "甲公司"])


def imported(register: str) -> tuple[int, int, int]:
    """The marks, the marks with two classes, and the journal entries of imports."""
    return register_sql(register, "SELECT (SELECT count(*) FROM marks), "
                                  "(SELECT count(*) FROM marks WHERE classes LIKE '%;%'), "
                                  "(SELECT count(*) FROM journal WHERE record_id LIKE 'import:%')")[0]


def test_killed_mark_import_leaves_none_or_all_rows(tmp_path, backend):
    rng = random.Random(SEED)
    source = tmp_path / "marks.csv"
    write_marks_csv(source, ROWS)
    template = backend.empty()
    indexes = backend.indexes(template, "marks")
    register = backend.copy(template, "import")
    duration = timed_run(register, "mark", "import", source, "--format", "json")
    outcomes = Counter()
    for delay in delays(rng, duration):
        register = backend.copy(template, "import")
        finished = run_and_kill(register, delay, "mark", "import", str(source), "--format", "json")
        backend.settle(register)
        backend.assert_whole(register)
        marks, classes, journal = imported(register)
        assert (marks, classes, journal) in ((0, 0, 0), (ROWS, ROWS, 1)), delay  # two classes each
        # SQLite drops them while the rows go in, and builds them again, in the same transaction
        assert backend.indexes(register, "marks") == indexes, delay
        assert not finished or marks == ROWS
        outcomes["all rows" if marks else "no rows"] += 1
        outcomes["finished before the kill"] += finished
    report(f"mark import of {ROWS} rows ({backend.name})", outcomes, duration)


def copying_session(postgres: PostgresRegisters, register: str, process: subprocess.Popen):
    """The server session of `register` copying rows in, once it has copied some; None if `process`
    ended first."""
    while process.poll() is None:
        copying = register_sql(postgres.admin_url, "SELECT pid FROM pg_stat_progress_copy WHERE datname = ? "
                                                   "AND tuples_processed > 0", database_name(register))
        if copying:
            return copying[0][0]
        time.sleep(0.005)
    return None


@pytest.mark.postgresql
@pytest.mark.parametrize("held", [0, 1000], ids=["first import", "into marks held"])
def test_mark_import_whose_server_session_is_ended_mid_copy_says_so_in_one_line_and_writes_nothing(
        tmp_path, postgresql_template, postgresql_urls, held):
    """The import's session ended by the server (pg_terminate_backend, as an administrator or a restart
    would) while it copies rows in: straight into the table (a first import), or into its stage."""
    postgres = PostgresRegisters(postgresql_template, postgresql_urls)
    source, register = tmp_path / "marks.csv", postgres.empty()
    write_marks_csv(source, ROWS)
    if held:
        write_marks_csv(tmp_path / "held.csv", held, first_reg_no=20_000_000)
        assert run(register, "mark", "import", tmp_path / "held.csv").returncode == 0
    before = imported(register)
    process = subprocess.Popen([IPCLI, "--quiet", "mark", "import", str(source)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=environment(register))
    session = copying_session(postgres, register, process)
    assert session is not None, "the import ended before its COPY was seen"
    assert register_sql(postgres.admin_url, "SELECT pg_terminate_backend(?)", session) == [(True,)]
    stdout, stderr = process.communicate(timeout=600)
    assert (process.returncode, stdout) == (74, ""), stderr
    assert stderr.startswith(f"ipcli: error: cannot use the register {postgres_shown(register)}: ")
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    postgres.settle(register)
    assert imported(register) == before
    postgres.assert_whole(register)


def postgres_shown(url: str) -> str:
    from ipcli.db.location import PostgresLocation

    return str(PostgresLocation(url))


# batch export

def ready_renewals(path: Path, count: int) -> None:
    """A register holding `count` marks each with a ready renewal, built as bench/batch.py builds it."""
    spec = importlib.util.spec_from_file_location("bench_batch", BENCH_BATCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.build_register(path, count)


def batch_files(out_dir: Path) -> tuple[list[Path], list[Path]]:
    """The batch files under their final names, and any temporary files a killed export left behind."""
    if not out_dir.exists():
        return [], []
    names = sorted(out_dir.iterdir())
    return [p for p in names if not p.name.startswith(".")], [p for p in names if p.name.startswith(".")]


PUBLISHED_NOT_RECORDED = "files published, register not updated"
UNDONE = "export undone by the next command"


def kill_exports(tmp_path, delays_or_none: list, duration: float, backend, template: str) -> Counter:
    """Kill one export per entry: after that many seconds, or (None) the instant both files carry their
    final names. The outcome of each, checked against the register once the next command (`batch list`)
    has settled what the killed export left (ipcli/register/publication.py)."""
    export = ("batch", "export", "--type", "renewal", "--all-windows", "--format", "json")
    outcomes = Counter()
    for kill, delay in enumerate(delays_or_none):
        register = backend.copy(template, "export")
        out_dir = tmp_path / f"out-{kill}"
        published = (lambda out_dir=out_dir: len(batch_files(out_dir)[0]) == 2) if delay is None else None
        finished = run_and_kill(register, delay or duration, *export, "--out", str(out_dir), when=published)
        backend.settle(register)
        backend.assert_whole(register)
        settled = run(register, "batch", "list", "--format", "json", quiet=False)
        assert settled.returncode == 0, settled.stderr
        outcomes[UNDONE] += "was interrupted before it was recorded" in settled.stderr
        files, leftovers = batch_files(out_dir)
        statuses = dict(register_sql(register, "SELECT status, count(*) FROM filings GROUP BY status"))
        batches = register_sql(register, "SELECT id, item_count FROM batches")
        if not files:
            assert statuses == {"ready": BATCH_ITEMS} and batches == [], (delay, statuses, batches)
            assert not finished
            outcomes["no file, all ready"] += 1
        elif not batches and statuses == {"ready": BATCH_ITEMS}:
            outcomes[PUBLISHED_NOT_RECORDED] += 1
        else:
            (batch_id, count), = batches
            assert sorted(p.name for p in files) == [f"{batch_id}.csv", f"{batch_id}.json"], (delay, files)
            assert statuses == {"exported": BATCH_ITEMS} and count == BATCH_ITEMS, (delay, statuses)
            validated = run(register, "batch", "validate", out_dir / f"{batch_id}.json")
            assert validated.returncode == 0, validated.stderr
            document = json.loads((out_dir / f"{batch_id}.json").read_text(encoding="utf-8"))
            assert len(document["items"]) == BATCH_ITEMS
            outcomes["file valid, all exported"] += 1
        outcomes["finished before the kill"] += finished
        outcomes["killed as the files appeared"] += delay is None and not finished
        assert leftovers == [], (delay, leftovers)  # the settling command removed any a kill left
    return outcomes


@pytest.fixture
def ready_register(tmp_path, backend) -> tuple[str, float]:
    """A template register holding BATCH_ITEMS ready renewals, and how long one export of them takes."""
    ready_renewals(tmp_path / "ready.db", BATCH_ITEMS)
    template = backend.loaded(tmp_path / "ready.db")
    duration = timed_run(backend.copy(template, "export"), "batch", "export", "--type", "renewal", "--all-windows",
                         "--format", "json", "--out", tmp_path / "measure")
    return template, duration


def test_killed_batch_export_leaves_no_file_or_a_valid_one_matching_the_register(tmp_path, backend, ready_register):
    template, duration = ready_register
    outcomes = kill_exports(tmp_path, delays(random.Random(SEED + 1), duration), duration, backend, template)
    report(f"batch export of {BATCH_ITEMS} renewals ({backend.name})", outcomes, duration)
    assert outcomes[PUBLISHED_NOT_RECORDED] == 0


# A kill "as the files appear" lands before the export's commit only when the poll sees the files in time:
# on a busy machine a few kills may all come after it. More are made, up to this many, until one did.
MAX_KILLS_AS_FILES_APPEAR = 20


def test_batch_export_killed_as_its_files_appear_is_undone_or_complete(tmp_path, backend, ready_register):
    template, duration = ready_register
    kills, outcomes = 0, Counter()
    while kills < max(2, KILLS // 4) or (outcomes[UNDONE] == 0 and kills < MAX_KILLS_AS_FILES_APPEAR):
        attempt = tmp_path / f"kill-{kills}"
        attempt.mkdir()
        outcomes += kill_exports(attempt, [None], duration, backend, template)
        kills += 1
    report(f"batch export of {BATCH_ITEMS} renewals, killed as its files appear ({backend.name})", outcomes,
           duration, kills=kills)
    assert outcomes[PUBLISHED_NOT_RECORDED] == 0
    # Killed once its files carry their final names, an export either had committed or is undone by
    # the next command; the kills do land between the renames and the commit (the COMMIT of 20,000
    # filings takes a while), which is the window this test is for.
    assert outcomes[UNDONE] == outcomes["no file, all ready"] >= 1


# calendar import

KEY_DATES = "SELECT reg_no, expires_on, renewal_window_opens_on, grace_ends_on, dates_provisional FROM marks"


def key_dates(register: str) -> dict:
    return {row[0]: row[1:] for row in register_sql(register, KEY_DATES)}


def test_killed_calendar_import_stores_the_year_with_all_its_dates_or_nothing(tmp_path, backend):
    rng = random.Random(SEED + 2)
    # Marks whose grace period ends from December 2026 to January 2028: the 2027 table moves or confirms them.
    source, template = tmp_path / "marks.csv", backend.empty()
    write_marks_csv(source, ROWS // 4, start=date(2016, 5, 1), days=430)
    assert run(template, "mark", "import", source, "--format", "json").returncode == 0
    holidays = tmp_path / "2027.json"
    holidays.write_text(json.dumps(HOLIDAYS_2027, ensure_ascii=False), encoding="utf-8")
    before = key_dates(template)
    register = backend.copy(template, "calendar")
    duration = timed_run(register, "calendar", "import", holidays, "--format", "json")
    after = key_dates(register)
    changed = sum(before[k] != after[k] for k in before)
    assert changed > ROWS // 100
    outcomes = Counter()
    for delay in delays(rng, duration):
        register = backend.copy(template, "calendar")
        finished = run_and_kill(register, delay, "calendar", "import", str(holidays), "--format", "json")
        backend.settle(register)
        backend.assert_whole(register)
        years = [year for year, in register_sql(register, "SELECT year FROM calendar_years")]
        (journal,), = register_sql(register, "SELECT count(*) FROM journal WHERE record_type = 'calendar'")
        now = key_dates(register)
        if years:
            assert years == [2027] and journal == 1 and now == after, delay
            outcomes["year stored, all dates recomputed"] += 1
        else:
            assert journal == 0 and now == before and not finished, delay
            outcomes["nothing stored"] += 1
        outcomes["finished before the kill"] += finished
    report(f"calendar import over {len(before)} marks ({changed} dates moved, {backend.name})", outcomes, duration)
