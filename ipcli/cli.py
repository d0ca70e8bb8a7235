"""The `ipcli` root command: global options, lazily loaded command groups, and the mapping of
every error to one line on stderr and a documented exit code (CLI.md)."""

import io
import os
import re
import sys
from contextlib import contextmanager
from importlib import import_module

import click

from ipcli import __version__
from ipcli.clickext import DATE, Choice, Group, Option, option
from ipcli.errors import ExitCode, IpcliError
from ipcli.i18n import LANGUAGES, default_language, localize_codes, set_language, t
from ipcli.literal import SHOWN_CHARS, Sentence, shortened

# name -> (module, attribute, short-help key): modules load only when their command runs.
COMMANDS = {
    "annuity": ("ipcli.commands.annuity", "annuity", "help.annuity"),
    "batch": ("ipcli.commands.batch", "batch", "help.batch"),
    "calc": ("ipcli.commands.calc", "calc", "help.calc"),
    "calendar": ("ipcli.commands.calendar", "calendar", "help.calendar"),
    "db": ("ipcli.commands.db", "db", "help.db"),
    "deadlines": ("ipcli.commands.deadlines", "deadlines", "help.deadlines"),
    "digest": ("ipcli.commands.digest", "digest", "help.digest"),
    "expiries": ("ipcli.commands.deadlines", "expiries", "help.expiries"),
    "filing": ("ipcli.commands.filing", "filing", "help.filing"),
    "init": ("ipcli.commands.init", "init", "help.init"),
    "license": ("ipcli.commands.license", "license", "help.license"),
    "log": ("ipcli.commands.log", "log", "help.log"),
    "mark": ("ipcli.commands.mark", "mark", "help.mark"),
    "notice": ("ipcli.commands.notice", "notice", "help.notice"),
    "patent": ("ipcli.commands.patent", "patent", "help.patent"),
    "pledge": ("ipcli.commands.pledge", "pledge", "help.pledge"),
    "renew": ("ipcli.commands.renew", "renew", "help.renew"),
    "report": ("ipcli.commands.stats", "report", "help.report"),
    "sample": ("ipcli.commands.sample", "sample", "help.sample"),
    "stats": ("ipcli.commands.stats", "stats", "help.stats"),
    "transfer": ("ipcli.commands.transfer", "transfer", "help.transfer"),
    "window": ("ipcli.commands.window", "window", "help.window"),
}


class RootGroup(Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        return getattr(import_module(module), attribute)

    def short_help_of(self, ctx, name):
        return t(COMMANDS[name][2])

    def invoke(self, ctx):
        """Run the command; an SQLite error about the register file itself becomes one line naming it."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise StdoutClosed() from None  # click would make it exit 1
        except Exception as error:
            failure = _register_failure(error, ctx.obj)
            if failure is None:
                raise
            raise failure from error

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        code = run(self, args, prog_name or "ipcli", **extra)
        if standalone_mode:
            sys.exit(code)
        return code


def _register_failure(error: Exception, app) -> IpcliError | None:
    if app is None:
        return None
    from ipcli.db.sqlite_file import register_failure

    return register_failure(error, app.db_path)


class StdoutClosed(Exception):
    """The reader of stdout went away (`ipcli ... | head`): exit 141, as other Unix tools report it."""


def run(command, args, prog_name, **extra) -> int:
    """Run the command; turn every outcome into an exit code and at most one line on stderr."""
    set_language(default_language())  # --lang, parsed first, may change it
    with whole_writes_to_stdout():
        return _run(command, args, prog_name, **extra)


def _run(command, args, prog_name, **extra) -> int:
    try:
        result = click.Group.main(command, args, prog_name, standalone_mode=False, **extra)
        sys.stdout.flush()
    except click.exceptions.NoArgsIsHelpError as error:
        error.show()
        return ExitCode.USAGE
    except click.UsageError as error:
        return fail(usage_message(error), ExitCode.USAGE)
    except IpcliError as error:
        return fail(error_message(error), error.exit_code)
    except (click.Abort, KeyboardInterrupt):
        return fail(t("err.interrupted"), ExitCode.INTERRUPTED)
    except (StdoutClosed, BrokenPipeError):
        _silence_stdout()
        return ExitCode.BROKEN_PIPE
    except Exception as error:  # noqa: BLE001 - the last resort: one line, no traceback
        if os.environ.get("IPCLI_DEBUG") == "1":
            raise
        return fail(t("err.internal", kind=type(error).__name__, detail=str(error)), ExitCode.INTERNAL)
    return result if isinstance(result, int) else ExitCode.OK


class _WholeWrites(io.BufferedIOBase):
    """A writer of stdout whose every write is written whole. Python's own (buffered, or unbuffered under
    PYTHONUNBUFFERED) may report a long write done when the reader went away in the middle of it: the
    rest is dropped without an error, and a command whose output is one long write (a table, a csv)
    would exit 0 under `| head`. Here the rest is written again, and that write raises BrokenPipeError."""

    def __init__(self, writer):
        super().__init__()
        self._writer = writer

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        rest = memoryview(data).cast("B")
        while rest:
            rest = rest[self._writer.write(rest):]
        return len(data)

    def flush(self) -> None:
        self._writer.flush()

    def fileno(self) -> int:
        return self._writer.fileno()

    def isatty(self) -> bool:
        return self._writer.isatty()


@contextmanager
def whole_writes_to_stdout():
    """sys.stdout, while a command runs, writes through _WholeWrites when it is a file (click's test runner
    gives a stream in memory, whose writes are whole)."""
    stream = sys.stdout
    if not isinstance(getattr(stream, "buffer", None), (io.BufferedWriter, io.FileIO)):
        yield
        return
    stream.flush()
    sys.stdout = io.TextIOWrapper(_WholeWrites(stream.buffer), encoding=stream.encoding, errors=stream.errors,
                                  line_buffering=stream.line_buffering, write_through=stream.write_through)
    try:
        yield
    finally:
        wrapper, sys.stdout = sys.stdout, stream
        wrapper.detach()


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def fail(message: str, code: int) -> int:
    from ipcli.output import stderr_line

    stderr_line(t("err.prefix") + message)
    return code


def error_message(error: IpcliError) -> str:
    params = {name: shortened(value) if isinstance(value, str) and not isinstance(value, Sentence) else value
              for name, value in localize_codes(error.params).items()}
    text = t(error.key, **params)
    return f"{text} [{error.rule}]" if error.rule else text


def usage_message(error: click.UsageError) -> str:
    if isinstance(error, click.NoSuchOption):
        return t("err.no_such_option", value=shortened(error.option_name))
    if isinstance(error, click.MissingParameter) and error.param is not None:
        return t("err.missing_param", param=_param_name(error.param))
    if isinstance(error, click.BadParameter) and error.param is not None:
        return t("err.bad_param", param=_param_name(error.param), message=_cut_long_words(error.message))
    return _cut_long_words(error.format_message())


# click's own messages (such as click.Path's "File '...' does not exist.") hold the value in their
# sentence: a long run without spaces in one is a value, cut as ipcli's own messages cut theirs.
_LONG_WORD = re.compile(r"\S{%d,}" % (SHOWN_CHARS + 3))  # a value cut to SHOWN_CHARS, in quotes


def _cut_long_words(message: str) -> str:
    return _LONG_WORD.sub(lambda match: shortened(match.group()), message)


def _param_name(param) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


def _db_path(ctx, param, value):
    """--db, else IPCLI_DB: an empty path is a usage error, never the default register."""
    if value == "" or (value is None and os.environ.get("IPCLI_DB") == ""):
        raise click.BadParameter(t("err.db_empty"), ctx, param)
    return value


def _set_language(ctx, param, value):
    if value:
        set_language(value)
    return value


@click.group(cls=RootGroup, help="help.root")
@click.version_option(__version__, "--version", prog_name="ipcli", message="%(prog)s %(version)s",
                      cls=Option, help="help.version_option")
@option("--db", "db_path", envvar="IPCLI_DB", type=click.Path(), callback=_db_path, help="opt.db")
@option("--today", envvar="IPCLI_TODAY", type=DATE, help="opt.today")
@option("--lang", envvar="IPCLI_LANG", type=Choice(LANGUAGES), is_eager=True, callback=_set_language,
        help="opt.lang")
@option("--strict-calendar", is_flag=True, help="opt.strict_calendar")
@option("--color", type=Choice(("auto", "always", "never")), default="auto", help="opt.color")
@option("-q", "--quiet", is_flag=True, help="opt.quiet")
@click.pass_context
def cli(ctx, db_path, today, lang, strict_calendar, color, quiet):
    from ipcli.clock import today_in_shanghai
    from ipcli.context import App, default_db_path

    if os.environ.get("NO_COLOR") and color == "auto":
        color = "never"
    ctx.obj = App(db_path=db_path or default_db_path(), today=today or today_in_shanghai(),
                  strict_calendar=strict_calendar, color=color, quiet=quiet)


def main() -> int:
    return cli.main(prog_name="ipcli", standalone_mode=False)
