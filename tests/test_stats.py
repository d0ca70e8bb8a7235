"""Windows, statistics and the periodic report, on the sample portfolio at a fixed today (conftest)."""

import csv
import io
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

PERIOD = ("--from", "2026-01-01", "--to", "2026-11-21")
TREE = (("ZJ", "浙江省", None), ("ZJ-HZ", "杭州市", "ZJ"), ("ZJ-HZ-XH", "西湖区", "ZJ-HZ"),
        ("ZJ-HZ-BJ", "滨江区", "ZJ-HZ"), ("ZJ-NB", "宁波市", "ZJ"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result.stdout


def as_json(result):
    return json.loads(ok(result))


def add_tree(invoke):
    for code, name, parent in TREE:
        ok(invoke("window", "add", code, "--name", name, *(("--parent", parent) if parent else ())))


@pytest.fixture
def sample(invoke):
    """The sample portfolio (its filings carry no window: they count at their right's window) and the
    window tree of its four windows under one province."""
    ok(invoke("sample", "load"))
    add_tree(invoke)
    return invoke


def filings_counted_by_hand(invoke) -> list[dict]:
    """`filing list`, each filing with its right type and the window it counts at: its own, else its
    first right's."""
    windows = {m["reg_no"]: m["window"] for m in as_json(invoke("mark", "list", "--format", "json"))}
    patents = {p["app_no"]: p["window"] for p in as_json(invoke("patent", "list", "--format", "json"))}
    counted = []
    for filing in as_json(invoke("filing", "list", "--format", "json")):
        first = filing["rights"][0]
        right_type = "mark" if first in windows else "patent"
        window = filing["window"] or {**windows, **patents}[first]
        counted.append({**filing, "right_type": right_type, "counted_at": window})
    return [f for f in counted if "2026-01-01" <= f["received_on"] <= "2026-11-21"]


def million_cny(amount: float) -> str:
    if amount >= 10 ** 6:
        return f"{amount / 10 ** 6:.2f}".rstrip("0").rstrip(".") + " million CNY"
    return f"{amount:,.0f} CNY"


def wan_yuan(amount: float) -> str:
    return f"{amount / 10 ** 4:.2f}".rstrip("0").rstrip(".") + "万元"


def figures_by_hand(filings: list[dict]) -> dict:
    """Counts of the filings received; `registered`, `amount` and `count` of those accepted (done)."""
    by_type = Counter(f["type"] for f in filings)
    registered = Counter(f["type"] for f in filings if f["status"] == "accepted")
    renewals = Counter(f["details"]["renewal_status"] for f in filings if f["type"] == "renewal")

    def amount(kind, right_type=None):
        return sum(f["details"]["amount"] or 0 for f in filings
                   if f["type"] == kind and f["status"] == "accepted" and right_type in (None, f["right_type"]))

    def count(kind, right_type):
        return sum(1 for f in filings if f["type"] == kind and f["status"] == "accepted"
                   and f["right_type"] == right_type)

    counties = Counter(f["counted_at"] for f in filings if f["counted_at"] in ("ZJ-HZ-XH", "ZJ-HZ-BJ"))
    return {"total": len(filings), "marks": sum(f["right_type"] == "mark" for f in filings),
            "patents": sum(f["right_type"] == "patent" for f in filings), "by_type": by_type,
            "registered": registered,
            "renewals": renewals, "counties": counties, "amount": amount, "count": count,
            "since": sum(f["received_on"] >= "2026-11-10" for f in filings)}


def test_summary_sentence_in_english_agrees_with_filing_list(sample):
    hand = figures_by_hand(filings_counted_by_hand(sample))
    text = ok(sample("stats", *PERIOD, "--since", "2026-11-10", "--summary"))
    xh, bj = hand["counties"]["ZJ-HZ-XH"], hand["counties"]["ZJ-HZ-BJ"]
    counties = ", ".join(f"{name} {count}" for count, name in sorted([(bj, "滨江区"), (xh, "西湖区")], reverse=True))
    amount, count, kinds, done = hand["amount"], hand["count"], hand["by_type"], hand["registered"]
    licences = "; ".join(
        f"{name} licence recordals {count('license', kind)}, worth {million_cny(amount('license', kind))}"
        for name, kind in (("trademark", "mark"), ("patent", "patent")) if count("license", kind))
    expected = (
        f"From 1 January to 21 November 2026, all windows handled {hand['total']} filings "
        f"({hand['marks']} on trademarks, {hand['patents']} on patents), {hand['since']} of them since 10 November; "
        f"{xh + bj} at county windows: {counties}. "
        f"Pledge financings: {kinds['pledge']} received, {done['pledge']} of them registered, "
        f"{million_cny(amount('pledge'))} secured "
        f"(trademark pledge registrations {count('pledge', 'mark')}, worth {million_cny(amount('pledge', 'mark'))}). "
        f"Licence recordals: {kinds['license']} received, {done['license']} of them registered, "
        f"{million_cny(amount('license'))} in contract amounts ({licences}). "
        f"Renewals: {kinds['renewal']} received ({hand['renewals']['in_window']} in the renewal window, "
        f"{hand['renewals']['in_grace']} in the grace period), {done['renewal']} of them registered; "
        f"transfers: {kinds['transfer']} received, {done['transfer']} of them registered; "
        f"annual fee payments: {kinds['annuity']}.\n")
    assert count("pledge", "patent") == 0 and hand["total"] == 49  # the sample, at the conftest's today
    assert all(0 < done[kind] < kinds[kind] for kind in ("pledge", "license", "renewal", "transfer"))
    assert text == expected


def test_summary_sentence_in_chinese(sample):
    hand = figures_by_hand(filings_counted_by_hand(sample))
    text = ok(sample("--lang", "zh", "stats", *PERIOD, "--since", "2026-11-10", "--summary"))
    kinds, amount, done = hand["by_type"], hand["amount"], hand["registered"]
    assert text.startswith(f"2026年1月1日至11月21日，全部窗口共受理业务{hand['total']}件"
                           f"（商标{hand['marks']}件、专利{hand['patents']}件），其中11月10日以来{hand['since']}件；"
                           f"县区窗口受理{sum(hand['counties'].values())}件：")
    assert (f"质押融资受理{kinds['pledge']}件，其中已登记{done['pledge']}件，担保金额{wan_yuan(amount('pledge'))}"
            "（商标质押登记") in text
    assert (f"许可备案受理{kinds['license']}件，其中已登记{done['license']}件，合同金额{wan_yuan(amount('license'))}（"
            ) in text
    assert (f"续展受理{kinds['renewal']}件（续展期内{hand['renewals']['in_window']}件、"
            f"宽展期内{hand['renewals']['in_grace']}件），其中已登记{done['renewal']}件；"
            f"转让受理{kinds['transfer']}件，其中已登记{done['transfer']}件；专利年费缴纳{kinds['annuity']}件。\n") in text
    assert text.count("\n") == 1


def test_summary_figures_in_json_of_one_window(sample):
    hand = figures_by_hand([f for f in filings_counted_by_hand(sample) if f["counted_at"].startswith("ZJ-HZ")])
    summary = as_json(sample("stats", *PERIOD, "--window", "ZJ-HZ", "--summary", "--format", "json"))
    assert summary["filings"] == hand["total"]
    assert (summary["marks"], summary["patents"]) == (hand["marks"], hand["patents"])
    assert summary["window_name"] == "杭州市" and summary["text"].startswith("From 1 January to 21 November 2026, 杭州市")
    assert summary["pledge_amount"] == hand["amount"]("pledge") and summary["since"] is None
    assert {c["window"]: c["filings"] for c in summary["county_windows"]} == dict(hand["counties"])


def rows_by_window(invoke, *args) -> dict:
    totals = Counter()
    for row in as_json(invoke("stats", *PERIOD, "--by", "window", "--format", "json", *args)):
        totals[row["window"]] += row["filings"]
    return totals


def test_rollup_sums_each_window_and_the_windows_below_it(sample):
    own, rolled = rows_by_window(sample), rows_by_window(sample, "--rollup")
    hand = Counter(f["counted_at"] for f in filings_counted_by_hand(sample))
    assert own == hand and "ZJ" not in own
    assert rolled["ZJ-HZ"] == own["ZJ-HZ"] + own["ZJ-HZ-XH"] + own["ZJ-HZ-BJ"]
    assert rolled["ZJ"] == sum(own.values()) == 49
    assert rolled["ZJ-NB"] == own["ZJ-NB"] and rolled["ZJ-HZ-XH"] == own["ZJ-HZ-XH"]
    scoped = rows_by_window(sample, "--rollup", "--window", "ZJ-HZ")
    assert set(scoped) == {"ZJ-HZ", "ZJ-HZ-XH", "ZJ-HZ-BJ"} and scoped["ZJ-HZ"] == rolled["ZJ-HZ"]


def test_rows_by_type_month_and_owner_add_up(sample):
    hand = figures_by_hand(filings_counted_by_hand(sample))
    by_type = as_json(sample("stats", *PERIOD, "--by", "type", "--format", "json"))
    assert {row["type"]: row["filings"] for row in by_type} == dict(hand["by_type"])
    renewal = next(row for row in by_type if row["type"] == "renewal")
    assert (renewal["in_window"], renewal["in_grace"]) == (hand["renewals"]["in_window"], hand["renewals"]["in_grace"])
    pledge = next(row for row in by_type if row["type"] == "pledge")
    assert pledge["amount"] == hand["amount"]("pledge") and pledge["in_window"] is None
    assert next(row for row in by_type if row["type"] == "transfer")["amount"] is None
    for by in ("month", "owner"):
        rows = as_json(sample("stats", *PERIOD, "--by", by, "--format", "json"))
        assert sum(row["filings"] for row in rows) == 49 and all(by in row for row in rows)
    months = {row["month"] for row in as_json(sample("stats", *PERIOD, "--by", "month", "--format", "json"))}
    assert months == {f["received_on"][:7] for f in filings_counted_by_hand(sample)}


def test_period_and_status_limit_the_count(sample):
    filings = filings_counted_by_hand(sample)
    november = as_json(sample("stats", "--from", "2026-11-01", "--to", "2026-11-21", "--by", "type",
                              "--format", "json"))
    assert sum(r["filings"] for r in november) == sum(f["received_on"] >= "2026-11-01" for f in filings)
    accepted = as_json(sample("stats", *PERIOD, "--status", "accepted", "--by", "type", "--format", "json"))
    assert sum(r["filings"] for r in accepted) == sum(f["status"] == "accepted" for f in filings)
    default = as_json(sample("stats", "--by", "type", "--format", "json"))  # 1 January to today
    assert sum(r["filings"] for r in default) == 49


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "tsv"])
def test_every_format(sample, fmt):
    out = ok(sample("stats", *PERIOD, "--rollup", "--format", fmt))
    rows = as_json(sample("stats", *PERIOD, "--rollup", "--format", "json"))
    keys = ["window", "window_name", "level", "parent", "type", "filings", "accepted", "marks", "patents", "fees",
            "amount", "in_window", "in_grace"]
    if fmt == "jsonl":
        assert [json.loads(line) for line in out.splitlines()] == rows
    elif fmt in ("csv", "tsv"):
        table = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert table[0] == keys and len(table) == len(rows) + 1
    elif fmt == "table":
        assert "杭州市" in out and "licence" in out and "█" not in out  # no chart when piped
    summary = ok(sample("stats", *PERIOD, "--summary", "--format", fmt))
    assert summary.startswith("From 1 January") if fmt == "table" else "county_windows" in summary


def test_a_bar_chart_per_group_on_a_terminal(sample):
    out = ok(sample("--color", "always", "stats", *PERIOD, "--window", "ZJ-HZ", "--format", "table"))
    assert "█" in out and "ZJ-HZ-XH 西湖区" in out


def test_window_tree(invoke):
    add_tree(invoke)
    windows = as_json(invoke("window", "list", "--format", "json"))
    assert [(w["code"], w["parent"], w["level"]) for w in windows] == [
        ("ZJ", None, "province"), ("ZJ-HZ", "ZJ", "prefecture"), ("ZJ-HZ-BJ", "ZJ-HZ", "county"),
        ("ZJ-HZ-XH", "ZJ-HZ", "county"), ("ZJ-NB", "ZJ", "prefecture")]
    table = ok(invoke("window", "list", "--format", "table"))
    assert "├─ ZJ-HZ" in table and "│  └─ ZJ-HZ-XH" in table and "└─ ZJ-NB" in table
    journal = as_json(invoke("log", "--id", "ZJ-HZ", "--format", "json"))
    assert [(e["record_type"], e["after"]["parent"]) for e in journal] == [("window", "ZJ")]


@pytest.mark.parametrize("args, message", [
    (("ZJ-X", "--name", "x", "--parent", "NOPE"), "no window NOPE"),
    (("ZJ-HZ-XH-1", "--name", "x", "--parent", "ZJ-HZ-XH"), "below a county window"),
    (("ZJ-HZ", "--name", "x"), "already registered"),
    (("ZJ", "--name", "x", "--parent", "ZJ-HZ-XH", "--replace"), "itself or a window below it"),
    (("ZJ-HZ", "--name", "x", "--parent", "ZJ-NB", "--replace"), "below a county window"),
    (("a b", "--name", "x"), "not a window code"),
    (("ZJ-X", "--name", " "), "not a window name"),
])
def test_window_add_refusals_write_nothing(invoke, args, message):
    add_tree(invoke)
    before = ok(invoke("window", "list", "--format", "json"))
    result = invoke("window", "add", *args)
    assert result.exit_code == 65 and message in result.stderr and result.stderr.count("\n") == 1
    assert ok(invoke("window", "list", "--format", "json")) == before


def test_window_replace_moves_a_window(invoke):
    add_tree(invoke)
    moved = as_json(invoke("window", "add", "ZJ-NB", "--name", "宁波市中心", "--replace", "--format", "json"))
    assert moved == {"code": "ZJ-NB", "name": "宁波市中心", "level": "province", "parent": None, "default": False}


def test_set_default_applies_to_new_filings(invoke):
    add_tree(invoke)
    ok(invoke("mark", "add", "7700001", "--registered", "2016-12-01", "--classes", "9"))
    ok(invoke("mark", "add", "7700002", "--registered", "2016-12-02", "--classes", "9"))
    ok(invoke("mark", "add", "7700003", "--registered", "2016-12-03", "--classes", "9"))
    assert as_json(invoke("window", "set-default", "ZJ-HZ-XH", "--format", "json")) == {
        "default_window": "ZJ-HZ-XH", "window_name": "西湖区"}
    renewal = as_json(invoke("renew", "add", "7700001", "--filed", "2026-11-20", "--format", "json"))
    assert renewal["window"] == "ZJ-HZ-XH"
    given = as_json(invoke("renew", "add", "7700002", "--filed", "2026-11-20", "--window", "ZJ-NB", "--format", "json"))
    from_env = as_json(invoke("renew", "add", "7700003", "--filed", "2026-11-20", "--format", "json",
                              env={"IPCLI_WINDOW": "ZJ-HZ-BJ"}))
    assert (given["window"], from_env["window"]) == ("ZJ-NB", "ZJ-HZ-BJ")
    assert [w["code"] for w in as_json(invoke("window", "list", "--format", "json")) if w["default"]] == ["ZJ-HZ-XH"]
    ok(invoke("window", "set-default", "--clear"))
    ok(invoke("mark", "add", "7700004", "--registered", "2016-12-04", "--classes", "9"))
    assert as_json(invoke("renew", "add", "7700004", "--filed", "2026-11-20", "--format", "json"))["window"] is None


def test_set_default_refuses_an_unknown_window(invoke):
    result = invoke("window", "set-default", "ZJ")
    assert result.exit_code == 65 and "no window ZJ" in result.stderr
    assert invoke("window", "set-default").exit_code == 2


@pytest.mark.parametrize("args, message", [
    (("--from", "2026-12-01", "--to", "2026-01-01"), "is after --to"),
    (("--by", "type", "--rollup"), "--rollup needs --by window"),
    ((*PERIOD, "--since", "2025-12-31"), "outside the period"),
    (("--by", "day"), "is not one of"),
])
def test_stats_usage_errors(invoke, args, message):
    result = invoke("stats", *args)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""


def test_stats_of_an_empty_register(invoke):
    invoke("init")
    assert as_json(invoke("stats", "--format", "json")) == []
    text = ok(invoke("stats", "--summary"))
    assert text.startswith("From 1 January to 21 November 2026, all windows handled 0 filings (0 on trademarks")


def report(invoke, out: Path, *args):
    return invoke("report", *PERIOD, "--since", "2026-11-10", "--out", out, *args)


def test_report_is_one_self_contained_file(sample, tmp_path):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "report.html"
    record = as_json(report(sample, out, "--format", "json"))
    assert record == {"file": str(out), "from": "2026-01-01", "to": "2026-11-21", "window": None, "filings": 49}
    html = out.read_text(encoding="utf-8")
    summary = as_json(sample("stats", *PERIOD, "--since", "2026-11-10", "--summary", "--format", "json"))
    assert summary["text"] in html and html.count("<svg") == 3 and "@media print" in html
    for network in ("http:", "https:", "src=", "href=", "url(", "@import"):
        assert network not in html
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]  # no temporary file left behind


def test_report_refuses_a_path_it_cannot_write_and_keeps_the_old_file(sample, tmp_path):
    result = report(sample, tmp_path / "missing" / "report.html")
    assert result.exit_code == 2 and "cannot write" in result.stderr
    assert report(sample, tmp_path).exit_code == 2
    out = tmp_path / "report.html"
    out.write_text("old")
    assert report(sample, out, "--from", "2026-12-01").exit_code == 2
    assert out.read_text() == "old"
    ok(report(sample, out))
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.skipif(not Path(CHROMIUM).exists(),
                    reason="chromium is not installed (apt-get install chromium; .ci/run installs it)")
def test_report_renders_in_headless_chromium(sample, tmp_path):
    out = tmp_path / "report.html"
    ok(report(sample, out, "--window", "ZJ-HZ"))
    summary = as_json(sample("stats", *PERIOD, "--since", "2026-11-10", "--window", "ZJ-HZ", "--summary",
                             "--format", "json"))
    flags = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*flags, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    assert summary["text"] in dom
    assert f"<b>{summary['filings']}</b>" in dom and "<td>" + str(summary["filings"]) + "</td>" in dom
    shot = tmp_path / "report.png"
    subprocess.run([*flags, "--window-size=1000,1600", f"--screenshot={shot}", out.as_uri()], capture_output=True,
                   timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
