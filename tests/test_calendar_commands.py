"""`ipcli calendar status|import|fetch` through the CLI (R-WORKDAY, R-PROVISIONAL): a year loaded from a
holiday-cn file or a real local HTTP server, stored key dates recomputed in one transaction."""

import copy
import functools
import json
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from ipcli.cli import cli
from conftest import on_postgresql, register_sql
from made_up_notices import HOLIDAYS_2027

# Requests must reach the local test server directly, whatever proxy the machine sets.
LOCAL = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


def as_json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def write(tmp_path, document, name="2027.json"):
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document, ensure_ascii=False),
                    encoding="utf-8")
    return path


def snapshot(register) -> dict:
    return {table: register_sql(register, f"SELECT * FROM {table} ORDER BY 1")
            for table in ("calendar_years", "journal", "marks", "patents")}


def refused(result, code=65, prefix="ipcli: error: ") -> str:
    """The one error line of a refused command, which printed no data."""
    assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix)
    return lines[0]


@pytest.fixture
def rights(invoke):
    """Rights whose grace ends the 2027 table moves or confirms.

    1001: raw grace end 2027-02-10, provisional; the table makes it a holiday -> 2027-02-12.
    1002: grace end 2026-12-30 (bundled working day); the table makes it a holiday -> 2027-01-04.
    1003: grace end 2027-09-07, provisional; an ordinary Tuesday -> same date, no longer provisional.
    1004: grace end 2028-07-09, provisional, stays so.
    Patent: year-8 annual fee due 2026-06-30, grace end 2026-12-30 -> 2027-01-04.
    """
    for reg_no, registered in (("1001", "2016-08-11"), ("1002", "2016-07-01"), ("1003", "2017-03-08"),
                               ("1004", "2018-01-10")):
        assert invoke("mark", "add", reg_no, "--registered", registered, "--classes", "9",
                      "--format", "json").exit_code == 0
    assert invoke("patent", "add", "201910123456.X", "--filed", "2019-06-30", "--granted", "2021-01-01",
                  "--paid-through", "7", "--format", "json").exit_code == 0
    return invoke


def mark(invoke, reg_no):
    return as_json(invoke("mark", "show", reg_no, "--format", "json"))


# status


def test_status_before_import_names_missing_years_and_provisional_rights(rights):
    result = rights("calendar", "status", "--details", "--format", "json")
    status = as_json(result)
    assert result.stderr == ""
    assert status["bundled_from"] == 2004 and status["bundled_to"] >= 2026
    assert status["imported"] == []
    assert status["missing_years"] == [2027, 2028]  # 2028: mark 1004's grace end needs it
    # R-PROVISIONAL-DECEMBER: the grace ends of 2026-12-30 (mark 1002, the patent) wait for the 2027 notice too.
    assert (status["provisional_marks"], status["provisional_patents"]) == (4, 1)
    assert status["provisional_rights"] == [
        {"due_on": "2026-12-30", "kind": "mark_grace_ends", "right_type": "mark", "right_no": "1002", "owner": None},
        {"due_on": "2026-12-30", "kind": "patent_annuity_grace_ends", "right_type": "patent",
         "right_no": "201910123456.X", "owner": None},
        {"due_on": "2027-02-10", "kind": "mark_grace_ends", "right_type": "mark", "right_no": "1001", "owner": None},
        {"due_on": "2027-09-07", "kind": "mark_grace_ends", "right_type": "mark", "right_no": "1003", "owner": None},
        {"due_on": "2028-07-09", "kind": "mark_grace_ends", "right_type": "mark", "right_no": "1004", "owner": None},
    ]


def test_status_on_an_empty_register_still_wants_next_year(invoke):
    invoke("init")
    status = as_json(invoke("calendar", "status", "--format", "json"))
    assert status["missing_years"] == [2027]  # today is 2026-11-21 (conftest)
    assert "provisional_rights" not in status


@pytest.mark.parametrize("fmt", ["table", "jsonl", "csv", "tsv"])
def test_status_in_every_format(invoke, tmp_path, fmt):
    assert invoke("calendar", "import", write(tmp_path, HOLIDAYS_2027)).exit_code == 0
    result = invoke("calendar", "status", "--format", fmt)
    assert result.exit_code == 0 and result.stderr == ""
    if fmt == "jsonl":
        assert json.loads(result.stdout)["imported"][0]["year"] == 2027
    elif fmt == "table":
        assert "imported years" in result.stdout and "2027.json" in result.stdout
    else:
        assert result.stdout.splitlines()[0].startswith("bundled_from")


# import


def test_import_reports_changed_days_and_recomputes_key_dates(rights, tmp_path):
    result = rights("calendar", "import", write(tmp_path, HOLIDAYS_2027), "--format", "json")
    report = as_json(result)
    assert result.stderr == ""
    assert (report["year"], report["source_before"], report["dry_run"]) == (2027, "provisional", False)
    days = {day["date"]: day for day in report["changed_days"]}
    assert days["2026-12-30"] == {"date": "2026-12-30", "name": "元旦", "is_working_day": False,
                                  "was_working_day": True, "source_before": "bundled"}
    assert days["2027-02-13"]["is_working_day"] is True and days["2027-02-13"]["was_working_day"] is False
    assert "2027-02-06" not in days  # a Saturday off stays off
    assert report["days_changed"] == len(days) == 9
    assert (report["marks_updated"], report["patents_updated"]) == (3, 1)
    assert {"right_type": "mark", "right_no": "1001", "field": "grace_ends_on", "before": "2027-02-10",
            "after": "2027-02-12"} in report["changed_dates"]


def test_import_moves_provisional_grace_end_and_clears_provisional(rights, tmp_path):
    assert rights("calendar", "import", write(tmp_path, HOLIDAYS_2027)).exit_code == 0
    assert (mark(rights, "1001")["grace_ends_on"], mark(rights, "1001")["provisional"]) == ("2027-02-12", False)
    assert (mark(rights, "1002")["grace_ends_on"], mark(rights, "1002")["provisional"]) == ("2027-01-04", False)
    assert (mark(rights, "1003")["grace_ends_on"], mark(rights, "1003")["provisional"]) == ("2027-09-07", False)
    assert (mark(rights, "1004")["grace_ends_on"], mark(rights, "1004")["provisional"]) == ("2028-07-09", True)
    patent = as_json(rights("patent", "show", "201910123456.X", "--format", "json"))
    assert (patent["next_annuity_grace_ends_on"], patent["provisional"]) == ("2027-01-04", False)
    status = as_json(rights("calendar", "status", "--format", "json"))
    assert status["missing_years"] == [2028] and status["provisional_marks"] == 1
    assert [(y["year"], y["source"], y["days"]) for y in status["imported"]] == [
        (2027, str((tmp_path / "2027.json").resolve()), 11)]


def test_calc_uses_the_imported_year(invoke, tmp_path):
    assert invoke("calendar", "import", write(tmp_path, HOLIDAYS_2027)).exit_code == 0
    result = invoke("calc", "workday", "2027-01-04", "--format", "json")
    assert as_json(result) == {"date": "2027-01-04", "is_working_day": True, "next_working_day": "2027-01-04",
                               "source": "imported", "provisional": False}
    assert result.stderr == ""
    saturday = as_json(invoke("calc", "workday", "2027-02-13", "--format", "json"))
    assert (saturday["is_working_day"], saturday["source"]) == (True, "imported")
    new_year_eve = as_json(invoke("calc", "workday", "2026-12-31", "--format", "json"))
    assert (new_year_eve["is_working_day"], new_year_eve["next_working_day"]) == (False, "2027-01-04")


def test_import_journals_the_year_and_every_changed_right(rights, tmp_path):
    assert rights("calendar", "import", write(tmp_path, HOLIDAYS_2027)).exit_code == 0
    entries = as_json(rights("log", "--type", "calendar", "--format", "json"))
    assert [(e["record_id"], e["before"], e["command"]) for e in entries] == [("2027", None, "ipcli calendar import")]
    assert entries[0]["after"]["document"] == HOLIDAYS_2027
    recompute = as_json(rights("log", "--type", "mark", "--id", "1001", "--format", "json"))[-1]
    assert recompute["before"] == {"grace_ends_on": "2027-02-10", "dates_provisional": 1}
    assert recompute["after"] == {"grace_ends_on": "2027-02-12", "dates_provisional": 0}


def test_reimport_replaces_the_earlier_import(rights, tmp_path, register):
    assert rights("calendar", "import", write(tmp_path, HOLIDAYS_2027)).exit_code == 0
    shorter = copy.deepcopy(HOLIDAYS_2027)
    shorter["days"] = [d for d in shorter["days"] if d["date"] != "2027-02-11"]
    report = as_json(rights("calendar", "import", write(tmp_path, shorter, "fix.json"), "--format", "json"))
    assert report["source_before"] == "imported"
    assert [d["date"] for d in report["changed_days"]] == ["2027-02-11"]
    assert (report["marks_updated"], report["patents_updated"]) == (1, 0)
    assert mark(rights, "1001")["grace_ends_on"] == "2027-02-11"
    rows = snapshot(register)["calendar_years"]
    assert len(rows) == 1 and json.loads(rows[0][1]) == shorter and rows[0][2].endswith("fix.json")
    entries = as_json(rights("log", "--type", "calendar", "--format", "json"))
    assert entries[-1]["before"]["document"] == HOLIDAYS_2027


def test_dry_run_shows_the_changes_and_writes_nothing(rights, tmp_path, register):
    before = snapshot(register)
    result = rights("calendar", "import", write(tmp_path, HOLIDAYS_2027), "--dry-run", "--format", "json")
    report = as_json(result)
    assert report["dry_run"] is True and (report["marks_updated"], report["patents_updated"]) == (3, 1)
    assert snapshot(register) == before


def test_import_from_stdin(invoke, register):
    runner = CliRunner(env={"IPCLI_LANG": "en", "IPCLI_TODAY": "2026-11-21", "LANG": "C", "IPCLI_DB": register})
    result = runner.invoke(cli, ["calendar", "import", "-", "--year", "2027", "--format", "json"],
                           input=json.dumps(HOLIDAYS_2027), catch_exceptions=False)
    assert as_json(result)["source"] == "stdin"
    assert snapshot(register)["calendar_years"][0][0] == 2027


def unpublished():
    return {**HOLIDAYS_2027, "days": []}


@pytest.mark.parametrize("content, args, message", [
    (unpublished(), (), "the holiday table for 2027 is empty: not published yet [R-WORKDAY]"),
    (HOLIDAYS_2027, ("--year", "2028"), "the file is for 2027, not 2028 [R-WORKDAY]"),
    ('{"year": 2027,\n "days": [}', (), "bad.json is not valid JSON: Expecting value at line 2, column 11"),
    ({**HOLIDAYS_2027, "year": "2027"}, (), "'2027' is not a valid year [R-WORKDAY]"),
    ({**HOLIDAYS_2027, "year": 2028}, (), "2026-12-30 is neither in 2028 nor in the December before it"),
    ({"year": 2027, "days": [{"date": "2027-02-30", "isOffDay": True}]}, (), "is not a calendar date"),
    ("[1, 2]", (), "the holiday file is not a JSON object"),
])
def test_bad_files_are_refused_and_change_nothing(rights, tmp_path, register, content, args, message):
    before = snapshot(register)
    line = refused(rights("calendar", "import", write(tmp_path, content, "bad.json"), *args))
    assert message in line
    assert snapshot(register) == before


def test_unreadable_file_is_a_usage_error(invoke, tmp_path):
    assert "cannot read" in refused(invoke("calendar", "import", tmp_path / "none.json"), code=2)


def test_a_failure_midway_leaves_nothing(rights, tmp_path, register, monkeypatch):
    """Store, updates and journal form one transaction: an error after the marks were updated rolls back."""
    from ipcli.db import store

    journal = store.insert_journal_entries

    def broken(db, operator, command, records, **kwargs):
        if any(record_type == "patent" for record_type, *_ in records):
            raise RuntimeError("disk on fire")
        journal(db, operator, command, records, **kwargs)

    monkeypatch.setattr(store, "insert_journal_entries", broken)
    before = snapshot(register)
    assert "disk on fire" in refused(rights("calendar", "import", write(tmp_path, HOLIDAYS_2027)), code=1)
    assert snapshot(register) == before


def test_messages_in_chinese(invoke, tmp_path):
    line = refused(invoke("--lang", "zh", "calendar", "import", write(tmp_path, unpublished())), prefix="ipcli：")
    assert line == "ipcli：错误：2027 年的节假日表为空：尚未发布 [R-WORKDAY]"


# fetch


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """A real HTTP server on 127.0.0.1 serving the files of a temporary directory."""
    root = tmp_path / "www"
    root.mkdir()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_fetch_downloads_and_imports(rights, server, register):
    root, base = server
    write(root, HOLIDAYS_2027)
    result = rights("calendar", "fetch", "2027", "--url", base + "/{year}.json", "--format", "json", env=LOCAL)
    report = as_json(result)
    assert result.stderr == ""
    assert report["source"] == f"{base}/2027.json" and report["marks_updated"] == 3
    assert mark(rights, "1001")["grace_ends_on"] == "2027-02-12"
    assert snapshot(register)["calendar_years"][0][2] == f"{base}/2027.json"


def test_fetch_takes_the_template_from_the_environment(invoke, server):
    root, base = server
    write(root, HOLIDAYS_2027, "holidays-2027.json")
    result = invoke("calendar", "fetch", "2027", "--dry-run", "--format", "json",
                    env={**LOCAL, "IPCLI_HOLIDAY_URL": base + "/holidays-{year}.json"})
    assert as_json(result)["dry_run"] is True


def test_fetch_http_404(invoke, server, register, db_path):
    _, base = server
    line = refused(invoke("calendar", "fetch", "2027", "--url", base + "/{year}.json", env=LOCAL), code=69)
    assert line == f"ipcli: error: cannot download {base}/2027.json: the server answered HTTP 404 File not found"
    if on_postgresql(register):  # the (migrated) register of the test holds what it held: nothing
        assert register_sql(register, "SELECT count(*) FROM calendar_years") == [(0,)]
    else:
        assert not db_path.exists()  # nothing was written: the database was not even opened


def test_fetch_server_down(invoke):
    url = f"http://127.0.0.1:{closed_port()}/{{year}}.json"
    line = refused(invoke("calendar", "fetch", "2027", "--url", url, env=LOCAL), code=69)
    assert line.endswith("/2027.json: Connection refused")


def test_fetch_body_not_json(invoke, server):
    root, base = server
    write(root, "<html>rate limited</html>")
    line = refused(invoke("calendar", "fetch", "2027", "--url", base + "/{year}.json", env=LOCAL), code=69)
    assert line == f"ipcli: error: {base}/2027.json did not send JSON"


def test_fetch_refuses_a_file_for_another_year(invoke, server):
    root, base = server
    write(root, {**HOLIDAYS_2027, "year": 2026, "days": [{"date": "2026-10-01", "isOffDay": True}]})
    line = refused(invoke("calendar", "fetch", "2027", "--url", base + "/2027.json?{year}", env=LOCAL))
    assert line.endswith("the file is for 2026, not 2027 [R-WORKDAY]")


@pytest.mark.parametrize("template", ["ftp://example.invalid/{year}.json", "https://example.invalid/2027.json",
                                      "{year}.json"])
def test_fetch_refuses_a_bad_template(invoke, template):
    assert "is not an http(s) address template containing {year}" in refused(
        invoke("calendar", "fetch", "2027", "--url", template), code=2)
    line = refused(invoke("calendar", "fetch", "2027", env={"IPCLI_HOLIDAY_URL": template}), code=78)
    assert repr(template) in line
