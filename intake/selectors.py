"""Reads of intake data. Other apps (scheduling, the therapist review) use these."""

import datetime as dt
import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from portal.models import Practice, User
from portal.selectors import practice_get

from . import pregnancy_history
from .catalogue import SELF_HARM
from .consent_rules import consent_text_fill, consent_text_problems
from .disclosure import CREDENTIAL_FIELDS, TherapistFacts
from .instruments import INSTRUMENT_ORDER, Instrument, Result, instruments_for_step, score, visible_items
from .models import (
    ConsentDocument,
    ConsentSignature,
    Intake,
    PregnancyEntry,
    QuestionnaireResponse,
    ReviewQueueRank,
    RiskFlag,
)
from .risk_rules import Assessment, assess_risk, priority_for_level, priority_position
from .steps import AGREEMENTS, PREGNANCIES, QUESTIONNAIRES, STEPS

# Always asked; telehealth is added when the client may meet by video.
ALWAYS_REQUIRED_CONSENTS = (
    ConsentDocument.Kind.INFORMED_CONSENT,
    ConsentDocument.Kind.CO_MANDATORY_DISCLOSURE,
    ConsentDocument.Kind.PRIVACY_NOTICE,
)


def intake_for_client(*, client: User) -> Intake | None:
    """The client's intake, or None if she has not started one."""
    return Intake.objects.filter(client=client).first()


def intake_unstarted(*, client: User) -> Intake:
    """What a client's intake holds before her first answer: her name and email from her
    account. Not saved: the pages show it, and her first save starts it
    (draft_services.intake_get_or_start) with the same values."""
    return Intake(client=client, legal_name=client.full_name, contact_email=client.email)


# The reads below take an intake that may not be saved yet (intake_unstarted): filtering
# by its id finds nothing for it, where its related managers would refuse.


def intake_pregnancies(*, intake: Intake) -> list[PregnancyEntry]:
    return list(PregnancyEntry.objects.filter(intake_id=intake.pk).order_by("order", "id"))


def intake_questionnaires(*, intake: Intake) -> dict[str, QuestionnaireResponse]:
    return {r.code: r for r in QuestionnaireResponse.objects.filter(intake_id=intake.pk)}


def questionnaires_offered() -> list[Instrument]:
    """The instruments step 5 asks, in order (the EPDS when the practice uses it)."""
    return instruments_for_step(practice_get().epds_enabled)


def questionnaire_items_waiting(*, intake: Intake) -> list[tuple[str, str]]:
    """(instrument code, item key) of every question the client is shown now and has not
    answered, in page order: an answer may call for a follow-up question (intake.instruments'
    skip rules)."""
    responses = intake_questionnaires(intake=intake)
    waiting = []
    for instrument in questionnaires_offered():
        answers = responses[instrument.code].answers if instrument.code in responses else {}
        waiting += [
            (instrument.code, key) for key in visible_items(instrument.code, answers) if key not in answers
        ]
    return waiting


def consent_documents_required(*, intake: Intake) -> list[ConsentDocument]:
    """The current version of every agreement this client must sign before sending."""
    kinds = list(ALWAYS_REQUIRED_CONSENTS)
    if intake.modality in (Intake.Modality.TELEHEALTH, Intake.Modality.EITHER):
        kinds.append(ConsentDocument.Kind.TELEHEALTH)
    order = {kind: i for i, kind in enumerate(ConsentDocument.Kind.values)}
    documents = ConsentDocument.objects.filter(kind__in=kinds, is_current=True)
    return sorted(documents, key=lambda d: order[d.kind])


def consent_kinds_unavailable(*, intake: Intake) -> list[str]:
    """Agreements this client must sign that the practice has no current version of."""
    kinds = list(ALWAYS_REQUIRED_CONSENTS)
    if intake.modality in (Intake.Modality.TELEHEALTH, Intake.Modality.EITHER):
        kinds.append(ConsentDocument.Kind.TELEHEALTH)
    available = {d.kind for d in consent_documents_required(intake=intake)}
    return [kind for kind in kinds if kind not in available]


def consent_signatures(*, intake: Intake) -> dict[int, ConsentSignature]:
    """Document id -> the client's signature of that exact version."""
    signatures = ConsentSignature.objects.filter(intake_id=intake.pk).select_related("document")
    return {s.document_id: s for s in signatures}


def consent_documents_unsigned(*, intake: Intake) -> list[ConsentDocument]:
    signed = consent_signatures(intake=intake)
    return [d for d in consent_documents_required(intake=intake) if d.pk not in signed]


def consent_documents_to_sign_again(*, intake: Intake) -> list[tuple[ConsentDocument, str]]:
    """(current version, why) for each agreement she signed only in a version since marked
    incomplete: she is asked to sign the complete one, even after sending her intake."""
    signatures = consent_signatures(intake=intake)
    why = {s.document.kind: s.document.incomplete_reason for s in signatures.values()}
    why = {kind: reason for kind, reason in why.items() if reason}
    if not why:
        return []
    return [
        (document, why[document.kind])
        for document in consent_documents_required(intake=intake)
        if document.kind in why and document.pk not in signatures
    ]


def consent_fill_values(*, practice: Practice) -> dict[str, str]:
    """The practice's details an agreement may name (consent_rules.FILLABLE)."""
    return {
        "practice_name": practice.name,
        # The city and state have defaults: without a street there is no address yet.
        "practice_address": practice.address_one_line if practice.address_line1 else "",
        "practice_phone": practice.phone,
        "practice_email": practice.email,
        "regulator_contact": practice.regulator_contact,
    }


def consent_document_text(*, document: ConsentDocument, practice: Practice) -> str:
    """The agreement exactly as shown to and signed by the client, practice details filled in."""
    return consent_text_fill(document.body, consent_fill_values(practice=practice))


def disclosure_therapists() -> list[TherapistFacts]:
    """Every active therapist, as the Colorado disclosure lists her (parts empty until her
    credentials are filled in)."""
    therapists = (
        User.objects.filter(role=User.Role.THERAPIST, is_active=True)
        .select_related("credentials")
        .order_by("full_name", "pk")
    )
    facts = []
    for therapist in therapists:
        credentials = getattr(therapist, "credentials", None)
        parts = {field: getattr(credentials, field) for field in CREDENTIAL_FIELDS} if credentials else {}
        facts.append(TherapistFacts(name=therapist.full_name or therapist.email, **parts))
    return facts


def consent_signature_text_verifies(*, signature: ConsentSignature) -> bool:
    """Whether the text kept with a signature is still the text its hash was taken of (for
    a signature made before texts were kept, its version shown with today's details)."""
    text = signature.text or consent_document_text(document=signature.document, practice=practice_get())
    return hashlib.sha256(text.encode("utf-8")).hexdigest() == signature.text_sha256


def consent_text_problems_now(*, body: str, practice: Practice) -> list[str]:
    """Why this agreement text could not be signed with the practice's details as they are now."""
    return consent_text_problems(body, consent_fill_values(practice=practice))


def intake_is_under_minimum_age(
    *, intake: Intake, practice: Practice | None = None, today: dt.date | None = None
) -> bool:
    """Whether the date of birth given is below the practice's minimum age."""
    if intake.date_of_birth is None:
        return False
    practice = practice or practice_get()
    minimum = practice.minimum_client_age
    today = today or timezone.localdate()
    return pregnancy_history.age_on(intake.date_of_birth, today) < minimum


def _step_started(intake: Intake, step, pregnancies, questionnaires, unsigned) -> bool:
    if step.number == PREGNANCIES:
        return bool(pregnancies) or intake.current_step > PREGNANCIES
    if step.number == QUESTIONNAIRES:
        return bool(questionnaires)
    if step.number == AGREEMENTS:
        return not unsigned
    return any(getattr(intake, f) not in (None, "", []) for f in step.fields)


def intake_steps_started(*, intake: Intake) -> dict[int, bool]:
    """Step number -> whether the client has answered anything there (agreements: all signed).

    An intake not saved yet has no answers, whatever the page fills in for her (the email she
    signed up with): the step list then agrees with her home page's "Not started yet"."""
    if intake.pk is None:
        return {s.number: False for s in STEPS}
    pregnancies = intake_pregnancies(intake=intake)
    questionnaires = intake_questionnaires(intake=intake)
    unsigned = consent_documents_unsigned(intake=intake)
    return {s.number: _step_started(intake, s, pregnancies, questionnaires, unsigned) for s in STEPS}


def intake_progress_percent(*, intake: Intake) -> int:
    """A gentle measure of progress: the share of steps with something in them."""
    started = intake_steps_started(intake=intake)
    return round(100 * sum(started.values()) / len(started))


# Births after which a person is physically postpartum, whether or not the baby lived.
_BIRTHS = frozenset({pregnancy_history.LIVE_BIRTH, PregnancyEntry.Outcome.STILLBIRTH.value})


def postpartum_state(entries, today: dt.date) -> str:
    """ "yes" after a birth (a stillbirth included) within the last year, "unknown" when a
    birth's date was not given and nothing else settles it, else "no"."""
    dates = [pregnancy_history.latest_possible_date(e, today) for e in entries if e.outcome in _BIRTHS]
    if any(d is not None and (today - d).days <= pregnancy_history.POSTPARTUM_DAYS for d in dates):
        return "yes"
    return "unknown" if None in dates else "no"


def intake_history_summary(
    *, intake: Intake, today: dt.date | None = None, entries: list[PregnancyEntry] | None = None
) -> dict:
    """Facts from the pregnancy history (its `entries`, when the caller has read them)."""
    today = today or timezone.localdate()
    entries = intake_pregnancies(intake=intake) if entries is None else entries
    state = postpartum_state(entries, today)
    return {
        "losses": pregnancy_history.loss_count(entries),
        "live_births": pregnancy_history.live_birth_count(entries),
        "currently_pregnant": pregnancy_history.is_currently_pregnant(entries),
        "postpartum": state == "yes",
        "postpartum_state": state,
        "days_since_most_recent": pregnancy_history.days_since_most_recent_loss_or_birth(entries, today),
    }


def intake_contact_for_front_desk(*, client: User) -> dict:
    """What the front desk may know to reach and book a client (minimum necessary): names,
    contact details, the channels she allowed, how she would like to meet and her appointment
    preferences. Never why she is in care (not even the support she asked for), answers,
    scores, history or notes."""
    return _front_desk_contact(client, intake_for_client(client=client))


def intake_contacts_for_front_desk(*, clients: list[User]) -> dict[int, dict]:
    """intake_contact_for_front_desk for many clients in one query, keyed by client id."""
    intakes = {i.client_id: i for i in Intake.objects.filter(client__in=clients)}
    return {c.pk: _front_desk_contact(c, intakes.get(c.pk)) for c in clients}


def _front_desk_contact(client: User, intake: Intake | None) -> dict:
    if intake is None:
        return {
            "name": client.full_name,
            "preferred_name": "",
            "email": client.email,
            "phone": "",
            "channels": {},
            "modality": "",
            "in_colorado": "",
            "appointment_preferences": "",
            "status": "",
            "accepted": False,
        }
    return {
        "name": intake.legal_name or client.full_name,
        "preferred_name": intake.preferred_name,
        "email": intake.contact_email or client.email,
        "phone": intake.phone,
        "channels": {
            "email": intake.may_email,
            "text": intake.may_text,
            "voicemail": intake.may_voicemail,
            "name_practice": intake.may_name_practice,
        },
        "modality": intake.get_modality_display() if intake.modality else "",
        "in_colorado": intake.get_in_colorado_display() if intake.in_colorado else "",
        "appointment_preferences": intake.appointment_preferences,
        "status": intake.status,
        # Whether a therapist has taken her on: the practice may wait for it before booking.
        "accepted": intake.status == Intake.Status.ACCEPTED,
    }


def intake_priority_for_client(*, client: User) -> str:
    """ "urgent", "high" or "routine": the front desk's priority for a client's intake (the
    scheduling app reads it here, through intake's selectors)."""
    return priority_for_level(
        Intake.objects.filter(client=client).values_list("risk_level", flat=True).first()
    )


def intake_priority_position(priority: str) -> int:
    """Where a front-desk priority sorts (urgent first): the one order of intake.risk_rules."""
    return priority_position(priority)


def intake_priorities_for_clients(*, client_ids) -> dict[int, str]:
    """Each client's front-desk priority in one query (clients without an intake: routine)."""
    levels = dict(
        Intake.objects.filter(client_id__in=list(client_ids)).values_list("client_id", "risk_level")
    )
    return {client_id: priority_for_level(levels.get(client_id)) for client_id in client_ids}


def intake_is_accepted(*, client: User) -> bool:
    """Whether a therapist has accepted the client's intake (the booking gate reads this)."""
    return Intake.objects.filter(client=client, status=Intake.Status.ACCEPTED).exists()


def intake_accepted_client_ids() -> QuerySet:
    """The ids of clients whose intake a therapist has accepted, as a subquery."""
    return Intake.objects.filter(status=Intake.Status.ACCEPTED).values("client_id")


def intake_is_sent(*, client: User) -> bool:
    """Whether the client has sent her intake to the practice (so she may ask for appointments)."""
    return Intake.objects.filter(client=client).exclude(status=Intake.Status.DRAFT).exists()


# --- Triage: the rules of intake.risk_rules applied to the saved answers

_INSTRUMENT_POSITION = {instrument.code: position for position, instrument in enumerate(INSTRUMENT_ORDER)}


def intake_scores(*, intake: Intake) -> dict[str, Result]:
    """Each answered questionnaire scored with the practice's settings, in step order."""
    practice = practice_get()
    cutoff = practice.pcptsd5_cutoff
    results = {}
    for response in sorted(intake.questionnaires.all(), key=lambda r: _INSTRUMENT_POSITION[r.code]):
        results[response.code] = score(response.code, response.answers, pcptsd5_cutoff=cutoff)
    return results


def intake_assessment(*, intake: Intake) -> Assessment:
    """The triage of the intake's answers as they stand now."""
    symptoms = intake.symptoms or []
    return assess_risk(
        intake_scores(intake=intake),
        checklist_self_harm=SELF_HARM in symptoms,
        sent=intake.status != Intake.Status.DRAFT,
    )


def intake_risk_flags(*, intake: Intake) -> list[RiskFlag]:
    return list(intake.risk_flags.select_related("acknowledged_by").order_by("-raised_at", "-pk"))


# --- What the front desk may read (scheduling reads intake only through this module)

READY_TO_SCHEDULE_FIELDS = (
    "pk",
    "client_id",
    "client__full_name",
    "client__email",
    "legal_name",
    "preferred_name",
    "contact_email",
    "phone",
    "may_email",
    "may_text",
    "may_voicemail",
    "may_name_practice",
    "modality",
    "in_colorado",
    "appointment_preferences",
    "risk_level",
)


def intakes_ready_to_schedule_rows(*, exclude_clients: tuple[QuerySet, ...] = ()) -> QuerySet:
    """Accepted intakes for the front desk to book, most urgent first, then longest waiting,
    as value rows to page through; give a page to ready_to_schedule_contacts.

    `exclude_clients` are querysets of client ids to leave out (those who already asked for
    a time or have one booked), worked out by the database rather than in the page.
    Minimum necessary: only who to call and how (names, contact details and the channels the
    client allowed), how she would like to meet (modality, appointment preferences) and a
    priority level; not why she is in care. Nothing clinical is read from the database here:
    no answers, scores, flags, notes (the risk level is read only to become a priority, and
    then dropped).
    """
    rows = Intake.objects.filter(status=Intake.Status.ACCEPTED)
    for client_ids in exclude_clients:
        rows = rows.exclude(client_id__in=client_ids)
    return rows.order_by(ReviewQueueRank().asc(), "submitted_at", "pk").values(*READY_TO_SCHEDULE_FIELDS)


def ready_to_schedule_contacts(rows) -> list[dict]:
    """What the front desk sees of each row of intakes_ready_to_schedule_rows."""
    modalities = dict(Intake.Modality.choices)
    return [
        {
            "id": row["pk"],
            "client_id": row["client_id"],
            "name": row["legal_name"] or row["client__full_name"],
            "preferred_name": row["preferred_name"],
            "email": row["contact_email"] or row["client__email"],
            "phone": row["phone"],
            "channels": {
                "email": row["may_email"],
                "text": row["may_text"],
                "voicemail": row["may_voicemail"],
                "name_practice": row["may_name_practice"],
            },
            "modality": str(modalities.get(row["modality"], "")),
            "in_colorado": row["in_colorado"],
            "appointment_preferences": row["appointment_preferences"],
            "priority": priority_for_level(row["risk_level"]),
        }
        for row in rows
    ]


def intakes_ready_to_schedule() -> list[dict]:
    """Every accepted intake as the front desk sees it (see intakes_ready_to_schedule_rows)."""
    return ready_to_schedule_contacts(intakes_ready_to_schedule_rows())
