"""Rules for single contact answers, and the step-1 form fields that apply them: from tables."""

import pytest
from django.core.exceptions import ValidationError

from intake.forms import field_for
from intake.forms_rules import (
    ERROR_EMERGENCY_PHONE,
    ERROR_PHONE,
    ERROR_POSTAL_CODE,
    ERROR_STATE,
    phone_error,
    postal_code_error,
    state_error,
)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", None),
        ("(303) 555-0142", None),
        ("303-555-0142", None),
        ("303.555.0142", None),
        ("3035550142", None),
        ("+1 303 555 0142", None),
        ("+44 20 7946 0958", None),
        ("+353 (0)1 234 5678 9", None),  # 14 digits
        ("+44 (0)20 7946 0958", None),
        ("123456789012345", ERROR_PHONE),  # 15 digits, but no country's number
        ("(123) 456-7890", ERROR_PHONE),  # no such area code
        ("call me maybe", ERROR_PHONE),
        ("12", ERROR_PHONE),
        ("555-0142", ERROR_PHONE),  # no area code
        ("1234567890123456", ERROR_PHONE),  # 16 digits
        ("303-555-0142 ext 5", ERROR_PHONE),
        ("303/555/0142", ERROR_PHONE),
        ("٣٠٣٥٥٥٠١٤٢", ERROR_PHONE),  # digits of another script: no phone system dials them
        ("+1 (303) 555-0142\n", ERROR_PHONE),
    ],
)
def test_phone_rule(value, message):
    assert phone_error(value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", None),
        ("80218", None),
        ("80218-1234", None),
        ("ABCDE", ERROR_POSTAL_CODE),
        ("8021", ERROR_POSTAL_CODE),
        ("802181", ERROR_POSTAL_CODE),
        ("80218-12", ERROR_POSTAL_CODE),
        ("802181234", ERROR_POSTAL_CODE),
        ("80218 ", ERROR_POSTAL_CODE),  # the form strips; the rule takes the value as stored
    ],
)
def test_postal_code_rule(value, message):
    assert postal_code_error(value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", None),
        ("CO", None),
        ("DC", None),
        ("PR", None),
        ("GU", None),
        ("co", ERROR_STATE),  # stored upper-case: the form upper-cases what was typed
        ("Colorado", ERROR_STATE),
        ("Colorado!!!", ERROR_STATE),
        ("XX", ERROR_STATE),
        ("C", ERROR_STATE),
    ],
)
def test_state_rule(value, message):
    assert state_error(value) == message


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("co", "CO"),
        (" Co ", "CO"),
        ("CO", "CO"),
        ("Co.", "CO"),
        ("Colorado", "CO"),
        ("colorado", "CO"),
        ("  new   york ", "NY"),
        ("District of Columbia", "DC"),
        ("Puerto Rico", "PR"),
        ("", ""),
    ],
)
def test_state_field_accepts_a_name_or_a_code_and_keeps_the_code(typed, kept):
    assert field_for("state").clean(typed) == kept


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("303.555.0142", "(303) 555-0142"),
        ("3035550142", "(303) 555-0142"),
        ("+1 303 555 0142", "(303) 555-0142"),
        ("1-303-555-0142", "(303) 555-0142"),
        ("(303) 555-0142", "(303) 555-0142"),
        ("+44 (0)20 7946 0958", "+44 20 7946 0958"),
        ("", ""),
    ],
)
@pytest.mark.parametrize("name", ["phone", "emergency_contact_phone"])
def test_phone_fields_accept_common_formats_and_keep_one(name, typed, kept):
    assert field_for(name).clean(typed) == kept


def test_each_phone_field_names_itself_in_its_message():
    with pytest.raises(ValidationError) as own:
        field_for("phone").clean("555-0142")
    with pytest.raises(ValidationError) as emergency:
        field_for("emergency_contact_phone").clean("555-0142")
    assert "your phone number" in own.value.messages[0]
    assert "emergency contact" in emergency.value.messages[0]


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("phone", "call me maybe", ERROR_PHONE),
        ("emergency_contact_phone", "12", ERROR_EMERGENCY_PHONE),
        ("postal_code", "ABCDE", ERROR_POSTAL_CODE),
        ("state", "Colorado!!!", ERROR_STATE),
    ],
)
def test_step_1_fields_refuse_nonsense_with_their_message(name, typed, message):
    with pytest.raises(ValidationError) as exc:
        field_for(name).clean(typed)
    assert exc.value.messages == [str(message)]


@pytest.mark.parametrize("name", ["phone", "emergency_contact_phone", "postal_code", "state"])
def test_step_1_contact_fields_may_stay_empty_while_drafting(name):
    assert field_for(name).clean("") == ""


def test_phone_fields_offer_the_phone_keypad():
    assert field_for("phone").widget.input_type == "tel"
    assert field_for("emergency_contact_phone").widget.attrs["autocomplete"] == "off"
