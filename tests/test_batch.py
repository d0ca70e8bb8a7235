"""Submission batches: exported at one window, validated and imported at the next, decided in both;
submitted to a real HTTP server on 127.0.0.1."""

import csv
import io
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ipcli.literal import neutralised
from ipcli.register import batch_format

BATCH_TYPES = ("renewal", "transfer", "license", "pledge")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def refused(result, code: int = 65) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


@pytest.fixture
def at(invoke, tmp_path):
    """at(name) runs ipcli on the register `name`.db under tmp_path (all at conftest's --today)."""

    def register(name: str):
        path = tmp_path / f"{name}.db"
        return lambda *args, env=None: invoke(*args, env={"IPCLI_DB": str(path), **(env or {})})

    return register


@pytest.fixture
def clerk(at):
    run = at("county")
    ok(run("sample", "load", "--format", "json"))
    return run


@pytest.fixture
def prefecture(at):
    run = at("prefecture")
    ok(run("sample", "load", "--format", "json"))
    return run


def filings(run, **filters) -> list[dict]:
    args = [arg for name, value in filters.items() for arg in (f"--{name}", value)]
    return ok(run("filing", "list", *args, "--format", "json"))


def export(run, out: Path, filing_type: str = "renewal", *extra) -> dict:
    """The export of the ready filings of every window (the sample's are received at several), or of the
    window given in `extra`."""
    windows = () if "--window" in extra else ("--all-windows",)
    return ok(run("batch", "export", "--type", filing_type, "--out", str(out), *windows, *extra, "--format", "json"))


def rewrite(path: Path, change) -> Path:
    """Change a batch file's document with `change(doc)` and give it the checksum of its new items."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    doc["manifest"]["items_sha256"] = batch_format.checksum_of(doc["items"])
    target = path.with_name("changed.json")
    target.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return target


# the "Done when"

def test_done_when_a_renewal_batch_travels_to_another_register_and_both_follow_the_decision(
        clerk, prefecture, tmp_path):
    ready = filings(clerk, type="renewal", status="ready")
    assert ready
    summary = export(clerk, tmp_path / "out")
    batch_file = Path(summary["file"])
    assert summary["count"] == len(ready) and summary["fee_total"] == sum(f["fee_total"] for f in ready)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([batch_file.name,
                                                                           Path(summary["csv_file"]).name])
    assert {f["id"] for f in filings(clerk, status="exported")} >= {f["id"] for f in ready}

    checked = ok(prefecture("batch", "validate", str(batch_file), "--format", "json"))
    assert (checked["valid"], checked["batch_id"], checked["count"]) == (True, summary["batch_id"], len(ready))
    before = len(filings(prefecture))
    imported = ok(prefecture("batch", "import", str(batch_file), "--format", "json"))
    assert (imported["added"], imported["already_imported"]) == (len(ready), False)
    again = prefecture("batch", "import", str(batch_file), "--format", "json")
    assert ok(again)["added"] == 0 and ok(again)["already_imported"] is True
    assert "already in this register" in again.stderr
    assert len(filings(prefecture)) == before + len(ready)

    for register in (prefecture, clerk):
        decided = ok(register("batch", "mark", summary["batch_id"], "accepted", "--format", "json"))
        assert decided["status"] == "accepted" and decided["statuses"] == {"accepted": len(ready)}
    for filing in ready:
        renewed = filing["details"]
        for register in (clerk, prefecture):
            mark = ok(register("mark", "show", filing["rights"][0], "--format", "json"))
            assert (mark["term_starts_on"], mark["expires_on"]) == (renewed["new_term_starts_on"],
                                                                    renewed["new_term_expires_on"])


def test_a_tampered_byte_is_caught_and_nothing_is_imported(clerk, prefecture, tmp_path):
    batch_file = Path(export(clerk, tmp_path / "out")["file"])
    data = batch_file.read_bytes()
    position = data.index(b'"fee_total":', data.index(b'"items"')) + len(b'"fee_total":')
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(data[:position] + bytes([data[position] ^ 1]) + data[position + 1:])
    result = prefecture("batch", "validate", str(tampered))
    assert result.exit_code == 65
    assert f"{tampered}: $.manifest.items_sha256: " in result.stderr and "[BATCH-CHECKSUM]" in result.stderr
    before = len(filings(prefecture))
    message = refused(prefecture("batch", "import", str(tampered)))
    assert "nothing imported" in message and message.rstrip().endswith("]")
    assert len(filings(prefecture)) == before and ok(prefecture("batch", "list", "--format", "json")) == []


def test_the_staff_csv_has_a_bom_and_never_starts_a_cell_with_a_formula(invoke, tmp_path):
    invoke("mark", "add", "100001", "--registered", "2019-01-15", "--classes", "9", "--name", "=1+2",
           "--owner", "+SUM(A1)", "--owner-id", "91110000600037341L")
    dangerous = {"name": "@cmd|' /C calc'!A0", "address": "-2+3", "from": "\tTAB", "id": None}
    added = ok(invoke("transfer", "add", "100001", "--to", dangerous["name"], "--to-address", dangerous["address"],
                      "--from-address", dangerous["from"], "--filed", "2026-11-20", "--format", "json"))
    ok(invoke("filing", "set-status", str(added["id"]), "ready", "--format", "json"))
    summary = export(invoke, tmp_path / "out", "transfer")
    raw = Path(summary["csv_file"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    cells = dict(zip(header, row))
    assert cells["assignee"] == "'" + dangerous["name"] and cells["assignee address"] == "'-2+3"
    assert cells["assignor"] == "'+SUM(A1)" and cells["assignor address"] == "'\tTAB"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")) for cell in header + row)
    item = json.loads(Path(summary["file"]).read_text(encoding="utf-8"))["items"][0]
    assert item["assignee"] == {"name": dangerous["name"], "id": None, "address": "-2+3"}  # never altered
    assert item["assignor"]["name"] == "+SUM(A1)"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_neutralise_prefixes_a_quote_to_each_formula_start(start):
    assert neutralised(start + "x") == "'" + start + "x"
    assert neutralised("x" + start) == "x" + start


# export

def test_export_with_nothing_to_export_writes_nothing(invoke, tmp_path):
    result = invoke("batch", "export", "--type", "pledge", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0 and result.stdout == ""
    assert "nothing written" in result.stderr and not (tmp_path / "out").exists()
    assert invoke("-q", "batch", "export", "--type", "pledge", "--out", str(tmp_path / "out")).stderr == ""


def test_export_leaves_no_temporary_file_and_fails_whole(clerk, tmp_path, monkeypatch):
    import os

    ready = filings(clerk, type="transfer", status="ready")
    real_replace, renamed = os.replace, []

    def replace_then_fail(source, target):  # the JSON file is renamed, then the CSV file fails
        if str(target).endswith(".csv"):
            raise OSError(28, "No space left on device")
        real_replace(source, target)
        renamed.append(Path(target).suffix)

    monkeypatch.setattr(os, "replace", replace_then_fail)
    message = refused(clerk("batch", "export", "--type", "transfer", "--out", str(tmp_path / "out")), code=2)
    assert "No space left on device" in message and ".json" in renamed
    assert not (tmp_path / "out").exists()  # no temporary file, no JSON renamed first, not the directory made
    assert filings(clerk, type="transfer", status="ready") == ready
    assert ok(clerk("batch", "list", "--format", "json")) == [] and intents(tmp_path) == []
    monkeypatch.setattr(os, "replace", real_replace)
    summary = export(clerk, tmp_path / "out", "transfer")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [Path(summary["file"]).name, Path(summary["csv_file"]).name])


def intents(tmp_path) -> list[Path]:
    return sorted(tmp_path.glob("*.db-export-*"))


def test_an_export_killed_between_its_renames_and_its_commit_is_undone_by_the_next_command(clerk, tmp_path):
    """The state a SIGKILL leaves there (tests/test_crash.py kills real exports): files under their final
    names and an intent, while the register never recorded the batch."""
    from ipcli.register import publication

    ready = filings(clerk, type="renewal", status="ready")
    ok(clerk("db", "backup", str(tmp_path / "before.db"), "--format", "json"))
    summary = export(clerk, tmp_path / "out", "renewal")
    ok(clerk("db", "restore", str(tmp_path / "before.db"), "--format", "json"))
    files = [Path(summary["file"]), Path(summary["csv_file"])]
    publication.Intent(tmp_path / "county.db", summary["batch_id"], files).record(publishing=True)
    result = clerk("batch", "list", "--format", "json")
    assert ok(result) == []
    assert result.stderr == (f"ipcli: warning: the export of batch {summary['batch_id']} was interrupted before it was "
                             "recorded: its files were removed and its filings are still ready\n")
    assert not any(file.exists() for file in files) and intents(tmp_path) == []
    assert filings(clerk, type="renewal", status="ready") == ready


def test_an_export_that_cannot_be_settled_is_named_and_the_command_still_runs(clerk, tmp_path):
    from ipcli.register import publication

    blocked = tmp_path / "out" / "20261122-renewal-000000.json"
    blocked.mkdir(parents=True)  # a directory where the file was: unlink() refuses it
    publication.Intent(tmp_path / "county.db", "20261122-renewal-000000", [blocked]).record(publishing=True)
    result = clerk("batch", "list", "--format", "json")
    assert ok(result) == [] and intents(tmp_path) != []
    assert result.stderr.startswith("ipcli: warning: the interrupted export of batch 20261122-renewal-000000 could "
                                    f"not be settled ({blocked}: ") and result.stderr.count("\n") == 1


def test_an_export_killed_after_its_commit_keeps_its_files(clerk, tmp_path):
    from ipcli.register import publication

    summary = export(clerk, tmp_path / "out", "renewal")
    files = [Path(summary["file"]), Path(summary["csv_file"])]
    publication.Intent(tmp_path / "county.db", summary["batch_id"], files).record(publishing=True)
    result = clerk("batch", "list", "--format", "json")
    assert [batch["batch_id"] for batch in ok(result)] == [summary["batch_id"]] and result.stderr == ""
    assert all(file.exists() for file in files) and intents(tmp_path) == []


def test_export_into_a_file_is_a_usage_error_and_writes_nothing(clerk, tmp_path):
    (tmp_path / "taken").write_text("x")
    ready = filings(clerk, type="renewal", status="ready")
    assert "cannot write to" in refused(clerk("batch", "export", "--type", "renewal", "--all-windows", "--out",
                                              str(tmp_path / "taken")), code=2)
    assert filings(clerk, type="renewal", status="ready") == ready
    assert ok(clerk("batch", "list", "--format", "json")) == [] and list(tmp_path.glob("*.tmp")) == []


def test_export_filters_by_window_and_date_and_names_the_window(invoke, tmp_path):
    invoke("mark", "add", "100001", "--registered", "2016-12-10", "--classes", "9")
    invoke("mark", "add", "100002", "--registered", "2016-12-20", "--classes", "9,35")
    for reg_no, filed, window in (("100001", "2026-11-01", "W1"), ("100002", "2026-11-20", "W1")):
        added = ok(invoke("renew", "add", reg_no, "--filed", filed, "--window", window, "--format", "json"))
        ok(invoke("filing", "set-status", str(added["id"]), "ready", "--format", "json"))
    assert invoke("batch", "export", "--type", "renewal", "--window", "W2", "--out", str(tmp_path)).stdout == ""
    summary = export(invoke, tmp_path / "out", "renewal", "--window", "W1", "--until", "2026-11-10")
    assert (summary["count"], summary["window"], summary["fee_total"]) == (1, "W1", 450)
    doc = json.loads(Path(summary["file"]).read_text(encoding="utf-8"))
    assert doc["schema"] == "ipcli.batch/1" and doc["manifest"]["window"] == "W1"
    assert [item["mark"]["reg_no"] for item in doc["items"]] == ["100001"]
    assert doc["manifest"]["items_sha256"] == batch_format.checksum_of(doc["items"])
    (entry,) = ok(invoke("log", "--id", summary["batch_id"], "--format", "json"))
    assert entry["record_id"] == summary["batch_id"] and entry["after"]["count"] == 1


# validate

def test_validate_lists_every_problem_with_its_json_path(clerk, tmp_path):
    batch_file = Path(export(clerk, tmp_path / "out")["file"])

    def spoil(doc):
        doc["items"][0]["received_on"] = "2020-01-01"     # before the renewal window opens
        doc["items"][1]["mark"]["classes"] = [7, 7]       # schema: a class twice
        doc["items"][1]["grace_ends_on"] = "2027-02-30"   # not checked: the rules skip an item the schema refused
        doc["items"][2]["fees"]["renewal"] = 1            # FEE-TM
        doc["manifest"]["count"] = 9

    result = clerk("batch", "validate", str(rewrite(batch_file, spoil)))
    assert result.exit_code == 65 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert any("$.manifest.count:" in line and "[BATCH-MANIFEST]" in line for line in lines)
    assert any("$.items[0].received_on: filed 2020-01-01, before the renewal window opens" in line
               and line.endswith("[R-TM-WINDOW]") for line in lines)
    assert any("$.items[1].mark.classes:" in line and line.endswith("[BATCH-SCHEMA]") for line in lines)
    assert any("$.items[2].fees.renewal: 1 given, 1350 expected [FEE-TM]" in line for line in lines)
    assert any("$.items[2].fee_total: 1350 given, 1 expected [FEE-TM]" in line for line in lines)
    assert lines[-1].startswith("ipcli: error:") and "problems found: 5" in lines[-1]


def test_validate_names_bad_dates_unknown_and_missing_fields(clerk, tmp_path):
    batch_file = Path(export(clerk, tmp_path / "out")["file"])

    def spoil(doc):
        doc["items"][0]["grace_ends_on"] = "2027-02-30"
        del doc["items"][1]["registrant"]
        doc["items"][1]["note"] = "x"

    lines = clerk("batch", "validate", str(rewrite(batch_file, spoil))).stderr.splitlines()
    assert any("$.items[0].grace_ends_on: 2027-02-30 is not a calendar date" in line for line in lines)
    assert any("$.items[1].registrant: required field missing [BATCH-SCHEMA]" in line for line in lines)
    assert any("$.items[1].note: unknown field [BATCH-SCHEMA]" in line for line in lines)


@pytest.mark.parametrize("content, expected", [
    (b'{"schema": ', "$: not JSON"),
    (b"\xff\xfe{}", "$: the file is not UTF-8 text"),
    (b"[]", "$: [] is not of type object"),
])
def test_validate_refuses_what_is_not_a_batch(invoke, tmp_path, content, expected):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    result = invoke("batch", "validate", str(path))
    assert result.exit_code == 65 and expected in result.stderr


def test_validate_needs_no_register(invoke, clerk, tmp_path, db_path):
    batch_file = Path(export(clerk, tmp_path / "out")["file"])
    assert ok(invoke("batch", "validate", str(batch_file), "--format", "json"))["valid"] is True
    assert not db_path.exists()
    assert refused(invoke("batch", "validate", str(tmp_path / "missing.json")), code=2)


def test_validate_names_missing_holiday_years_and_refuses_them_under_strict_calendar(clerk, at, tmp_path):
    batch_file = export(clerk, tmp_path / "out")["file"]
    checked = clerk("batch", "validate", batch_file, "--format", "json")
    assert ok(checked)["valid"] is True and "2027" in checked.stderr and "R-PROVISIONAL" in checked.stderr
    strict = clerk("--strict-calendar", "batch", "validate", batch_file)
    assert strict.exit_code == 4 and strict.stdout == ""
    other = at("other")
    assert other("--strict-calendar", "batch", "import", batch_file).exit_code == 4
    assert ok(other("batch", "list", "--format", "json")) == []


# import

def test_import_into_an_empty_register_adds_the_rights_from_the_items(clerk, at, tmp_path):
    summary = export(clerk, tmp_path / "out", "pledge")
    empty = at("empty")
    imported = ok(empty("batch", "import", summary["file"], "--format", "json"))
    assert imported["added"] == summary["count"] and imported["rights_added"] >= 1
    doc = json.loads(Path(summary["file"]).read_text(encoding="utf-8"))
    mark = doc["items"][0]["marks"][0]
    stored = ok(empty("mark", "show", mark["reg_no"], "--format", "json"))
    assert (stored["expires_on"], stored["owner"], stored["pledged"]) == (
        mark["expires_on"], doc["items"][0]["pledgor"]["name"], True)
    (filing,) = filings(empty)
    assert filing["status"] == "exported" and filing["details"]["origin"] == {
        "batch_id": summary["batch_id"], "seq": 1, "filing_id": doc["items"][0]["filing_id"]}


def test_import_refuses_a_right_it_cannot_add(clerk, at, tmp_path):
    batch_file = Path(export(clerk, tmp_path / "out")["file"])
    changed = rewrite(batch_file, lambda doc: doc["items"][0]["mark"].update(registered_on=None, term_starts_on=None))
    empty = at("empty")
    message = refused(empty("batch", "import", str(changed)))
    assert "item 1:" in message and "ipcli mark add" in message and message.rstrip().endswith("[BATCH-RIGHT]")
    assert ok(empty("batch", "list", "--format", "json")) == [] and filings(empty) == []


def test_import_refuses_a_renewal_of_a_term_the_register_has_moved_on_from(clerk, prefecture, tmp_path):
    batch_file = Path(export(clerk, tmp_path / "out")["file"])
    first = json.loads(batch_file.read_text(encoding="utf-8"))["items"][0]
    ok(prefecture("filing", "set-status", str(first["filing_id"]), "accepted", "--skip", "--format", "json"))
    message = refused(prefecture("batch", "import", str(batch_file)))
    assert first["mark"]["reg_no"] in message and message.rstrip().endswith("[R-TM-RENEWED-TERM]")


def test_import_refuses_another_batch_under_a_known_id(clerk, prefecture, tmp_path):
    batch_file = Path(export(clerk, tmp_path / "out")["file"])
    ok(prefecture("batch", "import", str(batch_file), "--format", "json"))
    changed = rewrite(batch_file, lambda doc: doc["items"].pop())
    changed = rewrite(changed, lambda doc: doc["manifest"].update(count=len(doc["items"]), fee_total=sum(
        item["fee_total"] for item in doc["items"])))
    assert refused(prefecture("batch", "import", str(changed))).rstrip().endswith("[BATCH-CONFLICT]")


@pytest.mark.parametrize("filing_type", ["transfer", "license", "pledge"])
def test_every_filing_type_travels_and_the_register_follows_acceptance(clerk, prefecture, tmp_path, filing_type):
    summary = export(clerk, tmp_path / "out", filing_type)
    doc = json.loads(Path(summary["file"]).read_text(encoding="utf-8"))
    ok(prefecture("batch", "validate", summary["file"], "--format", "json"))
    ok(prefecture("batch", "import", summary["file"], "--format", "json"))
    for register in (clerk, prefecture):
        ok(register("batch", "mark", summary["batch_id"], "accepted", "--format", "json"))
    item = doc["items"][0]
    reg_no = (item["marks"] + item["patents"])[0].get("reg_no")
    for register in (clerk, prefecture):
        if filing_type == "transfer":
            assert ok(register("mark", "show", reg_no, "--format", "json"))["owner"] == item["assignee"]["name"]
        elif filing_type == "pledge":
            pledges = ok(register("pledge", "list", "--format", "json"))
            assert any(p["status"] == "registered" and p["pledgee"] == item["pledgee"]["name"]
                       and p["ends_on"] == item["pledge_term"]["ends_on"] for p in pledges)
        else:
            assert ok(register("mark", "show", reg_no, "--format", "json"))["reg_no"] == reg_no
    if filing_type == "license":
        imported = [f for f in filings(prefecture, type="license") if "origin" in f["details"]]
        assert imported and all(f["status"] == "accepted" for f in imported)


# list, show, mark

def test_mark_one_item_rejected_then_the_rest_accepted(clerk, tmp_path):
    summary = export(clerk, tmp_path / "out")
    batch_id = summary["batch_id"]
    shown = ok(clerk("batch", "mark", batch_id, "rejected", "--item", "2", "--reason", "fee unpaid",
                     "--format", "json"))
    assert [item["status"] for item in shown["items"]] == ["exported", "rejected", "exported"][:summary["count"]]
    assert shown["items"][1]["reason"] == "fee unpaid" and shown["status"] == "exported"
    shown = ok(clerk("batch", "mark", batch_id, "accepted", "--format", "json"))
    assert shown["statuses"] == {"accepted": summary["count"] - 1, "rejected": 1} and shown["status"] == "accepted"
    assert "#" in refused(clerk("batch", "mark", batch_id, "submitted", "--item", "1"))  # already accepted
    assert batch_id in refused(clerk("batch", "mark", batch_id, "accepted"))             # nothing left open
    assert "no item 9" in refused(clerk("batch", "mark", batch_id, "accepted", "--item", "9"))


def test_list_and_show_and_unknown_batches(clerk, tmp_path):
    summary = export(clerk, tmp_path / "out")
    (listed,) = ok(clerk("batch", "list", "--format", "json"))
    assert (listed["batch_id"], listed["origin"], listed["status"], listed["count"]) == (
        summary["batch_id"], "exported", "exported", summary["count"])
    shown = ok(clerk("batch", "show", summary["batch_id"], "--format", "json"))
    assert shown["items_sha256"] == summary["items_sha256"] and len(shown["items"]) == summary["count"]
    assert "no batch nope" in refused(clerk("batch", "show", "nope"))
    assert "no batch nope" in refused(clerk("batch", "mark", "nope", "accepted"))
    table = clerk("batch", "show", summary["batch_id"], "--format", "table")
    assert table.exit_code == 0 and "SHA-256" in table.stdout


# submit, against a real HTTP server on 127.0.0.1

@pytest.fixture
def intake():
    """intake(*codes) starts a server answering POSTs with the codes in turn (the last one repeats);
    it returns the URL and the list of (headers, body) it received."""
    servers = []

    def start(*codes):
        answers, received = list(codes), []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                received.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
                code = answers.pop(0) if len(answers) > 1 else answers[0]
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/intake?token=s3cret", received

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_submit_posts_the_batch_and_its_filings_become_submitted(clerk, tmp_path, intake):
    summary = export(clerk, tmp_path / "out")
    url, received = intake(202)
    shown = ok(clerk("batch", "submit", summary["batch_id"], "--url", url, "--format", "json"))
    ((headers, body),) = received
    assert body == Path(summary["file"]).read_bytes()
    assert headers["Idempotency-Key"] == summary["items_sha256"] and headers["X-Ipcli-Batch"] == summary["batch_id"]
    assert headers["Content-Type"].startswith("application/json")
    assert shown["status"] == "submitted" and shown["submitted_to"].endswith("/intake?token=***")
    assert "s3cret" not in json.dumps(shown)
    assert batch_format.items_sha256([]) != summary["items_sha256"]
    again = refused(clerk("batch", "submit", summary["batch_id"], "--url", url))
    assert "only exported filings are submitted" in again and len(received) == 1


def test_submit_retries_after_a_server_error(clerk, tmp_path, intake):
    summary = export(clerk, tmp_path / "out")
    url, received = intake(500, 200)
    shown = ok(clerk("batch", "submit", summary["batch_id"], "--url", url, "--retries", "2", "--format", "json"))
    assert len(received) == 2 and received[0][1] == received[1][1] and shown["status"] == "submitted"


def test_submit_gives_up_after_the_retries_and_the_batch_stays_exported(clerk, tmp_path, intake):
    summary = export(clerk, tmp_path / "out")
    url, received = intake(503)
    message = refused(clerk("batch", "submit", summary["batch_id"], "--url", url, "--retries", "1"), code=69)
    assert "HTTP 503" in message and "2 tries" in message and "s3cret" not in message and len(received) == 2
    assert ok(clerk("batch", "show", summary["batch_id"], "--format", "json"))["status"] == "exported"


def test_submit_does_not_retry_a_refusal(clerk, tmp_path, intake):
    summary = export(clerk, tmp_path / "out")
    url, received = intake(400)
    assert "HTTP 400" in refused(clerk("batch", "submit", summary["batch_id"], "--url", url), code=69)
    assert len(received) == 1


def test_submit_to_a_closed_port_exits_69_and_changes_nothing(clerk, tmp_path):
    summary = export(clerk, tmp_path / "out")
    url = f"http://127.0.0.1:{free_port()}/intake"
    message = refused(clerk("batch", "submit", summary["batch_id"], "--url", url, "--retries", "1"), code=69)
    assert "Connection refused" in message and "2 tries" in message and "stays exported" in message
    shown = ok(clerk("batch", "show", summary["batch_id"], "--format", "json"))
    assert shown["status"] == "exported" and shown["submitted_to"] is None


def test_submit_url_must_be_http(clerk, tmp_path):
    summary = export(clerk, tmp_path / "out")
    refused(clerk("batch", "submit", summary["batch_id"], "--url", "ftp://example.invalid/x"), code=2)
    refused(clerk("batch", "submit", summary["batch_id"], env={"IPCLI_SUBMIT_URL": "not a url"}), code=78)


# the schema and the messages

def test_the_schema_ships_in_the_package_and_is_valid_draft_7():
    from importlib.resources import files

    from jsonschema import Draft7Validator

    schema = json.loads(files("ipcli.schemas").joinpath("batch.schema.json").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    assert "json.dumps(items, ensure_ascii=False, sort_keys=True" in schema["description"]
    assert set(schema["definitions"]) >= set(BATCH_TYPES)


def test_every_csv_column_is_documented_and_has_a_label_in_both_languages():
    from ipcli.i18n import catalog

    documented = batch_format.batch_schema()["definitions"]["staff_csv"]["description"]
    for filing_type in BATCH_TYPES:
        names = [name for name, _ in batch_format.csv_columns(filing_type)]
        assert f"{filing_type}: {', '.join(names)}" in documented
        for name in names:
            assert f"batch.column_{name}" in catalog("en") and f"batch.column_{name}" in catalog("zh")


def test_canonical_items_are_json_dumps_sorted_and_compact():
    items = [{"b": 1, "a": "甲", "c": [2.5, None, True]}]
    texts = [batch_format.canonical_text(item) for item in items]
    expected = json.dumps(items, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    import hashlib

    assert batch_format.items_sha256(texts) == hashlib.sha256(expected).hexdigest() == batch_format.checksum_of(items)
    assert batch_format.money(450.0) == 450 and type(batch_format.money(450.0)) is int
