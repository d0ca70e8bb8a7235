"""Correcting the register: a right's fields edited as `add` validates them, a right removed. Both are
journaled whole (ipcli.db.records), so that `ipcli undo` can put them back."""

from datetime import date

from ipcli.db import filings as db, records
from ipcli.errors import NotFound, Rejected
from ipcli.register import lifecycle
from ipcli.register.desk import MARK, Desk, Right
from ipcli.register.filings import FINAL, PROGRESS, WITHDRAWN
from ipcli.register.rights import missing_years

# Filings whose fee was counted per class of the mark when received (FEE-TM).
FEE_PER_CLASS = ("renewal", "transfer", "license")
# What the office recorded, or a time limit still running: a right they refer to is not removed.
BINDING = {("pledge", "registered"), ("license", "recorded"), ("notice", "open")}
# What keeps a right in use: besides those, an undecided filing and the pledge or licence it would create.
IN_USE = BINDING | {("filing", status) for status in PROGRESS} | {("pledge", "pending"), ("license", "pending")}


def find(desk: Desk, right_type: str, text: str) -> Right:
    """The mark or patent `text` names; NotFound when the register holds no right of that type."""
    try:
        right = desk.right(text)
    except NotFound:
        right = None
    if right is None or right.type != right_type:
        raise NotFound(f"{right_type}.not_found", rule="RIGHT-UNKNOWN", value=text)
    return right


def edit(desk: Desk, right_type: str, text: str, changes: dict) -> tuple[dict, bool]:
    """Change stored fields of a right (`changes`: column -> stored value) with its key dates recomputed,
    unless the change would contradict a filing, pledge or licence on it. Returns the stored row and
    whether it changed."""
    with desk.store.transaction():
        right = find(desk, right_type, text)
        new = desk.recomputed(right, **_with_term_start(right, changes))
        if all(right.row[column] == value for column, value in new.items()):
            return right.row, False
        (_check_mark_edit if right.type == MARK else _check_patent_edit)(desk, right, new)
        desk.check_calendar(missing_years(desk.key_dates, new))
        desk.store_row(right, new)
    return new, True


def _with_term_start(right: Right, changes: dict) -> dict:
    """A mark never renewed has its term from registration: a corrected registration date moves it too."""
    row = right.row
    if right.type == MARK and "registered_on" in changes and "term_starts_on" not in changes \
            and row["term_starts_on"] == row["registered_on"]:
        return {**changes, "term_starts_on": changes["registered_on"]}
    return changes


def _check_mark_edit(desk: Desk, right: Right, new: dict) -> None:
    old, undecided = right.row, db.undecided_filings(desk.store, right.type, right.number)
    if new["expires_on"] != old["expires_on"]:
        renewals = [f for f in undecided if f["type"] == "renewal"]
        if renewals:
            raise Rejected("edit.renewal_open", rule="R-TM-RENEWED-TERM", value=right.number,
                           filing=renewals[0]["id"], expires=old["expires_on"])
    if new["classes"] != old["classes"]:
        counted = [f for f in undecided if f["type"] in FEE_PER_CLASS]
        if counted:
            raise Rejected("edit.classes_counted", rule="FEE-TM", value=right.number, filing=counted[0]["id"])
    _refuse_outlasting(desk, right, new["expires_on"], "R-TM-PLEDGE", "R-TM-LICENSE")
    _warn_owner_kept(desk, right, new, undecided)


def _check_patent_edit(desk: Desk, right: Right, new: dict) -> None:
    paid = db.last_paid_year(desk.store, right.number)
    if paid is not None and new["paid_through"] < paid:
        raise Rejected("edit.paid_year_recorded", rule="R-PAT-ANNUITY-DUE", value=new["paid_through"],
                       year=paid, right=right.number)
    _refuse_outlasting(desk, right, new["term_ends_on"], "R-PAT-PLEDGE", None)
    _warn_owner_kept(desk, right, new, db.undecided_filings(desk.store, right.type, right.number))


def _refuse_outlasting(desk: Desk, right: Right, term_end: str, pledge_rule: str, license_rule: str | None) -> None:
    """A pledge may not outlast the right (R-TM-PLEDGE, R-PAT-PLEDGE), nor a trademark licence its
    registration (R-TM-LICENSE): the term may not be cut below them."""
    for standing in db.standing_terms(desk.store, right.type, right.number):
        rule = pledge_rule if standing["kind"] == "pledge" else license_rule
        if rule and standing["ends_on"] > term_end:
            raise Rejected("edit.term_outlasted", rule=rule, value=term_end, right=right.number,
                           type=standing["kind"], id=standing["id"], ends=standing["ends_on"])


def _warn_owner_kept(desk: Desk, right: Right, new: dict, undecided: list[dict]) -> None:
    owner_changed = (new["owner"], new["owner_id"]) != (right.row["owner"], right.row["owner_id"])
    if owner_changed and undecided:
        desk.warn("edit.owner_in_filings", value=right.number, filings=", ".join(f"#{f['id']}" for f in undecided))


def remove(desk: Desk, right_type: str, text: str, force: bool) -> Right:
    """Remove a right that nothing refers to; with `force`, one whose undecided filings are then withdrawn
    (journaled), unless a registered pledge, a recorded licence or an open notice refers to it."""
    with desk.store.transaction():
        right = find(desk, right_type, text)
        referring = records.references(desk.store, right.type, right.number)
        binding = [r for r in referring if (r[0], r[2]) in BINDING]
        if binding or (referring and not force):
            kind, key, status = (binding or referring)[0]
            raise Rejected("remove.binding" if binding else "remove.referenced", rule="REMOVE-REFERENCED",
                           value=right.number, type=kind, other=key, status=status, count=len(referring))
        for kind, key, status in referring:
            if kind == "filing" and status not in FINAL:
                _withdraw(desk, key)
        with desk.store.recording(right.type, right.number):
            records.restore(desk.store, right.type, right.number, None)
    return right


def _withdraw(desk: Desk, filing_id: int) -> None:
    filing = lifecycle.get_filing(desk, filing_id)
    lifecycle.set_status(desk, filing_id, WITHDRAWN, max(desk.today, date.fromisoformat(filing["received_on"])))
    desk.warn("remove.withdrawn", id=filing_id, type=filing["type"])
