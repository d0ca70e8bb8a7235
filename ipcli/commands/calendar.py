"""`ipcli calendar`: the holiday tables behind every shifted deadline (R-WORKDAY, R-PROVISIONAL):
what is bundled, imported and missing, and loading a year from a holiday-cn file or its download."""

import json
import sys
from pathlib import Path

import click
from click.core import ParameterSource

from ipcli import __version__, files, jsontext, net
from ipcli.clickext import PATH, Group, IntRange, argument, option
from ipcli.context import get_app
from ipcli.errors import ConfigError, Rejected, Unavailable, UsageProblem
from ipcli.output import format_option, view_options
from ipcli.rules.dates import EARLIEST, LATEST

DEFAULT_URL = "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/{year}.json"
TIMEOUT_SECONDS = 10
# The years of ipcli's dates: a holiday table for another year is refused.
FIRST_YEAR, LAST_YEAR = EARLIEST.year, LATEST.year


@click.group(cls=Group, help="help.calendar")
def calendar():
    pass


def dry_run_option(command):
    return option("--dry-run", is_flag=True, help="opt.calendar_dry_run")(command)


@calendar.command("status", help="help.calendar_status")
@option("--details", is_flag=True, help="opt.calendar_details")
@format_option
@view_options
def status(details, fmt):
    from ipcli.register.calendar_update import calendar_status

    app = get_app()
    store = app.store()
    app.emit(calendar_status(store, app.calendar(), app.today, details), fmt)


@calendar.command("import", help="help.calendar_import")
@argument("file", type=PATH, metavar="FILE|-", help="arg.holiday_file")
@option("--year", type=IntRange(FIRST_YEAR, LAST_YEAR), help="opt.calendar_year")
@dry_run_option
@format_option
def import_(file, year, dry_run, fmt):
    document = read_document(file)
    load(document, files.STDIN_NAME if file == files.STDIN else str(Path(file).resolve()), year, dry_run, fmt)


@calendar.command("fetch", help="help.calendar_fetch")
@argument("year", type=IntRange(FIRST_YEAR, LAST_YEAR), help="arg.holiday_year")
@option("--url", "template", envvar="IPCLI_HOLIDAY_URL", default=DEFAULT_URL, show_default=True,
        help="opt.holiday_url")
@dry_run_option
@format_option
@click.pass_context
def fetch(ctx, year, template, dry_run, fmt):
    from_env = ctx.get_parameter_source("template") == ParameterSource.ENVIRONMENT
    url = holiday_url(template, year, from_env)
    load(download(url), net.redacted_url(url), year, dry_run, fmt)


def load(document, source: str, year: int | None, dry_run: bool, fmt: str | None) -> None:
    from ipcli.register.calendar_update import import_year

    app = get_app()
    app.emit(import_year(app.store(), document, source, expected_year=year, dry_run=dry_run), fmt)


def read_document(file: str):
    """The JSON document in FILE (or stdin for `-`); invalid JSON is refused naming file and position."""
    name = files.input_name(file)
    data = files.read_input(file, files.CALENDAR_BYTES, sys.stdin.buffer)
    try:
        return jsontext.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Rejected("calendar.not_utf8", rule="R-WORKDAY", file=name) from None
    except json.JSONDecodeError as error:
        raise Rejected("calendar.bad_json", rule="R-WORKDAY", file=name, line=error.lineno, column=error.colno,
                       detail=error.msg) from None


def holiday_url(template: str, year: int, from_env: bool) -> str:
    """The download address of `year`: an http(s) URL template holding `{year}`."""
    url = template.replace("{year}", str(year))
    if "{year}" not in template or not net.is_http_url(url):
        raise (ConfigError if from_env else UsageProblem)("calendar.bad_url", value=net.redacted_url(template))
    return url


def download(url: str):
    """The JSON document at `url`; an unreachable or slow server, an HTTP error, a redirect, an answer
    over net.MAX_BODY_BYTES or one that is not JSON is one line and exit 69."""
    headers = {"User-Agent": f"ipcli/{__version__}", "Accept": "application/json"}
    try:
        body = net.request("GET", url, seconds=TIMEOUT_SECONDS, redact=net.Redactor(), headers=headers)
    except net.RequestFailed as error:  # redacted, and keeps no context of its own
        raise Unavailable("calendar.download_failed", url=net.redacted_url(url),
                          reason=net.reason_text(error)) from None
    try:
        return jsontext.loads(body.decode("utf-8-sig"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        raise Unavailable("calendar.not_json", url=net.redacted_url(url)) from None
