"""`ipcli window`: the service windows (province, prefecture and county windows) and the default window
of filings entered on this machine."""

import click

from ipcli.clickext import Group, argument, option
from ipcli.context import get_app
from ipcli.i18n import t
from ipcli.output import format_option, view_options
from ipcli.register import stats as windows
from ipcli.views import WINDOWS

TREE_BRANCH, TREE_LAST, TREE_PIPE, TREE_SPACE = "├─ ", "└─ ", "│  ", "   "


@click.group(cls=Group, help="help.window")
def window():
    pass


@window.command("add", help="help.window_add")
@argument("code", help="arg.window_code")
@option("--name", required=True, help="opt.window_name")
@option("--parent", metavar="CODE", help="opt.window_parent")
@option("--replace", is_flag=True, help="opt.window_replace")
@format_option
def add(code, name, parent, replace, fmt):
    app = get_app()
    app.emit(windows.add_window(app.store(), code, name, parent, replace), fmt)


@window.command("list", help="help.window_list")
@format_option
@view_options
def list_(fmt):
    app = get_app()
    rows = windows.list_windows(app.store())
    app.emit(tree_rows(rows) if app.output_format(fmt) == "table" else rows, fmt, WINDOWS)


@window.command("set-default", help="help.window_set_default")
@argument("code", required=False, help="arg.window_code")
@option("--clear", is_flag=True, help="opt.window_clear")
@format_option
def set_default(code, clear, fmt):
    if (code is None) == (not clear):
        raise click.UsageError(t("window.code_or_clear"))
    app = get_app()
    # Clearing this machine's setting needs no register; where there is one, an older default kept in it goes too.
    store = app.store() if code is not None or app.register.exists() else None
    app.emit(windows.set_default_window(store, None if clear else code.strip()), fmt)


def tree_rows(rows: list[dict]) -> list[dict]:
    """The windows for a table: each code drawn under its parent."""
    return [{**row, "code": prefix + row["code"]} for prefix, row in zip(_prefixes(rows), rows)]


def _prefixes(rows: list[dict]) -> list[str]:
    """Tree drawing for rows listed depth first with parent links."""
    last_child = {}
    for row in rows:
        last_child[row["parent"]] = row["code"]
    prefixes, drawn = [], {}
    for row in rows:
        parent = row["parent"]
        if parent is None:
            drawn[row["code"]] = ""
            prefixes.append("")
            continue
        is_last = last_child[parent] == row["code"]
        prefixes.append(drawn[parent] + (TREE_LAST if is_last else TREE_BRANCH))
        drawn[row["code"]] = drawn[parent] + (TREE_SPACE if is_last else TREE_PIPE)
    return prefixes
