"""The counter: what every filing needs from the register (rights, dates, checks, the transaction)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ipcli.errors import NotFound, Rejected
from ipcli.register import rights as register_rights
from ipcli.register.rights import KeyDates
from ipcli.rules import identifiers

MARK, PATENT = "mark", "patent"


@dataclass(frozen=True)
class Right:
    type: str  # MARK or PATENT
    number: str
    row: dict

    @property
    def owner(self):
        return self.row["owner"]

    @property
    def pledged(self) -> bool:
        return bool(self.row.get("pledged"))

    @property
    def term_ends_on(self) -> date:
        """The last day the right can be relied on: a mark's expiry, a patent's term end."""
        return date.fromisoformat(self.row["expires_on" if self.type == MARK else "term_ends_on"])


@dataclass
class Desk:
    store: object
    key_dates: KeyDates
    today: date
    warn: Callable
    check_calendar: Callable
    window: str | None = None

    def right(self, text: str) -> Right:
        """A RIGHT_NO: a mark's registration number or a patent's application number."""
        number = text.strip()
        mark = self.store.get_mark(number)
        if mark is not None:
            return Right(MARK, number, mark)
        try:
            app_no = identifiers.patent_app_no(number)
        except Rejected:
            raise NotFound("right.not_found", rule="RIGHT-UNKNOWN", value=text) from None
        patent = self.store.get_patent(app_no)
        if patent is None:
            raise NotFound("right.not_found", rule="RIGHT-UNKNOWN", value=text)
        return Right(PATENT, app_no, patent)

    def rights(self, texts) -> list[Right]:
        found = [self.right(text) for text in texts]
        numbers = [r.number for r in found]
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            raise Rejected("filing.right_twice", rule="FILING-RIGHT-TWICE", value=duplicates[0])
        return found

    def one_owner(self, rights: list[Right]) -> str | None:
        owners = sorted({r.owner or "" for r in rights})
        if len(owners) > 1:
            raise Rejected("filing.owners_differ", rule="FILING-OWNERS", value=", ".join(owners))
        return owners[0] or None

    def lapsed_on(self, right: Right, day: date) -> bool:
        if right.type == MARK:
            return register_rights.mark_status(self.key_dates, right.row, day) == "expired"
        lapsed = (register_rights.PATENT_LAPSED, register_rights.PATENT_EXPIRED)
        return register_rights.patent_status(right.row, day) in lapsed

    def recomputed(self, right: Right, **changes) -> dict:
        """The right's row with `changes` (stored values), validated as `add` validates it, its key dates
        recomputed (rights.mark_row, rights.patent_row)."""
        row = {**right.row, **changes}
        if right.type == MARK:
            return register_rights.mark_row(
                self.key_dates, reg_no=row["reg_no"], classes=row["classes"],
                registered_on=date.fromisoformat(row["registered_on"]),
                term_starts_on=_date_or_none(row["term_starts_on"]), name=row["name"], owner=row["owner"],
                owner_id=row["owner_id"], kind=row["kind"], window=row["window"])
        return register_rights.patent_row(
            self.key_dates, app_no=row["app_no"], filed_on=date.fromisoformat(row["filed_on"]),
            patent_type=row["type"], granted_on=_date_or_none(row["granted_on"]),
            paid_through=row["paid_through"], title=row["title"], owner=row["owner"], owner_id=row["owner_id"],
            reduction=row["reduction"], open_license=bool(row["open_license"]),
            open_license_from=_date_or_none(row["open_license_from"]), window=row["window"])

    def store_row(self, right: Right, row: dict) -> dict:
        """Store a recomputed row of the right and journal the change; return the row."""
        with self.store.recording(right.type, right.number):
            (self.store.put_mark if right.type == MARK else self.store.put_patent)(row)
        return row

    def rewrite(self, right: Right, **changes) -> dict:
        """Store a right with changed fields and recomputed key dates; journal it; return the new row."""
        return self.store_row(right, self.recomputed(right, **changes))


def _date_or_none(text):
    return date.fromisoformat(text) if text else None
