"""Exit codes (CLI.md) and the errors that carry them.

Errors hold a message key and its parameters, never a finished sentence: the CLI translates them
(ipcli.i18n) when it prints the one line on stderr. This module has no I/O, so the pure rules layer
raises these errors too.
"""

import errno
from contextlib import contextmanager
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1          # unexpected internal error
    USAGE = 2             # bad option or value
    CHECK_FOUND = 3       # --check found due or overdue items
    CALENDAR_MISSING = 4  # holiday data missing under --strict-calendar (R-PROVISIONAL)
    REJECTED = 65         # input rejected by a rule; nothing was written (EX_DATAERR)
    DELIVERY_FAILED = 69  # mail or webhook delivery failed (EX_UNAVAILABLE)
    REGISTER_UNUSABLE = 74  # the register cannot be read or written (EX_IOERR)
    BUSY = 75             # database busy past the timeout (EX_TEMPFAIL)
    CONFIG = 78           # configuration missing or invalid (EX_CONFIG)
    INTERRUPTED = 130     # Ctrl-C
    BROKEN_PIPE = 141     # stdout closed early (`| head`), as other Unix tools report it


class IpcliError(Exception):
    """An error the user can act on; `key` and `params` make its message, `rule` cites RULES.md."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, key: str, rule: str | None = None, **params):
        super().__init__(key, rule, params)
        self.key = key
        self.rule = rule
        self.params = params

    def __reduce__(self):
        # Pickled with its parameters (an import's worker processes send refusals to the parent).
        return _restored, (type(self), self.key, self.rule, self.params)


def _restored(cls, key: str, rule: str | None, params: dict) -> IpcliError:
    return cls(key, rule, **params)


class UsageProblem(IpcliError):
    exit_code = ExitCode.USAGE


def os_reason(error: OSError) -> str:
    """Why a file or a connection could not be used, for a message: the system's words in the reader's
    language where the catalog has them (`oserror.ENOENT`), else as the system gave them."""
    from ipcli.i18n import catalog, get_language

    name = errno.errorcode.get(error.errno or 0)
    translated = catalog(get_language()).get(f"oserror.{name}") if name else None
    return translated or error.strerror or str(error) or type(error).__name__


@contextmanager
def os_errors_as(key: str, error_class: type[IpcliError] = UsageProblem, **params):
    """An OSError inside becomes error_class(key, **params, reason=...): one line, never a traceback."""
    try:
        yield
    except OSError as error:
        raise error_class(key, **params, reason=os_reason(error)) from None


class Rejected(IpcliError):
    """Input that a rule refuses."""

    exit_code = ExitCode.REJECTED


class CalendarMissing(IpcliError):
    exit_code = ExitCode.CALENDAR_MISSING


class ConfigError(IpcliError):
    exit_code = ExitCode.CONFIG


class Busy(IpcliError):
    """The database stayed locked by another writer past the busy timeout."""

    exit_code = ExitCode.BUSY


class RegisterUnusable(IpcliError):
    """The register file cannot be read or written: no database, damaged, read-only, or its disk is full."""

    exit_code = ExitCode.REGISTER_UNUSABLE


class NotFound(IpcliError):
    """A right or record named on the command line is not in the register."""

    exit_code = ExitCode.REJECTED


class Unavailable(IpcliError):
    """A remote source (a download) could not be reached or gave no usable answer (EX_UNAVAILABLE)."""

    exit_code = ExitCode.DELIVERY_FAILED
