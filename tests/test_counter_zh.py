"""Chinese all through (issue 17 §5): one definition per message key, one word per thing, no English in what
a zh user reads (help, tables, show views, errors), machine formats unchanged; and shell completion."""

from collections import defaultdict
from importlib import import_module

import pytest

from ipcli.i18n import LANGUAGES, area_catalogs


def catalog_modules(language: str) -> dict[str, dict]:
    """{module: its messages in `language`} for en.py / zh.py and every area module."""
    modules = {f"ipcli/i18n/{language}.py": import_module(f"ipcli.i18n.{language}").MESSAGES}
    modules.update({f"ipcli/i18n/areas/{area}.py": messages[language] for area, messages in area_catalogs().items()})
    return modules


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_is_defined_once_per_language(language):
    places = defaultdict(list)
    for module, messages in catalog_modules(language).items():
        for key in messages:
            places[key].append(module)
    assert {key: modules for key, modules in places.items() if len(modules) > 1} == {}


def test_each_catalog_module_defines_the_same_keys_in_en_and_zh():
    en = [set(messages) for messages in catalog_modules("en").values()]
    zh = [set(messages) for messages in catalog_modules("zh").values()]
    assert [(sorted(e - z), sorted(z - e)) for e, z in zip(en, zh)] == [([], [])] * len(en)
