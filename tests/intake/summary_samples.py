"""Sample intakes for the PDF summary: a typical one and a very large one.

Built through the real services (answers saved, risk evaluated, agreements signed, sent), so
the tests, the integration test and `make bench` all render what production would.
"""

import datetime as dt
import os
from contextlib import contextmanager

from intake.consent_services import consent_sign
from intake.models import Intake, PregnancyEntry
from intake.questionnaire_services import questionnaire_answers_save
from intake.selectors import consent_documents_required
from intake.submit_services import intake_submit
from portal.models import User
from portal.selectors import practice_get

HOSTILE_TEXT = (
    '<b>bold?</b> <script>alert("x")</script> <img src="file:///etc/passwd"> '
    '<link rel="attachment" href="file:///etc/hostname"> <a href="http://127.0.0.1:9/">link</a> & more'
)

HOPES = (
    "I want to be able to talk about our babies without falling apart. After the third loss I "
    "stopped answering my sister's calls, and I miss her.\n\n"
    "I'm hoping to sleep through the night again, and to stop feeling like my body failed us. "
    "We are thinking about trying again but I'm terrified."
)
BEFORE = (
    "Before 2021 I ran most mornings, worked full time as a nurse and felt mostly steady. "
    "I had some anxiety in college that went away with counselling."
)


def _phrase(n: int) -> str:
    return " ".join(["Some days are heavy and some are lighter, and I never know which it will be."] * n)


def intake_build(
    *,
    client: User,
    legal_name: str = "Hope Rivera",
    hopes: str = HOPES,
    extra_entries: int = 0,
    free_text: str | None = None,
    submit: bool = True,
) -> Intake:
    """A complete intake: three losses and a birth, every screener, a HIGH flag (PHQ-9 item 9),
    signed agreements, a page of the client's own words; sent unless submit=False."""
    practice = practice_get()
    if practice is not None and not practice.epds_enabled:
        practice.epds_enabled = True
        practice.save(update_fields=["epds_enabled"])
    words = free_text if free_text is not None else _phrase(4)
    intake, _created = Intake.objects.update_or_create(
        client=client,
        defaults={
            "legal_name": legal_name,
            "preferred_name": "Hopie",
            "pronouns": "she/her",
            "date_of_birth": dt.date(1990, 5, 17),
            "phone": "(720) 555-0199",
            "contact_email": client.email,
            "address_line": "1234 Pearl Street",
            "city": "Denver",
            "state": "CO",
            "postal_code": "80203",
            "emergency_contact_name": "Sam Rivera",
            "emergency_contact_phone": "(720) 555-0100",
            "emergency_contact_relationship": "Husband",
            "may_email": True,
            "may_text": False,
            "may_voicemail": True,
            "may_name_practice": False,
            "heard_about": Intake.HeardAbout.HEALTH_PROVIDER,
            "services": ["loss_counseling", "pregnancy_anxiety"],
            "modality": Intake.Modality.EITHER,
            "in_colorado": "yes",
            "hopes": hopes,
            "symptoms": ["sadness", "guilt", "sleep", "flashbacks", "avoid_medical", "future_pregnancy"],
            "symptoms_other": words,
            "onset": Intake.Onset.AFTER_LOSS,
            "duration": Intake.Duration.ONE_TO_TWO_YEARS,
            "impact_work": 6,
            "impact_relationships": 7,
            "impact_self_care": 4,
            "past_therapy": "yes",
            "past_therapy_detail": "Six sessions in 2012 for anxiety.",
            "diagnoses": "Generalised anxiety (2012).",
            "medications": "Sertraline 50 mg daily since March.",
            "prescriber": "Dr. Alvarez, Denver Health",
            "ob_provider": "Dr. Kim, Rose Medical Center",
            "substance_use": "A glass of wine some evenings.",
            "before_losses": BEFORE,
            "relationship_status": Intake.RelationshipStatus.MARRIED,
            "supporters": "My husband Sam, my friend Leah, a pregnancy-loss group online.",
            "partner_may_join": "yes",
            "appointment_preferences": "Weekday mornings before 11, or Thursday afternoons.",
        },
    )
    outcomes = [
        (PregnancyEntry.Outcome.MISCARRIAGE, 4, 2021, 9, [], "We had just told our parents."),
        (
            PregnancyEntry.Outcome.ECTOPIC,
            11,
            2022,
            7,
            ["surgery", "emergency"],
            "Emergency surgery at night.",
        ),
        (PregnancyEntry.Outcome.STILLBIRTH, 8, 2023, 24, ["bleeding"], "Our son, Eli."),
        (PregnancyEntry.Outcome.LIVE_BIRTH, 2, 2025, 38, ["nicu"], "Our daughter, June, five days in NICU."),
    ]
    for i in range(extra_entries):
        outcomes.append(
            (PregnancyEntry.Outcome.MISCARRIAGE, (i % 12) + 1, 1990 + i % 30, 6, [], f"Entry {i + 5}")
        )
    for order, (outcome, month, year, weeks, complications, note) in enumerate(outcomes, start=1):
        PregnancyEntry.objects.create(
            intake=intake,
            order=order,
            outcome=outcome,
            month=month,
            year=year,
            weeks=weeks,
            complications=complications,
            note=note,
        )
    answers = {
        "epds": {str(n): v for n, v in zip(range(1, 11), [1, 1, 2, 2, 1, 2, 1, 2, 1, 3], strict=True)},
        "phq9": {**{str(n): 2 for n in range(1, 9)}, "9": 1, "difficulty": 2},
        "gad7": {str(n): 2 for n in range(1, 8)},
        "pcptsd5": {"gate": True, "1": True, "2": True, "3": False, "4": True, "5": None},
        "asq": {"1": False, "2": False, "3": False, "4": False},
    }
    for code, given in answers.items():
        questionnaire_answers_save(intake=intake, code=code, answers=given, actor=client)
    for document in consent_documents_required(intake=intake):
        consent_sign(intake=intake, document=document, typed_name=legal_name, agreed=True)
    if submit:
        intake_submit(intake=intake, actor=client)
    intake.refresh_from_db()
    return intake


def _reset_broker_connections() -> None:
    """Forget pooled broker connections, so the next task goes to the broker now configured."""
    from kombu import pools

    from portal.celery import app

    pools.reset()
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_broker(settings, url: str):
    """Send tasks to a real broker at `url` (not eagerly) inside the block."""
    # Celery reads the CELERY_BROKER_URL environment variable before any setting.
    before = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_broker_connections()
    try:
        yield
    finally:
        _reset_broker_connections()
        settings.CELERY_TASK_ALWAYS_EAGER = True
        if before is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = before
