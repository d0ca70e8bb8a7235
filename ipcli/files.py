"""The files a user names: every FILE and PATH argument and --out option goes through here.

Inputs are regular files (a symbolic link is followed), or standard input for `-`, and never more than a
cap: a device, FIFO, socket or directory is one line and exit 2 (for a pipe, give `-`), more bytes than
the cap one line and exit 65. So `/dev/zero` or an endless pipe neither fills the disk nor the memory.

Outputs never replace what ipcli did not create: `output_path` follows a symbolic link to the file it
names (one that names nothing is refused, as `cp` does), refuses a directory, socket or block device,
hands a character device or FIFO to the caller to write into (or refuses it, as the caller decides),
and refuses the register and its side files by any name. A regular file is written under a temporary
name beside it and renamed over it (`replacing`): whole or not at all.
"""

import os
import re
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, NamedTuple

from ipcli.errors import Rejected, UsageProblem, os_errors_as

STDIN = "-"
STDIN_NAME = "stdin"

# The most one input may hold, in bytes: far above real work, and a stop for an endless stream.
IMPORT_BYTES = 2 << 30     # mark/patent import: 2,000 bytes a row for a million rows (bench/import.py's are ~110)
BATCH_BYTES = 256 << 20    # a batch document, parsed in memory: 2,500 bytes an item for 100,000 (a renewal ~650)
CALENDAR_BYTES = 1 << 20   # a holiday-cn year: about 3 KB
REGISTER_BYTES = 64 << 30  # a register to restore, and its -wal
SIZE_RULE = "INPUT-SIZE"  # the rule id of a refusal for size (exit 65)
READ_BLOCK = 1 << 20
TEMPORARY_NAME_CHARS = 60  # of the final name in a temporary one: 240 bytes of UTF-8 at most, of 255

# What a file is that is not a regular one, as a code that messages translate (`value.<code>`).
KINDS = {stat.S_IFCHR: "char_device", stat.S_IFBLK: "block_device", stat.S_IFIFO: "fifo", stat.S_IFSOCK: "socket",
         stat.S_IFDIR: "directory"}


def input_name(argument: str) -> str:
    """FILE as messages name it: `stdin` for `-`."""
    return STDIN_NAME if argument == STDIN else argument


def kind_of(mode: int) -> str:
    return KINDS.get(stat.S_IFMT(mode), "special_file")


def size_text(count: int) -> str:
    for shift, unit in ((30, "GiB"), (20, "MiB"), (10, "KiB")):
        if count >= 1 << shift and count % (1 << shift) == 0:
            return f"{count >> shift} {unit}"
    return f"{count} B"


# inputs

def input_path(argument: str, limit: int) -> Path:
    """FILE as a path for a reader that opens it more than once (the import): a readable regular file of at
    most `limit` bytes when checked."""
    descriptor, _ = _open_regular(argument, limit)
    os.close(descriptor)
    return Path(argument)


def read_input(argument: str, limit: int, stdin=None) -> bytes:
    """The bytes of FILE, or of standard input (`stdin`) for `-`: at most `limit` of them. A file is read
    in one piece of its size (a batch of 100 MB is not copied again)."""
    with _opened_input(argument, limit, stdin) as stream:
        chunks = []
        while chunk := stream.read(READ_BLOCK if chunks else stream.expected + 1):
            chunks.append(chunk)
        return b"".join(chunks)


def copy_input(argument: str, target, limit: int, stdin=None) -> None:
    """FILE, or standard input for `-`, copied into the binary stream `target`: at most `limit` bytes."""
    with _opened_input(argument, limit, stdin) as stream:
        while block := stream.read(READ_BLOCK):
            target.write(block)


class _Capped:
    """A binary stream that refuses (exit 65) to give more than `limit` bytes."""

    def __init__(self, stream, name: str, limit: int, expected: int = READ_BLOCK):
        self.stream, self.name, self.limit, self.count = stream, name, limit, 0
        self.expected = expected  # how many bytes there should be: a file's size

    def read(self, size: int) -> bytes:
        room = self.limit + 1 - self.count  # one byte more than allowed shows that there is more
        data = self.stream.read(min(size, room))
        self.count += len(data)
        if self.count > self.limit:
            raise _too_large(self.name, self.limit)
        return data


@contextmanager
def _opened_input(argument: str, limit: int, stdin):
    if argument == STDIN:
        yield _Capped(stdin, STDIN_NAME, limit)
        return
    descriptor, status = _open_regular(argument, limit)
    with os.fdopen(descriptor, "rb") as stream:
        yield _Capped(stream, argument, limit, status.st_size)


def _open_regular(argument: str, limit: int) -> tuple[int, os.stat_result]:
    """A descriptor of the regular file FILE. Its type is checked before it is opened (a device is never
    opened) and again once open (it may have been swapped meanwhile); opening does not wait for a FIFO's
    writer."""
    with os_errors_as("err.file_unreadable", file=argument):
        _refuse_irregular_input(argument, os.stat(argument))
        descriptor = os.open(argument, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    status = os.fstat(descriptor)
    try:
        _refuse_irregular_input(argument, status)
        if status.st_size > limit:
            raise _too_large(argument, limit)
    except BaseException:
        os.close(descriptor)
        raise
    os.set_blocking(descriptor, True)
    return descriptor, status


def _refuse_irregular_input(argument: str, status: os.stat_result) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise UsageProblem("err.input_not_regular", file=argument, kind=kind_of(status.st_mode))


def _too_large(name: str, limit: int) -> Rejected:
    return Rejected("err.input_too_large", rule=SIZE_RULE, file=name, limit=size_text(limit))


# outputs

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(text: str) -> bool:
    """Whether `text` is an address (scheme://...), which names no file here."""
    return bool(_URL.match(text))


class Destination(NamedTuple):
    path: Path    # the file to write: a link's target; the name as given for a device or FIFO
    stream: bool  # a character device or FIFO, to be written into directly (never renamed over)
    exists: bool


def output_path(argument: str, register, *, devices: bool) -> Destination:
    """Where FILE is written. A character device or FIFO is written into when `devices` (a report to
    /dev/stdout, /dev/null or a pipe), else refused; a block device (a disk), a socket or a directory is
    always refused, and so is the register (a RegisterLocation) or one of its side files, by any path
    (exit 2), and a URL, which names no file here."""
    if is_url(argument):
        raise UsageProblem("err.output_is_url", file=argument)
    with os_errors_as("err.file_unwritable", file=argument):
        named = _lexists(argument)
    target = Path(os.path.realpath(argument))
    if register.holds(target):
        raise UsageProblem("err.output_is_register", file=argument, register=str(register))
    status = _status_through_links(argument) if named else None
    if status is not None and not stat.S_ISREG(status.st_mode):
        if stat.S_ISDIR(status.st_mode):
            raise UsageProblem("err.output_is_directory", file=argument)
        if devices and (stat.S_ISCHR(status.st_mode) or stat.S_ISFIFO(status.st_mode)):
            return Destination(Path(argument), stream=True, exists=True)
        raise UsageProblem("err.output_not_regular", file=argument, kind=kind_of(status.st_mode))
    return Destination(target, stream=False, exists=status is not None)


def _lexists(argument: str) -> bool:
    """Whether anything, even a link to nothing, stands at FILE; an unusable name (too long, under a
    file) is an OSError."""
    try:
        os.lstat(argument)
    except FileNotFoundError:
        return False
    return True


def _status_through_links(argument: str) -> os.stat_result:
    """The status of what FILE names, links followed. A link that names nothing is refused: writing
    through it would create a file somewhere else."""
    with os_errors_as("err.file_unwritable", file=argument):
        try:
            return os.stat(argument)
        except FileNotFoundError:
            raise UsageProblem("err.output_dangling_link", file=argument, target=os.readlink(argument)) from None


def write_text(destination: Destination, text: str) -> None:
    """`text` in UTF-8, written as write_bytes writes."""
    write_bytes(destination, (text.encode("utf-8"),))


def write_bytes(destination: Destination, chunks: Iterable[bytes]) -> None:
    """`chunks` into a device or FIFO as they come, or else into a new private file (0600) renamed over the
    destination: whole or not at all (an error while the chunks are made leaves the destination as it was)."""
    if destination.stream:
        with os_errors_as("err.file_unwritable", file=str(destination.path)):
            descriptor = os.open(destination.path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
            with open(descriptor, "wb") as stream:
                stream.writelines(chunks)
        return
    with replacing(destination.path) as temporary:
        with os_errors_as("err.file_unwritable", file=str(destination.path)), open(temporary, "wb") as stream:
            stream.writelines(chunks)


@contextmanager
def replacing(target: Path):
    """A new private file (0600) under a hidden temporary name beside `target`; when the block succeeds it
    is synced and renamed to `target`, else removed."""
    temporary = private_temporary(target.parent, target.name)
    try:
        yield temporary
        with os_errors_as("err.file_unwritable", file=str(target)):
            fsync_path(temporary)
            os.replace(temporary, target)
            fsync_path(target.parent)
    finally:
        temporary.unlink(missing_ok=True)


def private_temporary(directory: Path, name: str) -> Path:
    """A new empty file, mode 0600, under a hidden temporary name in `directory` that starts with `name`
    (cut short: any name a file system allows also leaves room for the temporary one)."""
    with os_errors_as("err.file_unwritable", file=str(directory / name)):
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name[:TEMPORARY_NAME_CHARS]}.",
                                                 suffix=".tmp")
    os.close(descriptor)
    return Path(temporary)


def fsync_path(path: Path) -> None:
    """Flush a file, or a directory's entries after a rename, to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
