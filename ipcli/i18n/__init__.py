"""The one translation function, `t`, with zh-CN and en catalogs.

Every user-facing string (messages, help texts, table labels) is a key looked up here.
"""

import os
from datetime import date
from importlib import import_module

LANGUAGES = ("zh", "en")
_catalogs: dict[str, dict] = {}
_current: str | None = None


def default_language(environ=os.environ) -> str:
    """CLI.md: `IPCLI_LANG`, else `zh` when `LANG` starts with `zh`, else `en`."""
    chosen = environ.get("IPCLI_LANG", "")
    if chosen in LANGUAGES:
        return chosen
    return "zh" if environ.get("LANG", "").lower().startswith("zh") else "en"


def set_language(language: str) -> None:
    global _current
    _current = language


def get_language() -> str:
    if _current is None:
        set_language(default_language())
    return _current


def area_catalogs() -> dict[str, dict[str, dict]]:
    """{area: {"en": messages, "zh": messages}} for every module of ipcli/i18n/areas/."""
    import pkgutil

    from ipcli.i18n import areas

    modules = (import_module(f"ipcli.i18n.areas.{info.name}") for info in pkgutil.iter_modules(areas.__path__))
    return {module.__name__.rsplit(".", 1)[1]: {"en": module.EN, "zh": module.ZH} for module in modules}


def catalog(language: str) -> dict:
    if language not in _catalogs:
        messages = dict(import_module(f"ipcli.i18n.{language}").MESSAGES)
        for area in area_catalogs().values():
            messages.update(area[language])
        _catalogs[language] = messages
    return _catalogs[language]


def _display(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return t("value.yes" if value else "value.no")
    return str(value)


def t(key: str, **params) -> str:
    """The message `key` in the current language, with `params` filled in."""
    template = catalog(get_language()).get(key)
    if template is None:
        template = catalog("en").get(key, key)
    if not params:
        return template
    return template.format(**{name: _display(value) for name, value in params.items()})


# Message parameters that hold a code (such as "invention") shown by its translated label.
CODE_PARAMS = frozenset({"type", "channel", "item", "source", "unit", "status", "kind", "current", "numbered"})


def localize_codes(params: dict) -> dict:
    return {name: t(f"value.{value}") if name in CODE_PARAMS and isinstance(value, str) else value
            for name, value in params.items()}
