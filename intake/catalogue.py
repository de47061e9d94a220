"""Declared lists the intake asks from: symptoms (by group) and pregnancy complications.

Stored answers are slugs from these lists, so the therapist view, the PDF and a later FHIR
export read the same words. Labels are the practice's own plain wording.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The slug whose selection is a self-harm signal (CLINICAL.md: triage HIGH).
SELF_HARM = "self_harm"


@dataclass(frozen=True)
class SymptomGroup:
    slug: str
    label: str
    symptoms: tuple[tuple[str, str], ...]


SYMPTOM_GROUPS: tuple[SymptomGroup, ...] = (
    SymptomGroup(
        "feelings",
        _("Feelings"),
        (
            ("sadness", _("Deep sadness or crying often")),
            ("grief_waves", _("Waves of grief that come without warning")),
            ("numbness", _("Feeling numb or far away from things")),
            ("anger", _("Anger or irritability")),
            ("guilt", _("Guilt, or blaming yourself")),
            ("emptiness", _("Feeling empty or hopeless")),
            ("anxiety", _("Worry or nervousness most days")),
            ("jealousy", _("Painful feelings around other people's pregnancies or babies")),
        ),
    ),
    SymptomGroup(
        "body",
        _("Body"),
        (
            ("sleep", _("Trouble sleeping, or sleeping much more than usual")),
            ("appetite", _("Changes in appetite")),
            ("fatigue", _("Tiredness that rest does not fix")),
            ("stomach", _("Stomach or digestive trouble")),
            ("headaches", _("Headaches")),
            ("tension", _("Muscle tension or aches")),
        ),
    ),
    SymptomGroup(
        "medical_care",
        _("After medical care"),
        (
            ("flashbacks", _("Memories of what happened that feel like they are happening again")),
            ("nightmares", _("Nightmares")),
            ("avoid_medical", _("Avoiding doctors, hospitals or medical appointments")),
            ("on_edge", _("Feeling on edge or easily startled")),
        ),
    ),
    SymptomGroup(
        "coping",
        _("Coping"),
        (
            ("panic", _("Panic attacks")),
            ("intrusive_thoughts", _("Unwanted thoughts that are hard to push away")),
            ("focus", _("Trouble concentrating")),
            ("withdrawing", _("Pulling away from people")),
            ("eating", _("Eating in ways that worry you")),
            ("substances", _("Drinking or using more than you would like")),
            (SELF_HARM, _("Hurting yourself, or thoughts of hurting yourself")),
        ),
    ),
    SymptomGroup(
        "fear",
        _("Fear and worry"),
        (
            ("future_pregnancy", _("Fear about a future pregnancy")),
            ("current_pregnancy", _("Fear that something will go wrong in this pregnancy")),
            ("baby_safety", _("Worry about your baby's health or safety")),
            ("body_trust", _("Finding it hard to trust your body")),
        ),
    ),
)

SYMPTOM_SLUGS: frozenset[str] = frozenset(slug for g in SYMPTOM_GROUPS for slug, _label in g.symptoms)
SYMPTOM_LABELS: dict[str, str] = {slug: label for g in SYMPTOM_GROUPS for slug, label in g.symptoms}
