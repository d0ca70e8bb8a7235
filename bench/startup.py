"""Start-up cost of ipcli commands against `python -c "import click"`, measured in one run.

Measures `ipcli --version` (target: at most 1.5 times `import click`), and two commands that do their
work (target: at most 2 times): `deadlines --days 30 --format json` on the sample register, and
`calc mark`. Prints each median, whole process, from interleaved rounds, and its ratio.
Run: python bench/startup.py [--runs N]
"""

import argparse
import statistics
import subprocess
import sys
import time

from common import installed_ipcli, measure_in_temporary_directory, run_seconds

TODAY = "2026-12-05"
TARGETS = {"--version": 1.5, "deadlines --days 30": 2.0, "calc mark": 2.0}


def commands(ipcli: str, register: str) -> dict[str, list[str]]:
    return {
        "import click": [sys.executable, "-c", "import click"],
        "--version": [ipcli, "--version"],
        "deadlines --days 30": [ipcli, "--db", register, "--today", TODAY, "deadlines", "--days", "30",
                                "--format", "json"],
        "calc mark": [ipcli, "calc", "mark", "--registered", "2016-02-29", "--today", TODAY, "--format", "json"],
    }


def measure(args, work) -> None:
    ipcli = installed_ipcli()
    register = str(work / "sample.db")
    subprocess.run([ipcli, "--db", register, "--today", TODAY, "sample", "load"], check=True,
                   stdout=subprocess.DEVNULL)
    measured = commands(ipcli, register)
    for command in measured.values():  # warm the file cache
        run_seconds(command)
    # Interleave single runs so that machine noise hits every command alike.
    samples: dict[str, list[float]] = {name: [] for name in measured}
    for _ in range(args.runs):
        for name, command in measured.items():
            samples[name].append(run_seconds(command))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name, value in medians.items():
        print(f"{name:>22}: {value * 1000:7.1f} ms (median of {args.runs})")
    args.over = []
    for name, target in TARGETS.items():
        ratio = medians[name] / medians["import click"]
        print(f"ratio ipcli {name} / import click: {ratio:.2f} (target <= {target})")
        if ratio > target:
            args.over.append(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    started = time.perf_counter()
    measure_in_temporary_directory(measure, args)
    print(f"({time.perf_counter() - started:.0f} s)")
    return 1 if args.over else 0


if __name__ == "__main__":
    sys.exit(main())
