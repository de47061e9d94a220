"""Validators shared by a model field and a start-up check, so both read addresses alike."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.us import ein

ERROR_ON_CALL_ADDRESS = _("“%(address)s” is not an email address. Put one address on each line.")


def invalid_addresses(addresses: list[str]) -> list[str]:
    """The entries of `addresses` that are not email addresses, in their order."""
    invalid = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(address)
    return invalid


def validate_address_lines(value: str) -> None:
    """One email address per line (blank lines ignored), as Practice.on_call_list reads them."""
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    if bad := invalid_addresses(lines):
        raise ValidationError(ERROR_ON_CALL_ADDRESS, code="invalid", params={"address": bad[0]})


ERROR_NPI = _("An NPI is 10 digits whose last digit checks the others; please check this one.")
ERROR_TAX_ID = _("Please give the employer identification number as 9 digits, for example 84-1234567.")
# An NPI's check digit is the Luhn digit of the number behind this prefix (the card-issuer
# prefix 80840 that CMS assigned to health providers).
NPI_LUHN_PREFIX = "80840"


def validate_npi(value: str) -> None:
    """A National Provider Identifier: 10 digits, valid by its check digit."""
    if not (len(value) == 10 and value.isdigit() and luhn.is_valid(NPI_LUHN_PREFIX + value)):
        raise ValidationError(ERROR_NPI, code="invalid")


def validate_tax_id(value: str) -> None:
    """A US employer identification number (the practice's tax id), written NN-NNNNNNN."""
    if not ein.is_valid(value) or ein.format(value) != value:
        raise ValidationError(ERROR_TAX_ID, code="invalid")
