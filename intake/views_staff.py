"""The therapist review: the triage queue, one intake at a glance, and the actions on it.

Thin views: clinical_staff_required (the front desk gets 403), an access helper that answers
404 for an intake the user may not see, a form, a service, a redirect or a render. Every
page that shows clinical content records what was seen.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal import access

from .access import intake_for_staff, risk_flag_for_staff
from .display import NOT_ANSWERED
from .forms_staff import AcknowledgeForm, AssignForm, NoteForm, QueueFilterForm, StatusForm
from .models import Intake
from .review_selectors import review_detail, review_queue, review_queue_page, review_queue_rows
from .review_services import (
    TRANSITIONS,
    ReviewError,
    intake_assign,
    intake_status_change,
    internal_note_add,
    review_detail_viewed,
    review_queue_viewed,
    risk_flag_acknowledge,
)

QUEUE_PAGE_SIZE = 25


@require_safe
@access.clinical_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """Sent intakes, urgent and high first, then the longest waiting."""
    form = QueueFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    page = review_queue_page(
        review_queue(user=request.user, **filters),
        number=request.GET.get("page"),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=QUEUE_PAGE_SIZE,
    )
    page = page.showing(review_queue_rows(page.object_list))
    # One reverse() for the page, not one per row: the rows' links differ only by the id.
    marker = "999999999"
    detail_url = reverse("intake:staff_detail", kwargs={"pk": int(marker)})
    for row in page.object_list:
        row.detail_url = detail_url.replace(marker, str(row.pk))
    review_queue_viewed(actor=request.user, intakes=page.object_list, request=request)
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return render(
        request,
        "intake/staff/queue.html",
        {"form": form, "page": page, "filtered": any(filters.values()), "query": query.urlencode()},
    )


def _render_detail(request: HttpRequest, intake: Intake, *, status: int = 200, **bound) -> HttpResponse:
    """The detail page (recording the view), with any bound form that failed validation."""
    detail = review_detail(intake=intake)
    review_detail_viewed(actor=request.user, intake=intake, note_count=len(detail.notes), request=request)
    # Each form is built once, and only where the page shows it: an acknowledge form for a
    # flag still open, the decision form while a move is allowed from this status.
    bound_ack = bound.get("ack_form")
    flags = []
    for view in detail.flags:
        ack_form = None
        if view.flag.acknowledged_at is None:
            prefix = f"ack{view.flag.pk}"
            ack_form = bound_ack if bound_ack is not None and bound_ack.prefix == prefix else None
            ack_form = ack_form or AcknowledgeForm(prefix=prefix)
        flags.append((view, ack_form))
    status_form = bound.get("status_form")
    if status_form is None and TRANSITIONS.get(intake.status):
        status_form = StatusForm(current=intake.status)
    context = {
        "intake": intake,
        "detail": detail,
        "flags": flags,
        "assign_form": bound.get("assign_form") or AssignForm(),
        "status_form": status_form,
        "note_form": bound.get("note_form") or NoteForm(),
        "pdf_url": reverse("intake:staff_summary_pdf", kwargs={"pk": intake.pk}),
        "pdf_rerender_url": reverse("intake:staff_summary_rerender", kwargs={"pk": intake.pk}),
        "not_answered": str(NOT_ANSWERED),
    }
    return render(request, "intake/staff/detail.html", context, status=status)


@require_safe
@access.clinical_staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One intake, every section at a glance, in the order of the PDF summary."""
    return _render_detail(request, intake_for_staff(user=request.user, pk=pk))


def _add_errors(form, error: ReviewError) -> None:
    if not error.errors:
        form.add_error(None, str(error.message))
    for name, message in error.errors.items():
        form.add_error(name if name in form.fields else None, str(message))


def _back(intake: Intake, anchor: str = "") -> HttpResponse:
    return redirect(reverse("intake:staff_detail", kwargs={"pk": intake.pk}) + anchor)


@require_POST
@access.clinical_staff_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    intake = intake_for_staff(user=request.user, pk=pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            assigned = intake_assign(
                intake=intake, therapist=form.cleaned_data["therapist"], actor=request.user, request=request
            )
        except ReviewError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Assigned to %(name)s.") % {"name": assigned.assigned_therapist})
            return _back(intake)
    return _render_detail(request, intake, status=400, assign_form=form)


@require_POST
@access.clinical_staff_required
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    intake = intake_for_staff(user=request.user, pk=pk)
    form = StatusForm(request.POST, current=intake.status)
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = intake_status_change(
                intake=intake,
                status=data["status"],
                actor=request.user,
                note=data["note"],
                resources=data["resources"],
                request=request,
            )
        except ReviewError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Status is now: %(status)s.") % {"status": changed.get_status_display()}
            )
            return _back(intake)
    return _render_detail(request, intake, status=400, status_form=form)


@require_POST
@access.clinical_staff_required
def acknowledge_flag(request: HttpRequest, pk: int) -> HttpResponse:
    flag = risk_flag_for_staff(user=request.user, pk=pk)
    form = AcknowledgeForm(request.POST, prefix=f"ack{flag.pk}")
    if form.is_valid():
        try:
            done = risk_flag_acknowledge(
                flag=flag,
                actor=request.user,
                follow_up=form.cleaned_data["follow_up"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ReviewError as error:
            _add_errors(form, error)
        else:
            if done.by_someone_else:
                by = done.flag.acknowledged_by
                when = time_format(timezone.localtime(done.flag.acknowledged_at), "g:i A")
                if by == request.user:
                    text = _(
                        "You had already acknowledged this flag at %(when)s, in another tab. What "
                        "you wrote here is kept with the intake's notes, with what was done."
                    ) % {"when": when}
                else:
                    text = _(
                        "%(who)s acknowledged this flag at %(when)s, a moment before you. Your note "
                        "and what you did are kept with the intake's notes."
                    ) % {"who": by.get_full_name() if by else _("Another therapist"), "when": when}
                messages.info(request, text)
                return _back(flag.intake, "#notes")
            messages.success(request, _("Flag acknowledged."))
            return _back(flag.intake, "#safety")
    intake = intake_for_staff(user=request.user, pk=flag.intake_id)
    return _render_detail(request, intake, status=400, ack_form=form)


@require_POST
@access.clinical_staff_required
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    intake = intake_for_staff(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            internal_note_add(
                intake=intake, author=request.user, body=form.cleaned_data["body"], request=request
            )
        except ReviewError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Note added."))
            return _back(intake, "#notes")
    return _render_detail(request, intake, status=400, note_form=form)
