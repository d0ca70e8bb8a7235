"""Several clerks and a cron job on one register: 4 writer processes at a time each add 100 licence
recordals through the installed `ipcli`, while a fifth process lists deadlines and dry-runs the digest
in a loop. Nothing may be lost, doubled or refused as "database is locked".

The writers start each filing together (a barrier before every round), so that in every round four
processes open the register and ask for its write lock at once: the collisions that one filing in
each of four unsynchronised loops only meets now and then. Fewer filings (100 each, once 250) then
prove as much, in well under half the time."""

import os
import shutil
import sqlite3
import subprocess
import threading
from contextlib import closing

import pytest

IPCLI = shutil.which("ipcli")
WRITERS = int(os.environ.get("IPCLI_CONCURRENCY_WRITERS", "4"))
FILINGS_PER_WRITER = int(os.environ.get("IPCLI_CONCURRENCY_FILINGS", "100"))
# One mark per writer, registered 2020-01-01 (expires 2029-12-31): a licence to 2027-10-31 fits its term
# (R-TM-LICENSE), and licences with distinct licensees may be recorded any number of times.
MARKS = [str(7_000_001 + n) for n in range(WRITERS)]


def environment(db_path) -> dict:
    return {**os.environ, "IPCLI_DB": str(db_path), "IPCLI_LANG": "en", "IPCLI_TODAY": "2026-11-21", "LANG": "C",
            "NO_COLOR": "1", "IPCLI_OPERATOR": "concurrency-test"}


def ipcli(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([IPCLI, *args], capture_output=True, text=True, timeout=120, env=env)


def problems_of(result: subprocess.CompletedProcess, label: str) -> list[str]:
    """Why a run counts as failed: its exit code, a lock error or any traceback on stderr."""
    found = []
    if result.returncode != 0:
        found.append(f"{label}: exit {result.returncode}: {result.stderr.strip()}")
    lowered = result.stderr.lower()
    if "locked" in lowered or "busy" in lowered or "traceback" in lowered:
        found.append(f"{label}: {result.stderr.strip()}")
    return found


@pytest.mark.slow
def test_four_writers_and_a_reader_lose_nothing(db_path):
    env = environment(db_path)
    for reg_no in MARKS:
        added = ipcli(env, "mark", "add", reg_no, "--registered", "2020-01-01", "--classes", "9,35",
                      "--owner", "甲公司", "--format", "json")
        assert added.returncode == 0, added.stderr
    failures: list[str] = []
    lock = threading.Lock()
    writers_done = threading.Event()
    reader_iterations = [0]
    rounds = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        for i in range(FILINGS_PER_WRITER):
            rounds.wait()  # the four filings of a round start together
            result = ipcli(env, "license", "add", MARKS[n], "--licensee", f"被许可人-{n}-{i:03d}",
                           "--from", "2026-11-01", "--to", "2027-10-31", "--filed", "2026-11-20",
                           "--amount", str(1000 + i), "--format", "json")
            with lock:
                failures.extend(problems_of(result, f"writer {n} filing {i}"))

    def reader() -> None:
        while not writers_done.is_set():
            for args in (("deadlines", "--days", "400", "--format", "json"), ("digest", "--dry-run")):
                result = ipcli(env, *args)
                with lock:
                    failures.extend(problems_of(result, f"reader {' '.join(args)}"))
            reader_iterations[0] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    reading = threading.Thread(target=reader)
    reading.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writers_done.set()
    reading.join()

    expected = WRITERS * FILINGS_PER_WRITER
    with closing(sqlite3.connect(db_path)) as db:
        filings = db.execute("SELECT count(*) FROM filings WHERE type = 'license'").fetchone()[0]
        licensees = db.execute("SELECT count(DISTINCT licensee) FROM licenses").fetchone()[0]
        journal_ids = {int(row[0]) for row in db.execute(
            "SELECT record_id FROM journal WHERE record_type = 'filing' AND command LIKE '%license add'")}
        journal_entries = db.execute("SELECT count(*) FROM journal WHERE record_type = 'filing'").fetchone()[0]
        filing_ids = {row[0] for row in db.execute("SELECT id FROM filings")}
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    print(f"\nconcurrency: {WRITERS} writer processes x {FILINGS_PER_WRITER} filings + 1 reader process; "
          f"filings stored {filings}, licences {licensees}, journal filing entries {journal_entries}, "
          f"reader iterations {reader_iterations[0]} (deadlines + digest --dry-run), failures {len(failures)}")
    assert failures == []
    assert reader_iterations[0] >= 1
    assert integrity == "ok"
    assert filings == licensees == expected
    assert journal_entries == expected and journal_ids == filing_ids


@pytest.mark.slow
def test_commands_started_during_a_large_import_wait_for_it(db_path, tmp_path):
    """A large import writes through a rollback journal when it finds the register to itself
    (ipcli.db.connection.rollback_journal); commands that start meanwhile wait, and nothing fails."""
    env = environment(db_path)
    big = tmp_path / "marks.csv"
    with open(big, "w", encoding="utf-8") as handle:
        handle.write("reg_no,classes,name,owner,registered_on\n")
        handle.writelines(f"{1_000_000 + n},{n % 45 + 1},Mark {n},Owner {n % 7},{2005 + n % 20}-04-1{n % 9}\n"
                          for n in range(300_000))
    assert ipcli(env, "init").returncode == 0  # the register exists, with no mark
    importing = subprocess.Popen([IPCLI, "-q", "mark", "import", str(big), "--format", "json"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    failures, added = [], []
    while importing.poll() is None:
        reg_no = str(9_000_000 + len(added))
        result = ipcli(env, "mark", "add", reg_no, "--registered", "2020-01-01", "--classes", "9", "--format", "json")
        failures += problems_of(result, f"mark add {reg_no}")
        added.append(reg_no)
        failures += problems_of(ipcli(env, "deadlines", "--days", "90", "--format", "json"), "deadlines")
    out, err = importing.communicate()
    assert importing.returncode == 0, err
    with closing(sqlite3.connect(db_path)) as db:
        stored = db.execute("SELECT count(*) FROM marks").fetchone()[0]
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    print(f"\nduring a 300,000-mark import: {len(added)} marks added and as many deadline listings, "
          f"failures {len(failures)}")
    assert failures == [] and added
    assert stored == 300_000 + len(added) and mode == "wal" and integrity == "ok"
