"""`ipcli patent`: the patents of the register."""

import click

from ipcli.clickext import DATE, Choice, Group, IntRange, argument, option
from ipcli.commands import correcting
from ipcli.context import get_app
from ipcli.errors import NotFound
from ipcli.output import format_option, view_options
from ipcli.register import rights
from ipcli.rules import identifiers, patent as patent_rules
from ipcli.rules.fees import REDUCTION_SPELLINGS
from ipcli.views import PATENTS


# --clear NAME of `patent edit`: the stored values that empty it.
CLEARABLE = {"granted": {"granted_on": None}, "title": {"title": None}, "owner": {"owner": None},
             "owner-id": {"owner_id": None}, "open-license": {"open_license": 0, "open_license_from": None},
             "window": {"window": None}}


@click.group(cls=Group, help="help.patent")
def patent():
    pass


@patent.command("add", help="help.patent_add")
@argument("app_no", help="arg.app_no")
@option("--type", "patent_type", type=Choice(patent_rules.PATENT_TYPES), help="opt.patent_type_from_number")
@option("--filed", type=DATE, required=True, help="opt.filed_patent")
@option("--granted", type=DATE, help="opt.granted_on")
@option("--paid-through", type=IntRange(0, 20), default=0, show_default=True, help="opt.paid_through")
@option("--title", help="opt.title")
@option("--owner", help="opt.owner")
@option("--owner-id", help="opt.owner_id")
@option("--reduction", type=Choice(REDUCTION_SPELLINGS), default="none", show_default=True, help="opt.reduction")
@option("--open-license", "open_license_from", type=DATE, help="opt.open_license")
@option("--window", help="opt.window")
@format_option
def add(app_no, patent_type, filed, granted, paid_through, title, owner, owner_id, reduction, open_license_from,
        window, fmt):
    app = get_app()
    store = app.store()
    row = rights.add_patent(store, app.key_dates(), app.check_calendar, app_no=app_no, patent_type=patent_type,
                            filed_on=filed, granted_on=granted, paid_through=paid_through, title=title,
                            owner=owner, owner_id=owner_id, reduction=reduction,
                            open_license_from=open_license_from, window=window)
    app.emit(rights.patent_view(store.get_patent(row["app_no"]), app.today), fmt)


@patent.command("edit", help="help.patent_edit")
@argument("app_no", help="arg.app_no")
@option("--type", "patent_type", type=Choice(patent_rules.PATENT_TYPES), help="opt.patent_type_from_number")
@option("--filed", type=DATE, help="opt.filed_patent")
@option("--granted", type=DATE, help="opt.granted_on")
@option("--paid-through", type=IntRange(0, 20), help="opt.paid_through")
@option("--title", help="opt.title")
@option("--owner", help="opt.owner")
@option("--owner-id", help="opt.owner_id")
@option("--reduction", type=Choice(REDUCTION_SPELLINGS), help="opt.reduction")
@option("--open-license", "open_license_from", type=DATE, help="opt.open_license")
@option("--window", help="opt.window")
@option("--clear", type=Choice(tuple(CLEARABLE)), multiple=True, help="opt.clear_field")
@format_option
def edit(app_no, patent_type, filed, granted, paid_through, title, owner, owner_id, reduction, open_license_from,
         window, clear, fmt):
    app = get_app()
    given = dict(type=patent_type, filed_on=filed, granted_on=granted, paid_through=paid_through, title=title,
                 owner=owner, owner_id=owner_id, reduction=reduction, open_license_from=open_license_from,
                 window=window)
    if open_license_from is not None:
        given["open_license"] = 1
    cleared = {column: value for name in clear for column, value in CLEARABLE[name].items()}
    changes = correcting.changes_of(given, cleared)
    row = correcting.edit_right(app, "patent", app_no, changes)
    app.emit(rights.patent_view(app.store().get_patent(row["app_no"]), app.today), fmt)


correcting.remove_command(patent, "patent", lambda app, row: rights.patent_view(row, app.today))


@patent.command("show", help="help.patent_show")
@argument("app_no", help="arg.app_no")
@format_option
@view_options
def show(app_no, fmt):
    app = get_app()
    row = app.store().get_patent(identifiers.patent_app_no(app_no))
    if row is None:
        raise NotFound("patent.not_found", rule="RIGHT-UNKNOWN", value=app_no)
    app.emit(rights.patent_view(row, app.today), fmt)


@patent.command("list", help="help.patent_list")
@option("--owner", help="opt.filter_owner")
@option("--window", help="opt.filter_window")
@format_option
@view_options
def list_(owner, window, fmt):
    app = get_app()
    rows = app.store().list_patents(owner=owner, window=window)
    app.emit([rights.patent_view(row, app.today) for row in rows], fmt, PATENTS)


from ipcli.commands.importing import import_patents  # noqa: E402
patent.add_command(import_patents, "import")
from ipcli.commands.template import patent_template  # noqa: E402
patent.add_command(patent_template, "template")
