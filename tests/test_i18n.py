"""Both catalogs hold every message key the code uses, with the same placeholders."""

import re
import string
from pathlib import Path

import pytest

from ipcli import i18n
from ipcli.i18n import catalog, default_language, localize_codes, set_language, t
from ipcli.rules import dates, identifiers, patent, trademark

SOURCE = Path(i18n.__file__).parents[1]
KEY_PREFIXES = ("arg", "step", "err", "warn", "msg", "help", "opt", "holiday", "patent", "annuity", "id", "mark",
                "right", "filing", "renewal", "license", "pledge", "calendar", "import", "digest", "batch",
                "window", "stats", "report", "db", "net")
LITERAL_KEY = re.compile(r'"((?:%s)\.[a-z_0-9]+)"' % "|".join(KEY_PREFIXES))


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def keys_in_source() -> set[str]:
    keys = set()
    for path in SOURCE.rglob("*.py"):
        if path.parent.name != "i18n":
            keys |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    return keys


def dynamic_keys() -> set[str]:
    """Keys the code builds from codes (f-strings)."""
    return ({f"step.renewal_{s}" for s in trademark.RENEWAL_STATUSES}
            | {f"step.annuity_status_{s}" for s in (patent.NOT_DUE, patent.ON_TIME, patent.IN_GRACE, patent.LAPSED)}
            | {f"step.paid_{s}" for s in (patent.NOT_DUE, patent.ON_TIME)}
            | {f"step.tm_service_{m}" for m in ("electronic", "paper")}
            | {f"{area}.{kind}" for area in ("err", "import", "batch")
               for kind in (dates.NOT_ISO_FORMAT, dates.NOT_A_CALENDAR_DATE, dates.OUT_OF_RANGE)}
            | {f"{area}.{dates.AMBIGUOUS}" for area in ("err", "import")})


def test_catalogs_have_the_same_keys():
    assert set(catalog("en")) == set(catalog("zh"))


@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_catalogs_have_the_same_placeholders(key):
    assert placeholders(catalog("en")[key]) == placeholders(catalog("zh")[key])


def test_every_key_the_code_uses_is_translated():
    used = keys_in_source() | dynamic_keys() | set(identifiers.MESSAGE_KEYS)
    assert len(used) > 100
    assert sorted(used - set(catalog("en"))) == []


def test_language_choice_follows_cli_contract():
    assert default_language({"IPCLI_LANG": "zh", "LANG": "en_US.UTF-8"}) == "zh"
    assert default_language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert default_language({"LANG": "en_GB.UTF-8"}) == "en"
    assert default_language({}) == "en"
    assert default_language({"IPCLI_LANG": "fr", "LANG": "zh_TW"}) == "zh"


def test_t_formats_dates_and_translates_codes():
    from datetime import date

    set_language("zh")
    try:
        assert t("step.working_day", **localize_codes({"date": date(2024, 2, 9), "source": "bundled"})) == \
            "2024-02-09 为工作日（内置日历）"
    finally:
        set_language("en")
    assert t("err.choice", value="plant", choices="a, b") == "'plant' is not one of: a, b"
