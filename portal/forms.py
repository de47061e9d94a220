from datetime import datetime, time, timedelta

from allauth.account import forms as account_forms
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .models import User

MSG_DATE_ORDER = _("The end date must be on or after the start date.")


class AuditFilterForm(forms.Form):
    """Filters for the audit log. Dates are whole days in the practice's time zone."""

    staff = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=User.objects.filter(role__in=User.STAFF_ROLES).order_by("full_name", "email"),
        required=False,
        empty_label=_("Anyone"),
    )
    client_email = forms.EmailField(label=_("Client's email"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", MSG_DATE_ORDER)
        return cleaned

    def time_range(self) -> tuple[datetime | None, datetime | None]:
        """The filter's dates as an aware [since, until) range in the practice's zone."""
        zone = timezone.get_current_timezone()
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        since = datetime.combine(start, time.min, tzinfo=zone) if start else None
        until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone) if end else None
        return since, until


class SignupForm(account_forms.SignupForm):
    """allauth's sign-up form, doing a new account's costly work for a known address too.

    allauth answers an address that already has an account with the same page as a new one
    and emails the owner instead, but it skips what a new account costs: hashing the password,
    by far the slowest step. Anyone timing the answer could tell that the address has an
    account here, which for this practice says that a named person is in care.
    """

    def try_save(self, request: HttpRequest):
        if self.account_already_exists:
            # Hashed with the same hasher and work factor as a new account's, then dropped.
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class ResetPasswordForm(account_forms.ResetPasswordForm):
    """allauth's password reset request, doing for an unknown address what a known one costs.

    For a known address allauth makes a reset token, which reads the account's addresses
    twice and signs them; for an unknown one it sends the "not signed up" email without that
    work, about a millisecond (15%) sooner: over enough tries, that tells which addresses
    have accounts.
    """

    def save(self, request: HttpRequest, **kwargs) -> str:
        if not self.users:
            email = self.cleaned_data["email"]
            # The same two reads and the same signature, for an account that does not exist.
            EmailAddress.objects.filter(user_id=None, email=email).exists()
            list(EmailAddress.objects.filter(user_id=None).values_list("email", flat=True))
            salted_hmac(self.__class__.__name__, email, algorithm="sha256").hexdigest()
        return super().save(request, **kwargs)
