"""The practice admin's forms for the agreements and the therapists' profiles: validate and
normalise only; consent_services publishes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import TherapistCredentials
from portal.selectors import practice_get
from portal.text import TypedTextField

from .consent_rules import ERROR_PLACEHOLDER, text_placeholders
from .disclosure import CREDENTIAL_FIELDS
from .selectors import consent_text_problems_now


class AgreementVersionForm(forms.Form):
    """A new version of an agreement: what keeps it from being signed is said beside the text."""

    title = TypedTextField(label=_("Title"), max_length=200)
    body = TypedTextField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_(
            "The portal fills in the practice's details where the text names them: {practice_name}, "
            "{practice_address}, {practice_phone}, {practice_email}, {regulator_contact}, "
            "{cancellation_notice_hours}, {late_cancellation_fee}."
        ),
    )

    def clean_body(self):
        body = self.cleaned_data["body"]
        if problems := consent_text_problems_now(body=body, practice=practice_get()):
            raise forms.ValidationError(problems)
        return body


class TherapistProfileForm(forms.ModelForm):
    """What the disclosure says of her, and whether she takes new clients."""

    class Meta:
        model = TherapistCredentials
        fields = (*CREDENTIAL_FIELDS, "npi", "taking_new_clients")
        widgets = {
            "degrees": forms.Textarea(attrs={"rows": 3}),
            "licence_requires": forms.Textarea(attrs={"rows": 4}),
            "further_training": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        # A placeholder would be printed in the disclosure clients sign as if it were her detail.
        cleaned = super().clean()
        for field in CREDENTIAL_FIELDS:
            if placeholders := text_placeholders(cleaned.get(field) or ""):
                self.add_error(field, str(ERROR_PLACEHOLDER % {"placeholder": placeholders[0]}))
        return cleaned
