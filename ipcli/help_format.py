"""Help texts wrapped by the columns they take on a terminal: a Chinese character takes two, and a line
may break beside one (Chinese has no spaces between words); an English word or a code stays whole, and a
line never starts with closing punctuation (，。）) nor ends with opening punctuation (（《)."""

from unicodedata import east_asian_width

import click

_NO_LINE_START = frozenset("，。、；：？！）》」』】〕…%,.;:?!)]}")
_NO_LINE_END = frozenset("（《「『【〔([{")


def _is_wide(char: str) -> bool:
    return east_asian_width(char) in "WF"


def display_width(text: str) -> int:
    """The columns `text` takes on a terminal."""
    return sum(2 if _is_wide(char) else 1 for char in text)


def _breaks_between(before: str, after: str) -> bool:
    """Whether a line may break between two characters: at the edge of a run of spaces, or beside a
    wide character unless punctuation holds on to it."""
    if (before == " ") != (after == " "):
        return True
    return (before != " " and (_is_wide(before) or _is_wide(after)) and after not in _NO_LINE_START
            and before not in _NO_LINE_END)


def _chunks(text: str) -> list[str]:
    """`text` cut where a line may break: runs of spaces, and the pieces between break points."""
    chunks, current = [], ""
    for char in text:
        if current and _breaks_between(current[-1], char):
            chunks.append(current)
            current = ""
        current += char
    return chunks + [current] if current else chunks


def wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """The lines of one paragraph, each at most `width` columns unless a single word is longer."""
    lines, line, used = [], initial_indent, display_width(initial_indent)
    fresh = True
    for chunk in _chunks(" ".join(text.split())):
        size = display_width(chunk)
        if chunk.startswith(" "):
            if not fresh:
                line, used = line + chunk, used + size
            continue
        if not fresh and used + size > width:
            lines.append(line.rstrip())
            line, used = subsequent_indent, display_width(subsequent_indent)
        line, used, fresh = line + chunk, used + size, False
    lines.append(line.rstrip())
    return lines


class HelpFormatter(click.HelpFormatter):
    """click's formatter, with paragraphs and the descriptions of a definition list wrapped by columns."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = [wrap(paragraph, self.width, indent, indent) for paragraph in text.split("\n\n")]
        self.write("\n\n".join("\n".join(lines) for lines in paragraphs) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((display_width(term) for term, _ in rows), default=0), col_max) + col_spacing
        indent = " " * (first_col + self.current_indent)
        for term, description in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not description:
                self.write("\n")
                continue
            if display_width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(term)))
            else:
                self.write("\n" + indent)
            lines = wrap(description, max(self.width - first_col - 2, 10))
            self.write("\n".join([lines[0]] + [indent + line for line in lines[1:]]) + "\n")


class Context(click.Context):
    formatter_class = HelpFormatter
