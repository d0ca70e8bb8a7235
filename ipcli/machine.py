"""What belongs to this machine rather than to a register: its settings (the default window of the filings
entered here) and the export intents of its PostgreSQL registers, kept in the user's application directory
(click.get_app_dir: ~/.config/ipcli on Linux, $XDG_CONFIG_HOME/ipcli when set). A shared register on a
server never holds them: every machine has its own.

The settings are one JSON object in `settings.json` there, written by `ipcli window set-default` (whole
or not at all, mode 0600, the directory created with mode 0700) and readable by hand."""

import json
from contextlib import contextmanager
from pathlib import Path

from ipcli.errors import ConfigError, Rejected, UsageProblem, os_errors_as

SETTINGS_FILE = "settings.json"
SETTINGS_BYTES = 1 << 16
DEFAULT_WINDOW = "default_window"
PRIVATE_DIRECTORY = 0o700


def app_dir() -> Path:
    import click

    return Path(click.get_app_dir("ipcli"))


def make_private_directory(directory: Path) -> None:
    """`directory`, created with mode 0700 when missing (its missing parents as `mkdir -p` makes them); one
    that exists is left as it is."""
    directory.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)


def settings_path() -> Path:
    return app_dir() / SETTINGS_FILE


def default_window() -> str | None:
    """The window that filings entered on this machine carry when none is given (`window set-default`)."""
    from ipcli.register.stats import WINDOW_CODE

    code = _read_settings().get(DEFAULT_WINDOW)
    if code is not None and not (isinstance(code, str) and WINDOW_CODE.fullmatch(code)):
        raise ConfigError("machine.setting_invalid", path=str(settings_path()), setting=DEFAULT_WINDOW, value=code)
    return code


def put_default_window(code: str | None) -> None:
    _put_setting(DEFAULT_WINDOW, code)


def _put_setting(key: str, value: str | None) -> None:
    """Keep `value` as this machine's setting `key` (None: remove it); the file's other keys stay."""
    from ipcli import files

    settings = _read_settings()
    if value is None:
        settings.pop(key, None)
    else:
        settings[key] = value
    path = settings_path()
    with _as_configuration(), os_errors_as("err.file_unwritable", ConfigError, file=str(path)):
        make_private_directory(path.parent)
        with files.replacing(path) as temporary:
            temporary.write_text(json.dumps(settings, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                 encoding="utf-8")


def _read_settings() -> dict:
    """The settings file's object; {} when there is none. A file that is no JSON object is a configuration
    error naming it (exit 78), never silently ignored."""
    from ipcli import files

    path = settings_path()
    if not path.exists():
        return {}
    with _as_configuration():
        data = files.read_input(str(path), SETTINGS_BYTES)
    try:
        settings = json.loads(data.decode("utf-8"))
    except ValueError as error:  # not UTF-8, not JSON
        raise ConfigError("machine.settings_invalid", path=str(path), reason=str(error)) from None
    if not isinstance(settings, dict):
        raise ConfigError("machine.settings_invalid", path=str(path), reason=type(settings).__name__)
    return settings


@contextmanager
def _as_configuration():
    """A file error (ipcli.files: unreadable, no regular file, too large) about the settings file is a
    configuration error (exit 78), in the same words."""
    try:
        yield
    except (UsageProblem, Rejected) as error:
        raise ConfigError(error.key, rule=error.rule, **error.params) from None
