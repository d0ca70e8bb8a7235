"""Speed of `ipcli mark import` of an Excel workbook: 100,000 generated marks (by default) written by
openpyxl's write-only mode (identifiers as text, dates as date cells, as an agent's sheet has them),
imported into a new register, against openpyxl's own read-only iteration over the same file
(load_workbook(read_only=True) and iter_rows(values_only=True), every row consumed) in this process.

Prints both times (medians of --runs interleaved runs) and their ratio (target <= 3). Figures only:
nothing is asserted. Run: python bench/xlsx_import.py [--rows N] [--runs N]
"""

import argparse
import importlib
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from common import installed_ipcli, measure_in_temporary_directory, run_seconds

TARGET_RATIO = 3.0
DATE_COLUMNS = ("registered_on", "term_starts_on")
marks_csv = importlib.import_module("import")  # bench/import.py: the same generated marks


def write_workbook(path: Path, count: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("marks")
    sheet.append(marks_csv.COLUMNS)
    dates = [marks_csv.COLUMNS.index(column) for column in DATE_COLUMNS]
    for row in marks_csv.mark_rows(count):
        cells = [value or None for value in row]
        for index in dates:
            cells[index] = date.fromisoformat(cells[index]) if cells[index] else None
        sheet.append(cells)
    book.save(path)


def openpyxl_iteration(path: Path) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    rows = 0
    for _ in book.worksheets[0].iter_rows(values_only=True):
        rows += 1
    book.close()
    return time.perf_counter() - start


def measure(args, work: Path) -> None:
    ipcli = installed_ipcli()
    path = work / "marks.xlsx"
    start = time.perf_counter()
    write_workbook(path, args.rows)
    print(f"generated {args.rows:,} marks ({path.stat().st_size / 1e6:.1f} MB XLSX) in "
          f"{time.perf_counter() - start:.1f} s")
    imports, iterations = [], []
    for run in range(args.runs):  # interleaved, so that a slow spell of the machine weighs on both
        db_path = work / f"import-{run}.db"
        imports.append(run_seconds([ipcli, "--db", str(db_path), "--quiet", "mark", "import", str(path),
                                    "--format", "json"]))
        iterations.append(openpyxl_iteration(path))
    imported, iterated = statistics.median(imports), statistics.median(iterations)
    print(f"ipcli mark import F.xlsx:   {imported:7.2f} s (median of {args.runs}: "
          f"{', '.join(f'{t:.2f}' for t in imports)})")
    print(f"openpyxl read-only rows:    {iterated:7.2f} s (median of {args.runs}: "
          f"{', '.join(f'{t:.2f}' for t in iterations)})")
    print(f"ratio import/openpyxl:      {imported / iterated:7.2f} (target <= {TARGET_RATIO})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of the import and of the iteration (median)")
    return measure_in_temporary_directory(measure, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
