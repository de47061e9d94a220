"""The practice's agreements: the client signing the current version of one, and the admin
publishing a new version."""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record, client_ip
from portal.models import AuditEvent, TherapistCredentials, User
from portal.selectors import practice_get

from .consent_rules import consent_details_used, consent_text_problems, name_has_letters, name_signs_for
from .disclosure import CREDENTIAL_FIELDS, disclosure_body, disclosure_problems
from .disclosure import TITLE as DISCLOSURE_TITLE
from .draft_services import (
    IntakeValidationError,
    draft_locked,
    draft_touch,
    intake_locked,
    refuse_if_under_age,
    request_actor,
)
from .models import ConsentDocument, ConsentSignature, Intake
from .selectors import (
    consent_document_text,
    consent_documents_to_sign_again,
    consent_fill_values,
    disclosure_therapists,
)
from .steps import AGREEMENTS

ERROR_CONSENT_NOT_CURRENT = _(
    "This agreement has been updated since the page was opened. Please read the new version."
)


ERROR_CONSENT_NOT_READ = _("Please tick each agreement to show you have read it.")


ERROR_CONSENT_NO_LEGAL_NAME = _('Please add your full legal name in "About you" first, so we can match it.')


ERROR_CONSENT_NAME_MISMATCH = _("Please type your full name as you gave it: %(name)s")


ERROR_CONSENT_ALREADY_SIGNED = _("You have already signed this agreement. Thank you.")


class ConsentDocumentIncomplete(Exception):
    """A text that cannot be made the version clients sign; `problems` says what is missing."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@transaction.atomic
def consent_sign_set(
    *,
    intake: Intake,
    documents: list[ConsentDocument],
    read: set[int],
    typed_name: str,
    request: HttpRequest | None = None,
) -> list[ConsentSignature]:
    """Record the client's one signature of these exact versions of the agreements she read.

    Each document must be ticked as read (`read` holds their ids) and the typed name must be
    one she would reasonably type for herself (consent_rules.name_signs_for). Every signature
    keeps its version, the exact text shown and its SHA-256, the time, IP address and browser,
    and is never changed: signing the same version again is refused, and a new version is
    signed anew. Once the intake is sent, she may still sign the complete version of an
    agreement whose earlier version she signed was incomplete.
    """
    again = {d.pk for d, _why in consent_documents_to_sign_again(intake=intake)}
    order = [d.pk for d in documents]
    fresh = intake_locked(intake) if order and set(order) <= again else draft_locked(intake)
    refuse_if_under_age(fresh)
    locked = list(ConsentDocument.objects.select_for_update().filter(pk__in=order).order_by("pk"))
    if not locked or len(locked) != len(set(order)) or not all(d.is_current for d in locked):
        raise IntakeValidationError(ERROR_CONSENT_NOT_CURRENT, {"document": ERROR_CONSENT_NOT_CURRENT})
    if ConsentSignature.objects.filter(intake=fresh, document__in=locked).exists():
        raise IntakeValidationError(ERROR_CONSENT_ALREADY_SIGNED, {"document": ERROR_CONSENT_ALREADY_SIGNED})
    errors: dict[str, str] = {}
    if any(d.pk not in read for d in locked):
        errors["read"] = ERROR_CONSENT_NOT_READ
    if not name_has_letters(fresh.legal_name):
        errors["typed_name"] = ERROR_CONSENT_NO_LEGAL_NAME
    elif not name_signs_for(typed_name, legal_name=fresh.legal_name, preferred_name=fresh.preferred_name):
        errors["typed_name"] = ERROR_CONSENT_NAME_MISMATCH % {"name": fresh.legal_name}
    if errors:
        raise IntakeValidationError(next(iter(errors.values())), errors)
    practice = practice_get()
    meta = request.META if request is not None else {}
    signatures = []
    for document in sorted(locked, key=lambda d: order.index(d.pk)):
        text = consent_document_text(document=document, practice=practice)
        signature = ConsentSignature.objects.create(
            intake=fresh,
            document=document,
            document_version=document.version,
            typed_name=typed_name.strip(),
            agreed=True,
            signed_at=timezone.now(),
            ip_address=client_ip(request),
            user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
            text=text,
            text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )
        audit_record(
            client=fresh.client,
            action=AuditEvent.Action.SIGN,
            object_type="consent_signature",
            object_id=signature.pk,
            detail=f"signed {document.kind} version {document.version}"
            + (" again (the version signed before was incomplete)" if document.pk in again else ""),
            request=request,
            actor=request_actor(request, fresh.client),
        )
        signatures.append(signature)
    if fresh.is_editable:
        draft_touch(fresh, AGREEMENTS)
    return signatures


def consent_sign(
    *,
    intake: Intake,
    document: ConsentDocument,
    typed_name: str,
    agreed: bool,
    request: HttpRequest | None = None,
) -> ConsentSignature:
    """consent_sign_set for one agreement (`agreed`: she ticked that she read it)."""
    read = {document.pk} if agreed else set()
    signed = consent_sign_set(
        intake=intake, documents=[document], read=read, typed_name=typed_name, request=request
    )
    return signed[0]


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
    sign the new one. The version keeps the practice's details it names as they are now, so
    it reads the same while it is current. Returns the current version unchanged if its
    title, text and those details are the same. Refuses (ConsentDocumentIncomplete) a text
    with a placeholder or a detail the practice has left empty, so nobody is ever asked to
    sign an unfinished agreement.
    """
    if kind not in ConsentDocument.Kind.values:
        raise ValueError(f"{kind!r} is not a consent document kind.")
    values = consent_fill_values(practice=practice_get())
    if problems := consent_text_problems(body, values):
        raise ConsentDocumentIncomplete(problems)
    details = consent_details_used(body, values)
    current = ConsentDocument.objects.select_for_update().filter(kind=kind, is_current=True).first()
    if current is not None and (current.title, current.body) == (title, body):
        if current.details == details:
            return current
        if not current.details and not current.signatures.exists():
            # Published before the practice's details were filled in and signed by nobody:
            # it keeps what it reads now rather than becoming a new version.
            current.details = details
            current.save(update_fields=["details", "updated_at"])
            return current
    latest = ConsentDocument.objects.filter(kind=kind).aggregate(m=Max("version"))["m"] or 0
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current", "updated_at"])
    document = ConsentDocument.objects.create(
        kind=kind, version=latest + 1, title=title, body=body, details=details, is_current=True
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


@dataclass(frozen=True)
class DisclosurePublished:
    document: ConsentDocument
    new_version: bool


@transaction.atomic
def disclosure_publish(*, actor: User | None, request: HttpRequest | None = None) -> DisclosurePublished:
    """Write the Colorado disclosure from the credentials of every therapist a new client may
    meet, and make it the current version if it reads differently from the one clients sign now.

    Refuses (ConsentDocumentIncomplete, naming each missing part) while any therapist's
    required part is empty. Earlier versions, and the signatures of them, stay as they were.
    """
    therapists = disclosure_therapists()
    if problems := disclosure_problems(therapists):
        raise ConsentDocumentIncomplete(problems)
    kind = ConsentDocument.Kind.CO_MANDATORY_DISCLOSURE
    before = ConsentDocument.objects.filter(kind=kind, is_current=True).values_list("pk", flat=True).first()
    document = consent_document_revise(
        kind=kind, title=DISCLOSURE_TITLE, body=disclosure_body(therapists), actor=actor, request=request
    )
    return DisclosurePublished(document=document, new_version=document.pk != before)


@dataclass(frozen=True)
class Republished:
    # The versions made now, each because what it is written from changed.
    published: list[ConsentDocument]
    # Why an agreement still reads as before (a therapist's part or a practice detail empty).
    problems: list[str]


@transaction.atomic
def consent_documents_republish(*, actor: User | None, request: HttpRequest | None = None) -> Republished:
    """Make every agreement read as the practice and its therapists are now: the one service
    called after a therapist joins, leaves, changes her credentials or stops taking new
    clients, and after the practice's details or settings change.

    The disclosure is written again from the therapists; any agreement naming a practice
    detail that changed (its notice, its fee, its address) is published as a new version with
    the same text. Earlier versions and their signatures stay tied to the text they signed.
    """
    published, problems = [], []
    try:
        disclosure = disclosure_publish(actor=actor, request=request)
    except ConsentDocumentIncomplete as incomplete:
        problems.extend(incomplete.problems)
    else:
        if disclosure.new_version:
            published.append(disclosure.document)
    values = consent_fill_values(practice=practice_get())
    for document in ConsentDocument.objects.select_for_update().filter(is_current=True).order_by("pk"):
        if document.details == consent_details_used(document.body, values):
            continue
        try:
            published.append(
                consent_document_revise(
                    kind=document.kind, title=document.title, body=document.body, actor=actor, request=request
                )
            )
        except ConsentDocumentIncomplete as incomplete:
            problems.extend(f"{document.title}: {problem}" for problem in incomplete.problems)
    return Republished(published=published, problems=problems)


def consent_documents_republish_problems(
    *, actor: User | None, request: HttpRequest | None = None
) -> list[str]:
    """consent_documents_republish as the portal asks it after the practice or its staff
    change (portal.practice_changes): what could not be published."""
    return consent_documents_republish(actor=actor, request=request).problems


@dataclass(frozen=True)
class CredentialsSaved:
    credentials: TherapistCredentials
    # The agreements published anew, and why any could not be.
    republished: Republished


@transaction.atomic
def therapist_credentials_save(
    *,
    therapist: User,
    data: dict[str, str],
    taking_new_clients: bool = True,
    actor: User | None,
    request: HttpRequest | None = None,
) -> CredentialsSaved:
    """Save what the disclosure says of one therapist and whether she takes new clients,
    then publish the agreements anew, so a therapist who joins, whose details change or who
    stops taking new clients is listed (or not) in the version clients sign next.

    Her details are kept even when the disclosure cannot be published yet; the result's
    `republished.problems` then says what is still missing.
    """
    defaults = {field: data.get(field, "").strip() for field in CREDENTIAL_FIELDS}
    if "npi" in data:  # billing, not the disclosure: kept as it was unless given
        defaults["npi"] = data["npi"].strip()
    credentials, _created = TherapistCredentials.objects.update_or_create(
        user=therapist, defaults={**defaults, "taking_new_clients": taking_new_clients}
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="therapist_credentials",
        object_id=credentials.pk,
        detail=f"credentials of therapist {therapist.pk}"
        + ("" if taking_new_clients else ", not taking new clients"),
        request=request,
    )
    return CredentialsSaved(
        credentials=credentials, republished=consent_documents_republish(actor=actor, request=request)
    )
