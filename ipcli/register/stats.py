"""Windows and the statistics of the filings they receive.

The window tree: provinces, the prefecture windows under them and the county windows under those
(`ipcli window`). The statistics (`ipcli stats`, `ipcli report`) are counted by one GROUP BY in SQL
(ipcli.db.stats); this module only shapes its few hundred group rows: per window, type, month or owner,
rolled up the window tree, and into the report sentence sent upward.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from ipcli import machine
from ipcli.db import stats as db
from ipcli.db.filings import FILING_TYPES
from ipcli.errors import NotFound, Rejected
from ipcli.i18n import t

LEVELS = ("province", "prefecture", "county")
BY = ("window", "type", "month", "owner")
MARK, PATENT = "mark", "patent"
IN_WINDOW, IN_GRACE = "in_window", "in_grace"
AMOUNT_TYPES = ("license", "pledge")
WINDOW_CODE = re.compile(r"[\w.-]{1,40}")
NAME_MAX = 100


# the window tree

class WindowTree:
    """The registered windows; codes found on filings but not registered are roots without a name."""

    def __init__(self, rows: list[dict]):
        self.rows = {row["code"]: row for row in rows}
        self.children: dict = {}
        for row in rows:
            self.children.setdefault(row["parent"], []).append(row["code"])

    def ancestors(self, code) -> list[str]:
        chain, parent = [], self.parent(code)
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.parent(parent)
        return chain

    def level(self, code) -> str | None:
        return LEVELS[min(len(self.ancestors(code)), len(LEVELS) - 1)] if code in self.rows else None

    def height(self, code) -> int:
        """Levels below `code`: 0 for a window without children."""
        return max((1 + self.height(child) for child in self.children.get(code, ())), default=0)

    def subtree(self, code) -> set:
        codes = {code}
        for child in self.children.get(code, ()):
            codes |= self.subtree(child)
        return codes

    def ordered(self, parent=None) -> list[str]:
        """Registered codes depth first: each window followed by the windows below it, by code."""
        codes = []
        for code in sorted(self.children.get(parent, ())):
            codes += [code, *self.ordered(code)]
        return codes

    def name(self, code):
        return self.rows.get(code, {}).get("name")

    def parent(self, code):
        return self.rows.get(code, {}).get("parent")


def window_tree(store) -> WindowTree:
    return WindowTree(db.list_windows(store))


def _window_code(text: str) -> str:
    code = (text or "").strip()
    if not WINDOW_CODE.fullmatch(code):
        raise Rejected("window.bad_code", rule="WINDOW-CODE", value=text)
    return code


def _check_parent(tree: WindowTree, code: str, parent: str | None) -> None:
    if parent is None:
        return
    if parent not in tree.rows:
        raise NotFound("window.not_found", rule="WINDOW-UNKNOWN", value=parent)
    if parent in tree.subtree(code):
        raise Rejected("window.parent_cycle", rule="WINDOW-TREE", value=parent, code=code)
    if len(tree.ancestors(parent)) + 1 + tree.height(code) >= len(LEVELS):
        raise Rejected("window.too_deep", rule="WINDOW-TREE", value=code, parent=parent)


def add_window(store, code: str, name: str, parent: str | None, replace: bool = False) -> dict:
    """Register a window (or, with `replace`, change the name and parent of a registered one)."""
    code, name = _window_code(code), (name or "").strip()
    parent = _window_code(parent) if parent is not None else None
    if not name or len(name) > NAME_MAX:
        raise Rejected("window.bad_name", rule="WINDOW-NAME", value=name, limit=NAME_MAX)
    with store.transaction():
        tree = window_tree(store)
        before = tree.rows.get(code)
        if before is not None and not replace:
            raise Rejected("window.exists", rule="WINDOW-EXISTS", value=code)
        _check_parent(tree, code, parent)
        db.put_window(store, code, name, parent)
        store.journal("window", code, before, {"code": code, "name": name, "parent": parent})
    return window_view(window_tree(store), code, default_window(store))


def default_window(store) -> str | None:
    """The window that filings entered on this machine carry when none is given: this machine's setting
    (ipcli.machine), else the default that an SQLite register stored before the setting moved to the machine."""
    return machine.default_window() or db.register_default_window(store)


def set_default_window(store, code: str | None) -> dict:
    """Make `code` (None: none) this machine's default window, in its settings file: a setting of the
    machine, not of the register (`store` checks the code; None: no register, for --clear). A default
    that an SQLite register stored before is removed from it, journaled, so that the machine's setting
    alone decides from now on."""
    tree = window_tree(store) if store is not None else WindowTree([])
    if code is not None and code not in tree.rows:
        raise NotFound("window.not_found", rule="WINDOW-UNKNOWN", value=code)
    machine.put_default_window(code)
    if store is not None and db.register_default_window(store) is not None:
        with store.transaction():
            before = db.register_default_window(store)
            db.set_setting(store, db.DEFAULT_WINDOW, None)
            store.journal("setting", db.DEFAULT_WINDOW, {"value": before}, {"value": None})
    return {"default_window": code, "window_name": tree.name(code)}


def window_view(tree: WindowTree, code: str, default: str | None) -> dict:
    return {"code": code, "name": tree.name(code), "level": tree.level(code), "parent": tree.parent(code),
            "default": code == default}


def list_windows(store) -> list[dict]:
    """Every registered window, each after its parent (depth first), with its parent link."""
    tree, default = window_tree(store), default_window(store)
    return [window_view(tree, code, default) for code in tree.ordered()]


# statistics

@dataclass(frozen=True)
class Query:
    start: date
    end: date
    by: str = "window"
    window: str | None = None
    rollup: bool = False
    since: date | None = None
    statuses: tuple = ()


@dataclass
class Tally:
    """What a group of filings adds up to. A filing counts as done once accepted (registered, recorded,
    renewed): `accepted` counts those, and `amount` sums their licence contract or pledge secured amounts."""

    filings: int = 0
    accepted: int = 0
    marks: int = 0
    patents: int = 0
    fees: float = 0
    amount: float = 0
    amounts: int = 0
    in_window: int = 0
    in_grace: int = 0

    def add(self, group: dict) -> None:
        count = group["filings"]
        self.filings += count
        self.marks += count if group["right_type"] == MARK else 0
        self.patents += count if group["right_type"] == PATENT else 0
        self.fees += group["fees"] or 0
        self.accepted += group["accepted"]
        self.amount += group["amount"] or 0
        self.amounts += group["amounts"]
        self.in_window += count if group["renewal_status"] == IN_WINDOW else 0
        self.in_grace += count if group["renewal_status"] == IN_GRACE else 0

    def view(self, filing_type: str | None) -> dict:
        """The figures of one row: official fees (FEE-TM, FEE-PAT-RECORDAL, annual fees) of every filing,
        amounts (of those accepted) only for licences and pledges, the renewal split for renewals."""
        renewal = filing_type == "renewal"
        return {"filings": self.filings, "accepted": self.accepted, "marks": self.marks, "patents": self.patents,
                "fees": money(self.fees),
                "amount": money(self.amount) if filing_type in AMOUNT_TYPES and self.amounts else None,
                "in_window": self.in_window if renewal else None, "in_grace": self.in_grace if renewal else None}


def money(amount: float):
    """CNY as a JSON number: whole yuan as an integer, else rounded to the fen."""
    rounded = round(amount, 2)
    return int(rounded) if float(rounded).is_integer() else rounded


@dataclass
class Stats:
    """The group rows of a query, limited to the window asked for and the windows below it."""

    query: Query
    tree: WindowTree
    groups: list = field(default_factory=list)

    @property
    def scope(self) -> set | None:
        return None if self.query.window is None else self.tree.subtree(self.query.window)

    def tally(self, keep=lambda group: True) -> Tally:
        total = Tally()
        for group in self.groups:
            if keep(group):
                total.add(group)
        return total


def collect(store, query: Query) -> Stats:
    tree = window_tree(store)
    since = query.since.isoformat() if query.since else None
    groups = db.filing_groups(store, query.start.isoformat(), query.end.isoformat(),
                              "window" if query.by == "type" else query.by, since, query.statuses)
    result = Stats(query, tree)
    scope = result.scope
    result.groups = [g for g in groups if scope is None or g["window"] in scope]
    return result


# rows

def _type_order(filing_type: str) -> int:
    return FILING_TYPES.index(filing_type) if filing_type in FILING_TYPES else len(FILING_TYPES)


def _tallies(stats: Stats, keys_of) -> dict:
    tallies: dict = {}
    for group in stats.groups:
        for key in keys_of(group):
            tallies.setdefault((key, group["type"]), Tally()).add(group)
    return tallies


def _window_keys(stats: Stats, rollup: bool):
    """A group counts at its window and, rolled up, at every window above it that is in scope."""
    scope = stats.scope

    def keys(group):
        code = group["window"]
        if not rollup:
            return [code]
        return [code] + [up for up in stats.tree.ancestors(code) if scope is None or up in scope]
    return keys


def _window_order(tree: WindowTree, codes) -> list:
    registered = [code for code in tree.ordered() if code in codes]
    others = sorted(code for code in codes if code is not None and code not in tree.rows)
    return registered + others + ([None] if None in codes else [])


def _window_group(tree: WindowTree, code) -> dict:
    return {"window": code, "window_name": tree.name(code), "level": tree.level(code), "parent": tree.parent(code)}


def rows(stats: Stats, by: str | None = None, rollup: bool | None = None) -> list[dict]:
    """One row per group (window, type, month or owner: the query's, unless `by` is given) and filing
    type, in the group's order."""
    by = by or stats.query.by
    if by == "window":
        tallies = _tallies(stats, _window_keys(stats, stats.query.rollup if rollup is None else rollup))
        order = {code: i for i, code in enumerate(_window_order(stats.tree, {key for key, _ in tallies}))}
        head = _window_group
    elif by == "type":
        tallies = _tallies(stats, lambda group: [group["type"]])
        order, head = {}, (lambda tree, key: {})
    else:
        tallies = _tallies(stats, lambda group: [group["grp"]])
        keys = sorted({key for key, _ in tallies}, key=lambda key: (key is None, key or ""))
        order, head = {key: i for i, key in enumerate(keys)}, (lambda tree, key: {by: key})
    ordered = sorted(tallies.items(), key=lambda item: (order.get(item[0][0], 0), _type_order(item[0][1])))
    return [{**head(stats.tree, key), "type": kind, **tally.view(kind)} for (key, kind), tally in ordered]


# the summary: the report sentence and its figures

def _county_of(tree: WindowTree, code):
    """The county window that `code` is, or lies below."""
    return next((c for c in [code, *tree.ancestors(code)] if tree.level(c) == "county"), None)


def _county_windows(stats: Stats) -> list[dict]:
    counts: dict = {}
    for group in stats.groups:
        county = _county_of(stats.tree, group["window"])
        if county is not None:
            counts[county] = counts.get(county, 0) + group["filings"]
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"window": code, "window_name": stats.tree.name(code), "filings": count} for code, count in ordered]


def _by_right(stats: Stats, filing_type: str) -> dict:
    """Licences or pledges received and registered, the amount of those registered, and the registrations
    on marks and on patents with their amounts."""
    total = stats.tally(lambda g: g["type"] == filing_type)
    figures = {f"{filing_type}s": total.filings, f"{filing_type}s_registered": total.accepted,
               f"{filing_type}_amount": money(total.amount)}
    for right in (MARK, PATENT):
        tally = stats.tally(lambda g: g["type"] == filing_type and g["right_type"] == right)
        figures[f"{right}_{filing_type}s"] = tally.accepted
        figures[f"{right}_{filing_type}_amount"] = money(tally.amount)
    return figures


def figures(stats: Stats) -> dict:
    """The numbers of the report sentence."""
    query, total = stats.query, stats.tally()
    renewals, transfers = (stats.tally(lambda g: g["type"] == kind) for kind in ("renewal", "transfer"))
    counties = _county_windows(stats)
    return {
        "from": query.start, "to": query.end, "window": query.window,
        "window_name": stats.tree.name(query.window), "since": query.since,
        "filings": total.filings, "marks": total.marks, "patents": total.patents,
        "filings_since": stats.tally(lambda g: g["since"]).filings if query.since else None,
        "county_filings": sum(c["filings"] for c in counties), "county_windows": counties,
        **_by_right(stats, "pledge"), **_by_right(stats, "license"),
        "renewals": renewals.filings, "renewals_registered": renewals.accepted,
        "renewals_in_window": renewals.in_window, "renewals_in_grace": renewals.in_grace,
        "transfers": transfers.filings, "transfers_registered": transfers.accepted,
        "annuities": stats.tally(lambda g: g["type"] == "annuity").filings,
    }


def summary(stats: Stats) -> dict:
    numbers = figures(stats)
    return {**numbers, "text": summary_text(numbers)}


# the sentence, in the current language

def decimal_text(value: float, grouped: bool = False) -> str:
    text = f"{value:,.2f}" if grouped else f"{value:.2f}"
    return text.rstrip("0").rstrip(".")


def money_text(amount: float) -> str:
    """An amount as a report says it: 92.6 million CNY, 9260万元 (the units are the language's)."""
    for key in ("stats.cny_large", "stats.cny_medium"):
        unit = int(t(f"{key}_unit"))
        if abs(amount) >= unit:
            return t(key, amount=decimal_text(amount / unit))
    return t("stats.cny", amount=decimal_text(amount, grouped=True))


def day_text(day: date, with_year: bool = True) -> str:
    key = "stats.date_year" if with_year else "stats.date"
    return t(key, year=day.year, month=t(f"stats.month_{day.month}"), day=day.day)


def period_text(start: date, end: date) -> str:
    """The period as a sentence says it, its year said once when it lies within one year."""
    parts = {f"{name}_{part}": value for name, day in (("start", start), ("end", end))
             for part, value in (("year", day.year), ("month", t(f"stats.month_{day.month}")), ("day", day.day))}
    if start.year == end.year:
        return t("stats.period_same_year", year=end.year, **parts)
    return t("stats.period", **parts)


def _filings_text(count: int) -> str:
    return t("stats.filings_one" if count == 1 else "stats.filings_many", count=count)


def _handled(numbers: dict) -> str:
    scope = numbers["window_name"] or numbers["window"] or t("stats.scope_all")
    text = t("stats.handled", period=period_text(numbers["from"], numbers["to"]), scope=scope,
             filings=_filings_text(numbers["filings"]), marks=numbers["marks"], patents=numbers["patents"])
    if numbers["since"] is not None:
        since = day_text(numbers["since"], with_year=numbers["since"].year != numbers["to"].year)
        text += t("stats.since", count=numbers["filings_since"], since=since)
    if numbers["county_windows"]:
        names = t("stats.list_separator").join(
            t("stats.county_window", name=c["window_name"] or c["window"], count=c["filings"])
            for c in numbers["county_windows"])
        text += t("stats.county", count=numbers["county_filings"], windows=names)
    return text + t("stats.full_stop")


def _done(numbers: dict, name: str, **params) -> str:
    """The sentence part of renewals, transfers, licences or pledges (`name`): counted as done once
    registered, with how many were received when that differs ("受理 N 件，其中已登记 M 件")."""
    received, registered = numbers[name], numbers[f"{name}_registered"]
    if received == registered:
        return t(f"stats.{name}", count=registered, **params)
    return t(f"stats.{name}_registered", received=received, count=registered, **params)


def _amounts(numbers: dict, filing_type: str) -> str:
    text = _done(numbers, f"{filing_type}s", amount=money_text(numbers[f"{filing_type}_amount"]))
    parts = [t(f"stats.{filing_type}s_of_{right}", count=numbers[f"{right}_{filing_type}s"],
               amount=money_text(numbers[f"{right}_{filing_type}_amount"]))
             for right in (MARK, PATENT) if numbers[f"{right}_{filing_type}s"]]
    if parts:
        text += t("stats.breakdown", parts=t("stats.part_separator").join(parts))
    return text + t("stats.full_stop")


def summary_text(numbers: dict) -> str:
    """The report sentence: filings handled, pledge financings, licence recordals, renewals."""
    others = t("stats.part_separator").join([
        _done(numbers, "renewals", in_window=numbers["renewals_in_window"], in_grace=numbers["renewals_in_grace"]),
        _done(numbers, "transfers"), t("stats.annuities", count=numbers["annuities"])]) + t("stats.full_stop")
    sentences = [_handled(numbers), _amounts(numbers, "pledge"), _amounts(numbers, "license"), others]
    return t("stats.sentence_separator").join(sentences)
