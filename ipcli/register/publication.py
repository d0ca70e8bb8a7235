"""Publishing an export's files with the transaction that records it.

Renaming a file cannot be part of an SQLite transaction. So an export, inside its transaction, keeps
an intent at the register's intents prefix (RegisterLocation.intents_prefix: next to its file), written
before its files (naming the batch and their final names), marked `publishing` just before it renames
them, and deleted once the transaction has committed or rolled back. An intent found later belongs to
an export that died with it open. `recover`, run whenever the register is opened, settles it under the
write lock:
- stray temporary files of the batch always go;
- the batch is recorded: the export committed, and its files stand;
- the batch is not recorded but the intent was publishing: the files it may have renamed go too, so
  that no file exists for filings that are still `ready`.
This module only touches files; the register is asked through `batch_recorded`.
"""

import glob
import json
import os
import stat
from pathlib import Path
from typing import NamedTuple

from ipcli import files
from ipcli.errors import IpcliError
from ipcli.machine import make_private_directory

INTENT_INFIX = "-export-"
INTENT_SUFFIX = ".json"
TEMPORARY_SUFFIX = ".tmp"
INTENT_BYTES = 1 << 16  # an intent names a batch and its two files


def temporary_prefix(final_name: str) -> str:
    """The start of the name of a file's temporary copy in its directory (hidden)."""
    return f".{final_name}."


def intent_path(prefix, batch_id: str) -> Path:
    return Path(f"{prefix}{INTENT_INFIX}{batch_id}{INTENT_SUFFIX}")


class Intent:
    def __init__(self, prefix, batch_id: str, finals: list[Path]):
        self.path = intent_path(prefix, batch_id)
        self.batch_id, self.finals = batch_id, [final.resolve() for final in finals]

    def record(self, publishing: bool) -> None:
        """Durably record the intent (whole or absent: a reader never sees half of one)."""
        text = json.dumps({"batch_id": self.batch_id, "files": [str(final) for final in self.finals],
                           "publishing": publishing})
        draft = self.path.with_name(f".{self.path.name}{TEMPORARY_SUFFIX}")
        make_private_directory(self.path.parent)  # a PostgreSQL register's: this machine's application directory
        try:
            with open(draft, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(draft, self.path)
        except BaseException:
            draft.unlink(missing_ok=True)
            raise
        _sync_directory(self.path.parent)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def pending_intents(prefix) -> list[Path]:
    """The intents left at `prefix` (RegisterLocation.intents_prefix; cheap: one directory listing)."""
    prefix = Path(prefix)
    start = prefix.name + INTENT_INFIX
    try:
        names = os.listdir(prefix.parent)
    except OSError:
        return []
    return sorted(prefix.parent / name for name in names if name.startswith(start) and name.endswith(INTENT_SUFFIX))


class Settlement(NamedTuple):
    batch_id: str
    committed: bool
    problem: str | None = None  # why a file could not be removed: the intent stays, to be settled later


def recover(prefix, batch_recorded) -> list[Settlement]:
    """Settle every intent left by a dead export (the caller holds the register's write lock, so no
    live export has one open). A file that cannot be removed does not stop the command that settles."""
    settled = []
    for path in pending_intents(prefix):
        intent = _read_intent(path)
        if intent is None:
            if _is_regular_file(path):  # ipcli writes regular files; a link, FIFO or directory is left alone
                path.unlink(missing_ok=True)
            continue
        batch_id, finals, publishing = intent
        committed = batch_recorded(batch_id)
        try:
            for final in finals:
                _remove_temporaries(final)
                if publishing and not committed:
                    final.unlink(missing_ok=True)
            path.unlink(missing_ok=True)
        except OSError as error:
            settled.append(Settlement(batch_id, committed, f"{error.filename}: {error.strerror or error}"))
            continue
        settled.append(Settlement(batch_id, committed))
    return settled


def _is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _remove_temporaries(final: Path) -> None:
    pattern = glob.escape(temporary_prefix(final.name)) + "*" + TEMPORARY_SUFFIX
    for temporary in final.parent.glob(pattern):
        temporary.unlink(missing_ok=True)


def _read_intent(path: Path) -> tuple[str, list[Path], bool] | None:
    try:
        intent = json.loads(files.read_input(str(path), INTENT_BYTES))
        return str(intent["batch_id"]), [Path(str(final)) for final in intent["files"]], intent["publishing"] is True
    except (IpcliError, OSError, ValueError, KeyError, TypeError):
        return None  # not an intent this module wrote (nor a regular file): nothing to settle


def _sync_directory(path: Path) -> None:
    """Make a rename in the directory durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
