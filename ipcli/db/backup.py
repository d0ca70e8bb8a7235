"""Backup, check and restore of the register file (`ipcli db`), SQLite-only: every copy is made with
SQLite's online backup API into a private temporary file, checked (integrity, foreign keys, migrations)
and only then renamed into place or copied into the live register. The files are staged, synced and
kept (a safety copy before a restore) here; the command only names them and reports."""

import os
import sqlite3
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

from ipcli import files
from ipcli.clock import SHANGHAI
from ipcli.db import maintenance
from ipcli.db.connection import applied_migrations, known_migrations
from ipcli.db.location import SqliteLocation
from ipcli.db.sqlite_file import SIDE_FILES, storage_failures_as
from ipcli.errors import Rejected, RegisterUnusable, UsageProblem, os_errors_as
from ipcli.i18n import t

PRIVATE = 0o600
# How `db check` names what the schema lacks (maintenance.missing_schema).
MISSING = {"table": "db.missing_table", "column": "db.missing_column", "index": "db.missing_index",
           "trigger": "db.missing_trigger", "view": "db.missing_view"}


def backup(live: Path, path: str, force: bool) -> dict:
    """A checked copy of the live register at `path`; what it holds."""
    target = backup_target(path, SqliteLocation(live), force)
    with closing(maintenance.connect(live)) as source, new_copy(source, live, target) as copy:
        refuse_unsound(copy, target)
        held = maintenance.counts(copy)
    return {"path": str(Path(path).absolute()), "bytes": target.stat().st_size, **held, "checked": True}


def check(live: Path) -> tuple[dict, list[Rejected]]:
    """The `db check` record of the live register, and its problems."""
    with closing(maintenance.connect(live)) as connection:
        record, problems = examine(connection, live)
    return {"path": str(live), "bytes": live.stat().st_size, **record}, problems


def restore(live: Path, path: Path, *, operator: str, command: str) -> dict:
    """Replace the live register by a checked, migrated copy of `path` (an input path of ipcli.files),
    after a safety copy of it; the restore is journaled in the copy."""
    with staged_source(path, live) as staged:
        with closing(maintenance.connect(staged)) as copy:
            applied = refuse_unsound(copy, path)
        safety = safety_copy(live)
        migrated = [name for name in known_migrations() if name not in applied]
        with dropped_on_failure(safety):
            held = prepare(staged, live, path, safety, migrated, operator, command)
            replace_live(staged, live)
    return {"path": str(live), "source": str(path.absolute()), "safety_copy": safety and str(safety),
            **held, "migrated": migrated, "checked": True}


# the files


def existing_register(path: Path) -> Path:
    """The live register (whose absence the caller has refused): a regular file of SQLite's."""
    if not path.is_file():
        raise RegisterUnusable("err.register_not_file", path=str(path))
    if not maintenance.is_sqlite_file(path):
        raise Rejected("db.not_database", rule="DB-NOT-IPCLI", path=str(path))
    return path


def backup_target(path: str, register, force: bool) -> Path:
    """Where the backup goes: a regular file only. A backup is a checked copy to restore from, and a device
    or FIFO can hold neither (it is refused, never written into nor replaced); a symbolic link is followed
    to the file it names, which --force replaces; the register (a RegisterLocation) and its side files are
    refused."""
    target = files.output_path(path, register, devices=False)
    if target.exists and not force:
        raise UsageProblem("db.target_exists", path=str(Path(path).absolute()))
    with os_errors(target.path):
        target.path.parent.mkdir(parents=True, exist_ok=True)
    return target.path


def os_errors(path: Path):
    return os_errors_as("db.unwritable", path=str(path))


def remove_side_files(path: Path) -> None:
    for suffix in SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextmanager
def new_copy(source: sqlite3.Connection, locked_path: Path, target: Path):
    """A copy of `source` written to `target` as one self-contained file (no -wal); the caller checks it
    while the block runs, and it is renamed into place only when the block ends without error."""
    with new_file(target) as (copy, temporary):
        maintenance.copy_pages(source, copy, locked_path)
        maintenance.set_journal_mode(copy, "delete", temporary)
        yield copy


@contextmanager
def new_file(target: Path):
    """A connection on a new private file, and the file's temporary name beside `target`: renamed to
    `target` only when the block ends without error, else removed with its side files."""
    with files.replacing(target) as temporary, storage_failures_as("db.unwritable", path=str(target)):
        try:
            with closing(maintenance.connect(temporary)) as copy:
                yield copy, temporary
        finally:
            remove_side_files(temporary)


# the checks


def examine(connection: sqlite3.Connection, path: Path) -> tuple[dict, list[Rejected]]:
    """The `db check` record of an open database, and its problems (each one line on stderr)."""
    applied = applied_migrations(connection)
    return verdict(path, integrity=maintenance.integrity_check(connection),
                   keys=maintenance.foreign_key_check(connection), applied=applied,
                   provisional=maintenance.provisional_counts(connection),
                   missing=lambda: maintenance.missing_schema(connection, applied))


def verdict(shown, *, integrity: list[str], keys: list[dict], applied: list[str] | None, provisional: dict,
            missing) -> tuple[dict, list[Rejected]]:
    """The `db check` record and problems of a register on either backend, from what its checks found:
    `integrity` lines ("ok" when sound), broken foreign `keys`, the `applied` migrations, the `provisional`
    counts, and `missing()`, what the schema lacks (asked only of an ipcli register of a known schema)."""
    integrity = [line for line in integrity if line != "ok"]
    unknown = [name for name in applied or () if name not in known_migrations()]
    record = {"integrity_ok": not integrity,
              "integrity_problems": len(integrity), "foreign_key_violations": len(keys),
              "migrations_applied": applied or [],
              "migrations_pending": [n for n in known_migrations() if n not in (applied or ())],
              "migrations_unknown": unknown, **provisional}
    problems = [*map(integrity_problem, integrity), *map(foreign_key_problem, keys)]
    problems += schema_problems(shown, applied, unknown, missing)
    return {**record, "ok": not problems}, problems


def integrity_problem(line: str) -> Rejected:
    return Rejected("db.integrity", rule="DB-INTEGRITY", detail=line)


def foreign_key_problem(row: dict) -> Rejected:
    if "error" in row:
        return Rejected("db.foreign_key_check", rule="DB-INTEGRITY", detail=row["error"])
    if row["rowid"] is None:  # a WITHOUT ROWID table
        return Rejected("db.foreign_key_in", rule="DB-INTEGRITY", table=row["table"], parent=row["parent"])
    return Rejected("db.foreign_key", rule="DB-INTEGRITY", **row)


def schema_problems(shown, applied: list | None, unknown: list, missing) -> list[Rejected]:
    if applied is None:
        return [Rejected("db.not_ipcli", rule="DB-NOT-IPCLI", path=str(shown))]
    if unknown:
        return [Rejected("db.newer_schema", rule="DB-SCHEMA", path=str(shown), names=", ".join(unknown))]
    return [Rejected(MISSING[kind], rule="DB-SCHEMA", path=str(shown), name=name) for kind, name in missing()]


def refuse_unsound(connection: sqlite3.Connection, path: Path) -> list[str]:
    """The applied migrations of a copy that passes every check; else one line naming the first problem
    (and how many more `db check` would list), exit 65, and the copy is not used."""
    _, problems = examine(connection, path)
    if problems:
        first, more = problems[0], len(problems) - 1
        raise Rejected("db.refused_more" if more else "db.refused", rule=first.rule, path=str(path),
                       reason=t(first.key, **first.params), more=more)
    return applied_migrations(connection)


# restore


@contextmanager
def staged_source(source: Path, live: Path):
    """A private copy of the file to restore (and of its -wal, if any) beside the live register: the
    source itself is only read. Removed at the end, used or not."""
    with os_errors(live):
        live.parent.mkdir(parents=True, exist_ok=True)
    temporary = files.private_temporary(live.parent, live.name)
    try:
        copy_file(source, temporary)
        if not maintenance.is_sqlite_file(temporary):
            raise Rejected("db.not_database", rule="DB-NOT-IPCLI", path=str(source))
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)
        remove_side_files(temporary)


def copy_file(source: Path, temporary: Path) -> None:
    """The file to restore, and its -wal when one stands beside it: each at most files.REGISTER_BYTES."""
    copy_privately(source, temporary)
    wal = Path(f"{source}-wal")
    if wal.is_file():
        copy_privately(wal, Path(f"{temporary}-wal"))


def copy_privately(origin: Path, copy: Path) -> None:
    with os_errors(copy):
        descriptor = os.open(copy, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE)
        with open(descriptor, "wb") as stream:
            files.copy_input(str(origin), stream, files.REGISTER_BYTES)


def safety_copy(live: Path) -> Path | None:
    """The current register, copied to `<db>.before-restore-<time>` (Shanghai time, +0800) before it is
    replaced. It is not required to pass the checks: a damaged register is what one restores over."""
    if not live.is_file() or live.stat().st_size == 0:
        return None
    if not maintenance.is_sqlite_file(live):
        raise Rejected("db.live_not_database", rule="DB-NOT-IPCLI", path=str(live))
    target = safety_copy_name(live)
    with closing(maintenance.connect(live)) as source, new_copy(source, live, target):
        pass
    return target


@contextmanager
def dropped_on_failure(safety: Path | None):
    """A failed replacement leaves the register as it was, so its safety copy is only clutter."""
    try:
        yield
    except BaseException:
        if safety is not None:
            safety.unlink(missing_ok=True)
        raise


def safety_copy_name(live: Path) -> Path:
    """A name nothing stands at, not even a link to nothing (renaming over it would replace the link)."""
    stamp = datetime.now(SHANGHAI).strftime("%Y%m%dT%H%M%S%z")
    target, number = live.with_name(f"{live.name}.before-restore-{stamp}"), 1
    while os.path.lexists(target):
        number += 1
        target = live.with_name(f"{live.name}.before-restore-{stamp}-{number}")
    return target


def prepare(staged: Path, live: Path, source: Path, safety: Path | None, migrated: list, operator: str,
            command: str) -> dict:
    """Migrate the checked copy to this ipcli's schema and journal the restore in it, so that the restore
    and its journal entry reach the live register together. Returns what the copy holds."""
    from ipcli.db.store import Store

    store = Store(staged, operator=operator, command=command)
    try:
        with store.transaction():
            held = maintenance.counts(store.db.conn)
            store.journal("database", live, {"safety_copy": safety and str(safety)},
                          {"source": str(source.absolute()), "migrated": migrated, **held})
        maintenance.set_journal_mode(store.db.conn, "delete", staged)
    finally:
        store.close()
    return held


def replace_live(staged: Path, live: Path) -> None:
    """Copy the prepared file into the live register through the backup API, in one write transaction
    that waits for other writers (busy timeout) and that their connections see like any other commit:
    the file is never renamed under them, so no -wal or -shm of an old file is left to mislead them."""
    if not live.exists():
        os.close(os.open(live, os.O_CREAT | os.O_WRONLY, PRIVATE))
    with closing(maintenance.connect(staged)) as source, closing(maintenance.connect(live)) as target:
        maintenance.match_page_size(source, target, live)
        maintenance.copy_pages(source, target, live)
        maintenance.set_journal_mode(target, "wal", live)
