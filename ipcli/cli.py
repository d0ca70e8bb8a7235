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
from ipcli.clickext import DATE, FORMATS, Choice, Group, Option, with_guess
from ipcli.context import App
from ipcli.errors import ExitCode, IpcliError
from ipcli.i18n import LANGUAGES, default_language, set_language, t
from ipcli.literal import SHOWN_CHARS, shortened
from ipcli.messages import error_message

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
    "undo": ("ipcli.commands.correcting", "undo", "help.undo"),
    "window": ("ipcli.commands.window", "window", "help.window"),
}


class RootGroup(Group):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options_anywhere = global_options(after_the_subcommand=True)

    def make_context(self, info_name, args, parent=None, **extra):
        """The App is there before any option is read: each global option sets its field."""
        extra.setdefault("obj", App())
        return super().make_context(info_name, args, parent=parent, **extra)

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
        code = run(self, args, prog_name or "ipcli", complete_var=complete_var, **extra)
        if standalone_mode:
            sys.exit(code)
        return code


def _register_failure(error: Exception, app) -> IpcliError | None:
    return None if app is None else app.register.failure(error)


class StdoutClosed(Exception):
    """The reader of stdout went away (`ipcli ... | head`): exit 141, as other Unix tools report it."""


def run(command, args, prog_name, **extra) -> int:
    """Run the command; turn every outcome into an exit code and at most one line on stderr."""
    args = sys.argv[1:] if args is None else list(args)
    set_language(_language_asked(args) or default_language())
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


def _language_asked(args: list) -> str | None:
    """The --lang of the command line, wherever it is: even a refusal of what comes before it (a
    mistyped option, a bad date) is then in that language. Its option sets it again when read."""
    asked = None
    for word, following in zip(args, args[1:] + [None]):
        if word == "--":
            break
        if word == "--lang" and following in LANGUAGES:
            asked = following
        elif word.startswith("--lang=") and word.removeprefix("--lang=") in LANGUAGES:
            asked = word.removeprefix("--lang=")
    return asked


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


def usage_message(error: click.UsageError) -> str:
    if isinstance(error, click.NoSuchOption):
        message = t("err.no_such_option", value=shortened(error.option_name))
        return with_guess(message, error.option_name, error.possibilities or ())
    if isinstance(error, click.MissingParameter) and error.param is not None:
        key = "err.missing_argument" if isinstance(error.param, click.Argument) else "err.missing_param"
        return t(key, param=_param_name(error.param))
    if isinstance(error, click.BadParameter) and error.param is not None:
        return t("err.bad_param", param=_param_name(error.param), message=_cut_long_words(error.message))
    key = _click_refusal_key(error)
    if key is not None:
        command = error.ctx.command_path if error.ctx is not None else "ipcli"
        return t(key, value=shortened(getattr(error, "option_name", None) or ""), command=command)
    return _cut_long_words(error.format_message())


def _click_refusal_key(error: click.UsageError) -> str | None:
    """The message key of one of click's refusals that name no parameter, known by click's words for it
    (click words its messages with gettext)."""
    from gettext import gettext, ngettext

    name = getattr(error, "option_name", None)
    words = {gettext("Option {name!r} does not take a value.").format(name=name): "err.option_takes_no_value",
             ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1)
             .format(name=name, nargs=1): "err.option_needs_value",
             gettext("Missing command."): "err.missing_command"}
    return words.get(error.message)


# click's own messages (such as click.Path's "File '...' does not exist.") hold the value in their
# sentence: a long run without spaces in one is a value, cut as ipcli's own messages cut theirs.
_LONG_WORD = re.compile(r"\S{%d,}" % (SHOWN_CHARS + 3))  # a value cut to SHOWN_CHARS, in quotes


def _cut_long_words(message: str) -> str:
    return _LONG_WORD.sub(lambda match: shortened(match.group()), message)


def _param_name(param) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


def _set_db(ctx, param, value):
    """--db, else IPCLI_DB: an empty path or an address is a usage error, never a register."""
    if value == "" or (value is None and param.envvar and os.environ.get(param.envvar) == ""):
        raise click.BadParameter(t("err.db_empty"), ctx, param)
    if value is None:
        return
    from ipcli.files import is_url

    from ipcli.db.location import POSTGRESQL_SCHEMES, register_location

    if is_url(value) and not value.lower().startswith(POSTGRESQL_SCHEMES):  # https://...: never a file name
        from ipcli.net import redacted_url

        raise click.BadParameter(t("err.db_url", value=redacted_url(value)), ctx, param)
    ctx.find_object(App).register = register_location(value)


def _set_language(ctx, param, value):
    """A --lang given. IPCLI_LANG and LANG are read before any option (run), so the option itself takes no
    environment variable: a --lang anywhere on the line overrides them."""
    if value:
        set_language(value)


def _set_color(ctx, param, value):
    _set_field(ctx, param, "never" if value == "auto" and os.environ.get("NO_COLOR") else value)


def _set_field(ctx, param, value):
    """A global option given sets the App's field of its name; one not given leaves it as it is."""
    if value not in (None, False):
        setattr(ctx.find_object(App), param.name, value)


def global_options(after_the_subcommand: bool) -> list[Option]:
    """The global options (CLI.md). Before the subcommand they are shown in its help and read from the
    environment, with their defaults; after it (hidden, without either) one given overrides its value
    before. --today is read before the dates of the same command, which `today` may name."""

    def global_option(*names, envvar=None, default=None, **kwargs):
        if after_the_subcommand:
            return Option(names, hidden=True, expose_value=False, **kwargs)
        return Option(names, envvar=envvar, expose_value=False, **({} if default is None else {"default": default}),
                      **kwargs)

    return [
        global_option("--db", "register", envvar="IPCLI_DB", type=click.Path(), callback=_set_db, help="opt.db"),
        global_option("--today", envvar="IPCLI_TODAY", type=DATE, is_eager=True, callback=_set_field,
                      help="opt.today"),
        global_option("--lang", type=Choice(LANGUAGES), is_eager=True, callback=_set_language, help="opt.lang"),
        global_option("--format", "fmt", type=Choice(FORMATS), callback=_set_field, help="opt.format"),
        global_option("--strict-calendar", is_flag=True, callback=_set_field, help="opt.strict_calendar"),
        global_option("--color", type=Choice(("auto", "always", "never")), default="auto", callback=_set_color,
                      help="opt.color"),
        global_option("-q", "--quiet", is_flag=True, callback=_set_field, help="opt.quiet"),
    ]


@click.group(cls=RootGroup, help="help.root", params=global_options(after_the_subcommand=False))
@click.version_option(__version__, "--version", prog_name="ipcli", message="%(prog)s %(version)s",
                      cls=Option, help="help.version_option")
def cli():
    pass


def main() -> int:
    return cli.main(prog_name="ipcli", standalone_mode=False)
