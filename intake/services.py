"""Writes to the intake. Every one runs in a transaction and leaves an audit record.

Drafts may be incomplete: a save checks only what was given and keeps everything valid,
even when some other answer needs another look. What the practice needs before it can
read an intake is checked once, by intake_submit.
"""

import datetime as dt
import hashlib
import logging
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record, client_ip
from portal.models import AuditEvent, Practice, User
from portal.selectors import practice_get

from . import forms_rules, pregnancy_history
from .catalogue import SYMPTOM_SLUGS
from .instruments import InvalidAnswersError, get_instrument, visible_items
from .models import ConsentDocument, ConsentSignature, Intake, PregnancyEntry, QuestionnaireResponse
from .risk_services import risk_evaluate
from .selectors import (
    consent_document_text,
    consent_documents_unsigned,
    consent_kinds_unavailable,
    intake_is_under_minimum_age,
)
from .steps import ABOUT, AGREEMENTS, PREGNANCIES, QUESTIONNAIRES, STEP_BY_NUMBER, STEP_FOR_FIELD
from .tasks import summary_queue

logger = logging.getLogger(__name__)

ERROR_LOCKED = _(
    "Your intake has already been sent to the practice, so it can't be changed here. "
    "If something needs updating, please tell your therapist or call the office."
)
ERROR_UNKNOWN_FIELD = _("We couldn't save that answer. Please reload the page and try again.")
ERROR_CHANGED_ELSEWHERE = _(
    "This answer was changed in another window or tab since this page was opened. It now says: "
    "“%(current)s”. What you have here is not saved yet: to keep it, press Save; to keep the "
    "other, change this one to match."
)
ERROR_UNKNOWN_STEP = _("That part of the intake doesn't exist.")
ERROR_INVALID_VALUE = _("Please check this answer.")
ERROR_CHOICE = _("Please choose from the options shown.")
ERROR_DOB_FUTURE = _("Your date of birth can't be a date still to come. Please check it.")
ERROR_DOB_RANGE = _("Please check the year of your date of birth.")
ERROR_IMPACT_RANGE = _("Please choose a number from 0 to 10.")
ERROR_UNDER_AGE = _(
    "Thank you for reaching out. Our practice works with adults, so we can't continue online. "
    "Please call the office and we will gladly help you find the right support."
)
# Next to the date of birth when an under-age client presses "Save and continue".
ERROR_UNDER_AGE_FIELD = _(
    "With this date of birth we can't go on to the next step online. If the date isn't right, "
    'please correct it and press "Save and continue" again.'
)
ERROR_SUBMIT_LEGAL_NAME = _("Please add your full legal name.")
ERROR_SUBMIT_DOB = _("Please add your date of birth.")
ERROR_SUBMIT_CONTACT = _("Please add a phone number or an email address so we can reach you.")
ERROR_SUBMIT_STATE = _("Please add the state you live in.")
ERROR_SUBMIT_CONSENTS = _("Please read and sign the agreements.")
ERROR_SUBMIT_AGREEMENTS_UNAVAILABLE = _(
    "One of the practice's agreements is not available right now, so your intake can't be sent "
    "yet. Everything you wrote is saved. Please call the office and we will sort it out."
)
ERROR_CONSENT_NOT_CURRENT = _(
    "This agreement has been updated since the page was opened. Please read the new version."
)
ERROR_CONSENT_NOT_AGREED = _("Please tick the box to show you agree.")
ERROR_CONSENT_NO_LEGAL_NAME = _('Please add your full legal name in "About you" first, so we can match it.')
ERROR_CONSENT_NAME_MISMATCH = _('Please type your full legal name exactly as you gave it in "About you".')
ERROR_CONSENT_ALREADY_SIGNED = _("You have already signed this agreement. Thank you.")
ERROR_QUESTIONNAIRE_UNKNOWN = _("We couldn't save that answer. Please reload the page and try again.")

EARLIEST_BIRTH_YEAR = 1900


class IntakeError(Exception):
    """A write the client's request cannot make; `message` is safe to show her."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.errors = errors or {}


class IntakeLockedError(IntakeError):
    pass


class IntakeUnderAgeError(IntakeError):
    pass


class IntakeFieldError(IntakeError):
    """An unknown field or step name: the request did not come from our own pages."""


class IntakeValidationError(IntakeError):
    """Some answers need another look; `errors` maps field name to message."""


class IntakeConflictError(IntakeError):
    """The answer was changed elsewhere (another tab) since this page showed it: `current`
    is the value saved there, which this save did not overwrite."""

    def __init__(self, message: str, current) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class StepSaved:
    """What intake_save_step did: answers refused (field -> message), and answers left as
    they were because another tab changed them since this page was loaded (field -> the
    value saved there)."""

    errors: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, object] = field(default_factory=dict)


@dataclass
class SubmitProblem:
    step: int
    field: str
    message: str


@dataclass
class IntakeSubmitError(Exception):
    problems: list[SubmitProblem] = field(default_factory=list)


def _actor(request: HttpRequest | None, fallback: User | None) -> User | None:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else fallback


# What every write checks under the lock: whose it is, whether it is still a draft, the age
# rule, and the level the answers have reached.
_WRITE_CHECK_FIELDS = ("id", "client_id", "status", "date_of_birth", "risk_level")


def _write_columns(fields: tuple[str, ...] | None) -> tuple[str, ...] | None:
    return None if fields is None else (*_WRITE_CHECK_FIELDS, *fields)


def _refuse_if_sent(fresh: Intake, intake: Intake) -> Intake:
    if fresh.status != Intake.Status.DRAFT:
        intake.status = fresh.status
        raise IntakeLockedError(ERROR_LOCKED)
    return fresh


def _locked_for_write(intake: Intake, fields: tuple[str, ...] | None = None) -> Intake:
    """Re-read the intake under a row lock and refuse if it has been sent.

    With `fields`, only those columns (and the checks') are read: a single answer saved
    does not need the whole row, whose select is most of an autosave's cost.
    """
    rows = Intake.objects.select_for_update()
    if fields is not None:
        rows = rows.only(*_write_columns(fields))
    fresh = rows.get(pk=intake.pk)
    if Intake.client.is_cached(intake):
        fresh.client = intake.client  # the same person: no second read for the audit row
    return _refuse_if_sent(fresh, intake)


def _locked_for_client(client: User, fields: tuple[str, ...] | None, request) -> Intake:
    """The client's own intake read once, under the row lock (started if she has none)."""
    rows = Intake.objects.select_for_update().filter(client=client)
    if fields is not None:
        rows = rows.only(*_write_columns(fields))
    fresh = rows.first()
    if fresh is None:
        return _locked_for_write(intake_get_or_start(client=client, request=request), fields)
    fresh.client = client
    return _refuse_if_sent(fresh, fresh)


def _refuse_if_under_age(intake: Intake, practice: Practice | None) -> None:
    if intake_is_under_minimum_age(intake=intake, practice=practice):
        raise IntakeUnderAgeError(ERROR_UNDER_AGE)


def _value_error(name: str, value, today: dt.date) -> str | None:
    """The message for one value the model cannot hold or the rules refuse, else None."""
    model_field = Intake._meta.get_field(name)
    if name in ("services", "symptoms"):
        allowed = set(Intake.Service.values) if name == "services" else SYMPTOM_SLUGS
        if not isinstance(value, list) or not set(value) <= allowed:
            return ERROR_CHOICE
        return None
    if name.startswith("impact_"):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10
        ):
            return ERROR_IMPACT_RANGE
        return None
    check = forms_rules.CHECKS.get(name)
    if check is not None and value:
        if not isinstance(value, str):
            return ERROR_INVALID_VALUE
        message = check(value)
        if message:
            return message
    if name == "date_of_birth" and value is not None:
        if not isinstance(value, dt.date):
            return ERROR_INVALID_VALUE
        if value > today:
            return ERROR_DOB_FUTURE
        if value.year < EARLIEST_BIRTH_YEAR:
            return ERROR_DOB_RANGE
    try:
        model_field.clean(value, None)
    except ValidationError as exc:
        return ERROR_CHOICE if model_field.choices else exc.messages[0]
    return None


def _audit(*, intake: Intake, action: str, object_type: str, object_id, detail: str, request, actor) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client=intake.client,
        detail=detail,
        request=request,
    )


def intake_get_or_start(*, client: User, request: HttpRequest | None = None) -> Intake:
    """The client's intake, created (with her name and email filled in) on first visit."""
    # Every page and autosave asks for it, and it exists after the first visit: one plain
    # read, with no transaction, unless it has to be made.
    intake = Intake.objects.filter(client=client).first()
    if intake is None:
        intake = _intake_start(client=client, request=request)
    intake.client = client
    return intake


@transaction.atomic
def _intake_start(*, client: User, request: HttpRequest | None) -> Intake:
    intake, created = Intake.objects.get_or_create(
        client=client, defaults={"legal_name": client.full_name, "contact_email": client.email}
    )
    if created:
        _audit(
            intake=intake,
            action=AuditEvent.Action.CREATE,
            object_type="intake",
            object_id=intake.pk,
            detail="intake started",
            request=request,
            actor=_actor(request, client),
        )
    return intake


def _step_fields_checked(step: int, data: dict) -> tuple[str, ...] | None:
    """Refuse a step or field no step asks; the columns the save must read (None: all)."""
    if step not in STEP_BY_NUMBER:
        raise IntakeFieldError(ERROR_UNKNOWN_STEP)
    unknown = set(data) - set(STEP_BY_NUMBER[step].fields)
    if unknown:
        raise IntakeFieldError(ERROR_UNKNOWN_FIELD, {name: ERROR_UNKNOWN_FIELD for name in unknown})
    # Triage reads the whole intake; any other answer needs only its own column.
    return None if "symptoms" in data else tuple(data)


@transaction.atomic
def intake_save_step(
    *,
    intake: Intake,
    step: int,
    data: dict,
    actor: User | None,
    loaded: dict | None = None,
    request: HttpRequest | None = None,
) -> StepSaved:
    """Save the answers given for one step and remember the step as where the client is.

    `loaded` is what the page showed for each answer when it was loaded (the same shape as
    `data`). With it, only what this page changed is written, so a page left open in another
    tab never reverts an answer saved since; and an answer this page changed that was also
    changed elsewhere is not overwritten silently: it is returned as a conflict. Answers
    that break a rule are left as they were and returned as errors; all others are saved.
    Raises IntakeLockedError once sent, IntakeFieldError for a field the step does not ask,
    IntakeUnderAgeError past step 1 below the practice's minimum age.
    """
    fresh = _locked_for_write(intake, fields=_step_fields_checked(step, data))
    return _save_answers(fresh, intake, step=step, data=data, actor=actor, request=request, loaded=loaded)


def _save_answers(
    fresh: Intake, intake: Intake, *, step: int, data: dict, actor, request, loaded: dict | None = None
) -> StepSaved:
    """intake_save_step's work on the locked row `fresh`, copied onto the caller's `intake`."""
    if step != ABOUT:
        _refuse_if_under_age(fresh, practice_get())
    today = timezone.localdate()
    errors: dict[str, str] = {}
    conflicts: dict[str, object] = {}
    changed: list[str] = []
    for name, value in data.items():
        current = getattr(fresh, name)
        if loaded is not None and name in loaded:
            if value == loaded[name]:
                continue  # not changed on this page: whatever is saved now stays
            if current != loaded[name] and current != value:
                conflicts[name] = current
                continue
        message = _value_error(name, value, today)
        if message:
            errors[name] = message
            continue
        if current != value:
            changed.append(name)
        setattr(fresh, name, value)
        setattr(intake, name, value)
    now = timezone.now()
    for obj in (fresh, intake):
        obj.last_saved_at = now
        obj.current_step = step
    fresh.save(update_fields=[*changed, "last_saved_at", "current_step", "updated_at"])
    _audit(
        intake=fresh,
        action=AuditEvent.Action.UPDATE,
        object_type="intake",
        object_id=fresh.pk,
        detail=f"step {step} saved; changed: {', '.join(sorted(changed)) or 'nothing'}",
        request=request,
        actor=actor,
    )
    if "symptoms" in changed:
        risk_evaluate(intake=fresh, actor=actor, request=request)
    intake.risk_level = fresh.risk_level
    return StepSaved(errors=errors, conflicts=conflicts)


_NOT_GIVEN = object()


@transaction.atomic
def intake_autosave_field(
    *,
    client: User,
    field_name: str,
    value,
    actor: User | None,
    was=_NOT_GIVEN,
    request: HttpRequest | None = None,
) -> Intake:
    """Autosave one answer on the client's own intake, found and locked in one read.

    `was` is the answer as this page last knew it: if another tab has saved something else
    since, the answer is not overwritten and IntakeConflictError says what is saved there.
    Raises IntakeFieldError for a name no step asks, and IntakeValidationError (with the
    field's message) for a value the rules refuse. The autosave runs on every change a client
    makes, so it reads only the row it writes; returns that row (its time saved and risk
    level are what the page is told).
    """
    step = STEP_FOR_FIELD.get(field_name)
    if step is None:
        raise IntakeFieldError(ERROR_UNKNOWN_FIELD)
    data = {field_name: value}
    fresh = _locked_for_client(client, _step_fields_checked(step, data), request)
    loaded = None if was is _NOT_GIVEN else {field_name: was}
    saved = _save_answers(fresh, fresh, step=step, data=data, actor=actor, request=request, loaded=loaded)
    if field_name in saved.conflicts:
        raise IntakeConflictError(ERROR_CHANGED_ELSEWHERE, saved.conflicts[field_name])
    if saved.errors:
        raise IntakeValidationError(saved.errors[field_name], saved.errors)
    return fresh


def _entry_errors(intake: Intake, candidate: PregnancyEntry, data: dict) -> dict[str, str]:
    others = [e for e in intake.pregnancies.all() if e.pk != candidate.pk]
    errors = pregnancy_history.history_errors(others, candidate, timezone.localdate())
    if not set(data.get("complications") or []) <= set(PregnancyEntry.Complication.values):
        errors["complications"] = ERROR_CHOICE
    if candidate.outcome not in PregnancyEntry.Outcome.values:
        errors["outcome"] = ERROR_CHOICE
    try:
        PregnancyEntry._meta.get_field("note").clean(candidate.note, candidate)
    except ValidationError as exc:
        errors["note"] = exc.messages[0]
    return errors


PREGNANCY_FIELDS = (
    "outcome",
    "month",
    "year",
    "when_declined",
    "weeks",
    "weeks_declined",
    "due_date",
    "complications",
    "complications_declined",
    "note",
)


def _apply_entry(entry: PregnancyEntry, data: dict) -> None:
    for name in PREGNANCY_FIELDS:
        if name in data:
            setattr(entry, name, data[name])
    entry.complications = list(entry.complications or [])


def _touch(intake: Intake, step: int) -> None:
    intake.last_saved_at = timezone.now()
    intake.current_step = step
    intake.save(update_fields=["last_saved_at", "current_step", "updated_at"])


@transaction.atomic
def pregnancy_entry_add(
    *, intake: Intake, data: dict, actor: User | None, request: HttpRequest | None = None
) -> PregnancyEntry:
    """Add one pregnancy to the history. Raises IntakeValidationError with field messages."""
    fresh = _locked_for_write(intake)
    _refuse_if_under_age(fresh, practice_get())
    if fresh.pregnancies.count() >= forms_rules.PREGNANCY_ENTRIES_MAX:
        message = forms_rules.ERROR_TOO_MANY_PREGNANCIES % {"limit": forms_rules.PREGNANCY_ENTRIES_MAX}
        raise IntakeValidationError(message, {"__all__": message})
    entry = PregnancyEntry(intake=fresh)
    _apply_entry(entry, data)
    errors = _entry_errors(fresh, entry, data)
    if errors:
        raise IntakeValidationError(ERROR_INVALID_VALUE, errors)
    entry.order = (fresh.pregnancies.aggregate(m=Max("order"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # Two tabs adding a current pregnancy at once: the database keeps it to one.
        raise IntakeValidationError(
            ERROR_INVALID_VALUE, {"outcome": pregnancy_history.ERROR_ONE_CURRENT}
        ) from None
    _touch(fresh, PREGNANCIES)
    intake.last_saved_at = fresh.last_saved_at
    _audit(
        intake=fresh,
        action=AuditEvent.Action.CREATE,
        object_type="pregnancy_entry",
        object_id=entry.pk,
        detail="pregnancy history entry added",
        request=request,
        actor=actor,
    )
    return entry


@transaction.atomic
def pregnancy_entry_update(
    *, entry: PregnancyEntry, data: dict, actor: User | None, request: HttpRequest | None = None
) -> PregnancyEntry:
    """Change one pregnancy in the history. Raises IntakeValidationError with field messages."""
    fresh = _locked_for_write(entry.intake)
    _refuse_if_under_age(fresh, practice_get())
    _apply_entry(entry, data)
    errors = _entry_errors(fresh, entry, data)
    if errors:
        raise IntakeValidationError(ERROR_INVALID_VALUE, errors)
    try:
        with transaction.atomic():
            entry.save(update_fields=[*PREGNANCY_FIELDS, "updated_at"])
    except IntegrityError:
        raise IntakeValidationError(
            ERROR_INVALID_VALUE, {"outcome": pregnancy_history.ERROR_ONE_CURRENT}
        ) from None
    _touch(fresh, PREGNANCIES)
    _audit(
        intake=fresh,
        action=AuditEvent.Action.UPDATE,
        object_type="pregnancy_entry",
        object_id=entry.pk,
        detail="pregnancy history entry changed",
        request=request,
        actor=actor,
    )
    return entry


@transaction.atomic
def pregnancy_entry_remove(
    *, entry: PregnancyEntry, actor: User | None, request: HttpRequest | None = None
) -> None:
    """Remove one pregnancy from a draft. Only possible before sending: once the practice has
    the intake it is a clinical record and is never deleted."""
    fresh = _locked_for_write(entry.intake)
    entry_id = entry.pk
    entry.delete()
    _touch(fresh, PREGNANCIES)
    _audit(
        intake=fresh,
        action=AuditEvent.Action.UPDATE,
        object_type="pregnancy_entry",
        object_id=entry_id,
        detail="pregnancy history entry removed from draft",
        request=request,
        actor=actor,
    )


# An item with no answer yet, for comparing what a page showed with what is saved now.
UNANSWERED = "unanswered"


@dataclass(frozen=True)
class QuestionnaireSaved:
    """What questionnaire_answers_save did: the response as saved, and the items left as
    they were because another tab changed them since the page was loaded (key -> the answer
    saved there, UNANSWERED if none)."""

    response: QuestionnaireResponse
    conflicts: dict = field(default_factory=dict)


def _answers_changed_here(saved: dict, answers: dict, loaded: dict) -> tuple[dict, dict]:
    """(the answers this page changed and may write, the conflicts): see intake_save_step."""
    write, conflicts = {}, {}
    for key, answer in answers.items():
        if key not in loaded:
            write[key] = answer
            continue
        before, current = loaded[key], saved.get(key, UNANSWERED)
        if answer == before and type(answer) is type(before):
            continue
        if current != before and current != answer:
            conflicts[key] = current
            continue
        write[key] = answer
    return write, conflicts


@transaction.atomic
def questionnaire_answers_save(
    *,
    intake: Intake,
    code: str,
    answers: dict,
    actor: User | None,
    loaded: dict | None = None,
    request: HttpRequest | None = None,
) -> QuestionnaireSaved:
    """Merge answers (item key -> option index, True/False, or None for "prefer not to
    answer") into the client's response to one instrument.

    `loaded` is what the page showed for those items (UNANSWERED for none): with it, only
    what the page changed is written, and an item changed here and elsewhere since is left
    as saved there and returned as a conflict (as intake_save_step does for other answers).
    """
    fresh = _locked_for_write(intake)
    _refuse_if_under_age(fresh, practice_get())
    try:
        get_instrument(code)
    except ValueError:
        raise IntakeFieldError(ERROR_QUESTIONNAIRE_UNKNOWN) from None
    response, _created = QuestionnaireResponse.objects.get_or_create(intake=fresh, code=code)
    conflicts: dict = {}
    if loaded is not None:
        answers, conflicts = _answers_changed_here(response.answers, answers, loaded)
    if not answers:
        return QuestionnaireSaved(response=response, conflicts=conflicts)
    merged = {**response.answers, **answers}
    try:
        visible_items(code, merged)
    except InvalidAnswersError:
        raise IntakeFieldError(ERROR_QUESTIONNAIRE_UNKNOWN) from None
    response.answers = merged
    response.save(update_fields=["answers", "updated_at"])
    _touch(fresh, QUESTIONNAIRES)
    intake.last_saved_at = fresh.last_saved_at
    # Triage on every answer, before submit: a self-harm answer alerts the on-call today.
    risk_evaluate(intake=fresh, actor=actor, request=request)
    intake.risk_level = fresh.risk_level
    _audit(
        intake=fresh,
        action=AuditEvent.Action.UPDATE,
        object_type="questionnaire_response",
        object_id=response.pk,
        detail=f"{code} answers saved ({len(answers)})",
        request=request,
        actor=actor,
    )
    return QuestionnaireSaved(response=response, conflicts=conflicts)


# Letters that carry their mark in the letter itself, so NFKD leaves them whole.
_UNMARKED = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)


def _normalise_name(name: str) -> str:
    """A name reduced to its letters and digits, for comparing a typed signature.

    Accents and other marks (NFKD, combining marks dropped), case, punctuation (hyphens,
    straight and curly apostrophes, periods, commas) and spacing do not count: "ana maria
    nunez obrien" signs for "Ana María Núñez-O'Brien". Any other letter still does, so a
    different name is refused.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_UNMARKED)
    return "".join(ch for ch in bare if ch.isalnum())


@transaction.atomic
def consent_sign(
    *,
    intake: Intake,
    document: ConsentDocument,
    typed_name: str,
    agreed: bool,
    request: HttpRequest | None = None,
) -> ConsentSignature:
    """Record the client's signature of this exact version of an agreement.

    The typed name must match her legal name, ignoring accents, case, punctuation and
    spacing. The signature keeps the version, a SHA-256 of the text shown, the time, IP
    address and browser. It is never changed: signing the same version again is refused, and
    a new version is signed anew.
    """
    fresh = _locked_for_write(intake)
    _refuse_if_under_age(fresh, practice_get())
    errors: dict[str, str] = {}
    document = ConsentDocument.objects.select_for_update().get(pk=document.pk)
    if not document.is_current:
        raise IntakeValidationError(ERROR_CONSENT_NOT_CURRENT, {"agreed": ERROR_CONSENT_NOT_CURRENT})
    if ConsentSignature.objects.filter(intake=fresh, document=document).exists():
        raise IntakeValidationError(ERROR_CONSENT_ALREADY_SIGNED, {"agreed": ERROR_CONSENT_ALREADY_SIGNED})
    if not agreed:
        errors["agreed"] = ERROR_CONSENT_NOT_AGREED
    if not _normalise_name(fresh.legal_name):
        errors["typed_name"] = ERROR_CONSENT_NO_LEGAL_NAME
    elif _normalise_name(typed_name) != _normalise_name(fresh.legal_name):
        errors["typed_name"] = ERROR_CONSENT_NAME_MISMATCH
    if errors:
        raise IntakeValidationError(next(iter(errors.values())), errors)
    text = consent_document_text(document=document, practice=practice_get())
    meta = request.META if request is not None else {}
    signature = ConsentSignature.objects.create(
        intake=fresh,
        document=document,
        document_version=document.version,
        typed_name=typed_name.strip(),
        agreed=True,
        signed_at=timezone.now(),
        ip_address=client_ip(request),
        user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    _touch(fresh, AGREEMENTS)
    intake.last_saved_at = fresh.last_saved_at
    _audit(
        intake=fresh,
        action=AuditEvent.Action.SIGN,
        object_type="consent_signature",
        object_id=signature.pk,
        detail=f"signed {document.kind} version {document.version}",
        request=request,
        actor=_actor(request, fresh.client),
    )
    return signature


def intake_submit_problems(*, intake: Intake) -> list[SubmitProblem]:
    """What still stands between this draft and sending it (empty when ready)."""
    problems = []
    if not intake.legal_name.strip():
        problems.append(SubmitProblem(ABOUT, "legal_name", ERROR_SUBMIT_LEGAL_NAME))
    if intake.date_of_birth is None:
        problems.append(SubmitProblem(ABOUT, "date_of_birth", ERROR_SUBMIT_DOB))
    elif intake_is_under_minimum_age(intake=intake):
        problems.append(SubmitProblem(ABOUT, "date_of_birth", ERROR_UNDER_AGE))
    if not intake.phone.strip() and not intake.contact_email.strip():
        problems.append(SubmitProblem(ABOUT, "phone", ERROR_SUBMIT_CONTACT))
    if not intake.state.strip():
        problems.append(SubmitProblem(ABOUT, "state", ERROR_SUBMIT_STATE))
    # Answers saved before these rules existed are asked for again rather than sent as typed.
    for name, check in forms_rules.CHECKS.items():
        message = check(getattr(intake, name))
        if message:
            problems.append(SubmitProblem(ABOUT, name, message))
    if consent_kinds_unavailable(intake=intake):
        # Never send an intake without the agreements, even if the practice's texts are missing.
        logger.error("Intake %s cannot be sent: required agreements are not published.", intake.pk)
        problems.append(SubmitProblem(AGREEMENTS, "agreements", ERROR_SUBMIT_AGREEMENTS_UNAVAILABLE))
    elif consent_documents_unsigned(intake=intake):
        problems.append(SubmitProblem(AGREEMENTS, "agreements", ERROR_SUBMIT_CONSENTS))
    return problems


@transaction.atomic
def intake_submit(*, intake: Intake, actor: User | None, request: HttpRequest | None = None) -> Intake:
    """Send the intake to the practice. From then on the client can read it but not change it.

    Raises IntakeLockedError if already sent, IntakeSubmitError listing what is missing.
    After the commit, intake_submitted_hooks runs with the intake's id.
    """
    fresh = _locked_for_write(intake)
    problems = intake_submit_problems(intake=fresh)
    if problems:
        raise IntakeSubmitError(problems)
    fresh.status = Intake.Status.SUBMITTED
    fresh.submitted_at = timezone.now()
    fresh.save(update_fields=["status", "submitted_at", "updated_at"])
    # Some answers weigh more once they can no longer change (an ASQ "right now" question
    # left open is urgent in a sent intake), so triage runs again as it is sent.
    risk_evaluate(intake=fresh, actor=actor, request=request)
    intake.status, intake.submitted_at, intake.risk_level = fresh.status, fresh.submitted_at, fresh.risk_level
    _audit(
        intake=fresh,
        action=AuditEvent.Action.SUBMIT,
        object_type="intake",
        object_id=fresh.pk,
        detail="intake sent to the practice",
        request=request,
        actor=actor,
    )
    intake_id = fresh.pk
    transaction.on_commit(lambda: intake_submitted_hooks(intake_id))
    return fresh


def intake_submitted_hooks(intake_id: int) -> None:
    """Everything that follows a submitted intake, run once after the submit commits.

    The one place to add such work, as a queue function of intake.tasks that takes the id.
    Keep each idempotent: a retried task may run it twice.
    """
    summary_queue(intake_id)


@transaction.atomic
def consent_document_revise(
    *,
    kind: str,
    title: str,
    body: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> ConsentDocument:
    """Publish a new version of an agreement and make it the current one.

    Signed versions are never edited: clients who signed an earlier version are asked to
    sign the new one. Returns the current version unchanged if title and text are the same.
    """
    if kind not in ConsentDocument.Kind.values:
        raise ValueError(f"{kind!r} is not a consent document kind.")
    current = ConsentDocument.objects.select_for_update().filter(kind=kind, is_current=True).first()
    if current is not None and current.title == title and current.body == body:
        return current
    latest = ConsentDocument.objects.filter(kind=kind).aggregate(m=Max("version"))["m"] or 0
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current", "updated_at"])
    document = ConsentDocument.objects.create(
        kind=kind, version=latest + 1, title=title, body=body, is_current=True
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="consent_document",
        object_id=document.pk,
        detail=f"{kind} version {document.version} published",
        request=request,
    )
    return document
