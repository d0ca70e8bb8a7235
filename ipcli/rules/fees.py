"""Official fee tables with their effective dates (RULES.md §3 and §4) and fee reductions."""

from dataclasses import dataclass
from datetime import date

from ipcli.rules.catalog import OPEN_LICENSE_FEES_FROM, TEN_REDUCED_YEARS_FROM, Step

RENEWAL = "renewal"
LATE_RENEWAL = "late_renewal"
ASSIGNMENT = "assignment"
LICENSE_RECORDAL = "license_recordal"
PLEDGE = "pledge"


@dataclass(frozen=True)
class FeeTable:
    """Trademark fees in CNY per class, valid from `effective_from` (None: since before records)."""

    effective_from: date | None
    paper: dict
    online: dict

    def applies_on(self, day: date) -> bool:
        return self.effective_from is None or day >= self.effective_from


def _one_rate(fees: dict) -> dict:
    """Before 2019-07-01 paper and online filings paid the same (RULES.md §3)."""
    return {"paper": fees, "online": fees}


# FEE-TM, newest first, keyed on the filing date of the act. Pledge steps cost nothing in every table.
TRADEMARK_FEE_TABLES = (
    FeeTable(
        date(2019, 7, 1),  # 发改价格〔2019〕914号: online filing with electronic service pays 90%
        paper={RENEWAL: 500, LATE_RENEWAL: 250, ASSIGNMENT: 500, LICENSE_RECORDAL: 150, PLEDGE: 0},
        online={RENEWAL: 450, LATE_RENEWAL: 225, ASSIGNMENT: 450, LICENSE_RECORDAL: 135, PLEDGE: 0},
    ),
    FeeTable(  # 财税〔2017〕20号: every fee halved
        date(2017, 4, 1),
        **_one_rate({RENEWAL: 1000, LATE_RENEWAL: 250, ASSIGNMENT: 500, LICENSE_RECORDAL: 150, PLEDGE: 0}),
    ),
    FeeTable(None, **_one_rate({RENEWAL: 2000, LATE_RENEWAL: 500, ASSIGNMENT: 1000, LICENSE_RECORDAL: 300, PLEDGE: 0})),
)


def trademark_fee(item: str, filed: date, paper: bool, classes: int = 1) -> tuple[int, Step]:
    """FEE-TM: the fee for `item` filed on `filed`, per class."""
    table = next(t for t in TRADEMARK_FEE_TABLES if t.applies_on(filed))
    per_class = (table.paper if paper else table.online)[item]
    amount = per_class * classes
    step = Step("FEE-TM", "step.fee_tm", {
        "item": item, "channel": "paper" if paper else "online", "per_class": per_class,
        "classes": classes, "amount": amount,
        "table": table.effective_from.isoformat() if table.effective_from else "-",
    })
    return amount, step


# FEE-PAT-RECORDAL: a change of patentee after an assignment or transmission (著录事项变更) costs 200 per
# patent (a request concerns one patent); recording a licence contract or a pledge costs nothing.
PATENT_RECORDAL_FEES = {ASSIGNMENT: 200, LICENSE_RECORDAL: 0, PLEDGE: 0}


def recordal_fee(item: str, right_type: str, filed: date, paper: bool, classes: int = 0) -> tuple[int, Step]:
    """The official fee of a transfer, licence recordal or pledge for one right: FEE-TM per class for a
    mark, FEE-PAT-RECORDAL per patent."""
    if right_type == "mark":
        return trademark_fee(item, filed, paper, classes)
    fee = PATENT_RECORDAL_FEES[item]
    return fee, Step("FEE-PAT-RECORDAL", "step.fee_pat_recordal", {"item": item, "fee": fee})


# FEE-PAT-ANNUAL: (first year, last year, fee) bands, inclusive.
ANNUAL_FEE_BANDS = {
    "invention": ((1, 3, 900), (4, 6, 1200), (7, 9, 2000), (10, 12, 4000), (13, 15, 6000), (16, 20, 8000)),
    "utility": ((1, 3, 600), (4, 5, 900), (6, 8, 1200), (9, 10, 2000)),
    "design": ((1, 3, 600), (4, 5, 900), (6, 8, 1200), (9, 10, 2000), (11, 15, 3000)),
}


def annual_fee(patent_type: str, year: int) -> tuple[int, Step]:
    """FEE-PAT-ANNUAL: the full annual fee of patent year `year` (callers check the year is in term)."""
    fee = next(f for first, last, f in ANNUAL_FEE_BANDS[patent_type] if first <= year <= last)
    return fee, Step("FEE-PAT-ANNUAL", "step.fee_annual", {"type": patent_type, "year": year, "fee": fee})


NO_REDUCTION = "none"
# `--reduction open` of earlier releases: an open licence (its date not known) and no reduction.
OPEN_LICENSE = "open"
REDUCTION_PERCENT = {NO_REDUCTION: 0, "85": 85, "70": 70}  # percent off the annual fee
REDUCTIONS = tuple(REDUCTION_PERCENT)
REDUCTION_SPELLINGS = (*REDUCTIONS, OPEN_LICENSE)
OPEN_LICENSE_PERCENT = 15


def reduction_needs_grant_year(reduction: str) -> bool:
    return REDUCTION_PERCENT.get(reduction, 0) > 0


@dataclass(frozen=True)
class OpenLicense:
    """A patent's open licence declaration (PL 50-51) and the day it took effect (None: not known)."""

    since: date | None = None


def reduction_and_open_license(spelling: str, open_license_since: date | None = None,
                               open_license: bool = False) -> tuple[str, OpenLicense | None]:
    """A patent's reduction and open licence from what the user gave: `open` as a reduction (earlier
    releases) is an open licence whose date is not known, with no reduction."""
    if spelling == OPEN_LICENSE:
        return NO_REDUCTION, OpenLicense(open_license_since)
    if open_license or open_license_since is not None:
        return spelling, OpenLicense(open_license_since)
    return spelling, None


def reduced_years(due_on: date) -> int:
    """FEE-REDUCTION: how many patent years from the grant year the 85%/70% reduction covers."""
    return 10 if due_on >= TEN_REDUCED_YEARS_FROM else 6


def payable_annual_fee(full_fee: int, *, year: int, due_on: date, reduction: str = NO_REDUCTION,
                       grant_year: int | None = None, open_license: OpenLicense | None = None) -> tuple[int, tuple]:
    """The annual fee of patent year `year`, due on `due_on`, after the best discount that applies to it:
    FEE-REDUCTION (85% or 70% off for the years from the grant year) or FEE-OPEN-LICENSE (15% off), never
    both ("不得重复享受"): the lower fee of the two."""
    offers = [offer for offer in (_reduction_offer(full_fee, year, due_on, reduction, grant_year),
                                  _open_license_offer(full_fee, due_on, open_license)) if offer is not None]
    if not offers:
        return full_fee, ()
    best = min(offers, key=lambda offer: offer[0])
    steps = tuple(step for _, step in offers)
    if sum(1 for payable, _ in offers if payable < full_fee) > 1:
        steps += (Step(best[1].rule, "step.fee_best_discount", {"payable": best[0]}),)
    return best[0], steps


def _reduction_offer(full_fee: int, year: int, due_on: date, reduction: str, grant_year: int | None):
    if not reduction_needs_grant_year(reduction):
        return None
    if grant_year is None:
        raise ValueError("the 85%/70% reduction needs the grant year")
    last_reduced = grant_year + reduced_years(due_on) - 1
    params = {"year": year, "first": grant_year, "last": last_reduced, "percent": REDUCTION_PERCENT[reduction],
              "due": due_on}
    if not grant_year <= year <= last_reduced:
        return full_fee, Step("FEE-REDUCTION", "step.fee_reduction_outside", params)
    payable = full_fee * (100 - REDUCTION_PERCENT[reduction]) // 100
    return payable, Step("FEE-REDUCTION", "step.fee_reduction", {**params, "fee": full_fee, "payable": payable})


def _open_license_offer(full_fee: int, due_on: date, open_license: OpenLicense | None):
    if open_license is None:
        return None
    params = {"due": due_on, "since": open_license.since, "from": OPEN_LICENSE_FEES_FROM}
    if due_on < OPEN_LICENSE_FEES_FROM:
        return full_fee, Step("FEE-OPEN-LICENSE", "step.fee_open_license_before_policy", params)
    if open_license.since is not None and due_on < open_license.since:
        return full_fee, Step("FEE-OPEN-LICENSE", "step.fee_open_license_not_yet", params)
    payable = full_fee * (100 - OPEN_LICENSE_PERCENT) // 100
    return payable, Step("FEE-OPEN-LICENSE", "step.fee_open_license", {"fee": full_fee, "payable": payable})
