"""Speed of `ipcli mark import` of 1,000,000 generated marks (bench/import.py's CSV) into a new PostgreSQL
register, measured against a bare COPY of the same CSV into a table of the same shape on the same server.

The bare side runs in this process: psycopg streams the CSV file to `COPY ... FROM STDIN (FORMAT csv)`
into a table made `LIKE marks INCLUDING ALL` (the register's columns, types, defaults, checks and
indexes) in a new register of its own, its NOT NULL constraints dropped but the key's, as the CSV
holds only the columns a user writes (ipcli computes the key dates). Each side runs --runs times,
interleaved, each in a new database (created and migrated untimed, dropped afterwards); the medians
and the ratio import/COPY (target <= 2) are printed. Figures only: nothing is asserted.

Run: python bench/import_postgresql.py [--url URL] [--rows N] [--runs N]; the URL of a server where
databases may be created (its database part is replaced) is --url or IPCLI_BENCH_POSTGRESQL.
"""

import argparse
import importlib
import os
import statistics
import sys
import time
from pathlib import Path

from common import installed_ipcli, measure_in_temporary_directory, run_seconds

# bench/import.py writes the CSV; its name is a keyword, so it is imported by name.
mark_csv = importlib.import_module("import")

TARGET_COPY = 2.0
URL_ENV = "IPCLI_BENCH_POSTGRESQL"
DATABASE = "ipcli_bench_import"
CHUNK = 1 << 20


def database_url(base: str, name: str) -> str:
    """`base` (postgresql://host/anything?...) naming the database `name` instead."""
    address, question, query = base.partition("?")
    scheme, _, rest = address.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/{name}{question}{query}"


def fresh_register(base: str) -> str:
    """The URL of a new, migrated ipcli register (the database made again)."""
    import psycopg

    from ipcli.db.location import PostgresLocation

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    url = database_url(base, DATABASE)
    PostgresLocation(url).open().close()
    return url


def bare_copy_seconds(url: str, csv_path: Path) -> float:
    """A COPY of the CSV into `bare_marks`, a table of the marks' shape, and its commit."""
    import psycopg

    with psycopg.connect(url) as connection:
        connection.execute("CREATE TABLE bare_marks (LIKE marks INCLUDING ALL)")
        nullable = [name for name, in connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'bare_marks' "
            "AND is_nullable = 'NO' AND column_name <> 'reg_no'")]
        for name in nullable:
            connection.execute(f'ALTER TABLE bare_marks ALTER COLUMN "{name}" DROP NOT NULL')
        connection.commit()
        columns = ", ".join(f'"{name}"' for name in mark_csv.COLUMNS)
        start = time.perf_counter()
        with connection.cursor().copy(f"COPY bare_marks ({columns}) FROM STDIN (FORMAT csv, HEADER true)") as copy:
            with open(csv_path, "rb") as handle:
                while block := handle.read(CHUNK):
                    copy.write(block)
        connection.commit()
        seconds = time.perf_counter() - start
        assert connection.execute("SELECT count(*) FROM bare_marks").fetchone()[0] > 0
    return seconds


def import_seconds(ipcli: str, url: str, csv_path: Path) -> float:
    return run_seconds([ipcli, "--db", url, "--quiet", "mark", "import", str(csv_path), "--format", "json"])


def measure(args, work: Path) -> None:
    ipcli = installed_ipcli()
    csv_path = work / "marks.csv"
    mark_csv.write_csv(csv_path, args.rows)
    print(f"generated {args.rows:,} marks ({csv_path.stat().st_size / 1e6:.1f} MB CSV)")
    imports, copies = [], []
    try:
        for _ in range(args.runs):  # interleaved, so that a slow spell of the machine weighs on both
            imports.append(import_seconds(ipcli, fresh_register(args.url), csv_path))
            copies.append(bare_copy_seconds(fresh_register(args.url), csv_path))
    finally:
        drop_database(args.url)
    imported, copied = statistics.median(imports), statistics.median(copies)
    print(f"ipcli mark import:    {imported:7.2f} s (median of {args.runs}: {', '.join(f'{t:.2f}' for t in imports)})")
    print(f"bare COPY (csv):      {copied:7.2f} s (median of {args.runs}: {', '.join(f'{t:.2f}' for t in copies)})")
    print(f"ratio import/COPY: {imported / copied:.2f} (target <= {TARGET_COPY})")


def drop_database(base: str) -> None:
    import psycopg

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=os.environ.get(URL_ENV), help=f"server URL (default: ${URL_ENV})")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of the import and of COPY (median)")
    args = parser.parse_args()
    if not args.url:
        sys.exit(f"needs a PostgreSQL server: --url URL or {URL_ENV}")
    return measure_in_temporary_directory(measure, args)


if __name__ == "__main__":
    sys.exit(main())
