"""Chinese all through (issue 17 §5): one definition per message key, one word per thing, no English in what
a zh user reads (help, tables, show views, errors), machine formats unchanged; and shell completion."""

import re
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


# One word for one thing: the terms of 商标法, 专利法, their implementing rules and the CNIPA forms.
# Each entry: a variant that must not appear in a zh message, a text it catches, a text in the right terms
# that it must let pass, and the term to write instead.
GLOSSARY = (
    (r"延迟费|延期费", "须缴延迟费", "须缴迟延费", "迟延费 (续展注册迟延费: a renewal in the grace period)"),
    (r"滞纳费", "滞纳费比例", "滞纳金比例", "滞纳金 (the late fee of a patent annual fee)"),
    (r"宽限期", "年费宽限期届满", "年费滞纳期届满；缴纳宽限费",
     "宽展期 (trademark renewal) or 滞纳期 (patent annual fee); 宽限费 is the PCT national phase fee"),
    (r"续期", "商标续期", "商标续展；续展期开始", "续展 / 续展期"),
    (r"年金", "专利年金", "专利年费", "年费"),
    (r"质权(?!人)", "没有质权 #3", "质权人同意；质押登记", "质押 / 质押登记 (注册商标专用权质押登记程序规定, "
     "专利权质押登记办法); 质权人 for the pledgee only"),
    (r"质押人", "质押人名称", "出质人名称", "出质人"),
    (r"许可登记", "许可登记期限", "许可备案期限", "许可备案"),
    (r"减免", "费用减免", "费用减缴；费减", "减缴 / 费减"),
    (r"(?<!SQLite )数据库", "数据库文件", "登记簿文件；不是 SQLite 数据库",
     "登记簿 (the register; 数据库 only in SQLite 数据库, the file format)"),
    (r"撤消", "已撤消", "已撤销；已撤回", "撤销"),
)


def test_zh_catalogs_use_one_word_for_one_thing():
    from ipcli.i18n import catalog

    found = [(key, variant, preferred) for key, text in catalog("zh").items()
             for variant, _, _, preferred in GLOSSARY if re.search(variant, text)]
    assert found == []


@pytest.mark.parametrize("variant, wrong, right, preferred", GLOSSARY)
def test_each_glossary_entry_tells_the_variant_from_the_term(variant, wrong, right, preferred):
    assert re.search(variant, wrong) and not re.search(variant, right)
