"""Forms for the therapist review. They convert and validate what was typed; the rules
(who may be assigned, which status may follow which) live in intake.review_services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.text import TypedTextField

from .models import Intake, RiskFlag, RiskLevelChoices
from .review_selectors import (
    ASSIGNED_MINE,
    ASSIGNED_NONE,
    assignable_therapist_choices,
    assignable_therapists,
)
from .review_services import TRANSITIONS

SEARCH_MAX_LENGTH = 100


class QueueFilterForm(forms.Form):
    """The queue's filters; an invalid value is dropped rather than shown as an error."""

    q = forms.CharField(label=_("Client name or email"), required=False, max_length=SEARCH_MAX_LENGTH)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open (not closed)")), *[c for c in Intake.Status.choices if c[0] != "draft"]],
    )
    risk = forms.ChoiceField(
        label=_("Safety level"), required=False, choices=[("", _("Any")), *RiskLevelChoices.choices]
    )
    assigned = forms.ChoiceField(label=_("Assigned therapist"), required=False)
    service = forms.ChoiceField(
        label=_("Support asked for"), required=False, choices=[("", _("Any")), *Intake.Service.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned"].choices = [
            ("", _("Anyone or no one")),
            (ASSIGNED_MINE, _("Assigned to me")),
            (ASSIGNED_NONE, _("Not assigned yet")),
            *assignable_therapist_choices(),
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters as keyword arguments for review_queue; invalid ones are ignored."""
        if self.is_valid():
            data = self.cleaned_data
        else:
            data = {name: self.cleaned_data.get(name, "") for name in self.fields if name not in self.errors}
        return {
            "search": data.get("q") or "",
            "status": data.get("status") or "",
            "risk": data.get("risk") or "",
            "assigned": data.get("assigned") or "",
            "service": data.get("service") or "",
        }


class AssignForm(forms.Form):
    therapist = forms.ModelChoiceField(
        label=_("Assign to"), queryset=assignable_therapists(), empty_label=_("Choose a therapist")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The options shown come from the cached choices, so showing the form reads no rows;
        # what is submitted is still looked up in the queryset (a query on POST only).
        field = self.fields["therapist"]
        field.choices = [("", field.empty_label), *assignable_therapist_choices()]


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Intake.Status.IN_REVIEW, _("Start the review")),
            (Intake.Status.ACCEPTED, _("Accept: ready for scheduling")),
            (Intake.Status.REFERRED, _("Refer out")),
            (Intake.Status.CLOSED, _("Close")),
        ],
        widget=forms.RadioSelect,
    )
    note = TypedTextField(
        label=_("Referral or closing note"),
        help_text=_("Needed to refer out (why) or to close (the reason)."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    resources = TypedTextField(
        label=_("Resources given to the client"),
        help_text=_("Needed to refer out: who the client was referred to, and how to reach them."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            # Offer only the moves the workflow allows from here (the service checks again).
            allowed = TRANSITIONS.get(current, frozenset())
            field = self.fields["status"]
            field.choices = [choice for choice in field.choices if choice[0] in allowed]


class AcknowledgeForm(forms.Form):
    # No default: what was done is chosen deliberately, never submitted by accident.
    follow_up = forms.ChoiceField(
        label=_("What was done"), choices=[("", _("Choose what was done")), *RiskFlag.FollowUp.choices]
    )
    note = TypedTextField(
        label=_("Note"),
        help_text=_("When, who, and what was agreed."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    body = TypedTextField(
        label=_("Add an internal note"),
        help_text=_("Notes can't be changed once saved; add a new note to correct one."),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class BenefitsCheckForm(forms.Form):
    note = TypedTextField(
        label=_("What the check found"),
        help_text=_("For example: in network, $30 copay, deductible met. Billing facts only."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Please write what the check found (for example the copay)."),
            "max_length": _(
                "Please keep this to %(limit_value)d characters or fewer: it has %(show_value)d. "
                "Your text is kept below to shorten."
            ),
        },
    )


class ReferralReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
