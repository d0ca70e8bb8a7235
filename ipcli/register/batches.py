"""Submission batches: filings travel from a county window to the prefecture window to CNIPA.

A batch keeps its id and checksum wherever it goes. The exporting register moves the filings to
`exported`; a receiving register that imports the batch records a copy of each filing, `exported`
too, with the batch as its origin. Both can then forward the same document (`submit`) and record
the office's decision (`mark`), and each register follows through the filing lifecycle.
"""

import os
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ipcli import __version__, net
from ipcli.clock import in_shanghai
from ipcli.db import batches as db, filings as filings_db
from ipcli.errors import NotFound, Rejected, Unavailable, UsageProblem, os_errors_as
from ipcli.register import batch_format as fmt, lifecycle, publication, rights as register_rights
from ipcli.register.desk import MARK, PATENT, Desk
from ipcli.register.filings import EXPORTED, FINAL, SUBMITTED

GENERATOR = f"ipcli {__version__}"
EXPORTED_HERE, IMPORTED = "exported", "imported"
SUBMIT_TIMEOUT_SECONDS = 30
SUBMIT_RETRIES = 3
BACKOFF_SECONDS = 0.5  # before the first retry; doubled before each next one


# export

@dataclass(frozen=True)
class ExportRequest:
    filing_type: str
    window: str | None  # only filings received at this window; None: all windows (see all_windows)
    until: date | None  # only filings received on or before this day
    out_dir: Path
    today: date
    created_at: datetime
    sender: str | None  # the exporting window, named in the manifest
    csv_header: list[str]
    shown: Callable[[str, object], str]  # a yes/no or a code of the staff CSV, as staff read it
    all_windows: bool = False  # without a window: the filings of every window, rather than of one only


class Staging:
    """The export's files, written under hidden temporary names in the output directory and renamed
    to their final names when the export commits; `discard` removes whatever a failed export wrote,
    the directory too when it made it. Their names are new: whatever stands there (a file, the register
    itself, a link even to nothing, a FIFO, a device) is refused, never replaced."""

    def __init__(self, out_dir: Path):
        self.out_dir, self.made_dir = out_dir, False
        self.files: list[list] = []  # [temporary, final, renamed]

    def write(self, name: str, write, encoding: str = "utf-8") -> None:
        final = self.out_dir / name
        with _os_errors(self.out_dir):
            if not self.out_dir.is_dir():
                self.out_dir.mkdir(parents=True)
                self.made_dir = True
            if os.path.lexists(final):
                raise UsageProblem("batch.file_exists", file=str(final))
            handle = tempfile.NamedTemporaryFile("w", encoding=encoding, newline="", dir=self.out_dir,
                                                 prefix=publication.temporary_prefix(name),
                                                 suffix=publication.TEMPORARY_SUFFIX, delete=False)
            self.files.append([Path(handle.name), final, False])
            with handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())

    def publish(self) -> None:
        with _os_errors(self.out_dir):
            for entry in self.files:
                os.replace(entry[0], entry[1])
                entry[2] = True

    def discard(self) -> None:
        for temporary, final, renamed in self.files:
            (final if renamed else temporary).unlink(missing_ok=True)
        if self.made_dir and not any(self.out_dir.iterdir()):
            self.out_dir.rmdir()

    def final(self, index: int) -> Path:
        return self.files[index][1]


def _os_errors(directory: Path):
    return os_errors_as("batch.out_unwritable", dir=str(directory))


def export_batch(store, request: ExportRequest) -> dict | None:
    """Write the batch of the ready filings and move them to `exported`, all or nothing; None when
    there is nothing to export (and nothing is written)."""
    staging, intent = Staging(request.out_dir), None
    try:
        with store.transaction():
            _refuse_mixed_windows(store, request)
            items = _ready_items(store, request)
            if not items:
                return None
            texts = [fmt.canonical_text(item) for item in items]
            manifest = fmt.manifest(
                batch_id=_new_batch_id(store, request), filing_type=request.filing_type,
                created_at=request.created_at.isoformat(timespec="seconds"), window=request.sender,
                operator=store.operator, items=items, checksum=fmt.items_sha256(texts), generator=GENERATOR)
            _refuse_invalid_export({"schema": fmt.SCHEMA_NAME, "manifest": manifest, "items": items})
            document = fmt.document_text(manifest, texts)
            intent = publication.Intent(store.location.intents_prefix(), manifest["batch_id"],
                                        [request.out_dir / name for name in _file_names(manifest["batch_id"])])
            _record_intent(intent, publishing=False)
            _stage_files(staging, request, manifest["batch_id"], document, items)
            _record_export(store, request, manifest, document, staging, items)
            _record_intent(intent, publishing=True)
            staging.publish()
    except BaseException:
        staging.discard()
        if intent is not None:
            intent.remove()
        raise
    intent.remove()
    return export_view(manifest, staging)


def _refuse_mixed_windows(store, request: ExportRequest) -> None:
    """A batch holds the filings of one window: without a window to export, filings received at several
    are refused unless --all-windows (BATCH-WINDOWS)."""
    if request.window is not None or request.all_windows:
        return
    windows = db.ready_windows(store, request.filing_type, request.until.isoformat() if request.until else None)
    if len(windows) > 1:
        raise Rejected("batch.windows_mixed", rule="BATCH-WINDOWS", type=request.filing_type,
                       windows=", ".join(window or "—" for window in windows))


def _record_intent(intent: publication.Intent, publishing: bool) -> None:
    with _os_errors(intent.path.parent):
        intent.record(publishing)


def _file_names(batch_id: str) -> tuple[str, str]:
    """The batch document and the staff's CSV."""
    return f"{batch_id}.json", f"{batch_id}.csv"


def recover_exports(store) -> list[publication.Settlement]:
    """Settle the files of exports that died while publishing them (ipcli.register.publication)."""
    def recorded(batch_id: str) -> bool:
        return db.get_batch(store, batch_id) is not None

    with store.transaction():
        return publication.recover(store.location.intents_prefix(), recorded)


def _ready_items(store, request: ExportRequest) -> list[dict]:
    where = (request.filing_type, request.window, request.until.isoformat() if request.until else None)
    filings = db.ready_filings(store, *where)
    if not filings:
        return []
    marks, patents = db.ready_marks(store, *where), db.ready_patents(store, *where)
    named: dict[int, tuple[list, list]] = {}
    for filing_id, right_type, right_no in db.ready_filing_rights(store, *where):
        mark_rows, patent_rows = named.setdefault(filing_id, ([], []))
        if right_type == MARK:
            mark_rows.append(marks[right_no])
        else:
            patent_rows.append(patents[right_no])
    return [fmt.build_item(request.filing_type, seq, filing, *named[filing["id"]])
            for seq, filing in enumerate(filings, start=1)]


def _new_batch_id(store, request: ExportRequest) -> str:
    while True:
        batch_id = f"{request.today:%Y%m%d}-{request.filing_type}-{secrets.token_hex(3)}"
        if db.get_batch(store, batch_id) is None:
            return batch_id


def _refuse_invalid_export(doc: dict) -> None:
    """The register should only ever hold filings that make a valid batch; refuse rather than write one
    that is not."""
    report = fmt.Report()
    fmt.schema_check(doc, report)
    if report.problems:
        problem = report.problems[0]
        raise Rejected("batch.export_invalid", rule=problem.rule, path=problem.path)


def _stage_files(staging: Staging, request: ExportRequest, batch_id: str, document: str, items: list[dict]) -> None:
    document_name, csv_name = _file_names(batch_id)
    staging.write(document_name, lambda handle: handle.write(document))
    staging.write(csv_name, lambda handle: fmt.write_csv(
        handle, request.filing_type, items, request.csv_header, request.shown), encoding="utf-8-sig")


def _record_export(store, request: ExportRequest, manifest: dict, document: str, staging: Staging,
                   items: list[dict]) -> None:
    batch_id = manifest["batch_id"]
    db.insert_batch(store, **_batch_row(manifest, EXPORTED_HERE, document), file=str(staging.final(0).resolve()),
                    csv_file=str(staging.final(1).resolve()))
    db.insert_items(store, batch_id, [item["filing_id"] for item in items])
    db.set_filings_exported(store, batch_id, request.today.isoformat())
    store.journal("batch", batch_id, None, {**manifest, "origin": EXPORTED_HERE})


def _batch_row(manifest: dict, origin: str, document: str) -> dict:
    return {"id": manifest["batch_id"], "filing_type": manifest["filing_type"], "origin": origin,
            "window": manifest["window"], "operator": manifest["operator"], "created_at": manifest["created_at"],
            "item_count": manifest["count"], "fee_total": manifest["fee_total"],
            "items_sha256": manifest["items_sha256"], "document": document}


def export_view(manifest: dict, staging: Staging) -> dict:
    return {"batch_id": manifest["batch_id"], "filing_type": manifest["filing_type"], "count": manifest["count"],
            "fee_total": manifest["fee_total"], "window": manifest["window"],
            "items_sha256": manifest["items_sha256"], "file": str(staging.final(0)),
            "csv_file": str(staging.final(1))}


# validate and import

@dataclass(frozen=True)
class Checked:
    doc: dict | None
    problems: list  # none: a valid batch
    missing_years: frozenset  # holiday years its dates needed and the calendar lacks (R-PROVISIONAL)


def check_bytes(data: bytes, calendar) -> Checked:
    """The parsed document, every problem it has, and the holiday years its checks lacked."""
    doc, problem = fmt.parse_document(data)
    if problem is not None:
        return Checked(None, [problem], frozenset())
    return Checked(doc, *fmt.check_document(doc, calendar))


def validation_view(name: str, doc: dict) -> dict:
    manifest = doc["manifest"]
    return {"file": name, "valid": True, "batch_id": manifest["batch_id"], "filing_type": manifest["filing_type"],
            "count": manifest["count"], "fee_total": manifest["fee_total"], "items_sha256": manifest["items_sha256"]}


def import_batch(desk: Desk, name: str, data: bytes, checked: Checked, source: str | None = None) -> dict:
    """Record a valid batch's filings with their origin, once: a batch whose items this register already
    holds (same checksum) adds nothing. Rights the register lacks are added from the items. Everything
    is checked before anything is written. `name` is the file as messages name it, `source` its full
    path (None for standard input)."""
    doc, store = checked.doc, desk.store
    manifest = doc["manifest"]
    with store.transaction():
        known = db.batch_with_checksum(store, manifest["items_sha256"])
        if known is not None:
            return _import_view(name, manifest, added=0, rights_added=0, already=known)
        if db.get_batch(store, manifest["batch_id"]) is not None:
            raise Rejected("batch.id_taken", rule="BATCH-CONFLICT", value=manifest["batch_id"])
        new_rights = _rights_to_add(desk, manifest["filing_type"], doc["items"])
        desk.check_calendar(checked.missing_years.union(
            *(register_rights.missing_years(desk.key_dates, row) for _, _, row in new_rights)))
        for kind, number, row in new_rights:
            (store.put_mark if kind == MARK else store.put_patent)(row)
            store.journal(kind, number, None, row)
        filing_ids = [_record_item(desk, manifest, item) for item in doc["items"]]
        db.insert_batch(store, **_batch_row(manifest, IMPORTED, data.decode("utf-8-sig")), file=source)
        db.insert_items(store, manifest["batch_id"], filing_ids)
        store.journal("batch", manifest["batch_id"], None,
                      {**manifest, "origin": IMPORTED, "file": name, "rights_added": len(new_rights)})
    return _import_view(name, manifest, added=len(filing_ids), rights_added=len(new_rights), already=None)


def _import_view(name: str, manifest: dict, *, added: int, rights_added: int, already: dict | None) -> dict:
    return {"file": name, "batch_id": manifest["batch_id"], "filing_type": manifest["filing_type"],
            "count": manifest["count"], "added": added, "rights_added": rights_added,
            "already_imported": already is not None, "known_as": already["id"] if already else None}


def _rights_to_add(desk: Desk, filing_type: str, items: list[dict]) -> list[tuple[str, str, dict]]:
    """(kind, number, row) of each mark and patent the items name and the register lacks, built from
    the items' fields; refuses an item whose right cannot be added or whose renewal cannot be accepted."""
    planned: dict[tuple[str, str], dict] = {}
    for item in items:
        owner = fmt.item_owner(filing_type, item)
        for mark in fmt.item_marks(item):
            row = desk.store.get_mark(mark["reg_no"]) or planned.get((MARK, mark["reg_no"]))
            if row is None:
                row = planned[(MARK, mark["reg_no"])] = _new_mark(desk, item, mark, owner)
            if filing_type == "renewal" and row["expires_on"] != mark["expires_on"]:
                raise Rejected("batch.renewal_term_differs", rule="R-TM-RENEWED-TERM", seq=item["seq"],
                               value=mark["reg_no"], expires=row["expires_on"], item_expires=mark["expires_on"])
        for patent in item.get("patents", ()):
            key = (PATENT, patent["app_no"])
            if key not in planned and desk.store.get_patent(patent["app_no"]) is None:
                planned[key] = _new_patent(desk, item, patent, owner)
    return [(kind, number, row) for (kind, number), row in planned.items()]


def _day(text):
    return date.fromisoformat(text) if text else None


def _new_mark(desk: Desk, item: dict, mark: dict, owner: dict) -> dict:
    """A mark the item names and the register lacks: made from the item when it gives the registration date."""
    if mark["registered_on"] is None:
        raise Rejected("batch.right_missing", rule="BATCH-RIGHT", seq=item["seq"], value=mark["reg_no"],
                       command="ipcli mark add")
    row = register_rights.mark_row(
        desk.key_dates, reg_no=mark["reg_no"], classes=mark["classes"], registered_on=_day(mark["registered_on"]),
        term_starts_on=_day(mark["term_starts_on"]), name=mark["name"], owner=owner["name"], owner_id=owner["id"],
        kind=mark["kind"], window=item["window"])
    if row["expires_on"] != mark["expires_on"]:
        raise Rejected("batch.right_inconsistent", rule="R-TM-TERM", seq=item["seq"], value=mark["reg_no"],
                       expires=row["expires_on"], item_expires=mark["expires_on"])
    return row


def _new_patent(desk: Desk, item: dict, patent: dict, owner: dict) -> dict:
    if patent["filed_on"] is None:
        raise Rejected("batch.right_missing", rule="BATCH-RIGHT", seq=item["seq"], value=patent["app_no"],
                       command="ipcli patent add")
    return register_rights.patent_row(
        desk.key_dates, app_no=patent["app_no"], filed_on=_day(patent["filed_on"]), patent_type=patent["patent_type"],
        granted_on=_day(patent["granted_on"]), paid_through=patent["paid_through"] or 0, title=patent["title"],
        owner=owner["name"], owner_id=owner["id"], window=item["window"])


def _record_item(desk: Desk, manifest: dict, item: dict) -> int:
    """The item as a filing of this register, `exported` like its original, with its licence or pledge."""
    store, filing_type = desk.store, manifest["filing_type"]
    rights = [(MARK, m["reg_no"]) for m in fmt.item_marks(item)] + [(PATENT, p["app_no"]) for p in
                                                                    item.get("patents", ())]
    filing_id = filings_db.insert_filing(
        store, type=filing_type, status=EXPORTED, received_on=item["received_on"], window=item["window"],
        paper=item["paper"], fee_total=item["fee_total"],
        details=fmt.filing_details(filing_type, item, manifest["batch_id"]), rights=rights)
    filings_db.set_filing_status(store, filing_id, EXPORTED, desk.today.isoformat(), None)
    if filing_type == "license":
        _record_license(store, filing_id, item, rights[0])
    elif filing_type == "pledge":
        _record_pledge(store, filing_id, item, rights)
    return filing_id


def _record_license(store, filing_id: int, item: dict, right: tuple[str, str]) -> None:
    filings_db.insert_license(
        store, filing_id=filing_id, right_type=right[0], right_no=right[1], licensor=item["licensor"]["name"],
        licensee=item["licensee"]["name"], kind=item["kind"], starts_on=item["term"]["starts_on"],
        ends_on=item["term"]["ends_on"], amount=item["amount"], recordal_due_on=item["recordal_due_on"])


def _record_pledge(store, filing_id: int, item: dict, rights: list[tuple[str, str]]) -> None:
    filings_db.insert_pledge(
        store, filing_id=filing_id, pledgor=item["pledgor"]["name"], pledgee=item["pledgee"]["name"],
        debtor=item["debtor"]["name"], amount=item["secured_amount"], starts_on=item["pledge_term"]["starts_on"],
        ends_on=item["pledge_term"]["ends_on"], rights=rights)


# list, show, mark

def require_batch(store, batch_id: str) -> dict:
    batch = db.get_batch(store, batch_id)
    if batch is None:
        raise NotFound("batch.not_found", rule="BATCH-UNKNOWN", value=batch_id)
    return batch


def batch_status(counts: dict) -> str:
    """The least advanced state of its filings: `exported` until every one is submitted, `submitted`
    until every one is decided; then `accepted` when any was, else `rejected` or `withdrawn`."""
    for status in (EXPORTED, SUBMITTED, "accepted", "rejected", "withdrawn"):
        if counts.get(status):
            return status
    return EXPORTED


def list_batches(store) -> list[dict]:
    counts = db.status_counts(store)
    return [{"batch_id": row["id"], "filing_type": row["filing_type"], "origin": row["origin"],
             "status": batch_status(counts.get(row["id"], {})), "window": row["window"], "count": row["item_count"],
             "fee_total": fmt.money(row["fee_total"]), "created_at": in_shanghai(row["created_at"]),
             "file": row["file"]}
            for row in db.list_batches(store)]


def show_batch(store, batch_id: str) -> dict:
    row = require_batch(store, batch_id)
    counts = db.status_counts(store, batch_id).get(batch_id, {})
    return {"batch_id": row["id"], "filing_type": row["filing_type"], "origin": row["origin"],
            "status": batch_status(counts), "window": row["window"], "operator": row["operator"],
            "created_at": in_shanghai(row["created_at"]), "count": row["item_count"],
            "fee_total": fmt.money(row["fee_total"]), "items_sha256": row["items_sha256"], "file": row["file"],
            "csv_file": row["csv_file"], "statuses": counts, "recorded_at": in_shanghai(row["recorded_at"]),
            "submitted_to": row["submitted_to"], "submitted_at": in_shanghai(row["submitted_at"]),
            "items": [_item_view(r) for r in db.batch_filings(store, batch_id)]}


def _item_view(row: dict) -> dict:
    return {"seq": row["seq"], "filing_id": row["filing_id"], "status": row["status"], "status_on": row["status_on"],
            "rights": row["rights"].split(";") if row["rights"] else [], "fee_total": fmt.money(row["fee_total"]),
            "reason": row["reason"]}


def mark_batch(desk: Desk, batch_id: str, status: str, on: date, seq: int | None = None,
               reason: str | None = None) -> dict:
    """Move every filing of the batch that is still open (or the one of item `seq`) to `status`, in one
    transaction: the register follows each as `filing set-status` does."""
    require_batch(desk.store, batch_id)
    with desk.store.transaction():
        rows = db.batch_filings(desk.store, batch_id, seq)
        if seq is not None and not rows:
            raise NotFound("batch.item_not_found", rule="BATCH-UNKNOWN", value=seq, batch=batch_id)
        if seq is None:
            rows = [row for row in rows if row["status"] not in FINAL and row["status"] != status]
        if not rows:
            raise Rejected("batch.nothing_to_mark", rule="BATCH-STATUS", value=batch_id, status=status)
        for row in rows:
            lifecycle.set_status(desk, row["filing_id"], status, on, reason, skipping=lifecycle.any_steps)
    return show_batch(desk.store, batch_id)


# submit

def submit_batch(desk: Desk, batch_id: str, url: str, *, timeout: float = SUBMIT_TIMEOUT_SECONDS,
                 retries: int = SUBMIT_RETRIES, sleep=time.sleep) -> dict:
    """POST the batch document to an intake endpoint; once it answers 2xx, its exported filings move
    to `submitted`. On failure nothing changes (exit 69)."""
    store = desk.store
    batch = require_batch(store, batch_id)
    waiting = [row for row in db.batch_filings(store, batch_id) if row["status"] == EXPORTED]
    if not waiting:
        counts = db.status_counts(store, batch_id).get(batch_id, {})
        raise Rejected("batch.not_exported", rule="BATCH-STATUS", value=batch_id, status=batch_status(counts))
    body = db.batch_document(store, batch_id).encode("utf-8")
    store.check_writable()  # a batch the register cannot record as submitted is not sent
    post_batch(url, body, batch, timeout=timeout, retries=retries, sleep=sleep)
    with store.transaction():
        for row in waiting:
            lifecycle.set_status(desk, row["filing_id"], SUBMITTED, max(desk.today, _day(row["received_on"])))
        db.set_submitted(store, batch_id, net.redacted_url(url))
    return show_batch(store, batch_id)


def post_batch(url: str, body: bytes, batch: dict, *, timeout: float, retries: int, sleep) -> None:
    """POST with `retries` more tries after a 5xx answer, no answer within `timeout` s or a failed
    connection, waiting BACKOFF_SECONDS, then twice as long before each next try. The Idempotency-Key
    (the checksum) lets the server drop a copy it already has. The answer's status is all that counts:
    its body is not read."""
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": GENERATOR.replace(" ", "/"),
               "Idempotency-Key": batch["items_sha256"], "X-Ipcli-Batch": batch["id"]}
    for attempt in range(1, retries + 2):
        if attempt > 1:
            sleep(BACKOFF_SECONDS * 2 ** (attempt - 2))
        try:
            net.request("POST", url, seconds=timeout, redact=net.Redactor(), read_body=False, data=body,
                        headers=headers)
            return
        except net.RequestFailed as error:
            problem = error
            if not isinstance(error, net.RetryableFailure):
                break
    raise Unavailable("batch.submit_failed", url=net.redacted_url(url), reason=net.reason_text(problem),
                      attempts=attempt)
