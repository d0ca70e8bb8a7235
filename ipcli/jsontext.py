"""JSON text from outside, parsed so that every way it can fail is a json.JSONDecodeError with a line
and column: besides bad syntax, nesting too deep for the parser (RecursionError), an integer longer
than Python converts (ValueError), a key given twice in one object (which parsers resolve
differently, so a checksum over one reading would not vouch for another), a \\u escape of a lone
surrogate, which no UTF-8 text (nor SQLite) can hold, and a number that is not finite: NaN and
Infinity, which Python's parser takes though JSON has no such numbers, and a number too large for a
float (1e400), which it reads as infinity. (Written back, they would be JSON no other reader takes.)"""

import json
import math
import re
import sys

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# Tokens outside strings: a whole string (skipped), a bracket, or a number's integer digits.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]|[\]}]|[0-9]+')
# Tokens outside strings that may name a number that is not finite: NaN, Infinity, or one with a
# fraction or an exponent (an integer is read exactly).
_FLOATS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|-?(?:Infinity|NaN)|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?')
_ESCAPES = re.compile(r'(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?')
NESTING_SHOWN = 100  # a document nested deeper than the parser can go is refused where it passes this depth
# The messages of the refusals beyond bad syntax, for callers that explain each in their own words.
DUPLICATE_KEY = "duplicate key"
TOO_DEEP = "nested too deeply"
NUMBER_TOO_LONG = "number too long"
LONE_SURROGATE = "lone surrogate in \\u escape"
NOT_FINITE = "number not finite"


def loads(text: str):
    """json.loads(text), or json.JSONDecodeError at the place of the problem."""
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys, parse_float=_finite, parse_constant=_refuse)
    except json.JSONDecodeError:
        raise
    except _DuplicateKey:
        raise json.JSONDecodeError(DUPLICATE_KEY, text, _duplicate_key(text)) from None
    except _NotFinite:
        raise json.JSONDecodeError(NOT_FINITE, text, _not_finite(text)) from None
    except RecursionError:
        raise json.JSONDecodeError(TOO_DEEP, text, _too_deep(text)) from None
    except ValueError:  # an integer of more digits than int() converts
        raise json.JSONDecodeError(NUMBER_TOO_LONG, text, _long_number(text)) from None
    if _SURROGATE_ESCAPE.search(text):
        position = _lone_surrogate(text)
        if position is not None:
            raise json.JSONDecodeError(LONE_SURROGATE, text, position)
    return document


class _DuplicateKey(ValueError):
    pass


class _NotFinite(ValueError):
    pass


def _finite(token: str) -> float:
    number = float(token)
    if not math.isfinite(number):
        raise _NotFinite
    return number


def _refuse(token: str):
    """NaN, Infinity or -Infinity."""
    raise _NotFinite


def _not_finite(text: str) -> int:
    for match in _FLOATS.finditer(text):
        token = match.group()
        if token[0] != '"' and not token.lstrip("-").isdigit() and not math.isfinite(float(token)):
            return match.start()
    return 0


def _unique_keys(pairs: list) -> dict:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise _DuplicateKey
    return document


_KEYS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"(\s*:)?|[\[{]|[\]}]')


def _duplicate_key(text: str) -> int:
    """Where a key is given the second time in the same object."""
    objects = [None]
    for match in _KEYS.finditer(text):
        token = match.group()
        if token == "{":
            objects.append(set())
        elif token == "[":
            objects.append(None)
        elif token in "]}":
            if len(objects) > 1:
                objects.pop()
        elif match.group(1) and objects[-1] is not None:
            key = json.loads(token[:match.start(1) - match.start()])
            if key in objects[-1]:
                return match.start()
            objects[-1].add(key)
    return 0


def _too_deep(text: str) -> int:
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > NESTING_SHOWN:
                return match.start()
        elif token in "]}":
            depth -= 1
    return 0


def _long_number(text: str) -> int:
    limit = sys.get_int_max_str_digits() or sys.maxsize
    for match in _TOKENS.finditer(text):
        if match.group()[0] != '"' and len(match.group()) > limit:
            return match.start()
    return 0


def _lone_surrogate(text: str) -> int | None:
    """Where a \\u escape names half of a surrogate pair without its other half, if anywhere."""
    for match in _ESCAPES.finditer(text):
        backslashes, first, second = match.groups()
        if len(backslashes) % 2 == 0:
            continue  # an escaped backslash followed by the letter u
        if first[1] in "cdefCDEF" or second is None:
            return match.start() + len(backslashes) - 1
    return None
