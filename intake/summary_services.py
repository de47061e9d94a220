"""The PDF summary of an intake: render, store privately, keep current, record downloads.

A document is never missing and never stale for long (the queueing is intake.tasks'):
- submitting queues a render once the transaction commits (intake_submitted_hooks);
- a broker outage at that moment is logged, never shown to the client, and a periodic
  sweeper (tasks.summaries_missing_requeue) queues every intake summaries_missing lists;
- acknowledging a flag or writing a staff note calls tasks.summary_refresh;
- a download renders on the spot if the stored copy no longer matches the intake.
Rendering is idempotent: a current document whose digest still matches is kept as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from portal.audit import audit_record
from portal.models import AuditEvent, User
from portal.pdf import render_pdf
from portal.storage import storage_problem

from .display import format_datetime
from .models import Intake, SummaryDocument
from .summary import TEMPLATE_NAME, TEMPLATE_VERSION, intake_summary_context, summary_digest

logger = logging.getLogger(__name__)
Problem = Intake.SummaryProblem


class SummaryStorageError(Exception):
    """The private storage would not take the file (full, read-only, no permission).
    Retried a few times with a growing wait, then left for the sweeper, which tries again
    by itself once the storage takes files."""


Audience = SummaryDocument.Audience
AUDIENCES = (Audience.STAFF, Audience.CLIENT)
# A submitted intake still without a current document this long after submitting is queued
# again by the sweeper (the first task had time to run; the broker was probably down).
SWEEP_AFTER = dt.timedelta(minutes=3)
SWEEP_BATCH = 200


# --- Selectors


def summary_document_current(*, intake_id: int, audience: str) -> SummaryDocument | None:
    return SummaryDocument.objects.filter(intake_id=intake_id, audience=audience, is_current=True).first()


def _file_sha256(document: SummaryDocument) -> str | None:
    storage = document.file.storage
    if not document.file.name or not storage.exists(document.file.name):
        return None
    digest = hashlib.sha256()
    with storage.open(document.file.name, "rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _still_right(document: SummaryDocument | None, digest: str, requested_after: dt.datetime | None) -> bool:
    """Whether the current document shows exactly this content, intact, recently enough."""
    if document is None:
        return False
    if document.source_digest != digest or document.template_version != TEMPLATE_VERSION:
        return False
    if requested_after is not None and document.rendered_at < requested_after:
        return False
    stored = _file_sha256(document)
    if stored != document.sha256:
        logger.error("Summary document %s is missing or altered on disk; rendering again", document.pk)
        return False
    return True


def summaries_missing(*, older_than: dt.timedelta = SWEEP_AFTER, limit: int = SWEEP_BATCH) -> list[int]:
    """Submitted intakes still without a current document of each audience some minutes
    after they were sent, oldest first: what the sweeper queues again."""
    cutoff = timezone.now() - older_than

    def current(audience: str) -> Exists:
        return Exists(
            SummaryDocument.objects.filter(intake=OuterRef("pk"), audience=audience, is_current=True)
        )

    # An intake whose render failed for a reason that needs a person (too slow, an error)
    # waits for "Prepare a fresh copy"; one that failed for storage is tried again by itself
    # as soon as the storage takes files, and not before (each try would render for nothing).
    waiting = [Problem.TIME_LIMIT, Problem.ERROR]
    if storage_problem(SummaryDocument._meta.get_field("file").storage):
        waiting.append(Problem.STORAGE)
    return list(
        Intake.objects.exclude(status=Intake.Status.DRAFT)
        .exclude(summary_problem__in=waiting)
        .filter(submitted_at__lte=cutoff)
        .filter(~current(Audience.STAFF) | ~current(Audience.CLIENT))
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- Services


def summary_render(
    *, intake_id: int, audience: str = Audience.STAFF, requested_after: dt.datetime | None = None
) -> SummaryDocument:
    """Return the current PDF summary of an intake for one audience, rendering it if needed.

    Idempotent: if the current document's digest matches what the intake says now (and it
    was rendered after `requested_after`, for an explicit re-render), it is returned as it
    is. Otherwise the PDF is rendered with WeasyPrint (static files only), stored in private
    storage with its SHA-256 and size, and made current; the previous one is kept.
    """
    audience = Audience(audience)
    intake = Intake.objects.select_related("client", "assigned_therapist").get(pk=intake_id)
    context = intake_summary_context(intake=intake, audience=audience)
    digest = summary_digest(context)
    current = summary_document_current(intake_id=intake_id, audience=audience)
    if _still_right(current, digest, requested_after):
        return current
    # Ask the storage before the work: a render that cannot be stored is wasted.
    storage = SummaryDocument._meta.get_field("file").storage
    if problem := storage_problem(storage):
        raise SummaryStorageError(problem)

    rendered_at = timezone.now()
    html = render_to_string(TEMPLATE_NAME, {**context, "generated_at": format_datetime(rendered_at)})
    pdf = render_pdf(html)
    sha256 = hashlib.sha256(pdf).hexdigest()
    document = SummaryDocument(
        intake=intake,
        audience=audience,
        sha256=sha256,
        size=len(pdf),
        template_version=TEMPLATE_VERSION,
        source_digest=digest,
        is_current=True,
        rendered_at=rendered_at,
    )
    # No client name in the file name: it is PHI, and file names end up in logs and backups.
    name = f"intake-{intake.pk}-{audience}-{sha256[:16]}.pdf"
    try:
        document.file.save(name, ContentFile(pdf), save=False)
    except OSError as error:
        # A full disk leaves a partial file behind: remove it, so retries do not pile them up.
        _partial_remove(storage, document.file.field.generate_filename(document, name))
        raise SummaryStorageError(f"{type(error).__name__}: {error.strerror or error}") from error
    try:
        with transaction.atomic():
            # One render at a time per intake: a concurrent task waits here, then finds ours.
            Intake.objects.select_for_update().filter(pk=intake_id).first()
            current = summary_document_current(intake_id=intake_id, audience=audience)
            if _still_right(current, digest, requested_after):
                # Another render got here first. Unless it is this very file: a current
                # document whose file had gone missing, rendered again to the same bytes
                # and so the same name, is whole again now; deleting "ours" would delete it.
                if current.file.name != document.file.name:
                    document.file.delete(save=False)
                return current
            if current is not None:
                current.is_current = False
                current.save(update_fields=["is_current"])
                superseded_id = current.pk
                # After commit: a rollback must leave the older copy, and its file, current.
                transaction.on_commit(lambda: summary_superseded_remove(document_id=superseded_id))
            document.save()
            if intake.summary_problem:
                Intake.objects.filter(pk=intake_id).update(
                    summary_problem=Problem.NONE, summary_problem_at=None
                )
            audit_record(
                actor=None,
                action=AuditEvent.Action.CREATE,
                object_type="summary_document",
                object_id=document.pk,
                client=intake.client,
                detail=f"{audience} PDF summary rendered (template {TEMPLATE_VERSION}, {len(pdf)} bytes)",
            )
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def summary_superseded_remove(*, document_id: int) -> bool:
    """Remove the file of a summary a newer copy has replaced, keeping its row and audit rows.

    An old copy holds every answer as it was; once a newer one is stored nobody can reach it
    from the portal, so keeping it would only widen what a stolen disk or backup reveals.
    Returns whether a file was removed. A failure (the storage is down) is logged and left
    for `documents_verify --repair`, which removes whatever superseded files remain.
    """
    document = (
        SummaryDocument.objects.select_related("intake__client")
        .filter(pk=document_id, is_current=False, file_removed_at__isnull=True)
        .first()
    )
    if document is None:
        return False
    name = document.file.name
    # The same bytes rendered again have the same name: that file is the current copy's now.
    if SummaryDocument.objects.filter(file=name, is_current=True).exists():
        return False
    try:
        document.file.storage.delete(name)
    except OSError:
        logger.warning(
            "Could not remove the superseded PDF %s; documents_verify --repair will", name, exc_info=True
        )
        return False
    with transaction.atomic():
        removed = SummaryDocument.objects.filter(pk=document_id, file_removed_at__isnull=True).update(
            file_removed_at=timezone.now()
        )
        if removed:
            audit_record(
                actor=None,
                action=AuditEvent.Action.UPDATE,
                object_type="summary_document",
                object_id=document_id,
                client=document.intake.client,
                detail=f"{document.audience} PDF summary replaced by a newer copy: its file removed",
            )
    return bool(removed)


def _partial_remove(storage, name: str) -> None:
    if SummaryDocument.objects.filter(file=name).exists():
        return
    try:
        if storage.exists(name):
            storage.delete(name)
    except OSError:
        logger.warning("Could not remove the partial file %s", name, exc_info=True)


def summary_problem_record(*, intake_id: int, problem: str, detail: str = "") -> bool:
    """Record, visibly to staff, why an intake's PDF summary could not be made, and log it
    as an error the first time. Returns whether it was newly recorded."""
    with transaction.atomic():
        intake = Intake.objects.select_for_update().select_related("client").filter(pk=intake_id).first()
        if intake is None or intake.summary_problem == problem:
            return False
        intake.summary_problem, intake.summary_problem_at = problem, timezone.now()
        intake.save(update_fields=["summary_problem", "summary_problem_at", "updated_at"])
        audit_record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            object_type="summary_document",
            object_id=intake_id,
            client=intake.client,
            detail=f"PDF summary could not be made: {problem}",
        )
    logger.error("The PDF summary of intake %s could not be made (%s): %s", intake_id, problem, detail)
    return True


def summaries_render(
    *, intake_id: int, requested_after: dt.datetime | None = None, audiences: tuple[str, ...] = AUDIENCES
) -> list[SummaryDocument]:
    """Make the copies of `audiences` (both, practice first, unless told) current. What the
    Celery task runs."""
    return [
        summary_render(intake_id=intake_id, audience=audience, requested_after=requested_after)
        for audience in audiences
    ]


def summary_current_for_download(*, intake_id: int, audience: str) -> tuple[SummaryDocument | None, str]:
    """The copy a download may hand out as it is (current, intact, showing the intake as it
    is now), or None; and the digest of what the intake shows now, to wait for. Renders
    nothing: a download that finds no such copy asks the worker for one."""
    intake = Intake.objects.select_related("client", "assigned_therapist").get(pk=intake_id)
    digest = summary_digest(intake_summary_context(intake=intake, audience=Audience(audience)))
    current = summary_document_current(intake_id=intake_id, audience=audience)
    return (current if _still_right(current, digest, None) else None), digest


def summary_rendered_since(*, intake_id: int, audience: str, digest: str) -> SummaryDocument | None:
    """The current copy if it now shows `digest` (the worker has finished), else None."""
    return SummaryDocument.objects.filter(
        intake_id=intake_id,
        audience=audience,
        is_current=True,
        source_digest=digest,
        template_version=TEMPLATE_VERSION,
    ).first()


def summary_wait(*, intake_id: int, audience: str, digest: str, seconds: float) -> SummaryDocument | None:
    """summary_rendered_since, asked again every tenth of a second for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        document = summary_rendered_since(intake_id=intake_id, audience=audience, digest=digest)
        if document is not None or time.monotonic() >= deadline:
            return document
        time.sleep(0.1)


def summary_storage_problem() -> str | None:
    """Why the private storage cannot take a new PDF now, or None."""
    return storage_problem(SummaryDocument._meta.get_field("file").storage)


def summary_download_record(
    *, document: SummaryDocument, actor: User, request: HttpRequest | None = None
) -> None:
    """Audit one download of a summary (who, which client, which exact file)."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DOWNLOAD,
        object_type="summary_document",
        object_id=document.pk,
        client=document.intake.client,
        detail=f"{document.audience} PDF summary downloaded (sha256 {document.sha256[:16]})",
        request=request,
    )


@dataclass(frozen=True)
class DocumentProblem:
    document_id: int
    intake_id: int
    audience: str
    name: str
    kind: str  # "missing" or "altered"
    current: bool  # False: an older copy, replaced since (history; nothing to repair)


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    intact: int
    problems: list[DocumentProblem]
    repaired: int
    superseded_removed: int = 0


def summary_documents_verify(*, repair: bool = False) -> VerifyReport:
    """Check every stored summary's file against its recorded SHA-256. With `repair`, the
    current documents that fail are rendered again (older ones are history: reported only),
    and the files of replaced copies that are still stored are removed."""
    problems, intact, repaired, superseded_removed = [], 0, 0, 0
    if repair:
        leftovers = SummaryDocument.objects.filter(is_current=False, file_removed_at__isnull=True)
        for document_id in leftovers.values_list("pk", flat=True).iterator():
            superseded_removed += summary_superseded_remove(document_id=document_id)
    documents = (
        SummaryDocument.objects.filter(file_removed_at__isnull=True)
        .order_by("pk")
        .only("pk", "file", "sha256", "intake_id", "audience", "is_current")
    )
    for document in documents.iterator():
        stored = _file_sha256(document)
        if stored == document.sha256:
            intact += 1
            continue
        problems.append(
            DocumentProblem(
                document_id=document.pk,
                intake_id=document.intake_id,
                audience=document.audience,
                name=document.file.name,
                kind="missing" if stored is None else "altered",
                current=document.is_current,
            )
        )
        if repair and document.is_current:
            summary_render(intake_id=document.intake_id, audience=document.audience)
            repaired += 1
    return VerifyReport(
        checked=intact + len(problems),
        intact=intact,
        problems=problems,
        repaired=repaired,
        superseded_removed=superseded_removed,
    )
