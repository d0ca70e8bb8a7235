"""`ipcli filing`: every filing received, whatever its type, and its lifecycle."""

import click

from ipcli.clickext import DATE, TODAY, Choice, Group, IntRange, argument, option
from ipcli.commands import correcting
from ipcli.context import get_app
from ipcli.i18n import t
from ipcli.db.filings import FILING_TYPES
from ipcli.output import format_option, view_options
from ipcli.register import lifecycle
from ipcli.register.filings import STATUSES
from ipcli.views import FILINGS

filed_option = option("--filed", type=DATE, default=TODAY, help="opt.filing_filed")
window_option = option("--window", envvar="IPCLI_WINDOW", help="opt.receiving_window")
paper_option = option("--paper", is_flag=True, help="opt.paper")


def show_filing(app, filing_id: int, fmt) -> None:
    """Print one filing, as every add command does with the filing it made."""
    app.emit(lifecycle.filing_view(lifecycle.get_filing(app.desk(), filing_id)), fmt)


@click.group(cls=Group, help="help.filing")
def filing():
    pass


@filing.command("list", help="help.filing_list")
@option("--type", "filing_type", type=Choice(FILING_TYPES), help="opt.filing_type")
@option("--status", type=Choice(STATUSES), help="opt.filing_status")
@format_option
@view_options
def list_(filing_type, status, fmt):
    from ipcli.db import filings as db

    app = get_app()
    app.emit([lifecycle.filing_view(f) for f in db.list_filings(app.store(), filing_type, status)], fmt,
             FILINGS)


@filing.command("show", help="help.filing_show")
@argument("filing_id", metavar="ID", type=IntRange(1), help="arg.filing_id")
@format_option
@view_options
def show(filing_id, fmt):
    show_filing(get_app(), filing_id, fmt)


@filing.command("set-status", help="help.filing_set_status")
@argument("filing_id", metavar="ID", type=IntRange(1), help="arg.filing_id")
@argument("status", metavar="STATUS", type=Choice(STATUSES[1:]), help="arg.filing_status")
@option("--on", type=DATE, default=TODAY, help="opt.status_on")
@option("--reason", help="opt.reason")
@option("--skip", is_flag=True, help="opt.skip_steps")
@format_option
def set_status(filing_id, status, on, reason, skip, fmt):
    app = get_app()

    def skipping(filing_id, steps):
        app.note("filing.steps_skipped", id=filing_id, steps=", ".join(t(f"value.{step}") for step in steps))

    updated = lifecycle.set_status(app.desk(), filing_id, status, on, reason,
                                   skipping=skipping if skip else None)
    app.emit(lifecycle.filing_view(updated), fmt)


correcting.revert_command(filing, "ID", "filing_target", "help.filing_revert", "arg.filing_id")
