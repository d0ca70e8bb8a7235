"""The one encoding of an import's text input, UTF-8 or GB18030, decided strictly (README "Importing
marks and patents": bytes of neither, or a file in both, are refused, never replaced)."""

import codecs
import re
from pathlib import Path

from ipcli.errors import Rejected
from ipcli.register.importing.columns import ENCODING_RULE, InputRejected

READ_BLOCK = 1 << 20
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
GB18030_BOM = b"\x84\x31\x95\x33"
TEXT_BOM = "\ufeff"  # what remains of a GB18030 BOM once decoded
REPLACEMENT = "\ufffd"  # what UTF-8 decoding puts for bytes it cannot decode
UTF8_REPLACEMENT = REPLACEMENT.encode()
UTF8 = "utf-8-sig"  # what an input is read as first: UTF-8, a BOM dropped


def refuse_utf16(path: Path) -> None:
    with open(path, "rb") as handle:
        if handle.read(2) in UTF16_BOMS:
            raise InputRejected(1, Rejected("import.encoding", rule=ENCODING_RULE))


def detect_encoding(path: Path) -> str:
    """The one encoding of the whole input: utf-8-sig when it is UTF-8 (a BOM is dropped), else
    gb18030 when it is GB18030 and no line of it is UTF-8 text; else InputRejected at the first line
    that is neither, or, when some line is UTF-8 text, at the first line that is not UTF-8. (UTF-8
    Chinese mostly decodes as GB18030 too, into mojibake: a file of lines in both encodings would.)

    Neither encoding uses the byte 0x0A inside a character, so lines decode one by one."""
    refuse_utf16(path)
    if _decodes(path, "utf-8"):
        return UTF8
    gb18030 = _decodes(path, "gb18030")
    if gb18030 and not _may_show_utf8(path):
        return "gb18030"
    utf8_text = not_utf8 = None
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.isascii():
                continue
            text = _utf8_text(line)
            if text is None:
                if not gb18030 and _decoded(line, "gb18030") is None:
                    raise InputRejected(number, Rejected("import.encoding", rule=ENCODING_RULE))
                not_utf8 = not_utf8 or number
            elif utf8_text is None and (_shows_utf8(text, number) or not gb18030 and _decoded(line, "gb18030") is None):
                utf8_text = number
            if utf8_text and not_utf8:
                raise InputRejected(not_utf8, Rejected("import.mixed_encoding", rule=ENCODING_RULE,
                                                       utf8_line=utf8_text))
    return "gb18030"


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as handle:
            while block := handle.read(READ_BLOCK):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decoded(line: bytes, encoding: str) -> str | None:
    try:
        return line.decode(encoding)
    except UnicodeDecodeError:
        return None


def _utf8_text(line: bytes) -> str | None:
    """The line read as UTF-8, or None. Decoding with replacement characters is quicker than catching
    the error of every line of a GB18030 file; one that the line's bytes do not hold shows an error."""
    text = line.decode("utf-8", "replace")
    if REPLACEMENT in text and (UTF8_REPLACEMENT not in line or _decoded(line, "utf-8") is None):
        return None
    return text


# Characters that show a line is UTF-8 text: CJK ideographs, their punctuation and full-width forms. A
# line of GB18030 Chinese that happens to be valid UTF-8 all but never decodes to them, but to Latin,
# Greek or Cyrillic letters (and so is no evidence).
_UTF8_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
# The UTF-8 bytes of every character _UTF8_CJK names (and of the BOM), and of others.
_UTF8_CJK_BYTES = re.compile(b"[\\xe2-\\xe9\\xef][\\x80-\\xbf][\\x80-\\xbf]")


def _may_show_utf8(path: Path) -> bool:
    """Whether any bytes of the input could be a character that shows a line is UTF-8 text: most
    GB18030 files hold none, and need not be read line by line."""
    with open(path, "rb") as handle:
        tail = b""
        while block := handle.read(READ_BLOCK):
            if _UTF8_CJK_BYTES.search(tail + block):
                return True
            tail = block[-2:]
    return False


def _shows_utf8(text: str, number: int) -> bool:
    return (number == 1 and text.startswith(TEXT_BOM)) or _UTF8_CJK.search(text) is not None
