"""Speed of submission batches on 100,000 items, measured in one run (figures only: nothing is asserted).

- `ipcli batch export` of 100,000 ready renewals, against writing the same items with json.dump
  (target: at most 5 times);
- `ipcli batch validate` of the batch it wrote, against `python -c "import json; json.load(open(F))"`
  on the same file (target: at most 5 times).

Each command runs as its own process (start-up included), the median of --runs runs, interleaved with
its baseline so that machine noise hits both alike. Run: python bench/batch.py [--items N] [--runs N]
"""

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TARGET = 5.0
TODAY = date(2026, 11, 21)
OWNER_NAMES = ("福建闽光食品有限公司", "厦门海联科技股份有限公司", "泉州安达鞋业有限公司", "莆田木兰工艺品厂",
               "漳州绿源农业发展有限公司", "宁德时海电池材料有限公司")
MARK_NAMES = ("闽光", "海联", "安达", "木兰", "绿源", "时海", "Bright Tea", "Cloud")
WINDOWS = ("FZ01", "XM02", "QZ03")


def uscc(serial: int) -> str:
    from stdnum.cn.uscc import calc_check_digit

    body = f"91350{serial:03d}MA{serial:07d}"[:17]
    return body + calc_check_digit(body)


def renewal_rows(count: int, seed: int = 20261121):
    """(mark row, classes, filing details, fee, filed) of `count` marks in their renewal window, each
    with a renewal received in the last 30 days: the register's own rules compute every date and fee."""
    from ipcli.register.rights import KeyDates, mark_row
    from ipcli.rules import trademark
    from ipcli.rules.calendar import WorkCalendar

    rng, key_dates = random.Random(seed), KeyDates(WorkCalendar({}))
    owners = [(name, uscc(index + 1)) for index, name in enumerate(OWNER_NAMES)]
    for index in range(count):
        term_start = TODAY + timedelta(days=1 + index % 300)
        term_start = term_start.replace(year=term_start.year - 10, day=min(term_start.day, 28))
        owner, owner_id = owners[index % len(owners)]
        classes = sorted(rng.sample(range(1, 46), 1 + index % 3))
        row = mark_row(key_dates, reg_no=str(10_000_000 + index), classes=classes, registered_on=term_start,
                       name=MARK_NAMES[index % len(MARK_NAMES)], owner=owner, owner_id=owner_id,
                       window=WINDOWS[index % len(WINDOWS)])
        filed = TODAY - timedelta(days=index % 30)
        dates = key_dates.mark(term_start)
        record = trademark.assess_renewal(dates, filed, len(classes)).as_record()
        details = {"renewal_status": record["status"], "expires_on": dates.expires_on,
                   "grace_ends_on": dates.grace_ends_on, "new_term_starts_on": dates.next_term_starts_on,
                   "new_term_expires_on": dates.next_term_expires_on, "classes": classes,
                   "fee_renewal": record["fee_renewal"], "fee_late": record["fee_late"], "registrant": owner,
                   "registrant_id": owner_id}
        yield row, classes, details, record["fee_total"], filed


def build_register(path: Path, count: int) -> None:
    """A register holding `count` marks, each with one renewal filing in status `ready`."""
    from ipcli.clock import now_stamp
    from ipcli.db.connection import open_db
    from ipcli.db.nice_classes import classes_text
    from ipcli.db.store import MARK_COLUMNS

    db = open_db(path)
    connection, stamp = db.conn, now_stamp()
    marks, filings, rights = [], [], []
    for filing_id, (row, classes, details, fee, filed) in enumerate(renewal_rows(count), start=1):
        marks.append([row[c] for c in MARK_COLUMNS if c != "classes"] + [classes_text(classes), stamp, stamp])
        filings.append((filing_id, "renewal", "ready", filed.isoformat(), filed.isoformat(), row["window"], "bench",
                        0, fee, json.dumps(details, ensure_ascii=False, sort_keys=True, default=str), stamp))
        rights.append((filing_id, "mark", row["reg_no"]))
    connection.execute("BEGIN")
    columns = [c for c in MARK_COLUMNS if c != "classes"] + ["classes", "created_at", "updated_at"]
    connection.executemany(f"INSERT INTO marks ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                           marks)
    connection.executemany("INSERT INTO filings (id, type, status, received_on, status_on, window, operator, paper, "
                           "fee_total, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", filings)
    connection.executemany("INSERT INTO filing_rights (filing_id, right_type, right_no) VALUES (?, ?, ?)", rights)
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def run(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def export_once(ipcli: str, template: Path, work: Path, round_: int) -> tuple[float, Path]:
    """Time one export on a fresh copy of the register; the batch file it wrote."""
    db, out = work / f"export-{round_}.db", work / f"out-{round_}"
    shutil.copyfile(template, db)
    seconds = run([ipcli, "--db", str(db), "--today", TODAY.isoformat(), "--quiet", "batch", "export", "--type",
                   "renewal", "--all-windows", "--out", str(out), "--format", "json"])
    return seconds, next(out.glob("*.json"))


def dump_once(items: list, path: Path) -> float:
    """The baseline: the same items written with json.dump."""
    start = time.perf_counter()
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(items, handle, ensure_ascii=False)
    return time.perf_counter() - start


def measure(ipcli: str, work: Path, count: int, runs: int) -> dict[str, list[float]]:
    template = work / "register.db"
    build_register(template, count)
    times: dict[str, list[float]] = {"export": [], "json.dump": [], "validate": [], "json.load": []}
    batch_file = None
    for round_ in range(runs):
        seconds, batch_file = export_once(ipcli, template, work, round_)
        times["export"].append(seconds)
        items = json.loads(batch_file.read_text(encoding="utf-8"))["items"]
        times["json.dump"].append(dump_once(items, work / "dumped.json"))
        del items
        times["validate"].append(run([ipcli, "--db", str(work / "validate.db"), "--today", TODAY.isoformat(), "--quiet",
                                      "batch", "validate", str(batch_file), "--format", "json"]))
        times["json.load"].append(run([sys.executable, "-c", "import json, sys; json.load(open(sys.argv[1]))",
                                       str(batch_file)]))
    print(f"batch file: {batch_file.stat().st_size / 1e6:.1f} MB, {count:,} items")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ipcli = shutil.which("ipcli")
    if ipcli is None:
        sys.exit("the ipcli command is not installed: run `python -m pip install -e .` first")
    with tempfile.TemporaryDirectory(prefix="ipcli-bench-batch-") as work:
        times = measure(ipcli, Path(work), args.items, args.runs)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        print(f"{name:>10}: {value:7.2f} s (median of {args.runs})")
    for command, baseline in (("export", "json.dump"), ("validate", "json.load")):
        ratio = medians[command] / medians[baseline]
        print(f"ratio batch {command} / {baseline}: {ratio:.2f} (target <= {TARGET:g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
