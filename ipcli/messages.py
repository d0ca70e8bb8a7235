"""The one line an error of ipcli's own becomes: its message in the reader's language, its values
shortened where they are long, and the rule it cites. Used by the root command for the error that
ends a command, and by commands that list several problems (an import, `db check`)."""

from ipcli.errors import IpcliError
from ipcli.i18n import localize_codes, t
from ipcli.literal import Sentence, shortened


def error_message(error: IpcliError) -> str:
    params = {name: shortened(value) if isinstance(value, str) and not isinstance(value, Sentence) else value
              for name, value in localize_codes(error.params).items()}
    text = t(error.key, **params)
    return f"{text} [{error.rule}]" if error.rule else text
