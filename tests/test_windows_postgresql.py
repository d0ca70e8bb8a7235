"""Many windows on one PostgreSQL register (issue 20): 8 client processes, each a window of its own, file
renewals, transfers and pledges against the same marks for a few seconds while a reader lists deadlines.
Every round the 8 clients start together (a barrier) on the same mark, so that they queue on the write
lock and meet each other's filings in the rules' checks. Afterwards: no filing lost, journal entries
match filings, no right pledged twice, no renewal counted twice, no exit other than 0, 65 or 75."""

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest

from conftest import register_sql
from test_concurrency import environment

pytestmark = [pytest.mark.slow, pytest.mark.postgresql]
CLIENTS = 8
SECONDS = float(os.environ.get("IPCLI_WINDOWS_SECONDS", "6"))
WINDOWS = [f"W{n:02d}" for n in range(1, CLIENTS + 1)]
# Registered 2016-12-14: on 2026-11-21 (the tests' today) in the renewal window, expiring 2026-12-13.
MARKS = [str(8_000_001 + n) for n in range(4)]
ALLOWED_EXITS = {0, 65, 75}
FILED = "2026-11-20"


def run(env: dict, *args) -> subprocess.CompletedProcess:
    """The code under test as a separate process (python -m ipcli, not whichever `ipcli` is on PATH)."""
    return subprocess.run([sys.executable, "-m", "ipcli", *args], capture_output=True, text=True, timeout=120,
                          env=env)


def filing_args(action: str, mark: str, client: int, round_no: int) -> list[str]:
    party = f"{client}-{round_no}"
    return {
        "renewal": ["renew", "add", mark, "--filed", FILED],
        "transfer": ["transfer", "add", mark, "--to", f"受让人-{party}", "--filed", FILED, "--pledgee-consent"],
        "pledge": ["pledge", "add", mark, "--pledgee", f"质权人-{party}", "--amount", "100000", "--from", FILED,
                   "--to", "2026-12-10", "--filed", FILED],
    }[action] + ["--format", "json"]


ACTIONS = ("renewal", "transfer", "pledge")


@pytest.fixture
def shared_register(postgresql_url):
    env = environment(postgresql_url)
    for code in WINDOWS:
        added = run(env, "window", "add", code, "--name", f"窗口{code}")
        assert added.returncode == 0, added.stderr
    for reg_no in MARKS:
        added = run(env, "mark", "add", reg_no, "--registered", "2016-12-14", "--classes", "9,35", "--owner", "甲公司")
        assert added.returncode == 0, added.stderr
    return postgresql_url


def test_eight_windows_and_a_reader_lose_nothing_and_double_nothing(shared_register):
    url = shared_register
    filed: list[tuple[int, str, str]] = []  # (filing id, type, the client's window) of every exit 0
    exits: Counter = Counter()
    unexpected: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    ends_at = time.monotonic() + SECONDS
    rounds = threading.Barrier(CLIENTS, action=lambda: stop.set() if time.monotonic() > ends_at else None)

    def client(n: int) -> None:
        try:
            file_rounds(n)
        except threading.BrokenBarrierError:
            pass
        except Exception as error:  # said as a failure, and the other clients are let go
            unexpected.append(f"client {n}: {error!r}")
            rounds.abort()

    def file_rounds(n: int) -> None:
        env = {**environment(url), "IPCLI_WINDOW": WINDOWS[n], "IPCLI_BUSY_TIMEOUT": "20"}
        round_no = 0
        while True:
            rounds.wait()  # the 8 filings of a round start together, on the same mark
            if stop.is_set():
                return
            action = ACTIONS[(n + round_no) % len(ACTIONS)]
            result = run(env, *filing_args(action, MARKS[round_no % len(MARKS)], n, round_no))
            with lock:
                exits[result.returncode] += 1
                if result.returncode == 0:
                    added = json.loads(result.stdout)
                    filed.append((added["id"], added["type"], WINDOWS[n]))
                if result.returncode not in ALLOWED_EXITS or "Traceback" in result.stderr:
                    unexpected.append(f"client {n} {action}: exit {result.returncode}: {result.stderr.strip()}")
            round_no += 1

    listings = []

    def reader() -> None:
        env = environment(url)
        while not (stop.is_set() or rounds.broken):
            result = run(env, "deadlines", "--days", "90", "--format", "json")
            with lock:
                listings.append(result.returncode)
                if result.returncode != 0:
                    unexpected.append(f"reader: exit {result.returncode}: {result.stderr.strip()}")
                else:
                    json.loads(result.stdout)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)] + [threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stored = {row[0]: row[1:] for row in register_sql(url, "SELECT id, type, window FROM filings")}
    journaled = Counter(int(record_id) for record_id, in register_sql(
        url, "SELECT record_id FROM journal WHERE record_type = 'filing'"))
    pledged_twice = register_sql(
        url, "SELECT r.right_no, count(*) FROM pledge_rights r JOIN pledges g ON g.id = r.pledge_id "
        "WHERE g.status IN ('pending', 'registered') GROUP BY r.right_no HAVING count(*) > 1")
    renewed_twice = register_sql(
        url, "SELECT r.right_no, count(*) FROM filing_rights r JOIN filings f ON f.id = r.filing_id "
        "WHERE f.type = 'renewal' AND f.status NOT IN ('rejected', 'withdrawn') GROUP BY r.right_no "
        "HAVING count(*) > 1")
    print(f"\n{CLIENTS} windows for {SECONDS:g} s: exits {dict(sorted(exits.items()))}, filings stored "
          f"{len(stored)} ({dict(Counter(kind for kind, _ in stored.values()))}), deadline listings {len(listings)}")
    assert unexpected == []
    assert exits[0] and exits[65]  # filings went through, and the rules refused some of the colliding ones
    assert listings
    # None lost, none extra, each received at the window of the client that filed it.
    assert {filing_id: (kind, window) for filing_id, kind, window in filed} == stored
    assert journaled == Counter(list(stored))  # one journal entry per filing
    assert pledged_twice == [] and renewed_twice == []
