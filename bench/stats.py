"""Speed of `ipcli stats --format json` over 1,000,000 filings, measured in one run against a bare Python
script that opens the same file with sqlite3, runs one plain GROUP BY (filings and amounts by window and
type over the same period) and json-dumps the rows.

The register is built in a temporary directory with the real schema (ipcli.db.connection.open_db) and
filled directly with executemany: 100,000 marks and 20,000 patents, a window tree of one province, three
prefectures and nine county windows, and --rows filings of every type received over three years, each
on one right, with the details ipcli stores (renewal status, licence and pledge amounts). A few percent
of the filings carry no window (entered before windows were set up), so stats looks up their right's.

Prints the median of each side over --runs runs (interleaved, after an untimed warm-up run) and the
ratios stats/bare (target <= 3), the bare query run both in SQLite's own plan and as a table scan.
Figures only: nothing is asserted.
Run: python bench/stats.py [--rows N] [--runs N] [--db-cache PATH]
"""

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from common import installed_ipcli, measure_in_temporary_directory, run_seconds

TARGET = 3.0
FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2026, 12, 31)
PERIOD = ("2024-01-01", "2026-12-31")
STAMP = "2026-01-01T00:00:00+00:00"
MARKS, PATENTS = 100_000, 20_000
PREFECTURES = {"FJ-FZ": ("福州市", ("FJ-FZ-GL", "FJ-FZ-CL", "FJ-FZ-MH")),
               "FJ-XM": ("厦门市", ("FJ-XM-SM", "FJ-XM-HL", "FJ-XM-JM")),
               "FJ-QZ": ("泉州市", ("FJ-QZ-JJ", "FJ-QZ-SS", "FJ-QZ-NA"))}
TYPES = (("renewal", 30), ("transfer", 15), ("license", 10), ("pledge", 8), ("pledge_extension", 2),
         ("pledge_change", 2), ("pledge_release", 3), ("annuity", 30))
STATUSES = ("received", "ready", "exported", "submitted", "accepted", "accepted", "accepted", "rejected", "withdrawn")
NO_WINDOW = 0.03

# The bare side, in SQLite's own plan (which looks the period's rows up by the received_on index) and
# with the table read straight through (NOT INDEXED, as ipcli does for a period holding most filings).
BARE_SCRIPT = r'''
import json, sqlite3, sys
path, start, end, source = sys.argv[1:5]
connection = sqlite3.connect(path)
rows = connection.execute(
    f"SELECT window, type, count(*), sum(json_extract(details, '$.amount')) FROM {source} "
    "WHERE received_on BETWEEN ? AND ? GROUP BY window, type", (start, end)).fetchall()
sys.stdout.write(json.dumps(rows, ensure_ascii=False))
'''


def window_rows() -> list[tuple]:
    rows = [("FJ", "福建省", None, STAMP)]
    for code, (name, counties) in PREFECTURES.items():
        rows.append((code, name, "FJ", STAMP))
        rows += [(county, f"{county[-2:]}区", code, STAMP) for county in counties]
    return rows


def right_rows(rng: random.Random, windows: list[str]):
    marks = [(str(10_000_000 + i), rng.choice(windows), f"公司{i % 500}") for i in range(MARKS)]
    patents = [(f"2020{1 + i % 3}{i:07d}.X", rng.choice(windows), f"公司{i % 500}") for i in range(PATENTS)]
    return marks, patents


def insert_rights(connection, marks: list, patents: list) -> None:
    connection.executemany(
        "INSERT INTO marks (reg_no, window, owner, kind, registered_on, term_starts_on, expires_on, "
        "renewal_window_opens_on, grace_ends_on, created_at, updated_at) VALUES (?, ?, ?, 'ordinary', "
        "'2016-05-01', '2016-05-01', '2026-04-30', '2025-05-01', '2026-10-30', ?, ?)",
        [(*row, STAMP, STAMP) for row in marks])
    connection.executemany(
        "INSERT INTO patents (app_no, window, owner, type, filed_on, term_ends_on, created_at, updated_at) "
        "VALUES (?, ?, ?, 'invention', '2020-01-01', '2039-12-31', ?, ?)", [(*row, STAMP, STAMP) for row in patents])


def details(rng: random.Random, kind: str) -> str:
    if kind == "renewal":
        return json.dumps({"renewal_status": "in_grace" if rng.random() < 0.2 else "in_window", "fee_total": 300})
    if kind in ("license", "pledge"):
        return json.dumps({"amount": rng.randrange(1, 500) * 10_000, "starts_on": "2025-01-01"})
    return "{}"


def filing_rows(rng: random.Random, count: int, windows: list[str], marks: list, patents: list):
    kinds = [kind for kind, weight in TYPES for _ in range(weight)]
    days = (LAST_DAY - FIRST_DAY).days
    for filing_id in range(1, count + 1):
        kind = rng.choice(kinds)
        on_mark = kind == "renewal" or (kind != "annuity" and rng.random() < 0.7)
        right = ("mark", rng.choice(marks)[0]) if on_mark else ("patent", rng.choice(patents)[0])
        received = (FIRST_DAY + timedelta(days=rng.randrange(days))).isoformat()
        window = None if rng.random() < NO_WINDOW else rng.choice(windows)
        yield ((filing_id, kind, rng.choice(STATUSES), received, received, window, details(rng, kind), STAMP),
               (filing_id, *right))


def build(path: Path, rows: int, seed: int = 20260823) -> None:
    from ipcli.db.connection import open_db

    started = time.perf_counter()
    open_db(path).conn.close()  # the real schema, every migration applied
    rng = random.Random(seed)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("BEGIN")
    tree = window_rows()
    connection.executemany("INSERT INTO windows (code, name, parent, created_at) VALUES (?, ?, ?, ?)", tree)
    windows = [row[0] for row in tree]
    marks, patents = right_rows(rng, windows)
    insert_rights(connection, marks, patents)
    filings, rights = zip(*filing_rows(rng, rows, windows, marks, patents))
    connection.executemany(
        "INSERT INTO filings (id, type, status, received_on, status_on, window, operator, paper, fee_total, "
        "details, created_at) VALUES (?, ?, ?, ?, ?, ?, 'bench', 0, 0, ?, ?)", filings)
    connection.executemany("INSERT INTO filing_rights (filing_id, right_type, right_no) VALUES (?, ?, ?)", rights)
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    connection.close()
    print(f"built {rows:,} filings on {MARKS:,} marks and {PATENTS:,} patents at {len(windows)} windows "
          f"in {time.perf_counter() - started:.1f} s")


def prepare(args, work: Path) -> Path:
    """The database: from the cache when it was built with the same parameters, else built (and cached)."""
    if args.db_cache is None:
        path = work / "register.db"
        build(path, args.rows)
        return path
    meta = args.db_cache.with_name(args.db_cache.name + ".params.json")
    if args.db_cache.exists() and meta.exists() and json.loads(meta.read_text()) == {"rows": args.rows}:
        print(f"using the database cached in {args.db_cache}")
        return args.db_cache
    for stale in (args.db_cache, meta, *(Path(f"{args.db_cache}{s}") for s in ("-wal", "-shm"))):
        stale.unlink(missing_ok=True)
    args.db_cache.parent.mkdir(parents=True, exist_ok=True)
    build(args.db_cache, args.rows)
    meta.write_text(json.dumps({"rows": args.rows}))
    return args.db_cache


def check_same_totals(ipcli: list[str], bare: list[str]) -> None:
    """Both sides count the same filings of each type."""
    ours, theirs = {}, {}
    for row in json.loads(subprocess.run(ipcli, check=True, capture_output=True).stdout):
        ours[row["type"]] = ours.get(row["type"], 0) + row["filings"]
    for _, kind, count, _ in json.loads(subprocess.run(bare, check=True, capture_output=True).stdout):
        theirs[kind] = theirs.get(kind, 0) + count
    print(f"filings: {sum(ours.values()):,} counted by ipcli, {sum(theirs.values()):,} by the bare script"
          f" ({'the same by type' if ours == theirs else 'NOT THE SAME'})")


def measure(args, work: Path) -> None:
    ipcli = installed_ipcli()
    db = str(prepare(args, work))
    commands = {"stats": [ipcli, "--db", db, "stats", "--from", PERIOD[0], "--to", PERIOD[1], "--format", "json"],
                "bare": [sys.executable, "-c", BARE_SCRIPT, db, *PERIOD, "filings"],
                "bare_scan": [sys.executable, "-c", BARE_SCRIPT, db, *PERIOD, "filings NOT INDEXED"]}
    for command in commands.values():  # warm the file cache; apply any pending migration untimed
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    check_same_totals(commands["stats"], commands["bare"])
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):  # interleaved, so that machine noise hits both alike
        for name, command in commands.items():
            samples[name].append(run_seconds(command))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    labels = {"stats": "ipcli stats --format json", "bare": "bare sqlite3 GROUP BY + json.dumps",
              "bare_scan": "the same, NOT INDEXED (table scan)"}
    for name, value in medians.items():
        print(f"{labels[name]:>34}: {value * 1000:8.1f} ms (median of {args.runs})")
    print(f"ratio stats / bare:            {medians['stats'] / medians['bare']:.2f} (target <= {TARGET})")
    print(f"ratio stats / bare table scan: {medians['stats'] / medians['bare_scan']:.2f} (target <= {TARGET})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db-cache", type=Path, help="keep the generated database here and reuse it")
    return measure_in_temporary_directory(measure, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
