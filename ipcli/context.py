"""What the global options decide, handed to every command as the click context object."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import click

from ipcli.errors import CalendarMissing
from ipcli.i18n import t

# Asia/Shanghai has kept UTC+8 without daylight saving since 1991; a fixed offset needs no tz database.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def today_in_shanghai() -> date:
    return datetime.now(SHANGHAI).date()


def default_db_path() -> Path:
    return Path(click.get_app_dir("ipcli")) / "ipcli.db"


@dataclass
class App:
    db_path: Path
    today: date
    strict_calendar: bool = False
    color: str = "auto"
    quiet: bool = False
    _calendar: object = field(default=None, repr=False)

    def calendar(self):
        if self._calendar is None:
            from ipcli.rules.calendar import WorkCalendar

            self._calendar = WorkCalendar()
        return self._calendar

    def warn(self, key: str, **params) -> None:
        if not self.quiet:
            click.echo(t("msg.warning_prefix") + t(key, **params), err=True)

    def check_calendar(self, missing_years) -> None:
        """R-PROVISIONAL: name the missing holiday years on stderr, or refuse under --strict-calendar."""
        if not missing_years:
            return
        years = ", ".join(str(y) for y in sorted(missing_years))
        if self.strict_calendar:
            raise CalendarMissing("err.calendar_missing", rule="R-PROVISIONAL", years=years)
        self.warn("warn.provisional", years=years)

    def emit(self, data, fmt: str | None) -> None:
        from ipcli.output import emit

        emit(data, fmt, color=self.color, quiet=self.quiet)


def get_app() -> App:
    return click.get_current_context().find_object(App)
