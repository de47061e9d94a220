"""The practice admin's settings forms: validate and normalise only; the views hand the
cleaned values to the services. Each lists its fields explicitly, so a field added to the
model is shown only once someone decides where it belongs."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Practice, User
from .text import TypedEmailField, TypedTextField

PRACTICE_DETAIL_FIELDS = (
    "name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "phone",
    "email",
    "website",
    "regulator_contact",
)
PRACTICE_SCHEDULE_FIELDS = (
    "cancellation_notice_hours",
    "late_cancellation_fee",
    "reminder_hours_before",
    "booking_buffer_minutes",
    "min_notice_hours",
    "booking_gate",
)
# What each Good Faith Estimate prints and reckons with (45 CFR 149.610), and the sliding scale
# the intake's payment step offers.
PRACTICE_BILLING_FIELDS = (
    "npi",
    "tax_id",
    "sliding_scale_offered",
    "sliding_scale_note",
    "estimate_ongoing_sessions",  # its help text speaks of the period below it
    "estimate_months",
)
PRACTICE_SAFETY_FIELDS = ("on_call_emails", "urgent_realert_minutes")
PRACTICE_SCREENING_FIELDS = (
    "epds_enabled",
    "pcptsd5_cutoff",
    "minimum_client_age",
    "therapists_see_assigned_only",
)

STAFF_ROLE_CHOICES = [(role.value, role.label) for role in User.Role if role in User.STAFF_ROLES]


def practice_form(fields: tuple[str, ...]) -> type[forms.ModelForm]:
    """A form over these of the practice's fields, validated by the model's own rules."""
    return forms.modelform_factory(Practice, fields=fields)


PracticeDetailsForm = practice_form(
    PRACTICE_DETAIL_FIELDS + PRACTICE_SCHEDULE_FIELDS + PRACTICE_BILLING_FIELDS
)
PracticeSafetyForm = practice_form(PRACTICE_SAFETY_FIELDS)
PracticeScreeningForm = practice_form(PRACTICE_SCREENING_FIELDS)


class StaffInviteForm(forms.Form):
    email = TypedEmailField(label=_("Email address"))
    full_name = TypedTextField(label=_("Full name"), max_length=200, help_text=_("As clients should see it."))
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
