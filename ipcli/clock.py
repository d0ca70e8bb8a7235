"""Time as ipcli tells it: Asia/Shanghai. Every timestamp ipcli stores or prints is ISO 8601 with the
+08:00 offset; timestamps stored in UTC by earlier releases stay valid instants, shown in Shanghai time."""

from datetime import date, datetime, timedelta, timezone

# Asia/Shanghai has kept UTC+8 without daylight saving since 1991; a fixed offset needs no tz database.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def today_in_shanghai() -> date:
    return datetime.now(SHANGHAI).date()


def now_stamp() -> str:
    """Now, to the second, as ISO 8601 with the Asia/Shanghai offset: 2026-11-21T09:30:00+08:00."""
    return stamp_of(datetime.now(SHANGHAI))


def stamp_of(moment: datetime) -> str:
    """An instant (with its offset) as ipcli stores it: to the second, with the Asia/Shanghai offset."""
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


def in_shanghai(stamp):
    """A stored timestamp as ipcli shows it: the same instant with the +08:00 offset. A value without an
    offset, or no timestamp at all, is shown as it is."""
    if not isinstance(stamp, str):
        return stamp
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        return stamp
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")
