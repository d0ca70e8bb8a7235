"""Filings received at the counter, checked against the rules when entered, and their lifecycle:
received -> ready -> exported -> submitted -> accepted | rejected, or withdrawn before the end.
On acceptance the register follows (renewed term, new owner, registered pledge, recorded licence)."""

from datetime import date
from functools import wraps

from ipcli.db import filings as db
from ipcli.errors import NotFound, Rejected
from ipcli.register.desk import MARK, Desk, Right
from ipcli.rules import filings as rules, identifiers, patent as patent_rules, trademark
from ipcli.register.rights import open_license_of
from ipcli.rules.fees import ASSIGNMENT, LICENSE_RECORDAL, recordal_fee, reduction_needs_grant_year
from ipcli.rules.periods import patent_license_recordal_due

RECEIVED, READY, EXPORTED, SUBMITTED = "received", "ready", "exported", "submitted"
ACCEPTED, REJECTED, WITHDRAWN = "accepted", "rejected", "withdrawn"
PROGRESS = (RECEIVED, READY, EXPORTED, SUBMITTED)
FINAL = (ACCEPTED, REJECTED, WITHDRAWN)
STATUSES = PROGRESS + FINAL


def _atomic(enter):
    """The whole filing, its checks included, in one BEGIN IMMEDIATE transaction: two clerks entering
    filings at once cannot both pass a check that only one may pass (a right pledged twice, a year paid
    twice). The write blocks inside become savepoints of it."""
    @wraps(enter)
    def entered(desk: Desk, *args, **kwargs):
        with desk.store.transaction():
            return enter(desk, *args, **kwargs)
    return entered


def _record(desk: Desk, *, type: str, received_on: date, rights: list[Right], fee_total, details: dict,
            paper: bool = False, status: str = RECEIVED) -> int:
    """Insert a filing and journal it (inside the caller's transaction)."""
    filing_id = db.insert_filing(desk.store, type=type, status=status, received_on=received_on.isoformat(),
                                 window=desk.window, paper=paper, fee_total=fee_total, details=details,
                                 rights=[(r.type, r.number) for r in rights])
    desk.store.journal_record("filing", filing_id, None)
    return filing_id


def _refuse_pledged(rights: list[Right], consent: bool) -> None:
    """R-CIVIL-PLEDGE: a pledged right is not transferred or licensed without the pledgee's consent."""
    for right in rights:
        if right.pledged and not consent:
            raise Rejected("filing.pledged_without_consent", rule="R-CIVIL-PLEDGE", value=right.number)


def _refuse_first(refusals: list[rules.Refusal]) -> None:
    """The counter takes one refusal at a time: the first the rules give."""
    if refusals:
        refusal = refusals[0]
        raise Rejected(refusal.key, rule=refusal.rule, **refusal.params)


def _refuse_open(desk: Desk, right: Right, filing_type: str) -> None:
    """One open filing of a kind per right: a second renewal or transfer would be filed twice."""
    open_filings = db.open_filings(desk.store, right.type, right.number, filing_type)
    if open_filings:
        raise Rejected("filing.already_open", rule="FILING-OPEN", value=right.number, filing=open_filings[0]["id"])


# renewal (续展)

@_atomic
def add_renewal(desk: Desk, reg_no: str, filed: date, paper: bool = False) -> int:
    right = desk.right(reg_no)
    if right.type != MARK:
        raise Rejected("renewal.not_a_mark", rule="FILING-RIGHT-TYPE", value=reg_no)
    dates = desk.key_dates.mark(date.fromisoformat(right.row["term_starts_on"]))
    _refuse_first(rules.renewal_refusals(dates, filed))
    assessment = trademark.assess_renewal(dates, filed, len(right.row["classes"]), paper)
    record = assessment.as_record()
    details = {"renewal_status": record["status"], "expires_on": dates.expires_on,
               "grace_ends_on": dates.grace_ends_on, "new_term_starts_on": dates.next_term_starts_on,
               "new_term_expires_on": dates.next_term_expires_on, "classes": right.row["classes"],
               "fee_renewal": record["fee_renewal"], "fee_late": record["fee_late"],
               "registrant": right.owner, "registrant_id": right.row["owner_id"]}
    with desk.store.transaction():
        _refuse_open(desk, right, "renewal")
        desk.check_calendar(dates.missing_years)
        return _record(desk, type="renewal", received_on=filed, rights=[right], fee_total=record["fee_total"],
                       details=details, paper=paper)


# annual fee payment

@_atomic
def pay_annuity(desk: Desk, app_no: str, year: int, paid: date) -> int:
    """Record an annual fee paid (R-PAT-ANNUITY-DUE, R-PAT-LATE); the patent is paid through `year`."""
    right = desk.right(app_no)
    if right.type == MARK:
        raise Rejected("annuity.not_a_patent", rule="FILING-RIGHT-TYPE", value=app_no)
    row = right.row
    if year <= row["paid_through"]:
        raise Rejected("annuity.already_paid", rule="R-PAT-ANNUITY-DUE", value=year, paid_through=row["paid_through"])
    if year != row["paid_through"] + 1:
        raise Rejected("annuity.earlier_unpaid", rule="R-PAT-ANNUITY-DUE", value=year,
                       expected=row["paid_through"] + 1)
    granted = date.fromisoformat(row["granted_on"]) if row["granted_on"] else None
    if reduction_needs_grant_year(row["reduction"]) and granted is None:
        raise Rejected("annuity.reduction_needs_grant", rule="FEE-REDUCTION", value=right.number)
    payment = patent_rules.annuity_payment(desk.key_dates.calendar, row["type"], date.fromisoformat(row["filed_on"]),
                                           year, today=desk.today, paid=paid, reduction=row["reduction"],
                                           granted=granted, open_license=open_license_of(row))
    if payment.status == patent_rules.LAPSED:
        raise Rejected("annuity.lapsed", rule="R-PAT-LATE", value=paid, grace_ends=payment.due.grace_ends_on)
    desk.check_calendar(payment.due.missing_years)
    record = payment.as_record()
    details = {key: record[key] for key in ("year", "due_on", "grace_ends_on", "fee", "fee_payable",
                                            "late_fee_rate_pct", "late_fee")}
    with desk.store.transaction():
        filing_id = _record(desk, type="annuity", received_on=paid, rights=[right], fee_total=record["total"],
                            details=details, status=ACCEPTED)
        desk.rewrite(right, paid_through=year)
    return filing_id


# transfer (转让, 移转)

@_atomic
def add_transfer(desk: Desk, right_nos, *, to: str, to_id: str | None, to_address: str | None,
                 from_address: str | None, filed: date, kind: str, consent: bool, paper: bool = False) -> int:
    rights = desk.rights(right_nos)
    owner = desk.one_owner(rights)
    _refuse_pledged(rights, consent)
    assignee_id = identifiers.owner_id(to_id)[1] if to_id else None
    _warn_same_name_kept(desk, rights, owner, "warn.transfer_same_name", "R-TM-TRANSFER")
    fees = [_right_fee(ASSIGNMENT, right, filed, paper) for right in rights]
    details = {"kind": kind,
               "assignor": {"name": owner, "id": rights[0].row["owner_id"], "address": from_address},
               "assignee": {"name": to, "id": assignee_id, "address": to_address},
               "fees": {right.number: fee for right, fee in zip(rights, fees)}}
    with desk.store.transaction():
        for right in rights:
            _refuse_open(desk, right, "transfer")
        return _record(desk, type="transfer", received_on=filed, rights=rights, fee_total=sum(fees),
                       details=details, paper=paper)


def _right_fee(item: str, right: Right, filed: date, paper: bool) -> int:
    """FEE-TM per class of a mark, FEE-PAT-RECORDAL per patent."""
    classes = len(right.row["classes"]) if right.type == MARK else 0
    return recordal_fee(item, right.type, filed, paper, classes)[0]


def _warn_same_name_kept(desk: Desk, rights: list[Right], owner, key: str, rule: str) -> None:
    """R-TM-TRANSFER / R-TM-PLEDGE: same-name marks in the same class should go together."""
    numbers = {r.number for r in rights}
    for right in rights:
        if right.type == MARK and owner and right.row["name"]:
            kept = [n for n in db.same_name_marks(desk.store, owner, right.row["name"], right.row["classes"])
                    if n not in numbers]
            if kept:
                desk.warn(key, value=right.number, kept=", ".join(kept), rule=rule)


# licence recordal (许可备案)

@_atomic
def add_license(desk: Desk, right_no: str, *, licensee: str, starts: date, ends: date, filed: date, kind: str,
                amount: float | None, consent: bool, paper: bool = False) -> int:
    right = desk.right(right_no)
    _refuse_pledged([right], consent)
    due, provisional = _license_recordal_due(desk, right, starts, ends, filed)
    fee = _right_fee(LICENSE_RECORDAL, right, filed, paper)
    details = {"licensor": right.owner, "licensee": licensee, "kind": kind, "starts_on": starts, "ends_on": ends,
               "amount": amount, "recordal_due_on": due}
    with desk.store.transaction():
        filing_id = _record(desk, type="license", received_on=filed, rights=[right], fee_total=fee,
                            details=details, paper=paper)
        license_id = db.insert_license(
            desk.store, filing_id=filing_id, right_type=right.type, right_no=right.number, licensor=right.owner,
            licensee=licensee, kind=kind, starts_on=starts.isoformat(), ends_on=ends.isoformat(), amount=amount,
            recordal_due_on=due.isoformat(), provisional=int(provisional))
        desk.store.journal_record("license", license_id, None)
    return filing_id


def _license_recordal_due(desk: Desk, right: Right, starts: date, ends: date, filed: date) -> tuple[date, bool]:
    """The day a licence is recorded by, and whether it is provisional: a mark's licence within its term
    (R-TM-LICENSE), a patent's within 3 months of taking effect (R-PAT-LICENSE, R-PERIOD, R-PAT-WEEKEND).
    The refusals of the licence's own dates come before the holiday calendar's, which only the
    deadline of a patent's licence needs (R-PROVISIONAL)."""
    if right.type == MARK:
        due, missing_years, provisional = ends, (), False
    else:
        period = patent_license_recordal_due(desk.key_dates.calendar, starts)
        due, missing_years, provisional = period.deadline_on, period.missing_years, period.provisional
    refusals = rules.license_refusals(right.type, starts=starts, ends=ends, filed=filed, due=due,
                                      expires=right.term_ends_on)
    _refuse_first([refusal for refusal in refusals if refusal.about == "ends"])
    desk.check_calendar(missing_years)
    _refuse_first(refusals)
    return due, provisional


# pledge registration (质权登记), extension, change, release

@_atomic
def add_pledge(desk: Desk, right_nos, *, pledgee: str, amount: float, starts: date, ends: date, filed: date,
               debtor: str | None) -> int:
    rights = desk.rights(right_nos)
    pledgor = desk.one_owner(rights)
    _refuse_first(rules.pledge_refusals([_pledged_right(desk, right, filed) for right in rights],
                                        starts=starts, ends=ends))
    _warn_same_name_kept(desk, rights, pledgor, "warn.pledge_same_name", "R-TM-PLEDGE")
    details = {"pledgor": pledgor, "pledgee": pledgee, "debtor": debtor or pledgor, "amount": amount,
               "starts_on": starts, "ends_on": ends}
    with desk.store.transaction():
        filing_id = _record(desk, type="pledge", received_on=filed, rights=rights, fee_total=0, details=details)
        pledge_id = db.insert_pledge(desk.store, filing_id=filing_id, pledgor=pledgor, pledgee=pledgee,
                                     debtor=debtor or pledgor, amount=amount, starts_on=starts.isoformat(),
                                     ends_on=ends.isoformat(), rights=[(r.type, r.number) for r in rights])
        desk.store.journal_record("pledge", pledge_id, None)
    return filing_id


def _pledged_right(desk: Desk, right: Right, filed: date) -> rules.PledgedRight:
    return rules.PledgedRight(right.type, right.number, right.term_ends_on, pledged=right.pledged,
                              lapsed=desk.lapsed_on(right, filed))


def _registered_pledge(desk: Desk, pledge_id: int) -> dict:
    pledge = db.get_pledge(desk.store, pledge_id)
    if pledge is None:
        raise NotFound("pledge.not_found", rule="PLEDGE-UNKNOWN", value=pledge_id)
    if pledge["status"] != "registered":
        raise Rejected("pledge.not_registered", rule="PLEDGE-STATUS", value=pledge_id, status=pledge["status"])
    return pledge


def _pledge_rights(desk: Desk, pledge: dict) -> list[Right]:
    return [desk.right(r["right_no"]) for r in pledge["rights"]]


@_atomic
def extend_pledge(desk: Desk, pledge_id: int, *, to: date, filed: date) -> int:
    """R-TM-PLEDGE (project decision): an extension is filed by the last day of the pledge term."""
    pledge = _registered_pledge(desk, pledge_id)
    rights = _pledge_rights(desk, pledge)
    current_end = date.fromisoformat(pledge["ends_on"])
    rule = rules.pledge_rule(rights[0].type)
    if filed > current_end:
        raise Rejected("pledge.extension_late", rule=rule, value=filed, ends=current_end)
    if to <= current_end:
        raise Rejected("pledge.extension_not_later", rule="PLEDGE-EXTENSION", value=to, ends=current_end)
    _refuse_first(rules.pledge_outlasts([rules.PledgedRight(r.type, r.number, r.term_ends_on) for r in rights], to))
    details = {"pledge_id": pledge_id, "ends_on": current_end, "new_ends_on": to}
    with desk.store.transaction():
        return _record(desk, type="pledge_extension", received_on=filed, rights=rights, fee_total=0,
                       details=details)


@_atomic
def change_pledge(desk: Desk, pledge_id: int, *, filed: date, **changes) -> int:
    pledge = _registered_pledge(desk, pledge_id)
    changes = {key: value for key, value in changes.items() if value is not None}
    if not changes:
        raise Rejected("pledge.nothing_to_change", rule="PLEDGE-CHANGE", value=pledge_id)
    details = {"pledge_id": pledge_id, "changes": changes,
               "before": {key: pledge[key] for key in changes}}
    with desk.store.transaction():
        return _record(desk, type="pledge_change", received_on=filed, rights=_pledge_rights(desk, pledge),
                       fee_total=0, details=details)


@_atomic
def release_pledge(desk: Desk, pledge_id: int, *, on: date) -> int:
    pledge = _registered_pledge(desk, pledge_id)
    details = {"pledge_id": pledge_id, "released_on": on}
    with desk.store.transaction():
        return _record(desk, type="pledge_release", received_on=on, rights=_pledge_rights(desk, pledge),
                       fee_total=0, details=details)
