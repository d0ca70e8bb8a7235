"""Tables on a terminal, drawn with rich (ipcli.output chooses what they show): the columns of a listing
that fit the terminal's width, most important first; free text (views.FREE_TEXT) is the only thing
shortened, with an ellipsis, or folded where the view wraps it."""

import sys

from ipcli.output import Record, drawings, is_number, numeric_columns
from ipcli.views import FREE_TEXT, View

GAP = 2  # cells between two columns
FREE_TEXT_CELLS = 10  # free text is not shortened below this


def fitted(columns: list[tuple[int, int, bool]], width: int) -> list[int]:
    """The widths of the leading columns that fit in `width` cells, given (natural width, least width,
    free text) of each column in order of importance. A key column is as wide as its widest cell; free
    text shrinks towards its least width, but not to make room for a key column after it."""
    count = 1
    while count < len(columns) and sum(_least_widths(columns[:count + 1])) + GAP * count <= width:
        count += 1
    widths = _least_widths(columns[:count])
    wants = [natural - width for (natural, _, _), width in zip(columns, widths)]
    spare = min(width - sum(widths) - GAP * (count - 1), sum(wants))
    if spare > 0:  # the room left goes to shortened text, in proportion to what each lacks
        shares = [spare * want // sum(wants) for want in wants]
        for i in range(spare - sum(shares)):  # the cells lost in rounding, to the most important
            shares[[j for j, want in enumerate(wants) if want > shares[j]][i]] += 1
        widths = [width + share for width, share in zip(widths, shares)]
    return widths


def _least_widths(columns: list[tuple[int, int, bool]]) -> list[int]:
    """Free text may shrink where only free text follows it."""
    return [least if free and all(later for _, _, later in columns[i + 1:]) else natural
            for i, (natural, least, free) in enumerate(columns)]


def _row_style(row: dict) -> str:
    """Overdue red, due within 7 days yellow."""
    days = row.get("days_left")
    if row.get("overdue_status") or (is_number(days) and days < 0):
        return "red"
    return "yellow" if is_number(days) and days <= 7 else ""


def rich_tables(data, color: str, view: View, wide: bool) -> None:
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(color_system=None if color == "never" else "auto", force_terminal=color == "always" or None,
                      file=sys.stdout, soft_wrap=False)
    for drawing in drawings(data, view, wide):  # Text, never a str: rich would read "[b]" in it as markup
        if isinstance(drawing, Record):
            table = Table.grid(padding=(0, GAP, 0, 0))
            table.add_column(style="bold", no_wrap=True)
            table.add_column(overflow="fold")
            for name, value in drawing.pairs:
                table.add_row(Text(name), Text(value))
            console.print(table)
            continue
        sizes = []
        for key, header, cells in zip(drawing.keys, drawing.headers, drawing.columns):
            natural = max(cell_len(header), *map(cell_len, cells))
            free = key in FREE_TEXT
            sizes.append((natural, min(natural, max(cell_len(header), FREE_TEXT_CELLS)) if free else natural, free))
        widths = fitted(sizes, console.width)
        table = Table(title=drawing.title and Text(drawing.title), title_justify="left", box=box.SIMPLE_HEAD,
                      show_edge=False, pad_edge=False, padding=(0, GAP - 1, 0, 0), header_style="bold")
        for header, width, numeric, (_, _, free) in zip(drawing.headers, widths, numeric_columns(drawing), sizes):
            wraps = free and drawing.wrap  # wrapped text is folded, never cut: a date in an explain step stays whole
            table.add_column(Text(header), width=width, min_width=width, no_wrap=not wraps,
                             overflow="fold" if wraps else "ellipsis", justify="right" if numeric else "left")
        dated = [key.endswith("_on") for key in drawing.keys[:len(widths)]]
        for row, cells in zip(drawing.rows, zip(*drawing.columns[:len(widths)])):
            dim = row.get("provisional") is True  # its dates are provisional
            table.add_row(*(Text(cell, style="dim" if dim and is_date else "") for cell, is_date in zip(cells, dated)),
                          style=_row_style(row))
        console.print(table)
