"""Marks and patents: validated input becomes a stored row with its key dates (RULES.md §3, §4)."""

from dataclasses import dataclass, field
from datetime import date

from ipcli.errors import Rejected
from ipcli.rules import identifiers, patent, trademark
from ipcli.rules.calendar import WorkCalendar
from ipcli.rules.fees import REDUCTION_SPELLINGS, OpenLicense, reduction_and_open_license

MARK_KINDS = ("ordinary", "collective", "certification")
# A kind or reduction outside its list: the options refuse one, so only an import file gives one.
VALUE_RULE = "IMPORT-VALUE"

# A mark's state on a given day, from where that day falls against its renewal dates.
MARK_STATUS = {trademark.TOO_EARLY: "active", trademark.IN_WINDOW: "in_window",
               trademark.IN_GRACE: "in_grace", trademark.TOO_LATE: "expired"}
PATENT_PENDING, PATENT_IN_FORCE, PATENT_LAPSED, PATENT_EXPIRED = "pending", "in_force", "lapsed", "expired"


@dataclass
class KeyDates:
    """Key dates of the register, computed once per distinct input (imports repeat dates a lot)."""

    calendar: WorkCalendar
    _marks: dict = field(default_factory=dict)
    _annuities: dict = field(default_factory=dict)

    def mark(self, term_starts_on: date) -> trademark.MarkDates:
        dates = self._marks.get(term_starts_on)
        if dates is None:
            dates = self._marks[term_starts_on] = trademark.mark_dates(self.calendar, registered=term_starts_on)
        return dates

    def annuity(self, patent_type: str, filed: date, year: int) -> patent.Annuity:
        key = (patent_type, filed, year)
        due = self._annuities.get(key)
        if due is None:
            due = self._annuities[key] = patent.annuity(self.calendar, patent_type, filed, year)
        return due


def _owner_id(text: str | None) -> str | None:
    return identifiers.owner_id(text)[1] if text else None


def mark_row(key_dates: KeyDates, *, reg_no: str, classes, registered_on: date, term_starts_on: date | None = None,
             name=None, owner=None, owner_id=None, kind: str = "ordinary", window=None) -> dict:
    """A validated mark row with its key dates (R-TM-TERM, R-TM-WINDOW, R-TM-GRACE)."""
    if kind not in MARK_KINDS:
        raise Rejected("mark.bad_kind", rule=VALUE_RULE, value=kind, choices=", ".join(MARK_KINDS))
    term_start = term_starts_on or registered_on
    if term_start < registered_on:
        raise Rejected("mark.term_before_registration", rule="R-TM-TERM", value=term_start, registered=registered_on)
    dates = key_dates.mark(term_start)
    return {
        "reg_no": identifiers.trademark_reg_no(reg_no),
        "classes": list(classes if isinstance(classes, (list, tuple)) else identifiers.nice_classes(classes)),
        "name": name or None, "owner": owner or None, "owner_id": _owner_id(owner_id), "kind": kind,
        "registered_on": registered_on.isoformat(), "term_starts_on": term_start.isoformat(),
        "window": window or None,
        "expires_on": dates.expires_on.isoformat(),
        "renewal_window_opens_on": dates.renewal_window_opens_on.isoformat(),
        "grace_ends_on": dates.grace_ends_on.isoformat(),
        "dates_provisional": int(dates.provisional),
    }


def mark_status(key_dates: KeyDates, row: dict, today: date) -> str:
    dates = key_dates.mark(date.fromisoformat(row["term_starts_on"]))
    return MARK_STATUS[trademark.renewal_status(dates, today)]


def patent_row(key_dates: KeyDates, *, app_no: str, filed_on: date, patent_type: str | None = None,
               granted_on: date | None = None, paid_through: int = 0, title=None, owner=None, owner_id=None,
               reduction: str = "none", open_license: bool = False, open_license_from: date | None = None,
               window=None) -> dict:
    """A validated patent row with its term end and next annual fee (R-PAT-TERM, R-PAT-ANNUITY-DUE,
    R-PAT-LATE). Annual fees are tracked once the patent is granted or a fee is recorded paid. Its fee
    reduction and its open licence are two facts (FEE-REDUCTION, FEE-OPEN-LICENSE); `reduction` "open" is
    an open licence of unknown date without a reduction."""
    canonical = identifiers.patent_app_no(app_no)
    numbered_type = identifiers.patent_type_of(canonical)
    if patent_type is not None and patent_type != numbered_type:
        raise Rejected("patent.type_mismatch", rule="ID-PAT-APP-NO", value=patent_type, app_no=canonical,
                       numbered=numbered_type)
    if reduction not in REDUCTION_SPELLINGS:
        raise Rejected("patent.bad_reduction", rule=VALUE_RULE, value=reduction,
                       choices=", ".join(REDUCTION_SPELLINGS))
    reduction, license_ = reduction_and_open_license(reduction, open_license_from, open_license)
    if granted_on is not None and granted_on < filed_on:
        raise Rejected("patent.granted_before_filing", rule="R-PAT-TERM", value=granted_on, filed=filed_on)
    if open_license_from is not None and open_license_from < filed_on:
        raise Rejected("patent.open_license_before_filing", rule="FEE-OPEN-LICENSE", value=open_license_from,
                       filed=filed_on)
    term = patent.patent_term(numbered_type, filed_on)
    if not 0 <= paid_through <= term.term_years:
        raise Rejected("patent.year_outside_term", rule="R-PAT-TERM", year=paid_through, type=numbered_type,
                       years=term.term_years)
    row = {
        "app_no": canonical, "type": numbered_type, "filed_on": filed_on.isoformat(),
        "granted_on": granted_on.isoformat() if granted_on else None, "title": title or None,
        "owner": owner or None, "owner_id": _owner_id(owner_id), "reduction": reduction,
        "open_license": int(license_ is not None),
        "open_license_from": open_license_from.isoformat() if open_license_from else None,
        "paid_through": paid_through, "window": window or None, "term_ends_on": term.term_ends_on.isoformat(),
        "next_annuity_year": None, "next_annuity_due_on": None, "next_annuity_grace_ends_on": None,
        "dates_provisional": 0,
    }
    next_year = paid_through + 1
    if (granted_on is not None or paid_through > 0) and next_year <= term.term_years:
        due = key_dates.annuity(numbered_type, filed_on, next_year)
        row.update(next_annuity_year=next_year, next_annuity_due_on=due.due_on.isoformat(),
                   next_annuity_grace_ends_on=due.grace_ends_on.isoformat(), dates_provisional=int(due.provisional))
    return row


def open_license_of(row: dict):
    """The stored patent's open licence (FEE-OPEN-LICENSE), or None."""
    if not row["open_license"]:
        return None
    return OpenLicense(date.fromisoformat(row["open_license_from"]) if row["open_license_from"] else None)


def patent_status(row: dict, today: date) -> str:
    if today >= date.fromisoformat(row["term_ends_on"]):
        return PATENT_EXPIRED
    grace_end = row["next_annuity_grace_ends_on"]
    if grace_end is not None and today > date.fromisoformat(grace_end):
        return PATENT_LAPSED
    return PATENT_IN_FORCE if row["granted_on"] or row["paid_through"] else PATENT_PENDING


def missing_years(key_dates: KeyDates, row: dict) -> frozenset:
    """Holiday years the row's key dates needed but did not have (R-PROVISIONAL)."""
    if "reg_no" in row:
        return key_dates.mark(date.fromisoformat(row["term_starts_on"])).missing_years
    if row["next_annuity_year"] is None:
        return frozenset()
    due = key_dates.annuity(row["type"], date.fromisoformat(row["filed_on"]), row["next_annuity_year"])
    return due.missing_years


def add_mark(store, key_dates: KeyDates, check_calendar, **fields) -> dict:
    """Validate and store a new mark; `check_calendar(missing_years)` may refuse provisional dates."""
    return _add(store, key_dates, check_calendar, "mark", mark_row(key_dates, **fields))


def add_patent(store, key_dates: KeyDates, check_calendar, **fields) -> dict:
    return _add(store, key_dates, check_calendar, "patent", patent_row(key_dates, **fields))


def _add(store, key_dates: KeyDates, check_calendar, kind: str, row: dict) -> dict:
    number = row["reg_no"] if kind == "mark" else row["app_no"]
    get, put = (store.get_mark, store.put_mark) if kind == "mark" else (store.get_patent, store.put_patent)
    check_calendar(missing_years(key_dates, row))
    with store.transaction():
        if get(number) is not None:
            raise Rejected(f"{kind}.exists", rule="RIGHT-EXISTS", value=number)
        put(row)
        store.journal_record(kind, number, None)
    return row


def mark_view(key_dates: KeyDates, row: dict, today: date) -> dict:
    """A stored mark as `mark show` prints it (CLI.md keys first)."""
    return {
        "reg_no": row["reg_no"], "classes": row["classes"], "name": row["name"], "owner": row["owner"],
        "kind": row["kind"], "registered_on": row["registered_on"], "expires_on": row["expires_on"],
        "renewal_window_opens_on": row["renewal_window_opens_on"], "grace_ends_on": row["grace_ends_on"],
        "status": mark_status(key_dates, row, today), "pledged": bool(row.get("pledged")),
        "owner_id": row["owner_id"], "term_starts_on": row["term_starts_on"], "window": row["window"],
        "provisional": bool(row["dates_provisional"]),
    }


def patent_view(row: dict, today: date) -> dict:
    return {
        "app_no": row["app_no"], "type": row["type"], "title": row["title"], "owner": row["owner"],
        "filed_on": row["filed_on"], "granted_on": row["granted_on"], "term_ends_on": row["term_ends_on"],
        "paid_through": row["paid_through"], "next_annuity_year": row["next_annuity_year"],
        "next_annuity_due_on": row["next_annuity_due_on"],
        "next_annuity_grace_ends_on": row["next_annuity_grace_ends_on"], "reduction": row["reduction"],
        "open_license": bool(row["open_license"]), "open_license_from": row["open_license_from"],
        "status": patent_status(row, today), "pledged": bool(row.get("pledged")), "owner_id": row["owner_id"],
        "window": row["window"], "provisional": bool(row["dates_provisional"]),
    }
