"""A large input read by two processes at once: this one and a forked worker, each parsing and
validating its part of the file.

On Linux, with two CPUs or more, an input of at least MIN_BYTES is cut in two at a line end
(`split`): a first share of it is read in this process, the rest by a Worker, which sends its valid
rows back through a pipe for this process's writer to take (reading.Reader) between its own chunks.
Staging costs about half as much as reading and validating, and inserting straight into the table
more, hence the uneven cuts (writers.Writer.own_share). A worker never touches the database: the parent's connection
stays its own. Rows travel as marshal data, the quickest serialisation of tuples of text and
numbers, through a multiprocessing.Pipe; the worker's result and any error it raised travel pickled.

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
import signal
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
OWN_SHARE_COPYING = 0.2  # PostgreSQL: rows written to a binary COPY, about as cheap as staging
SEARCH_BYTES = 1 << 20  # how far past the aim a cut is looked for
BLOCK = 1 << 20
PIPE_BYTES = 1 << 20
ROWS, RESULT, FAILURE = 0, 1, 2  # the kinds of message a worker sends


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
    the worker is raised here; leaving the `with` block kills a worker still running.

    Each message is marshal data, (kind, value), sent through a multiprocessing.Pipe: as quick as the
    framing over os.pipe() it replaced (800 messages of 1,000 marks, 46 kB each, from a forked process,
    medians of 25 interleaved runs on a shared 2-CPU machine: 0.129 s and 0.156 s against 0.127 s and
    0.152 s, within the noise; Connection.send, which pickles, 0.136 s and 0.176 s)."""

    def __init__(self, part: Part, work):
        from multiprocessing import Pipe  # 12 ms of imports, which only a large input needs

        self.result = None
        self._receiver, sender = Pipe(duplex=False)
        _widen(sender.fileno())
        self._pid = os.fork()
        if self._pid == 0:
            _worker(sender, part, work, self._receiver)
        sender.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self._receiver.close()
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self._pid, 0)

    def ready(self) -> Iterator[list]:
        """The rows sent that can be read without waiting."""
        while not self._receiver.closed and self._receiver.poll(0):
            yield from self._next()

    def rest(self) -> Iterator[list]:
        """All rows still to come, waiting for them; then `result` is set."""
        while not self._receiver.closed:
            yield from self._next()
        if self.result is None:
            raise RuntimeError("an import worker stopped without a result")

    def _next(self) -> Iterator[list]:
        try:
            kind, value = marshal.loads(self._receiver.recv_bytes())
        except EOFError:  # the worker has exited: everything it sent is read
            self._receiver.close()
            return
        if kind == FAILURE:
            raise pickle.loads(value)
        if kind == RESULT:
            self.result = pickle.loads(value)
            return
        yield value


def _widen(write_end: int) -> None:
    """A pipe of a megabyte, where Linux allows it, so that the worker seldom waits for the reader."""
    import fcntl  # Unix only, as forking here is

    try:
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):
        pass


def _worker(sender, part: Part, work, receiver) -> None:
    """The forked process: runs `work`, sends its result or its exception, and exits without any of
    the parent's clean-up (os._exit: no atexit handlers, no buffers flushed twice)."""
    code = 0
    try:
        receiver.close()

        def send(kind: int, value) -> None:
            sender.send_bytes(marshal.dumps((kind, value)))

        try:
            result = work(part, lambda rows: send(ROWS, rows))
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
