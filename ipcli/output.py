"""The one renderer of every command's data: --format table|json|jsonl|csv|tsv (CLI.md "Output").

`table` is drawn with rich on a terminal and with tabulate elsewhere; the default is `table` on a
terminal and `tsv` when stdout is piped. Both table libraries are imported only when drawn. Values are
shown literally (ipcli.literal): tables make control characters visible and never read rich markup;
csv and tsv neutralise text that a spreadsheet would take for a formula; json and jsonl are exact.
"""

import csv
import json
import sys
from datetime import date

import click

from ipcli.clickext import Choice, option
from ipcli.i18n import t
from ipcli.literal import all_visible, neutralised, visible

FORMATS = ("table", "json", "jsonl", "csv", "tsv")
# String values of these fields are codes with a translated label in tables.
CODE_FIELDS = frozenset({"status", "kind", "type", "source", "source_before", "right_type", "confidence",
                         "overdue_status", "renewal_status", "reduction", "record_type", "served", "filing_type",
                         "origin"})
# String values of these fields name another field ("grace_ends_on"), shown by that field's label.
FIELD_NAME_FIELDS = frozenset({"field"})
_TRANSLATED_FIELDS = CODE_FIELDS | FIELD_NAME_FIELDS
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def format_option(command=None, *, extra: tuple = ()):
    """The --format option; `extra` adds formats that one command renders itself (such as ics)."""
    decorator = option("--format", "fmt", type=Choice(FORMATS + extra), default=None, help="opt.format")
    return decorator if command is None else decorator(command)


def resolve_format(fmt: str | None, stream=None) -> str:
    if fmt:
        return fmt
    return "table" if _is_terminal(stream or sys.stdout) else "tsv"


def _is_terminal(stream) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()


def _json_default(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data, indent=None) -> str:
    return json.dumps(data, ensure_ascii=False, default=_json_default, indent=indent)


# A listing in --format json is written in chunks of rows, each encoded by json's C encoder. json
# only uses it without `indent`, so a chunk of flat records (scalar values only) is encoded with
# separators that put each field on its own line, then given the record's braces and indentation:
# the text is exactly that of json.dumps(rows, indent=2). A literal newline can only be a separator
# (json escapes it inside strings), so "},\n    {" is only ever the border between two records.
JSON_CHUNK_ROWS = 2000
_FLAT_TYPES = frozenset({str, int, float, bool, type(None), date})
_FLAT_ROWS_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_json_default, separators=(",\n    ", ": "))


def _is_flat(row) -> bool:
    return type(row) is dict and bool(row) and _FLAT_TYPES.issuperset(map(type, row.values()))


def _json_rows(rows: list) -> str:
    """The records of `rows` as they appear inside json.dumps(..., indent=2) of a longer list."""
    if all(map(_is_flat, rows)):
        text = _FLAT_ROWS_ENCODER.encode(rows)
        return "  {\n    " + text[2:-2].replace("},\n    {", "\n  },\n  {\n    ") + "\n  }"
    return to_json(rows, indent=2)[2:-2]


def json_chunks(data):
    """The text of `data` in --format json, ending in a newline, as a few large chunks."""
    if not isinstance(data, list) or not data:
        yield to_json(data, indent=2) + "\n"
        return
    yield "[\n"
    for start in range(0, len(data), JSON_CHUNK_ROWS):
        yield ("" if start == 0 else ",\n") + _json_rows(data[start:start + JSON_CHUNK_ROWS])
    yield "\n]\n"


def _cell(value) -> str:
    """A csv/tsv cell: JSON spelling for booleans and nested values, empty for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return to_json(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _sheet_cell(value) -> str:
    """A csv/tsv cell: text neutralised against formulas; numbers (a negative amount), dates and
    nested values as they are."""
    return neutralised(value) if type(value) is str else _cell(value)


class _Lines(list):
    """The lines that a csv.writer writes, without their terminator. The writer ends them with CRLF:
    Python quotes a value holding a character of the line terminator, and only those (so a CR inside
    a value would otherwise be written bare, and split the row for a reader)."""

    def write(self, line: str) -> None:
        self.append(line[:-2])


def _as_rows(data) -> list[dict]:
    return data if isinstance(data, list) else [data]


def _columns(rows: list[dict]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def render_text(data, fmt: str) -> str:
    """json, jsonl, csv, tsv and the plain table, as text ending in a newline (empty for no rows)."""
    rows = _as_rows(data)
    if fmt == "json":
        return "".join(json_chunks(data))
    if fmt == "jsonl":
        return "".join(to_json(row) + "\n" for row in rows)
    if not rows:
        return ""
    if fmt == "table":
        return _plain_table(data)
    columns = _columns(rows)
    if fmt == "tsv":
        lines = ["\t".join(columns)]
        lines += ["\t".join(_sheet_cell(row.get(c)).translate(_TSV_ESCAPES) for c in columns) for row in rows]
        return "\n".join(lines) + "\n"
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_sheet_cell(row.get(c)) for c in columns] for row in rows)
    return "\n".join(lines) + "\n"


def label(key: str) -> str:
    text = t(f"field.{key}")
    return key if text == f"field.{key}" else text


def display(key: str, value) -> str:
    if type(value) is str and key not in _TRANSLATED_FIELDS:  # most cells, first: a digest draws a million
        return value
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("value.yes" if value else "value.no")
    if isinstance(value, list):
        return ", ".join(_part(key, v) for v in value)
    if isinstance(value, dict):  # a filing's details, a journal image: labelled pairs, never JSON
        return labelled(value)
    if key in CODE_FIELDS and isinstance(value, str):
        text = t(f"value.{value}")
        return value if text == f"value.{value}" else text
    if key in FIELD_NAME_FIELDS and isinstance(value, str):
        return label(value)
    return _cell(value)


def labelled(record: dict) -> str:
    """A record in one line of labelled, translated pairs ("类别：1, 7；迟延费：0"), a record inside it in
    brackets."""
    return t("msg.pair_separator").join(t("msg.pair", label=label(key), value=_part(key, value))
                                        for key, value in record.items())


def _part(key: str, value) -> str:
    return t("msg.group", pairs=labelled(value)) if isinstance(value, dict) else display(key, value)


def _is_table(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _tables(data) -> list[tuple[str | None, list[str], list[list[str]]]]:
    """(title, headers, rows) of each table: a list, or one record as field/value pairs plus one
    table for each of its nested lists of records. Every cell is one line, its controls visible."""
    if isinstance(data, list):
        columns = _columns(data)
        cells = [all_visible([display(c, row.get(c)) for row in data]) for c in columns]
        return [(None, [label(c) for c in columns], list(zip(*cells)))]
    fields = [key for key, value in data.items() if not _is_table(value)]
    values = all_visible([display(key, data[key]) for key in fields])
    pairs = [[label(key), value] for key, value in zip(fields, values)]
    tables = [(None, [t("help.field"), t("help.value")], pairs)]
    for key, value in data.items():
        if _is_table(value):
            tables.extend((label(key), headers, rows) for _, headers, rows in _tables(value))
    return tables


def _plain_table(data) -> str:
    from tabulate import tabulate

    parts = []
    for title, headers, rows in _tables(data):
        text = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
        parts.append(f"{title}\n{text}" if title else text)
    return "\n\n".join(parts) + "\n"


def _rich_table(data, color: str) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(no_color=color == "never", force_terminal=color == "always" or None,
                      file=sys.stdout, soft_wrap=False)
    for title, headers, rows in _tables(data):  # Text, never a str: rich would read "[b]" in it as markup
        table = Table(title=title and Text(title), title_justify="left")
        for header in headers:
            table.add_column(Text(header))
        for row in rows:
            table.add_row(*map(Text, row))
        console.print(table)


def emit(data, fmt: str | None, *, color: str = "auto", quiet: bool = False) -> None:
    """Print `data` (one record or a list of records) to stdout in the chosen format."""
    fmt = resolve_format(fmt)
    if quiet and isinstance(data, list) and not data:
        return
    if fmt == "table" and (color == "always" or _is_terminal(sys.stdout)):
        _rich_table(data, color)
        return
    if fmt == "json":  # written as it is encoded: a long listing is never held twice in memory
        for chunk in json_chunks(data):
            click.echo(chunk, nl=False)
        return
    text = render_text(data, fmt)
    if text:  # color=True: click would strip what looks like an escape sequence from a csv or tsv value
        click.echo(text, nl=False, color=True)


def stderr_line(text: str) -> None:
    """One line on stderr (an error, a warning, a note): the values in it are shown literally, so a
    newline or an escape sequence in a name can neither fake another line nor drive the terminal."""
    click.echo(visible(text), err=True)
