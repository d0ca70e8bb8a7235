"""Values as people write them at the counter (CLI.md "Output"): digits typed with a Chinese input
method come full-width, amounts come in 万 and 亿 or with thousands separators."""

import re
from decimal import Decimal

# The full-width forms of ASCII (U+FF01-U+FF5E: "２０２５／６／１", "９，３５") and the ideographic space
# are read as the ASCII they stand for; other digits (Arabic-Indic, superscripts, circled) are not.
_HALF_WIDTH = str.maketrans({**{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}, "\u3000": " "})


def half_width(text: str) -> str:
    return text.translate(_HALF_WIDTH)


# Yuan, written plain (3000000, 99.50), with separators of thousands (3,000,000), or in 万 or 亿
# (300万, 0.5亿元); ¥ before and 元 after are optional. A fraction may not go below the fen: two
# decimals for yuan, six for 万, ten for 亿, so every amount read is exact to the fen.
_UNIT_EXPONENTS = {None: 0, "万": 4, "亿": 8}
_AMOUNT = re.compile(r"[¥￥]?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<fraction>[0-9]+))?"
                     r"\s*(?P<unit>[万亿])?\s*元?")


class NotAnAmount(ValueError):
    """A text that is not an amount of money as ipcli reads one."""


def parse_amount(text: str) -> Decimal:
    """The amount in yuan that `text` writes, exactly; else NotAnAmount."""
    match = _AMOUNT.fullmatch(half_width(text).strip())
    if match is None:
        raise NotAnAmount(text)
    fraction, exponent = match["fraction"] or "", _UNIT_EXPONENTS[match["unit"]]
    if len(fraction) > 2 + exponent:
        raise NotAnAmount(text)
    # Decimal reads a string exactly, whatever its length: "9" * 400 is a number to refuse as too large.
    return Decimal(f"{match['whole'].replace(',', '')}.{fraction or '0'}E{exponent}")
