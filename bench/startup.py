"""Start-up cost of `ipcli --version` against `python -c "import click"`, measured in one run.

Prints both medians and their ratio (target: at most 1.5). Run: python bench/startup.py [--runs N]
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time

TARGET = 1.5


def median_seconds(command: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    ipcli = shutil.which("ipcli")
    if ipcli is None:
        sys.exit("the ipcli command is not installed: run `python -m pip install -e .` first")
    commands = {"ipcli --version": [ipcli, "--version"], "import click": [sys.executable, "-c", "import click"]}
    for command in commands.values():  # warm the file cache
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    # Interleave small rounds so that machine noise hits both commands alike.
    rounds = 5
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            samples[name].append(median_seconds(command, max(1, args.runs // rounds)))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    ratio = medians["ipcli --version"] / medians["import click"]
    for name, value in medians.items():
        print(f"{name:>16}: {value * 1000:7.1f} ms (median)")
    print(f"ratio ipcli --version / import click: {ratio:.2f} (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
