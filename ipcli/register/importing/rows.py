"""How `mark import` and `patent import` validate a record into the row they write (ipcli.register.
importing.writers): MarkRows and PatentRows, and the values they read."""

from datetime import date
from functools import partial

from ipcli.db import bulk
from ipcli.db.nice_classes import class_list, classes_text
from ipcli.db.store import PATENT_COLUMNS
from ipcli.errors import Rejected
from ipcli.i18n.aliases import code_of
from ipcli.literal import unneutralised
from ipcli.register import rights
from ipcli.register.importing.columns import DATE_RULE, FORMAT_RULE, Columns
from ipcli.rules import dates, identifiers
from ipcli.rules.fees import REDUCTION_SPELLINGS
from ipcli.rules.patent import PATENT_TYPES

VALUE_RULE = rights.VALUE_RULE  # a value outside its list (kind, type, reduction)


# Values

def parse_date(text: str, column: str) -> date:
    """A date within ipcli's dates, written as the command line takes it (clickext.DATE: 2021-04-06,
    2021/4/6 as Excel writes it, 2021年4月6日, ...), but not `today`: a file means the same every day."""
    try:
        return dates.parse_date(text)
    except dates.DateProblem as problem:
        raise Rejected(f"import.{problem.kind}", rule=DATE_RULE, column=column, value=text, low=dates.EARLIEST,
                       high=dates.LATEST) from None


# Longer whole numbers are outside every column's range, and beyond SQLite's 64-bit integers.
INTEGER_MAX_DIGITS = 18


def parse_integer(text: str, column: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise Rejected("import.not_integer", rule=FORMAT_RULE, column=column, value=text)
    digits = text.lstrip("0")
    if len(digits) > INTEGER_MAX_DIGITS:
        raise Rejected("import.integer_too_large", rule=FORMAT_RULE, column=column, digits=len(digits))
    return int(digits or "0")


def _text(text: str, sheet: bool) -> str | None:
    """A free text of a record (a name, an owner, a title), None when empty. In a CSV, TSV or workbook, a
    leading ' that ipcli's export put before formula text is taken off (ipcli.literal.unneutralised)."""
    if not text:
        return None
    return unneutralised(text) if sheet and text[0] == "'" else text


# A yes/no column as the listings write it: true/false in CSV, TSV and JSONL, TRUE/FALSE cells in a
# workbook, 是/否 in a zh table.
FLAGS = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False, "是": True, "否": False}


def parse_flag(text: str, column: str) -> bool:
    flag = FLAGS.get(text.strip().casefold())
    if flag is None:
        raise Rejected("import.bad_choice", rule=VALUE_RULE, column=column, value=text, choices=", ".join(FLAGS))
    return flag


def _missing(values: tuple, columns: Columns) -> Rejected:
    for name in columns.required:
        if not values[columns.names.index(name)]:
            return Rejected("import.missing_value", rule=FORMAT_RULE, column=name)
    raise AssertionError("no required value is missing")


class Memo(dict):
    """The results of `function` by argument, each computed on first use. A refusal is not kept: a
    bad value is validated (and refused) again each time, which only bad rows pay for."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value


def _code(text: str, codes) -> str:
    """The code of `codes` that a kind, type or reduction column writes, also by its Chinese name
    (ipcli.i18n.aliases); a text that names none is kept, for its validator to refuse."""
    return code_of(text, codes) or text


def _classes_text(text: str) -> str:
    return classes_text(identifiers.nice_classes(text))


def _owner_id(text: str | None) -> str | None:
    return identifiers.owner_id(text)[1] if text else None


class Ids(dict):
    """A small id for each distinct value (a tuple): first, first + step, first + 2 * step, ... (the
    workers of ipcli.register.importing.parts number apart). take_new() hands out the values first seen since its
    last call, as (id, *value) rows for a side table."""

    def __init__(self, first: int = 0, step: int = 1):
        super().__init__()
        self._values = []
        self._first, self._step = first, step
        self._taken = 0

    def __missing__(self, value: tuple) -> int:
        number = self[value] = self._first + self._step * len(self._values)
        self._values.append(value)
        return number

    def value(self, number: int) -> tuple:
        return self._values[(number - self._first) // self._step]

    def take_new(self) -> list:
        new = [(self._first + self._step * index, *self._values[index])
               for index in range(self._taken, len(self._values))]
        self._taken = len(self._values)
        return new


# Rows: each kind validates the values of a record into the tuple it stages: (line, *the values of
# its target's `staged` columns, ipcli.db.bulk).

MARK_SHARED = bulk.MARKS.shared


class MarkRows:
    """A mark's dates and kind are checked, and its key dates computed, by mark_row itself once per
    distinct (registered_on, term_starts_on, kind); its classes and owner id by the validators mark_row
    uses, once per distinct text; its registration number on every row. The result is the row
    mark_row gives (tests/test_import.py checks that they agree), staged with its shared values named
    by an id."""

    kind = "mark"
    target = bulk.MARKS
    sheet = False  # read from CSV, TSV or XLSX (_text)
    columns = Columns("mark", ("reg_no", "classes", "name", "owner", "owner_id", "kind", "registered_on",
                               "term_starts_on", "window"), required=("reg_no", "classes", "registered_on"))
    # What `mark import` compares with a stored mark to call a row unchanged.
    compared = ("classes", "name", "owner", "owner_id", "kind", "registered_on", "term_starts_on", "window")
    PLACEHOLDER = {"reg_no": "1", "classes": (1,)}

    def __init__(self, key_dates: rights.KeyDates):
        self.key_dates = key_dates
        self.missing_years = set()
        self.restart_ids(0, 1)
        self._classes = Memo(_classes_text)
        self._owner_id = Memo(_owner_id)

    def validate(self, line: int, values: tuple) -> tuple:
        reg_no, classes, name, owner, owner_id, kind, registered_on, term_starts_on, window = values
        if not (reg_no and classes and registered_on):
            raise _missing(values, self.columns)
        # In mark_row's order, so that a row with several faults is refused for the same one.
        shared = self._shared.get(f"{registered_on}|{term_starts_on or ''}|{kind or ''}")
        if shared is None:
            shared = self._shared_id(registered_on, term_starts_on, kind)
        # A number of 1 to 8 ASCII digits is its own canonical form; any other goes through the rule.
        if not (len(reg_no) <= identifiers.TM_REG_NO_MAX_DIGITS and reg_no.isdigit() and reg_no.isascii()):
            reg_no = identifiers.trademark_reg_no(reg_no)
        return (line, reg_no, self._classes[classes], _text(name, self.sheet), _text(owner, self.sheet),
                self._owner_id[owner_id], window or None, shared)

    def take_new(self) -> list:
        """The shared rows first seen since the last call, for bulk.stage_rows."""
        return self._shared_ids.take_new()

    def restart_ids(self, part: int, parts: int) -> None:
        """Shared ids afresh, for reading part `part` of `parts`: none of them another part's."""
        self._shared_ids = Ids(part, parts)
        # The shared id of each valid "registered_on|term_starts_on|kind" as given: no valid date or
        # kind holds a "|", so such a key stands for one triple, and a triple with a "|" is never found.
        self._shared = {}

    def row(self, staged: tuple) -> dict:
        """The mark of a staged row, as mark_row gives it."""
        own = dict(zip(("line",) + self.target.staged, staged))
        return {**{column: own[column] for column in self.target.own}, "classes": class_list(own["classes"]),
                **dict(zip(MARK_SHARED, self._shared_ids.value(own[bulk.SHARED])))}

    def _shared_id(self, registered_on: str, term_starts_on: str | None, kind: str | None) -> int:
        """mark_row's checks of the dates and kind, and the key dates it computes from them."""
        registered = parse_date(registered_on, "registered_on")
        term = parse_date(term_starts_on, "term_starts_on") if term_starts_on else None
        row = rights.mark_row(self.key_dates, **self.PLACEHOLDER, registered_on=registered, term_starts_on=term,
                              **({"kind": _code(kind, rights.MARK_KINDS)} if kind else {}))
        self.missing_years |= rights.missing_years(self.key_dates, row)
        number = self._shared[f"{registered_on}|{term_starts_on or ''}|{kind or ''}"] = \
            self._shared_ids[tuple(row[column] for column in MARK_SHARED)]
        return number


class PatentRows:
    kind = "patent"
    target = bulk.PATENTS
    sheet = False
    columns = Columns("patent", ("app_no", "type", "filed_on", "granted_on", "title", "owner", "owner_id",
                                 "paid_through", "reduction", "window", "open_license_from", "open_license"),
                      required=("app_no", "filed_on"))
    compared = ("type", "filed_on", "granted_on", "title", "owner", "owner_id", "paid_through", "reduction",
                "open_license", "open_license_from", "window")

    def __init__(self, key_dates: rights.KeyDates):
        self.key_dates = key_dates
        self.missing_years = set()
        self._filed_on = Memo(partial(parse_date, column="filed_on"))
        self._granted_on = Memo(partial(parse_date, column="granted_on"))
        self._open_license_from = Memo(partial(parse_date, column="open_license_from"))
        self._owner_id = Memo(_owner_id)
        self._type = Memo(partial(_code, codes=PATENT_TYPES))
        self._reduction = Memo(partial(_code, codes=REDUCTION_SPELLINGS))

    def validate(self, line: int, values: tuple) -> tuple:
        (app_no, patent_type, filed_on, granted_on, title, owner, owner_id, paid_through, reduction, window,
         open_license_from, open_license) = values
        if not (app_no and filed_on):
            raise _missing(values, self.columns)
        patent_type = self._type[patent_type] if patent_type else None
        if patent_type and patent_type not in PATENT_TYPES:
            raise Rejected("import.bad_choice", rule=VALUE_RULE, column="type", value=patent_type,
                           choices=", ".join(PATENT_TYPES))
        row = rights.patent_row(
            self.key_dates, app_no=app_no, filed_on=self._filed_on[filed_on], patent_type=patent_type,
            granted_on=self._granted_on[granted_on] if granted_on else None,
            paid_through=parse_integer(paid_through, "paid_through") if paid_through else 0,
            title=_text(title, self.sheet), owner=_text(owner, self.sheet),
            reduction=self._reduction[reduction] if reduction else "none", window=window,
            open_license=parse_flag(open_license, "open_license") if open_license else False,
            open_license_from=self._open_license_from[open_license_from] if open_license_from else None)
        row["owner_id"] = self._owner_id[owner_id]
        years = rights.missing_years(self.key_dates, row)
        if years:
            self.missing_years |= years
        return (line, *(row[column] for column in PATENT_COLUMNS))

    def take_new(self) -> list:
        return []

    def restart_ids(self, part: int, parts: int) -> None:
        """Patents share no values (MarkRows.restart_ids)."""


ROWS = {"mark": MarkRows, "patent": PatentRows}
