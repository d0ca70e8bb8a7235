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
from operator import itemgetter

from ipcli import jsontext
from ipcli.literal import neutralised
from ipcli.register.batch_checks import Problem, Report, RuleChecker, json_field, money

SCHEMA_NAME = "ipcli.batch/1"
BATCH_TYPES = ("renewal", "transfer", "license", "pledge")
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
    field, value, kind = json_field(*error.absolute_path), error.validator_value, error.validator
    if kind == "required":
        for name in (n for n in value if n not in error.instance):
            report.add(index, json_field(*error.absolute_path, name), "batch.schema_missing", "BATCH-SCHEMA")
    elif kind == "additionalProperties":
        for name in sorted(set(error.instance) - set(error.schema.get("properties", {}))):
            report.add(index, json_field(*error.absolute_path, name), "batch.schema_unknown", "BATCH-SCHEMA")
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
