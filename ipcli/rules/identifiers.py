"""Identifiers of RULES.md §5: trademark registration numbers, Nice classes, patent application
numbers, unified social credit codes (USCC) and resident ID numbers (RIC).

Each validator returns the canonical form of its input or raises `Rejected` whose `value` is the
input as given. stdnum is imported on first use only: it costs 30 ms, and the CLI must start fast.
"""

import re

from ipcli.errors import Rejected
from ipcli.rules.written import half_width

TM_REG_NO = "ID-TM-REG-NO"
NICE_CLASS = "ID-NICE-CLASS"
PAT_APP_NO = "ID-PAT-APP-NO"
USCC = "ID-USCC"
RIC = "ID-RIC"

# Every message key raised here, with the parameters it gets (`value` is always the input as given).
MESSAGE_KEYS = (
    "id.tm_reg_no_format",       # value: not a string of digits 0-9
    "id.tm_reg_no_length",       # value, digits (count), max_digits
    "id.nice_class_format",      # value: neither an integer nor a string of digits
    "id.nice_class_range",       # value, first, last (1 and 45)
    "id.nice_classes_empty",     # value: no class given
    "id.nice_classes_empty_item",  # value: an empty item between separators, as in "9,,35"
    "id.nice_classes_duplicate",   # value, nice_class (int, the class listed twice)
    "id.pat_app_no_format",      # value
    "id.pat_app_no_year",        # value, year (as written: "2002" or "84"), digits (12 or 8)
    "id.pat_app_no_type",        # value, type_digit (as written; 1, 2, 3, 8 or 9 are valid)
    "id.pat_app_no_checksum",    # value, check (as given, uppercased), expected
    "id.uscc_length",            # value, length (after removing spaces and hyphens)
    "id.uscc_format",            # value, char, position (1-based); or value alone for a non-string
    "id.uscc_checksum",          # value, check, expected
    "id.ric_length",             # value, length (after removing spaces and hyphens)
    "id.ric_format",             # value
    "id.ric_checksum",           # value, check, expected
    "id.ric_birth_date",         # value, birth_date (the 8 digits YYYYMMDD as written)
    "id.ric_birth_place",        # value, region (the 6-digit region code)
)

_DIGITS = re.compile(r"[0-9]+")


def _compact(text, rule: str, format_key: str) -> str:
    """Uppercase, without whitespace or hyphens anywhere."""
    if not isinstance(text, str):
        raise Rejected(format_key, rule=rule, value=text)
    return "".join(text.split()).replace("-", "").upper()


# Trademarks

TM_REG_NO_MAX_DIGITS = 8


def trademark_reg_no(text: str) -> str:
    """A registration number: 1 to 8 digits, kept as text so leading zeros survive."""
    number = text.strip() if isinstance(text, str) else ""
    if not _DIGITS.fullmatch(number):
        raise Rejected("id.tm_reg_no_format", rule=TM_REG_NO, value=text)
    if len(number) > TM_REG_NO_MAX_DIGITS:
        raise Rejected("id.tm_reg_no_length", rule=TM_REG_NO, value=text, digits=len(number),
                       max_digits=TM_REG_NO_MAX_DIGITS)
    return number


FIRST_NICE_CLASS = 1
LAST_NICE_CLASS = 45


def nice_class(value: int | str) -> int:
    """A Nice class 1-45, from an int or a digit string ("09" is class 9)."""
    number = _class_number(value)
    if not FIRST_NICE_CLASS <= number <= LAST_NICE_CLASS:
        raise Rejected("id.nice_class_range", rule=NICE_CLASS, value=value, first=FIRST_NICE_CLASS,
                       last=LAST_NICE_CLASS)
    return number


def _class_number(value) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        significant = value.strip().lstrip("0")
        # Three significant digits are already out of range; the cut keeps int() off huge input.
        return int(significant[:3] or "0")
    raise Rejected("id.nice_class_format", rule=NICE_CLASS, value=value)


# Between two classes: a comma, a semicolon or 、 (also full-width: "9，35"), or spaces alone ("9 35").
_CLASS_SEPARATOR = re.compile(r"\s*[,;、]\s*|\s+")


def nice_classes(text: str) -> tuple[int, ...]:
    """Classes as people list them ("9, 35;42", "9，35", "9、35", "9 35", full-width digits), sorted; a
    class listed twice is refused.

    A bad item raises nice_class's error, whose value is that item.
    """
    if not isinstance(text, str):
        raise Rejected("id.nice_class_format", rule=NICE_CLASS, value=text)
    if not text.strip():
        raise Rejected("id.nice_classes_empty", rule=NICE_CLASS, value=text)
    classes = []
    for item in _CLASS_SEPARATOR.split(half_width(text).strip()):
        if not item:
            raise Rejected("id.nice_classes_empty_item", rule=NICE_CLASS, value=text)
        number = nice_class(item)
        if number in classes:
            raise Rejected("id.nice_classes_duplicate", rule=NICE_CLASS, value=text, nice_class=number)
        classes.append(number)
    return tuple(sorted(classes))


# Patents

PATENT_TYPE_DIGITS = {"1": "invention", "8": "invention", "2": "utility", "9": "utility", "3": "design"}
_PAT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_PAT_APP_NO = re.compile(r"(?:ZL|CN)?([0-9]{12}|[0-9]{8})\.?([0-9X])")
FIRST_12_DIGIT_YEAR = 2003  # 12-digit numbers since 2003-10-01; 8-digit ones 1985 to 2003


def patent_check_char(digits: str) -> str:
    """The check character of 12 or 8 application number digits: weighted sum mod 11, 10 is X."""
    remainder = sum(int(digit) * weight for digit, weight in zip(digits, _PAT_WEIGHTS)) % 11
    return "X" if remainder == 10 else str(remainder)


def patent_app_no(text: str) -> str:
    """`DDDDDDDDDDDD.C` or `DDDDDDDD.C`, from input with optional ZL/CN prefix, spaces and dot."""
    match = _PAT_APP_NO.fullmatch(_compact(text, PAT_APP_NO, "id.pat_app_no_format"))
    if match is None:
        raise Rejected("id.pat_app_no_format", rule=PAT_APP_NO, value=text)
    digits, check = match.groups()
    year = digits[:4] if len(digits) == 12 else digits[:2]
    if not _year_fits(year):
        raise Rejected("id.pat_app_no_year", rule=PAT_APP_NO, value=text, year=year, digits=len(digits))
    if _type_digit(digits) not in PATENT_TYPE_DIGITS:
        raise Rejected("id.pat_app_no_type", rule=PAT_APP_NO, value=text, type_digit=_type_digit(digits))
    expected = patent_check_char(digits)
    if check != expected:
        raise Rejected("id.pat_app_no_checksum", rule=PAT_APP_NO, value=text, check=check, expected=expected)
    return f"{digits}.{check}"


def _year_fits(year: str) -> bool:
    if len(year) == 4:
        return int(year) >= FIRST_12_DIGIT_YEAR
    return int(year) >= 85 or int(year) <= 3


def _type_digit(digits: str) -> str:
    return digits[4] if len(digits) == 12 else digits[2]


def patent_type_of(app_no: str) -> str:
    """"invention", "utility" or "design"; PCT national phase 8 is an invention, 9 a utility model."""
    digits = patent_app_no(app_no).split(".")[0]
    return PATENT_TYPE_DIGITS[_type_digit(digits)]


# Owners

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
_RIC_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def uscc(text: str) -> str:
    """A unified social credit code (GB 32100), uppercase, without spaces or hyphens.

    stdnum's validate() refuses letters in the first 8 characters, which GB 32100 allows (the
    registering authority may be a letter, as in N or Y), so only its check digit function is used.
    """
    code = _compact(text, USCC, "id.uscc_format")
    if len(code) != 18:
        raise Rejected("id.uscc_length", rule=USCC, value=text, length=len(code))
    for position, char in enumerate(code, start=1):
        if char not in USCC_ALPHABET:
            raise Rejected("id.uscc_format", rule=USCC, value=text, char=char, position=position)
    from stdnum.cn.uscc import calc_check_digit

    expected = calc_check_digit(code[:17])
    if code[17] != expected:
        raise Rejected("id.uscc_checksum", rule=USCC, value=text, check=code[17], expected=expected)
    return code


def resident_id(text: str) -> str:
    """A resident ID number (GB 11643): stdnum checks length, format, check digit, birth date and place."""
    code = _compact(text, RIC, "id.ric_format")
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    try:
        return ric.validate(code)
    except ValidationError as error:
        raise _ric_rejection(error, code, text) from None


def _ric_rejection(error, code: str, text) -> Rejected:
    from stdnum.cn import ric
    from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength

    if isinstance(error, InvalidLength):
        return Rejected("id.ric_length", rule=RIC, value=text, length=len(code))
    # stdnum reports a last character other than a digit or X as a wrong check digit.
    if isinstance(error, InvalidChecksum) and _RIC_SHAPE.fullmatch(code):
        return Rejected("id.ric_checksum", rule=RIC, value=text, check=code[-1],
                        expected=ric.calc_check_digit(code))
    if isinstance(error, InvalidComponent):
        try:
            ric.get_birth_date(code)
        except InvalidComponent:
            return Rejected("id.ric_birth_date", rule=RIC, value=text, birth_date=code[6:14])
        return Rejected("id.ric_birth_place", rule=RIC, value=text, region=code[:6])
    return Rejected("id.ric_format", rule=RIC, value=text)


OWNER_USCC = "uscc"
OWNER_RIC = "ric"
_RIC_CHECK_PASSED = ("id.ric_birth_date", "id.ric_birth_place")


def owner_id(text: str) -> tuple[str, str]:
    """("ric", number) for a valid resident ID, else ("uscc", code).

    When neither fits, the USCC error is raised, unless the text is a RIC whose check digit is
    right: then its birth date or place is what is wrong, and that error is raised.
    """
    ric_error = None
    if _RIC_SHAPE.fullmatch(_compact(text, USCC, "id.uscc_format")):
        try:
            return OWNER_RIC, resident_id(text)
        except Rejected as error:
            ric_error = error
    try:
        return OWNER_USCC, uscc(text)
    except Rejected:
        if ric_error is not None and ric_error.key in _RIC_CHECK_PASSED:
            raise ric_error from None
        raise
