"""Publishing an export's files with the transaction that records it.

Renaming a file cannot be part of an SQLite transaction. So before it renames its files, an export
(still inside its transaction) writes an intent next to the database: its batch id and each file's
temporary and final name. It deletes the intent once the transaction has committed. An intent found
later belongs to an export that died between writing it and deleting it. `recover`, run whenever
the register is opened for writing, settles it under the write lock:
- the batch is recorded: the export committed; its files stand, and only stray temporary ones go;
- the batch is not recorded: the export rolled back; the files it published are removed, so that no
  file exists for filings that are still `ready`.
This module only touches files; the register is asked through `batch_recorded`.
"""

import json
import os
from pathlib import Path

INTENT_INFIX = "-export-"
INTENT_SUFFIX = ".json"


def intent_path(db_path, batch_id: str) -> Path:
    return Path(f"{db_path}{INTENT_INFIX}{batch_id}{INTENT_SUFFIX}")


def pending_intents(db_path) -> list[Path]:
    """The intents left next to the database (cheap: one directory listing)."""
    db_path = Path(db_path)
    prefix = db_path.name + INTENT_INFIX
    try:
        names = os.listdir(db_path.parent)
    except OSError:
        return []
    return sorted(db_path.parent / name for name in names
                  if name.startswith(prefix) and name.endswith(INTENT_SUFFIX))


def write_intent(db_path, batch_id: str, files: list[tuple[Path, Path]]) -> Path:
    """Durably record that the batch's files, (temporary, final) pairs, are about to be renamed."""
    path = intent_path(db_path, batch_id)
    text = json.dumps({"batch_id": batch_id, "files": [[str(temporary), str(final)] for temporary, final in files]})
    draft = path.with_name(f".{path.name}.tmp")
    with open(draft, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(draft, path)  # whole or absent: a reader never sees half an intent
    _sync_directory(path.parent)
    return path


def recover(db_path, batch_recorded) -> list[tuple[str, bool]]:
    """Settle every intent left by a dead export (the caller holds the register's write lock, so no
    live export has one open): (batch id, whether it had committed) for each."""
    settled = []
    for path in pending_intents(db_path):
        intent = _read_intent(path)
        if intent is not None:
            committed = batch_recorded(intent["batch_id"])
            for temporary, final in intent["files"]:
                if Path(temporary).exists():  # never renamed
                    Path(temporary).unlink()
                elif not committed:  # renamed by an export that rolled back
                    Path(final).unlink(missing_ok=True)
            settled.append((intent["batch_id"], committed))
        path.unlink(missing_ok=True)
    return settled


def _read_intent(path: Path) -> dict | None:
    try:
        intent = json.loads(path.read_text(encoding="utf-8"))
        files = [(str(temporary), str(final)) for temporary, final in intent["files"]]
        return {"batch_id": str(intent["batch_id"]), "files": files}
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not an intent this module wrote: nothing to settle


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
