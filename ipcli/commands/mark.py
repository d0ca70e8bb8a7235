"""`ipcli mark`: the trademarks of the register."""

import click

from ipcli.clickext import DATE, Choice, Group, argument, option
from ipcli.commands import correcting
from ipcli.context import get_app
from ipcli.errors import NotFound
from ipcli.output import format_option, view_options
from ipcli.register import rights
from ipcli.views import MARKS


# --clear NAME of `mark edit`: the field it empties (a term cleared starts at registration).
CLEARABLE = {"name": "name", "owner": "owner", "owner-id": "owner_id", "term-start": "term_starts_on",
             "window": "window"}


@click.group(cls=Group, help="help.mark")
def mark():
    pass


@mark.command("add", help="help.mark_add")
@argument("reg_no", help="arg.reg_no")
@option("--registered", type=DATE, required=True, help="opt.mark_registered")
@option("--classes", required=True, help="opt.classes_list")
@option("--name", help="opt.mark_name")
@option("--owner", help="opt.owner")
@option("--owner-id", help="opt.owner_id")
@option("--kind", type=Choice(rights.MARK_KINDS), default="ordinary", show_default=True, help="opt.mark_kind")
@option("--term-start", type=DATE, help="opt.term_start")
@option("--window", help="opt.window")
@format_option
def add(reg_no, registered, classes, name, owner, owner_id, kind, term_start, window, fmt):
    app = get_app()
    store = app.store()
    row = rights.add_mark(store, app.key_dates(), app.check_calendar, reg_no=reg_no, classes=classes,
                          registered_on=registered, term_starts_on=term_start, name=name, owner=owner,
                          owner_id=owner_id, kind=kind, window=window)
    app.emit(rights.mark_view(app.key_dates(), store.get_mark(row["reg_no"]), app.today), fmt)


@mark.command("edit", help="help.mark_edit")
@argument("reg_no", help="arg.reg_no")
@option("--registered", type=DATE, help="opt.mark_registered")
@option("--classes", help="opt.classes_list")
@option("--name", help="opt.mark_name")
@option("--owner", help="opt.owner")
@option("--owner-id", help="opt.owner_id")
@option("--kind", type=Choice(rights.MARK_KINDS), help="opt.mark_kind")
@option("--term-start", type=DATE, help="opt.term_start")
@option("--window", help="opt.window")
@option("--clear", type=Choice(tuple(CLEARABLE)), multiple=True, help="opt.clear_field")
@format_option
def edit(reg_no, registered, classes, name, owner, owner_id, kind, term_start, window, clear, fmt):
    app = get_app()
    given = dict(registered_on=registered, classes=classes, name=name, owner=owner, owner_id=owner_id, kind=kind,
                 term_starts_on=term_start, window=window)
    changes = correcting.changes_of(given, {CLEARABLE[field]: None for field in clear})
    row = correcting.edit_right(app, "mark", reg_no, changes)
    app.emit(rights.mark_view(app.key_dates(), app.store().get_mark(row["reg_no"]), app.today), fmt)


correcting.remove_command(mark, "mark", lambda app, row: rights.mark_view(app.key_dates(), row, app.today))


@mark.command("show", help="help.mark_show")
@argument("reg_no", help="arg.reg_no")
@format_option
@view_options
def show(reg_no, fmt):
    app = get_app()
    row = app.store().get_mark(reg_no.strip())
    if row is None:
        raise NotFound("mark.not_found", rule="RIGHT-UNKNOWN", value=reg_no)
    app.emit(rights.mark_view(app.key_dates(), row, app.today), fmt)


@mark.command("list", help="help.mark_list")
@option("--owner", help="opt.filter_owner")
@option("--window", help="opt.filter_window")
@format_option
@view_options
def list_(owner, window, fmt):
    app = get_app()
    rows = app.store().list_marks(owner=owner, window=window)
    app.emit([rights.mark_view(app.key_dates(), row, app.today) for row in rows], fmt, MARKS)


from ipcli.commands.importing import import_marks  # noqa: E402
mark.add_command(import_marks, "import")
from ipcli.commands.template import mark_template  # noqa: E402
mark.add_command(mark_template, "template")
