"""`ipcli mark import` and `ipcli patent import`: a CSV, JSONL or XLSX file of rights into the register,
whole or not at all (attached to their groups at the end of mark.py and patent.py)."""

import sys
from collections import Counter
from contextlib import contextmanager

import click

from ipcli.clickext import PATH, Choice, Command, argument, option
from ipcli.context import get_app
from ipcli.errors import Rejected
from ipcli.output import format_option, stderr_line

INPUT_FORMATS = ("csv", "tsv", "jsonl", "xlsx")
SHOWN_ROW_ERRORS = 20  # bad rows shown one by one; past that, a count of each reason


def import_options(command):
    decorators = (
        argument("file", type=PATH, metavar="FILE|-", help="arg.import_file"),
        option("--input-format", type=Choice(INPUT_FORMATS), help="opt.input_format"),
        option("--sheet", metavar="NAME", help="opt.import_sheet"),
        option("--update", is_flag=True, help="opt.import_update"),
        option("--dry-run", is_flag=True, help="opt.import_dry_run"),
        format_option,
    )
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


@click.command("import", cls=Command, help="help.mark_import")
@import_options
def import_marks(file, input_format, sheet, update, dry_run, fmt):
    run_import("mark", file, input_format, sheet, update, dry_run, fmt)


@click.command("import", cls=Command, help="help.patent_import")
@import_options
def import_patents(file, input_format, sheet, update, dry_run, fmt):
    run_import("patent", file, input_format, sheet, update, dry_run, fmt)


def run_import(kind: str, file: str, input_format: str | None, sheet: str | None, update: bool, dry_run: bool,
               fmt: str | None) -> None:
    from ipcli.register import importing

    app = get_app()
    with importing.Importer(kind, app.store(), app.key_dates(), update=update, insert_as_read=not dry_run) as importer:
        with importing.open_source(file, input_format, sys.stdin.buffer, sheet) as source:
            with progress_bar(app, source.size, "import.checking") as advance_to:
                report = importer.check(source, advance_to)
        refuse_bad_rows(report)
        app.check_calendar(report.missing_years)
        if not dry_run:
            with progress_bar(app, importing.WRITE_STEPS, "import.writing") as advance_to:
                importer.write(report, advance_to)
    app.emit(importing.summary(report, dry_run), fmt)


def refuse_bad_rows(report) -> None:
    """The first SHOWN_ROW_ERRORS bad rows as `FILE:LINE: reason [RULE]` (`FILE:SHEET!ROW: ...`) on stderr,
    then, when there are more, the count of each reason (its rule id: a wrong column is one line); the
    summary is the error (exit 65)."""
    if not report.errors:
        return
    from ipcli.i18n import t
    from ipcli.messages import error_message

    for line, error in report.errors[:SHOWN_ROW_ERRORS]:
        stderr_line(f"{report.where}{line}: {error_message(error)}")
    if len(report.errors) > SHOWN_ROW_ERRORS:
        for rule, count in Counter(error.rule for _, error in report.errors).most_common():
            stderr_line(t("import.reason_row", rule=rule) if count == 1 else
                        t("import.reason_rows", rule=rule, count=f"{count:,}"))
    if report.rows:
        raise Rejected("import.rejected", rule="IMPORT-CHECK", file=report.name, bad=report.bad_rows, rows=report.rows)
    raise Rejected("import.rejected_file", rule="IMPORT-CHECK", file=report.name)


@contextmanager
def progress_bar(app, length: int, label_key: str):
    """A function that moves a progress bar on stderr to a position, when stderr is a terminal and
    not --quiet; otherwise a function that does nothing."""
    if app.quiet or not sys.stderr.isatty():
        yield lambda position: None
        return
    from ipcli.i18n import t

    with click.progressbar(length=max(length, 1), label=t(label_key), file=sys.stderr) as bar:
        yield lambda position: bar.update(max(0, position - bar.pos))
