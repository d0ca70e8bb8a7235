"""The one renderer of every command's data: --format table|json|jsonl|csv|tsv (CLI.md "Output").

`table` is drawn with rich on a terminal and with tabulate elsewhere; the default is `table` on a
terminal and `tsv` when stdout is piped. Both table libraries are imported only when drawn. Values are
shown literally (ipcli.literal): tables make control characters visible and never read rich markup;
csv and tsv neutralise text that a spreadsheet would take for a formula; json and jsonl are exact.
"""

import csv
import json
import sys
from dataclasses import dataclass, replace
from datetime import date

import click

from ipcli.clickext import FORMATS, PATH, Choice, option
from ipcli.errors import UsageProblem
from ipcli.i18n import catalog, get_language, t
from ipcli.literal import Sentence, all_visible, neutralised, visible
from ipcli.views import ALL_FIELDS, MONEY, NESTED, View

# String values of these fields are codes with a translated label in tables.
CODE_FIELDS = frozenset({"status", "kind", "type", "source", "source_before", "right_type", "confidence",
                         "overdue_status", "level", "filing_type", "origin", "served", "record_type",
                         "renewal_status", "reduction"})
# String values of these fields name another field ("grace_ends_on"), shown by that field's label.
FIELD_NAME_FIELDS = frozenset({"field"})
TRANSLATED_FIELDS = CODE_FIELDS | FIELD_NAME_FIELDS
LIST_SEPARATOR = ";"
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


# --out FILE and --bom (README "Output"): kept in the click context for App.emit, like --columns.
OUT_META, BOM_META = "ipcli.out", "ipcli.bom"
BOM_GIVEN, BOM_FROM_ENVIRONMENT = "given", "environment"  # --bom, IPCLI_CSV_BOM=1
STDOUT = "-"
SUFFIX_FORMATS = {".xlsx": "xlsx", ".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ics": "ics"}


def format_option(command=None, *, extra: tuple = (), out: bool = True):
    """--format, --out FILE and --bom; `extra` adds formats that one command renders itself (such as ics),
    `out=False` leaves --out to a command whose --out names something else (a report, a directory). Not
    given, --format is the global --format given before the subcommand (ipcli.context.App.fmt)."""

    def decorate(command):
        command = option("--bom", is_flag=True, envvar="IPCLI_CSV_BOM", expose_value=False, callback=_remember_bom,
                         help="opt.bom")(command)
        if out:
            command = option("--out", type=PATH, metavar="FILE", expose_value=False, callback=_remember_out,
                             help="opt.out")(command)
        return option("--format", "fmt", type=Choice(FORMATS + extra), default=None, callback=_format_before,
                      help="opt.format")(command)

    return decorate if command is None else decorate(command)


def _remember_out(ctx, param, value):
    """--out FILE, refused (ipcli.files) before the command writes anything to the register; checked again
    when written to, against the register of the whole command line. `--out -` is standard output."""
    if value not in (None, STDOUT) and not ctx.resilient_parsing:
        from ipcli import files

        files.output_path(value, ctx.obj.register, devices=True)
        ctx.meta[OUT_META] = value


def _remember_bom(ctx, param, value):
    if value:
        given = ctx.get_parameter_source(param.name) is click.core.ParameterSource.COMMANDLINE
        ctx.meta[BOM_META] = BOM_GIVEN if given else BOM_FROM_ENVIRONMENT


def format_of_name(name: str, choices: tuple) -> str | None:
    """The format that the suffix of --out FILE names (marks.xlsx), if it is one of `choices`."""
    from pathlib import PurePath

    fmt = SUFFIX_FORMATS.get(PurePath(name).suffix.lower())
    return fmt if fmt in choices else None


def _format_before(ctx, param, value):
    return value or getattr(ctx.obj, "fmt", None)


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
_NUMBERS_OR_TEXT = frozenset({str, int, float})
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


def plain_cell(value) -> str:
    """A csv/tsv cell: JSON spelling for booleans and records; a list of numbers or identifiers joined by
    `;` (classes 9;35, as imports read them), other lists as JSON; empty for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and _NUMBERS_OR_TEXT.issuperset(map(type, value)):  # classes, rights: the most
        return LIST_SEPARATOR.join(map(str, value))
    if isinstance(value, list) and _FLAT_TYPES.issuperset(map(type, value)):
        return LIST_SEPARATOR.join(map(plain_cell, value))
    if isinstance(value, (list, dict)):
        return to_json(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _sheet_cell(value) -> str:
    """A csv/tsv cell: text and joined lists neutralised against formulas; numbers (a negative amount),
    dates and JSON as they are."""
    if type(value) is str:
        return neutralised(value)
    return neutralised(plain_cell(value)) if type(value) is list else plain_cell(value)


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


def render_text(data, fmt: str, view: View = ALL_FIELDS, wide: bool = False) -> str:
    """json, jsonl, csv, tsv and the plain table, as text ending in a newline (empty for no rows)."""
    rows = _as_rows(data)
    if fmt == "json":
        return "".join(json_chunks(data))
    if fmt == "jsonl":
        return "".join(to_json(row) + "\n" for row in rows)
    if not rows:
        return ""
    if fmt == "table":
        return _plain_tables(data, view, wide)
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
    if type(value) is str and key not in TRANSLATED_FIELDS:  # most cells, first: a digest draws a million
        return value
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("value.yes" if value else "value.no")
    if isinstance(value, list):
        return ", ".join(labelled(v) if isinstance(v, dict) else display(key, v) for v in value)
    if isinstance(value, dict):  # a filing's details, a journal image: labelled pairs, never JSON
        return labelled(value)
    if key in CODE_FIELDS and isinstance(value, str):
        return code_label(key, value)
    if key in FIELD_NAME_FIELDS and isinstance(value, str):
        return label(value)
    if key in MONEY and isinstance(value, (int, float)):
        return money(value)
    return plain_cell(value)


def code_label(key: str, code: str) -> str:
    """The label of a code in field `key`: its own in that field (`value.reduction.open`, an open
    licence), else the code's (`value.open`, an open deadline), else the code itself."""
    for name in (f"value.{key}.{code}", f"value.{code}"):
        text = t(name)
        if text != name:
            return text
    return code


def labelled(record: dict) -> str:
    """A record in one line of labelled, translated pairs ("类别：1, 7；受让人名称：…"), the fields of a record
    inside it labelled after it (_fields)."""
    return t("msg.pair_separator").join(t("msg.pair", label=name, value=text) for name, text in _fields(record))


def money(value: int | float) -> str:
    """An amount in yuan with thousands separators: 5,000,000 and 1,234.5."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"


def _in_wan(value) -> str:
    """An amount in 万元 (10,000 yuan), exact: 500 for 5,000,000 and 0.045 for 450."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return display("amount", value)
    from decimal import Decimal  # only for tables in zh

    wan = (Decimal(repr(value)) / 10000).normalize()
    return f"{wan:,f}"


# --columns and --wide (README "Output"): the values, kept in the click context for App.emit.
COLUMNS_META, WIDE_META = "ipcli.columns", "ipcli.wide"


def _remember_columns(ctx, param, value):
    if value is not None:
        ctx.meta[COLUMNS_META] = tuple(part.strip() for part in value.split(","))
    return value


def _remember_wide(ctx, param, value):
    ctx.meta[WIDE_META] = value
    return value


def view_options(command):
    """--columns KEY,... and --wide, for the commands that look: a key is checked against the records
    when they are shown, which is safe where a command writes nothing."""
    command = option("--wide", is_flag=True, expose_value=False, callback=_remember_wide, help="opt.wide")(command)
    return option("--columns", metavar="KEY,...", expose_value=False, callback=_remember_columns,
                  help="opt.columns")(command)


def picked(data, columns: tuple[str, ...], view: View):
    """`data` with only the keys named by --columns, in that order; a key that is not one of the
    records' is a usage error naming the valid ones."""
    rows = _as_rows(data)
    known = list(dict.fromkeys([*view.keys, *_columns(rows)]))
    for key in columns:
        if key not in known:
            raise UsageProblem("view.unknown_column", value=key, keys=Sentence(", ".join(known)))
    chosen = [{key: row[key] for key in columns if key in row} for row in rows]
    return chosen if isinstance(data, list) else chosen[0]


# Tables for people: a listing draws the columns of its view, most important first; on a terminal the
# last ones that do not fit are left out. Key cells (dates, numbers, codes, amounts) are drawn whole;
# free text (views.FREE_TEXT) is the only thing shortened, with an ellipsis.

LIST_CELLS = 24  # a list (rights, classes) longer than this shows its first items and how many more
DETAILS = "details"  # a filing's type-specific fields, shown as fields of the filing itself


@dataclass
class _Listing:
    title: str | None
    keys: list[str]
    headers: list[str]
    columns: list[list[str]]  # the cells of each column, one line each
    rows: list[dict]  # the records, for their colours
    wrap: bool  # free text wraps instead of being shortened


@dataclass
class Record:
    pairs: list[tuple[str, str]]  # (label, value) of each field


def _is_table(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _is_empty(value) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _listing_keys(rows: list[dict], view: View, wide: bool) -> list[str]:
    """The columns of a listing's table: the view's (--wide: every key), less those empty in every row."""
    present = _columns(rows)
    if wide or not view.human:
        keys = [key for key in view.keys if key in present] + [key for key in present if key not in view.keys]
    else:
        keys = [key for key in view.human if key in present]
    return [key for key in keys if not all(_is_empty(row.get(key)) for row in rows)]


def _table_cell(key: str, value, wan: bool) -> str:
    if value is False:  # a flag is marked where it holds
        return ""
    if isinstance(value, list):
        return _list_cell(key, value)
    if isinstance(value, dict):
        return labelled(value)
    return _in_wan(value) if wan else display(key, value)


def _list_cell(key: str, values: list) -> str:
    items = [display(key, value) for value in values]
    text = ", ".join(items)
    if len(text) <= LIST_CELLS:
        return text
    shown = 1
    while len(", ".join(items[:shown + 1])) <= LIST_CELLS:
        shown += 1
    return ", ".join(items[:shown]) + t("view.more", count=len(items) - shown)


def _key_label(key: str) -> tuple[str, bool]:
    """The label of a key, and whether it has one: a field, else a code (a status), else the key itself."""
    for kind in ("field", "value"):
        if f"{kind}.{key}" in catalog("en"):
            return t(f"{kind}.{key}"), True
    return key, False


def _fields(record: dict, outer: str | None = None, outer_key: str | None = None):
    """(label, shown value) of each field of `record` that is no table; a nested record's fields are
    labelled after it ("assignee name"), those of a filing's details as the filing's own."""
    for key, value in record.items():
        if _is_table(value):
            continue
        name, named_after = _key_label(key)
        if outer is not None:  # "assignee_id" has a label of its own, "assignee" "name" is joined
            whole, known = _key_label(f"{outer_key}_{key}")
            name = whole if known else t("view.nested_label" if named_after else "view.nested_key", outer=outer,
                                         inner=name)
        if isinstance(value, dict):
            yield from _fields(value, None if key == DETAILS else name, key)
        else:  # a key that is no field (a right's number) shows its value as its record's would
            yield name, display(key if named_after or outer_key is None else outer_key, value)


def drawings(data, view: View, wide: bool) -> list:
    """What a table shows of `data`: a listing, or one record's fields and a listing for each of its
    nested lists of records."""
    if isinstance(data, list):
        return [_listing(None, data, view, wide)]
    pairs = list(_fields(data))  # a nested record's keys are data too (a right's number)
    names, values = all_visible([name for name, _ in pairs]), all_visible([value for _, value in pairs])
    drawings = [Record(list(zip(names, values)))] if pairs else []
    return drawings + [_listing(label(key), value, NESTED.get(key, ALL_FIELDS), wide)
                       for key, value in data.items() if _is_table(value)]


def _listing(title: str | None, rows: list[dict], view: View, wide: bool) -> _Listing:
    keys = _listing_keys(rows, view, wide)
    wan = view.wan if get_language() == "zh" else frozenset()
    headers = [t("view.in_wan", label=label(key)) if key in wan else label(key) for key in keys]
    columns = [all_visible([_table_cell(key, row.get(key), key in wan) for row in rows]) for key in keys]
    return _Listing(title, keys, headers, columns, rows, view.wrap)


def numeric_columns(listing: _Listing) -> list[bool]:
    """Which columns hold numbers (drawn flush right)."""
    return [all(is_number(row[key]) for row in listing.rows if row.get(key) is not None) for key in listing.keys]


def _plain_tables(data, view: View, wide: bool) -> str:
    """Plain text (--format table when piped): every column of the view, nothing shortened; wide
    characters aligned (tabulate measures them with wcwidth)."""
    from tabulate import tabulate

    parts = []
    for drawing in drawings(data, view, wide):
        if isinstance(drawing, Record):
            parts.append(tabulate(drawing.pairs, tablefmt="plain", disable_numparse=True))
            continue
        align = ["right" if numeric else "left" for numeric in numeric_columns(drawing)]
        text = tabulate(list(zip(*drawing.columns)), headers=drawing.headers, tablefmt="simple",
                        disable_numparse=True, colalign=align)
        parts.append(f"{drawing.title}\n{text}" if drawing.title else text)
    return "\n\n".join(parts) + "\n"


def emit(data, fmt: str | None, *, color: str = "auto", quiet: bool = False, view: View = ALL_FIELDS,
         columns: tuple[str, ...] | None = None, wide: bool = False, empty_params: dict | None = None,
         out=None, bom: str | None = None) -> None:
    """Print `data` (one record or a list of records) in the chosen format to stdout, or to the files.Destination
    `out` (--out FILE: written even for an empty listing, also with `quiet`); an empty listing says so on
    stderr (not with `quiet`). `bom`: BOM_GIVEN or BOM_FROM_ENVIRONMENT, a UTF-8 BOM before csv."""
    fmt = fmt or ("tsv" if out else resolve_format(None))
    if bom == BOM_GIVEN and fmt != "csv":
        raise UsageProblem("view.bom_csv_only", value=fmt)
    if fmt == "xlsx":
        refuse_workbook_on_terminal(out)
    if columns:
        data = picked(data, columns, view)
        view = replace(view, keys=columns, human=columns)
    nothing = isinstance(data, list) and not data
    if nothing and quiet and out is None:
        return
    if nothing and view.empty and fmt != "json" and not quiet:  # json says so itself: []
        stderr_line(t(view.empty, **(empty_params or {})))
    if fmt == "table" and out is None and (color == "always" or _is_terminal(sys.stdout)):
        if not nothing:
            from ipcli.rich_tables import rich_tables

            rich_tables(data, color, view, wide)
        return
    write_out(_rendered(data, fmt, view, wide, bom is not None), out)


def refuse_workbook_on_terminal(out) -> None:
    """A workbook goes to --out FILE, or to stdout when it is a file or a pipe: never onto a terminal."""
    if out is None and _is_terminal(sys.stdout):
        raise UsageProblem("view.xlsx_to_terminal")


def _rendered(data, fmt: str, view: View, wide: bool, bom: bool):
    """The output in `fmt`, as text or bytes in a few chunks: a long json listing is written as it is
    encoded, never held twice in memory."""
    if fmt == "json":
        yield from json_chunks(data)
    elif fmt == "xlsx":
        from ipcli.workbook import workbook_bytes

        rows = _as_rows(data)
        yield workbook_bytes(rows, _columns(rows) or list(view.keys))
    else:
        text = render_text(data, fmt, view, wide)
        yield "\ufeff" + text if bom and fmt == "csv" and text else text


def write_out(chunks, out=None) -> None:
    """Text or bytes to stdout, or into --out FILE through ipcli.files (whole or not at all)."""
    if out is not None:
        from ipcli import files

        files.write_bytes(out, (chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in chunks))
        return
    for chunk in chunks:
        if chunk:  # color=True: click would strip what looks like an escape sequence from a csv or tsv value
            click.echo(chunk, nl=False, color=True)


def stderr_line(text: str) -> None:
    """One line on stderr (an error, a warning, a note): the values in it are shown literally, so a
    newline or an escape sequence in a name can neither fake another line nor drive the terminal."""
    click.echo(visible(text), err=True)
