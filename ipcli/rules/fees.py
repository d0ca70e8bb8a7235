"""Official fee tables with their effective dates (RULES.md §3 and §4) and fee reductions."""

from dataclasses import dataclass
from datetime import date

from ipcli.rules.catalog import Step

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


# Newest first. RULES.md gives only the renewal and late fees of the table before 2019-07-01,
# and no online discount for it.
TRADEMARK_FEE_TABLES = (
    FeeTable(
        date(2019, 7, 1),
        paper={RENEWAL: 500, LATE_RENEWAL: 250, ASSIGNMENT: 500, LICENSE_RECORDAL: 150, PLEDGE: 0},
        online={RENEWAL: 450, LATE_RENEWAL: 225, ASSIGNMENT: 450, LICENSE_RECORDAL: 135, PLEDGE: 0},
    ),
    FeeTable(
        None,
        paper={RENEWAL: 1000, LATE_RENEWAL: 250},
        online={RENEWAL: 1000, LATE_RENEWAL: 250},
    ),
)


def trademark_fee(item: str, filed: date, paper: bool, classes: int = 1) -> tuple[int | None, Step]:
    """FEE-TM: the fee for `item` filed on `filed`, per class; None where no table gives it."""
    table = next(t for t in TRADEMARK_FEE_TABLES if t.applies_on(filed))
    per_class = (table.paper if paper else table.online).get(item)
    amount = None if per_class is None else per_class * classes
    step = Step("FEE-TM", "step.fee_tm", {
        "item": item, "channel": "paper" if paper else "online", "per_class": per_class,
        "classes": classes, "amount": amount,
        "table": table.effective_from.isoformat() if table.effective_from else "-",
    })
    return amount, step


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
OPEN_LICENSE = "open"
# Percent off the annual fee.
REDUCTION_PERCENT = {NO_REDUCTION: 0, "85": 85, "70": 70, OPEN_LICENSE: 15}
REDUCED_YEARS = 6
REDUCTIONS = tuple(REDUCTION_PERCENT)


def reduction_needs_grant_year(reduction: str) -> bool:
    return reduction in ("85", "70")


def reduced_fee(full_fee: int, reduction: str, year: int, grant_year: int | None) -> tuple[int, Step | None]:
    """FEE-REDUCTION: 85% or 70% off for the six years from the grant year;
    FEE-OPEN-LICENSE: 15% off while an open licence lasts."""
    if reduction == NO_REDUCTION:
        return full_fee, None
    if reduction == OPEN_LICENSE:
        payable = full_fee * (100 - REDUCTION_PERCENT[reduction]) // 100
        return payable, Step("FEE-OPEN-LICENSE", "step.fee_open_license", {"fee": full_fee, "payable": payable})
    if grant_year is None:
        raise ValueError("the 85%/70% reduction needs the grant year")
    last_reduced = grant_year + REDUCED_YEARS - 1
    params = {"year": year, "first": grant_year, "last": last_reduced, "percent": REDUCTION_PERCENT[reduction]}
    if not grant_year <= year <= last_reduced:
        return full_fee, Step("FEE-REDUCTION", "step.fee_reduction_outside", params)
    payable = full_fee * (100 - REDUCTION_PERCENT[reduction]) // 100
    return payable, Step("FEE-REDUCTION", "step.fee_reduction", {**params, "fee": full_fee, "payable": payable})
