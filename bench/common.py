"""What every bench script shares: the installed ipcli, and the wall time of one command."""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def installed_ipcli() -> str:
    ipcli = shutil.which("ipcli")
    if ipcli is None:
        sys.exit("the ipcli command is not installed: run `python -m pip install -e .` first")
    return ipcli


def measure_in_temporary_directory(measure, args) -> int:
    """Run `measure(args, work)` in a temporary work directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="ipcli-bench-") as work:
        measure(args, Path(work))
    return 0


def run_seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start
