"""The columns of `mark import` and `patent import`, and the names people give them: a CSV or
workbook header, or the keys of a JSONL object (README "Importing marks and patents" lists them).

A header name is read trimmed (full-width spaces too), in half-width characters and in any case, as
its column's own name, one of its ALIASES, or the label that ipcli's listings print for it in English
or Chinese (`field.<column>` of the catalog), so that an exported sheet with translated headers
imports back. Aliases are per kind: 名称 is a mark's name but a patent's title.
"""

from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from ipcli.errors import Rejected
from ipcli.literal import Sentence
from ipcli.rules.written import half_width

# Rule ids of the import's own refusals (README "Importing marks and patents").
ENCODING_RULE = "IMPORT-ENCODING"    # bytes that are neither UTF-8 nor GB18030 text
FORMAT_RULE = "IMPORT-FORMAT"        # the shape of the file: header, columns, quoting, JSON, value types
DATE_RULE = "IMPORT-DATE"            # a date not written as people write one, not a calendar date, or out of range
NUMBER_RULE = "IMPORT-NUMBER"        # an identifier a workbook stored as a number, which may have lost digits
DUPLICATE_RULE = "IMPORT-DUPLICATE"  # the same right twice in one input
CONFLICT_RULE = "IMPORT-CONFLICT"    # a right stored with other data, without --update

MAX_COLUMNS = 1_000  # a header of more columns is refused before any row is read

_OWNER = ("权利人", "注册人", "申请人", "专利权人", "所有人")
_OWNER_ID = ("证件号码", "证件号", "统一社会信用代码", "身份证号", "身份证号码", "信用代码")
_WINDOW = ("窗口", "受理窗口")

# The names besides a column's own and its labels, by kind and column.
ALIASES = {
    "mark": {
        "reg_no": ("注册号", "商标注册号", "注册证号"),
        "classes": ("类别", "国际分类", "类别号", "商品类别", "尼斯分类"),
        "name": ("商标名称", "商标", "名称"),
        "owner": _OWNER,
        "owner_id": _OWNER_ID,
        "kind": ("商标类型", "种类", "商标种类"),
        "registered_on": ("注册日期", "注册日"),
        "term_starts_on": ("专用期起始日", "续展后起始日", "有效期起始日"),
        "window": _WINDOW,
    },
    "patent": {
        "app_no": ("申请号", "专利号", "专利申请号"),
        "type": ("类型", "专利类型"),
        "filed_on": ("申请日", "申请日期"),
        "granted_on": ("授权日", "授权公告日", "授权日期"),
        "title": ("专利名称", "名称", "发明名称"),
        "owner": _OWNER,
        "owner_id": _OWNER_ID,
        "paid_through": ("已缴年度", "年费已缴至"),
        "reduction": ("费减", "费减比例"),
        "window": _WINDOW,
        "open_license_from": ("开放许可生效日", "开放许可日"),
        "open_license": ("是否开放许可",),
    },
}
LABEL_LANGUAGES = ("en", "zh")
# Yes/no columns: a JSON boolean or a TRUE/FALSE cell is read as the text true/false (rows.parse_flag).
FLAG_COLUMNS = frozenset({"open_license"})


@dataclass(frozen=True)
class Columns:
    kind: str
    names: tuple
    required: tuple


class InputRejected(Exception):
    """A problem of the whole input (encoding, header), reported at its line; no row is read."""

    def __init__(self, line: int, error: Rejected):
        super().__init__(line, error)
        self.line = line
        self.error = error


def normalized(name: str) -> str:
    return half_width(name).strip().casefold()


def accepted_names(kind: str, column: str) -> tuple[str, ...]:
    """Every name read as `column` of `kind`: its own, its aliases, its English and Chinese labels."""
    from ipcli.i18n import catalog

    labels = (catalog(language).get(f"field.{column}") for language in LABEL_LANGUAGES)
    return tuple(dict.fromkeys((column, *ALIASES[kind][column], *filter(None, labels))))


@cache
def _columns_by_name(kind: str) -> dict[str, str]:
    return {normalized(name): column for column in ALIASES[kind] for name in accepted_names(kind, column)}


def column_of(kind: str, name) -> str | None:
    """The column of `kind` that a header `name` names, or None (a column that is not read)."""
    return _columns_by_name(kind).get(normalized(name)) if type(name) is str else None


def positions(header: list, columns: Columns) -> dict[str, int]:
    """The position in `header` of each column it names. Refused: a column named twice (naming both
    names), and every required column missing, in one refusal listing the names each accepts."""
    if len(header) > MAX_COLUMNS:
        raise Rejected("import.too_many_columns", rule=FORMAT_RULE, count=len(header), limit=MAX_COLUMNS)
    found = {}
    for position, name in enumerate(header):
        column = column_of(columns.kind, name)
        if column is None:
            continue
        if column in found:
            raise _named_twice(column, header[found[column]], name)
        found[column] = position
    missing = [column for column in columns.required if column not in found]
    if missing:
        raise missing_columns(columns.kind, missing)
    return found


def missing_columns(kind: str, missing: list) -> Rejected:
    from ipcli.i18n import t

    listed = t("msg.pair_separator").join(
        t("import.accepted_names", column=column, names=", ".join(accepted_names(kind, column)))
        for column in missing)
    return Rejected("import.missing_column", rule=FORMAT_RULE, columns=Sentence(listed))


def getter(header: list, columns: Columns, line: int):
    """Reads the columns' values, in the order of columns.names, from a record with one more field
    appended, which absent columns read. One pass over the header: other columns are only skipped."""
    try:
        found = positions(header, columns)
    except Rejected as error:
        raise InputRejected(line, error) from None
    return itemgetter(*(found.get(name, len(header)) for name in columns.names))


def json_keys(keys: tuple, columns: Columns) -> tuple:
    """The key of a JSON object read as each of the columns (None for one it lacks), given its keys;
    Rejected when two keys name one column."""
    found = {}
    for key in keys:
        column = column_of(columns.kind, key)
        if column is None:
            continue
        if column in found:
            raise _named_twice(column, found[column], key)
        found[column] = key
    return tuple(found.get(name) for name in columns.names)


def _named_twice(column: str, first: str, second: str) -> Rejected:
    if normalized(first) == normalized(second):
        return Rejected("import.duplicate_column", rule=FORMAT_RULE, column=column)
    return Rejected("import.same_column", rule=FORMAT_RULE, column=column, first=first, second=second)
