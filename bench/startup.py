"""Start-up cost of ipcli commands against `python -c "import click"`, measured in one run: `ipcli --version`,
`ipcli deadlines --days 30` on the sample register and `ipcli calc mark`, whole processes.

Prints each median and its ratio to import click (targets: --version at most 1.5, every command at most 2).
Run: python bench/startup.py [--runs N]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

from common import installed_ipcli, measure_in_temporary_directory

TARGETS = {"ipcli --version": 1.5, "deadlines --days 30": 2.0, "calc mark": 2.0}
BASELINE = "import click"
ROUNDS = 5


def median_seconds(command: list[str], runs: int, env: dict) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(args, work) -> None:
    ipcli = installed_ipcli()
    env = {**os.environ, "IPCLI_DB": str(work / "sample.db"), "IPCLI_TODAY": "2026-11-21", "IPCLI_LANG": "en"}
    subprocess.run([ipcli, "sample", "load"], check=True, stdout=subprocess.DEVNULL, env=env)
    commands = {BASELINE: [sys.executable, "-c", "import click"], "ipcli --version": [ipcli, "--version"],
                "deadlines --days 30": [ipcli, "deadlines", "--days", "30"],
                "calc mark": [ipcli, "calc", "mark", "--registered", "2016-03-01"]}
    for command in commands.values():  # warm the file cache
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    # Interleave small rounds so that machine noise hits every command alike.
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(ROUNDS):
        for name, command in commands.items():
            samples[name].append(median_seconds(command, max(1, args.runs // ROUNDS), env))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name, value in medians.items():
        print(f"{name:>20}: {value * 1000:7.1f} ms (median)")
    args.over = []
    for name, target in TARGETS.items():
        ratio = medians[name] / medians[BASELINE]
        print(f"ratio {name} / {BASELINE}: {ratio:.2f} (target <= {target})")
        if ratio > target:
            args.over.append(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    measure_in_temporary_directory(measure, args)
    return 1 if args.over else 0


if __name__ == "__main__":
    sys.exit(main())
