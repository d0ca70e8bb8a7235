"""What the global options decide, handed to every command as the click context object."""

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click

from ipcli.clock import today_in_shanghai
from ipcli.db.location import RegisterLocation, SqliteLocation
from ipcli.errors import CalendarMissing, ConfigError
from ipcli.i18n import t
from ipcli.literal import unencodable


def default_register() -> RegisterLocation:
    return SqliteLocation(Path(click.get_app_dir("ipcli")) / "ipcli.db")


def require_register(register: RegisterLocation) -> None:
    """A command that only reads the register: none there is a configuration error (exit 78) naming
    where and how to make one, and nothing is created there."""
    if not register.exists():
        key = "register.none_default" if register == default_register() else register.NO_REGISTER
        raise ConfigError(key, path=str(register))


@dataclass
class App:
    """Made before the command line is read; each global option, before or after the subcommand,
    sets its field (ipcli.cli)."""

    register: RegisterLocation = field(default_factory=default_register)
    today: date = field(default_factory=today_in_shanghai)
    strict_calendar: bool = False
    color: str = "auto"
    quiet: bool = False
    fmt: str | None = None  # --format before the subcommand: the default of the command's own
    _calendar: object = field(default=None, repr=False)
    _store: object = field(default=None, repr=False)
    _key_dates: object = field(default=None, repr=False)
    _warned_years: set = field(default_factory=set, repr=False)

    @property
    def operator(self) -> str:
        """Who is writing, for the journal: IPCLI_OPERATOR, else the OS user."""
        import getpass

        return environment_text("IPCLI_OPERATOR") or getpass.getuser()

    def store(self):
        """The register database, opened (and created, migrated) on first use; a command that only reads
        it (ipcli.access) creates nothing."""
        if self._store is None:
            from ipcli.access import READ, access_of

            ctx = click.get_current_context()
            if access_of(ctx) == READ:
                require_register(self.register)
            self._store = self.register.open(operator=self.operator, command=ctx.command_path)
            ctx.call_on_close(self._store.close)
            self._settle_interrupted_exports()
        return self._store

    def _settle_interrupted_exports(self) -> None:
        """An export killed while publishing its files is settled by the next command that opens the
        register (ipcli.register.publication); the user hears of the ones undone, and of files that
        could not be removed (settled again by the next command)."""
        from ipcli.register.publication import pending_intents

        if pending_intents(self.register.intents_prefix()):
            from ipcli.register.batches import recover_exports

            for settled in recover_exports(self._store):
                if settled.problem:
                    self.warn("batch.export_unsettled", batch=settled.batch_id, reason=settled.problem)
                elif not settled.committed:
                    self.warn("batch.export_undone", batch=settled.batch_id)

    def calendar(self):
        """The working-day calendar: bundled years, overridden by years imported into the database."""
        if self._calendar is None:
            from ipcli.rules.calendar import WorkCalendar, parse_holiday_cn

            documents = self._imported_calendar_documents()
            self._calendar = WorkCalendar({year: parse_holiday_cn(doc, year) for year, doc in documents.items()})
        return self._calendar

    def desk(self, window: str | None = None, silent: bool = False):
        """The counter where filings are entered: the register, its dates and its checks.

        A silent desk neither warns nor refuses provisional dates (for the sample portfolio). Without
        `window` (--window, IPCLI_WINDOW), filings carry this machine's default window (`window set-default`).
        """
        from ipcli.register.desk import Desk
        from ipcli.register.stats import default_window

        store = self.store()
        window = window or default_window(store)
        if silent:
            return Desk(store, self.key_dates(), self.today, _ignore, _ignore, window)
        return Desk(store, self.key_dates(), self.today, self.warn, self.check_calendar, window)

    def key_dates(self):
        if self._key_dates is None:
            from ipcli.register.rights import KeyDates

            self._key_dates = KeyDates(self.calendar())
        return self._key_dates

    def _imported_calendar_documents(self) -> dict:
        if self._store is not None:
            return self._store.calendar_documents()
        return self.register.calendar_documents()

    def warn(self, key: str, **params) -> None:
        if not self.quiet:
            from ipcli.output import stderr_line

            stderr_line(t("msg.warning_prefix") + t(key, **params))

    def note(self, key: str, **params) -> None:
        """A line on stderr that is neither data nor an error (not with --quiet); code values translated."""
        if not self.quiet:
            from ipcli.i18n import localize_codes
            from ipcli.output import stderr_line

            stderr_line(t(key, **localize_codes(params)))

    def check_calendar(self, missing_years) -> None:
        """R-PROVISIONAL: name the missing holiday years on stderr, or refuse under --strict-calendar."""
        if not missing_years:
            return
        years = ", ".join(str(y) for y in sorted(missing_years))
        if self.strict_calendar:
            raise CalendarMissing("err.calendar_missing", rule="R-PROVISIONAL", years=years)
        unwarned = set(missing_years) - self._warned_years
        if unwarned:
            self._warned_years |= unwarned
            self.warn("warn.provisional", years=", ".join(str(y) for y in sorted(unwarned)))

    def emit(self, data, fmt: str | None, view=None, **empty_params) -> None:
        """Print `data` as its `view` (ipcli.views) shows it, with the command's --columns, --wide, --out and
        --bom; `empty_params` fill in the view's message for an empty listing."""
        from ipcli.output import BOM_META, COLUMNS_META, WIDE_META, emit
        from ipcli.views import ALL_FIELDS

        meta = click.get_current_context().meta
        emit(data, self.output_format(fmt), color=self.color, quiet=self.quiet, view=view or ALL_FIELDS,
             columns=meta.get(COLUMNS_META), wide=meta.get(WIDE_META, False), empty_params=empty_params,
             out=self._destination(), bom=meta.get(BOM_META))

    def output_format(self, fmt: str | None, extra: tuple = ()) -> str:
        """--format; else the format that --out FILE's suffix names, tsv for another file; else table on a
        terminal and tsv when piped."""
        from ipcli.output import resolve_format

        if fmt or self.out_file is None:
            return resolve_format(fmt)
        return self.format_of_out(extra) or "tsv"

    def format_of_out(self, extra: tuple = ()) -> str | None:
        """The format that --out FILE's suffix names (marks.xlsx), if any; `extra`: the command's own formats."""
        from ipcli.clickext import FORMATS
        from ipcli.output import format_of_name

        return format_of_name(self.out_file, FORMATS + extra) if self.out_file else None

    @property
    def out_file(self) -> str | None:
        """--out FILE of a command that prints data (ipcli.output.format_option)."""
        from ipcli.output import OUT_META

        return click.get_current_context().meta.get(OUT_META)

    def write(self, text: str | bytes) -> None:
        """What a command renders itself (a calendar file, a sentence, a template workbook) to stdout or
        --out FILE."""
        from ipcli.output import write_out

        write_out([text], self._destination())

    def _destination(self):
        """Where --out FILE is written (ipcli.files), checked before anything is drawn; None for stdout."""
        if self.out_file is None:
            return None
        from ipcli import files

        return files.output_path(self.out_file, self.register, devices=True)


def _ignore(*args, **kwargs) -> None:
    return None


def environment_text(name: str) -> str | None:
    """A variable that ipcli reads itself (not through an option, which refuses such values as a usage
    error): a configuration error when it holds bytes that are not UTF-8, which could be neither
    printed nor stored."""
    value = os.environ.get(name) or None
    if value and (byte := unencodable(value)):
        raise ConfigError("err.env_not_utf8", name=name, byte=byte)
    return value


def get_app() -> App:
    return click.get_current_context().find_object(App)
