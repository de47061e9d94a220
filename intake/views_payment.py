"""Payment and referral pages: the card photos (streamed only from here, each view audited),
the front desk's benefits check, and the owner's report of where clients came from."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from portal import access
from portal.audit import audit_record
from portal.csv_export import csv_lines
from portal.models import AuditEvent, User
from portal.selectors import practice_get

from .access import card_image_for, intake_for_billing
from .forms_staff import BenefitsCheckForm, ReferralReportForm
from .models import InsuranceCardImage, Intake
from .payment_services import (
    CARD_IMAGE_ACCEPT,
    CardImageError,
    benefits_check_record,
    card_image_store,
    card_image_viewed,
)
from .selectors import BENEFITS_DRAFT_SESSION_KEY, referral_report

# The file inputs of the payment step, and the side of the card each one takes.
CARD_INPUTS = {"card_front": InsuranceCardImage.Side.FRONT, "card_back": InsuranceCardImage.Side.BACK}
BENEFITS_DRAFT_KEPT = 20_000
MSG_BENEFITS_RECORDED = _("The benefits check is recorded.")
# The client (her own photos) and every staff role; which photo each may open is card_image_for's rule.
member_required = access.role_required(User.Role.CLIENT, *access.STAFF_ROLES)


def card_uploads_save(request: HttpRequest, intake: Intake) -> dict[str, str]:
    """Keep each card photo sent with the payment step; input name -> why one was refused.
    A refused photo never costs the answers typed beside it: they are saved first."""
    errors: dict[str, str] = {}
    for name, side in CARD_INPUTS.items():
        upload = request.FILES.get(name)
        if upload is None or not upload.size:
            continue
        try:
            card_image_store(intake=intake, side=side, upload=upload, actor=request.user, request=request)
        except CardImageError as error:
            errors[name] = str(error.message)
    return errors


def payment_step_context(intake: Intake, card_errors: dict[str, str]) -> dict:
    """What the payment step shows besides its questions: the card photo inputs with any
    photo kept, and the sliding scale if the practice offers one."""
    kept = {image.side: image for image in InsuranceCardImage.objects.filter(intake_id=intake.pk)}
    return {
        "card_inputs": [
            {
                "name": name,
                "side": side,
                "label": side.label,
                "kept": kept.get(side),
                "error": card_errors.get(name, ""),
            }
            for name, side in CARD_INPUTS.items()
        ],
        "card_accept": CARD_IMAGE_ACCEPT,
        "practice": practice_get(),
    }


@require_safe
@member_required
def card_image(request: HttpRequest, pk: int) -> HttpResponse:
    image = card_image_for(user=request.user, pk=pk)
    try:
        handle = image.file.open("rb")
    except OSError:
        raise Http404 from None
    card_image_viewed(image=image, actor=request.user, request=request)
    response = FileResponse(handle, content_type=image.content_type)
    response["Cache-Control"] = "no-store"
    response["Content-Length"] = str(image.size)
    # No name: downloads folders are not private.
    response["Content-Disposition"] = f'inline; filename="card-{image.side}.jpg"'
    return response


def _back(request: HttpRequest, fallback: str) -> str:
    # A path on this site only: redirect() would read anything else as a view's name.
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
@access.scheduling_staff_required
def benefits_check(request: HttpRequest, pk: int) -> HttpResponse:
    intake = intake_for_billing(user=request.user, pk=pk)
    form = BenefitsCheckForm(request.POST)
    if form.is_valid():
        benefits_check_record(
            intake=intake, note=form.cleaned_data["note"], actor=request.user, request=request
        )
        messages.success(request, MSG_BENEFITS_RECORDED)
    else:
        # The desk's page shows the note again beside the field, with the reason, and nothing
        # typed is lost (up to a generous limit, so the session stays small).
        request.session[BENEFITS_DRAFT_SESSION_KEY] = {
            "intake": intake.pk,
            "note": request.POST.get("note", "")[:BENEFITS_DRAFT_KEPT],
            "error": str(form.errors["note"][0]),
        }
    return redirect(_back(request, "/"))


def _report_rows(report) -> list[list]:
    return [[label, *counts, sum(counts)] for label, counts in report.rows]


@require_safe
@access.practice_admin_required
def referral_report_page(request: HttpRequest) -> HttpResponse:
    form = ReferralReportForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
    report = referral_report(year=year)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="referral_report",
        object_id=year,
        detail="counts by referral source",
        request=request,
    )
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            csv_lines([["source", *report.months, "total"], *_report_rows(report)]), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="referral-sources-{year}.csv"'
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "intake/staff/referral_report.html",
        {"form": form, "year": year, "report": report, "rows": _report_rows(report)},
    )
