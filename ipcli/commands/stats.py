"""`ipcli stats` and `ipcli report`: filings received per window, type, month or owner, the report
sentence sent upward, and the periodic report as one self-contained HTML file."""

import sys
from datetime import date

import click

from ipcli import files
from ipcli.clickext import DATE, PATH, Choice, Command, option
from ipcli.context import get_app
from ipcli.i18n import t
from ipcli.literal import visible
from ipcli.output import format_option, view_options
from ipcli.register import stats as register
from ipcli.register.filings import STATUSES
from ipcli.views import STATS

BAR_WIDTH = 40
TYPE_COLOURS = {"renewal": "green", "transfer": "cyan", "license": "magenta", "pledge": "yellow",
                "annuity": "blue"}


def _period(start: date | None, end: date | None, since: date | None, today: date) -> tuple[date, date]:
    """--to defaults to today and --from to the first of January of --to's year."""
    end = end or today
    start = start or date(end.year, 1, 1)
    if start > end:
        raise click.UsageError(t("stats.period_reversed", start=start, end=end))
    if since is not None and not start <= since <= end:
        raise click.UsageError(t("stats.since_outside", value=since, start=start, end=end))
    return start, end


window_option = option("--window", metavar="CODE", help="opt.stats_window")
since_option = option("--since", type=DATE, help="opt.stats_since")
status_option = option("--status", "statuses", type=Choice(STATUSES), multiple=True, help="opt.stats_status")


@click.command("stats", cls=Command, help="help.stats")
@option("--from", "start", type=DATE, help="opt.stats_from")
@option("--to", "end", type=DATE, help="opt.stats_to")
@option("--by", type=Choice(register.BY), default="window", show_default=True, help="opt.stats_by")
@window_option
@option("--rollup", is_flag=True, help="opt.stats_rollup")
@since_option
@status_option
@option("--summary", is_flag=True, help="opt.stats_summary")
@format_option
@view_options
def stats(start, end, by, window, rollup, since, statuses, summary, fmt):
    app = get_app()
    start, end = _period(start, end, since, app.today)
    if rollup and by != "window":
        raise click.UsageError(t("stats.rollup_needs_window"))
    query = register.Query(start, end, by, window, rollup, since, tuple(statuses))
    result = register.collect(app.store(), query)
    if summary:
        _print_summary(app, register.summary(result), fmt)
        return
    rows = register.rows(result)
    app.emit(rows, fmt, STATS, start=start, end=end)
    drawn_with_rich = (app.output_format(fmt) == "table" and app.out_file is None
                       and (app.color == "always" or sys.stdout.isatty()))
    if rows and drawn_with_rich:
        draw_bars(rows, by, app.color)


def _print_summary(app, record: dict, fmt) -> None:
    """The sentence alone as text (also for --format table); the figures with it in the data formats."""
    if (fmt or app.format_of_out()) in (None, "table"):
        app.write(visible(record["text"]) + "\n")
    else:
        app.emit(record, fmt)


def _group_label(row: dict, by: str) -> str:
    if by == "window":
        code = row["window"]
        return t("stats.no_window") if code is None else " ".join(filter(None, (code, row["window_name"])))
    if by == "type":
        return t("stats.all_groups")
    return row[by] if row[by] is not None else t("stats.no_value")


def draw_bars(rows: list[dict], by: str, color: str) -> None:
    """On a terminal: a bar chart per group, one bar per filing type, on one scale."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.text import Text

    console = Console(no_color=color == "never", force_terminal=color == "always" or None, file=sys.stdout)
    scale = BAR_WIDTH / max(row["filings"] for row in rows)
    width = max(cell_len(t(f"value.{row['type']}")) for row in rows)
    label = None
    for row in rows:
        if _group_label(row, by) != label:
            label = _group_label(row, by)
            console.print(Text("\n" + visible(label), style="bold"))
        bar = "█" * max(1, round(row["filings"] * scale))
        name = t(f"value.{row['type']}")
        line = Text(f"  {name}{' ' * (width - cell_len(name))} ")
        line.append(bar, style=TYPE_COLOURS.get(row["type"], "white"))
        line.append(f" {row['filings']}")
        console.print(line)


@click.command("report", cls=Command, help="help.report")
@option("--from", "start", type=DATE, required=True, help="opt.report_from")
@option("--to", "end", type=DATE, required=True, help="opt.report_to")
@option("--out", type=PATH, metavar="FILE.html", required=True, help="opt.report_out")
@window_option
@since_option
@status_option
@format_option(out=False)
def report(start, end, out, window, since, statuses, fmt):
    """The report goes where --out says, decided before it is drawn: a regular file (a symbolic link is
    followed to it) is replaced whole by a private file (0600) renamed over it; a character device or FIFO
    (/dev/stdout, /dev/null, a pipe someone reads) is written into, as a shell redirection would; a block
    device, socket, directory, a link to nothing, or the register and its side files are refused (exit 2)."""
    from ipcli.register.report import render_report

    app = get_app()
    start, end = _period(start, end, since, app.today)
    destination = files.output_path(out, app.register, devices=True)
    query = register.Query(start, end, "window", window, True, since, tuple(statuses))
    html, summary = render_report(app.store(), query, app.today)
    files.write_text(destination, html)
    app.emit({"file": out, "from": start, "to": end, "window": window, "filings": summary["filings"]}, fmt)
