"""`ipcli batch`: submission batches of renewals, transfers, licences and pledges, exported at one
window, checked and imported at the next, submitted to an intake endpoint, and decided."""

import sys
from datetime import datetime
from functools import wraps
from pathlib import Path

import click
from click.core import ParameterSource

from ipcli import files
from ipcli.clickext import DATE, PATH, TODAY, Choice, Group, IntRange, argument, option
from ipcli.clock import SHANGHAI
from ipcli.context import environment_text, get_app
from ipcli.errors import ConfigError, Rejected, UsageProblem
from ipcli.i18n import localize_codes, t
from ipcli.memory import without_cyclic_gc
from ipcli.output import display, format_option, stderr_line, view_options
from ipcli.register.batch_format import BATCH_TYPES

DECISIONS = ("submitted", "accepted", "rejected")


def without_gc_pauses(command):
    """Run `command` with the cyclic garbage collector off: a batch is 100,000s of small dicts and
    lists without cycles, and the collector's passes over them cost more than building them."""

    @wraps(command)
    def run(*args, **kwargs):
        with without_cyclic_gc():
            return command(*args, **kwargs)

    return run


@click.group(cls=Group, help="help.batch")
def batch():
    pass


@batch.command("export", help="help.batch_export")
@option("--type", "filing_type", type=Choice(BATCH_TYPES), required=True, help="opt.batch_type")
@option("--window", help="opt.batch_window")
@option("--all-windows", is_flag=True, help="opt.batch_all_windows")
@option("--until", type=DATE, help="opt.batch_until")
@option("--out", "out_dir", type=PATH, metavar="DIR", required=True, help="opt.batch_out")
@format_option(out=False)
@without_gc_pauses
@click.pass_context
def export(ctx, filing_type, window, all_windows, until, out_dir, fmt):
    from ipcli.register import batch_format, batches
    from ipcli.register.stats import default_window

    if window is not None and all_windows:
        raise click.UsageError(t("batch.window_and_all_windows"), ctx)
    app = get_app()
    store = app.store()
    sender = window or environment_text("IPCLI_WINDOW") or default_window(store)  # this machine's window
    request = batches.ExportRequest(
        filing_type=filing_type, window=None if all_windows else sender, until=until, out_dir=Path(out_dir),
        today=app.today, created_at=datetime.now(SHANGHAI), sender=sender,
        csv_header=[t(f"batch.column_{name}") for name, _ in batch_format.csv_columns(filing_type)],
        shown=display, all_windows=all_windows)
    result = batches.export_batch(store, request)
    if result is None:
        app.note("batch.nothing_to_export", type=filing_type)
        return
    app.emit(result, fmt)


@batch.command("validate", help="help.batch_validate")
@argument("file", type=PATH, metavar="FILE|-", help="arg.batch_file")
@format_option
@without_gc_pauses
def validate(file, fmt):
    from ipcli.register import batches

    app = get_app()
    name, data = read_input(file)
    checked = batches.check_bytes(data, app.calendar())
    if checked.problems:
        for problem in checked.problems:
            stderr_line(f"{name}: {problem.path}: {problem_text(problem)}")
        raise Rejected("batch.invalid", rule="BATCH-CHECK", file=name, count=len(checked.problems))
    app.check_calendar(checked.missing_years)
    app.emit(batches.validation_view(name, checked.doc), fmt)


@batch.command("import", help="help.batch_import")
@argument("file", type=PATH, metavar="FILE|-", help="arg.batch_file")
@format_option
@without_gc_pauses
def import_(file, fmt):
    from ipcli.register import batches

    app = get_app()
    name, data = read_input(file)
    checked = batches.check_bytes(data, app.calendar())
    if checked.problems:
        refuse_import(name, checked.problems)
    source = None if file == files.STDIN else str(Path(file).resolve())
    summary = batches.import_batch(app.desk(), name, data, checked, source)
    if summary["already_imported"]:
        app.note("batch.already_imported", value=summary["batch_id"], known=summary["known_as"])
    app.emit(summary, fmt)


@batch.command("list", help="help.batch_list")
@format_option
@view_options
def list_(fmt):
    from ipcli.register import batches
    from ipcli.views import BATCHES

    app = get_app()
    app.emit(batches.list_batches(app.store()), fmt, BATCHES)


@batch.command("show", help="help.batch_show")
@argument("batch_id", metavar="ID", help="arg.batch_id")
@format_option
@view_options
def show(batch_id, fmt):
    from ipcli.register import batches

    app = get_app()
    app.emit(batches.show_batch(app.store(), batch_id), fmt)


@batch.command("mark", help="help.batch_mark")
@argument("batch_id", metavar="ID", help="arg.batch_id")
@argument("status", metavar="STATUS", type=Choice(DECISIONS), help="arg.batch_status")
@option("--item", "seq", type=IntRange(1), help="opt.batch_item")
@option("--reason", help="opt.reason")
@option("--on", type=DATE, default=TODAY, help="opt.status_on")
@format_option
def mark(batch_id, status, seq, reason, on, fmt):
    from ipcli.register import batches

    app = get_app()
    app.emit(batches.mark_batch(app.desk(), batch_id, status, on, seq, reason), fmt)


@batch.command("submit", help="help.batch_submit")
@argument("batch_id", metavar="ID", help="arg.batch_id")
@option("--url", envvar="IPCLI_SUBMIT_URL", metavar="URL", required=True, help="opt.submit_url")
@option("--timeout", type=IntRange(1, 600), default=30, show_default=True, help="opt.submit_timeout")
@option("--retries", type=IntRange(0, 10), default=3, show_default=True, help="opt.submit_retries")
@format_option
@click.pass_context
def submit(ctx, batch_id, url, timeout, retries, fmt):
    from ipcli.register import batches

    check_url(url, from_env=ctx.get_parameter_source("url") == ParameterSource.ENVIRONMENT)
    app = get_app()
    app.emit(batches.submit_batch(app.desk(), batch_id, url, timeout=timeout, retries=retries), fmt)


def read_input(file: str) -> tuple[str, bytes]:
    """(name for messages, bytes) of FILE, or of standard input for `-`."""
    return files.input_name(file), files.read_input(file, files.BATCH_BYTES, sys.stdin.buffer)


def problem_text(problem) -> str:
    text = t(problem.key, **localize_codes(problem.params))
    return f"{text} [{problem.rule}]" if problem.rule else text


def refuse_import(name: str, problems: list) -> None:
    """One line: the first problem, and how many more `batch validate` lists."""
    first = problems[0]
    text = t(first.key, **localize_codes(first.params))
    if len(problems) == 1:
        raise Rejected("batch.import_invalid", rule=first.rule, file=name, path=first.path, problem=text)
    raise Rejected("batch.import_invalid_more", rule=first.rule, file=name, path=first.path, problem=text,
                   more=len(problems) - 1)


def check_url(url: str, from_env: bool) -> None:
    """An http(s) address with a host; a bad one from IPCLI_SUBMIT_URL is a configuration error."""
    from ipcli.net import is_http_url, redacted_url

    if not is_http_url(url):
        raise (ConfigError if from_env else UsageProblem)("batch.bad_url", value=redacted_url(url))
