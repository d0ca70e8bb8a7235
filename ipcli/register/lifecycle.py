"""Moving a filing through its lifecycle, and what the register does when the office decides."""

from datetime import date

from ipcli.db import filings as db
from ipcli.errors import NotFound, Rejected
from ipcli.register.desk import Desk
from ipcli.register.filings import (ACCEPTED, EXPORTED, FINAL, PROGRESS, READY, RECEIVED, REJECTED, SUBMITTED,
                                    WITHDRAWN)

# The lifecycle, one step at a time; a filing is withdrawn from any step before the office decides.
NEXT_STEPS = {RECEIVED: (READY,), READY: (EXPORTED,), EXPORTED: (SUBMITTED,), SUBMITTED: (ACCEPTED, REJECTED)}

LIFECYCLE_RULE = "FILING-LIFECYCLE"  # received → ready → exported → submitted → accepted | rejected, or withdrawn


def get_filing(desk: Desk, filing_id: int) -> dict:
    filing = db.get_filing(desk.store, filing_id)
    if filing is None:
        raise NotFound("filing.not_found", rule="FILING-UNKNOWN", value=filing_id)
    return filing


def skipped_steps(current: str, status: str) -> list[str]:
    """The steps of the lifecycle that moving from `current` to `status` passes over."""
    if status == WITHDRAWN or status in NEXT_STEPS[current]:
        return []
    end = len(PROGRESS) if status in FINAL else PROGRESS.index(status)
    return list(PROGRESS[PROGRESS.index(current) + 1:end])


def _check_move(filing: dict, status: str, on: date, skipping) -> None:
    current = filing["status"]
    if current in FINAL:
        raise Rejected("filing.status_final", rule=LIFECYCLE_RULE, status=status, current=current, id=filing["id"])
    if status == current or (status in PROGRESS and PROGRESS.index(status) < PROGRESS.index(current)):
        raise Rejected("filing.status_backwards", rule=LIFECYCLE_RULE, status=status, current=current, id=filing["id"])
    if on < date.fromisoformat(filing["received_on"]):
        raise Rejected("filing.status_before_received", rule=LIFECYCLE_RULE, value=on, received=filing["received_on"])
    skipped = skipped_steps(current, status)
    if skipped and skipping is None:
        raise Rejected("filing.status_skips", rule=LIFECYCLE_RULE, id=filing["id"], status=status, count=len(skipped))
    if skipped:
        skipping(filing["id"], skipped)


def set_status(desk: Desk, filing_id: int, status: str, on: date, reason: str | None = None,
               skipping=None) -> dict:
    """Move a filing one step on (or withdraw it); on acceptance the register follows, in one transaction,
    and every record changed is journaled whole. Skipping steps is refused (FILING-LIFECYCLE) unless `skipping`
    is given: it is called with the filing's id and the steps skipped."""
    with desk.store.transaction():
        filing = get_filing(desk, filing_id)
        _check_move(filing, status, on, skipping)
        with desk.store.recording("filing", filing_id):
            db.set_filing_status(desk.store, filing_id, status, on.isoformat(), reason)
        if status == ACCEPTED:
            _ACCEPT[filing["type"]](desk, filing)
        elif status in (REJECTED, WITHDRAWN):
            _void(desk, filing)
        return db.get_filing(desk.store, filing_id)


def any_steps(filing_id: int, steps: list[str]) -> None:
    """`skipping` for set_status by those that move filings as the office decides (batches, the sample)."""


def _update_pledge(desk: Desk, pledge_id: int, **fields) -> None:
    with desk.store.recording("pledge", pledge_id):
        db.update_pledge(desk.store, pledge_id, **fields)


def _set_license_status(desk: Desk, filing: dict, status: str) -> None:
    license_id = db.license_of_filing(desk.store, filing["id"])["id"]
    with desk.store.recording("license", license_id):
        db.set_license_status(desk.store, license_id, status)


def _filing_pledge(desk: Desk, filing: dict) -> int:
    return db.pledge_of_filing(desk.store, filing["id"])["id"]


def _accept_renewal(desk: Desk, filing: dict) -> None:
    """R-TM-RENEWED-TERM: the mark moves to its new term, starting the day after the old expiry."""
    right = desk.right(filing["rights"][0]["right_no"])
    details = filing["details"]
    if right.row["expires_on"] != details["expires_on"]:
        raise Rejected("renewal.term_moved", rule="R-TM-RENEWED-TERM", value=right.number,
                       expires=right.row["expires_on"])
    desk.rewrite(right, term_starts_on=details["new_term_starts_on"])


def _accept_transfer(desk: Desk, filing: dict) -> None:
    """R-TM-TRANSFER: the assignee owns the rights once the transfer is approved."""
    assignee = filing["details"]["assignee"]
    for entry in filing["rights"]:
        desk.rewrite(desk.right(entry["right_no"]), owner=assignee["name"], owner_id=assignee["id"])


def _accept_license(desk: Desk, filing: dict) -> None:
    _set_license_status(desk, filing, "recorded")


def _accept_pledge(desk: Desk, filing: dict) -> None:
    """R-TM-PLEDGE / R-PAT-PLEDGE: the pledge exists from registration."""
    _update_pledge(desk, _filing_pledge(desk, filing), status="registered")


def _accept_pledge_extension(desk: Desk, filing: dict) -> None:
    details = filing["details"]
    _update_pledge(desk, details["pledge_id"], ends_on=details["new_ends_on"])


def _accept_pledge_change(desk: Desk, filing: dict) -> None:
    details = filing["details"]
    _update_pledge(desk, details["pledge_id"], **details["changes"])


def _accept_pledge_release(desk: Desk, filing: dict) -> None:
    details = filing["details"]
    _update_pledge(desk, details["pledge_id"], status="released", released_on=details["released_on"])


_ACCEPT = {
    "renewal": _accept_renewal,
    "transfer": _accept_transfer,
    "license": _accept_license,
    "pledge": _accept_pledge,
    "pledge_extension": _accept_pledge_extension,
    "pledge_change": _accept_pledge_change,
    "pledge_release": _accept_pledge_release,
}


def _void(desk: Desk, filing: dict) -> None:
    """A rejected or withdrawn pledge or licence filing leaves no pledge or licence behind."""
    if filing["type"] == "pledge":
        _update_pledge(desk, _filing_pledge(desk, filing), status="void")
    elif filing["type"] == "license":
        _set_license_status(desk, filing, "void")


def filing_view(filing: dict) -> dict:
    """A filing as `filing show` prints it (CLI.md keys first)."""
    fee = filing["fee_total"]
    return {
        "id": filing["id"], "type": filing["type"], "status": filing["status"],
        "received_on": filing["received_on"], "window": filing["window"],
        "fee_total": int(fee) if float(fee).is_integer() else fee,
        "rights": [entry["right_no"] for entry in filing["rights"]],
        "status_on": filing["status_on"], "operator": filing["operator"], "paper": bool(filing["paper"]),
        "reason": filing["reason"], "details": filing["details"],
    }
