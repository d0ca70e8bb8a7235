"""The words people write for ipcli's codes: wherever a code is accepted (an option's choice, a kind,
type or reduction column of an import), its Chinese name is accepted too. A code's names are its zh
and en labels (`value.<code>`), so the word ipcli shows (in a table, or a sheet it exports) is a word it
reads, and the words below."""

from functools import cache

from ipcli.i18n import catalog
from ipcli.rules.written import half_width

# Besides the labels; a word people are sure to write is listed even where it is the label today.
WORDS = {
    # mark kinds, licence kinds, transfer kinds
    "ordinary": ("普通", "普通商标", "普通许可"),
    "collective": ("集体", "集体商标"),
    "certification": ("证明", "证明商标"),
    "exclusive": ("独占",),
    "sole": ("排他",),
    "assignment": ("转让",),
    # filing types
    "renewal": ("续展",),
    "transfer": ("转让",),
    "license": ("许可备案", "licence"),
    "pledge": ("质权登记", "质押登记"),
    "pledge_extension": ("质押延期",),
    "pledge_change": ("质押变更",),
    "pledge_release": ("质押注销",),
    # filing statuses; a window 受理s (takes in) what it receives, as in 商标业务受理窗口
    "received": ("收件", "受理", "已受理"),
    "ready": ("待报",),
    "exported": ("导出",),
    "submitted": ("报送", "已提交"),
    "accepted": ("核准",),
    "rejected": ("驳回",),
    "withdrawn": ("撤回",),
    # patent types
    "invention": ("发明", "发明专利"),
    "utility": ("实用新型", "实用新型专利"),
    "design": ("外观设计", "外观设计专利", "外观"),
    # fee reductions (FEE-REDUCTION, FEE-OPEN-LICENSE)
    "none": ("无", "不减缴"),
    "85": ("85%", "减缴85%"),
    "70": ("70%", "减缴70%"),
    "open": ("开放许可",),
    # offices, service of documents
    "trademark": ("商标", "商标局"),
    "patent": ("专利局",),
    "electronic": ("电子送达",),
    "paper": ("纸件", "纸质送达"),
    # stats --by
    "window": ("窗口",),
    "type": ("类型",),
    "month": ("月份",),
    "owner": ("权利人",),
}
# Codes whose zh label names another thing of the same code: "open" is shown as 未办结 (an open
# deadline), but the reduction "open" is an open licence.
UNLABELLED = frozenset({"open"})


LABEL_LANGUAGES = ("zh", "en")


def names(code: str) -> tuple[str, ...]:
    """The words read as `code`: its zh and en labels (also those it has in one field, output.code_label)
    and WORDS."""
    labels = () if code in UNLABELLED else (catalog(language).get(f"value.{code}") for language in LABEL_LANGUAGES)
    return tuple(filter(None, labels)) + _field_labels().get(code, ()) + WORDS.get(code, ())


@cache
def _field_labels() -> dict[str, tuple[str, ...]]:
    """{code: its labels in a field, `value.<field>.<code>`, in both languages}."""
    found = {}
    for language in LABEL_LANGUAGES:
        for key, text in catalog(language).items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "value":
                found.setdefault(parts[2], []).append(text)
    return {code: tuple(texts) for code, texts in found.items()}


def code_of(text: str, codes) -> str | None:
    """The one code of `codes` that `text` writes (the code itself, in any case, or one of its names);
    None when it writes none, or more than one."""
    if text in codes:
        return text
    word = half_width(text).strip()
    found = {code for code in codes
             if word.casefold() in (code.casefold(), *(half_width(name).casefold() for name in names(code)))}
    return found.pop() if len(found) == 1 else None
