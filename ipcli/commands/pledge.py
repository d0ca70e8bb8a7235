"""`ipcli pledge`: pledge registrations (质权登记), extensions, changes and releases."""

import click

from ipcli.clickext import DATE, TODAY, Amount, Group, IntRange, argument, option
from ipcli.commands.filing import filed_option, show_filing, window_option
from ipcli.context import get_app
from ipcli.output import format_option, view_options
from ipcli.register import filings
from ipcli.views import PLEDGES

amount_type = Amount(0, open_low=True)


@click.group(cls=Group, help="help.pledge")
def pledge():
    pass


@pledge.command("add", help="help.pledge_add")
@argument("right_nos", metavar="RIGHT_NO...", nargs=-1, required=True, help="arg.right_nos")
@option("--pledgee", required=True, help="opt.pledgee")
@option("--amount", type=amount_type, required=True, help="opt.secured_amount")
@option("--from", "starts", type=DATE, required=True, help="opt.pledge_from")
@option("--to", "ends", type=DATE, required=True, help="opt.pledge_to")
@filed_option
@option("--debtor", help="opt.debtor")
@window_option
@format_option
def add(right_nos, pledgee, amount, starts, ends, filed, debtor, window, fmt):
    app = get_app()
    filing_id = filings.add_pledge(app.desk(window), right_nos, pledgee=pledgee, amount=amount, starts=starts,
                                   ends=ends, filed=filed, debtor=debtor)
    show_filing(app, filing_id, fmt)


pledge_id_argument = argument("pledge_id", metavar="ID", type=IntRange(1), help="arg.pledge_id")


@pledge.command("extend", help="help.pledge_extend")
@pledge_id_argument
@option("--to", type=DATE, required=True, help="opt.pledge_new_to")
@filed_option
@window_option
@format_option
def extend(pledge_id, to, filed, window, fmt):
    app = get_app()
    show_filing(app, filings.extend_pledge(app.desk(window), pledge_id, to=to, filed=filed), fmt)


@pledge.command("change", help="help.pledge_change")
@pledge_id_argument
@option("--pledgee", help="opt.pledgee")
@option("--amount", type=amount_type, help="opt.secured_amount")
@option("--debtor", help="opt.debtor")
@filed_option
@window_option
@format_option
def change(pledge_id, pledgee, amount, debtor, filed, window, fmt):
    app = get_app()
    filing_id = filings.change_pledge(app.desk(window), pledge_id, filed=filed, pledgee=pledgee, amount=amount,
                                      debtor=debtor)
    show_filing(app, filing_id, fmt)


@pledge.command("release", help="help.pledge_release")
@pledge_id_argument
@option("--on", type=DATE, default=TODAY, help="opt.release_on")
@window_option
@format_option
def release(pledge_id, on, window, fmt):
    app = get_app()
    show_filing(app, filings.release_pledge(app.desk(window), pledge_id, on=on), fmt)


@pledge.command("list", help="help.pledge_list")
@format_option
@view_options
def list_(fmt):
    from ipcli.db import filings as db

    app = get_app()
    app.emit([{**p, "rights": [r["right_no"] for r in p["rights"]]} for p in db.list_pledges(app.store())], fmt,
             PLEDGES)
