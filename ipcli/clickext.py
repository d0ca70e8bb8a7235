"""click classes whose help texts are message keys, translated when shown, and strict value types
whose refusals are translated one-liners."""

import math
import re
from datetime import date

import click

from ipcli.i18n import t
from ipcli.rules.dates import EARLIEST, ISO_DATE, LATEST


class HelpKey:
    """A `help` attribute that is set to a message key and reads as its translation."""

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        key = obj.__dict__.get("_help_key")
        return t(key) if key else None

    def __set__(self, obj, key):
        obj.__dict__["_help_key"] = key


class Option(click.Option):
    help = HelpKey()


class TranslatedHelp:
    """Mixin for commands and groups: help keys, translated headings and help option."""

    help = HelpKey()

    def format_usage(self, ctx, formatter):
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=t("help.usage") + " ")

    def format_options(self, ctx, formatter):
        records = [r for p in self.get_params(ctx) if (r := p.get_help_record(ctx)) is not None]
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
    pass


class Group(TranslatedHelp, click.Group):
    command_class = Command

    def resolve_command(self, ctx, args):
        if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None:
            raise click.UsageError(t("err.no_such_command", value=args[0]), ctx)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx, formatter):
        rows = [(name, self.short_help_of(ctx, name)) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section(t("help.commands")):
                formatter.write_dl(rows)

    def short_help_of(self, ctx, name: str) -> str:
        return self.get_command(ctx, name).get_short_help_str(limit=60)


Group.group_class = Group


def option(*names, **kwargs):
    return click.option(*names, cls=Option, **kwargs)


class Choice(click.Choice):
    def convert(self, value, param, ctx):
        if value in self.choices:
            return value
        self.fail(t("err.choice", value=value, choices=", ".join(self.choices)), param, ctx)


LARGEST_INTEGER = 2 ** 63 - 1  # SQLite's INTEGER


class IntRange(click.ParamType):
    name = "integer"

    def __init__(self, low: int | None = None, high: int | None = None, rule: str | None = None):
        self.low, self.high, self.rule = low, high, rule

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
            try:
                number = int(value)
            except ValueError:  # more digits than int() converts
                self.fail(t("err.not_integer", value=value), param, ctx)
        else:
            self.fail(t("err.not_integer", value=value), param, ctx)
        if self.low is not None and number < self.low:
            self._refuse("err.too_small", number, self.low, param, ctx)
        high = LARGEST_INTEGER if self.high is None else self.high  # an id or limit goes to SQLite
        if number > high:
            self._refuse("err.too_large", number, high, param, ctx)
        return number

    def _refuse(self, key, number, limit, param, ctx):
        rule = f" [{self.rule}]" if self.rule else ""
        self.fail(t(key, value=number, limit=limit) + rule, param, ctx)


class Amount(click.ParamType):
    """An amount of money in CNY: a plain decimal number, at least `low` (above it when `open_low`)."""

    name = "cny"

    def __init__(self, low: float = 0, open_low: bool = False):
        self.low, self.open_low = low, open_low

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)):
            return value
        if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", str(value).strip()):
            self.fail(t("err.not_amount", value=value), param, ctx)
        number = float(value)
        if not math.isfinite(number):  # too many digits: float() gives inf, which JSON cannot hold
            self.fail(t("err.not_amount", value=value), param, ctx)
        if number < self.low or (self.open_low and number == self.low):
            self.fail(t("err.too_small", value=value, limit=self.low), param, ctx)
        return int(number) if number.is_integer() else number


class DateType(click.ParamType):
    """A calendar date written YYYY-MM-DD, within the years ipcli supports."""

    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        if not ISO_DATE.fullmatch(str(value)):
            self.fail(t("err.date_format", value=value), param, ctx)
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(t("err.date_invalid", value=value), param, ctx)
        if not EARLIEST <= day <= LATEST:
            self.fail(t("err.date_range", value=value, low=EARLIEST, high=LATEST), param, ctx)
        return day


DATE = DateType()


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
