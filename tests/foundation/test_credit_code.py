"""统一社会信用代码 validation per GB 32100-2015."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from carbonms.organizations import credit_code
from carbonms.organizations.validators import validate_credit_code

# A check character worked by hand with the GB 32100 weights (3^(i-1) mod 31) and the 31-character set:
# body 91350100M000100Y4 -> values 9,1,3,5,0,1,0,0,21,0,0,0,1,0,0,30,4; sum of value×weight = 1640;
# 1640 mod 31 = 28; 31 - 28 = 3 -> check character "3".
BODY = "91350100M000100Y4"


def test_weights_are_powers_of_three_mod_31():
    assert credit_code.WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_hand_worked_check_character():
    values = [credit_code.CHARSET.index(c) for c in BODY]
    assert values == [9, 1, 3, 5, 0, 1, 0, 0, 21, 0, 0, 0, 1, 0, 0, 30, 4]
    assert credit_code.check_character(BODY) == "3"
    assert credit_code.problem(BODY + "3") is None
    assert credit_code.problem(BODY + "4") == "check"


@pytest.mark.parametrize(
    "code, reason",
    [
        ("9132060012345678", "length"),
        ("91320600123456789I", "charset"),
        ("91320600123456789O", "charset"),
        ("91A20600123456789X", "division"),
    ],
)
def test_bad_codes_name_the_reason(code, reason):
    assert credit_code.problem(code) == reason


def test_wrong_check_character_is_refused_with_message():
    first17 = "91320600MA1MXXXX0"
    good = first17 + credit_code.check_character(first17)
    wrong = first17 + ("0" if good[-1] != "0" else "1")
    validate_credit_code(good)
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(wrong)
    assert exc.value.code == "credit_code_check"


@given(st.text(alphabet=credit_code.CHARSET, min_size=17, max_size=17).filter(lambda s: s[2:8].isdigit()))
def test_any_body_with_its_check_character_is_valid_and_one_changed_character_is_not(body):
    code = body + credit_code.check_character(body)
    assert credit_code.problem(code) is None
    # Changing any one of the first 17 characters changes the weighted sum mod 31 (weights are units mod 31).
    for i in (0, 8, 16):
        replacement = next(c for c in credit_code.CHARSET if c != code[i])
        altered = code[:i] + replacement + code[i + 1:]
        if altered[2:8].isdigit():
            assert credit_code.problem(altered) == "check"
