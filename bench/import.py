"""Speed and memory of `ipcli mark import` on 1,000,000 generated marks, measured in one run against
a bare sqlite3 `executemany` of the same rows and against `sqlite-utils insert --csv`.

Prints the three times (the import and executemany: medians of --runs interleaved runs; sqlite-utils,
which takes most of a minute, once), the ratios import/executemany (target <= 3) and import/sqlite-utils
(target < 1), and the peak RSS of the import (target < 500 MB: its process's and its worker's, summed,
from one more run). The import goes into a new register, where rows go straight into their table; one
more run into a register already holding a mark, where rows are staged first, is printed for comparison.
Figures only: nothing is asserted. Run: python bench/import.py [--rows N] [--runs N] [--keep DIR]
"""

import argparse
import csv
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TARGET_EXECUTEMANY = 3.0
TARGET_SQLITE_UTILS = 1.0
TARGET_RSS_MB = 500
COLUMNS = ("reg_no", "classes", "name", "owner", "owner_id", "kind", "registered_on", "term_starts_on", "window")
FIRST_DAY, LAST_DAY = date(2004, 1, 1), date(2026, 12, 31)
WINDOWS = ("", "FZ01", "XM02", "QZ03", "PT04")
OWNER_NAMES = ("福建闽光食品有限公司", "厦门海联科技股份有限公司", "泉州安达鞋业有限公司", "Fuzhou Bright Tea Co., Ltd.",
               "莆田木兰工艺品厂", "漳州绿源农业发展有限公司", "宁德时海电池材料有限公司", "张三")
GOODS = ("茶", "鞋", "电池", "饮料", "服装", "软件", "家具", "Tea", "Shoes", "Cloud")


def uscc(serial: int) -> str:
    """A valid unified social credit code (GB 32100) made from a serial number."""
    from stdnum.cn.uscc import calc_check_digit

    body = f"91350{serial:03d}MA{serial:07d}"[:17]
    return body + calc_check_digit(body)


def owners() -> list[tuple[str, str]]:
    people = [(name, uscc(index + 100)) for index, name in enumerate(OWNER_NAMES[:-1])]
    return people + [(OWNER_NAMES[-1], "")]  # a person without an ID on file


def mark_rows(count: int, seed: int = 20260101):
    """Rows in the `mark import` columns: unique registration numbers in random order, registration
    dates 2004-2026, 1-3 classes, several owners, a few windows, some renewed terms."""
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    people = owners()
    for reg_no in rng.sample(range(1_000_000, 99_999_999), count):
        registered = FIRST_DAY + timedelta(days=rng.randrange(span + 1))
        renewed = registered.year <= 2015 and rng.random() < 0.5
        term_start = registered.replace(year=registered.year + 10, day=min(registered.day, 28)) if renewed else None
        owner, owner_id = rng.choice(people)
        classes = ";".join(str(c) for c in sorted(rng.sample(range(1, 46), rng.randint(1, 3))))
        kind = "ordinary" if rng.random() < 0.97 else rng.choice(("collective", "certification"))
        yield (str(reg_no), classes, f"{rng.choice(GOODS)}{rng.randrange(10_000)}", owner, owner_id, kind,
               registered.isoformat(), term_start.isoformat() if term_start else "", rng.choice(WINDOWS))


def write_csv(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(mark_rows(count))


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def run_import(ipcli: str, csv_path: Path, db_path: Path) -> None:
    subprocess.run([ipcli, "--db", str(db_path), "--quiet", "mark", "import", str(csv_path), "--format", "json"],
                   check=True, stdout=subprocess.DEVNULL)


def holding_a_mark(ipcli: str, work: Path) -> Path:
    """A new register holding one mark, whose number no generated row has."""
    seed = work / "one-mark.csv"
    seed.write_text(f"{','.join(COLUMNS)}\n1,9,Held,,,ordinary,2020-01-01,,\n", encoding="utf-8")
    db_path = fresh(work / "holding.db")
    run_import(ipcli, seed, db_path)
    return db_path


def run_executemany(csv_path: Path, db_path: Path) -> None:
    connection = sqlite3.connect(db_path)
    connection.execute(f"CREATE TABLE marks ({', '.join(COLUMNS)})")
    with open(csv_path, encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        with connection:
            connection.executemany(f"INSERT INTO marks VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    connection.close()


def run_sqlite_utils(sqlite_utils: str, csv_path: Path, db_path: Path) -> None:
    subprocess.run([sqlite_utils, "insert", str(db_path), "marks", str(csv_path), "--csv"], check=True,
                   stdout=subprocess.DEVNULL)


# `ipcli mark import` run in a Python process that then prints its own peak RSS and that of its
# worker process (ipcli.register.importing.parts): the two run at the same time, so their sum bounds the
# import's memory. ru_maxrss is in KiB on Linux, in bytes on macOS.
MEASURED_IMPORT = """
import json, resource, sys
from ipcli.cli import main
try:
    main()
finally:
    unit = 1024 * 1024 if sys.platform == "darwin" else 1024
    peaks = [resource.getrusage(who).ru_maxrss / unit for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    print(json.dumps(peaks), file=sys.stderr)
"""


def import_peak_rss_mb(csv_path: Path, db_path: Path) -> tuple[float, float]:
    """Peak RSS of the import process and of its worker (0 when it read the file alone)."""
    done = subprocess.run([sys.executable, "-c", MEASURED_IMPORT, "--db", str(db_path), "--quiet", "mark", "import",
                           str(csv_path), "--format", "json"], check=True, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    own, worker = json.loads(done.stderr.strip().splitlines()[-1])
    return own, worker


def tools() -> tuple[str, str]:
    ipcli, sqlite_utils = shutil.which("ipcli"), shutil.which("sqlite-utils")
    if ipcli is None or sqlite_utils is None:
        sys.exit("needs the installed `ipcli` and `sqlite-utils` commands: python -m pip install -e .")
    return ipcli, sqlite_utils


def fresh(path: Path) -> Path:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    return path


def measure(rows: int, runs: int, work: Path) -> None:
    ipcli, sqlite_utils = tools()
    csv_path = work / "marks.csv"
    seconds = timed(write_csv, csv_path, rows)
    print(f"generated {rows:,} marks ({csv_path.stat().st_size / 1e6:.1f} MB CSV) in {seconds:.1f} s")
    imports, bares = [], []
    for _ in range(runs):  # interleaved, so that a slow spell of the machine weighs on both
        imports.append(timed(run_import, ipcli, csv_path, fresh(work / "import.db")))
        bares.append(timed(run_executemany, csv_path, fresh(work / "executemany.db")))
    own_mb, worker_mb = import_peak_rss_mb(csv_path, fresh(work / "import.db"))
    imported, bare = statistics.median(imports), statistics.median(bares)
    staged = timed(run_import, ipcli, csv_path, holding_a_mark(ipcli, work))
    utils = timed(run_sqlite_utils, sqlite_utils, csv_path, fresh(work / "sqlite-utils.db"))
    print(f"ipcli mark import:          {imported:7.2f} s (median of {runs}: {', '.join(f'{t:.2f}' for t in imports)})")
    print(f"sqlite3 executemany:        {bare:7.2f} s (median of {runs}: {', '.join(f'{t:.2f}' for t in bares)})")
    print(f"sqlite-utils insert --csv:  {utils:7.2f} s (one run)")
    print(f"ratio import/executemany:   {imported / bare:7.2f} (target <= {TARGET_EXECUTEMANY})")
    print(f"ratio import/sqlite-utils:  {imported / utils:7.2f} (target < {TARGET_SQLITE_UTILS})")
    print(f"into a register holding a mark (rows staged first): {staged:.2f} s, {staged / bare:.2f} x executemany "
          "(one run)")
    print(f"peak RSS of the import:     {own_mb + worker_mb:7.1f} MB (target < {TARGET_RSS_MB} MB; "
          f"{own_mb:.1f} MB the import process, {worker_mb:.1f} MB its worker)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of the import and of executemany (median)")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep the files")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        measure(args.rows, args.runs, args.keep)
        return 0
    with tempfile.TemporaryDirectory(prefix="ipcli-bench-") as work:
        measure(args.rows, args.runs, Path(work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
