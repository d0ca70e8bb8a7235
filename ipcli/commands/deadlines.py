"""`ipcli deadlines` and `ipcli expiries`: what falls due, what has slipped, what ends."""

import click

from ipcli.clickext import DATE, Choice, Command, IntRange, option
from ipcli.context import get_app
from ipcli.db.deadlines import DEADLINE_KINDS
from ipcli.errors import ExitCode
from ipcli.output import format_option, view_options
from ipcli.register import deadlines as register
from ipcli.views import EXPIRIES, deadlines_view

days_option = option("--days", type=IntRange(0, 3660), default=30, show_default=True, help="opt.days_ahead")
owner_option = option("--owner", "owners", multiple=True, help="opt.filter_owners")
window_option = option("--window", help="opt.filter_window")


@click.command("deadlines", cls=Command, help="help.deadlines")
@days_option
@option("--kind", "kinds", type=Choice(DEADLINE_KINDS), multiple=True, help="opt.deadline_kind")
@owner_option
@window_option
@option("--overdue", is_flag=True, help="opt.overdue")
@option("--since", type=DATE, help="opt.overdue_since")
@option("--check", is_flag=True, help="opt.check")
@option("--explain", is_flag=True, help="opt.explain_deadlines")
@format_option(extra=("ics",))
@view_options
@click.pass_context
def deadlines(ctx, days, kinds, owners, window, overdue, since, check, explain, fmt):
    app = get_app()
    store = app.store()
    since = since or register.default_overdue_since(app.today)
    query = dict(days=days, kinds=kinds or DEADLINE_KINDS, owners=owners, window=window)
    rows = register.deadlines(store, app.today, overdue_since=since if overdue else None, **query)
    if app.output_format(fmt, extra=("ics",)) == "ics":
        from ipcli.ics import render_ics

        app.write(render_ics(rows, app.today))
    else:
        app.emit(rows, fmt, deadlines_view(explain, overdue), days=days, since=since)
    if check and (rows or _has_overdue(store, app.today, since, query)):
        ctx.exit(ExitCode.CHECK_FOUND)


def _has_overdue(store, today, since, query) -> bool:
    """--check counts deadlines passed unmet even when --overdue does not list them."""
    return bool(register.deadlines(store, today, overdue_since=since, **query))


@click.command("expiries", cls=Command, help="help.expiries")
@days_option
@owner_option
@window_option
@format_option
@view_options
def expiries(days, owners, window, fmt):
    app = get_app()
    app.emit(register.expiries(app.store(), app.today, days=days, owners=owners, window=window), fmt, EXPIRIES,
             days=days)
