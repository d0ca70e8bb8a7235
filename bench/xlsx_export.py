"""Speed of `ipcli mark list --format xlsx --out FILE` on a register of 100,000 marks, measured in one run
against openpyxl's own write-only mode writing the same cells in this process.

The register is made with `ipcli mark import` of the CSV that bench/import.py generates (every mark with
1-3 classes, an owner and most with an ID number, dates 2004-2026). The baseline reads the cells of the
workbook ipcli wrote (once, untimed) and writes them again with Workbook(write_only=True): the same rows and
columns and values, plain, without ipcli's styles, labels, widths or its query of the register. The ipcli
side is the whole command: start-up, reading the marks, their status, and the workbook.

Prints the median of each side over --runs interleaved runs (after an untimed warm-up of both) and the ratio
ipcli / openpyxl (target <= 2). Figures only: nothing is asserted.
Run: python bench/xlsx_export.py [--rows N] [--runs N]
"""

import argparse
import importlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import installed_ipcli, measure_in_temporary_directory, run_seconds

TARGET = 2.0
TODAY = "2026-11-21"


def build(ipcli: str, work: Path, rows: int) -> Path:
    generator = importlib.import_module("import")  # bench/import.py: `import` is a keyword, not its name
    source, register = work / "marks.csv", work / "register.db"
    started = time.perf_counter()
    generator.write_csv(source, rows)
    subprocess.run([ipcli, "--db", str(register), "-q", "mark", "import", str(source)], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"imported {rows:,} marks in {time.perf_counter() - started:.1f} s")
    return register


def cells_of(path: Path) -> list[tuple]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return list(book.active.iter_rows(values_only=True))
    finally:
        book.close()


def openpyxl_seconds(rows: list[tuple], path: Path) -> float:
    from openpyxl import Workbook

    start = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    book.save(path)
    return time.perf_counter() - start


def measure(args, work: Path) -> None:
    ipcli = installed_ipcli()
    register = build(ipcli, work, args.rows)
    written, baseline = work / "ipcli.xlsx", work / "openpyxl.xlsx"
    command = [ipcli, "--db", str(register), "--today", TODAY, "mark", "list", "--format", "xlsx", "--out",
               str(written)]
    run_seconds(command)  # warm-up, and the workbook whose cells the baseline writes
    rows = cells_of(written)
    openpyxl_seconds(rows, baseline)
    print(f"cells: {len(rows) - 1:,} rows of {len(rows[0])} columns and a header row, written by both")
    sides = {"ipcli mark list --format xlsx --out FILE": lambda: run_seconds(command),
             "openpyxl write-only, the same cells": lambda: openpyxl_seconds(rows, baseline)}
    medians = interleaved_medians(sides, args.runs)
    for name, seconds in medians.items():
        print(f"{name:>41}: {seconds * 1000:8.1f} ms (median of {args.runs})")
    ours, theirs = medians.values()
    print(f"ratio ipcli / openpyxl: {ours / theirs:.2f} (target <= {TARGET})")


def interleaved_medians(sides: dict, runs: int) -> dict[str, float]:
    """The median seconds of each side over `runs` rounds, each round running every side once, so that
    machine noise hits them alike."""
    samples = {name: [] for name in sides}
    for _ in range(runs):
        for name, time_it in sides.items():
            samples[name].append(time_it())
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    return measure_in_temporary_directory(measure, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
