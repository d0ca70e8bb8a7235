"""The register file in a bad state or in bad hands: readers that never wait for a writer, files that are
no register (damaged, not SQLite, not a regular file), read-only and full disks (exit 74, reads of a
read-only register still work), a register written by a newer ipcli (writes exit 78, reads work), a
register missing a table (`db check` exits 65), bad IPCLI_BUSY_TIMEOUT values (78) and an empty --db (2)."""

import json
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import on_postgresql, register_sql
from made_up_notices import HOLIDAYS_2027

from ipcli.db import connection as connection_module
from ipcli.db.location import register_location

TODAY = {"IPCLI_LANG": "en", "IPCLI_TODAY": "2026-11-21", "LANG": "C", "NO_COLOR": "1"}
MARK = "30000037"  # a mark of the sample portfolio
PATENT = "201620100001.8"
NEW_MARK = ("mark", "add", "12345678", "--registered", "2020-01-01", "--classes", "9")

# Commands that only read the register (with --format json where they print data).
READS = [("mark", "show", MARK), ("mark", "list"), ("patent", "show", PATENT), ("patent", "list"),
         ("deadlines",), ("expiries",), ("filing", "list"), ("filing", "show", "1"), ("pledge", "list"),
         ("notice", "list"), ("window", "list"), ("batch", "list"), ("log", "--limit", "3"), ("stats",),
         ("calendar", "status"), ("db", "check"), ("calc", "mark", "--registered", "2020-01-01")]
# Commands that write, each valid on the sample portfolio.
WRITES = [NEW_MARK, ("patent", "add", "202310000003.4", "--filed", "2023-01-01"),
          ("window", "add", "SH-TEST", "--name", "Test window"), ("renew", "add", "30006808", "--filed", "2026-11-20"),
          ("filing", "set-status", "1", "ready"), ("notice", "done", "1")]


def one_error_line(result, code: int) -> str:
    """The one error line on stderr (after any warnings, such as those on holiday data), and nothing on stdout."""
    assert (result.exit_code, result.stdout) == (code, ""), result.stderr
    errors = [line for line in result.stderr.splitlines() if not line.startswith("ipcli: warning: ")]
    assert len(errors) == 1 and errors[0].startswith("ipcli: error: "), result.stderr
    assert result.stderr.endswith(errors[0] + "\n")
    return errors[0]


def dump(path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


def files_in(directory) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


@pytest.fixture
def sample(invoke, register, db_path):
    """The sample register: its file (SQLite), or its URL (PostgreSQL)."""
    assert invoke("sample", "load", "--format", "json").exit_code == 0
    return register if on_postgresql(register) else db_path


def held(register) -> list:
    """What a register holds, on either backend."""
    if not on_postgresql(str(register)):
        return dump(register)
    return [register_sql(register, f"SELECT * FROM {table} ORDER BY 1") for table in ("marks", "filings", "journal")]


def shown(register) -> str:
    return str(register_location(str(register)))


def run_ipcli(*args, env=None, prefix=(), timeout=60) -> subprocess.CompletedProcess:
    """ipcli in a process of its own, whose `returncode` the assertions below call `exit_code`."""
    result = subprocess.run([*prefix, sys.executable, "-m", "ipcli", *map(str, args)], capture_output=True,
                            text=True, timeout=timeout, env={**os.environ, **TODAY, **(env or {})})
    result.exit_code = result.returncode
    return result


# 3. Readers do not wait for writers


@contextmanager
def write_lock(path):
    """Another connection holding the register's write lock (BEGIN IMMEDIATE) while the block runs."""
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO windows (code, name, created_at) VALUES ('LOCK', 'held', 'now')")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")


@pytest.mark.sqlite_only("SQLite's write lock on the file; tests/test_postgresql.py holds the advisory lock")
@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_reads_run_while_another_connection_holds_the_write_lock(invoke, sample, args):
    """Any wait for the lock would last until the 2 s busy timeout and exit 75: the lock is held throughout."""
    with write_lock(sample):
        result = invoke(*args, *(() if args[0] == "calendar" else ("--format", "json")),
                        env={"IPCLI_BUSY_TIMEOUT": "2"})
    assert result.exit_code == 0, result.stderr
    assert "LOCK" not in result.stdout  # the other connection's uncommitted row is not seen


HOLD_THE_WRITE_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("INSERT INTO windows (code, name, created_at) VALUES ('LOCK', 'held', 'now')")
print("locked", flush=True)
sys.stdin.read()
connection.execute("ROLLBACK")
"""


@pytest.mark.sqlite_only("SQLite's write lock on the file")
def test_reads_in_another_process_do_not_wait_for_a_writing_process(invoke, sample):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_WRITE_LOCK, str(sample)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        env = {"IPCLI_DB": str(sample), "IPCLI_BUSY_TIMEOUT": "5"}
        shown = run_ipcli("mark", "show", MARK, "--format", "json", env=env)
        due = run_ipcli("deadlines", "--days", "90", "--format", "json", env=env)
        writer = run_ipcli(*NEW_MARK, env={**env, "IPCLI_BUSY_TIMEOUT": "0.5"})
    finally:
        holder.communicate("", timeout=60)
    assert shown.returncode == 0 and json.loads(shown.stdout)["reg_no"] == MARK, shown.stderr
    assert due.returncode == 0 and json.loads(due.stdout), due.stderr
    assert writer.returncode == 75  # writers still wait for each other, and give up past the busy timeout


def test_pending_migrations_are_applied_by_the_next_command(invoke, db_path):
    import sqlite_utils

    from ipcli.db.migrations import MIGRATIONS

    with closing(sqlite_utils.Database(db_path)) as older:
        MIGRATIONS.apply(older, stop_before="m003_digest_log")
    assert invoke("mark", "list", "--format", "json").stdout == "[]\n"
    record = json.loads(invoke("db", "check", "--format", "json").stdout)
    assert record["migrations_pending"] == [] and record["ok"] is True


# 11. A register that cannot be read or written: exit 74, one line naming the file and the cause


def not_sqlite(path, sample_bytes) -> None:
    path.write_bytes(b"reg_no,classes\n12345678,9\n" * 400)


def truncated_in_its_first_page(path, sample_bytes) -> None:
    path.write_bytes(sample_bytes[:5000])


def truncated_after_its_first_pages(path, sample_bytes) -> None:
    path.write_bytes(sample_bytes[:16384 * 3 + 100])


def header_then_zeros(path, sample_bytes) -> None:
    path.write_bytes(sample_bytes[:100] + bytes(16384 * 4 - 100))


def header_then_noise(path, sample_bytes) -> None:
    path.write_bytes(sample_bytes[:16384] + bytes(range(256)) * 64 * 8)


def zeros(path, sample_bytes) -> None:
    path.write_bytes(bytes(65536))


DAMAGED = [not_sqlite, truncated_in_its_first_page, truncated_after_its_first_pages, header_then_zeros,
           header_then_noise, zeros]
DAMAGE_REASONS = ("file is not a database", "database disk image is malformed")


@pytest.mark.sqlite_only("a damaged register file")
@pytest.mark.parametrize("args", [("mark", "list"), ("deadlines",), NEW_MARK, ("log",)], ids=" ".join)
@pytest.mark.parametrize("make", DAMAGED, ids=lambda make: make.__name__)
def test_a_damaged_or_foreign_file_exits_74_naming_it_and_is_left_as_it_was(invoke, sample, tmp_path, make, args):
    broken = tmp_path / "broken.db"
    make(broken, sample.read_bytes())
    before = broken.read_bytes()
    message = one_error_line(invoke("--db", broken, *args), 74)
    assert str(broken) in message and any(reason in message for reason in DAMAGE_REASONS), message
    assert broken.read_bytes() == before


def test_an_sqlite_database_of_another_program_is_not_made_a_register(invoke, tmp_path):
    other = tmp_path / "notes.db"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.commit()
    before = dump(other)
    for args in (("mark", "list"), NEW_MARK):
        message = one_error_line(invoke("--db", other, *args), 74)
        assert str(other) in message and "not an ipcli register" in message
    assert dump(other) == before


def fifo(path):
    os.mkfifo(path)


def unix_socket(path):
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    return listener


def null_device(path):
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))


def directory(path):
    path.mkdir()


NOT_FILES = [fifo, unix_socket, null_device, directory]


@pytest.mark.parametrize("make", NOT_FILES, ids=lambda make: make.__name__)
@pytest.mark.parametrize("args", [("mark", "list"), NEW_MARK], ids=" ".join)
def test_a_path_that_is_no_regular_file_exits_74_and_is_left_alone(tmp_path, make, args):
    """In a process of its own, killed if it hangs: SQLite would wait for ever on a FIFO."""
    target = tmp_path / "register"
    try:
        kept = make(target)
    except OSError as error:  # a device needs root; a socket's path has a length limit
        pytest.skip(f"no {make.__name__} can be made here: {error}")
    before = target.lstat()
    result = run_ipcli("--db", target, *args, timeout=30)
    message = one_error_line(result, 74)
    assert str(target) in message and "not a regular file" in message
    after = target.lstat()
    assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register"]  # no -wal, -shm or -journal beside it
    if kept is not None:
        kept.close()


def test_a_dangling_symlink_is_not_followed_to_create_a_register(invoke, tmp_path):
    link, elsewhere = tmp_path / "ipcli.db", tmp_path / "elsewhere.db"
    link.symlink_to(elsewhere)
    assert str(link) in one_error_line(invoke("--db", link, *NEW_MARK), 74)
    assert not elsewhere.exists() and link.is_symlink()


@pytest.mark.parametrize("args", [("mark", "list"), NEW_MARK, ("db", "check")], ids=" ".join)
def test_a_register_under_a_regular_file_is_refused(invoke, tmp_path, args):
    plain = tmp_path / "somefile"
    plain.write_text("keep me\n", encoding="utf-8")
    register = plain / "ipcli.db"
    message = one_error_line(invoke("--db", register, *args), 74 if args == NEW_MARK else 78)  # reads: none there
    assert str(register) in message
    assert plain.read_text(encoding="utf-8") == "keep me\n"


# Read-only registers: the permission bits must apply to the process under test. Root ignores them,
# so as root the commands run without the capabilities that bypass them (setpriv).

UNPRIVILEGED = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--")


def permission_bits_prefix(probe_directory) -> tuple:
    """The command prefix under which a 0555 directory cannot be written; skip when there is none."""
    prefix = () if os.geteuid() != 0 else UNPRIVILEGED
    if prefix and shutil.which(prefix[0]) is None:
        pytest.skip("running as root without setpriv: permission bits cannot be made to apply")
    probe_directory.mkdir()
    probe_directory.chmod(0o555)
    try:
        made = subprocess.run([*prefix, sys.executable, "-c", "import sys; open(sys.argv[1], 'w')",
                               str(probe_directory / "probe")], capture_output=True, timeout=60)
    finally:
        probe_directory.chmod(0o755)
    if made.returncode == 0:
        pytest.skip("this process can write into a read-only directory: permission bits do not apply")
    return prefix


@pytest.fixture
def read_only(tmp_path):
    """(prefix, make_read_only): make_read_only(path, file_mode, directory_mode) until the test ends."""
    prefix = permission_bits_prefix(tmp_path / "probe")
    changed = []

    def make_read_only(path, file_mode: int, directory_mode: int) -> None:
        changed.extend([path.parent, path])
        path.chmod(file_mode)
        path.parent.chmod(directory_mode)

    yield prefix, make_read_only
    for path in changed:
        path.chmod(0o755 if path.is_dir() else 0o600)


READ_ONLY_READS = (("mark", "list"), ("deadlines",), ("log",), ("calc", "workday", "2027-02-13"))


def backup_copy(invoke, sample, directory):
    """A `db backup` copy: one self-contained file in rollback-journal (delete) mode."""
    directory.mkdir()
    copy = directory / "copy.db"
    assert invoke("db", "backup", copy, "--format", "json").exit_code == 0
    return copy


@pytest.mark.sqlite_only("file and directory modes")
@pytest.mark.parametrize("file_mode, directory_mode, journal", [
    (0o444, 0o555, "wal"), (0o444, 0o755, "wal"), (0o644, 0o555, "wal"), (0o444, 0o555, "delete"),
    (0o644, 0o555, "delete")], ids=["ro-file-ro-dir", "ro-file", "ro-dir", "ro-file-ro-dir-delete-journal",
                                    "ro-dir-delete-journal"])
def test_a_read_only_register_can_be_read_and_refuses_writes_with_74(invoke, sample, tmp_path, read_only,
                                                                     file_mode, directory_mode, journal):
    prefix, make_read_only = read_only
    holidays = tmp_path / "2027.json"
    holidays.write_text(json.dumps(HOLIDAYS_2027), encoding="utf-8")
    assert invoke("calendar", "import", holidays).exit_code == 0
    if journal == "wal":
        register = tmp_path / "office" / "ipcli.db"
        register.parent.mkdir()
        shutil.copyfile(sample, register)
    else:
        register = backup_copy(invoke, sample, tmp_path / "office")
    expected = {args: invoke(*args, "--format", "json").stdout for args in READ_ONLY_READS}
    assert '"source": "imported"' in expected[READ_ONLY_READS[-1]]  # calc reads the register's holiday years
    make_read_only(register, file_mode, directory_mode)
    before = files_in(register.parent)
    env = {"IPCLI_DB": str(register), "HOME": str(tmp_path)}
    for args, stdout in expected.items():
        result = run_ipcli(*args, "--format", "json", env=env, prefix=prefix)
        assert (result.returncode, result.stdout) == (0, stdout), result.stderr
    checked = run_ipcli("db", "check", "--format", "json", env=env, prefix=prefix)
    assert checked.returncode == 0 and json.loads(checked.stdout)["ok"] is True, checked.stderr
    looked = run_ipcli("digest", env=env, prefix=prefix)  # looking records nothing, so it needs no write
    assert (looked.returncode, looked.stdout.startswith("ipcli deadlines ")) == (0, True), looked.stderr
    for args in (NEW_MARK, ("window", "add", "SH-TEST", "--name", "Test"), ("digest", "--record")):
        message = one_error_line(run_ipcli(*args, env=env, prefix=prefix), 74)  # digest: nothing sent to stdout
        assert str(register) in message and "readonly" in message, message
    assert files_in(register.parent) == before


def test_a_new_register_in_a_read_only_directory_exits_74(tmp_path, read_only):
    prefix, make_read_only = read_only
    office = tmp_path / "office"
    office.mkdir()
    (office / "keep").write_text("x", encoding="utf-8")
    make_read_only(office / "keep", 0o644, 0o555)
    register = office / "ipcli.db"
    message = one_error_line(run_ipcli("--db", register, *NEW_MARK, prefix=prefix), 74)
    assert str(register) in message and "Permission denied" in message
    assert sorted(p.name for p in office.iterdir()) == ["keep"]


@pytest.mark.sqlite_only("SQLite's page limit")
def test_a_full_register_exits_74_and_keeps_what_it_held(invoke, db_path, monkeypatch):
    """SQLITE_FULL without a full disk: the connection may not grow the register by a page."""
    opened = connection_module.open_db

    def at_its_limit(path, *args, **kwargs):
        db = opened(path, *args, **kwargs)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    assert invoke("init").exit_code == 0  # a new, empty register
    before = dump(db_path)
    monkeypatch.setattr(connection_module, "open_db", at_its_limit)  # as SqliteLocation.connect() opens it
    message = one_error_line(invoke("sample", "load", "--format", "json"), 74)
    assert str(db_path) in message and "full" in message
    assert dump(db_path) == before


SMALL_DISK_DRIVER = """
import json, os, subprocess, sys
disk, steps, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
results = [subprocess.run([sys.executable, "-m", "ipcli", *args], capture_output=True, text=True, timeout=120)
           for args in steps]
with open(out, "w") as stream:
    json.dump([[r.returncode, r.stdout, r.stderr] for r in results] + [sorted(os.listdir(disk))], stream)
"""


def on_a_small_disk(tmp_path, size: str, *steps) -> tuple[list, list[str]]:
    """Run ipcli once per step (its arguments) with a tmpfs of `size` mounted at tmp_path/disk, in a mount
    namespace of their own (root only): [exit code, stdout, stderr] per step, and what the disk then holds."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("mounting a small tmpfs needs root and unshare")
    disk, out = tmp_path / "disk", tmp_path / "steps.json"
    disk.mkdir()
    script = 'mount -t tmpfs -o size="$1" tmpfs "$2" || exit 99; shift 2; exec "$@"'
    mounted = subprocess.run(["unshare", "-m", "--", "sh", "-c", script, "sh", size, str(disk), sys.executable, "-c",
                              SMALL_DISK_DRIVER, str(disk), json.dumps([list(map(str, a)) for a in steps]), str(out)],
                             capture_output=True, text=True, timeout=300, env={**os.environ, **TODAY})
    if mounted.returncode == 99 or mounted.stderr.startswith("unshare:"):
        pytest.skip(f"no tmpfs could be mounted here: {mounted.stderr.strip()}")
    assert mounted.returncode == 0, mounted.stderr
    *results, held = json.loads(out.read_text(encoding="utf-8"))
    return results, held


def test_a_full_disk_exits_74_and_loses_nothing(tmp_path):
    """A real full disk: the register on a 3 MB tmpfs, and an import of 30,000 marks that does not fit."""
    csv, register = tmp_path / "marks.csv", tmp_path / "disk" / "ipcli.db"
    with open(csv, "w", encoding="utf-8") as handle:
        handle.write("reg_no,classes,name,owner,registered_on\n")
        handle.writelines(f"{20_000_000 + n},{n % 45 + 1},Mark {n},Owner {n % 7},2015-04-1{n % 9}\n"
                          for n in range(30_000))
    (added, imported, listed, checked), _ = on_a_small_disk(
        tmp_path, "3m", ("--db", register, *NEW_MARK), ("-q", "--db", register, "mark", "import", csv),
        ("--db", register, "mark", "list", "--format", "json"), ("--db", register, "db", "check", "--format", "json"))
    assert added[0] == 0, added[2]
    assert imported[0] == 74 and imported[1] == "", imported
    assert imported[2] == f"ipcli: error: cannot use the register {register}: database or disk is full\n"
    assert listed[0] == 0 and [m["reg_no"] for m in json.loads(listed[1])] == ["12345678"], listed
    assert checked[0] == 0 and json.loads(checked[1])["ok"] is True, checked


@pytest.mark.sqlite_only("a page copy of the register file")
def test_a_backup_onto_a_full_disk_exits_2_naming_the_copy_and_leaves_nothing(invoke, sample, tmp_path):
    target = tmp_path / "disk" / "copy.db"
    (backup,), held = on_a_small_disk(tmp_path, "256k", ("--db", sample, "db", "backup", target))
    assert backup[0] == 2 and backup[2] == f"ipcli: error: cannot write {target}: database or disk is full\n", backup
    assert held == []


# 12. A register written by a newer ipcli: reads work, writes exit 78; a missing table is a problem


def newer_register(register) -> None:
    register_sql(str(register), "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                                "VALUES ('ipcli', 'm999_from_a_newer_ipcli', '2030-01-01')")


@pytest.mark.parametrize("args", [args for args in READS if args != ("db", "check")], ids=" ".join)
def test_a_register_of_a_newer_ipcli_can_be_read(invoke, sample, args):
    newer_register(sample)
    result = invoke(*args, *(() if args[0] == "calendar" else ("--format", "json")))
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("args", WRITES, ids=" ".join)
def test_a_register_of_a_newer_ipcli_refuses_every_write_with_78(invoke, sample, args):
    newer_register(sample)
    before = held(sample)
    message = one_error_line(invoke(*args), 78)
    assert shown(sample) in message and "m999_from_a_newer_ipcli" in message
    assert held(sample) == before


def test_a_register_of_a_newer_ipcli_refuses_an_import_with_78(invoke, sample, tmp_path):
    newer_register(sample)
    csv = tmp_path / "marks.csv"
    csv.write_text("reg_no,classes,registered_on\n12345678,9,2020-01-01\n", encoding="utf-8")
    before = held(sample)
    assert "m999_from_a_newer_ipcli" in one_error_line(invoke("mark", "import", csv), 78)
    assert held(sample) == before


def test_a_register_of_a_newer_ipcli_sends_no_digest_it_could_not_record(invoke, sample):
    newer_register(sample)
    assert invoke("digest", "--dry-run").stdout  # there is something to send
    assert "m999_from_a_newer_ipcli" in one_error_line(invoke("digest", "--record"), 78)


def test_a_register_of_a_newer_ipcli_submits_no_batch_it_could_not_record(invoke, sample, tmp_path):
    exported = invoke("batch", "export", "--type", "renewal", "--all-windows", "--out", tmp_path / "out", "--format",
                      "json")
    batch_id = json.loads(exported.stdout)["batch_id"]
    newer_register(sample)
    received = []

    class Intake(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Intake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/intake"
        message = one_error_line(invoke("batch", "submit", batch_id, "--url", url), 78)
    finally:
        server.shutdown()
        server.server_close()
    assert "m999_from_a_newer_ipcli" in message and received == []


def drop(register, statement: str) -> None:
    """`statement` on the register; on PostgreSQL a table goes with the foreign keys that refer to it."""
    cascade = on_postgresql(str(register)) and statement.startswith("DROP TABLE")
    register_sql(str(register), statement + (" CASCADE" if cascade else ""))


@pytest.mark.parametrize("statement, named", [
    ("DROP TABLE filings", "table filings"), ("DROP TABLE calendar_years", "table calendar_years"),
    ("ALTER TABLE patents DROP COLUMN title", "column patents.title"),
    ("DROP INDEX marks_owner", "index marks_owner")])
def test_db_check_reports_what_is_missing_from_the_schema(invoke, sample, statement, named):
    drop(sample, statement)
    result = invoke("db", "check", "--format", "json")
    assert result.exit_code == 65 and json.loads(result.stdout)["ok"] is False
    lines = result.stderr.splitlines()
    assert f"ipcli: error: {shown(sample)}: the {named} is missing [DB-SCHEMA]" in lines, result.stderr


# 14. IPCLI_BUSY_TIMEOUT: a number of seconds, else exit 78 naming it


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "-1", "1e400", "1e12", "abc", "3s", "0x10"])
@pytest.mark.parametrize("args", [("mark", "list"), NEW_MARK, ("db", "check")], ids=" ".join)
def test_an_unusable_busy_timeout_exits_78_naming_it(invoke, sample, value, args):
    message = one_error_line(invoke(*args, env={"IPCLI_BUSY_TIMEOUT": value}), 78)
    assert "IPCLI_BUSY_TIMEOUT" in message and repr(value) in message


@pytest.mark.parametrize("value", ["", "0", "0.5", " 2 ", "30", "86400"])
def test_a_usable_busy_timeout_is_taken(invoke, sample, value):
    assert invoke("mark", "list", "--format", "json", env={"IPCLI_BUSY_TIMEOUT": value}).exit_code == 0


# 15. An empty --db is a usage error, never the default register


@pytest.mark.parametrize("how", ["option", "environment"])
@pytest.mark.parametrize("args", [("mark", "list"), NEW_MARK, ("db", "check"),
                                  ("calc", "mark", "--registered", "2020-01-01")], ids=" ".join)
def test_an_empty_db_is_a_usage_error(invoke, tmp_path, how, args):
    config = tmp_path / "config"
    env = {"XDG_CONFIG_HOME": str(config), "HOME": str(tmp_path), "IPCLI_DB": "" if how == "environment" else None}
    result = invoke(*(("--db", "") if how == "option" else ()), *args, env=env)
    message = one_error_line(result, 2)
    assert ("--db" if how == "option" else "IPCLI_DB") in message
    assert not config.exists()


# 16. An address as --db is a usage error, never a file of that name; a postgresql:// one names a server


@pytest.mark.parametrize("how", ["option", "environment"])
@pytest.mark.parametrize("address", ["https://clerk:s3cret@example.cn/ipcli.db", "ftp://example.cn/ipcli.db"])
@pytest.mark.parametrize("args", [("init",), NEW_MARK, ("mark", "list")], ids=" ".join)
def test_an_address_as_db_is_refused_and_creates_nothing(invoke, tmp_path, monkeypatch, how, address, args):
    monkeypatch.chdir(tmp_path)
    env = {"IPCLI_DB": address if how == "environment" else None}
    result = invoke(*(("--db", address) if how == "option" else ()), *args, env=env)
    message = one_error_line(result, 2)
    assert "s3cret" not in message and "address" in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("address", ["postgresql://clerk:s3cret@db.invalid/ipcli", "postgresql:///ipcli?service=x"])
def test_a_postgresql_server_out_of_reach_exits_74_without_its_password_and_creates_nothing(invoke, tmp_path,
                                                                                            monkeypatch, address):
    pytest.importorskip("psycopg")
    monkeypatch.chdir(tmp_path)
    message = one_error_line(invoke("--db", address, *NEW_MARK, env={"PGSERVICEFILE": str(tmp_path / "none")}), 74)
    assert "s3cret" not in message and "cannot use the register postgresql://" in message
    assert list(tmp_path.iterdir()) == []
