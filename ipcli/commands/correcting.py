"""Correcting mistakes: `mark|patent edit|remove` (their shared part), `ipcli undo`, and the showing,
confirming and reverting that `undo`, `log revert` and `filing revert` share."""

import sys
from datetime import date

import click

from ipcli.clickext import Command, IntRange, argument, option
from ipcli.context import get_app
from ipcli.errors import UsageProblem
from ipcli.i18n import t
from ipcli.output import format_option

yes_option = option("--yes", "-y", is_flag=True, help="opt.yes_revert")


def changes_of(given: dict, cleared: dict) -> dict:
    """Stored values of the fields an edit names: `given` (column -> option value, None when not given)
    and `cleared` (column -> value meaning none, for each --clear)."""
    changes = {column: value.isoformat() if isinstance(value, date) else value
               for column, value in given.items() if value is not None}
    both = sorted(set(changes) & set(cleared))
    if both:
        raise UsageProblem("edit.set_and_cleared", value=both[0])
    changes.update(cleared)
    if not changes:
        raise UsageProblem("edit.nothing_given")
    return changes


def edit_right(app, right_type: str, text: str, changes: dict) -> dict:
    """Edit a right; return its stored row."""
    from ipcli.register import editing

    row, changed = editing.edit(app.desk(), right_type, text, changes)
    if not changed:
        app.note("edit.unchanged", kind=right_type, value=text)
    return row


def remove_right(app, right_type: str, text: str, force: bool):
    """Remove a right; return its row as it was."""
    from ipcli.register import editing

    right = editing.remove(app.desk(), right_type, text, force)
    app.note("remove.done", kind=right_type, value=right.number)
    return right.row


def revert(app, entries: list[dict], yes: bool, fmt) -> None:
    """Show what reverting the journal `entries` changes, ask on a terminal unless --yes, and revert."""
    from ipcli.register import reverting

    store = app.store()
    if not yes and not _stdin_is_terminal():
        raise UsageProblem("revert.needs_yes")
    first = entries[0]
    summary = dict(command=first["command"], operator=first["operator"], at=first["at"], first=first["id"],
                   last=entries[-1]["id"])
    if not yes:
        app.emit(reverting.revert(store, entries, preview=True), fmt)
        if not click.confirm(t("revert.confirm", **summary), err=True):
            app.note("revert.declined")
            return
        reverting.revert(store, entries)
    else:
        app.emit(reverting.revert(store, entries), fmt)
    app.note("revert.done", **summary)


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def revert_command(group, metavar: str, target: str, help_key: str, argument_help: str) -> None:
    """`GROUP revert ID`: revert the journal entries that ipcli.register.reverting's `target`(store, ID) names."""
    @group.command("revert", help=help_key)
    @argument("number", metavar=metavar, type=IntRange(1), help=argument_help)
    @yes_option
    @format_option
    def command(number, yes, fmt):
        from ipcli.register import reverting

        app = get_app()
        revert(app, getattr(reverting, target)(app.store(), number), yes, fmt)


def remove_command(group, right_type: str, view) -> None:
    """`GROUP remove NUMBER [--force]`, printing the right removed as `view`(app, row) shows it."""
    @group.command("remove", help=f"help.{right_type}_remove")
    @argument("number", metavar="REG_NO" if right_type == "mark" else "APP_NO",
              help="arg.reg_no" if right_type == "mark" else "arg.app_no")
    @option("--force", is_flag=True, help="opt.remove_force")
    @format_option
    def command(number, force, fmt):
        app = get_app()
        app.emit(view(app, remove_right(app, right_type, number, force)), fmt)


@click.command("undo", cls=Command, help="help.undo")
@yes_option
@format_option
def undo(yes, fmt):
    from ipcli.register import reverting

    app = get_app()
    revert(app, reverting.undo_target(app.store()), yes, fmt)
