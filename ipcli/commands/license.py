"""`ipcli license`: licence recordals (许可备案)."""

import click

from ipcli.clickext import DATE, Amount, Choice, Group, argument, option
from ipcli.commands.filing import filed_option, paper_option, show_filing, window_option
from ipcli.context import get_app
from ipcli.output import format_option
from ipcli.register import filings

LICENSE_KINDS = ("exclusive", "sole", "ordinary")


@click.group(cls=Group, help="help.license")
def license():
    pass


@license.command("add", help="help.license_add")
@argument("right_no", help="arg.right_no")
@option("--licensee", required=True, help="opt.licensee")
@option("--from", "starts", type=DATE, required=True, help="opt.license_from")
@option("--to", "ends", type=DATE, required=True, help="opt.license_to")
@filed_option
@option("--kind", type=Choice(LICENSE_KINDS), default="ordinary", show_default=True, help="opt.license_kind")
@option("--amount", type=Amount(0), help="opt.license_amount")
@option("--pledgee-consent", is_flag=True, help="opt.pledgee_consent")
@paper_option
@window_option
@format_option
def add(right_no, licensee, starts, ends, filed, kind, amount, pledgee_consent, paper, window, fmt):
    app = get_app()
    filing_id = filings.add_license(app.desk(window), right_no, licensee=licensee, starts=starts, ends=ends,
                                    filed=filed, kind=kind, amount=amount, consent=pledgee_consent, paper=paper)
    show_filing(app, filing_id, fmt)
