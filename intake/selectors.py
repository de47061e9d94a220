"""Reads of intake data. Other apps (scheduling, the therapist review) use these."""

import calendar
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Practice, TherapistCredentials, User
from portal.selectors import practice_get, therapists_taking_new_clients

from . import pregnancy_history
from .catalogue import SELF_HARM
from .consent_rules import consent_text_fill, consent_text_problems, text_placeholders
from .disclosure import CREDENTIAL_FIELDS, REQUIRED, TherapistFacts
from .display import NOT_ANSWERED, Row, field_rows
from .instruments import (
    ALL_INSTRUMENTS,
    FLAG_PSYCHOSIS_SIGN,
    Instrument,
    Result,
    instruments_for_step,
    score,
    visible_items,
)
from .models import (
    BenefitsCheck,
    ConsentDocument,
    ConsentSignature,
    HardDate,
    InsuranceCardImage,
    Intake,
    PregnancyEntry,
    QuestionnaireResponse,
    ReviewQueueRank,
    RiskFlag,
)
from .risk_rules import (
    MEDICAL_EMERGENCY_RULES,
    SAME_DAY_LEVELS,
    Assessment,
    RiskLevel,
    assess_risk,
    priority_for_level,
    priority_position,
)
from .steps import AGREEMENTS, PAYMENT, PREGNANCIES, QUESTIONNAIRES, STEP_BY_NUMBER, STEPS

# Always asked; telehealth is added when the client may meet by video.
ALWAYS_REQUIRED_CONSENTS = (
    ConsentDocument.Kind.INFORMED_CONSENT,
    ConsentDocument.Kind.CO_MANDATORY_DISCLOSURE,
    ConsentDocument.Kind.PRIVACY_NOTICE,
    ConsentDocument.Kind.COMMUNICATIONS,
    ConsentDocument.Kind.CANCELLATION_POLICY,
)

# Why she is asked to sign an agreement the practice added after she signed the others.
REASON_NEW_AGREEMENT = _("The practice has added this agreement since you signed the others.")


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


def intake_hard_dates(*, intake: Intake) -> list[HardDate]:
    return list(HardDate.objects.filter(intake_id=intake.pk).order_by("date", "id"))


def intake_questionnaires(*, intake: Intake) -> dict[str, QuestionnaireResponse]:
    return {r.code: r for r in QuestionnaireResponse.objects.filter(intake_id=intake.pk)}


def questionnaires_offered() -> list[Instrument]:
    """The instruments step 5 asks, in order (the EPDS when the practice uses it)."""
    return instruments_for_step(practice_get().epds_enabled)


def questionnaire_items_waiting(
    *, intake: Intake, responses: dict[str, QuestionnaireResponse] | None = None
) -> list[tuple[str, str]]:
    """(instrument code, item key) of every question the client is shown now and has not
    answered, in page order: an answer may call for a follow-up question (intake.instruments'
    skip rules). `responses`: her intake_questionnaires, when the caller has read them."""
    responses = intake_questionnaires(intake=intake) if responses is None else responses
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
    """(current version, why) for each agreement she is asked to sign even after sending her
    intake: one she signed only in a version since marked incomplete, and one the practice
    first published after she signed the others."""
    signatures = consent_signatures(intake=intake)
    if not signatures:
        return []
    first_signed = min(s.signed_at for s in signatures.values())
    signed_kinds = {s.document.kind for s in signatures.values()}
    why = {s.document.kind: s.document.incomplete_reason for s in signatures.values()}
    why = {kind: reason for kind, reason in why.items() if reason}
    unsigned = [d for d in consent_documents_required(intake=intake) if d.pk not in signatures]
    first_published = dict(
        ConsentDocument.objects.filter(kind__in=[d.kind for d in unsigned])
        .values_list("kind")
        .annotate(first=Min("created_at"))
    )
    again = []
    for document in unsigned:
        if document.kind in why:
            again.append((document, why[document.kind]))
        elif document.kind not in signed_kinds and first_published[document.kind] > first_signed:
            again.append((document, str(REASON_NEW_AGREEMENT)))
    return again


def intake_contact_choices(*, intake: Intake) -> list[tuple[str, bool | None]]:
    """Her answers in "About you" on how the practice may reach her, which the communications
    consent refers to (kept there once, never asked twice)."""
    return [
        (str(_("email")), intake.may_email),
        (str(_("text messages")), intake.may_text),
        (str(_("voicemail")), intake.may_voicemail),
    ]


def fee_in_words(amount) -> str:
    """A fee as the agreements state it: "$75.00", or that there is none."""
    return f"${amount:,.2f}" if amount else str(_("$0 (no fee is charged)"))


def consent_fill_values(*, practice: Practice) -> dict[str, str]:
    """The practice's details an agreement may name (consent_rules.FILLABLE), as they are now."""
    return {
        "practice_name": practice.name,
        # The city and state have defaults: without a street there is no address yet.
        "practice_address": practice.address_one_line if practice.address_line1 else "",
        "practice_phone": practice.phone,
        "practice_email": practice.email,
        "regulator_contact": practice.regulator_contact,
        "cancellation_notice_hours": str(practice.cancellation_notice_hours),
        "late_cancellation_fee": fee_in_words(practice.late_cancellation_fee),
    }


def consent_document_text(*, document: ConsentDocument, practice: Practice) -> str:
    """The agreement exactly as shown to and signed by the client: the practice's details as
    they were when this version was published (as they are now, for a version published
    before the practice's details were filled in)."""
    return consent_text_fill(document.body, {**consent_fill_values(practice=practice), **document.details})


def disclosure_therapists() -> list[TherapistFacts]:
    """Every therapist a new client may meet (portal's one rule), as the Colorado disclosure
    lists her (parts empty until her credentials are filled in)."""
    facts = []
    for therapist in therapists_taking_new_clients().select_related("credentials"):
        credentials = getattr(therapist, "credentials", None)
        parts = {field: getattr(credentials, field) for field in CREDENTIAL_FIELDS} if credentials else {}
        facts.append(TherapistFacts(name=therapist.full_name or therapist.email, **parts))
    return facts


@dataclass(frozen=True)
class AgreementKind:
    kind: str
    label: str
    current: ConsentDocument | None
    # Every version, newest first, each with how many clients signed it.
    versions: list[ConsentDocument]
    written_from_profiles: bool


def agreements_for_settings() -> list[AgreementKind]:
    """Each kind of agreement with its versions (and their signature counts), for the
    practice admin's page; two queries."""
    versions = ConsentDocument.objects.annotate(signed=Count("signatures")).order_by("kind", "-version")
    by_kind: dict[str, list[ConsentDocument]] = {}
    for document in versions:
        by_kind.setdefault(document.kind, []).append(document)
    return [
        AgreementKind(
            kind=kind,
            label=label,
            current=next((d for d in by_kind.get(kind, []) if d.is_current), None),
            versions=by_kind.get(kind, []),
            written_from_profiles=kind == ConsentDocument.Kind.CO_MANDATORY_DISCLOSURE,
        )
        for kind, label in ConsentDocument.Kind.choices
    ]


# Where a benefits-check note the form refused is kept for the desk's request page, which
# shows it again beside the field with the reason.
BENEFITS_DRAFT_SESSION_KEY = "benefits_check_draft"


@dataclass(frozen=True)
class TherapistRow:
    therapist: User
    taking_new_clients: bool
    # What the disclosure still needs of her (empty: her part is complete).
    missing: list[str]


def _credentials_lacking(facts: TherapistFacts) -> list[str]:
    """What of her profile is empty where the disclosure needs it, or still a placeholder."""
    lacking = []
    for field in CREDENTIAL_FIELDS:
        value = getattr(facts, field)
        if (field in REQUIRED and not value.strip()) or text_placeholders(value):
            label = REQUIRED.get(field) or TherapistCredentials._meta.get_field(field).verbose_name
            lacking.append(str(label))
    return lacking


def therapists_for_settings() -> list[TherapistRow]:
    """Every therapist (active first) with what her profile still lacks for the disclosure."""
    therapists = (
        User.objects.filter(role=User.Role.THERAPIST)
        .select_related("credentials")
        .order_by("-is_active", "full_name", "pk")
    )
    rows = []
    for therapist in therapists:
        credentials = getattr(therapist, "credentials", None)
        parts = {field: getattr(credentials, field) for field in CREDENTIAL_FIELDS} if credentials else {}
        facts = TherapistFacts(name=therapist.full_name or therapist.email, **parts)
        rows.append(
            TherapistRow(
                therapist=therapist,
                # A closed account takes no one, whatever her profile last said.
                taking_new_clients=therapist.is_active
                and (credentials.taking_new_clients if credentials else True),
                missing=_credentials_lacking(facts),
            )
        )
    return rows


def consent_signature_text_verifies(*, signature: ConsentSignature) -> bool:
    """Whether the text kept with a signature is still the text its hash was taken of (for
    a signature made before texts were kept, its version shown with today's details)."""
    text = signature.text or consent_document_text(document=signature.document, practice=practice_get())
    return hashlib.sha256(text.encode("utf-8")).hexdigest() == signature.text_sha256


def consent_text_problems_now(*, body: str, practice: Practice) -> list[str]:
    """Why this agreement text could not be signed with the practice's details as they are now."""
    return consent_text_problems(body, consent_fill_values(practice=practice))


def minimum_age_latest_birth(*, practice: Practice | None = None, today: dt.date | None = None) -> dt.date:
    """The latest date of birth at the practice's minimum age today: anyone born after it
    is too young. The one place the age rule is worked out, so a write can also state it in
    SQL (step_services' one-statement autosave)."""
    practice = practice or practice_get()
    today = today or timezone.localdate()
    year = today.year - practice.minimum_client_age
    # Born on the 29th of February: of age on the 28th in a year without one.
    day = min(today.day, calendar.monthrange(year, today.month)[1])
    return dt.date(year, today.month, day)


def intake_is_under_minimum_age(
    *, intake: Intake, practice: Practice | None = None, today: dt.date | None = None
) -> bool:
    """Whether the date of birth given is below the practice's minimum age."""
    if intake.date_of_birth is None:
        return False
    return intake.date_of_birth > minimum_age_latest_birth(practice=practice, today=today)


def _step_started(intake: Intake, step, pregnancies, questionnaires, unsigned) -> bool:
    if step.number == PREGNANCIES:
        return bool(pregnancies) or intake.current_step > PREGNANCIES
    if step.number == QUESTIONNAIRES:
        return bool(questionnaires)
    if step.number == AGREEMENTS:
        return not unsigned
    if step.number == PAYMENT and intake.card_images.exists():
        return True
    return any(getattr(intake, f) not in (None, "", []) for f in step.fields)


def intake_steps_started(
    *, intake: Intake, questionnaires: dict[str, QuestionnaireResponse] | None = None
) -> dict[int, bool]:
    """Step number -> whether the client has answered anything there (agreements: all signed).

    An intake not saved yet has no answers, whatever the page fills in for her (the email she
    signed up with): the step list then agrees with her home page's "Not started yet".
    `questionnaires`: her intake_questionnaires, when the caller has read them."""
    if intake.pk is None:
        return {s.number: False for s in STEPS}
    pregnancies = intake_pregnancies(intake=intake)
    if questionnaires is None:
        questionnaires = intake_questionnaires(intake=intake)
    unsigned = consent_documents_unsigned(intake=intake)
    return {s.number: _step_started(intake, s, pregnancies, questionnaires, unsigned) for s in STEPS}


def intake_progress_percent(*, intake: Intake) -> int:
    """A gentle measure of progress: the share of steps with something in them."""
    started = intake_steps_started(intake=intake)
    return round(100 * sum(started.values()) / len(started))


def intake_history_summary(
    *, intake: Intake, today: dt.date | None = None, entries: list[PregnancyEntry] | None = None
) -> dict:
    """Facts from the pregnancy history (its `entries`, when the caller has read them)."""
    today = today or timezone.localdate()
    entries = intake_pregnancies(intake=intake) if entries is None else entries
    state = pregnancy_history.postpartum_state(entries, today)
    return {
        "losses": pregnancy_history.loss_count(entries),
        "live_births": pregnancy_history.live_birth_count(entries),
        "currently_pregnant": pregnancy_history.is_currently_pregnant(entries),
        "postpartum": state == "yes",
        "postpartum_state": state,
        "days_since_most_recent": pregnancy_history.days_since_most_recent_loss_or_birth(entries, today),
        "weeks_postpartum": pregnancy_history.weeks_postpartum(entries, today),
        "synopsis": pregnancy_history.synopsis(entries, today),
    }


def intake_contact_for_front_desk(*, client: User) -> dict:
    """What the front desk may know to reach and book a client (minimum necessary): names,
    contact details, the channels she allowed, how she would like to meet and her appointment
    preferences. Never why she is in care (not even the support she asked for), answers,
    scores, history or notes."""
    return _front_desk_contact(client, intake_for_client(client=client), _front_desk_labels())


# The intake's fields the front desk's contact card reads (_front_desk_contact).
FRONT_DESK_CONTACT_FIELDS = (
    "client_id",
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
    "status",
)


def intake_contacts_for_front_desk(*, clients: list[User]) -> dict[int, dict]:
    """intake_contact_for_front_desk for many clients in one query, keyed by client id, each
    also saying whether her insurance waits for the desk's benefits check ("benefits_waiting",
    insurance_waits_for_check)."""
    # Only what _front_desk_contact reads: the rest of the row (answers, notes) is clinical
    # and was most of what a page of the desk's queue loaded.
    intakes = {
        i.client_id: i
        for i in Intake.objects.filter(client__in=clients)
        .only(*FRONT_DESK_CONTACT_FIELDS, "payment_method")
        .annotate(benefits_checked=Exists(BenefitsCheck.objects.filter(intake=OuterRef("pk"))))
    }
    labels = _front_desk_labels()
    return {
        c.pk: {
            **_front_desk_contact(c, intakes.get(c.pk), labels),
            "benefits_waiting": c.pk in intakes
            and insurance_waits_for_check(
                method=intakes[c.pk].payment_method, checked=intakes[c.pk].benefits_checked
            ),
        }
        for c in clients
    }


def _front_desk_labels() -> dict[str, dict[str, str]]:
    """The words for the coded answers on a contact card, translated once for a whole page
    (get_FOO_display would look each one up again for every client)."""
    return {
        "modality": {value: str(label) for value, label in Intake.Modality.choices},
        "in_colorado": {value: str(label) for value, label in Intake._meta.get_field("in_colorado").choices},
    }


def _front_desk_contact(client: User, intake: Intake | None, labels: dict[str, dict[str, str]]) -> dict:
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
        "modality": labels["modality"].get(intake.modality, intake.modality) if intake.modality else "",
        "in_colorado": labels["in_colorado"].get(intake.in_colorado, intake.in_colorado)
        if intake.in_colorado
        else "",
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


def intake_priority_annotations(*, client: str) -> dict:
    """The front desk's priority now, for rows that reach a client through the field path
    `client`, as annotations: "priority_now" (the word intake_priorities_for_clients gives:
    routine without an intake) and "priority_rank" (where it sorts, intake_priority_position),
    so a list of requests is ordered and paged by the database. Both are built from the one
    mapping of intake.risk_rules; the risk level itself stays inside the query."""
    level = f"{client}__intake__risk_level"

    def case(value_for, output_field):
        return Case(
            *[When(**{level: risk.value}, then=Value(value_for(risk))) for risk in RiskLevel],
            default=Value(value_for(None)),
            output_field=output_field,
        )

    return {
        "priority_now": case(priority_for_level, CharField()),
        "priority_rank": case(lambda risk: priority_position(priority_for_level(risk)), IntegerField()),
    }


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

_INSTRUMENT_POSITION = {instrument.code: position for position, instrument in enumerate(ALL_INSTRUMENTS)}


def intake_scores(*, intake: Intake) -> dict[str, Result]:
    """Each answered questionnaire scored with the practice's settings, in step order."""
    practice = practice_get()
    cutoff = practice.pcptsd5_cutoff
    results = {}
    for response in sorted(intake.questionnaires.all(), key=lambda r: _INSTRUMENT_POSITION[r.code]):
        results[response.code] = score(response.code, response.answers, pcptsd5_cutoff=cutoff)
    return results


def perinatal_window(entries, today: dt.date) -> bool:
    """Whether she is pregnant now or within a year of a birth, or the history she gave
    cannot rule it out (none given, or a birth without a date): the window in which a warning
    sign of postpartum psychosis is URGENT (CLINICAL.md)."""
    entries = list(entries)
    if not entries or pregnancy_history.is_currently_pregnant(entries):
        return True
    return pregnancy_history.postpartum_state(entries, today) != "no"


def intake_assessment(*, intake: Intake) -> Assessment:
    """The triage of the intake's answers as they stand now."""
    symptoms = intake.symptoms or []
    results = intake_scores(intake=intake)
    # The pregnancy history is read only when a warning sign makes it matter.
    signs = any(FLAG_PSYCHOSIS_SIGN in result.flags for result in results.values())
    return assess_risk(
        results,
        checklist_self_harm=SELF_HARM in symptoms,
        sent=intake.status != Intake.Status.DRAFT,
        perinatal=perinatal_window(intake_pregnancies(intake=intake), timezone.localdate())
        if signs
        else True,
    )


# What the client's crisis panel shows: the level's own panel, or "emergency" (911 and 988
# first) when a same-day flag was raised by an answer that can be a medical emergency.
SAFETY_PANEL_EMERGENCY = "emergency"


def intake_safety_panel(*, intake: Intake) -> str:
    """ "", "high", "urgent" or "emergency": which crisis panel her answers call for."""
    if intake.risk_level not in SAME_DAY_LEVELS or intake.pk is None:
        return ""
    flags = RiskFlag.objects.filter(intake_id=intake.pk, level__in=SAME_DAY_LEVELS).values_list(
        "reasons", flat=True
    )
    rules = {reason.get("rule") for reasons in flags for reason in reasons or []}
    if rules & {rule.value for rule in MEDICAL_EMERGENCY_RULES}:
        return SAFETY_PANEL_EMERGENCY
    return RiskLevel(intake.risk_level).value


def same_day_evidence(*, client: User) -> int:
    """How many answers stand behind the client's same-day flags. One more after a save
    means a new same-day answer: its crisis panel is shown again, even at a level she has
    seen before (a warning sign after an urge to act she later took back, say)."""
    reasons = RiskFlag.objects.filter(intake__client=client, level__in=SAME_DAY_LEVELS).values_list(
        "reasons", flat=True
    )
    return sum(len(r or []) for r in reasons)


def intake_risk_flags(*, intake: Intake) -> list[RiskFlag]:
    return list(intake.risk_flags.select_related("acknowledged_by").order_by("-raised_at", "-pk"))


# --- What the front desk may read (scheduling reads intake only through this module)

# The contact card's own fields (one list of what the desk may read of an intake), and what
# the ready list needs besides: its row's key, the account's name and email, its order.
READY_TO_SCHEDULE_FIELDS = (
    "pk",
    *(name for name in FRONT_DESK_CONTACT_FIELDS if name != "status"),
    "client__full_name",
    "client__email",
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


# --- Payment and referral: billing facts, never clinical ones.

REFERRAL_FIELDS = (
    "heard_about",
    "heard_about_detail",
    "referring_provider",
    "referring_practice",
    "referrer_may_know",
)
# How she means to pay, as the therapist's PDF summary shows it: the choice and the plans'
# names, never a member or group number (those are the front desk's, on the review page).
PAYMENT_CHOICE_FIELDS = ("payment_method", "insurance_plan", "secondary_insurance_plan")


@dataclass(frozen=True)
class PaymentDetails:
    """How a client means to pay, for the front desk, the practice admin and the therapist.
    Nothing here says why she is in care."""

    intake_id: int
    method: str
    rows: list[Row]
    cards: list[InsuranceCardImage]
    checks: list[BenefitsCheck]

    @property
    def waits_for_check(self) -> bool:
        return insurance_waits_for_check(method=self.method, checked=bool(self.checks))


def insurance_waits_for_check(*, method: str, checked: bool) -> bool:
    """The one rule for "benefits to check": she gave insurance and nobody has checked it yet."""
    return method == Intake.PaymentMethod.INSURANCE and not checked


def estimate_due_without_asking(*, client: User) -> bool:
    """Whether booking this client owes her a Good Faith Estimate (45 CFR 149.610):
    estimate_owed for her intake's answers."""
    method, plan = Intake.objects.filter(client=client).values_list(
        "payment_method", "insurance_plan"
    ).first() or ("", "")
    return estimate_owed(method=method, plan=plan)


def estimate_owed(*, method: str, plan: str) -> bool:
    """The one rule for a Good Faith Estimate owed without asking (45 CFR 149.610): she pays
    herself or has not said she will use insurance (uninsured, unsure, or not answered yet).
    Only a client who gave an insurance plan is left out, unless she asks for one."""
    return not (method == Intake.PaymentMethod.INSURANCE and plan.strip())


def payment_details(*, client: User) -> PaymentDetails | None:
    """The payment step's answers, the card photos and the benefits checks (None before she
    starts her intake)."""
    intake = intake_for_client(client=client)
    if intake is None:
        return None
    return payment_details_of(intake=intake)


def payment_details_of(*, intake: Intake) -> PaymentDetails:
    """payment_details for an intake already read (a client has one intake): two queries."""
    return PaymentDetails(
        intake_id=intake.pk,
        method=intake.payment_method,
        rows=field_rows(intake, STEP_BY_NUMBER[PAYMENT].fields),
        cards=list(InsuranceCardImage.objects.filter(intake=intake)),
        checks=list(BenefitsCheck.objects.filter(intake=intake).select_related("checked_by")),
    )


@dataclass(frozen=True)
class FrontDeskFacts:
    """What the front desk's request page may know of a client from her intake, read once:
    her contact card (intake_contact_for_front_desk), her priority now ("urgent", "high" or
    "routine"), how she means to pay (payment_details) and whether booking owes her a Good
    Faith Estimate (estimate_owed). Nothing here says why she is in care."""

    contact: dict
    priority: str
    payment: PaymentDetails | None
    estimate_owed: bool


def intake_facts_for_front_desk(*, client: User) -> FrontDeskFacts:
    """Everything the request page reads of a client's intake, from one read of the row (only
    the contact, priority and payment fields: the clinical answers stay in the database),
    plus the payment's card photos and benefits checks: three queries with an intake, one
    without."""
    intake = (
        Intake.objects.filter(client=client)
        .only(*FRONT_DESK_CONTACT_FIELDS, "risk_level", *STEP_BY_NUMBER[PAYMENT].fields)
        .first()
    )
    return FrontDeskFacts(
        contact=_front_desk_contact(client, intake, _front_desk_labels()),
        priority=priority_for_level(intake.risk_level if intake else None),
        payment=payment_details_of(intake=intake) if intake else None,
        estimate_owed=estimate_owed(
            method=intake.payment_method if intake else "", plan=intake.insurance_plan if intake else ""
        ),
    )


def referral_rows(*, intake: Intake) -> list[Row]:
    """Where the client heard of the practice, and whether the referrer may know she made contact."""
    return field_rows(intake, REFERRAL_FIELDS)


def estimate_client_facts(*, client: User) -> dict:
    """What a Good Faith Estimate says of the client: her name and date of birth, nothing else."""
    intake = intake_for_client(client=client)
    return {
        "name": (intake.legal_name if intake else "") or client.full_name,
        "date_of_birth": intake.date_of_birth if intake else None,
    }


@dataclass(frozen=True)
class ReferralReport:
    """Intakes started in each month of a year, by where the client heard of the practice.
    Counts only: no name, no answer, nothing clinical."""

    year: int
    months: list[str]
    # (source label, one count per month)
    rows: list[tuple[str, list[int]]]


def referral_report(*, year: int) -> ReferralReport:
    zone = timezone.get_default_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    end = dt.datetime(year + 1, 1, 1, tzinfo=zone)
    counted = (
        Intake.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("month", "heard_about")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict[str, list[int]] = {value: [0] * 12 for value in [*Intake.HeardAbout.values, ""]}
    for row in counted:
        table.setdefault(row["heard_about"], [0] * 12)[row["month"].month - 1] += row["n"]
    labels = {**dict(Intake.HeardAbout.choices), "": NOT_ANSWERED}
    return ReferralReport(
        year=year,
        months=[f"{year}-{m:02d}" for m in range(1, 13)],
        rows=[(str(labels.get(value, value)), counts) for value, counts in table.items()],
    )
