"""The practice's agreements: the client signing the current version of one, and the admin
publishing a new version."""

import hashlib
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record, client_ip
from portal.models import AuditEvent, TherapistCredentials, User
from portal.selectors import practice_get

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
    consent_text_problems_now,
    disclosure_therapists,
)
from .steps import AGREEMENTS

ERROR_CONSENT_NOT_CURRENT = _(
    "This agreement has been updated since the page was opened. Please read the new version."
)


ERROR_CONSENT_NOT_AGREED = _("Please tick the box to show you agree.")


ERROR_CONSENT_NO_LEGAL_NAME = _('Please add your full legal name in "About you" first, so we can match it.')


ERROR_CONSENT_NAME_MISMATCH = _('Please type your full legal name exactly as you gave it in "About you".')


ERROR_CONSENT_ALREADY_SIGNED = _("You have already signed this agreement. Thank you.")


class ConsentDocumentIncomplete(Exception):
    """A text that cannot be made the version clients sign; `problems` says what is missing."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


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
    a new version is signed anew. Once the intake is sent, she may still sign the complete
    version of an agreement whose earlier version she signed was incomplete.
    """
    again = {d.pk for d, _why in consent_documents_to_sign_again(intake=intake)}
    fresh = intake_locked(intake) if document.pk in again else draft_locked(intake)
    refuse_if_under_age(fresh)
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
        text=text,
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    if fresh.is_editable:
        draft_touch(fresh, AGREEMENTS)
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
    return signature


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
    Refuses (ConsentDocumentIncomplete) a text with a placeholder or a detail the practice
    has left empty, so nobody is ever asked to sign an unfinished agreement.
    """
    if kind not in ConsentDocument.Kind.values:
        raise ValueError(f"{kind!r} is not a consent document kind.")
    if problems := consent_text_problems_now(body=body, practice=practice_get()):
        raise ConsentDocumentIncomplete(problems)
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


@dataclass(frozen=True)
class DisclosurePublished:
    document: ConsentDocument
    new_version: bool


@transaction.atomic
def disclosure_publish(*, actor: User | None, request: HttpRequest | None = None) -> DisclosurePublished:
    """Write the Colorado disclosure from every active therapist's credentials, and make it
    the current version if it reads differently from the one clients sign now.

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
class CredentialsSaved:
    credentials: TherapistCredentials
    published: DisclosurePublished | None
    # Why the disclosure could not be published yet (another therapist's part still empty).
    problems: list[str]


@transaction.atomic
def therapist_credentials_save(
    *, therapist: User, data: dict[str, str], actor: User | None, request: HttpRequest | None = None
) -> CredentialsSaved:
    """Save what the disclosure says of one therapist and publish the disclosure anew, so a
    therapist who joins, or whose details change, is in the version clients sign next.

    Her details are kept even when the disclosure cannot be published yet; `problems` then
    says what is still missing.
    """
    credentials, _created = TherapistCredentials.objects.update_or_create(
        user=therapist, defaults={field: data.get(field, "").strip() for field in CREDENTIAL_FIELDS}
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="therapist_credentials",
        object_id=credentials.pk,
        detail=f"credentials of therapist {therapist.pk}",
        request=request,
    )
    try:
        published = disclosure_publish(actor=actor, request=request)
    except ConsentDocumentIncomplete as incomplete:
        return CredentialsSaved(credentials=credentials, published=None, problems=incomplete.problems)
    return CredentialsSaved(credentials=credentials, published=published, problems=[])
