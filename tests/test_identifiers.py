"""Identifiers of RULES.md §5 (ipcli.rules.identifiers)."""

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from ipcli.errors import Rejected
from ipcli.rules import identifiers as ids
from ipcli.rules.catalog import RULES
from ipcli.rules.patent import PATENT_TYPES


def independent_patent_check(digits: str) -> str:
    """RULES.md §5 written out again: weights 2..9,2..5 left to right, sum mod 11, 10 is X."""
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5][: len(digits)]
    total = 0
    for digit, weight in zip(digits, weights):
        total += int(digit) * weight
    return "0123456789X"[total % 11]


def independent_uscc_check(first17: str) -> str:
    """GB 32100: weights 3^i mod 31, check = (31 - sum mod 31) mod 31, over the 31-character alphabet."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(char) * pow(3, i, 31) for i, char in enumerate(first17))
    return alphabet[-total % 31]


# Hand-computed patent application numbers (digit x weight, summed, mod 11):
# 201910123456: 2*2+0*3+1*4+9*5+1*6+0*7+1*8+2*9+3*2+4*3+5*4+6*5
#             = 4+0+4+45+6+0+8+18+6+12+20+30 = 153; 153 = 13*11 + 10 -> X
# 202320012345: 4+0+8+15+12+0+0+9+4+9+16+25 = 102; 102 = 9*11 + 3 -> 3
# 98123456:     9*2+8*3+1*4+2*5+3*6+4*7+5*8+6*9 = 18+24+4+10+18+28+40+54 = 196; 196 = 17*11 + 9 -> 9
HAND_COMPUTED = [("201910123456", "X"), ("202320012345", "3"), ("98123456", "9")]

VALID_USCC = [
    "91110000600037341L",   # stdnum's docstring example
    "91350100M000100Y43",
    "91440300708461136T",
    "911100006001000394",   # all digits, and its last digit also passes the RIC check
    "N2110108MA01ABC2X9",   # letters in the first 8 characters: stdnum's validate() refuses it
    "A1110000600037341K",
]
LETTER_PREFIXED_USCC = ["N2110108MA01ABC2X9", "A1110000600037341K"]

VALID_RIC = [
    "360426199101010071",   # stdnum's docstring example
    "11010119900101004X",
]


@pytest.mark.parametrize("digits, check", HAND_COMPUTED)
def test_hand_computed_check_characters(digits, check):
    assert ids.patent_check_char(digits) == check
    assert independent_patent_check(digits) == check
    assert ids.patent_app_no(f"{digits}.{check}") == f"{digits}.{check}"


@pytest.mark.parametrize("text, canonical", [
    ("201910123456.X", "201910123456.X"),
    ("201910123456.x", "201910123456.X"),
    ("201910123456X", "201910123456.X"),
    ("ZL201910123456.X", "201910123456.X"),
    ("zl 2019 1 0123456.X", "201910123456.X"),
    ("CN201910123456X", "201910123456.X"),
    ("  cn 202320012345 . 3 ", "202320012345.3"),
    ("98123456.9", "98123456.9"),
    ("ZL98123456.9", "98123456.9"),
    ("98123456 9", "98123456.9"),
])
def test_patent_app_no_canonical(text, canonical):
    assert ids.patent_app_no(text) == canonical


@pytest.mark.parametrize("app_no, patent_type", [
    ("201910123456.X", "invention"),
    ("202320012345.3", "utility"),
    ("98123456.9", "invention"),
    ("ZL" + "2021" + "3" + "0000001" + "." + independent_patent_check("202130000001"), "design"),
    ("2020" + "8" + "0000001" + independent_patent_check("202080000001"), "invention"),
    ("2020" + "9" + "0000001" + independent_patent_check("202090000001"), "utility"),
    ("00" + "2" + "12345" + independent_patent_check("00212345"), "utility"),
])
def test_patent_type_of(app_no, patent_type):
    assert ids.patent_type_of(app_no) == patent_type


def test_patent_types_are_those_of_the_patent_rules():
    assert set(ids.PATENT_TYPE_DIGITS.values()) == set(PATENT_TYPES)


def test_patent_type_of_refuses_a_bad_number():
    with pytest.raises(Rejected) as caught:
        ids.patent_type_of("201910123456.1")
    assert (caught.value.key, caught.value.params["expected"]) == ("id.pat_app_no_checksum", "X")


@pytest.mark.parametrize("text, canonical", [
    ("91110000600037341L", "91110000600037341L"),
    ("91110000600037341l", "91110000600037341L"),
    (" 9111-0000-6000-3734-1L ", "91110000600037341L"),
    ("9 1 110000 600037341L", "91110000600037341L"),
    ("n2110108ma01abc2x9", "N2110108MA01ABC2X9"),
])
def test_uscc_canonical(text, canonical):
    assert ids.uscc(text) == canonical


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_uscc_fixtures_agree_with_the_check_digit(code):
    assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]
    assert independent_uscc_check(code[:17]) == code[17]
    assert ids.uscc(code) == code


@pytest.mark.parametrize("code", LETTER_PREFIXED_USCC)
def test_uscc_letters_in_the_first_8_characters_are_accepted_though_stdnum_refuses(code):
    assert not stdnum_uscc.is_valid(code)
    assert ids.uscc(code) == code


@pytest.mark.parametrize("code", VALID_RIC)
def test_resident_id_valid(code):
    assert stdnum_ric.is_valid(code)
    assert ids.resident_id(code) == code


@pytest.mark.parametrize("text, canonical", [
    ("11010119900101004x", "11010119900101004X"),
    (" 360426 19910101 0071 ", "360426199101010071"),
])
def test_resident_id_canonical(text, canonical):
    assert ids.resident_id(text) == canonical


@pytest.mark.parametrize("text, expected", [
    ("360426199101010071", ("ric", "360426199101010071")),
    ("11010119900101004x", ("ric", "11010119900101004X")),
    ("91110000600037341l", ("uscc", "91110000600037341L")),
    ("N2110108MA01ABC2X9", ("uscc", "N2110108MA01ABC2X9")),
    # All digits and right under the RIC check digit, but region 911100 does not exist: a USCC.
    ("911100006001000394", ("uscc", "911100006001000394")),
    ("511100005000123456", ("uscc", "511100005000123456")),
])
def test_owner_id(text, expected):
    assert ids.owner_id(text) == expected


@pytest.mark.parametrize("text, canonical", [
    ("1234567", "1234567"),
    (" 00012345\t", "00012345"),
    ("9", "9"),
    ("12345678", "12345678"),
])
def test_trademark_reg_no(text, canonical):
    assert ids.trademark_reg_no(text) == canonical


@pytest.mark.parametrize("value, number", [(1, 1), (45, 45), ("9", 9), (" 35 ", 35), ("09", 9), ("0045", 45)])
def test_nice_class(value, number):
    assert ids.nice_class(value) == number


@pytest.mark.parametrize("text, classes", [
    ("9", (9,)),
    ("9,35", (9, 35)),
    ("35;9", (9, 35)),
    (" 42 , 9 ; 35 ", (9, 35, 42)),
    ("45,1", (1, 45)),
])
def test_nice_classes(text, classes):
    assert ids.nice_classes(text) == classes


# (function, input, key, rule, extra parameters beyond value)
REFUSALS = [
    (ids.trademark_reg_no, "", "id.tm_reg_no_format", "ID-TM-REG-NO", {}),
    (ids.trademark_reg_no, "12 345", "id.tm_reg_no_format", "ID-TM-REG-NO", {}),
    (ids.trademark_reg_no, "G1234", "id.tm_reg_no_format", "ID-TM-REG-NO", {}),
    (ids.trademark_reg_no, "１２３", "id.tm_reg_no_format", "ID-TM-REG-NO", {}),
    (ids.trademark_reg_no, 1234, "id.tm_reg_no_format", "ID-TM-REG-NO", {}),
    (ids.trademark_reg_no, "123456789", "id.tm_reg_no_length", "ID-TM-REG-NO",
     {"digits": 9, "max_digits": 8}),
    (ids.nice_class, "nine", "id.nice_class_format", "ID-NICE-CLASS", {}),
    (ids.nice_class, "", "id.nice_class_format", "ID-NICE-CLASS", {}),
    (ids.nice_class, "-3", "id.nice_class_format", "ID-NICE-CLASS", {}),
    (ids.nice_class, 9.0, "id.nice_class_format", "ID-NICE-CLASS", {}),
    (ids.nice_class, True, "id.nice_class_format", "ID-NICE-CLASS", {}),
    (ids.nice_class, 0, "id.nice_class_range", "ID-NICE-CLASS", {"first": 1, "last": 45}),
    (ids.nice_class, 46, "id.nice_class_range", "ID-NICE-CLASS", {"first": 1, "last": 45}),
    (ids.nice_class, "00", "id.nice_class_range", "ID-NICE-CLASS", {}),
    (ids.nice_class, "1" * 5000, "id.nice_class_range", "ID-NICE-CLASS", {}),
    (ids.nice_classes, "  ", "id.nice_classes_empty", "ID-NICE-CLASS", {}),
    (ids.nice_classes, "9,,35", "id.nice_classes_empty_item", "ID-NICE-CLASS", {}),
    (ids.nice_classes, "9,35,", "id.nice_classes_empty_item", "ID-NICE-CLASS", {}),
    (ids.nice_classes, "9,35;9", "id.nice_classes_duplicate", "ID-NICE-CLASS", {"nice_class": 9}),
    (ids.nice_classes, "9,09", "id.nice_classes_duplicate", "ID-NICE-CLASS", {"nice_class": 9}),
    (ids.patent_app_no, "2019101234567.8", "id.pat_app_no_format", "ID-PAT-APP-NO", {}),
    (ids.patent_app_no, "201910123456", "id.pat_app_no_format", "ID-PAT-APP-NO", {}),
    (ids.patent_app_no, "US201910123456.X", "id.pat_app_no_format", "ID-PAT-APP-NO", {}),
    (ids.patent_app_no, "2019101234.56X", "id.pat_app_no_format", "ID-PAT-APP-NO", {}),
    (ids.patent_app_no, "201910123456.A", "id.pat_app_no_format", "ID-PAT-APP-NO", {}),
    (ids.patent_app_no, None, "id.pat_app_no_format", "ID-PAT-APP-NO", {}),
    (ids.patent_app_no, "200210123456.0", "id.pat_app_no_year", "ID-PAT-APP-NO",
     {"year": "2002", "digits": 12}),
    (ids.patent_app_no, "84123456.4", "id.pat_app_no_year", "ID-PAT-APP-NO", {"year": "84", "digits": 8}),
    (ids.patent_app_no, "04123456.7", "id.pat_app_no_year", "ID-PAT-APP-NO", {"year": "04", "digits": 8}),
    (ids.patent_app_no, "201940123456.2", "id.pat_app_no_type", "ID-PAT-APP-NO", {"type_digit": "4"}),
    (ids.patent_app_no, "98023456.1", "id.pat_app_no_type", "ID-PAT-APP-NO", {"type_digit": "0"}),
    (ids.patent_app_no, "ZL201910123456.1", "id.pat_app_no_checksum", "ID-PAT-APP-NO",
     {"check": "1", "expected": "X"}),
    (ids.patent_app_no, "98123456.x", "id.pat_app_no_checksum", "ID-PAT-APP-NO",
     {"check": "X", "expected": "9"}),
    (ids.uscc, "9111000060003734", "id.uscc_length", "ID-USCC", {"length": 16}),
    (ids.uscc, "91110000600037341LL", "id.uscc_length", "ID-USCC", {"length": 19}),
    (ids.uscc, "91110000600O37341L", "id.uscc_format", "ID-USCC", {"char": "O", "position": 12}),
    (ids.uscc, "S1110000600037341L", "id.uscc_format", "ID-USCC", {"char": "S", "position": 1}),
    (ids.uscc, 91110000600037341, "id.uscc_format", "ID-USCC", {}),
    (ids.uscc, "91110000600037341K", "id.uscc_checksum", "ID-USCC", {"check": "K", "expected": "L"}),
    (ids.uscc, "N2110108MA01ABC2X8", "id.uscc_checksum", "ID-USCC", {"check": "8", "expected": "9"}),
    (ids.resident_id, "36042619910101007", "id.ric_length", "ID-RIC", {"length": 17}),
    (ids.resident_id, "3604261991010100A1", "id.ric_format", "ID-RIC", {}),
    (ids.resident_id, "36042619910101007A", "id.ric_format", "ID-RIC", {}),
    (ids.resident_id, None, "id.ric_format", "ID-RIC", {}),
    (ids.resident_id, "360426199101010072", "id.ric_checksum", "ID-RIC", {"check": "2", "expected": "1"}),
    (ids.resident_id, "360426199102300070", "id.ric_birth_date", "ID-RIC", {"birth_date": "19910230"}),
    (ids.resident_id, "990000199101010073", "id.ric_birth_place", "ID-RIC", {"region": "990000"}),
    # Hong Kong's code 810000 is in stdnum's table from 1997 only.
    (ids.resident_id, "810000199501010074", "id.ric_birth_place", "ID-RIC", {"region": "810000"}),
    # owner_id: the USCC error when neither fits ...
    (ids.owner_id, "360426199101010072", "id.uscc_checksum", "ID-USCC", {"check": "2"}),
    (ids.owner_id, "91110000600037341K", "id.uscc_checksum", "ID-USCC", {"expected": "L"}),
    (ids.owner_id, "12345", "id.uscc_length", "ID-USCC", {"length": 5}),
    # ... but the RIC's when its check digit is right and only its birth date or place is wrong.
    (ids.owner_id, "990000199101010073", "id.ric_birth_place", "ID-RIC", {"region": "990000"}),
    (ids.owner_id, "360426199102300070", "id.ric_birth_date", "ID-RIC", {"birth_date": "19910230"}),
]


@pytest.mark.parametrize("function, text, key, rule, params", REFUSALS)
def test_refusals(function, text, key, rule, params):
    with pytest.raises(Rejected) as caught:
        function(text)
    error = caught.value
    assert (error.key, error.rule) == (key, rule)
    assert error.params["value"] is text
    for name, expected in params.items():
        assert error.params[name] == expected


def test_a_bad_class_in_a_list_names_that_item():
    with pytest.raises(Rejected) as caught:
        ids.nice_classes("9, 46")
    error = caught.value
    assert (error.key, error.rule, error.params["value"]) == ("id.nice_class_range", "ID-NICE-CLASS", "46")


def test_every_message_key_is_listed_and_exercised():
    raised = {key for _, _, key, _, _ in REFUSALS}
    assert raised == set(ids.MESSAGE_KEYS)
    assert len(ids.MESSAGE_KEYS) == len(set(ids.MESSAGE_KEYS))
    assert all(key.startswith("id.") for key in ids.MESSAGE_KEYS)


def test_rule_ids_exist_in_the_catalog():
    assert {ids.TM_REG_NO, ids.NICE_CLASS, ids.PAT_APP_NO, ids.USCC, ids.RIC} <= set(RULES)


def test_stdnum_is_imported_lazily():
    code = "import sys, ipcli.rules.identifiers; print(any(m.startswith('stdnum') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# Properties

digit = st.sampled_from("0123456789")
type_digit = st.sampled_from("12389")
serial7 = st.text(digit, min_size=7, max_size=7)
serial5 = st.text(digit, min_size=5, max_size=5)
year4 = st.integers(2003, 2099).map(str)
year2 = st.sampled_from([f"{y:02d}" for y in (*range(85, 100), *range(0, 4))])
twelve_digits = st.builds(lambda y, t, s: y + t + s, year4, type_digit, serial7)
eight_digits = st.builds(lambda y, t, s: y + t + s, year2, type_digit, serial5)
app_digits = st.one_of(twelve_digits, eight_digits)


@given(app_digits)
def test_computed_check_char_validates(digits):
    check = independent_patent_check(digits)
    assert ids.patent_check_char(digits) == check
    assert ids.patent_app_no(digits + check) == f"{digits}.{check}"


@given(app_digits, st.data())
def test_changing_one_digit_is_refused(digits, data):
    canonical = f"{digits}.{independent_patent_check(digits)}"
    position = data.draw(st.integers(0, len(digits) - 1))
    new = data.draw(digit.filter(lambda d: d != digits[position]))
    changed = digits[:position] + new + digits[position + 1:]
    text = changed + canonical[-2:]
    with pytest.raises(Rejected) as caught:
        ids.patent_app_no(text)
    assert caught.value.rule == "ID-PAT-APP-NO"
    assert caught.value.params["value"] == text
    year_or_type = (0, 1, 2, 3, 4) if len(digits) == 12 else (0, 1, 2)
    if position not in year_or_type:
        assert caught.value.key == "id.pat_app_no_checksum"
    else:
        assert caught.value.key in ("id.pat_app_no_checksum", "id.pat_app_no_year", "id.pat_app_no_type")


@given(app_digits, st.sampled_from("0123456789X"))
def test_any_other_check_char_is_refused(digits, check):
    expected = independent_patent_check(digits)
    if check == expected:
        return
    with pytest.raises(Rejected) as caught:
        ids.patent_app_no(f"{digits}.{check}")
    assert caught.value.key == "id.pat_app_no_checksum"
    assert caught.value.params["expected"] == expected


@given(app_digits, st.sampled_from(["", "ZL", "zl", "CN", "cn ", "ZL "]), st.sampled_from(["", ".", " . "]),
       st.booleans())
def test_patent_app_no_round_trip(digits, prefix, dot, lower):
    canonical = f"{digits}.{independent_patent_check(digits)}"
    text = f"{prefix}{digits}{dot}{canonical[-1]}"
    text = text.lower() if lower else text
    assert ids.patent_app_no(text) == canonical
    assert ids.patent_app_no(canonical) == canonical
    assert ids.patent_type_of(text) == ids.PATENT_TYPE_DIGITS[digits[4] if len(digits) == 12 else digits[2]]


uscc_body = st.text(st.sampled_from(ids.USCC_ALPHABET), min_size=17, max_size=17)


@given(uscc_body)
def test_uscc_with_its_check_char_validates_and_round_trips(body):
    code = body + independent_uscc_check(body)
    assert ids.uscc(code) == code
    assert ids.uscc(code.lower()) == code
    assert ids.uscc("-".join([code[:6], code[6:12], code[12:]])) == code


@given(uscc_body, st.data())
def test_changing_one_uscc_character_is_refused(body, data):
    code = body + independent_uscc_check(body)
    position = data.draw(st.integers(0, 17))
    new = data.draw(st.sampled_from(ids.USCC_ALPHABET).filter(lambda c: c != code[position]))
    changed = code[:position] + new + code[position + 1:]
    with pytest.raises(Rejected) as caught:
        ids.uscc(changed)
    assert (caught.value.key, caught.value.params["value"]) == ("id.uscc_checksum", changed)


@given(st.text(digit, min_size=16, max_size=16))
def test_all_digit_uscc_of_registering_authority_9_is_a_uscc_owner(rest):
    body = "9" + rest
    code = body + independent_uscc_check(body)
    assert ids.owner_id(code) == ("uscc", code)


separator = st.sampled_from([",", ";", " , ", "; "])


@given(st.sets(st.integers(1, 45), min_size=1), st.randoms(), st.lists(separator))
def test_nice_classes_round_trip(classes, random, separators):
    items = [str(number) for number in classes]
    random.shuffle(items)
    text = items[0]
    for i, item in enumerate(items[1:]):
        text += (separators[i] if i < len(separators) else ",") + item
    assert ids.nice_classes(text) == tuple(sorted(classes))
    assert ids.nice_classes(",".join(map(str, ids.nice_classes(text)))) == tuple(sorted(classes))


@given(st.text(digit, min_size=1, max_size=8), st.sampled_from(["", " ", "\t", "\n "]))
def test_trademark_reg_no_round_trip(number, space):
    assert ids.trademark_reg_no(space + number + space) == number
    assert ids.trademark_reg_no(number) == number
