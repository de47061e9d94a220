"""Demo intakes for trying the therapist review locally (called by `manage.py seed_demo`).

Built through the intake's own services, exactly as a client's answers would be, so the
scores, risk flags and audit rows are real. Idempotent: a demo client who has already sent
her intake is left as she is. Demo only: seed_demo refuses to run with DEBUG off.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.utils import timezone

from portal.models import User

from .consent_services import consent_sign
from .draft_services import intake_get_or_start
from .hard_date_services import hard_date_add
from .models import Intake
from .pregnancy_services import pregnancy_entry_add
from .questionnaire_services import questionnaire_answers_save
from .selectors import consent_documents_required
from .step_services import intake_save_step
from .steps import ABOUT, FEELINGS, HEALTH, PREFERENCES, REASONS, SUPPORT
from .submit_services import intake_submit

FREQ_NONE, FREQ_SEVERAL, FREQ_MORE_THAN_HALF, FREQ_NEARLY_EVERY_DAY = 0, 1, 2, 3

DEMO_INTAKES = (
    {
        "email": "alma.demo@example.com",
        "name": "Alma Reyes",
        "about": {
            "preferred_name": "Alma",
            "pronouns": "she/her",
            "phone": "(720) 555-0111",
            "may_text": True,
        },
        "reasons": {
            "services": ["loss_counseling", "pregnancy_anxiety"],
            "modality": "telehealth",
            "in_colorado": "unsure",
            "hopes": "To stop feeling that I am the only one carrying this, and to sleep again.",
        },
        "feelings": {
            "symptoms": ["self_harm"],
            "symptoms_other": "Some days I can't see a way forward at all.",
            "onset": "after_loss",
            "duration": "1_6_months",
            "impact_work": 8,
            "impact_relationships": 7,
            "impact_self_care": 9,
        },
        "pregnancies": [
            {"outcome": "miscarriage", "month": 2, "year": 2025, "weeks": 10, "complications": ["surgery"]},
            {
                "outcome": "stillbirth",
                "month": 8,
                "year": 2026,
                "weeks": 36,
                "complications": ["emergency", "emergency_caesarean", "traumatic"],
                "birth_words": "Everything happened so fast. I keep hearing the room go quiet.",
                "baby_name": "June",
            },
        ],
        "hard_dates": [{"date": dt.date(2026, 9, 20), "what": "June's due date"}],
        "questionnaires": {
            "phq9": {
                **{str(n): FREQ_MORE_THAN_HALF for n in range(1, 9)},
                "9": FREQ_SEVERAL,
            },
            "gad7": {str(n): FREQ_MORE_THAN_HALF for n in range(1, 8)},
            "asq": {"1": True, "2": True, "3": False, "4": False, "5": True},
        },
        "health": {"past_therapy": "no", "medications": "Sertraline 50mg since September"},
        "support": {"relationship_status": "married", "supporters": "My husband, my sister Ana"},
        "preferences": {"appointment_preferences": "Weekday mornings; video please."},
        "waiting_days": 0,
    },
    {
        "email": "bea.demo@example.com",
        "name": "Beatrice Lang",
        "about": {"phone": "(303) 555-0177", "may_email": True, "may_voicemail": True},
        "reasons": {
            "services": ["postpartum_depression"],
            "modality": "in_person",
            "in_colorado": "yes",
            "hopes": "To enjoy my son and feel like myself.",
        },
        "feelings": {"onset": "after_birth", "duration": "1_6_months", "impact_work": 5},
        "pregnancies": [{"outcome": "live_birth", "month": 6, "year": 2026, "weeks": 39}],
        "questionnaires": {
            "phq9": {**{str(n): FREQ_SEVERAL for n in range(1, 9)}, "9": FREQ_NONE},
            "gad7": {str(n): FREQ_SEVERAL for n in range(1, 8)},
        },
        "health": {"past_therapy": "yes", "past_therapy_detail": "A few sessions in college."},
        "support": {"relationship_status": "partnered", "supporters": "My partner and my mom"},
        "preferences": {"appointment_preferences": "Tuesday or Thursday afternoons."},
        "waiting_days": 3,
    },
    {
        # The partner path: he comes about the pregnancies he and his wife went through.
        "email": "sam.demo@example.com",
        "name": "Sam Whitfield",
        "about": {"pronouns": "he/him", "phone": "(720) 555-0142", "may_email": True},
        "reasons": {
            "services": ["partner_support", "loss_counseling"],
            "pregnancy_role": "partner",
            "modality": "either",
            "in_colorado": "yes",
            "hopes": "To grieve our son without holding it together for everyone all the time.",
        },
        "feelings": {"onset": "after_loss", "duration": "6_12_months", "impact_work": 6},
        "pregnancies": [
            {
                "outcome": "multiples_loss",
                "month": 3,
                "year": 2026,
                "weeks": 31,
                "baby_outcomes": ["neonatal_death", "live_birth"],
                "fertility_treatment": "ivf",
                "complications": ["preterm", "preeclampsia", "nicu"],
                "nicu_days": 40,
                "baby_name": "Theo and Ruby",
                "own_experience": "I ran between the NICU and my wife's room. Nobody asked how I was.",
            },
        ],
        "hard_dates": [{"date": dt.date(2026, 3, 14), "what": "Theo's birthday"}],
        "questionnaires": {
            "phq9": {**{str(n): FREQ_SEVERAL for n in range(1, 9)}, "9": FREQ_NONE},
            "gad7": {str(n): FREQ_MORE_THAN_HALF for n in range(1, 8)},
        },
        "health": {"past_therapy": "no"},
        "support": {"relationship_status": "married", "supporters": "My brother"},
        "preferences": {"appointment_preferences": "Evenings if possible."},
        "waiting_days": 1,
    },
    {
        # Pregnant now after a baby who died after birth and a very early loss, through IVF.
        "email": "dana.demo@example.com",
        "name": "Dana Okafor",
        "about": {"pronouns": "she/her", "phone": "(303) 555-0199", "may_text": True},
        "reasons": {
            "services": ["pregnancy_anxiety", "loss_counseling"],
            "pregnancy_role": "own",
            "modality": "telehealth",
            "in_colorado": "yes",
            "hopes": "To be able to hope about this pregnancy.",
        },
        "feelings": {"onset": "during_pregnancy", "duration": "1_6_months", "impact_self_care": 6},
        "pregnancies": [
            {
                "outcome": "neonatal_death",
                "month": 1,
                "year": 2025,
                "weeks": 38,
                "complications": ["fetal_diagnosis", "nicu"],
                "nicu_days": 6,
                "baby_name": "Amara",
            },
            {"outcome": "chemical", "month": 9, "year": 2025, "weeks": 5, "fertility_treatment": "ivf"},
            {"outcome": "current", "fertility_treatment": "ivf", "due_days_ahead": 150},
        ],
        "hard_dates": [{"date": dt.date(2025, 1, 22), "what": "Amara's birthday"}],
        "questionnaires": {
            "phq9": {**{str(n): FREQ_SEVERAL for n in range(1, 9)}, "9": FREQ_NONE},
            "gad7": {str(n): FREQ_NEARLY_EVERY_DAY for n in range(1, 8)},
        },
        "health": {"past_therapy": "yes", "ob_provider": "Dr. Lee, Rose Medical"},
        "support": {"relationship_status": "married", "supporters": "My wife, my mother"},
        "preferences": {"appointment_preferences": "Mondays."},
        "waiting_days": 0,
    },
)


def _client(email: str, name: str, password: str) -> User:
    user, _created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def demo_intakes_seed(*, password: str) -> list[Intake]:
    """Sent intakes for the demo: one urgent (an acute positive ASQ), one routine, a partner
    after a twin loss through IVF, and a pregnancy now after a baby who died after birth."""
    seeded = []
    for spec in DEMO_INTAKES:
        client = _client(spec["email"], spec["name"], password)
        intake = intake_get_or_start(client=client)
        if intake.status != Intake.Status.DRAFT:
            seeded.append(intake)
            continue
        about = {
            "legal_name": spec["name"],
            "date_of_birth": dt.date(1991, 4, 2),
            "contact_email": spec["email"],
            "city": "Denver",
            "state": "CO",
            **spec["about"],
        }
        for step, data in (
            (ABOUT, about),
            (REASONS, spec["reasons"]),
            (FEELINGS, spec["feelings"]),
            (HEALTH, spec["health"]),
            (SUPPORT, spec["support"]),
            (PREFERENCES, spec["preferences"]),
        ):
            intake_save_step(intake=intake, step=step, data=data, actor=client)
        intake.refresh_from_db()  # the answers as saved decide which agreements are asked
        if not intake.pregnancies.exists():
            for entry in spec["pregnancies"]:
                data = {k: v for k, v in entry.items() if k != "due_days_ahead"}
                if "due_days_ahead" in entry:
                    data["due_date"] = timezone.localdate() + dt.timedelta(days=entry["due_days_ahead"])
                pregnancy_entry_add(intake=intake, data=data, actor=client)
        if not intake.hard_dates.exists():
            for hard_date in spec.get("hard_dates", ()):
                hard_date_add(intake=intake, data=hard_date, actor=client)
        for code, answers in spec["questionnaires"].items():
            questionnaire_answers_save(intake=intake, code=code, answers=answers, actor=client)
        signed = set(intake.signatures.values_list("document_id", flat=True))
        for document in consent_documents_required(intake=intake):
            if document.pk not in signed:
                consent_sign(intake=intake, document=document, typed_name=spec["name"], agreed=True)
        intake = intake_submit(intake=intake, actor=client)
        if spec["waiting_days"]:
            # Demo only: make one intake look as if it has been waiting a few days.
            Intake.objects.filter(pk=intake.pk).update(
                submitted_at=timezone.now() - dt.timedelta(days=spec["waiting_days"])
            )
        seeded.append(intake)
    return seeded
