"""The batch document, `schemas/batch.schema.json` ("ipcli.batch/1"): items built from filings and
back, the canonical items and their checksum, the file's text, and the staff CSV.

Canonical items: the UTF-8 bytes of json.dumps(items, ensure_ascii=False, sort_keys=True,
separators=(",", ":")); `manifest.items_sha256` is their SHA-256. The file writes each item in that
form on a line of its own, so the checksum is computed from the same text that is written.
"""

import csv
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter

from ipcli import jsontext
from ipcli.errors import Rejected
from ipcli.literal import neutralised
from ipcli.rules import identifiers, trademark
from ipcli.rules.dates import EARLIEST, LATEST, DateProblem, month_end_clamped, parse_iso_date
from ipcli.rules.fees import ASSIGNMENT, LATE_RENEWAL, LICENSE_RECORDAL, RENEWAL, recordal_fee
from ipcli.rules.periods import patent_license_recordal_due

SCHEMA_NAME = "ipcli.batch/1"
BATCH_TYPES = ("renewal", "transfer", "license", "pledge")
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def money(value):
    """An amount as JSON writes it canonically: integers without a fraction."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def canonical_text(value) -> str:
    return _CANONICAL.encode(value)


def items_sha256(item_texts: list[str]) -> str:
    """SHA-256 of the canonical items, from the canonical text of each item."""
    digest = hashlib.sha256(b"[")
    for index, text in enumerate(item_texts):
        digest.update(text.encode("utf-8") if index == 0 else ("," + text).encode("utf-8"))
    digest.update(b"]")
    return digest.hexdigest()


def checksum_of(items) -> str:
    return hashlib.sha256(canonical_text(items).encode("utf-8")).hexdigest()


# items from filings (export)

def party(name, id_=None, address=None) -> dict:
    return {"name": name, "id": id_, "address": address}


def mark_object(row: dict) -> dict:
    return {"reg_no": row["reg_no"], "classes": row["classes"], "name": row["name"], "kind": row["kind"],
            "registered_on": row["registered_on"], "term_starts_on": row["term_starts_on"],
            "expires_on": row["expires_on"]}


def patent_object(row: dict) -> dict:
    return {"app_no": row["app_no"], "patent_type": row["type"], "title": row["title"], "filed_on": row["filed_on"],
            "granted_on": row["granted_on"], "paid_through": row["paid_through"], "term_ends_on": row["term_ends_on"]}


def build_item(filing_type: str, seq: int, filing: dict, mark_rows: list[dict], patent_rows: list[dict]) -> dict:
    """One item from a filing row (details as stored) and the rows of the rights it names."""
    item = {"seq": seq, "filing_id": filing["id"], "received_on": filing["received_on"], "window": filing["window"],
            "paper": bool(filing["paper"]), "fee_total": money(filing["fee_total"]), "agent": None}
    item.update(_BUILDERS[filing_type](json.loads(filing["details"]), mark_rows, patent_rows))
    return item


def _rights(mark_rows, patent_rows) -> dict:
    return {"marks": [mark_object(r) for r in mark_rows], "patents": [patent_object(r) for r in patent_rows]}


def _owner_id(mark_rows, patent_rows):
    return (mark_rows or patent_rows)[0]["owner_id"]


def _renewal(details: dict, mark_rows, patent_rows) -> dict:
    return {"mark": mark_object(mark_rows[0]), "registrant": party(details["registrant"], details["registrant_id"]),
            "renewal_status": details["renewal_status"], "grace_ends_on": details["grace_ends_on"],
            "new_term": {"starts_on": details["new_term_starts_on"], "ends_on": details["new_term_expires_on"]},
            "fees": {"renewal": money(details["fee_renewal"]), "late": money(details["fee_late"])}}


def _transfer(details: dict, mark_rows, patent_rows) -> dict:
    assignor, assignee = details["assignor"], details["assignee"]
    return {"kind": details["kind"], "assignor": party(assignor["name"], assignor["id"], assignor["address"]),
            "assignee": party(assignee["name"], assignee["id"], assignee["address"]),
            **_rights(mark_rows, patent_rows), "fees": {no: money(fee) for no, fee in details["fees"].items()}}


def _license(details: dict, mark_rows, patent_rows) -> dict:
    return {"licensor": party(details["licensor"], _owner_id(mark_rows, patent_rows)),
            "licensee": party(details["licensee"]), "kind": details["kind"],
            "term": {"starts_on": details["starts_on"], "ends_on": details["ends_on"]},
            "goods": mark_rows[0]["classes"] if mark_rows else None, "amount": money(details["amount"]),
            "recordal_due_on": details["recordal_due_on"], **_rights(mark_rows, patent_rows)}


def _pledge(details: dict, mark_rows, patent_rows) -> dict:
    pledgor_id = _owner_id(mark_rows, patent_rows)
    term = {"starts_on": details["starts_on"], "ends_on": details["ends_on"]}
    debtor_id = pledgor_id if details["debtor"] == details["pledgor"] else None
    return {"pledgor": party(details["pledgor"], pledgor_id), "pledgee": party(details["pledgee"]),
            "debtor": party(details["debtor"], debtor_id), "secured_amount": money(details["amount"]),
            "debt_term": term, "guarantee_scope": None, "pledge_term": dict(term), **_rights(mark_rows, patent_rows)}


_BUILDERS = {"renewal": _renewal, "transfer": _transfer, "license": _license, "pledge": _pledge}


def manifest(*, batch_id: str, filing_type: str, created_at: str, window, operator: str, items: list[dict],
             checksum: str, generator: str) -> dict:
    fee_total = round(sum(item["fee_total"] for item in items), 2)
    return {"batch_id": batch_id, "filing_type": filing_type, "created_at": created_at, "window": window,
            "operator": operator, "count": len(items), "fee_total": money(fee_total), "items_sha256": checksum,
            "generator": generator}


def document_text(manifest_: dict, item_texts: list[str]) -> str:
    """The file: schema and manifest first, then one canonical item per line."""
    head = (f'{{"schema": {json.dumps(SCHEMA_NAME)},\n "manifest": {json.dumps(manifest_, ensure_ascii=False)},\n'
            f' "items": [\n')
    return head + ",\n".join(item_texts) + "\n]}\n"


# filings from items (import)

def item_marks(item: dict) -> list[dict]:
    return [item["mark"]] if "mark" in item else item["marks"]


def item_owner(filing_type: str, item: dict) -> dict:
    """The party who holds the rights an item names."""
    return item[{"renewal": "registrant", "transfer": "assignor", "license": "licensor", "pledge": "pledgor"}
                [filing_type]]


def filing_details(filing_type: str, item: dict, batch_id: str) -> dict:
    """The details a filing of this type keeps in the register, from an item, with its origin."""
    details = _DETAILS[filing_type](item)
    details["origin"] = {"batch_id": batch_id, "seq": item["seq"], "filing_id": item["filing_id"]}
    return details


def _renewal_details(item: dict) -> dict:
    mark = item["mark"]
    return {"renewal_status": item["renewal_status"], "expires_on": mark["expires_on"],
            "grace_ends_on": item["grace_ends_on"], "new_term_starts_on": item["new_term"]["starts_on"],
            "new_term_expires_on": item["new_term"]["ends_on"], "classes": mark["classes"],
            "fee_renewal": item["fees"]["renewal"], "fee_late": item["fees"]["late"],
            "registrant": item["registrant"]["name"], "registrant_id": item["registrant"]["id"]}


def _transfer_details(item: dict) -> dict:
    return {"kind": item["kind"], "assignor": item["assignor"], "assignee": item["assignee"], "fees": item["fees"]}


def _license_details(item: dict) -> dict:
    return {"licensor": item["licensor"]["name"], "licensee": item["licensee"]["name"], "kind": item["kind"],
            "starts_on": item["term"]["starts_on"], "ends_on": item["term"]["ends_on"], "amount": item["amount"],
            "recordal_due_on": item["recordal_due_on"]}


def _pledge_details(item: dict) -> dict:
    return {"pledgor": item["pledgor"]["name"], "pledgee": item["pledgee"]["name"], "debtor": item["debtor"]["name"],
            "amount": item["secured_amount"], "starts_on": item["pledge_term"]["starts_on"],
            "ends_on": item["pledge_term"]["ends_on"]}


_DETAILS = {"renewal": _renewal_details, "transfer": _transfer_details, "license": _license_details,
            "pledge": _pledge_details}


# the staff CSV

def _numbers(item: dict) -> str:
    return "; ".join([m["reg_no"] for m in item_marks(item)] + [p["app_no"] for p in item.get("patents", ())])


_COMMON_HEAD = (("seq", ("seq",)), ("filing_id", ("filing_id",)), ("received_on", ("received_on",)))
_COMMON_TAIL = (("fee_total", ("fee_total",)), ("paper", ("paper",)), ("window", ("window",)))
# Column name -> where its value is in an item (a path of keys, or a function of the item).
CSV_COLUMNS = {
    "renewal": (("reg_no", ("mark", "reg_no")), ("mark_name", ("mark", "name")), ("classes", ("mark", "classes")),
                ("registrant", ("registrant", "name")), ("registrant_id", ("registrant", "id")),
                ("expires_on", ("mark", "expires_on")), ("renewal_status", ("renewal_status",)),
                ("grace_ends_on", ("grace_ends_on",)), ("new_term_starts_on", ("new_term", "starts_on")),
                ("new_term_ends_on", ("new_term", "ends_on")), ("fee_renewal", ("fees", "renewal")),
                ("fee_late", ("fees", "late"))),
    "transfer": (("kind", ("kind",)), ("rights", _numbers), ("assignor", ("assignor", "name")),
                 ("assignor_id", ("assignor", "id")), ("assignor_address", ("assignor", "address")),
                 ("assignee", ("assignee", "name")), ("assignee_id", ("assignee", "id")),
                 ("assignee_address", ("assignee", "address"))),
    "license": (("rights", _numbers), ("licensor", ("licensor", "name")), ("licensor_id", ("licensor", "id")),
                ("licensee", ("licensee", "name")), ("kind", ("kind",)), ("starts_on", ("term", "starts_on")),
                ("ends_on", ("term", "ends_on")), ("goods", ("goods",)), ("amount", ("amount",)),
                ("recordal_due_on", ("recordal_due_on",))),
    "pledge": (("rights", _numbers), ("pledgor", ("pledgor", "name")), ("pledgor_id", ("pledgor", "id")),
               ("pledgee", ("pledgee", "name")), ("debtor", ("debtor", "name")),
               ("secured_amount", ("secured_amount",)),
               ("starts_on", ("pledge_term", "starts_on")), ("ends_on", ("pledge_term", "ends_on")),
               ("guarantee_scope", ("guarantee_scope",))),
}


def csv_columns(filing_type: str) -> tuple:
    return _COMMON_HEAD + CSV_COLUMNS[filing_type] + _COMMON_TAIL


def _getter(where):
    if callable(where):
        return where
    if len(where) == 1:
        return itemgetter(where[0])
    first, second = where
    return lambda item: item[first][second]


# Columns whose values are codes ("in_grace", "assignment"), which staff read by their labels.
CODE_COLUMNS = frozenset({"renewal_status", "kind"})


def write_csv(handle, filing_type: str, items: list[dict], header: list[str], shown) -> None:
    """The staff sheet: every cell quoted, formulas neutralised, yes/no and codes as `shown(column, value)`
    words them. `handle` is opened with utf-8-sig (the BOM lets Excel on Chinese Windows read UTF-8)."""
    columns = csv_columns(filing_type)
    getters = [_getter(where) for _, where in columns]
    names = [name for name, _ in columns]
    writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([neutralised(name) for name in header])
    writer.writerows(_csv_row(names, [getter(item) for getter in getters], shown) for item in items)


def _csv_row(names: list[str], values: list, shown) -> list:
    """Cells as staff read them: text (and a negative number) neutralised, null empty, yes or no and
    codes in words, classes joined by ";"."""
    for index, value in enumerate(values):
        kind = type(value)
        if kind is bool or kind is str and names[index] in CODE_COLUMNS:
            values[index] = neutralised(shown(names[index], value))
        elif kind is str:
            values[index] = neutralised(value)
        elif kind is int or kind is float:
            if value < 0:
                values[index] = f"'{value}"
        elif value is None:
            values[index] = ""
        elif kind is list:
            values[index] = ";".join(map(str, value))
    return values


# reading and checking a document (`batch validate`, `batch import`)

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


def _field(*parts) -> str:
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


def parse_document(data: bytes):
    """(document, None), or (None, the problem) when the bytes are not UTF-8 JSON."""
    try:
        return jsontext.loads(data.decode("utf-8-sig")), None
    except UnicodeDecodeError:
        return None, Problem("$", "batch.not_utf8", "BATCH-SCHEMA", {})
    except json.JSONDecodeError as error:
        return None, Problem("$", "batch.bad_json", "BATCH-SCHEMA",
                             {"line": error.lineno, "column": error.colno, "detail": error.msg})


def check_document(doc, calendar) -> tuple[list[Problem], frozenset]:
    """Every problem of a parsed document (schema, checksum, manifest and the rules, in item order),
    and the holiday years the rules' dates needed but the calendar lacks (R-PROVISIONAL). The rules
    check the items the schema passed, when the schema passed the manifest."""
    report, checker = Report(), RuleChecker(calendar)
    envelope_ok, bad_items = schema_check(doc, report)
    _checksum_problems(doc, report)
    if envelope_ok:
        checker.check(doc, report, bad_items)
    order = {id(problem): n for n, problem in enumerate(report.problems)}
    return sorted(report.problems, key=lambda p: (p.index, order[id(p)])), frozenset(checker.missing_years)


# the JSON Schema: fastjsonschema (compiled to Python) checks, jsonschema explains what failed

@functools.cache
def batch_schema() -> dict:
    from importlib.resources import files

    return json.loads(files("ipcli.schemas").joinpath("batch.schema.json").read_text(encoding="utf-8"))


def _part(name: str) -> dict:
    """The envelope (schema and manifest, items as a list of objects), or the schema of one item type."""
    schema = batch_schema()
    if name == "envelope":
        return {key: value for key, value in schema.items() if key not in ("allOf", "$id")}
    return {"$schema": schema["$schema"], "definitions": schema["definitions"],
            "allOf": [{"$ref": f"#/definitions/{name}"}]}


def _inlined(node, definitions: dict):
    """`node` with every #/definitions/ reference replaced by its target: fewer calls, faster checks."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inlined(definitions[node["$ref"].rsplit("/", 1)[1]], definitions)
        return {key: _inlined(value, definitions) for key, value in node.items() if key != "definitions"}
    if isinstance(node, list):
        return [_inlined(value, definitions) for value in node]
    return node


@functools.cache
def _fast_validator(name: str):
    import fastjsonschema

    return fastjsonschema.compile(_inlined(_part(name), batch_schema()["definitions"]))


@functools.cache
def _full_validator(name: str):
    from jsonschema import Draft7Validator

    return Draft7Validator(_part(name))


def schema_check(doc, report: Report) -> tuple[bool, set[int]]:
    """Whether the envelope (schema and manifest) matches the schema, and the positions of the items
    that do not; each mismatch added to the report."""
    from fastjsonschema import JsonSchemaValueException

    envelope_ok, bad_items = True, set()
    try:
        _fast_validator("envelope")(doc)
    except JsonSchemaValueException as error:
        envelope_ok = False
        _explain("envelope", doc, report, -1, error)
    filing_type, items = _get(doc, "manifest", "filing_type"), _get(doc, "items")
    if filing_type not in BATCH_TYPES or not isinstance(items, list):
        return False, bad_items
    validate = _fast_validator(filing_type)
    for index, item in enumerate(items):
        try:
            validate(item)
        except JsonSchemaValueException as error:
            bad_items.add(index)
            _explain(filing_type, item, report, index, error)
    return envelope_ok, bad_items


def _get(doc, *keys):
    for key in keys:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


def _explain(name: str, instance, report: Report, index: int, refusal) -> None:
    """The full validator's account of what the fast one refused; should the two ever disagree, the
    fast one's refusal stands, in its own words."""
    if index >= 0 and not isinstance(instance, dict):
        return  # the envelope's check already said that items must be objects
    explained = False
    for error in _full_validator(name).iter_errors(instance):
        _add_schema_error(error, report, index)
        explained = True
    if not explained:
        report.add(index, "", "batch.schema_other", "BATCH-SCHEMA", detail=refusal.message)


def _add_schema_error(error, report: Report, index: int) -> None:
    field, value, kind = _field(*error.absolute_path), error.validator_value, error.validator
    if kind == "required":
        for name in (n for n in value if n not in error.instance):
            report.add(index, _field(*error.absolute_path, name), "batch.schema_missing", "BATCH-SCHEMA")
    elif kind == "additionalProperties":
        for name in sorted(set(error.instance) - set(error.schema.get("properties", {}))):
            report.add(index, _field(*error.absolute_path, name), "batch.schema_unknown", "BATCH-SCHEMA")
    elif kind in _SCHEMA_KEYS:
        key, params = _SCHEMA_KEYS[kind](value, error.instance)
        report.add(index, field, key, "BATCH-SCHEMA", **params)
    else:
        report.add(index, field, "batch.schema_other", "BATCH-SCHEMA", detail=error.message)


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


_SCHEMA_KEYS = {
    "type": lambda value, instance: ("batch.schema_type", {
        "expected": " | ".join(value) if isinstance(value, list) else value, "value": _shown(instance)}),
    "enum": lambda value, instance: ("batch.schema_choice", {
        "value": _shown(instance), "choices": ", ".join(_shown(v) for v in value)}),
    "const": lambda value, instance: ("batch.schema_choice", {"value": _shown(instance), "choices": _shown(value)}),
    "pattern": lambda value, instance: ("batch.schema_pattern", {"value": _shown(instance), "pattern": value}),
    "minimum": lambda value, instance: ("batch.schema_minimum", {"value": instance, "limit": value}),
    "exclusiveMinimum": lambda value, instance: ("batch.schema_above", {"value": instance, "limit": value}),
    "maximum": lambda value, instance: ("batch.schema_maximum", {"value": instance, "limit": value}),
    "minItems": lambda value, instance: ("batch.schema_min_items", {"limit": value}),
    "uniqueItems": lambda value, instance: ("batch.schema_unique", {}),
    "anyOf": lambda value, instance: ("batch.schema_no_rights", {}),
}


def _checksum_problems(doc, report: Report) -> None:
    claimed, items = _get(doc, "manifest", "items_sha256"), _get(doc, "items")
    if not isinstance(claimed, str) or not isinstance(items, list):
        return
    computed = checksum_of(items)
    if computed != claimed:
        report.add(-1, "manifest.items_sha256", "batch.checksum_differs", "BATCH-CHECKSUM", computed=computed)


# the checks beyond the schema

_MISSING = object()
_RENEWAL_REFUSALS = {"too_early": "R-TM-WINDOW", "too_late": "R-TM-GRACE"}
_STATUS_RULES = {"in_window": "R-TM-WINDOW", "in_grace": "R-TM-GRACE"}
_DATE_FIELDS = {
    "renewal": (("grace_ends_on",), ("new_term", "starts_on"), ("new_term", "ends_on")),
    "transfer": (),
    "license": (("term", "starts_on"), ("term", "ends_on"), ("recordal_due_on",)),
    "pledge": (("debt_term", "starts_on"), ("debt_term", "ends_on"), ("pledge_term", "starts_on"),
               ("pledge_term", "ends_on")),
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
            self.day(index, _field(*path), item[path[0]][path[1]] if len(path) == 2 else item[path[0]], report)
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
        status = trademark.renewal_status(dates, filed)
        if status in _RENEWAL_REFUSALS:
            report.add(index, "received_on", f"renewal.{status}", _RENEWAL_REFUSALS[status], value=filed,
                       opens=dates.renewal_window_opens_on, grace_ends=dates.grace_ends_on)
            return
        self._same(index, "renewal_status", item["renewal_status"], status, _STATUS_RULES[status], report)
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
        rule = "R-TM-LICENSE" if item["marks"] else "R-PAT-LICENSE"
        if ends < starts:
            report.add(index, "term.ends_on", "license.ends_before_start", rule, value=ends, starts=starts)
        if item["marks"]:
            self._mark_license(index, item, filed, ends, report)
        else:
            self._patent_license(index, item, filed, starts, report)

    def _mark_license(self, index: int, item: dict, filed: date, ends: date, report: Report) -> None:
        """R-TM-LICENSE: within the registration, recorded within the licence term; FEE-TM per class."""
        mark = item["marks"][0]
        expires = self._days.get(mark["expires_on"])
        if expires is not None and ends > expires:
            report.add(index, "term.ends_on", "license.outlasts_registration", "R-TM-LICENSE", value=ends,
                       expires=expires)
        self._same(index, "recordal_due_on", item["recordal_due_on"], ends, "R-TM-LICENSE", report)
        if filed > ends:
            report.add(index, "received_on", "license.recordal_late", "R-TM-LICENSE", value=filed, due=ends)
        fee = self._fee(LICENSE_RECORDAL, filed, item["paper"], len(mark["classes"]))
        self._same(index, "fee_total", item["fee_total"], fee, "FEE-TM", report)

    def _patent_license(self, index: int, item: dict, filed: date, starts: date, report: Report) -> None:
        """R-PAT-LICENSE: recorded within 3 months of taking effect (R-PERIOD, R-PAT-WEEKEND); no fee
        (FEE-PAT-RECORDAL)."""
        if starts not in self._periods:
            period = patent_license_recordal_due(self.calendar, starts)
            self._periods[starts], self.missing_years = period.deadline_on, self.missing_years | period.missing_years
        due = self._periods[starts]
        self._same(index, "recordal_due_on", item["recordal_due_on"], due, "R-PAT-LICENSE", report)
        if filed > due:
            report.add(index, "received_on", "license.recordal_late", "R-PAT-LICENSE", value=filed, due=due)
        expected = self._fee(LICENSE_RECORDAL, filed, item["paper"], 0, "patent")
        self._same(index, "fee_total", item["fee_total"], expected, "FEE-PAT-RECORDAL", report)

    def _pledge(self, index: int, item: dict, report: Report) -> None:
        """R-TM-PLEDGE, R-PAT-PLEDGE: the pledge ends within every right's term; no official fee."""
        rule = "R-TM-PLEDGE" if item["marks"] else "R-PAT-PLEDGE"
        self._same(index, "fee_total", item["fee_total"], 0, rule, report)
        starts, ends = self._days.get(item["pledge_term"]["starts_on"]), self._days.get(item["pledge_term"]["ends_on"])
        if starts is None or ends is None:
            return
        if ends < starts:
            report.add(index, "pledge_term.ends_on", "pledge.ends_before_start", rule, value=ends, starts=starts)
        terms = [("R-TM-PLEDGE", m["reg_no"], m["expires_on"]) for m in item["marks"]]
        terms += [("R-PAT-PLEDGE", p["app_no"], p["term_ends_on"]) for p in item["patents"]]
        for right_rule, number, term_end in terms:
            term_end = self._days.get(term_end) if term_end else None
            if term_end is not None and ends > term_end:
                report.add(index, "pledge_term.ends_on", "pledge.outlasts_right", right_rule, value=ends, right=number,
                           ends=term_end)


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
