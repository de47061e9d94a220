from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
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
