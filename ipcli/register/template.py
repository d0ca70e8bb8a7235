"""What `mark template` and `patent template` hand a client to fill in: one example row of an import, in the
columns `mark import` and `patent import` read, and a note on each column (README "Importing")."""

from datetime import date

from ipcli.i18n import t
from ipcli.output import display, label
from ipcli.register.importing.columns import accepted_names
from ipcli.register.importing.rows import ROWS

# Rows that import as they are (tests/test_template.py imports them).
EXAMPLES = {
    "mark": {"reg_no": "12345678", "classes": [9, 35], "name": "示例商标", "owner": "示例科技有限公司",
             "owner_id": "91330100MA2000001U", "kind": "ordinary", "registered_on": date(2016, 5, 7),
             "term_starts_on": None, "window": None},
    "patent": {"app_no": "201210100006.7", "type": "invention", "filed_on": date(2012, 5, 14),
               "granted_on": date(2013, 6, 18), "title": "示例发明", "owner": "示例科技有限公司",
               "owner_id": "91330100MA2000001U", "paid_through": 14, "reduction": "none", "window": None,
               "open_license_from": None, "open_license": False},
}


def example(kind: str) -> dict:
    """The example row, its keys the import's columns in their order."""
    return {column: EXAMPLES[kind][column] for column in ROWS[kind].columns.names}


def notes(kind: str) -> tuple[list[str], list[list[str]]]:
    """The headers and rows of the notes sheet: what each column holds, whether it is required, the example
    and the other header names it is read by; first a line on how to fill in and import the sheet."""
    columns = ROWS[kind].columns
    headers = [t(f"template.notes_{name}") for name in ("column", "required", "meaning", "example", "other_names")]
    rows = [["", "", t("template.notes_intro", kind=kind), "", ""]]
    for column in columns.names:
        value = EXAMPLES[kind][column]
        rows.append([label(column), t("template.yes" if column in columns.required else "template.no"),
                     t(f"template.note_{column}"), "" if value is None else display(column, value),
                     ", ".join(name for name in accepted_names(kind, column) if name != label(column))])
    return headers, rows
