"""`ipcli sample`: the bundled sample portfolio, to try ipcli on."""

import click

from ipcli.clickext import Group
from ipcli.context import get_app
from ipcli.output import format_option


@click.group(cls=Group, help="help.sample")
def sample():
    pass


@sample.command("load", help="help.sample_load")
@format_option
def load(fmt):
    from ipcli.register.sample import load_sample

    app = get_app()
    app.emit(load_sample(app.desk(silent=True)), fmt)
