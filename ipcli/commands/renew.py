"""`ipcli renew`: trademark renewals (续展) received at the counter."""

import click

from ipcli.clickext import Group, argument
from ipcli.commands.filing import filed_option, paper_option, show_filing, window_option
from ipcli.context import get_app
from ipcli.output import format_option
from ipcli.register import filings


@click.group(cls=Group, help="help.renew")
def renew():
    pass


@renew.command("add", help="help.renew_add")
@argument("reg_no", help="arg.reg_no")
@filed_option
@paper_option
@window_option
@format_option
def add(reg_no, filed, paper, window, fmt):
    app = get_app()
    show_filing(app, filings.add_renewal(app.desk(window), reg_no, filed, paper), fmt)
