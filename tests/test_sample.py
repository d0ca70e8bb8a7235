"""The bundled sample portfolio that the README's first Quick start command loads."""

import json

from ipcli.register.filings import STATUSES


def test_sample_holds_rights_and_filings_in_every_state(invoke):
    result = invoke("sample", "load", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    summary = json.loads(result.stdout)
    assert (summary["marks"], summary["patents"]) == (240, 80)
    assert all(summary[status] > 0 for status in STATUSES)
    filings = json.loads(invoke("filing", "list", "--format", "json").stdout)
    assert len(filings) == summary["filings"]
    for filing_type in ("renewal", "transfer", "license", "pledge"):
        states = {f["status"] for f in filings if f["type"] == filing_type}
        assert states == set(STATUSES), filing_type
    owners = {m["owner"] for m in json.loads(invoke("mark", "list", "--format", "json").stdout)}
    windows = {m["window"] for m in json.loads(invoke("mark", "list", "--format", "json").stdout)}
    assert len(owners) >= 6 and len(windows) >= 3


def test_sample_is_the_same_for_the_same_today(invoke, tmp_path):
    first = invoke("sample", "load", "--format", "json").stdout
    second = invoke("sample", "load", "--format", "json", env={"IPCLI_DB": str(tmp_path / "other.db")}).stdout
    assert first == second


def test_sample_refuses_a_register_that_holds_rights(invoke):
    invoke("mark", "add", "1", "--registered", "2020-01-01", "--classes", "9")
    result = invoke("sample", "load")
    assert result.exit_code == 65 and "already holds rights" in result.stderr
    assert json.loads(invoke("filing", "list", "--format", "json").stdout) == []


def test_sample_shows_every_kind_of_deadline_within_90_days(invoke):
    from ipcli.db.deadlines import DEADLINE_KINDS

    invoke("sample", "load")
    rows = json.loads(invoke("deadlines", "--days", "90", "--format", "json").stdout)
    assert {row["kind"] for row in rows} == set(DEADLINE_KINDS)
