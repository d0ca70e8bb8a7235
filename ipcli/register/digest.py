"""The digest: which deadlines a run reports under the reminder ladder, grouped by owner and kind, and
the message rendered as plain text, HTML and Markdown (for group robots). No network code here:
delivery is ipcli.delivery's."""

import html
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import NamedTuple
from unicodedata import east_asian_width

from ipcli.i18n import get_language, t
from ipcli.literal import all_visible, html_text, visible
from ipcli.output import display, label
from ipcli.register.deadlines import LOST, SAVEABLE

DEFAULT_LADDER = (90, 30, 7)
OVERDUE_STEP = "overdue"
LISTED_LOST_DAYS = 30  # a deadline lost longer ago is counted in one line of the digest, not listed
# Shown in every table; the overdue columns only where a row of the table has a value.
_COLUMNS = ("due_on", "days_left", "right_type", "right_no", "title", "rule")
_OVERDUE_COLUMNS = ("overdue_status", "late_fee_rate_pct", "late_fee")
_CODES = frozenset({"kind", "right_type", "overdue_status"})  # shown by their translated label
_DEADLINE_IDENTITY = itemgetter("kind", "right_type", "right_no", "due_on", "filing_id")


def reminder_step(days_left: int, ladder) -> str | None:
    """The ladder step a deadline has reached: the smallest step at or above its days left, "overdue"
    once it passed, None while it is further off than every step."""
    if days_left < 0:
        return OVERDUE_STEP
    return next((str(step) for step in sorted(ladder) if days_left <= step), None)


class Item(NamedTuple):
    row: dict
    step: str
    key: tuple  # the sent-log identity: the deadline (kind, right, due date, filing) and the step reached


def reminders(rows: list[dict], ladder) -> list[Item]:
    """The deadlines (rows of register.deadlines, in their order) that have reached a step of the ladder."""
    steps = [reminder_step(days, ladder) for days in range(max(ladder) + 1)]  # by days left, looked up
    items = []
    for row in rows:
        days = row["days_left"]
        step = OVERDUE_STEP if days < 0 else steps[days] if days < len(steps) else None
        if step is not None:
            items.append(Item(row, step, (*_DEADLINE_IDENTITY(row), step)))
    return items


def by_urgency(items: list[Item]) -> list[Item]:
    """Overdue items that can still be saved, then the other overdue ones, then those due: each part by
    days left, as the items come (register.deadlines gives them by due date)."""
    saveable, overdue, due = [], [], []
    for item in items:
        status = item.row["overdue_status"]
        (saveable if status == SAVEABLE else overdue if status else due).append(item)
    return saveable + overdue + due


def unsent(items: list[Item], sent: set) -> list[Item]:
    """The items whose current step is not in `sent` (keys from the sent-log of one destination), so a
    day without a run is caught up by the next run, and a second run the same day finds nothing."""
    if not sent:
        return list(items)
    return [item for item in items if item.key not in sent]


@dataclass
class Digest:
    today: date
    days: int
    ladder: tuple
    items: list[Item]  # by urgency

    @cached_property
    def listed(self) -> list[Item]:
        return [item for item in self.items if not self._lost_long_ago(item)]

    @cached_property
    def lost_long_ago(self) -> int:
        return sum(1 for item in self.items if self._lost_long_ago(item))

    def _lost_long_ago(self, item: Item) -> bool:
        return item.row["overdue_status"] == LOST and item.row["days_left"] < -LISTED_LOST_DAYS

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.step == OVERDUE_STEP)

    @property
    def due(self) -> int:
        return len(self.items) - self.overdue

    def subject(self) -> str:
        return t("digest.subject", today=self.today, due=self.due, overdue=self.overdue)

    def intro(self) -> str:
        return t("digest.intro", due=self.due, days=self.days, overdue=self.overdue)

    def opening(self) -> list[str]:
        """The lines before the groups: the intro, and the count of deadlines lost long ago if any."""
        lost = self.lost_long_ago
        return [self.intro()] + ([t("digest.lost_long_ago", count=lost, days=LISTED_LOST_DAYS)] if lost else [])

    def footer(self) -> str:
        return t("digest.footer", ladder=", ".join(str(step) for step in self.ladder))

    def groups(self) -> list[tuple[str, list[tuple[str, list[dict]]]]]:
        """[(owner, [(kind, rows)])] of the listed items, most urgent first: each owner and each kind of an
        owner where its most urgent item comes, rows in the order of the items."""
        owners: dict = {}
        for item in self.listed:
            row = item.row
            owners.setdefault(row["owner"], {}).setdefault(row["kind"], []).append(row)
        return [(owner, list(kinds.items())) for owner, kinds in owners.items()]

    def has_provisional(self) -> bool:
        return any(item.row["provisional"] for item in self.listed)


def _owner_name(owner: str) -> str:
    return owner or t("digest.no_owner")


_FIELDS = (*_COLUMNS, *_OVERDUE_COLUMNS, "provisional")


def _field_values(rows: list[dict]) -> dict[str, list]:
    """{field: its values in these rows}, one C loop per field (a digest may have a million cells; no
    tuple per row either, which would wake the cyclic garbage collector again and again)."""
    return {field: list(map(itemgetter(field), rows)) for field in _FIELDS}


def _cells(values: dict[str, list], column: str) -> list[str]:
    """One column of a table as text, from the values of _field_values."""
    cells = values[column]
    if column == "due_on":
        return [due_on + " *" if provisional else due_on for due_on, provisional in zip(cells, values["provisional"])]
    if column in _CODES:
        language = get_language()
        labels = {code: _code_label(language, code) if code else "—" for code in set(cells)}
        return list(map(labels.__getitem__, cells))
    if column == "days_left":
        return list(map(str, cells))
    return all_visible([value if isinstance(value, str) else display(column, value) for value in cells])


def _cell(row: dict, column: str) -> str:
    return _cells(_field_values([row]), column)[0]


@lru_cache(maxsize=256)
def _code_label(language: str, code: str) -> str:
    """The translated label of a code such as mark or saveable."""
    return t(f"value.{code}")


def _table(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Headers and columns (not rows) of the table of these rows: the overdue columns only where a
    row has a value in them."""
    values = _field_values(rows)
    extra = [column for column in _OVERDUE_COLUMNS if values[column].count(None) < len(rows)]
    columns = [*_COLUMNS, *extra]
    return [label(c) for c in columns], [_cells(values, c) for c in columns]


# plain text


def render_text(digest: Digest) -> str:
    parts = [digest.subject(), *digest.opening()]
    for owner, kinds in digest.groups():
        parts.append(f"== {visible(_owner_name(owner))} ({sum(len(rows) for _, rows in kinds)}) ==")
        for kind, rows in kinds:
            parts.append(f"{display('kind', kind)} ({len(rows)})\n{_aligned(*_table(rows))}")
    parts.extend(_notes(digest))
    return "\n\n".join(parts) + "\n"


def _aligned(headers: list[str], columns: list[list[str]]) -> str:
    """A plain table in the layout of tabulate's "simple" format (header, dashes, left-aligned columns
    two spaces apart), drawn here because tabulate takes seconds on a large portfolio's digest: one
    %-format per line, its columns padded by the format where their length is their width."""
    widths, formats, cells = zip(*(_fitted([header, *cells]) for header, cells in zip(headers, columns)))
    line = "  ".join(formats)
    lines = [(line % values).rstrip() for values in zip(*cells)]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _fitted(cells: list[str]) -> tuple[int, str, list[str]]:
    """The width of a column, the %-format of its cells and the cells for it: padded here when they
    have wide characters, which take two columns each."""
    if "".join(cells).isascii():
        width = max(map(len, cells))
        return width, f"%-{width}s", cells
    extra = [0 if cell.isascii() else len(cell.translate(_ONLY_WIDE)) for cell in cells]
    width = max(len(cell) + wide for cell, wide in zip(cells, extra))
    return width, "%s", [cell.ljust(width - wide) for cell, wide in zip(cells, extra)]


class _WideOnly(dict):
    """A str.translate table that keeps the East Asian wide and full-width characters (two columns
    each) and drops the others, filled in as characters are met: counting them is one C loop."""

    def __missing__(self, code: int) -> int | None:
        kept = self[code] = code if east_asian_width(chr(code)) in "WF" else None
        return kept


_ONLY_WIDE = _WideOnly()


def _notes(digest: Digest) -> list[str]:
    notes = [t("digest.provisional_note")] if digest.has_provisional() else []
    return notes + [digest.footer()]


# HTML

_STYLE = ("body{font-family:sans-serif}h1{font-size:1.3em}h2{font-size:1.15em}h3{font-size:1em}"
          "table{border-collapse:collapse;margin:0 0 1em 0}"
          "th,td{border:1px solid #bbb;padding:2px 8px;text-align:left;vertical-align:top}.note{color:#555}")


def render_html(digest: Digest, language: str) -> str:
    """A self-contained HTML page (its style sheet inside, no external resources); every value escaped,
    its control characters visible."""
    esc = html.escape
    body = [f"<h1>{esc(digest.subject())}</h1>", *(f"<p>{esc(line)}</p>" for line in digest.opening())]
    for owner, kinds in digest.groups():
        body.append(f"<h2>{html_text(_owner_name(owner))} ({sum(len(rows) for _, rows in kinds)})</h2>")
        for kind, rows in kinds:
            body.append(f"<h3>{esc(display('kind', kind))} ({len(rows)})</h3>")
            body.append(_html_table(rows))
    body.extend(f"<p class=\"note\">{esc(note)}</p>" for note in _notes(digest))
    lang = "zh-CN" if language == "zh" else "en"
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<title>{esc(digest.subject())}</title><style>{_STYLE}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def _html_table(rows: list[dict]) -> str:
    headers, columns = _table(rows)
    head = "".join(f"<th>{html.escape(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>\n"
                   for cells in zip(*columns))
    return f"<table><thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table>"


# Markdown for group robots


def render_markdown(digest: Digest, limit_bytes: int) -> str:
    """Markdown of at most `limit_bytes` UTF-8 bytes (group robots refuse longer messages): the items
    that do not fit are counted in a last line that points to `ipcli deadlines`."""
    lines = [f"### {_one_line(digest.subject())}", *map(_one_line, digest.opening())]
    total, shown = len(digest.listed), 0
    reserve = max(_size(_more(total)), _size(digest.footer())) + 1
    used = _size("\n".join(lines))
    for line, is_item in _markdown_entries(digest):
        used += _size(line) + 1
        if used + reserve > limit_bytes:
            return "\n".join(lines + [_more(total - shown)])
        lines.append(line)
        shown += is_item
    return "\n".join(lines + [digest.footer()])


def _markdown_entries(digest: Digest):
    """(line, whether it is an item) of every owner heading, kind heading and item."""
    for owner, kinds in digest.groups():
        yield f"#### {_one_line(_markdown_literal(owner) if owner else _owner_name(owner))}", False
        for kind, rows in kinds:
            yield f"**{display('kind', kind)}** ({len(rows)})", False
            for row in rows:
                yield _markdown_line(row), True


def _markdown_line(row: dict) -> str:
    days = row["days_left"]
    when = t("digest.days_left", days=days) if days >= 0 else t("digest.days_overdue", days=-days)
    parts = [_cell(row, "due_on"), when,
             f"{display('right_type', row['right_type'])} {_markdown_literal(row['right_no'])}"]
    if row["title"]:
        parts.append(_markdown_literal(row["title"]))
    if row["overdue_status"]:
        parts.append(_cell(row, "overdue_status"))
    if row["late_fee"] is not None:
        parts.append(t("digest.late_fee", fee=row["late_fee"]))
    parts.append(row["rule"])
    return "- " + _one_line(" · ".join(str(part) for part in parts))


# What could start emphasis, a heading, code, a link or an image, HTML, a table or an entity, and the
# colon of a URL scheme and the dot after "www", which robots turn into links of their own.
_MARKDOWN_ACTIVE = re.compile(r"[\\`*_\[\]()#!|<>~&:@]|(?<=[wW]{3})\.")


def _markdown_literal(value: str) -> str:
    """A register value as Markdown that renders as it is: those characters backslash-escaped, as
    CommonMark allows for any ASCII punctuation (a robot that ignores the escapes shows a backslash, and
    still no link)."""
    return _MARKDOWN_ACTIVE.sub(r"\\\g<0>", value)


def _more(count: int) -> str:
    return t("digest.more", count=count)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
