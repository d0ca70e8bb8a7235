"""click classes whose help texts are message keys, translated when shown, and strict value types
whose refusals are translated one-liners."""

import re
from datetime import date
from difflib import get_close_matches

import click

from ipcli.context import App
from ipcli.help_format import Context
from ipcli.i18n import t
from ipcli.literal import shortened, unencodable
# The readers of values people write (ipcli.rules.dates, .written, ipcli.i18n.aliases) are imported when a
# value is read, not when the command line is set up: `ipcli --help` and `--version` start without them.


# --format of every command that prints data (CLI.md "Output"), rendered by ipcli.output.
FORMATS = ("table", "json", "jsonl", "csv", "tsv", "xlsx")


class HelpKey:
    """A `help` attribute that is set to a message key and reads as its translation."""

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        key = obj.__dict__.get("_help_key")
        return t(key) if key else None

    def __set__(self, obj, key):
        obj.__dict__["_help_key"] = key


class Utf8Only:
    """Mixin of every option and argument: a value with bytes that are not UTF-8 (which Python keeps
    as lone surrogates, that can be neither printed nor stored) is a usage error naming the parameter,
    before its type sees it. The value may come from the command line or an environment variable."""

    def process_value(self, ctx, value):
        for text in value if isinstance(value, (tuple, list)) else (value,):
            if isinstance(text, str) and (byte := unencodable(text)):
                raise click.BadParameter(t("err.not_utf8", byte=byte), ctx=ctx, param=self)
        return super().process_value(ctx, value)


def choice_legend(param) -> str | None:
    """What each code of a choice means ("ready（待报送）"). None when a code has no label (a format, a
    language, a percentage: such codes explain themselves), or when every label just repeats its code
    (as English labels of English codes mostly do)."""
    if not isinstance(param.type, click.Choice):
        return None
    labels = [(code, t(f"value.{code}")) for code in param.type.choices]
    if (any(label == f"value.{code}" for code, label in labels)
            or all(label == code.replace("_", " ") for code, label in labels)):
        return None
    choices = t("help.choice_separator").join(t("help.choice", code=code, label=label) for code, label in labels)
    return t("help.choices", choices=choices)


def help_text(param, notes: list[str]) -> str:
    """A parameter's help, its choices' legend and its translated notes ("[默认：30]")."""
    parts = [param.help, choice_legend(param)]
    if notes:
        parts.append(t("help.notes", notes=t("help.note_separator").join(notes)))
    return "  ".join(part for part in parts if part)


class Option(Utf8Only, click.Option):
    help = HelpKey()

    def get_help_record(self, ctx):
        """click's record with its notes (default, required) translated. (ipcli's help texts name their
        environment variables themselves: no option sets show_envvar.)"""
        if self.hidden:
            return None
        extra = self.get_help_extra(ctx)
        notes = [t("help.default", value=extra["default"])] if "default" in extra else []
        notes += [t("help.required")] if "required" in extra else []
        return self.get_help_spec(ctx), help_text(self, notes)


class Argument(Utf8Only, click.Argument):
    help = HelpKey()

    def __init__(self, param_decls, help=None, **attrs):
        super().__init__(param_decls, **attrs)
        self.help = help


class UsageWords:
    """Words of the usage line that click sets in __init__ ("[OPTIONS]", "COMMAND [ARGS]..."), read as
    their translation."""

    def __init__(self, key: str):
        self.key = key

    def __get__(self, obj, owner=None):
        return self if obj is None else t(self.key)

    def __set__(self, obj, value):
        pass  # click's English words: the translation is read instead


class TranslatedHelp:
    """Mixin for commands and groups: help keys, translated headings, usage words and help option, and the
    root's global options also after the subcommand (CLI.md)."""

    help = HelpKey()
    context_class = Context

    options_metavar = UsageWords("help.options_metavar")
    subcommand_metavar = UsageWords("help.subcommand_metavar")

    def format_help(self, ctx, formatter):
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        self.format_arguments(ctx, formatter)
        self.format_options(ctx, formatter)
        self.format_epilog(ctx, formatter)

    def get_params(self, ctx):
        params = super().get_params(ctx)
        root = ctx.find_root()
        if root is ctx:
            return params
        taken = {name for param in params for name in param.opts}
        return params + [option for option in getattr(root.command, "options_anywhere", ())
                         if taken.isdisjoint(option.opts)]

    def format_usage(self, ctx, formatter):
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=t("help.usage") + " ")

    def format_arguments(self, ctx, formatter):
        records = [(p.make_metavar(ctx), help_text(p, [])) for p in self.get_params(ctx) if isinstance(p, Argument)]
        if records:
            with formatter.section(t("help.arguments")):
                formatter.write_dl(records)

    def format_options(self, ctx, formatter):
        records = [r for p in self.get_params(ctx)
                   if not isinstance(p, click.Argument) and (r := p.get_help_record(ctx)) is not None]
        if records:
            with formatter.section(t("help.options")):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def get_help_option(self, ctx):
        help_option = super().get_help_option(ctx)
        if help_option is not None:
            help_option.help = t("help.help_option")
        return help_option


class Command(TranslatedHelp, click.Command):
    def parse_args(self, ctx, args):
        """click's own refusal of extra arguments echoes all of them, untranslated: this one is cut."""
        allowed, ctx.allow_extra_args = ctx.allow_extra_args, True
        try:
            rest = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            raise click.UsageError(t("err.extra_args", value=shortened(" ".join(rest))), ctx)
        return rest


class Group(TranslatedHelp, click.Group):
    command_class = Command

    def resolve_command(self, ctx, args):
        """An unknown command is a usage error with a guess, except while the shell completes a command line
        (click parses it resiliently then): completion offers nothing for it and prints nothing."""
        if (args and not args[0].startswith("-") and not ctx.resilient_parsing
                and self.get_command(ctx, args[0]) is None):
            message = t("err.no_such_command", value=shortened(args[0]))
            raise click.UsageError(with_guess(message, args[0], self.list_commands(ctx)), ctx)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx, formatter):
        rows = [(name, self.short_help_of(ctx, name)) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section(t("help.commands")):
                formatter.write_dl(rows)

    def short_help_of(self, ctx, name: str) -> str:
        return self.get_command(ctx, name).get_short_help_str(limit=60)


Group.group_class = Group


def with_guess(message: str, name: str, names) -> str:
    """A refusal of a mistyped `name`, with the one of `names` most like it, if any is ("did you mean")."""
    guesses = get_close_matches(name, names, n=1)
    return t("err.did_you_mean", message=message, guess=guesses[0]) if guesses else message


def option(*names, **kwargs):
    return click.option(*names, cls=Option, **kwargs)


def argument(*names, **kwargs):
    return click.argument(*names, cls=Argument, **kwargs)


class Refusing:
    """Mixin of the value types: a refusal names the value, cut to a short line, and its rule."""

    def refuse(self, key: str, value, param, ctx, rule: str | None = None, **params):
        message = t(key, value=shortened(str(value)), **params)
        self.fail(f"{message} [{rule}]" if rule else message, param, ctx)


class Choice(Refusing, click.Choice):
    """One of `choices`, also written by its Chinese name (ipcli.i18n.aliases)."""

    def convert(self, value, param, ctx):
        if value in self.choices:
            return value
        from ipcli.i18n.aliases import code_of

        code = code_of(value, self.choices) if isinstance(value, str) else None
        if code is None:
            self.refuse("err.choice", value, param, ctx, choices=", ".join(self.choices))
        return code


LARGEST_INTEGER = 2 ** 63 - 1  # SQLite's INTEGER


class IntRange(Refusing, click.ParamType):
    name = "integer"

    def __init__(self, low: int | None = None, high: int | None = None, rule: str | None = None):
        self.low, self.high, self.rule = low, high, rule

    def convert(self, value, param, ctx):
        from ipcli.rules.written import half_width

        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", half_width(value)):
            try:
                number = int(half_width(value))
            except ValueError:  # more digits than int() converts
                self.refuse("err.not_integer", value, param, ctx)
        else:
            self.refuse("err.not_integer", value, param, ctx)
        if self.low is not None and number < self.low:
            self.refuse("err.too_small", number, param, ctx, self.rule, limit=self.low)
        high = LARGEST_INTEGER if self.high is None else self.high  # an id or limit goes to SQLite
        if number > high:
            self.refuse("err.too_large", number, param, ctx, self.rule, limit=high)
        return number


LARGEST_AMOUNT = 10 ** 12  # a trillion yuan: above any contract, and exact to the fen as a float


class Amount(Refusing, click.ParamType):
    """An amount of money in CNY as people write it (ipcli.rules.written: 3,000,000, 300万, 0.5亿元),
    at least `low` (above it when `open_low`)."""

    name = "cny"

    def __init__(self, low: float = 0, open_low: bool = False):
        self.low, self.open_low = low, open_low

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)):
            return value
        from ipcli.rules.written import NotAnAmount, parse_amount

        try:
            number = parse_amount(str(value))
        except NotAnAmount:
            self.refuse("err.not_amount", value, param, ctx)
        if number < self.low or (self.open_low and number == self.low):
            self.refuse("err.too_small", value, param, ctx, limit=self.low)
        if number > LARGEST_AMOUNT:  # 20 digits would overflow SQLite's INTEGER
            self.refuse("err.too_large", value, param, ctx, limit=LARGEST_AMOUNT)
        return int(number) if number == number.to_integral_value() else float(number)


class DateType(Refusing, click.ParamType):
    """A calendar date as people write it (ipcli.rules.dates.parse_date: 2025-6-1, 2025/6/1, 20250601,
    2025年6月1日, today), within the years ipcli supports. `today` is the --today of the command line."""

    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        from ipcli.rules.dates import EARLIEST, LATEST, DateProblem, parse_date

        app = ctx.find_object(App) if ctx is not None else None
        try:
            return parse_date(str(value), today=app.today if app else None)
        except DateProblem as problem:
            self.refuse(f"err.{problem.kind}", value, param, ctx, low=EARLIEST, high=LATEST)


DATE = DateType()
TODAY = "today"  # the default of a date the counter receives today (--filed, --paid, --on)


class PathText(click.ParamType):
    """A file or directory name, as given (ipcli.files checks what it names). An empty name is a usage
    error: it would otherwise mean the current directory."""

    name = "path"

    def convert(self, value, param, ctx):
        if str(value) == "":
            self.fail(t("err.empty_path"), param, ctx)
        return str(value)


PATH = PathText()


def one_of(ctx, **given) -> str:
    """The single option of `given` that was set; a usage error unless exactly one was."""
    chosen = [name for name, value in given.items() if value is not None]
    if len(chosen) != 1:
        names = " | ".join(f"--{name}" for name in given)
        raise click.UsageError(t("err.one_of", options=names), ctx)
    return chosen[0]


def event_or_notice(ctx, start, dispatched, served) -> None:
    """`--from DATE` or `--dispatched DATE --served MODE`, as periods and notices are counted."""
    if one_of(ctx, **{"from": start, "dispatched": dispatched}) == "dispatched" and served is None:
        raise click.MissingParameter(ctx=ctx, param=next(p for p in ctx.command.params if p.name == "served"))
