"""`ipcli notice`: office notices and other time limits, with their response deadlines."""

import click

from ipcli.clickext import DATE, TODAY, Choice, Group, IntRange, argument, event_or_notice, option
from ipcli.context import get_app
from ipcli.output import format_option, view_options
from ipcli.register import notices
from ipcli.rules.notices import NOTICE_KINDS
from ipcli.rules.periods import SERVICE_MODES
from ipcli.views import NOTICES, OPEN_NOTICES


@click.group(cls=Group, help="help.notice")
def notice():
    pass


@notice.command("add", help="help.notice_add")
@argument("right_no", help="arg.right_no")
@option("--kind", type=Choice(tuple(NOTICE_KINDS)), required=True, help="opt.notice_kind")
@option("--dispatched", type=DATE, help="opt.dispatched")
@option("--served", type=Choice(SERVICE_MODES), help="opt.served")
@option("--from", "start", type=DATE, help="opt.notice_from")
@format_option
@click.pass_context
def add(ctx, right_no, kind, dispatched, served, start, fmt):
    event_or_notice(ctx, start, dispatched, served)
    app = get_app()
    app.emit(notices.add_notice(app.desk(), right_no, kind, start=start, dispatched=dispatched, served=served), fmt)


@notice.command("list", help="help.notice_list")
@option("--all", "show_all", is_flag=True, help="opt.notice_all")
@format_option
@view_options
def list_(show_all, fmt):
    app = get_app()
    app.emit(notices.list_notices(app.desk(), None if show_all else "open"), fmt, NOTICES if show_all else OPEN_NOTICES)


@notice.command("done", help="help.notice_done")
@argument("notice_id", metavar="ID", type=IntRange(1), help="arg.notice_id")
@option("--on", type=DATE, default=TODAY, help="opt.status_on")
@format_option
def done(notice_id, on, fmt):
    app = get_app()
    app.emit(notices.close_notice(app.desk(), notice_id, on), fmt)
