"""`ipcli init`: create an empty register explicitly, before anything is written to it."""

import click

from ipcli.clickext import Command
from ipcli.context import get_app
from ipcli.output import format_option


@click.command("init", cls=Command, help="help.init")
@format_option
def init(fmt):
    app = get_app()
    created = not app.register.exists()
    app.store()  # creates it (mode 0600), or checks that what is there is a register, brought to this schema
    if not created:
        app.note("register.exists", path=str(app.register))
    app.emit({"path": str(app.register), "created": created}, fmt)
