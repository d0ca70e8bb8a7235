"""`ipcli annuity`: patent annual fees paid."""

import click

from ipcli.clickext import DATE, TODAY, Group, IntRange, argument, option
from ipcli.commands.filing import show_filing
from ipcli.context import get_app
from ipcli.output import format_option
from ipcli.register import filings


@click.group(cls=Group, help="help.annuity")
def annuity():
    pass


@annuity.command("pay", help="help.annuity_pay")
@argument("app_no", help="arg.app_no")
@option("--year", type=IntRange(1, 20), required=True, help="opt.year")
@option("--paid", type=DATE, default=TODAY, help="opt.paid_on")
@format_option
def pay(app_no, year, paid, fmt):
    app = get_app()
    show_filing(app, filings.pay_annuity(app.desk(), app_no, year, paid), fmt)
