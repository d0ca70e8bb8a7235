"""The periodic report: one self-contained HTML file (no network resources) with the report sentence,
the figures by type, window and month as tables and inline SVG bar charts, and print styles (`ipcli report`
writes it through ipcli.files, whole or not at all)."""

from dataclasses import replace
from datetime import date

from ipcli import __version__
from ipcli.db.filings import FILING_TYPES
from ipcli.i18n import get_language, t
from ipcli.literal import html_text
from ipcli.output import label
from ipcli.register import stats as register

CHART_WIDTH, LABEL_WIDTH, ROW_HEIGHT, BAR_AREA = 720, 210, 24, 430
TYPE_COLOURS = {"renewal": "#2e7d32", "transfer": "#00838f", "license": "#8e24aa", "pledge": "#ef6c00",
                "pledge_extension": "#f9a825", "pledge_change": "#fbc02d", "pledge_release": "#a1887f",
                "annuity": "#1565c0"}
BAR_COLOUR = "#3f6ea8"
LABEL_CHARS = 24

STYLE = """
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue",
       Arial, sans-serif; color: #1d232b; margin: 2rem auto; max-width: 60rem; padding: 0 1.5rem; line-height: 1.5; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.15rem; border-bottom: 2px solid #3f6ea8; padding-bottom: .2rem; margin-top: 2rem; }
.meta { color: #5a6470; margin: 0; }
.summary { font-size: 1.05rem; background: #f3f6fa; border-left: 4px solid #3f6ea8; padding: .8rem 1rem; }
.figures { display: flex; flex-wrap: wrap; gap: .6rem; margin: 1rem 0; }
.figure { border: 1px solid #d5dbe3; border-radius: 6px; padding: .5rem .8rem; min-width: 9rem; }
.figure b { display: block; font-size: 1.35rem; }
.figure span { color: #5a6470; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { border-bottom: 1px solid #d5dbe3; padding: .3rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #e8edf4; }
tr.total td { font-weight: bold; border-top: 2px solid #1d232b; }
td.level-1 { padding-left: 1.5rem; } td.level-2 { padding-left: 2.7rem; }
svg { display: block; margin: .5rem 0; max-width: 100%; height: auto; }
svg text { font-size: 12px; fill: #1d232b; }
footer { color: #5a6470; font-size: .8rem; margin-top: 2.5rem; border-top: 1px solid #d5dbe3; padding-top: .5rem; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { break-inside: avoid-page; }
  tr, svg, .figure { break-inside: avoid; }
  thead { display: table-header-group; }
}
"""


def build(store, query: register.Query) -> tuple[register.Stats, dict]:
    """The figures of the report: one GROUP BY by month serves the window, type and month tables."""
    stats = register.collect(store, replace(query, by="month", rollup=True))
    return stats, register.summary(stats)


def render_report(store, query: register.Query, today: date) -> tuple[str, dict]:
    """The HTML text of the report, and its summary figures."""
    stats, summary = build(store, query)
    body = "\n".join([_header(query, summary, today), _summary(summary), _by_type(stats), _by_window(stats),
                      _by_month(stats), _footer(today)])
    lang = "zh-CN" if get_language() == "zh" else "en"
    html = (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html_text(_title(query, summary))}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")
    return html, summary


# sections

def _title(query: register.Query, summary: dict) -> str:
    scope = summary["window_name"] or query.window or t("stats.scope_all")
    return t("report.title", scope=scope, period=register.period_text(query.start, query.end))


def _header(query: register.Query, summary: dict, today: date) -> str:
    meta = t("report.meta", start=query.start, end=query.end, today=today)
    return f'<header><h1>{html_text(_title(query, summary))}</h1><p class="meta">{html_text(meta)}</p></header>'


def _summary(summary: dict) -> str:
    cards = [(summary["filings"], t("report.figure_filings")),
             (summary["marks"], t("report.figure_marks")), (summary["patents"], t("report.figure_patents")),
             (register.money_text(summary["pledge_amount"]),
              t("report.figure_pledges", count=summary["pledges_registered"])),
             (register.money_text(summary["license_amount"]),
              t("report.figure_licenses", count=summary["licenses_registered"])),
             (summary["renewals_registered"], t("report.figure_renewals"))]
    figures = "".join(f'<div class="figure"><b>{html_text(_number(value))}</b><span>{html_text(text)}</span></div>'
                      for value, text in cards)
    return (f'<section id="summary"><h2>{html_text(t("report.summary"))}</h2>'
            f'<p class="summary">{html_text(summary["text"])}</p><div class="figures">{figures}</div></section>')


def _by_type(stats: register.Stats) -> str:
    rows = register.rows(stats, by="type")
    columns = ("filings", "accepted", "marks", "patents", "amount", "in_window", "in_grace")
    head = "".join(f"<th>{html_text(label(c))}</th>" for c in ("type", *columns))
    body = "".join("<tr>" + _cell(t(f"value.{row['type']}"))
                   + "".join(_cell(_number(row[c])) for c in columns) + "</tr>" for row in rows)
    total = stats.tally()
    body += ('<tr class="total">' + _cell(label("total"))
             + "".join(_cell(_number(v)) for v in (total.filings, total.accepted, total.marks, total.patents))
             + _cell("") * 3
             + "</tr>")
    chart = bar_chart([(t(f"value.{row['type']}"), row["filings"], TYPE_COLOURS.get(row["type"])) for row in rows],
                      t("report.by_type"))
    return _section("by-type", t("report.by_type"), chart + _table(head, body))


def _by_window(stats: register.Stats) -> str:
    rows = register.rows(stats, by="window", rollup=True)
    pivot = _pivot(rows, lambda row: row["window"])
    types = _types(rows)
    head = "".join(f"<th>{html_text(text)}</th>" for text in
                   [label("window"), *(t(f"value.{kind}") for kind in types), label("total")])
    body = ""
    top = len(stats.tree.ancestors(stats.query.window))
    for code, counts in pivot.items():
        depth = len(stats.tree.ancestors(code)) - top if code in stats.tree.rows else 0
        body += (f'<tr><td class="level-{min(depth, 2)}">{html_text(_window_label(stats, code))}</td>'
                 + "".join(_cell(_number(counts.get(kind, 0))) for kind in types)
                 + _cell(_number(sum(counts.values()))) + "</tr>")
    own = register.rows(stats, by="window", rollup=False)
    chart = bar_chart([(_window_label(stats, code), sum(counts.values()), None)
                       for code, counts in _pivot(own, lambda row: row["window"]).items()], t("report.chart_window"))
    note = f'<p class="meta">{html_text(t("report.window_note"))}</p>'
    caption = f'<p class="meta">{html_text(t("report.chart_window"))}</p>'
    return _section("by-window", t("report.by_window"), note + _table(head, body) + caption + chart)


def _by_month(stats: register.Stats) -> str:
    rows = register.rows(stats, by="month")
    pivot, types = _pivot(rows, lambda row: row["month"]), _types(rows)
    head = "".join(f"<th>{html_text(text)}</th>" for text in
                   [label("month"), *(t(f"value.{kind}") for kind in types), label("total")])
    body = "".join("<tr>" + _cell(month) + "".join(_cell(_number(counts.get(kind, 0))) for kind in types)
                   + _cell(_number(sum(counts.values()))) + "</tr>" for month, counts in pivot.items())
    chart = bar_chart([(month, sum(counts.values()), None) for month, counts in pivot.items()],
                      t("report.by_month"))
    return _section("by-month", t("report.by_month"), chart + _table(head, body))


def _footer(today: date) -> str:
    return f"<footer>{html_text(t('report.footer', version=__version__, today=today))}</footer>"


# pieces

def _section(anchor: str, title: str, content: str) -> str:
    if "<tr>" not in content:
        content = f'<p class="meta">{html_text(t("report.no_filings"))}</p>'
    return f'<section id="{anchor}"><h2>{html_text(title)}</h2>{content}</section>'


def _table(head: str, body: str) -> str:
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>" if body else ""


def _cell(text) -> str:
    return f"<td>{html_text(str(text))}</td>"


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return register.decimal_text(value, grouped=True)


def _pivot(rows: list[dict], key_of) -> dict:
    pivot: dict = {}
    for row in rows:
        pivot.setdefault(key_of(row), {})[row["type"]] = row["filings"]
    return pivot


def _types(rows: list[dict]) -> list[str]:
    present = {row["type"] for row in rows}
    return [kind for kind in FILING_TYPES if kind in present]


def _window_label(stats: register.Stats, code) -> str:
    if code is None:
        return t("stats.no_window")
    name = stats.tree.name(code)
    return f"{name} ({code})" if name else code


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"


def bar_chart(items: list[tuple], title: str) -> str:
    """A horizontal bar chart as inline SVG: (label, value, colour or None) per bar."""
    if not items:
        return ""
    top = max(value for _, value, _ in items) or 1
    height = ROW_HEIGHT * len(items) + 8
    bars = []
    for index, (text, value, colour) in enumerate(items):
        y = 4 + index * ROW_HEIGHT
        width = max(1.0, BAR_AREA * value / top) if value else 0
        bars.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{html_text(_short(text))}</text>'
                    f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{ROW_HEIGHT - 6}" '
                    f'fill="{colour or BAR_COLOUR}"/>'
                    f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 16}">{html_text(_number(value))}</text>')
    return (f'<svg role="img" width="{CHART_WIDTH}" height="{height}" '
            f'viewBox="0 0 {CHART_WIDTH} {height}"><title>{html_text(title)}</title>{"".join(bars)}</svg>')
