"""Validators shared by a model field and a start-up check, so both read addresses alike."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

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
