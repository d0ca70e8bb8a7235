"""The register's storage interface. Commands and the register layer call these methods and never
write SQL; a PostgreSQL backend would implement the same methods."""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from ipcli.clock import in_shanghai
from ipcli.db.connection import check_writable, recorded_at, write
from ipcli.db.filings import FILING_STATUSES
from ipcli.db.location import RegisterLocation, SqliteLocation
from ipcli.db.nice_classes import class_list, classes_text

MARK_COLUMNS = ("reg_no", "classes", "name", "owner", "owner_id", "kind", "registered_on", "term_starts_on",
                "window", "expires_on", "renewal_window_opens_on", "grace_ends_on", "dates_provisional")
PATENT_COLUMNS = ("app_no", "type", "filed_on", "granted_on", "title", "owner", "owner_id", "reduction",
                  "open_license", "open_license_from", "paid_through", "window", "term_ends_on", "next_annuity_year",
                  "next_annuity_due_on", "next_annuity_grace_ends_on", "dates_provisional")


def insert_journal(db, operator: str, command: str, record_type: str, record_id, before: dict | None,
                   after: dict | None, invocation: str | None = None, revertible: bool = False,
                   reverts: str | None = None) -> None:
    insert_journal_entries(db, operator, command, [(record_type, record_id, before, after)], invocation=invocation,
                           revertible=revertible, reverts=reverts)


def insert_journal_entries(db, operator: str, command: str, records: list[tuple], invocation: str | None = None,
                           revertible: bool = False, reverts: str | None = None) -> None:
    """A journal entry for each `(record_type, record_id, before, after)` of `records`, sent as one batch
    (on PostgreSQL one round trip for them all, not one each)."""
    at, entries = recorded_at(db), []
    for record_type, record_id, before, after in records:
        entry = {"at": at, "operator": operator, "command": command, "record_type": record_type,
                 "record_id": str(record_id), "before": journal_text(before), "after": journal_text(after)}
        if invocation is not None:  # None in migrations run before m011 added these columns
            entry.update(invocation=invocation, revertible=int(revertible), reverts=reverts)
        entries.append(entry)
    if entries:
        columns = list(entries[0])
        db.conn.executemany(f"INSERT INTO journal ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                            [list(entry.values()) for entry in entries])


def journal_text(value) -> str | None:
    """A record image as the journal stores it (equal images, equal texts)."""
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class Store:
    def __init__(self, location, operator: str = "", command: str = ""):
        """The register at `location` (a RegisterLocation, or the path of an SQLite file)."""
        self.location = location if isinstance(location, RegisterLocation) else SqliteLocation(location)
        self.db = self.location.connect()
        self.operator = operator
        self.command = command
        self.invocation = uuid.uuid4().hex  # shared by every journal entry this command writes

    def transaction(self):
        return write(self.db, key=self.invocation)

    def recorded_at(self) -> str:
        """Now as the rows this command writes record it (ipcli.db.connection.recorded_at)."""
        return recorded_at(self.db)

    def check_writable(self) -> None:
        check_writable(self.db)

    def close(self) -> None:
        self.db.conn.close()

    def count_rights(self) -> int:
        return self.db.execute("SELECT (SELECT count(*) FROM marks) + (SELECT count(*) FROM patents)").fetchone()[0]

    def summary(self) -> dict:
        """What the register holds: rights, pledges, licences, and filings by status."""
        counts = {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("marks", "patents", "pledges", "licenses", "filings")}
        by_status = dict(self.db.execute("SELECT status, count(*) FROM filings GROUP BY status").fetchall())
        return {**counts, **{status: by_status.get(status, 0) for status in FILING_STATUSES}}

    # journal

    def journal(self, record_type: str, record_id, before: dict | None, after: dict | None) -> None:
        """Journal a write as the caller describes it (a summary, a partial image): not revertible."""
        insert_journal(self.db, self.operator, self.command, record_type, record_id, before, after,
                       invocation=self.invocation)

    def record_image(self, record_type: str, key) -> dict | None:
        """The whole stored record (ipcli.db.records), None when there is none."""
        from ipcli.db import records

        return records.image(self, record_type, key)

    def journal_record(self, record_type: str, key, before: dict | None, reverts: str | None = None) -> dict | None:
        """Journal the change of one record from `before` to what is stored now, both whole images, which
        `ipcli undo` can put back exactly; `reverts` names the invocation that a revert reverts. Returns the
        stored image."""
        after = self.record_image(record_type, key)
        insert_journal(self.db, self.operator, self.command, record_type, key, before, after,
                       invocation=self.invocation, revertible=True, reverts=reverts)
        return after

    @contextmanager
    def recording(self, record_type: str, key, reverts: str | None = None):
        """Journal (journal_record) what the block writes to one record."""
        before = self.record_image(record_type, key)
        yield
        self.journal_record(record_type, key, before, reverts)

    def journal_entries(self, record_type: str | None = None, record_id: str | None = None,
                        limit: int = 50, invocation: str | None = None) -> list[dict]:
        where, params = _filters(record_type=record_type or None, record_id=record_id or None,
                                 invocation=invocation or None)
        sql = "SELECT * FROM journal " + where
        rows = self.db.query(sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
        return [decoded_entry(row) for row in rows][::-1]

    # holiday calendar

    def calendar_documents(self) -> dict[int, dict]:
        from ipcli.db.readonly import HOLIDAY_YEARS, parsed_years

        return parsed_years(self.db.execute(HOLIDAY_YEARS).fetchall())

    # marks

    def get_mark(self, reg_no: str) -> dict | None:
        rows = list(self.db.query(f"SELECT m.*, {_PLEDGED.format(type='mark', no='m.reg_no')} AS pledged "
                                  "FROM marks m WHERE reg_no = ?", [reg_no]))
        if not rows:
            return None
        return {**rows[0], "classes": class_list(rows[0]["classes"])}

    def put_mark(self, mark: dict) -> None:
        """Insert or replace a mark (inside the caller's transaction)."""
        self._upsert("marks", MARK_COLUMNS, {**mark, "classes": classes_text(mark["classes"])})

    def list_marks(self, owner: str | None = None, window: str | None = None) -> Iterator[dict]:
        where, params = _filters(owner=owner, window=window)
        sql = (f"SELECT m.*, {_PLEDGED.format(type='mark', no='m.reg_no')} AS pledged"
               f" FROM marks m {where} ORDER BY m.reg_no")
        for row in self.db.query(sql, params):
            yield {**row, "classes": class_list(row["classes"])}

    # patents

    def get_patent(self, app_no: str) -> dict | None:
        rows = list(self.db.query(f"SELECT p.*, {_PLEDGED.format(type='patent', no='p.app_no')} AS pledged "
                                  "FROM patents p WHERE app_no = ?", [app_no]))
        return rows[0] if rows else None

    def put_patent(self, patent: dict) -> None:
        self._upsert("patents", PATENT_COLUMNS, patent)

    def _upsert(self, table: str, columns: tuple, row: dict) -> None:
        """Insert or update by the first column (the key), stamping created_at and updated_at."""
        stamp = recorded_at(self.db)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
        self.db.execute(
            f"INSERT INTO {table} ({', '.join(columns)}, created_at, updated_at) "
            f"VALUES ({', '.join('?' * len(columns))}, ?, ?) "
            f"ON CONFLICT({columns[0]}) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
            [*(row[c] for c in columns), stamp, stamp])

    def list_patents(self, owner: str | None = None, window: str | None = None) -> Iterator[dict]:
        where, params = _filters(owner=owner, window=window)
        yield from self.db.query(f"SELECT p.*, {_PLEDGED.format(type='patent', no='p.app_no')} AS pledged "
                                 f"FROM patents p {where} ORDER BY app_no", params)


# Whether a right is covered by a pledge that is registered or still being registered.
_PLEDGED = ("EXISTS (SELECT 1 FROM pledge_rights r JOIN pledges g ON g.id = r.pledge_id "
            "WHERE r.right_type = '{type}' AND r.right_no = {no} AND g.status IN ('pending', 'registered'))")


def _filters(**equal) -> tuple[str, list]:
    given = {column: value for column, value in equal.items() if value is not None}
    if not given:
        return "", []
    return "WHERE " + " AND ".join(f"{c} = ?" for c in given), list(given.values())


def decoded_entry(row: dict) -> dict:
    """A journal row with its before and after images read back, its time in Asia/Shanghai."""
    return {**row, "at": in_shanghai(row["at"]), "before": _loads(row["before"]), "after": _loads(row["after"])}


def _loads(text):
    return None if text is None else json.loads(text)
