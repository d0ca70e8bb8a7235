"""The filing rules (ipcli.rules.filings) are one set: the same renewal, licence and pledge, entered at
the counter and carried in a batch, meet the same refusals. The counter refuses the first, the batch
checker reports them all."""

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import BASE_ENV
from ipcli.cli import cli
from ipcli.db.location import register_location
from ipcli.errors import Rejected
from ipcli.register import batch_format, batches, filings
from ipcli.register.desk import Desk
from ipcli.register.rights import KeyDates
from ipcli.rules.calendar import WorkCalendar
from ipcli.rules.filings import license_refusals, pledge_refusals, PledgedRight

TODAY = date(2026, 11, 21)  # conftest's IPCLI_TODAY
MARK, PATENT = "30001406", "201210100006.7"  # in the sample: not pledged, no open renewal or licence
RENEWED = "30000222"  # expires 2027-08-14: window opens 2026-08-15, grace ends 2028-02-14


def _ignore(*args, **kwargs):
    pass


def renewal(filed):
    return {"counter": lambda desk: filings.add_renewal(desk, RENEWED, date.fromisoformat(filed)),
            "type": "renewal", "rights": {"mark": RENEWED}, "item": {"received_on": filed}}


def licence(right, starts, ends, filed):
    def enter(desk):
        return filings.add_license(desk, right, licensee="宁波甬江贸易有限公司", starts=date.fromisoformat(starts),
                                   ends=date.fromisoformat(ends), filed=date.fromisoformat(filed), kind="ordinary",
                                   amount=None, consent=False)
    return {"counter": enter, "type": "license", "rights": {"marks" if right == MARK else "patents": [right]},
            "item": {"received_on": filed, "term": {"starts_on": starts, "ends_on": ends}}}


def pledge(right, starts, ends, filed):
    def enter(desk):
        return filings.add_pledge(desk, [right], pledgee="杭州银行", amount=1000000.0, starts=date.fromisoformat(starts),
                                  ends=date.fromisoformat(ends), filed=date.fromisoformat(filed), debtor=None)
    return {"counter": enter, "type": "pledge", "rights": {"marks" if right == MARK else "patents": [right]},
            "item": {"received_on": filed, "pledge_term": {"starts_on": starts, "ends_on": ends}}}


# (case, the filing, every refusal the rules give, in order): the counter refuses with the first.
CASES = [
    ("renewal before the window opens", renewal("2026-01-05"), [("renewal.too_early", "R-TM-WINDOW")]),
    ("renewal after the grace period", renewal("2028-06-01"), [("renewal.too_late", "R-TM-GRACE")]),
    ("licence ending before it starts", licence(MARK, "2026-10-16", "2026-10-12", "2026-10-10"),
     [("license.ends_before_start", "FILING-TERM")]),
    ("mark licence outlasting the registration, recorded late",
     licence(MARK, "2026-10-16", "2037-01-01", "2037-02-01"),
     [("license.outlasts_registration", "R-TM-LICENSE"), ("license.recordal_late", "R-TM-LICENSE")]),
    ("mark licence recorded after it ended", licence(MARK, "2026-01-01", "2026-06-30", "2026-07-01"),
     [("license.recordal_late", "R-TM-LICENSE")]),
    ("patent licence recorded after 3 months", licence(PATENT, "2026-06-01", "2026-12-31", "2026-11-20"),
     [("license.recordal_late", "R-PAT-LICENSE")]),
    ("pledge ending before it starts", pledge(MARK, "2026-10-21", "2026-10-01", "2026-10-21"),
     [("pledge.ends_before_start", "FILING-TERM")]),
    ("pledge outlasting the mark", pledge(MARK, "2026-10-21", "2037-01-01", "2026-10-21"),
     [("pledge.outlasts_right", "R-TM-PLEDGE")]),
    ("pledge outlasting the patent, ending before it starts", pledge(PATENT, "2033-01-01", "2032-12-01", "2026-11-20"),
     [("pledge.ends_before_start", "FILING-TERM"), ("pledge.outlasts_right", "R-PAT-PLEDGE")]),
]


@pytest.fixture(scope="module")
def sample(module_registers, tmp_path_factory):
    """A sample register and a batch of each type exported from it (its ready filings), on each backend."""
    folder = tmp_path_factory.mktemp("rules")
    db = module_registers()
    runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": db})

    def run(*args):
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else None

    run("sample", "load", "--format", "json")
    shown = {MARK: batch_format.mark_object(run("mark", "show", MARK, "--format", "json")),
             RENEWED: batch_format.mark_object(run("mark", "show", RENEWED, "--format", "json")),
             PATENT: batch_format.patent_object(run("patent", "show", PATENT, "--format", "json"))}
    documents = {}
    for filing_type in ("renewal", "license", "pledge"):
        exported = run("batch", "export", "--type", filing_type, "--out", str(folder / filing_type), "--all-windows",
                       "--format", "json")
        documents[filing_type] = json.loads(Path(exported["file"]).read_text(encoding="utf-8"))
    return {"db": db, "rights": shown, "documents": documents}


def counter_refusal(db: str, enter) -> tuple[str, str]:
    store = register_location(db).open(operator="test", command="test")
    try:
        desk = Desk(store, KeyDates(WorkCalendar({})), TODAY, _ignore, _ignore)
        with pytest.raises(Rejected) as refused:
            enter(desk)
    finally:
        store.close()
    return refused.value.key, refused.value.rule


def batch_refusals(sample: dict, case: dict) -> list[tuple[str, str]]:
    """The rule refusals `batch validate` and `batch import` find in a batch of the case's one item
    (the problems of the batch's own sums and copies, batch.*, left aside)."""
    document = json.loads(json.dumps(sample["documents"][case["type"]]))
    item = document["items"][0]
    for field, numbers in case["rights"].items():
        item[field] = sample["rights"][numbers] if field == "mark" else [sample["rights"][n] for n in numbers]
    if "marks" in case["rights"]:
        item["patents"] = []
    elif "patents" in case["rights"]:
        item["marks"] = []
    item.update(case["item"])
    document["items"] = [item]
    document["manifest"].update(count=1, fee_total=item["fee_total"],
                                items_sha256=batch_format.checksum_of(document["items"]))
    checked = batches.check_bytes(json.dumps(document, ensure_ascii=False).encode("utf-8"), WorkCalendar({}))
    return [(problem.key, problem.rule) for problem in checked.problems if not problem.key.startswith("batch.")]


@pytest.mark.parametrize("name, case, refusals", CASES, ids=[case[0] for case in CASES])
def test_the_counter_refuses_the_first_of_the_refusals_a_batch_reports(sample, name, case, refusals):
    assert batch_refusals(sample, case) == refusals
    assert counter_refusal(sample["db"], case["counter"]) == refusals[0]


def test_the_rules_name_the_value_at_fault_so_a_batch_points_at_its_field():
    refusals = license_refusals("mark", starts=date(2026, 5, 1), ends=date(2026, 4, 1), filed=date(2026, 5, 2),
                                due=date(2026, 4, 1))
    assert [(r.key, r.about) for r in refusals] == [("license.ends_before_start", "ends"),
                                                    ("license.recordal_late", "filed")]
    unknown = PledgedRight("patent", PATENT, None)  # a batch knows neither pledges nor lapses
    assert pledge_refusals([unknown], starts=date(2026, 1, 1), ends=date(2040, 1, 1)) == []
