"""The PDF summary: downloads for clinical staff and for the client, and re-render requests.

The files live in private storage and have no URL of their own: these views are the only
way to them. Each download checks access (404 for a record the user may not see) and is
audited. A download never renders: if the stored copy no longer matches the intake, it asks
the worker for that copy and waits a few seconds for it, else says it is being prepared.
"""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from portal import access

from .access import intake_for_staff, intake_own_for_client
from .models import SummaryDocument
from .review_services import summary_rerender_request
from .summary_services import (
    summary_current_for_download,
    summary_download_record,
    summary_storage_problem,
    summary_wait,
)
from .tasks import summary_queue

# How long a download waits for the worker to finish its copy before saying it is coming.
DOWNLOAD_WAIT_SECONDS = 5

RERENDER_QUEUED = _("A fresh copy of the PDF summary is being prepared. Download it again in a minute.")
MSG_STORAGE_FULL = _(
    "The PDF can't be prepared just now: the portal's file storage is not taking new files. "
    "The practice admin is being told on every staff page. Your information is safe; please "
    "try again a little later."
)


MSG_BEING_PREPARED = _(
    "Your PDF is being prepared with the latest answers. It is usually ready within a minute: "
    "please try the download again shortly."
)


def _being_prepared(request: HttpRequest, back_url: str) -> HttpResponse:
    response = render(
        request,
        "intake/summary_not_ready.html",
        {"message": MSG_BEING_PREPARED, "back_url": back_url, "retry_url": request.get_full_path()},
        status=202,
    )
    response["Retry-After"] = "10"
    return response


def _download(request: HttpRequest, intake_id: int, audience: str, kind: str, back_url: str) -> HttpResponse:
    """The copy of `audience`, current and intact: from storage, or from the worker within a
    few seconds; else a page saying it is being prepared (or that storage is full)."""
    document, digest = summary_current_for_download(intake_id=intake_id, audience=audience)
    if document is None:
        if summary_storage_problem():
            return _not_storable(request, back_url)
        if summary_queue(intake_id, audiences=(audience,)):
            document = summary_wait(
                intake_id=intake_id, audience=audience, digest=digest, seconds=DOWNLOAD_WAIT_SECONDS
            )
        if document is None:
            return _being_prepared(request, back_url)
    summary_download_record(document=document, actor=request.user, request=request)
    return _attachment(document, _filename(document, kind))


def _not_storable(request: HttpRequest, back_url: str) -> HttpResponse:
    response = render(
        request,
        "intake/summary_not_ready.html",
        {"message": MSG_STORAGE_FULL, "back_url": back_url},
        status=503,
    )
    response["Retry-After"] = "300"
    return response


def _attachment(document: SummaryDocument, filename: str) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "no-store"
    response["Content-Length"] = str(document.size)
    return response


def _filename(document: SummaryDocument, kind: str) -> str:
    # No name in the file name: downloads folders and mail attachments are not private.
    return f"{kind}-{document.intake_id}-{document.rendered_at:%Y%m%d-%H%M}.pdf"


@require_safe
@access.clinical_staff_required
def staff_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    intake = intake_for_staff(user=request.user, pk=pk)
    back = reverse("intake:staff_detail", kwargs={"pk": intake.pk})
    return _download(request, intake.pk, SummaryDocument.Audience.STAFF, "intake-summary", back)


@require_POST
@access.clinical_staff_required
def staff_summary_rerender(request: HttpRequest, pk: int) -> HttpResponse:
    intake = intake_for_staff(user=request.user, pk=pk)
    summary_rerender_request(intake=intake, actor=request.user, request=request)
    messages.info(request, RERENDER_QUEUED)
    return redirect("intake:staff_detail", pk=intake.pk)


@require_safe
@access.client_required
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The client's own copy: her answers and scores, without the practice's notes."""
    intake = intake_own_for_client(user=request.user, pk=pk)
    return _download(
        request, intake.pk, SummaryDocument.Audience.CLIENT, "my-intake", reverse("intake:summary")
    )
