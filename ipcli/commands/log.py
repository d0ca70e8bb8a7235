"""`ipcli log`: the journal of every write."""

import click

from ipcli.clickext import Choice, Command, IntRange, option
from ipcli.context import get_app
from ipcli.output import format_option, view_options
from ipcli.views import JOURNAL

RECORD_TYPES = ("mark", "patent", "filing", "notice", "calendar", "digest", "sample", "window", "setting", "batch",
                "database")


@click.command("log", cls=Command, help="help.log")
@option("--type", "record_type", type=Choice(RECORD_TYPES), help="opt.log_type")
@option("--id", "record_id", help="opt.log_id")
@option("--limit", type=IntRange(1), default=50, show_default=True, help="opt.limit")
@format_option
@view_options
def log(record_type, record_id, limit, fmt):
    app = get_app()
    app.emit(app.store().journal_entries(record_type, record_id, limit), fmt, JOURNAL)
