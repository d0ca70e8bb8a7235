"""Values shown literally (README "Output"): where text reaches a person (a terminal, a log line, a
table, an HTML page), control characters are written as visible escapes; in a CSV or TSV cell for a
spreadsheet no text is a formula. Pure functions of strings, used by every renderer."""

import html
import re

# C0 and C1 controls and DEL (newlines, ESC sequences), the bidirectional formatting characters that
# reorder what follows them ("Trojan Source"), the line and paragraph separators, and lone surrogates
# (bytes that were not UTF-8, as Python decodes them from a command line or a file name).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNDECODED_BYTES = range(0xDC80, 0xDD00)  # surrogateescape: byte 0xNN became U+DCNN


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if code in _UNDECODED_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with its control, bidi and undecodable characters as escapes (`\\n`, `\\x1b`, `\\u202e`,
    `\\xff`): one line that draws as it reads. Backslashes are kept as they are (Windows paths)."""
    return _INVISIBLE.sub(_escape, text)


# What an XML 1.0 document cannot hold (a workbook's cells are XML): C0 controls other than tab, LF and CR,
# lone surrogates, U+FFFE and U+FFFF.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` for an XML document: what XML cannot hold written as visible escapes (`\\x1b`), the rest exact."""
    return _NOT_IN_XML.sub(_escape, text)


def html_text(text: str) -> str:
    """`text` for an HTML page: markup escaped, control characters visible."""
    return html.escape(visible(text))


def all_visible(cells: list[str]) -> list[str]:
    """visible() of each cell, in one C pass over a column where (as almost always) none needs it."""
    if _INVISIBLE.search("".join(cells)) is None:
        return cells
    return [_INVISIBLE.sub(_escape, cell) for cell in cells]


_SURROGATE = re.compile("[\ud800-\udfff]")


def unencodable(text: str) -> str | None:
    """The first character of `text` that UTF-8 cannot encode, made visible (`\\xff` for a byte that
    was not UTF-8 where Python decoded a command line), or None."""
    found = _SURROGATE.search(text)
    return visible(found.group()) if found else None


SHOWN_CHARS = 80  # a longer value (a 10 MB field) is cut in a message, which stays one short line


class Sentence(str):
    """Words ipcli composed from its catalog, to go inside another message: not a value to cut (the
    values inside it were cut when it was made)."""


def shortened(text: str, limit: int = SHOWN_CHARS) -> str:
    """`text` cut to `limit` characters, its middle replaced by an ellipsis: a path keeps its file name."""
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return text[:head] + "…" + text[len(text) - (limit - 1 - head):]


# OWASP "CSV Injection": a spreadsheet reads a cell as a formula when it starts with one of these
# (spreadsheets also take the full-width forms, and skip leading spaces before them).
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")


def neutralised(cell: str) -> str:
    """A text cell that a spreadsheet would read as a formula, with a leading single quote; so is one that
    already starts with a quote before such a text, so that `unneutralised` gives back every value."""
    if _reads_as_formula(cell.lstrip("'")):
        return "'" + cell
    return cell


def _reads_as_formula(cell: str) -> bool:
    first = cell[:1]
    return first in FORMULA_STARTS or (first.isspace() and cell.lstrip()[:1] in FORMULA_STARTS)


def unneutralised(cell: str) -> str:
    """The value that `neutralised` turned into `cell` (an import of what ipcli exported)."""
    if cell.startswith("'") and neutralised(cell[1:]) == cell:
        return cell[1:]
    return cell
