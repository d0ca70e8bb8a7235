"""Speed of `ipcli deadlines --days 90 --format json` on a PostgreSQL register of 300,000 marks, against
`psql` running the same query (the SQL ipcli runs for that listing, with its parameters inlined), its rows
unaligned to /dev/null.

The register is a database `ipcli_bench_deadlines` created (again) on the server of --url (or
IPCLI_BENCH_POSTGRESQL), migrated by ipcli, and filled with COPY from bench/deadlines.py's Generator (the
key dates ipcli stores). Prints the median of each over --runs interleaved runs, after an untimed warm-up,
and "ratio ipcli/psql" (target <= 2). The floor is a Python process that only imports psycopg and
connects: no Python client can list faster than that. Figures only: nothing is asserted.
Run: python bench/deadlines_postgresql.py --url 'postgresql:///postgres?host=/tmp/pg&port=5433' [--rows-marks N]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from glob import glob

from common import run_seconds
from deadlines import MARK_INSERT, TODAY, Generator

TARGET = 2.0
DATABASE = "ipcli_bench_deadlines"
MARK_COLUMNS = MARK_INSERT[MARK_INSERT.index("(") + 1:MARK_INSERT.index(")")]


def database_url(base: str, name: str) -> str:
    """`base` (postgresql://host/anything?...) naming the database `name` instead."""
    address, question, query = base.partition("?")
    scheme, _, rest = address.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/{name}{question}{query}"


def build(base: str, marks: int, today: date) -> str:
    import psycopg

    from ipcli.db.dialect import postgresql
    from ipcli.db.location import PostgresLocation

    started = time.perf_counter()
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    url = database_url(base, DATABASE)
    PostgresLocation(url).open().close()  # the real schema, every migration applied
    with psycopg.connect(url) as connection:
        with connection.cursor().copy(postgresql(f"COPY marks ({MARK_COLUMNS}) FROM STDIN")) as copy:
            for row in sorted(Generator(today, 20260302).marks(marks)):
                copy.write_row(row)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    print(f"built {marks:,} marks with COPY in {time.perf_counter() - started:.1f} s")
    return url


class _Recorder:
    """Stands for a register's connection: keeps the statement ipcli.db.deadlines would run."""

    def execute(self, sql, params):
        self.statement = (sql, params)
        return []


def listing_sql(url: str, today: date, days: int) -> str:
    """The SQL `ipcli deadlines --days N` runs on PostgreSQL, its parameters inlined for psql."""
    import psycopg
    from types import SimpleNamespace

    from ipcli.db.deadlines import DEADLINE_KINDS, deadline_rows
    from ipcli.db.dialect import postgresql

    recorder = _Recorder()
    deadline_rows(SimpleNamespace(db=SimpleNamespace(conn=recorder)), today.isoformat(),
                  (today + timedelta(days=days)).isoformat(), DEADLINE_KINDS)
    sql, params = recorder.statement
    with psycopg.connect(url) as connection:
        return psycopg.ClientCursor(connection).mogrify(postgresql(sql), params)


def psql_program() -> str:
    found = shutil.which("psql") or next(iter(sorted(glob("/usr/lib/postgresql/*/bin/psql"))[-1:]), None)
    if found is None:
        sys.exit("psql is not installed")
    return found


def measure(args) -> None:
    url = build(args.url, args.rows_marks, args.today)
    days = str(args.days)
    commands = {
        "ipcli": [sys.executable, "-m", "ipcli", "--db", url, "--today", args.today.isoformat(), "deadlines",
                  "--days", days, "--format", "json"],
        "psql": [psql_program(), "-X", "-q", "-A", "-t", "-o", "/dev/null", "-d", url, "-c",
                 listing_sql(url, args.today, args.days)],
        "floor": [sys.executable, "-c", f"import psycopg; psycopg.connect({url!r}).close()"],
    }
    for command in commands.values():  # warm the server's cache, untimed
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):  # interleaved, so that machine noise hits both alike
        for name, command in commands.items():
            samples[name].append(run_seconds(command))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    labels = {"ipcli": f"ipcli deadlines --days {days} --format json", "psql": "psql, the same query",
              "floor": "python: import psycopg, connect"}
    for name, value in medians.items():
        print(f"{labels[name]:>38}: {value * 1000:8.1f} ms (median of {args.runs})")
    print(f"ratio ipcli/psql: {medians['ipcli'] / medians['psql']:.2f} (target <= {TARGET})")
    print(f"ratio floor/psql: {medians['floor'] / medians['psql']:.2f} (what any Python program using psycopg "
          "spends before its first query)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("IPCLI_BENCH_POSTGRESQL"),
                        help="a server's URL (env IPCLI_BENCH_POSTGRESQL); the bench database is made there")
    parser.add_argument("--rows-marks", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--today", type=date.fromisoformat, default=TODAY)
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set IPCLI_BENCH_POSTGRESQL")
    measure(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
