"""Hostile paths (issue 16): devices, FIFOs, sockets, directories, links and endless streams as inputs,
the same and the register's own files as outputs, and names that are empty or too long. Each case is
refused in one line or handled as documented (ipcli.files); a refused command writes nothing, and no
output ever replaces a device, FIFO, socket or link.

Nothing here needs root, and nothing can damage the machine: as root, a character device is made with
mknod in tmp_path instead of using /dev/null, so that even a regression would only replace that copy."""

import io
import os
import socket
import sqlite3
import stat
import threading
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import BASE_ENV, on_postgresql, register_content
from ipcli import files
from ipcli.cli import cli
from ipcli.db.location import REGISTER_SUFFIXES
from ipcli.literal import shortened

PERIOD = ("--from", "2026-01-01", "--to", "2026-11-21")
READERS = {
    "mark import": ("mark", "import"),
    "patent import": ("patent", "import"),
    "batch validate": ("batch", "validate"),
    "batch import": ("batch", "import"),
    "calendar import": ("calendar", "import"),
    "db restore": ("db", "restore", "--from-sqlite"),
}
STDIN_READERS = [name for name in READERS if name != "db restore"]
CAPS = {"mark import": "IMPORT_BYTES", "patent import": "IMPORT_BYTES", "batch validate": "BATCH_BYTES",
        "batch import": "BATCH_BYTES", "calendar import": "CALENDAR_BYTES", "db restore": "REGISTER_BYTES"}
WRITERS = {
    "report --out": lambda path: ("report", *PERIOD, "--out", path),
    "db backup --force": lambda path: ("db", "backup", "--to-sqlite", path, "--force"),
}
PATH_USES = {
    **{f"{name} FILE": (lambda args: lambda path: (*args, path))(args) for name, args in READERS.items()},
    **WRITERS,
    "batch export --out": lambda path: ("batch", "export", "--type", "renewal", "--all-windows", "--out", path),
}
KIND_CODES = {"fifo": stat.S_IFIFO, "directory": stat.S_IFDIR, "socket": stat.S_IFSOCK}
KIND_WORDS = {"char_device": "is a character device", "block_device": "is a block device",
              "fifo": "is a FIFO (named pipe)", "socket": "is a socket", "directory": "is a directory"}


@pytest.fixture
def sample(invoke, register):
    assert invoke("sample", "load", "--format", "json").exit_code == 0
    return register


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Relative names are made in tmp_path, also by a regression that writes to the current directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def one_line(result, code: int) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(("ipcli: error: ", "ipcli：错误：")), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return result.stderr


def state(register: str) -> tuple:
    """What a refused command leaves as it was: the register's content and the names beside it (on
    PostgreSQL, every table's rows)."""
    if on_postgresql(register):
        return register_content(register)
    with closing(sqlite3.connect(register)) as connection:
        content = list(connection.iterdump())
    return content, sorted(os.listdir(Path(register).parent))


def kind_of(path) -> int:
    return stat.S_IFMT(os.lstat(path).st_mode)


def run_with_stdin(db_path, args, stdin):
    runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": str(db_path)})
    return runner.invoke(cli, [str(a) for a in args], input=stdin, catch_exceptions=False, prog_name="ipcli")


# Files of every kind, made in tmp_path and taken down after the test.

@pytest.fixture
def special(tmp_path):
    """special(kind, name) makes a file of that kind in tmp_path (named after its kind by default) and
    returns its path."""
    teardown = []

    def make(kind: str, name: str | None = None) -> Path:
        path = tmp_path / (name or kind)
        if kind == "fifo":
            os.mkfifo(path)
            teardown.append(idle_writer(path))
        elif kind == "socket":
            teardown.append(bound_socket(path).close)
        elif kind == "directory":
            path.mkdir()
        elif kind == "char_device":
            path = null_device(tmp_path)
        elif kind == "block_device":
            path = block_device()
        elif kind.startswith("link_to_"):
            path.symlink_to(make(kind.removeprefix("link_to_")))
        elif kind == "dangling_link":
            path.symlink_to(tmp_path / "nothing-here")
        return path

    yield make
    for step in reversed(teardown):
        step()


def idle_writer(path: Path):
    """A FIFO reader (a regression) gets end of file at once instead of waiting for ever; the function
    returned releases the writer when nobody read."""

    def write_nothing():
        os.close(os.open(path, os.O_WRONLY))

    thread = threading.Thread(target=write_nothing, daemon=True)
    thread.start()

    def release():
        if thread.is_alive():
            reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            thread.join(10)
            os.close(reader)
        assert not thread.is_alive()

    return release


def bound_socket(path: Path) -> socket.socket:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cwd = os.getcwd()
    os.chdir(path.parent)  # a socket's address is limited to about 100 bytes, tmp_path can be longer
    try:
        server.bind(path.name)
    finally:
        os.chdir(cwd)
    return server


def null_device(tmp_path: Path) -> Path:
    """A character device to write into: /dev/null, or as root a copy of it in tmp_path (root could rename
    over /dev/null itself, and a regression would then break the machine)."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    path = tmp_path / "null"
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    try:
        os.close(os.open(path, os.O_WRONLY))
    except OSError:
        pytest.skip("device files cannot be opened in tmp_path (a nodev mount)")
    return path


def block_device() -> Path:
    names = sorted(os.listdir("/dev"))
    for name in names:
        if stat.S_ISBLK(os.stat(f"/dev/{name}").st_mode):
            return Path("/dev", name)
    pytest.skip("no block device in /dev")


class FifoReader:
    """Reads everything written into a FIFO, in a thread, while the test holds it open (so a writer
    neither waits for a reader nor sees one vanish)."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        os.set_blocking(self.fd, True)
        self.keeper = os.open(path, os.O_WRONLY)  # no end of file before the test says so
        self.data = bytearray()
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self):
        while chunk := os.read(self.fd, 1 << 16):
            self.data += chunk

    def finish(self) -> bytes:
        os.close(self.keeper)
        self.thread.join(30)
        os.close(self.fd)
        assert not self.thread.is_alive()
        return bytes(self.data)


# 9. Inputs that are not regular files

INPUT_KINDS = ["fifo", "char_device", "block_device", "socket", "directory", "link_to_fifo",
               "link_to_char_device"]


@pytest.mark.parametrize("kind", INPUT_KINDS)
@pytest.mark.parametrize("command", READERS)
def test_an_input_that_is_no_regular_file_is_refused_unread(invoke, sample, special, command, kind):
    path = special(kind)
    before = state(sample)
    message = one_line(invoke(*READERS[command], path), 2)
    assert f"{shortened(str(path))} {KIND_WORDS[kind.removeprefix('link_to_')]}" in message  # long paths cut
    assert state(sample) == before


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
@pytest.mark.parametrize("command", READERS)
def test_endless_devices_are_refused_at_once(invoke, sample, command, device):
    before = state(sample)
    assert f"{device} is a character device" in one_line(invoke(*READERS[command], device), 2)
    assert state(sample) == before


@pytest.mark.parametrize("command", READERS)
def test_an_input_over_its_cap_is_refused_and_one_at_the_cap_is_read(invoke, sample, tmp_path, monkeypatch, command):
    path = tmp_path / "input"
    path.write_bytes(b"x" * 100)
    before = state(sample)
    monkeypatch.setattr(files, CAPS[command], 99)
    message = one_line(invoke(*READERS[command], path), 65)
    assert message.endswith(f"{path} holds more than 99 B, the most this command reads [INPUT-SIZE]\n")
    assert state(sample) == before
    monkeypatch.setattr(files, CAPS[command], 100)
    assert "holds more than" not in invoke(*READERS[command], path).stderr


@pytest.mark.parametrize("command", STDIN_READERS)
def test_standard_input_is_read_up_to_its_cap(sample, monkeypatch, command):
    before = state(sample)
    monkeypatch.setattr(files, CAPS[command], 99)
    result = run_with_stdin(sample, (*READERS[command], "-"), b"x" * 100)
    assert one_line(result, 65).endswith("stdin holds more than 99 B, the most this command reads [INPUT-SIZE]\n")
    assert state(sample) == before
    monkeypatch.setattr(files, CAPS[command], 100)
    assert "holds more than" not in run_with_stdin(sample, (*READERS[command], "-"), b"x" * 100).stderr


class Zeros(io.RawIOBase):
    """Standard input that never ends, as `ipcli ... - < /dev/zero` gives."""

    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:] = bytes(len(buffer))
        return len(buffer)


@pytest.mark.parametrize("command", STDIN_READERS)
def test_an_endless_standard_input_stops_at_the_cap(sample, monkeypatch, command):
    if CAPS[command] != "CALENDAR_BYTES":  # the import's and batch's caps are too large to fill in a test
        monkeypatch.setattr(files, CAPS[command], 1 << 20)
    before = state(sample)
    result = run_with_stdin(sample, (*READERS[command], "-"), io.BufferedReader(Zeros()))
    assert "stdin holds more than 1 MiB" in one_line(result, 65)
    assert state(sample) == before


def test_the_caps_hold_the_benchmarks_inputs_many_times_over():
    """README "Importing marks and patents" imports a million rows; bench/batch.py exports 100,000 items."""
    assert files.IMPORT_BYTES >= 1_000_000 * 1_000 and files.BATCH_BYTES >= 100_000 * 2_000
    assert files.CALENDAR_BYTES >= 100 * 3_000


# 18. Outputs onto devices, FIFOs, sockets and links

def report_out(invoke, path):
    return invoke("report", *PERIOD, "--out", path, "--format", "json")


@pytest.mark.parametrize("kind", ["fifo", "link_to_fifo"])
def test_a_report_is_streamed_into_a_fifo_which_stays_one(invoke, sample, special, kind):
    path = special(kind)
    reader = FifoReader(path)
    result = report_out(invoke, path)
    assert result.exit_code == 0, result.stderr
    assert reader.finish().startswith(b"<!DOCTYPE html>")
    assert kind_of(path) == (stat.S_IFIFO if kind == "fifo" else stat.S_IFLNK)
    assert stat.S_ISFIFO(os.stat(path).st_mode)


@pytest.mark.parametrize("kind", ["char_device", "link_to_char_device"])
def test_a_report_into_a_character_device_leaves_the_device(invoke, sample, special, kind):
    path = special(kind)
    result = report_out(invoke, path)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat(path).st_mode) and kind_of(path) in (stat.S_IFCHR, stat.S_IFLNK)


@pytest.mark.parametrize("kind", ["socket", "directory"])
@pytest.mark.parametrize("writer", WRITERS)
def test_a_socket_or_directory_is_no_output(invoke, sample, special, writer, kind):
    path = special(kind)
    before = state(sample)
    assert KIND_WORDS[kind] in one_line(invoke(*WRITERS[writer](path)), 2)
    assert state(sample) == before


@pytest.mark.parametrize("kind", ["fifo", "char_device", "link_to_fifo", "link_to_char_device"])
def test_a_backup_goes_to_a_regular_file_only(invoke, sample, special, kind):
    """A backup is a checked copy to restore from: a device or FIFO could hold neither."""
    path = special(kind)
    reader = FifoReader(path) if kind.endswith("fifo") else None
    before = state(sample)
    message = one_line(invoke("db", "backup", "--to-sqlite", path, "--force"), 2)
    assert KIND_WORDS[kind.removeprefix("link_to_")] + ", not a regular file" in message
    if reader:
        assert reader.finish() == b""
    assert state(sample) == before
    assert kind_of(path) == (stat.S_IFLNK if kind.startswith("link_to_") else stat.S_IFMT(os.stat(path).st_mode))
    assert not stat.S_ISREG(os.stat(path).st_mode)


@pytest.mark.parametrize("writer", WRITERS)
def test_a_link_that_names_nothing_is_refused_not_replaced(invoke, sample, special, tmp_path, writer):
    link = special("dangling_link")
    before = state(sample)
    message = one_line(invoke(*WRITERS[writer](link)), 2)
    assert f"{link} is a symbolic link to {tmp_path / 'nothing-here'}, which does not exist" in message
    assert state(sample) == before and kind_of(link) == stat.S_IFLNK


@pytest.mark.parametrize("writer", WRITERS)
def test_a_link_to_a_regular_file_is_followed_and_stays_a_link(invoke, sample, tmp_path, writer):
    target = tmp_path / "kept" / "target"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link"
    link.symlink_to(target)
    result = invoke(*WRITERS[writer](link))
    assert result.exit_code == 0, result.stderr
    assert kind_of(link) == stat.S_IFLNK and os.readlink(link) == str(target)
    assert target.read_bytes().startswith(b"<!DOCTYPE html>" if writer.startswith("report") else b"SQLite format 3")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(os.listdir(target.parent)) == ["target"]  # no temporary file left


def test_a_report_is_private_like_every_other_output(invoke, sample, tmp_path):
    old = os.umask(0o022)
    try:
        assert report_out(invoke, tmp_path / "report.html").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o600


# 13. Outputs onto the register's own files

def register_names(tmp_path: Path, db_path: Path) -> dict:
    """Paths to the register and its side files: plain, through a link, through `..`, through a linked
    directory."""
    db_path = Path(db_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "wal-link").symlink_to(f"{db_path}-wal")
    (tmp_path / "dir-link").symlink_to(tmp_path, target_is_directory=True)
    return {**{suffix or "register": f"{db_path}{suffix}" for suffix in REGISTER_SUFFIXES},
            "link to -wal": tmp_path / "wal-link", "..": tmp_path / "sub" / ".." / f"{db_path.name}-wal",
            "linked directory": tmp_path / "dir-link" / f"{db_path.name}-shm"}


@pytest.mark.sqlite_only("the register's own files and side files")
@pytest.mark.parametrize("name", ["register", "-wal", "-shm", "-journal", "link to -wal", "..", "linked directory"])
@pytest.mark.parametrize("writer", WRITERS)
def test_no_output_lands_on_the_register_or_its_side_files(invoke, sample, tmp_path, writer, name):
    path = register_names(tmp_path, sample)[name]
    before = state(sample)
    message = one_line(invoke(*WRITERS[writer](path)), 2)
    assert f"is the register {sample} or one of its side files" in message
    assert state(sample) == before
    check = invoke("db", "check", "--format", "json")
    assert check.exit_code == 0 and '"ok": true' in check.stdout


@pytest.fixture
def fixed_batch_id(monkeypatch):
    from ipcli.register import batches

    monkeypatch.setattr(batches, "_new_batch_id", lambda store, request: "20261121-renewal-000000")
    return "20261121-renewal-000000"


def ready_renewals(invoke) -> str:
    return invoke("filing", "list", "--type", "renewal", "--status", "ready", "--format", "json").stdout


@pytest.mark.parametrize("kind", ["dangling_link", "link_to_fifo", "link_to_char_device", "fifo"])
@pytest.mark.parametrize("extension", [".json", ".csv"])
def test_an_export_never_replaces_what_stands_at_its_file_names(invoke, sample, special, tmp_path,
                                                                fixed_batch_id, kind, extension):
    out = tmp_path / "out"
    out.mkdir()
    name = out / f"{fixed_batch_id}{extension}"
    if kind == "fifo":
        os.mkfifo(name)
    else:
        name.symlink_to(special(kind))
    ready, before = ready_renewals(invoke), kind_of(name)
    one_line(invoke("batch", "export", "--type", "renewal", "--all-windows", "--out", out), 2)
    assert ready_renewals(invoke) == ready and kind_of(name) == before
    assert sorted(os.listdir(out)) == [name.name]


@pytest.mark.sqlite_only("a register file named as the batch file would be")
def test_an_export_never_writes_the_register(invoke, tmp_path, fixed_batch_id):
    register = str(tmp_path / f"{fixed_batch_id}.json")
    run = lambda *args: invoke(*args, env={"IPCLI_DB": str(register)})  # noqa: E731
    assert run("sample", "load").exit_code == 0
    before = state(register)
    one_line(run("batch", "export", "--type", "renewal", "--all-windows", "--out", tmp_path), 2)
    assert state(register) == before


@pytest.mark.sqlite_only("the safety copy is a file beside the register's")
def test_a_restore_names_its_safety_copy_past_whatever_stands_there(invoke, sample, tmp_path, monkeypatch):
    from ipcli.db import backup

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 11, 21, 8, 0, 0, tzinfo=timezone.utc)

    monkeypatch.setattr(backup, "datetime", Frozen)
    assert invoke("db", "backup", tmp_path / "copy.db").exit_code == 0
    taken = tmp_path / f"{Path(sample).name}.before-restore-20261121T080000+0000"
    taken.symlink_to(tmp_path / "elsewhere")
    result = invoke("db", "restore", tmp_path / "copy.db", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert f'"safety_copy": "{taken}-2"' in result.stdout
    assert kind_of(taken) == stat.S_IFLNK and not (tmp_path / "elsewhere").exists()


@pytest.mark.sqlite_only("an SQLite register's export intents are files beside it")
@pytest.mark.parametrize("kind", ["fifo", "directory", "socket", "link_to_char_device"])
def test_a_special_file_where_an_export_keeps_its_intent_is_left_alone(invoke, sample, special, kind):
    """Every command that opens the register looks for intents of interrupted exports beside it
    (ipcli.register.publication): it neither waits on a FIFO nor fails on a directory there."""
    path = special(kind, f"{Path(sample).name}-export-20261121-renewal-000000.json")
    result = invoke("mark", "list", "--format", "json")
    assert result.exit_code == 0 and result.stderr == ""
    assert kind_of(path) == (stat.S_IFLNK if kind.startswith("link_to_") else KIND_CODES[kind])


# 14 and 17. Names that are empty, too long or lead through a file

def bad_names(tmp_path: Path) -> dict:
    (tmp_path / "a-file").write_text("x")
    return {"empty": "", "300 characters": "a" * 300, "300 bytes of UTF-8": "测" * 100,
            "path over PATH_MAX": "/".join(["b" * 200] * 25), "under a regular file": str(tmp_path / "a-file" / "x")}


@pytest.mark.parametrize("name", ["empty", "300 characters", "300 bytes of UTF-8", "path over PATH_MAX",
                                  "under a regular file"])
@pytest.mark.parametrize("use", PATH_USES)
def test_a_bad_path_is_a_usage_error_and_writes_nothing(invoke, sample, here, use, name):
    path = bad_names(here)[name]
    before = state(sample)
    one_line(invoke(*PATH_USES[use](path)), 2)
    assert state(sample) == before


@pytest.mark.parametrize("name", ["a" * 255, "测" * 85])
@pytest.mark.parametrize("writer", WRITERS)
def test_the_longest_name_a_file_system_allows_is_written(invoke, sample, here, writer, name):
    """255 bytes: the temporary name beside it is cut short to fit as well."""
    result = invoke(*WRITERS[writer](name))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(os.stat(here / name).st_mode) == 0o600


def test_refusals_are_translated(invoke, sample, special):
    fifo = special("fifo")
    assert one_line(invoke("--lang", "zh", "batch", "validate", fifo), 2) == \
        f"ipcli：错误：{fifo} 是命名管道（FIFO）：请给出普通文件，或用 - 读取标准输入\n"
    if on_postgresql(sample):
        return  # side files are an SQLite register's
    assert one_line(invoke("--lang", "zh", "db", "backup", f"{sample}-wal", "--force"), 2) == \
        f"ipcli：错误：{sample}-wal 是登记簿 {sample} 或其附属文件（-wal、-shm、-journal）：请写入另一个文件\n"
