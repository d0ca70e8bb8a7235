"""`ipcli transfer`: transfers of marks and patents (转让, 移转)."""

import click

from ipcli.clickext import Choice, Group, argument, option
from ipcli.commands.filing import filed_option, paper_option, show_filing, window_option
from ipcli.context import get_app
from ipcli.output import format_option
from ipcli.register import filings


@click.group(cls=Group, help="help.transfer")
def transfer():
    pass


@transfer.command("add", help="help.transfer_add")
@argument("right_nos", metavar="RIGHT_NO...", nargs=-1, required=True, help="arg.right_nos")
@option("--to", required=True, help="opt.assignee")
@option("--to-id", help="opt.assignee_id")
@option("--to-address", help="opt.assignee_address")
@option("--from-address", help="opt.assignor_address")
@filed_option
@option("--kind", type=Choice(("assignment", "transmission")), default="assignment", show_default=True,
        help="opt.transfer_kind")
@option("--pledgee-consent", is_flag=True, help="opt.pledgee_consent")
@paper_option
@window_option
@format_option
def add(right_nos, to, to_id, to_address, from_address, filed, kind, pledgee_consent, paper, window, fmt):
    app = get_app()
    filing_id = filings.add_transfer(app.desk(window), right_nos, to=to, to_id=to_id, to_address=to_address,
                                     from_address=from_address, filed=filed, kind=kind, consent=pledgee_consent,
                                     paper=paper)
    show_filing(app, filing_id, fmt)
