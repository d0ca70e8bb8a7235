"""A large input read by two processes at once: this one and a forked worker, each parsing and
validating its part of the file.

On Linux, with two CPUs or more, an input of at least MIN_BYTES is cut in two at a line end
(`split`): a first share of it is read in this process, the rest by a Worker, which sends its valid
rows back through a pipe for this process's writer to take (reading.Reader) between its own chunks.
Staging costs about half as much as reading and validating, and inserting straight into the table
more, hence the uneven cuts (writers.Writer.own_share). A worker never touches the database: the parent's connection
stays its own. Rows travel as marshal data, the quickest serialisation of tuples of text and
numbers; the worker's result and any error it raised travel pickled.

A CSV line end ends a record only outside quotes. The cut is made where the number of quote
characters before it is even, and reading the first part confirms it: a cut inside a quoted field
leaves its last record unfinished, and the caller then reads the file whole. Neither UTF-8 nor
GB18030 uses the bytes of `"` or a line feed inside a multibyte character, so the bytes can be
counted before they are decoded.
"""

import io
import marshal
import os
import pickle
import select
import signal
import struct
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MIN_BYTES = 16 << 20  # about 150,000 marks: below that, forking costs more than it saves
# The share of the input read here, as this process also stages the worker's rows, or inserts them
# straight into their table (bench/import.py).
OWN_SHARE_STAGING = 0.2
OWN_SHARE_INSERTING = 0.05
SEARCH_BYTES = 1 << 20  # how far past the aim a cut is looked for
BLOCK = 1 << 20
PIPE_BYTES = 1 << 20
ROWS, RESULT, FAILURE = 0, 1, 2  # the kinds of message a worker sends
_FRAME = struct.Struct("!BQ")  # kind, length of the payload


@dataclass(frozen=True)
class Part:
    number: int
    start: int       # byte offsets in the file: [start, end)
    end: int
    first_line: int  # the line number of its first byte


def workers_available() -> int:
    """How many processes can read at once: the CPUs this process may use, within its cgroup's CPU
    quota (a container); 1 where forking is not safe (only Linux is trusted)."""
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return 1
    return min(len(os.sched_getaffinity(0)), _cpu_quota())


def _cpu_quota(path: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """Whole CPUs of the cgroup v2 quota ("max 100000" when there is none), at least 1."""
    try:
        quota, period = path.read_text().split()[:2]
        return max(1, int(quota) // int(period))
    except (OSError, ValueError):  # no cgroup v2 file, or "max": no quota
        return os.cpu_count() or 1


def split(path: Path, share: float, quoted: bool) -> list[Part] | None:
    """The file as two parts, cut just after a line end about `share` into it (with an even number
    of `"` before it when `quoted`); None when it is too small or no such line end is near."""
    size = path.stat().st_size
    if size < MIN_BYTES:
        return None
    aim = int(size * share)
    with open(path, "rb") as handle:
        quotes = lines = 0
        while handle.tell() < aim:
            block = handle.read(min(BLOCK, aim - handle.tell()))
            quotes, lines = quotes + block.count(b'"'), lines + block.count(b"\n")
        while handle.tell() < aim + SEARCH_BYTES:
            line = handle.readline()
            if not line.endswith(b"\n"):
                return None
            quotes, lines = quotes + line.count(b'"'), lines + 1
            if not (quoted and quotes % 2) and handle.tell() < size:
                cut = handle.tell()
                return [Part(0, 0, cut, 1), Part(1, cut, size, lines + 1)]
    return None


def whole(path: Path) -> Part:
    """The file as one part."""
    return Part(0, 0, path.stat().st_size, 1)


class _Range(io.RawIOBase):
    """`length` bytes of a binary file from its current position, counting what was read."""

    def __init__(self, handle, length: int):
        super().__init__()
        self._handle = handle
        self._left = length
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._left <= 0:
            return 0
        count = self._handle.readinto(memoryview(buffer)[:self._left])
        self._left -= count
        self.consumed += count
        return count


@contextmanager
def part_text(path: Path, part: Part, encoding: str):
    """The part as text (newline="", decoded strictly) and its _Range, whose `consumed` counts bytes
    read. A later part is decoded without utf-8-sig's BOM removal, which belongs to a file's start."""
    if part.start and encoding == "utf-8-sig":
        encoding = "utf-8"
    with open(path, "rb") as handle:
        handle.seek(part.start)
        source = _Range(handle, part.end - part.start)
        with io.TextIOWrapper(io.BufferedReader(source, BLOCK), encoding=encoding, newline="") as text:
            yield text, source


class Worker:
    """A forked process running `work(part, send)`, where `send(rows)` sends a list of tuples here.
    ready() and rest() yield what it sent; `result` is what `work` returned. An exception raised in
    the worker is raised here; leaving the `with` block kills a worker still running."""

    def __init__(self, part: Part, work):
        self.result = None
        self._read_end, write_end = os.pipe()
        _widen(write_end)
        self._pid = os.fork()
        if self._pid == 0:
            _worker(write_end, part, work, self._read_end)
        os.close(write_end)
        self._open = True
        self._poll = select.poll()  # not select.select(), which fails on descriptors past 1023
        self._poll.register(self._read_end, select.POLLIN)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        if self._open:
            os.close(self._read_end)
            self._open = False
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self._pid, 0)

    def ready(self) -> Iterator[list]:
        """The rows sent that can be read without waiting."""
        while self._open and self._poll.poll(0):
            yield from self._next()

    def rest(self) -> Iterator[list]:
        """All rows still to come, waiting for them; then `result` is set."""
        while self._open:
            yield from self._next()
        if self.result is None:
            raise RuntimeError("an import worker stopped without a result")

    def _next(self) -> Iterator[list]:
        message = _receive(self._read_end)
        if message is None:
            os.close(self._read_end)
            self._open = False
            return
        kind, value = message
        if kind == FAILURE:
            raise value
        if kind == RESULT:
            self.result = value
            return
        yield value


def _widen(write_end: int) -> None:
    """A pipe of a megabyte, where Linux allows it, so that the worker seldom waits for the reader."""
    import fcntl  # Unix only, as forking here is

    try:
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):
        pass


def _worker(write_end: int, part: Part, work, read_end: int) -> None:
    """The forked process: runs `work`, sends its result or its exception, and exits without any of
    the parent's clean-up (os._exit: no atexit handlers, no buffers flushed twice)."""
    code = 0
    try:
        os.close(read_end)
        with open(write_end, "wb") as pipe:
            def send(kind: int, payload: bytes) -> None:
                pipe.write(_FRAME.pack(kind, len(payload)))
                pipe.write(payload)

            try:
                result = work(part, lambda rows: send(ROWS, marshal.dumps(rows)))
                send(RESULT, pickle.dumps(result))
            except BaseException as error:  # whatever stops the worker stops the import
                send(FAILURE, _pickled_error(error))
                code = 1
    finally:
        os._exit(code)


def _pickled_error(error: BaseException) -> bytes:
    try:
        return pickle.dumps(error)
    except Exception:  # an exception that cannot be pickled is sent as its text
        return pickle.dumps(RuntimeError(f"import worker: {type(error).__name__}: {error}"))


def _receive(fd: int):
    """(kind, value) of the next message, or None at the end of the stream."""
    frame = _read_exactly(fd, _FRAME.size)
    if not frame:
        return None
    kind, length = _FRAME.unpack(frame)
    payload = _read_exactly(fd, length)
    return kind, marshal.loads(payload) if kind == ROWS else pickle.loads(payload)


def _read_exactly(fd: int, length: int) -> bytes:
    chunks = []
    while length:
        chunk = os.read(fd, min(length, BLOCK))
        if not chunk:
            if chunks:
                raise EOFError("an import worker stopped in the middle of a message")
            return b""
        chunks.append(chunk)
        length -= len(chunk)
    return b"".join(chunks)
