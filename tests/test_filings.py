"""Filings: each type added, refused by its rule, and taken through its lifecycle."""

import json

import pytest

TODAY = {"IPCLI_TODAY": "2026-11-21"}


def ok(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


@pytest.fixture
def portfolio(invoke):
    """Two same-name marks of one owner, one other mark, one granted patent."""
    def run(*args):
        return ok(invoke(*args, "--format", "json"))

    run("mark", "add", "100001", "--registered", "2016-12-10", "--classes", "9,35", "--name", "ACME",
        "--owner", "甲公司", "--owner-id", "91110000600037341L")
    run("mark", "add", "100002", "--registered", "2020-05-10", "--classes", "9", "--name", "ACME", "--owner", "甲公司")
    run("mark", "add", "100003", "--registered", "2019-01-15", "--classes", "30", "--name", "Other", "--owner", "乙公司")
    run("patent", "add", "201910123456.X", "--filed", "2019-06-03", "--granted", "2021-09-01", "--paid-through",
        "7", "--owner", "甲公司")
    return run


def filing(invoke, *args):
    return ok(invoke(*args, "--format", "json"))


def refused(invoke, *args):
    result = invoke(*args)
    assert result.exit_code == 65, result.stderr
    assert result.stdout == "" and result.stderr.count("\n") == 1
    return result.stderr


def journal_size(invoke):
    return len(ok(invoke("log", "--limit", "1000", "--format", "json")))


def test_renewal_in_window_then_accepted_moves_the_mark(invoke, portfolio):
    added = filing(invoke, "renew", "add", "100001", "--filed", "2026-11-20", "--window", "W01")
    assert (added["type"], added["status"], added["received_on"], added["window"], added["fee_total"],
            added["rights"]) == ("renewal", "received", "2026-11-20", "W01", 900, ["100001"])
    assert added["details"]["renewal_status"] == "in_window"
    accepted = filing(invoke, "filing", "set-status", str(added["id"]), "accepted", "--on", "2026-12-01", "--skip")
    assert accepted["status"] == "accepted" and accepted["status_on"] == "2026-12-01"
    mark = ok(invoke("mark", "show", "100001", "--format", "json"))
    assert (mark["term_starts_on"], mark["expires_on"]) == ("2026-12-10", "2036-12-09")


def test_renewal_in_grace_carries_the_late_fee(invoke, portfolio):
    invoke("mark", "add", "9", "--registered", "2016-06-01", "--classes", "1,2")
    late = filing(invoke, "renew", "add", "9", "--filed", "2026-06-10", "--paper")
    assert late["details"]["renewal_status"] == "in_grace"
    assert (late["details"]["fee_renewal"], late["details"]["fee_late"], late["fee_total"]) == (1000, 500, 1500)


@pytest.mark.parametrize("filed, rule", [("2026-05-10", "R-TM-WINDOW"), ("2021-01-01", "R-TM-WINDOW")])
def test_renewal_too_early_is_refused_and_writes_nothing(invoke, portfolio, filed, rule):
    before = journal_size(invoke)
    message = refused(invoke, "renew", "add", "100002", "--filed", filed)
    assert filed in message and message.rstrip().endswith(f"[{rule}]")
    assert journal_size(invoke) == before
    assert ok(invoke("filing", "list", "--format", "json")) == []


def test_renewal_too_late_names_the_grace_rule(invoke, portfolio):
    invoke("mark", "add", "8", "--registered", "2015-01-01", "--classes", "9")
    message = refused(invoke, "renew", "add", "8", "--filed", "2025-07-01")
    assert "2025-06-30" in message and message.rstrip().endswith("[R-TM-GRACE]")


def test_second_open_renewal_is_refused(invoke, portfolio):
    filing(invoke, "renew", "add", "100001", "--filed", "2026-11-20")
    assert "#1" in refused(invoke, "renew", "add", "100001", "--filed", "2026-11-21")


def test_transfer_warns_about_kept_same_name_mark_and_accepting_changes_owner(invoke, portfolio):
    result = invoke("transfer", "add", "100001", "--to", "丙公司", "--to-id", "360426199101010071",
                    "--filed", "2026-11-21", "--format", "json")
    added = ok(result)
    assert "100002" in result.stderr and "[R-TM-TRANSFER]" in result.stderr
    assert added["fee_total"] == 900 and added["details"]["assignee"]["id"] == "360426199101010071"
    filing(invoke, "filing", "set-status", str(added["id"]), "submitted", "--skip")
    filing(invoke, "filing", "set-status", str(added["id"]), "accepted", "--skip")
    mark = ok(invoke("mark", "show", "100001", "--format", "json"))
    assert (mark["owner"], mark["owner_id"]) == ("丙公司", "360426199101010071")


def test_transfer_of_rights_of_two_owners_is_refused(invoke, portfolio):
    assert "甲公司" in refused(invoke, "transfer", "add", "100001", "100003", "--to", "X", "--filed", "2026-11-21")


def test_pledge_then_transfer_needs_consent(invoke, portfolio):
    pledge = filing(invoke, "pledge", "add", "100002", "201910123456.X", "--pledgee", "工商银行",
                    "--amount", "5000000", "--from", "2026-12-01", "--to", "2028-12-01", "--filed", "2026-11-21")
    assert (pledge["type"], pledge["fee_total"], pledge["details"]["amount"]) == ("pledge", 0, 5000000)
    message = refused(invoke, "transfer", "add", "100002", "--to", "X", "--filed", "2026-11-21")
    assert message.rstrip().endswith("[R-CIVIL-PLEDGE]")
    message = refused(invoke, "license", "add", "201910123456.X", "--licensee", "Y", "--from", "2026-12-01",
                      "--to", "2027-06-01", "--filed", "2026-12-01")
    assert message.rstrip().endswith("[R-CIVIL-PLEDGE]")
    consented = filing(invoke, "transfer", "add", "100002", "--to", "X", "--filed", "2026-11-21",
                       "--pledgee-consent")
    assert consented["type"] == "transfer"


@pytest.mark.parametrize("args, rule", [
    (["--to", "2031-01-01"], "R-TM-PLEDGE"),       # past the mark's expiry 2030-05-09
    (["--to", "2026-01-01"], None),                 # ends before it starts
])
def test_pledge_refusals(invoke, portfolio, args, rule):
    message = refused(invoke, "pledge", "add", "100002", "--pledgee", "Bank", "--amount", "1", "--from",
                      "2026-12-01", *args, "--filed", "2026-11-21")
    assert (message.rstrip().endswith(f"[{rule}]")) if rule else "before it starts" in message


def test_pledge_of_a_lapsed_right_and_a_pledged_right_is_refused(invoke, portfolio):
    invoke("mark", "add", "7", "--registered", "2015-01-01", "--classes", "9")
    assert refused(invoke, "pledge", "add", "7", "--pledgee", "B", "--amount", "1", "--from", "2026-12-01", "--to",
                   "2026-12-31", "--filed", "2026-11-21").rstrip().endswith("[R-TM-PLEDGE]")
    filing(invoke, "pledge", "add", "100003", "--pledgee", "B", "--amount", "1", "--from", "2026-12-01", "--to",
           "2027-12-01", "--filed", "2026-11-21")
    assert "already pledged" in refused(invoke, "pledge", "add", "100003", "--pledgee", "C", "--amount", "1",
                                        "--from", "2026-12-01", "--to", "2027-12-01", "--filed", "2026-11-21")


def test_pledge_lifecycle_extend_change_release(invoke, portfolio):
    added = filing(invoke, "pledge", "add", "100003", "--pledgee", "B", "--amount", "100", "--from",
                   "2026-12-01", "--to", "2027-12-01", "--filed", "2026-11-21")
    refused(invoke, "pledge", "extend", "1", "--to", "2028-06-01", "--filed", "2026-12-01")  # not registered yet
    filing(invoke, "filing", "set-status", str(added["id"]), "accepted", "--skip")
    late = refused(invoke, "pledge", "extend", "1", "--to", "2028-06-01", "--filed", "2027-12-02")
    assert late.rstrip().endswith("[R-TM-PLEDGE]")
    extension = filing(invoke, "pledge", "extend", "1", "--to", "2028-06-01", "--filed", "2027-12-01")
    filing(invoke, "--today", "2027-12-05", "filing", "set-status", str(extension["id"]), "accepted", "--skip")
    change = filing(invoke, "pledge", "change", "1", "--amount", "250.5", "--filed", "2027-12-05")
    filing(invoke, "--today", "2027-12-06", "filing", "set-status", str(change["id"]), "accepted", "--skip")
    release = filing(invoke, "pledge", "release", "1", "--on", "2028-01-10")
    filing(invoke, "--today", "2028-01-10", "filing", "set-status", str(release["id"]), "accepted", "--skip")
    (pledge,) = ok(invoke("pledge", "list", "--format", "json"))
    assert (pledge["status"], pledge["ends_on"], pledge["amount"], pledge["released_on"]) == (
        "released", "2028-06-01", 250.5, "2028-01-10")
    assert ok(invoke("mark", "show", "100003", "--format", "json"))["pledged"] is False


def test_rejected_pledge_leaves_the_right_free(invoke, portfolio):
    added = filing(invoke, "pledge", "add", "100003", "--pledgee", "B", "--amount", "1", "--from", "2026-12-01",
                   "--to", "2027-12-01", "--filed", "2026-11-21")
    assert ok(invoke("mark", "show", "100003", "--format", "json"))["pledged"] is True
    filing(invoke, "filing", "set-status", str(added["id"]), "rejected", "--reason", "documents missing", "--skip")
    assert ok(invoke("mark", "show", "100003", "--format", "json"))["pledged"] is False


def test_trademark_licence_may_not_outlast_the_registration(invoke, portfolio):
    message = refused(invoke, "license", "add", "100002", "--licensee", "L", "--from", "2026-01-01", "--to",
                      "2030-05-10", "--filed", "2026-11-21")
    assert "2030-05-09" in message and message.rstrip().endswith("[R-TM-LICENSE]")
    added = filing(invoke, "license", "add", "100002", "--licensee", "L", "--from", "2026-01-01", "--to",
                   "2030-05-09", "--filed", "2026-11-21", "--kind", "exclusive", "--amount", "80000")
    assert (added["fee_total"], added["details"]["recordal_due_on"], added["details"]["amount"]) == (
        135, "2030-05-09", 80000)


def test_patent_licence_is_recorded_within_three_months(invoke, portfolio):
    args = ("license", "add", "201910123456.X", "--licensee", "L", "--from", "2026-08-03", "--to", "2027-01-01")
    message = refused(invoke, *args, "--filed", "2026-11-04")
    assert "2026-11-03" in message and message.rstrip().endswith("[R-PAT-LICENSE]")
    assert filing(invoke, *args, "--filed", "2026-11-03")["details"]["recordal_due_on"] == "2026-11-03"


def test_annual_fee_payment_with_late_fee_advances_the_patent(invoke, portfolio):
    paid = filing(invoke, "annuity", "pay", "201910123456.X", "--year", "8", "--paid", "2026-08-20")
    assert (paid["status"], paid["fee_total"], paid["details"]["late_fee_rate_pct"]) == ("accepted", 2200, 10)
    patent = ok(invoke("patent", "show", "201910123456.X", "--format", "json"))
    assert (patent["paid_through"], patent["next_annuity_year"], patent["next_annuity_due_on"]) == (
        8, 9, "2027-06-03")


@pytest.mark.parametrize("year, paid, rule", [
    (7, "2026-06-03", "R-PAT-ANNUITY-DUE"),   # already paid
    (9, "2026-06-03", "R-PAT-ANNUITY-DUE"),   # year 8 unpaid
    (8, "2026-12-04", "R-PAT-LATE"),          # after the grace end 2026-12-03
])
def test_annual_fee_refusals(invoke, portfolio, year, paid, rule):
    assert refused(invoke, "annuity", "pay", "201910123456.X", "--year", str(year),
                   "--paid", paid).rstrip().endswith(f"[{rule}]")


def test_lifecycle_moves_forward_only(invoke, portfolio):
    added = filing(invoke, "renew", "add", "100001", "--filed", "2026-11-20")
    filing(invoke, "filing", "set-status", str(added["id"]), "exported", "--skip")
    assert "cannot go to ready" in refused(invoke, "filing", "set-status", str(added["id"]), "ready")
    filing(invoke, "filing", "set-status", str(added["id"]), "withdrawn")
    assert "already withdrawn" in refused(invoke, "filing", "set-status", str(added["id"]), "accepted")
    second = filing(invoke, "renew", "add", "100001", "--filed", "2026-11-21")
    assert "before the filing was received" in refused(
        invoke, "filing", "set-status", str(second["id"]), "submitted", "--on", "2026-11-19")


def test_filing_list_filters_and_show(invoke, portfolio):
    filing(invoke, "renew", "add", "100001", "--filed", "2026-11-20")
    filing(invoke, "pledge", "add", "100003", "--pledgee", "B", "--amount", "1", "--from", "2026-12-01", "--to",
           "2027-12-01", "--filed", "2026-11-21")
    assert [f["type"] for f in ok(invoke("filing", "list", "--format", "json"))] == ["renewal", "pledge"]
    assert [f["id"] for f in ok(invoke("filing", "list", "--type", "pledge", "--format", "json"))] == [2]
    assert ok(invoke("filing", "list", "--status", "accepted", "--format", "json")) == []
    assert ok(invoke("filing", "show", "2", "--format", "json"))["rights"] == ["100003"]
    assert invoke("filing", "show", "99").exit_code == 65


def test_unknown_right_is_refused(invoke, portfolio):
    assert refused(invoke, "renew", "add", "555", "--filed", "2026-11-21") == \
        "ipcli: error: no mark or patent 555 in the register [RIGHT-UNKNOWN]\n"


def test_an_accepted_renewal_or_transfer_does_not_block_the_next_one(invoke, portfolio):
    renewal = filing(invoke, "renew", "add", "100001", "--filed", "2026-11-20")
    filing(invoke, "filing", "set-status", str(renewal["id"]), "accepted", "--skip", "--on", "2026-12-01")
    # the next term (2026-12-10..2036-12-09) opens its renewal window on 2035-12-10
    again = filing(invoke, "renew", "add", "100001", "--filed", "2035-12-10", "--today", "2035-12-10")
    assert again["details"]["new_term_starts_on"] == "2036-12-10"
    first = filing(invoke, "transfer", "add", "100003", "--to", "丙公司", "--filed", "2026-11-21")
    filing(invoke, "filing", "set-status", str(first["id"]), "accepted", "--skip", "--on", "2026-11-22")
    second = filing(invoke, "transfer", "add", "100003", "--to", "丁公司", "--filed", "2026-11-23")
    assert second["details"]["assignor"]["name"] == "丙公司"
