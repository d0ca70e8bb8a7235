"""Speed of `ipcli deadlines --days 90 --format json` (and of `ipcli digest --dry-run --days 90` once that
command exists) on a register of 1,000,000 marks and 200,000 patents, measured in one run against a bare
Python script that opens the same file with sqlite3, runs the equivalent indexed query and json-dumps
the rows.

The register is built in a temporary directory with the real schema (ipcli.db.connection.open_db) and
filled directly with executemany. Every stored key date is the one ipcli computes (mark_row and
patent_row with a KeyDates cache). Registration dates are spread over 2004 to the day before --today
and most marks were renewed on time, so about 1/3650 of the marks expire on any day; a few percent
missed their last renewal (in grace, or lost). A few thousand open renewal filings (and some rejected
or withdrawn ones, which meet nothing) exercise the NOT EXISTS branch; a few hundred pledges, licences
and office notices the other kinds.

Prints the median of each command over --runs runs (interleaved, after an untimed warm-up run that
also applies any pending migration) and the ratios deadlines/bare (target <= 2) and digest/bare
(target <= 3). Figures only: nothing is asserted.
Run: python bench/deadlines.py [--rows-marks N] [--rows-patents N] [--runs N] [--db-cache PATH]
"""

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from common import installed_ipcli, measure_in_temporary_directory, run_seconds

TARGET_DEADLINES = 2.0
TARGET_DIGEST = 3.0
TODAY = date(2026, 3, 2)
FIRST_DAY = date(2004, 1, 1)
STAMP = "2026-01-01T00:00:00+00:00"
WINDOWS = (None, "FZ01", "XM02", "QZ03", "PT04")
OWNER_NAMES = ("福建闽光食品有限公司", "厦门海联科技股份有限公司", "泉州安达鞋业有限公司", "Fuzhou Bright Tea Co., Ltd.",
               "莆田木兰工艺品厂", "漳州绿源农业发展有限公司", "宁德时海电池材料有限公司", "张三")
GOODS = ("茶", "鞋", "电池", "饮料", "服装", "软件", "家具", "Tea", "Shoes", "Cloud")
MISSED_RENEWAL = 0.08     # marks whose last renewal was not made: in grace, or lost
BEHIND_ON_FEES = 0.10     # granted patents whose current year's annual fee is unpaid
OPEN_STATUSES = ("received", "ready", "exported", "submitted")
CLOSED_STATUSES = ("rejected", "withdrawn")
MARK_INSERT = ("INSERT INTO marks (reg_no, name, owner, owner_id, kind, registered_on, term_starts_on, window, "
               "expires_on, renewal_window_opens_on, grace_ends_on, dates_provisional, created_at, updated_at, "
               "classes) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
PATENT_COLUMNS = ("app_no", "type", "filed_on", "granted_on", "title", "owner", "owner_id", "reduction",
                  "paid_through", "window", "term_ends_on", "next_annuity_year", "next_annuity_due_on",
                  "next_annuity_grace_ends_on", "dates_provisional")
PATENT_INSERT = (f"INSERT INTO patents ({', '.join(PATENT_COLUMNS)}, created_at, updated_at) "
                 f"VALUES ({', '.join('?' * (len(PATENT_COLUMNS) + 2))})")

# The bare side: the same ten kinds over the same ranges and NOT EXISTS conditions as ipcli's
# DEADLINE_QUERIES, written out by hand, rows dumped as JSON arrays.
BARE_SCRIPT = r'''
import json, sqlite3, sys
path, start, end = sys.argv[1:4]
open_renewal = """NOT EXISTS (SELECT 1 FROM filing_rights fr JOIN filings f ON f.id = fr.filing_id
    WHERE fr.right_type = 'mark' AND fr.right_no = m.reg_no AND f.type = 'renewal'
    AND f.status IN ('received', 'ready', 'exported', 'submitted'))"""
right = """COALESCE((SELECT {m} FROM marks WHERE reg_no = {no}), (SELECT {p} FROM patents WHERE app_no = {no}))"""
def rights(no):
    return ", ".join(right.format(m=m, p=p, no=no) for m, p in (("owner", "owner"), ("name", "title")))
def mark(kind, column, rule, provisional="0"):
    return (f"SELECT m.{column}, '{kind}', 'mark', m.reg_no, m.owner, m.name, '{rule}', {provisional}, NULL, "
            f"m.window FROM marks m WHERE m.{column} BETWEEN :start AND :end AND {open_renewal}")
def patent(kind, column, rule, provisional="0"):
    return (f"SELECT p.{column}, '{kind}', 'patent', p.app_no, p.owner, p.title, '{rule}', {provisional}, NULL, "
            f"p.window FROM patents p WHERE p.{column} BETWEEN :start AND :end")
def license(kind, column, statuses):
    return (f"SELECT l.{column}, '{kind}', l.right_type, l.right_no, {rights('l.right_no')}, "
            "CASE l.right_type WHEN 'mark' THEN 'R-TM-LICENSE' ELSE 'R-PAT-LICENSE' END, 0, l.filing_id, "
            f"{right.format(m='window', p='window', no='l.right_no')} FROM licenses l "
            f"WHERE l.{column} BETWEEN :start AND :end AND l.status IN ({statuses})")
pledge = (f"SELECT g.ends_on, 'pledge_term_ends', r.right_type, r.right_no, {rights('r.right_no')}, "
          "CASE r.right_type WHEN 'mark' THEN 'R-TM-PLEDGE' ELSE 'R-PAT-PLEDGE' END, 0, g.filing_id, "
          f"{right.format(m='window', p='window', no='r.right_no')} "
          "FROM pledges g JOIN pledge_rights r ON r.pledge_id = g.id "
          "WHERE g.ends_on BETWEEN :start AND :end AND g.status = 'registered' AND NOT EXISTS (SELECT 1 FROM "
          "filings f WHERE f.type IN ('pledge_extension', 'pledge_release') AND f.status NOT IN ('rejected', "
          "'withdrawn') AND json_extract(f.details, '$.pledge_id') = g.id)")
notice = (f"SELECT n.deadline_on, 'notice_response_due', n.right_type, n.right_no, {rights('n.right_no')}, "
          f"n.rule, n.provisional, NULL, {right.format(m='window', p='window', no='n.right_no')} "
          "FROM notices n WHERE n.status = 'open' AND n.deadline_on BETWEEN :start AND :end")
union = " UNION ALL ".join([
    mark("mark_renewal_window_opens", "renewal_window_opens_on", "R-TM-WINDOW"),
    mark("mark_expires", "expires_on", "R-TM-WINDOW"),
    mark("mark_grace_ends", "grace_ends_on", "R-TM-GRACE", "m.dates_provisional"),
    patent("patent_annuity_due", "next_annuity_due_on", "R-PAT-ANNUITY-DUE"),
    patent("patent_annuity_grace_ends", "next_annuity_grace_ends_on", "R-PAT-LATE", "p.dates_provisional"),
    patent("patent_term_ends", "term_ends_on", "R-PAT-TERM"),
    pledge,
    license("license_term_ends", "ends_on", "'pending', 'recorded'"),
    license("license_recordal_due", "recordal_due_on", "'pending'"),
    notice,
])
connection = sqlite3.connect(path)
rows = connection.execute(f"SELECT * FROM ({union}) ORDER BY 1, 4, 2", {"start": start, "end": end}).fetchall()
sys.stdout.write(json.dumps(rows, ensure_ascii=False))
'''


def uscc(serial: int) -> str:
    """A valid unified social credit code (GB 32100) made from a serial number."""
    from stdnum.cn.uscc import calc_check_digit

    body = f"91350{serial:03d}MA{serial:07d}"[:17]
    return body + calc_check_digit(body)


def owners() -> list[tuple[str, str | None]]:
    people = [(name, uscc(index + 100)) for index, name in enumerate(OWNER_NAMES[:-1])]
    return people + [(OWNER_NAMES[-1], None)]  # a person without an ID on file


class Generator:
    """Rows of the register with the key dates ipcli stores, each computed once per distinct input."""

    def __init__(self, today: date, seed: int):
        from ipcli.register.rights import KeyDates
        from ipcli.rules.calendar import WorkCalendar

        self.today = today
        self.rng = random.Random(seed)
        self.key_dates = KeyDates(WorkCalendar())  # the register's calendar: bundled years, none imported
        self.people = owners()
        self._mark_dates: dict = {}

    def _day(self) -> date:
        return FIRST_DAY + timedelta(days=self.rng.randrange((self.today - FIRST_DAY).days))

    def _term_start(self, registered: date) -> date:
        """The start of the current term of a mark renewed on time ever since, or of the term before
        the last for one whose last renewal was missed."""
        starts = [registered]
        while self.key_dates.mark(starts[-1]).next_term_starts_on <= self.today:
            starts.append(self.key_dates.mark(starts[-1]).next_term_starts_on)
        if len(starts) > 1 and self.rng.random() < MISSED_RENEWAL:
            return starts[-2]
        return starts[-1]

    def _stored_mark_dates(self, registered: date, term_start: date) -> tuple:
        """The stored date columns of mark_row, once per distinct (registration, term start)."""
        from ipcli.register.rights import mark_row

        key = (registered, term_start)
        stored = self._mark_dates.get(key)
        if stored is None:
            row = mark_row(self.key_dates, reg_no="1", classes=[1], registered_on=registered,
                           term_starts_on=term_start)
            stored = self._mark_dates[key] = tuple(row[c] for c in (
                "registered_on", "term_starts_on", "expires_on", "renewal_window_opens_on", "grace_ends_on",
                "dates_provisional"))
        return stored

    def marks(self, count: int):
        """Mark rows (MARK_INSERT) with unique registration numbers in random order."""
        from ipcli.db.nice_classes import classes_text

        rng = self.rng
        for number in rng.sample(range(1_000_000, 99_999_999), count):
            registered = self._day()
            registered_on, term_starts_on, expires, opens, grace, provisional = self._stored_mark_dates(
                registered, self._term_start(registered))
            owner, owner_id = rng.choice(self.people)
            kind = "ordinary" if rng.random() < 0.97 else rng.choice(("collective", "certification"))
            row = (str(number), f"{rng.choice(GOODS)}{rng.randrange(10_000)}", owner, owner_id, kind, registered_on,
                   term_starts_on, rng.choice(WINDOWS), expires, opens, grace, provisional, STAMP, STAMP,
                   classes_text(rng.sample(range(1, 46), rng.randint(1, 3))))
            yield row

    def patents(self, count: int):
        from ipcli.register.rights import patent_row
        from ipcli.rules import patent
        from ipcli.rules.identifiers import patent_check_char

        rng = self.rng
        for serial in rng.sample(range(10_000_000), count):
            filed = self._day()
            type_digit = rng.choice("11112222333")
            digits = f"{filed.year:04d}{type_digit}{serial:07d}"
            patent_type = patent.PATENT_TYPES["123".index(type_digit)]
            years = patent.patent_term(patent_type, filed).term_years
            delay = rng.randint(700, 1500) if patent_type == patent.INVENTION else rng.randint(150, 400)
            granted = filed + timedelta(days=delay)
            granted = granted if granted < self.today and rng.random() < 0.9 else None
            paid_through = 0
            if granted is not None:
                current = patent.patent_year_of(filed, self.today)
                paid_through = min(years, current - 1 if rng.random() < BEHIND_ON_FEES else current)
            owner, owner_id = rng.choice(self.people)
            row = patent_row(self.key_dates, app_no=f"{digits}.{patent_check_char(digits)}", filed_on=filed,
                             granted_on=granted, paid_through=paid_through, title=f"一种{rng.choice(GOODS)}装置",
                             owner=owner, owner_id=owner_id, window=rng.choice(WINDOWS))
            yield tuple(row[c] for c in PATENT_COLUMNS) + (STAMP, STAMP)


def build(path: Path, marks: int, patents: int, today: date, seed: int = 20260302) -> None:
    from ipcli.db.connection import open_db

    started = time.perf_counter()
    open_db(path).conn.close()  # the real schema, every migration applied
    generator = Generator(today, seed)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA cache_size = -524288")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("BEGIN")
    mark_rows = sorted(generator.marks(marks))
    connection.executemany(MARK_INSERT, mark_rows)
    connection.executemany(PATENT_INSERT, sorted(generator.patents(patents)))
    counts = fill_filings(connection, generator, mark_rows)
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    connection.close()
    print(f"built {marks:,} marks, {patents:,} patents, {counts} in {time.perf_counter() - started:.1f} s")


def fill_filings(connection, generator: Generator, mark_rows: list) -> str:
    """Renewals (open ones meet the renewal deadlines), pledges with extensions, licences, notices."""
    rng, today = generator.rng, generator.today
    soon = (today + timedelta(days=120)).isoformat()
    # Marks whose renewal can be filed now and falls due soon: in the window, or in grace.
    candidates = [row for row in mark_rows if row[9] <= today.isoformat() <= row[10] and row[8] <= soon]
    renewals = rng.sample(candidates, min(len(candidates), max(1, len(mark_rows) // 250)))
    filings = 0

    def filing(kind: str, status: str, received: date, rights: list, details: dict) -> int:
        nonlocal filings
        filings += 1
        cursor = connection.execute(
            "INSERT INTO filings (type, status, received_on, status_on, window, operator, paper, fee_total, "
            "details, created_at) VALUES (?, ?, ?, ?, ?, 'bench', 0, 0, ?, ?)",
            (kind, status, received.isoformat(), received.isoformat(), rng.choice(WINDOWS),
             json.dumps(details, ensure_ascii=False, sort_keys=True), STAMP))
        connection.executemany("INSERT INTO filing_rights (filing_id, right_type, right_no) VALUES (?, ?, ?)",
                               [(cursor.lastrowid, *right) for right in rights])
        return cursor.lastrowid

    for index, mark in enumerate(renewals):
        status = rng.choice(CLOSED_STATUSES) if index % 4 == 0 else rng.choice(OPEN_STATUSES)
        filing("renewal", status, today - timedelta(days=rng.randrange(1, 60)), [("mark", mark[0])],
               {"expires_on": mark[8], "grace_ends_on": mark[10], "registrant": mark[2]})
    patent_nos = [row[0] for row in connection.execute("SELECT app_no FROM patents ORDER BY random() LIMIT 1000")]
    some_rights = [("mark", row[0]) for row in rng.sample(mark_rows, min(len(mark_rows), 1000))]
    some_rights += [("patent", number) for number in patent_nos]
    extras = max(1, len(mark_rows) // 2000)
    for _ in range(extras):  # pledges: registered, some with an extension filed
        right = rng.choice(some_rights)
        starts = today - timedelta(days=rng.randrange(30, 1000))
        ends = today + timedelta(days=rng.randrange(-200, 400))
        filing_id = filing("pledge", "accepted", starts, [right], {"pledgee": "兴业银行"})
        pledge_id = connection.execute(
            "INSERT INTO pledges (filing_id, pledgor, pledgee, debtor, amount, starts_on, ends_on, status) "
            "VALUES (?, ?, '兴业银行', ?, 1000000, ?, ?, 'registered')",
            (filing_id, None, None, starts.isoformat(), ends.isoformat())).lastrowid
        connection.execute("INSERT INTO pledge_rights (pledge_id, right_type, right_no) VALUES (?, ?, ?)",
                           (pledge_id, *right))
        if rng.random() < 0.2:
            filing("pledge_extension", rng.choice(OPEN_STATUSES + CLOSED_STATUSES), ends - timedelta(days=10),
                   [right], {"pledge_id": pledge_id, "ends_on": ends.isoformat()})
    for _ in range(extras):  # licences: pending and recorded
        right = rng.choice(some_rights)
        starts = today + timedelta(days=rng.randrange(-400, 60))
        status = rng.choice(("pending", "recorded", "void"))
        filing_id = filing("license", "accepted" if status == "recorded" else "received", starts, [right], {})
        connection.execute(
            "INSERT INTO licenses (filing_id, right_type, right_no, licensor, licensee, kind, starts_on, ends_on,"
            " recordal_due_on, status) VALUES (?, ?, ?, NULL, '某某公司', 'ordinary', ?, ?, ?, ?)",
            (filing_id, *right, starts.isoformat(), (starts + timedelta(days=rng.randrange(100, 1000))).isoformat(),
             (starts + timedelta(days=91)).isoformat(), status))
    for _ in range(extras):  # office notices, open and done
        right = rng.choice(some_rights)
        deadline = today + timedelta(days=rng.randrange(-30, 120))
        connection.execute(
            "INSERT INTO notices (right_type, right_no, kind, starts_on, deadline_raw, deadline_on, rule, status,"
            " created_at) VALUES (?, ?, 'correction', ?, ?, ?, 'R-TM-CORRECTION', ?, ?)",
            (*right, (deadline - timedelta(days=30)).isoformat(), deadline.isoformat(), deadline.isoformat(),
             rng.choice(("open", "open", "done")), STAMP))
    return f"{filings:,} filings ({len(renewals):,} renewals), {extras:,} pledges, licences and notices each"


def prepare(args, work: Path) -> Path:
    """The database: from the cache when it was built with the same parameters, else built (and cached)."""
    params = {"marks": args.rows_marks, "patents": args.rows_patents, "today": args.today.isoformat()}
    if args.db_cache is not None:
        meta = args.db_cache.with_name(args.db_cache.name + ".params.json")
        if args.db_cache.exists() and meta.exists() and json.loads(meta.read_text()) == params:
            print(f"using the database cached in {args.db_cache}")
            return args.db_cache
        for stale in (args.db_cache, meta, *(Path(f"{args.db_cache}{s}") for s in ("-wal", "-shm"))):
            stale.unlink(missing_ok=True)
        args.db_cache.parent.mkdir(parents=True, exist_ok=True)
        build(args.db_cache, args.rows_marks, args.rows_patents, args.today)
        meta.write_text(json.dumps(params))
        return args.db_cache
    path = work / "register.db"
    build(path, args.rows_marks, args.rows_patents, args.today)
    return path


def digest_available() -> bool:
    result = subprocess.run([sys.executable, "-c", "from ipcli.cli import COMMANDS; print('digest' in COMMANDS)"],
                            check=True, capture_output=True, text=True)
    return result.stdout.strip() == "True"


def check_same_rows(ipcli: list[str], bare: list[str]) -> None:
    """Both sides list the same deadlines, in the same order."""
    ours = json.loads(subprocess.run(ipcli, check=True, capture_output=True).stdout)
    theirs = json.loads(subprocess.run(bare, check=True, capture_output=True).stdout)
    same = [(r["due_on"], r["kind"], r["right_no"]) for r in ours] == [(r[0], r[1], r[3]) for r in theirs]
    kinds: dict[str, int] = {}
    for row in theirs:
        kinds[row[1]] = kinds.get(row[1], 0) + 1
    print(f"rows: {len(ours):,} from ipcli, {len(theirs):,} from the bare script"
          f" ({'the same' if same else 'NOT THE SAME'}); by kind: {kinds}")


def measure(args, work: Path) -> None:
    ipcli = installed_ipcli()
    db = str(prepare(args, work))
    today, end = args.today.isoformat(), (args.today + timedelta(days=args.days)).isoformat()
    days = str(args.days)
    commands = {
        "deadlines": [ipcli, "--db", db, "--today", today, "deadlines", "--days", days, "--format", "json"],
        "bare": [sys.executable, "-c", BARE_SCRIPT, db, today, end],
    }
    if digest_available():
        commands["digest"] = [ipcli, "--db", db, "--today", today, "digest", "--dry-run", "--days", days]
    else:
        print("digest: not available yet")
    for command in commands.values():  # warm the file cache; apply any pending migration untimed
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    check_same_rows(commands["deadlines"], commands["bare"])
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):  # interleaved, so that machine noise hits every command alike
        for name, command in commands.items():
            samples[name].append(run_seconds(command))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    labels = {"deadlines": f"ipcli deadlines --days {days} --format json",
              "bare": "bare sqlite3 + json.dumps", "digest": f"ipcli digest --dry-run --days {days}"}
    for name, value in medians.items():
        print(f"{labels[name]:>38}: {value * 1000:8.1f} ms (median of {args.runs})")
    print(f"ratio deadlines / bare: {medians['deadlines'] / medians['bare']:.2f} (target <= {TARGET_DEADLINES})")
    if "digest" in medians:
        print(f"ratio digest / bare:    {medians['digest'] / medians['bare']:.2f} (target <= {TARGET_DIGEST})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows-marks", type=int, default=1_000_000)
    parser.add_argument("--rows-patents", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--today", type=date.fromisoformat, default=TODAY)
    parser.add_argument("--db-cache", type=Path, help="keep the generated database here and reuse it")
    return measure_in_temporary_directory(measure, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
