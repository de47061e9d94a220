"""The intake's steps: their order, titles and which Intake fields each one asks."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    number: int
    slug: str
    title: str
    fields: tuple[str, ...] = ()
    # Shown before the step's questions, for steps that ask about painful things.
    content_note: str = ""


ABOUT = 1
REASONS = 2
PREGNANCIES = 3
FEELINGS = 4
QUESTIONNAIRES = 5
HEALTH = 6
SUPPORT = 7
PREFERENCES = 8
PAYMENT = 9
AGREEMENTS = 10

STEPS: tuple[Step, ...] = (
    Step(
        ABOUT,
        "about",
        _("About you"),
        (
            "legal_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "phone",
            "contact_email",
            "address_line",
            "city",
            "state",
            "postal_code",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relationship",
            "may_email",
            "may_text",
            "may_voicemail",
            "may_name_practice",
            "heard_about",
            "heard_about_detail",
            "referring_provider",
            "referring_practice",
            "referrer_may_know",
        ),
    ),
    Step(
        REASONS,
        "reasons",
        _("What brings you here"),
        ("services", "pregnancy_role", "modality", "in_colorado", "hopes"),
    ),
    Step(
        PREGNANCIES,
        "pregnancies",
        _("Your pregnancies"),
        content_note=_(
            "This part asks about your pregnancies, including any losses. Share only what feels "
            'right today: any question can be answered "I\'d rather not say", the details can be '
            "left empty, and you can come back to it later. Take a pause whenever you need one."
        ),
    ),
    Step(
        FEELINGS,
        "feelings",
        _("How you have been feeling"),
        (
            "symptoms",
            "symptoms_other",
            "onset",
            "duration",
            "impact_work",
            "impact_relationships",
            "impact_self_care",
        ),
        content_note=_(
            "The next questions are about how you have been feeling, including some hard "
            "experiences. There are no right or wrong answers, and nothing here is a judgement of "
            "you. Tick only what fits, and skip anything you would rather talk about in person."
        ),
    ),
    Step(
        QUESTIONNAIRES,
        "questionnaires",
        _("Short questionnaires"),
        content_note=_(
            "These questions are asked of everyone who comes to us. A few ask about thoughts of "
            "death or of hurting yourself. Answering honestly helps us care for you well, and "
            'you can choose "Prefer not to answer" for any of them. If you are struggling right '
            "now, the numbers at the bottom of the page are there for you at any hour."
        ),
    ),
    Step(
        HEALTH,
        "health",
        _("Your health"),
        (
            "past_therapy",
            "past_therapy_detail",
            "perinatal_episodes",
            "perinatal_episodes_detail",
            "hospital_stay",
            "mania_history",
            "bipolar_diagnosis",
            "family_bipolar_psychosis",
            "diagnoses",
            "medications",
            "medications_pregnancy",
            "prescriber",
            "ob_provider",
            "infant_feeding",
            "sleep_hours",
            "sleep_when_baby_sleeps",
            "substance_use",
            "before_losses",
        ),
        content_note=_(
            "Some of these questions are about hard times in the past and about medication. "
            'Every one of them can be left empty or answered "I\'d rather not say".'
        ),
    ),
    Step(SUPPORT, "support", _("Your support"), ("relationship_status", "supporters", "partner_may_join")),
    Step(PREFERENCES, "preferences", _("Appointment preferences"), ("appointment_preferences",)),
    Step(
        PAYMENT,
        "payment",
        _("Paying for sessions"),
        (
            "payment_method",
            "insurance_plan",
            "insurance_member_id",
            "insurance_group_number",
            "subscriber_name",
            "subscriber_relationship",
            "subscriber_date_of_birth",
            "secondary_insurance_plan",
            "secondary_member_id",
            "secondary_group_number",
        ),
        content_note=_(
            "A few questions about paying for sessions, so nothing about money surprises you "
            "later. Answer what you can; if you would rather talk it through with us first, "
            "that is an answer too, and it never holds up your intake."
        ),
    ),
    Step(AGREEMENTS, "agreements", _("Agreements")),
)

STEP_BY_NUMBER: dict[int, Step] = {s.number: s for s in STEPS}
FIRST_STEP, LAST_STEP = STEPS[0].number, STEPS[-1].number
# Field name -> the step that asks it; the autosave endpoint accepts only these names.
STEP_FOR_FIELD: dict[str, int] = {f: s.number for s in STEPS for f in s.fields}
