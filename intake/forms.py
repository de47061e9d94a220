"""Forms for the intake steps. They convert and validate what was typed; nothing more.

The rules that matter (dates of past events, the minimum age, one current pregnancy,
signatures) live in the write services (intake.step_services and the others beside it) and
intake.pregnancy_history, so the autosave endpoint and the page forms apply the same ones.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from portal.text import TypedEmailField, TypedTextField

from . import forms_rules, partner_words, pregnancy_history
from .catalogue import SYMPTOM_GROUPS
from .models import Intake, PregnancyEntry, YesNoUnsure, YesNoUnsurePreferNot
from .steps import Step

YES_NO_CHOICES = [("True", _("Yes")), ("False", _("No"))]
IMPACT_CHOICES = [(n, str(n)) for n in range(11)]
MONTH_CHOICES = [
    ("", _("Month (if you know it)")),
    *[(n, label) for n, label in enumerate(
        [
            _("January"), _("February"), _("March"), _("April"), _("May"), _("June"),
            _("July"), _("August"), _("September"), _("October"), _("November"), _("December"),
        ],
        start=1,
    )],
]  # fmt: skip


def _yes_no(label, help_text=""):
    return forms.NullBooleanField(
        label=label, help_text=help_text, required=False, widget=forms.RadioSelect(choices=YES_NO_CHOICES)
    )


def _radio(label, choices, help_text=""):
    return forms.ChoiceField(
        label=label, help_text=help_text, choices=choices, required=False, widget=forms.RadioSelect
    )


def _impact(label):
    # Converted only: the range (0 to 10) is checked once, by the service that saves it
    # (step_services), and held by the database's constraint.
    return forms.IntegerField(
        label=label,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "scale"}, choices=IMPACT_CHOICES),
    )


ERROR_SHORT_TOO_LONG = _(
    "Please keep this to %(limit_value)s characters or fewer (it is %(show_value)s now); a longer "
    "answer fits in the boxes for your own words."
)


def _text(label, help_text="", max_length=200):
    """A short answer. No maxlength on the box: a browser would cut a long paste without a
    word; the form says instead how long it may be, and keeps what was typed."""
    field = TypedTextField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        error_messages={"max_length": ERROR_SHORT_TOO_LONG},
    )
    field.widget.attrs.pop("maxlength", None)
    return field


def _rule(check):
    """A form validator from a check in forms_rules (the services apply the same one)."""

    def validate(value):
        message = check(value)
        if message:
            raise ValidationError(message, code="invalid")

    return validate


class PhoneField(forms.CharField):
    """A phone number typed in any common format, kept in one (forms_rules.phone_normalise)."""

    def to_python(self, value):
        return forms_rules.phone_normalise(super().to_python(value))


def _phone(label, check, autocomplete="tel"):
    return PhoneField(
        label=label,
        required=False,
        max_length=30,
        validators=[_rule(check)],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": autocomplete}),
    )


class StateField(forms.CharField):
    """A state typed by name or code, in any case, kept as its two-letter code."""

    def to_python(self, value):
        return forms_rules.state_normalise(super().to_python(value))


class LongTextField(TypedTextField):
    """Written text with its line breaks as LF: browsers post CR LF, the page counts one."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


def _long_text(label, help_text="", rows=4):
    """A written answer, up to forms_rules.LONG_TEXT_MAX characters; the page counts as she
    nears it (the data attributes), and nothing typed is cut off."""
    return LongTextField(
        label=label,
        help_text=help_text,
        required=False,
        validators=forms_rules.long_text_validators(),
        widget=forms.Textarea(
            attrs={
                "rows": rows,
                "data-max-length": forms_rules.LONG_TEXT_MAX,
                "data-count-label": forms_rules.COUNT_LABEL,
                "data-too-long": forms_rules.ERROR_TOO_LONG,
            }
        ),
    )


# Every intake field as the client sees it. Nothing is required while drafting; what the
# practice needs before sending is checked by intake_submit.
FIELDS = {
    "legal_name": lambda: _text(
        _("Your full legal name"),
        _("As it appears on your ID or insurance card. We use it on your agreements."),
    ),
    "preferred_name": lambda: _text(_("The name you would like us to use"), max_length=100),
    "pronouns": lambda: _text(_("Your pronouns (optional)"), max_length=50),
    "date_of_birth": lambda: forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    ),
    "phone": lambda: _phone(_("Phone number"), forms_rules.phone_error),
    "contact_email": lambda: TypedEmailField(
        label=_("Email address"), required=False, help_text=_("We filled in the one you signed up with.")
    ),
    "address_line": lambda: _text(_("Street address")),
    "city": lambda: _text(_("City"), max_length=100),
    "state": lambda: StateField(
        label=_("State"),
        help_text=_("The name or its two letters, for example Colorado or CO."),
        required=False,
        max_length=40,
        validators=[_rule(forms_rules.state_error)],
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    ),
    "postal_code": lambda: forms.CharField(
        label=_("ZIP code"),
        required=False,
        max_length=10,
        validators=[_rule(forms_rules.postal_code_error)],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    ),
    "emergency_contact_name": lambda: _text(_("Emergency contact: name")),
    "emergency_contact_phone": lambda: _phone(
        _("Emergency contact: phone"), forms_rules.emergency_phone_error, autocomplete="off"
    ),
    "emergency_contact_relationship": lambda: _text(
        _("Emergency contact: how you know them"), max_length=100
    ),
    "may_email": lambda: _yes_no(_("May we email you?")),
    "may_text": lambda: _yes_no(_("May we send you text messages?")),
    "may_voicemail": lambda: _yes_no(_("May we leave you a voicemail?")),
    "may_name_practice": lambda: _yes_no(
        _("May we say the practice's name when we leave a message?"),
        _("Some people prefer that others at home don't know they are in therapy. Either answer is fine."),
    ),
    "heard_about": lambda: forms.ChoiceField(
        label=_("How did you hear about us? (optional)"),
        choices=[("", _("Choose one")), *Intake.HeardAbout.choices],
        required=False,
    ),
    "heard_about_detail": lambda: _text(_("Anything you would like to add about that (optional)")),
    "referring_provider": lambda: _text(
        _("If someone referred you: their name (optional)"),
        _("For example your doctor, midwife, or a hospital's support program."),
    ),
    "referring_practice": lambda: _text(_("Their practice, clinic or program (optional)")),
    "referrer_may_know": lambda: _yes_no(
        _("May we let them know you reached us?"),
        _("We would say only that you made contact, nothing more, unless you sign a separate release."),
    ),
    "payment_method": lambda: _radio(
        _("How would you like to pay for sessions?"), Intake.PaymentMethod.choices
    ),
    "insurance_plan": lambda: _text(_("Insurance company and plan name"), max_length=200),
    "insurance_member_id": lambda: _text(_("Member ID"), max_length=60),
    "insurance_group_number": lambda: _text(_("Group number (if the card shows one)"), max_length=60),
    "subscriber_name": lambda: _text(
        _("Name of the person the plan is in (the subscriber)"), _("Often you, a spouse or a parent.")
    ),
    "subscriber_relationship": lambda: _radio(_("Whose plan is it?"), Intake.SubscriberRelationship.choices),
    "subscriber_date_of_birth": lambda: forms.DateField(
        label=_("The subscriber's date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    ),
    "secondary_insurance_plan": lambda: _text(_("A second insurance plan, if you have one (optional)")),
    "secondary_member_id": lambda: _text(_("Second plan: member ID"), max_length=60),
    "secondary_group_number": lambda: _text(_("Second plan: group number"), max_length=60),
    "services": lambda: forms.MultipleChoiceField(
        label=_("What kind of support are you looking for?"),
        help_text=_("Choose as many as fit."),
        choices=Intake.Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    ),
    "pregnancy_role": lambda: _radio(
        _("Are you coming to us about your own pregnancies, or as a partner?"),
        Intake.PregnancyRole.choices,
        _("We ask so that our questions about pregnancies fit you. Partners are very welcome here."),
    ),
    "modality": lambda: _radio(_("How would you like to meet?"), Intake.Modality.choices),
    "in_colorado": lambda: _radio(
        _("Will you be in Colorado during video sessions?"),
        YesNoUnsure.choices,
        _("Colorado law lets us meet by video only while you are physically in Colorado."),
    ),
    "hopes": lambda: _long_text(
        _("What would you like to be different, or what are you hoping for? (optional)"),
        _("A few words are plenty. You can also leave this for when we meet."),
    ),
    "symptoms": lambda: forms.MultipleChoiceField(
        label=_("Have you noticed any of these lately?"),
        help_text=_("Tick any that fit. Leave the rest."),
        choices=[(g.label, list(g.symptoms)) for g in SYMPTOM_GROUPS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    ),
    "symptoms_other": lambda: _long_text(_("Anything else you have noticed (optional)")),
    "onset": lambda: _radio(_("When did these feelings begin?"), Intake.Onset.choices),
    "duration": lambda: _radio(_("How long have you been feeling this way?"), Intake.Duration.choices),
    "impact_work": lambda: _impact(_("Work or daily tasks")),
    "impact_relationships": lambda: _impact(_("Relationships")),
    "impact_self_care": lambda: _impact(_("Looking after yourself (eating, sleeping, resting)")),
    "past_therapy": lambda: _radio(_("Have you seen a therapist or counselor before?"), YesNoUnsure.choices),
    "past_therapy_detail": lambda: _long_text(_("If you'd like, tell us a little about it (optional)")),
    "diagnoses": lambda: _long_text(
        _("Any mental or physical health diagnoses you'd like us to know about (optional)")
    ),
    "medications": lambda: _long_text(_("Medications or supplements you take (optional)")),
    "prescriber": lambda: _text(_("Who prescribes them (optional)")),
    "ob_provider": lambda: _text(_("Your OB/GYN or midwife, if you have one (optional)")),
    "perinatal_episodes": lambda: _radio(
        _(
            "Have you had a hard time with your mood, worry or thoughts before, during a pregnancy "
            "or after a birth?"
        ),
        YesNoUnsurePreferNot.choices,
    ),
    "perinatal_episodes_detail": lambda: _long_text(
        _("If you'd like, tell us when it was and what helped, such as therapy or medication (optional)")
    ),
    "hospital_stay": lambda: _radio(
        _("Have you ever stayed in a hospital for your mental health?"), YesNoUnsurePreferNot.choices
    ),
    "mania_history": lambda: _radio(
        _(
            "Have you ever had a time of several days when you felt unusually high, full of energy "
            "or irritable, needed much less sleep than usual without feeling tired, or had racing thoughts?"
        ),
        YesNoUnsurePreferNot.choices,
    ),
    "bipolar_diagnosis": lambda: _radio(
        _("Has a doctor or therapist ever told you that you have bipolar disorder?"),
        YesNoUnsurePreferNot.choices,
    ),
    "family_bipolar_psychosis": lambda: _radio(
        _(
            "Has anyone in your close family (a parent, brother, sister or child) had bipolar disorder, "
            "or a severe illness after giving birth called postpartum psychosis?"
        ),
        YesNoUnsurePreferNot.choices,
    ),
    "medications_pregnancy": lambda: _long_text(
        _("Medications you took while pregnant or while breastfeeding, now or before (optional)")
    ),
    "infant_feeding": lambda: _radio(
        _("How are you feeding your baby at the moment?"), Intake.InfantFeeding.choices
    ),
    "sleep_hours": lambda: forms.IntegerField(
        label=_("About how many hours do you sleep in 24 hours, all together? (optional)"),
        help_text=_("A rough number is fine."),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": forms_rules.ERROR_SLEEP_HOURS},
    ),
    "sleep_when_baby_sleeps": lambda: _radio(
        _("When your baby sleeps, or someone else is caring for them, are you able to sleep?"),
        Intake.SleepWhenBabySleeps.choices,
    ),
    "substance_use": lambda: _long_text(
        _("Alcohol, cannabis or other substances: anything you'd like us to know (optional)")
    ),
    "before_losses": lambda: _long_text(
        _("How were things for you before this time? (optional)"),
        _("For example, how you were feeling, sleeping or coping before a loss or a birth."),
    ),
    "relationship_status": lambda: _radio(_("Your relationship status"), Intake.RelationshipStatus.choices),
    "supporters": lambda: _long_text(
        _("Who do you turn to for support? (optional)"), _("A partner, family, friends, a community, anyone.")
    ),
    "partner_may_join": lambda: _radio(
        _("Would you like a partner to join some sessions?"), YesNoUnsure.choices
    ),
    "appointment_preferences": lambda: _long_text(
        _("Days and times that usually work for you, and anything else that would help (optional)")
    ),
}

# Fields drawn as groups of options (a fieldset with a legend, not a single label).
GROUPED_FIELDS = frozenset(
    name
    for name, make in FIELDS.items()
    if isinstance(make().widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
)
IMPACT_FIELDS = ("impact_work", "impact_relationships", "impact_self_care")


# Headings that break a long step into parts: field name -> heading shown before it.
SECTION_BEFORE = {
    "legal_name": _("Your name and date of birth"),
    "phone": _("How to reach you"),
    "emergency_contact_name": _("Someone we can call in an emergency"),
    "may_email": _("How we may contact you"),
    "heard_about": _("How you found us"),
    "insurance_plan": _("Your insurance"),
    "secondary_insurance_plan": _("A second plan"),
    "symptoms": _("What you have noticed"),
    "onset": _("When it began"),
    "past_therapy": _("Support you have had before"),
    "perinatal_episodes": _("Around pregnancy and birth"),
    "infant_feeding": _("Feeding and sleep"),
    "diagnoses": _("Health and medications"),
}


def field_for(name: str) -> forms.Field:
    """A fresh form field for one intake field (KeyError for an unknown name)."""
    return FIELDS[name]()


# The hidden field in which a step page posts back what it showed when it was loaded.
LOADED_FIELD = "_loaded"


def _as_posted(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [value.isoformat() if hasattr(value, "isoformat") else str(value)]


def form_snapshot_value(name: str, value) -> list[str]:
    """One intake field's value as the browser would post it (for a snapshot's entry)."""
    return _as_posted(field_for(name).prepare_value(value))


def form_snapshot(form: forms.Form) -> str:
    """What an unbound form shows, as the browser would post it unchanged (JSON)."""
    return json.dumps({bound.html_name: _as_posted(bound.value()) for bound in form})


def snapshot_values(form_class: type[forms.Form], raw: str | None) -> dict | None:
    """The answers a snapshot stands for, cleaned by the same form as the answers posted
    beside it (so the two compare like for like). None for a missing or malformed one: the
    save then writes every answer, as a page from before snapshots did."""
    try:
        data = json.loads(raw or "")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    posted = QueryDict(mutable=True)
    for name, values in data.items():
        if isinstance(name, str) and isinstance(values, list) and all(isinstance(v, str) for v in values):
            posted.setlist(name, values)
    form = form_class(posted)
    form.is_valid()
    return {
        name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data and name in data
    }


def step_form_class(step: Step) -> type[forms.Form]:
    """The form for a step's questions."""
    return type(f"{step.slug.title()}Form", (forms.Form,), {name: field_for(name) for name in step.fields})


ERROR_OUTCOME_REQUIRED = _("Please choose what happened.")
# Up to four babies of twins or more, each with what happened (stored as one list).
BABY_FIELDS = ("baby_1", "baby_2", "baby_3", "baby_4")
BABY_LABELS = (
    _("First baby"),
    _("Second baby"),
    _("Third baby, if there was one"),
    _("Fourth baby, if there was one"),
)
COMPLICATION_GROUPS = [
    (
        _("Medical care"),
        [(c.value, c.label) for c in PregnancyEntry.Complication][:4],
    ),
    (
        _("If there was a birth"),
        [(c.value, c.label) for c in PregnancyEntry.Complication][4:],
    ),
]


def _baby_field(label):
    return forms.ChoiceField(
        label=label,
        choices=[("", _("Choose one")), *PregnancyEntry.BabyOutcome.choices],
        required=False,
        error_messages={"invalid_choice": pregnancy_history.ERROR_BABY_OUTCOMES},
    )


class PregnancyEntryForm(forms.Form):
    """One pregnancy. `shared` is the partner path (intake.partner_words): it asks how the
    pregnancy was for the person answering, and words nothing as if she or he carried it."""

    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=PregnancyEntry.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": ERROR_OUTCOME_REQUIRED, "invalid_choice": ERROR_OUTCOME_REQUIRED},
    )
    baby_1 = _baby_field(BABY_LABELS[0])
    baby_2 = _baby_field(BABY_LABELS[1])
    baby_3 = _baby_field(BABY_LABELS[2])
    baby_4 = _baby_field(BABY_LABELS[3])
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=MONTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": pregnancy_history.ERROR_MONTH_RANGE},
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": pregnancy_history.ERROR_YEAR_DIGITS},
    )
    when_declined = forms.BooleanField(label=_("I'd rather not say when"), required=False)
    weeks = forms.IntegerField(
        label=_("About how many weeks along"),
        required=False,
        help_text=_("An estimate is fine."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": pregnancy_history.ERROR_WEEKS_RANGE},
    )
    weeks_declined = forms.BooleanField(label=_("I'd rather not say how many weeks"), required=False)
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        help_text=_("Only if you'd like to share it. For a pregnancy now, an estimate is fine."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": pregnancy_history.ERROR_DUE_DATE_INVALID},
    )
    fertility_treatment = forms.ChoiceField(
        label=_("Was there any fertility treatment? (optional)"),
        choices=PregnancyEntry.FertilityTreatment.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    complications = forms.MultipleChoiceField(
        label=_("Did any of these happen?"),
        choices=COMPLICATION_GROUPS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    complications_declined = forms.BooleanField(
        label=_("I'd rather not say about medical care"), required=False
    )
    nicu_days = forms.IntegerField(
        label=_("If your baby stayed in the NICU: about how many days? (optional)"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": pregnancy_history.ERROR_NICU_DAYS},
    )
    birth_words = _long_text(
        _("If the birth felt frightening or traumatic, anything you would like to tell us (optional)"),
        _("In your own words, as much or as little as you like."),
        rows=3,
    )
    baby_name = _text(
        _("Your baby's name, if you would like to share it (optional)"),
        _("Only your therapist sees it. We never put it in an email or a text."),
    )
    own_experience = _long_text(
        _("How was this for you? (optional)"),
        _("Your own experience matters here too: what it was like for you then, and now."),
        rows=3,
    )
    note = _long_text(
        _("Anything else you would like us to know (optional)"),
        _("For example, what helped, or what did not."),
        rows=3,
    )

    def __init__(self, *args, shared: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if shared:
            self.fields["outcome"].choices = partner_words.outcome_choices(PregnancyEntry.Outcome.choices)
        else:
            del self.fields["own_experience"]

    def clean(self):
        cleaned = super().clean()
        cleaned["baby_outcomes"] = [cleaned[name] for name in BABY_FIELDS if cleaned.get(name)]
        return cleaned


def pregnancy_form_initial(entry: PregnancyEntry) -> dict:
    """What the pregnancy form shows for a saved entry (each baby in its own field)."""
    initial = {
        name: getattr(entry, name) for name in PregnancyEntryForm.base_fields if name not in BABY_FIELDS
    }
    initial.update(zip(BABY_FIELDS, entry.baby_outcomes or [], strict=False))
    return initial


PREGNANCY_GROUPED_FIELDS = frozenset({"outcome", "complications", "fertility_treatment"})
# The service's error for the babies of twins or more, shown beside the first baby's answer.
PREGNANCY_ERROR_FIELDS = {"baby_outcomes": BABY_FIELDS[0]}


class HardDateForm(forms.Form):
    """A date that is hard for her. The year may be any year it happened, or this year's."""

    date = forms.DateField(
        label=_("The date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": pregnancy_history.ERROR_DUE_DATE_INVALID},
    )
    what = _text(
        _("What it is, if you would like to say (optional)"),
        _("For example, a due date, or the day we said goodbye."),
    )


class AgreementsSignForm(forms.Form):
    """One signature for every agreement shown: a tick for each one read, and her name once.
    `shown` says which versions the page showed, so a version replaced meanwhile is noticed."""

    shown = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.MultipleHiddenInput)
    read = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    typed_name = TypedTextField(
        label=_("Type your full name to sign"),
        help_text=_("Your first name, or the name you like to be called, and your surname."),
        max_length=200,
        required=False,
    )

    def __init__(self, *args, document_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(pk, str(pk)) for pk in document_ids]
        self.fields["shown"].choices = choices
        self.fields["read"].choices = choices
