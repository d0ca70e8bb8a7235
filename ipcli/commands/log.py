"""`ipcli log`: the journal of every write, and `log revert` of what one command wrote."""

import click

from ipcli.clickext import Choice, Group, IntRange, argument, option
from ipcli.commands import correcting
from ipcli.context import get_app
from ipcli.output import format_option

RECORD_TYPES = ("mark", "patent", "filing", "pledge", "license", "notice", "calendar", "digest", "sample", "window",
                "setting", "batch", "database")


@click.group("log", cls=Group, invoke_without_command=True, help="help.log")
@option("--type", "record_type", type=Choice(RECORD_TYPES), help="opt.log_type")
@option("--id", "record_id", help="opt.log_id")
@option("--limit", type=IntRange(1), default=50, show_default=True, help="opt.limit")
@format_option
@click.pass_context
def log(ctx, record_type, record_id, limit, fmt):
    if ctx.invoked_subcommand is None:
        app = get_app()
        app.emit(app.store().journal_entries(record_type, record_id, limit), fmt)


@log.command("revert", help="help.log_revert")
@argument("journal_id", metavar="JOURNAL_ID", type=IntRange(1))
@correcting.yes_option
@format_option
def revert(journal_id, yes, fmt):
    from ipcli.register.reverting import entry_target

    app = get_app()
    correcting.revert(app, entry_target(app.store(), journal_id), yes, fmt)
