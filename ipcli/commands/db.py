"""`ipcli db`: backup, check and restore of the register (its RegisterLocation does the copying and
checking)."""

import click

from ipcli import files
from ipcli.clickext import PATH, Group, argument, option
from ipcli.context import get_app, require_register
from ipcli.errors import ExitCode
from ipcli.i18n import t
from ipcli.messages import error_message
from ipcli.output import format_option, stderr_line


@click.group(cls=Group, help="help.db")
def db():
    pass


@db.command("backup", help="help.db_backup")
@argument("path", type=PATH, help="arg.backup_path")
@option("--force", is_flag=True, help="opt.db_force")
@option("--to-sqlite", is_flag=True, help="opt.db_to_sqlite")
@format_option
def backup(path, force, to_sqlite, fmt):
    app = get_app()
    require_register(app.register)
    app.emit(app.register.backup(path, force, to_sqlite), fmt)


@db.command("check", help="help.db_check")
@format_option
@click.pass_context
def check(ctx, fmt):
    app = get_app()
    require_register(app.register)
    record, problems = app.register.check()
    app.emit(record, fmt)
    if record["migrations_pending"]:
        app.warn("db.pending", names=", ".join(record["migrations_pending"]))
    for problem in problems:
        stderr_line(t("err.prefix") + error_message(problem))
    if problems:
        ctx.exit(ExitCode.REJECTED)


@db.command("restore", help="help.db_restore")
@argument("path", type=PATH, help="arg.restore_path")
@option("--from-sqlite", is_flag=True, help="opt.db_from_sqlite")
@format_option
@click.pass_context
def restore(ctx, path, from_sqlite, fmt):
    app = get_app()
    path = files.input_path(path, files.REGISTER_BYTES)  # refused before anything is written
    app.emit(app.register.restore(path, operator=app.operator, command=ctx.command_path, from_sqlite=from_sqlite),
             fmt)
