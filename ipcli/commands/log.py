"""`ipcli log`: the journal of every write, and `log revert` of what one command wrote."""

import click

from ipcli.clickext import Choice, Group, IntRange, option
from ipcli.commands import correcting
from ipcli.context import get_app
from ipcli.output import format_option, view_options
from ipcli.views import JOURNAL

RECORD_TYPES = ("mark", "patent", "filing", "pledge", "license", "notice", "calendar", "digest", "sample", "window",
                "setting", "batch", "database")


@click.group("log", cls=Group, invoke_without_command=True, help="help.log")
@option("--type", "record_type", type=Choice(RECORD_TYPES), help="opt.log_type")
@option("--id", "record_id", help="opt.log_id")
@option("--invocation", metavar="KEY", help="opt.log_invocation")
@option("--limit", type=IntRange(1), default=50, show_default=True, help="opt.limit")
@format_option
@view_options
@click.pass_context
def log(ctx, record_type, record_id, invocation, limit, fmt):
    if ctx.invoked_subcommand is None:
        app = get_app()
        app.emit(app.store().journal_entries(record_type, record_id, limit, invocation), fmt, JOURNAL)


correcting.revert_command(log, "JOURNAL_ID", "entry_target", "help.log_revert", "arg.journal_id")
