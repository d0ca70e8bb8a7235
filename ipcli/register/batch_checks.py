"""Where a batch document is wrong (Problem, Report, the JSONPath of a field) and the checks of its
items beyond the schema: manifest sums, calendar dates, check characters and the filing rules
(ipcli.rules.filings), each problem reported at the field it concerns."""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from ipcli.errors import Rejected
from ipcli.rules import filings as rules, identifiers, trademark
from ipcli.rules.dates import EARLIEST, LATEST, DateProblem, month_end_clamped, parse_iso_date
from ipcli.rules.fees import ASSIGNMENT, LATE_RENEWAL, LICENSE_RECORDAL, RENEWAL, recordal_fee
from ipcli.rules.periods import patent_license_recordal_due


def money(value):
    """An amount as JSON writes it canonically: integers without a fraction."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: where (a JSONPath), what (a message key and its
    parameters) and which rule says so."""

    path: str
    key: str
    rule: str | None
    params: dict
    index: int = -1  # the item's position, -1 for the document itself


class Report:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, index: int, field: str, key: str, rule: str | None, **params) -> None:
        self.problems.append(Problem(_json_path(index, field), key, rule, params, index))


def _json_path(index: int, field: str) -> str:
    base = f"$.items[{index}]" if index >= 0 else "$"
    if not field:
        return base
    return base + ("" if field.startswith("[") else ".") + field


def json_field(*parts) -> str:
    """`mark.classes[0]` from ("mark", "classes", 0); a name that is not a plain word is quoted, as in
    `["a\\nb"]`, so that no name from the file can break or forge a line of the report."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _PLAIN_NAME.fullmatch(str(part)):
            text += f"[{json.dumps(str(part))}]"
        else:
            text += f".{part}" if text else str(part)
    return text


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# the checks beyond the schema

_MISSING = object()
_DATE_FIELDS = {
    "renewal": (("grace_ends_on",), ("new_term", "starts_on"), ("new_term", "ends_on")),
    "transfer": (),
    "license": (("term", "starts_on"), ("term", "ends_on"), ("recordal_due_on",)),
    "pledge": (("debt_term", "starts_on"), ("debt_term", "ends_on"), ("pledge_term", "starts_on"),
               ("pledge_term", "ends_on")),
}
# The field of an item each refusal of ipcli.rules.filings is about.
_REFUSAL_FIELDS = {
    "renewal": {"filed": "received_on"},
    "license": {"filed": "received_on", "ends": "term.ends_on"},
    "pledge": {"ends": "pledge_term.ends_on"},
}
_PARTIES = {"renewal": ("registrant",), "transfer": ("assignor", "assignee"), "license": ("licensor", "licensee"),
            "pledge": ("pledgor", "pledgee", "debtor")}


class RuleChecker:
    """Manifest sums, calendar dates, check characters and the statutory rules of every item. Dates,
    fees and identifiers repeat across a large batch, so each is worked out once."""

    def __init__(self, calendar):
        self.calendar = calendar
        self._days, self._mark_dates, self._fees, self._ids, self._periods = {}, {}, {}, {}, {}
        self._date_problems = {}  # why each text in _days as None is not a date
        self.missing_years: set[int] = set()

    def check(self, doc: dict, report: Report, skip: set[int] = frozenset()) -> None:
        """Check the manifest and every item but those at the positions in `skip`."""
        items, filing_type = doc["items"], doc["manifest"]["filing_type"]
        self._manifest(doc["manifest"], items, report, sums=not skip)
        check_item = getattr(self, f"_{filing_type}")
        seen: set = set()
        for index, item in enumerate(items):
            if index not in skip:
                self._common(filing_type, index, item, report, seen)
                check_item(index, item, report)

    def _manifest(self, manifest: dict, items: list, report: Report, sums: bool) -> None:
        if not _is_timestamp(manifest["created_at"]):
            report.add(-1, "manifest.created_at", "batch.bad_timestamp", "BATCH-DATE", value=manifest["created_at"])
        if manifest["count"] != len(items):
            report.add(-1, "manifest.count", "batch.count_differs", "BATCH-MANIFEST", value=manifest["count"],
                       count=len(items))
        if not sums:
            return
        total = money(round(sum(item["fee_total"] for item in items), 2))
        if round(manifest["fee_total"], 2) != total:
            report.add(-1, "manifest.fee_total", "batch.value_differs", "BATCH-MANIFEST", value=manifest["fee_total"],
                       expected=total)

    def _common(self, filing_type: str, index: int, item: dict, report: Report, seen: set) -> None:
        if item["seq"] != index + 1:
            report.add(index, "seq", "batch.value_differs", "BATCH-MANIFEST", value=item["seq"], expected=index + 1)
        if item["filing_id"] in seen:
            report.add(index, "filing_id", "batch.filing_twice", "BATCH-DUPLICATE", value=item["filing_id"])
        seen.add(item["filing_id"])
        self.day(index, "received_on", item["received_on"], report)
        for path in _DATE_FIELDS[filing_type]:
            self.day(index, json_field(*path), item[path[0]][path[1]] if len(path) == 2 else item[path[0]], report)
        for field, mark in _marks_with_fields(item):
            for name in ("registered_on", "term_starts_on", "expires_on"):
                self.day(index, f"{field}.{name}", mark[name], report)
        for position, patent in enumerate(item.get("patents", ())):
            self._patent(index, f"patents[{position}]", patent, report)
        for name in _PARTIES[filing_type]:
            self._party_id(index, name, item[name]["id"], report)

    def day(self, index: int, field: str, text, report: Report):
        """The date `text` names, or None (a problem unless `text` is null)."""
        if text is None:
            return None
        day = self._days.get(text, _MISSING)
        if day is _MISSING:
            try:
                day = parse_iso_date(text)
            except DateProblem as problem:
                day, self._date_problems[text] = None, problem.kind
            self._days[text] = day
        if day is None:
            report.add(index, field, f"batch.{self._date_problems[text]}", "BATCH-DATE", value=text, low=EARLIEST,
                       high=LATEST)
        return day

    def _patent(self, index: int, field: str, patent: dict, report: Report) -> None:
        for name in ("filed_on", "granted_on", "term_ends_on"):
            self.day(index, f"{field}.{name}", patent[name], report)
        try:
            numbered = identifiers.patent_type_of(patent["app_no"])
        except Rejected as error:
            report.add(index, f"{field}.app_no", error.key, error.rule, **error.params)
            return
        if numbered != patent["patent_type"]:
            report.add(index, f"{field}.patent_type", "batch.value_differs", identifiers.PAT_APP_NO,
                       value=patent["patent_type"], expected=numbered)

    def _party_id(self, index: int, field: str, text, report: Report) -> None:
        if text is None:
            return
        error = self._ids.get(text, _MISSING)
        if error is _MISSING:
            error = self._ids[text] = _id_error(text)
        if error is not None:
            report.add(index, f"{field}.id", error.key, error.rule, **error.params)

    def _refused(self, filing_type: str, index: int, refusals: list[rules.Refusal], report: Report) -> None:
        for refusal in refusals:
            report.add(index, _REFUSAL_FIELDS[filing_type][refusal.about], refusal.key, refusal.rule, **refusal.params)

    def _same(self, index: int, field: str, value, expected, rule: str, report: Report) -> None:
        expected = expected.isoformat() if isinstance(expected, date) else expected
        if value != expected:
            report.add(index, field, "batch.value_differs", rule, value=value, expected=expected)

    def _fee(self, kind: str, filed: date, paper: bool, classes: int, right_type: str = "mark"):
        """FEE-TM per class of a mark, FEE-PAT-RECORDAL per patent."""
        key = (kind, right_type, filed, paper, classes)
        if key not in self._fees:
            self._fees[key] = recordal_fee(kind, right_type, filed, paper, classes)[0]
        return self._fees[key]

    def _renewal(self, index: int, item: dict, report: Report) -> None:
        """R-TM-WINDOW, R-TM-GRACE, R-TM-RENEWED-TERM and FEE-TM, from the mark's expiry and the filing date."""
        mark, filed = item["mark"], self._days.get(item["received_on"])
        expires = self._days.get(mark["expires_on"])
        if expires is None or filed is None:
            return
        dates = self._mark_dates.get(expires) or self._dates_of_mark(expires)
        refusals = rules.renewal_refusals(dates, filed)
        if refusals:
            self._refused("renewal", index, refusals, report)
            return
        status = trademark.renewal_status(dates, filed)
        self._same(index, "renewal_status", item["renewal_status"], status, trademark.STATUS_RULE[status], report)
        if item["grace_ends_on"] != month_end_clamped(expires, 6).isoformat():  # unshifted: provisional
            self._same(index, "grace_ends_on", item["grace_ends_on"], dates.grace_ends_on, "R-TM-GRACE", report)
        new_term = item["new_term"]
        self._same(index, "new_term.starts_on", new_term["starts_on"], dates.next_term_starts_on,
                   "R-TM-RENEWED-TERM", report)
        self._same(index, "new_term.ends_on", new_term["ends_on"], dates.next_term_expires_on, "R-TM-RENEWED-TERM",
                   report)
        self._renewal_fees(index, item, filed, status, report)

    def _dates_of_mark(self, expires: date) -> trademark.MarkDates:
        dates = self._mark_dates[expires] = trademark.mark_dates(self.calendar, expires=expires)
        self.missing_years |= dates.missing_years
        return dates

    def _renewal_fees(self, index: int, item: dict, filed: date, status: str, report: Report) -> None:
        classes, fees = len(item["mark"]["classes"]), item["fees"]
        late = self._fee(LATE_RENEWAL, filed, item["paper"], classes) if status == trademark.IN_GRACE else 0
        self._same(index, "fees.renewal", fees["renewal"], self._fee(RENEWAL, filed, item["paper"], classes),
                   "FEE-TM", report)
        self._same(index, "fees.late", fees["late"], late, "FEE-TM", report)
        self._same(index, "fee_total", item["fee_total"], money(fees["renewal"] + fees["late"]), "FEE-TM", report)

    def _transfer(self, index: int, item: dict, report: Report) -> None:
        """FEE-TM per class for each mark, FEE-PAT-RECORDAL for each patent."""
        filed, fees = self._days.get(item["received_on"]), item["fees"]
        numbers = [m["reg_no"] for m in item["marks"]] + [p["app_no"] for p in item["patents"]]
        if sorted(fees) != sorted(numbers):
            report.add(index, "fees", "batch.fees_rights_differ", "FEE-TM", rights=", ".join(numbers))
            return
        for mark in item["marks"] if filed else ():
            expected = self._fee(ASSIGNMENT, filed, item["paper"], len(mark["classes"]))
            self._same(index, f"fees['{mark['reg_no']}']", fees[mark["reg_no"]], expected, "FEE-TM", report)
        for patent in item["patents"] if filed else ():
            expected = self._fee(ASSIGNMENT, filed, item["paper"], 0, "patent")
            self._same(index, f"fees['{patent['app_no']}']", fees[patent["app_no"]], expected, "FEE-PAT-RECORDAL",
                       report)
        total = money(round(sum(fee for fee in fees.values() if fee), 2))
        self._same(index, "fee_total", item["fee_total"], total, "FEE-TM", report)

    def _license(self, index: int, item: dict, report: Report) -> None:
        rights = item["marks"] + item["patents"]
        if len(rights) != 1:
            report.add(index, "", "batch.license_one_right", "BATCH-SCHEMA", count=len(rights))
            return
        term, filed = item["term"], self._days.get(item["received_on"])
        starts, ends = self._days.get(term["starts_on"]), self._days.get(term["ends_on"])
        if None in (starts, ends, filed):
            return
        if item["marks"]:  # R-TM-LICENSE: recorded within the licence term; FEE-TM per class
            mark = item["marks"][0]
            right_type, due, classes = rules.MARK, ends, len(mark["classes"])
            expires = self._days.get(mark["expires_on"])
            rule, fee_rule = "R-TM-LICENSE", "FEE-TM"
        else:  # no fee (FEE-PAT-RECORDAL)
            right_type, due, expires, classes = rules.PATENT, self._patent_license_due(starts), None, 0
            rule, fee_rule = "R-PAT-LICENSE", "FEE-PAT-RECORDAL"
        self._refused("license", index, rules.license_refusals(right_type, starts=starts, ends=ends, filed=filed,
                                                               due=due, expires=expires), report)
        self._same(index, "recordal_due_on", item["recordal_due_on"], due, rule, report)
        fee = self._fee(LICENSE_RECORDAL, filed, item["paper"], classes, right_type)
        self._same(index, "fee_total", item["fee_total"], fee, fee_rule, report)

    def _patent_license_due(self, starts: date) -> date:
        """R-PAT-LICENSE: recorded within 3 months of taking effect (R-PERIOD, R-PAT-WEEKEND)."""
        if starts not in self._periods:
            period = patent_license_recordal_due(self.calendar, starts)
            self._periods[starts], self.missing_years = period.deadline_on, self.missing_years | period.missing_years
        return self._periods[starts]

    def _pledge(self, index: int, item: dict, report: Report) -> None:
        """R-TM-PLEDGE, R-PAT-PLEDGE: the pledge ends within every right's term; no official fee."""
        rule = "R-TM-PLEDGE" if item["marks"] else "R-PAT-PLEDGE"
        self._same(index, "fee_total", item["fee_total"], 0, rule, report)
        starts, ends = self._days.get(item["pledge_term"]["starts_on"]), self._days.get(item["pledge_term"]["ends_on"])
        if starts is None or ends is None:
            return
        rights = [rules.PledgedRight(rules.MARK, m["reg_no"], self._days.get(m["expires_on"])) for m in item["marks"]]
        rights += [rules.PledgedRight(rules.PATENT, p["app_no"], self._days.get(p["term_ends_on"]))
                   for p in item["patents"]]
        self._refused("pledge", index, rules.pledge_refusals(rights, starts=starts, ends=ends), report)


def _is_timestamp(text: str) -> bool:
    """Whether a text of the schema's form names a real moment (no 13th month, no 25th hour)."""
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _marks_with_fields(item: dict):
    if "mark" in item:
        return [("mark", item["mark"])]
    return [(f"marks[{position}]", mark) for position, mark in enumerate(item["marks"])]


def _id_error(text: str):
    """The Rejected of an invalid USCC or resident ID number (ID-USCC, ID-RIC), else None."""
    try:
        identifiers.owner_id(text)
    except Rejected as error:
        return error
    return None
