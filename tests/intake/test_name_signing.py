"""Which typed names sign for whom: what a person would reasonably type for herself is
accepted, and someone else's name is refused."""

import pytest

from intake.consent_rules import name_signs_for

LEGAL = "Hannah Ruth Alvarez"


@pytest.mark.parametrize(
    ("typed", "legal_name", "preferred_name"),
    [
        ("Hannah Ruth Alvarez", LEGAL, ""),
        ("hannah ruth alvarez", LEGAL, ""),  # case
        ("  Hannah   Ruth  Alvarez ", LEGAL, ""),  # extra spaces
        ("Hannah Alvarez", LEGAL, ""),  # middle name left out
        ("Hannah R. Alvarez", "Hannah R Alvarez", ""),  # punctuation
        ("Hannah Ruth Alvarez", "Hannah Alvarez", ""),  # middle name added
        ("Annie Alvarez", LEGAL, "Annie"),  # the name she asked to be called + surname
        ("Annie Ruth Alvarez", LEGAL, "Annie"),
        ("Ana Maria Nunez O'Brien", "Ana María Núñez-O'Brien", ""),  # accents, hyphen
        ("ana maria nunez obrien", "Ana María Núñez-O’Brien", ""),  # curly apostrophe
        ("Ana Núñez-O'Brien", "Ana María Núñez-O'Brien", ""),  # middle left out, accents kept
        ("Zoe Lefevre", "Zoë Lefèvre", ""),
        ("Soren Lukasiewicz", "Søren Łukasiewicz", ""),
        ("Maryann Lee", "Mary Ann Lee", ""),  # parts run together
        ("Mary-Ann Lee", "Mary Ann Lee", ""),
    ],
)
def test_a_name_she_would_type_for_herself_signs(typed, legal_name, preferred_name):
    assert name_signs_for(typed, legal_name=legal_name, preferred_name=preferred_name)


@pytest.mark.parametrize(
    ("typed", "legal_name", "preferred_name"),
    [
        ("Maria Alvarez", LEGAL, ""),  # another first name
        ("Hannah Smith", LEGAL, ""),  # another surname
        ("Hannah Rose Alvarez", LEGAL, ""),  # another middle name
        ("Hannah", LEGAL, ""),  # no surname
        ("Alvarez", LEGAL, ""),
        ("H Alvarez", LEGAL, ""),
        ("Annie Alvarez", LEGAL, ""),  # a nickname she never gave
        ("Annie Smith", LEGAL, "Annie"),
        ("Alvarez Hannah", LEGAL, ""),
        ("Ana Maria Nunez", "Ana María Núñez-O'Brien", ""),  # half a double surname
        ("Anna Maria Nunez O'Brien", "Ana María Núñez-O'Brien", ""),
        ("Ana Maria Nunes O'Brien", "Ana María Núñez-O'Brien", ""),
        ("Someone Else", "Hope Rivera", ""),
        ("'-. ,", "Hope Rivera", ""),
        ("Hope Rivera", "", ""),
    ],
)
def test_another_persons_name_does_not_sign(typed, legal_name, preferred_name):
    assert not name_signs_for(typed, legal_name=legal_name, preferred_name=preferred_name)
