"""Scheduling pages for staff: the front desk's queue of requests, a request's page (book or
decline), an appointment's page (move or cancel), and the calendar every staff member sees.

Thin: decorator, access helper, form, service, redirect or render. Every refusal a person can
cause is a message on the page, never a server error.
"""

from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from intake.selectors import (
    BENEFITS_DRAFT_SESSION_KEY,
    intake_contact_for_front_desk,
    intake_contacts_for_front_desk,
    intake_facts_for_front_desk,
)
from portal import access
from portal.selectors import practice_get

from . import appointment_services, errors, request_services, selectors
from .access import appointment_for_scheduling, request_for_scheduling
from .forms import (
    BookConfirmForm,
    BookForm,
    CalendarForm,
    DeclineForm,
    RescheduleConfirmForm,
    RescheduleForm,
    StaffCancelForm,
)
from .models import Appointment, AppointmentRequest, Modality
from .slots import practice_time_label, to_practice_time, windows_describe
from .views_estimates import billing_context

SLOT_TAKEN_STATUS = 409
WINDOWS_UNREADABLE = gettext_lazy("The times this client chose could not be read, so any time is shown.")


@require_safe
@access.scheduling_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """Open requests, urgent and high priority first, then oldest first; then the clients a
    therapist accepted who have not asked for a time yet (the front desk reaches out); each
    list a page at a time."""
    page = selectors.request_queue_page(page_number=request.GET.get("page"))
    rows = page.object_list
    contacts = intake_contacts_for_front_desk(clients=[r.client for r in rows])
    practice = practice_get()
    items = [
        (
            r,
            contacts[r.client_id],
            selectors.request_booking_gate(
                appointment_request=r, intake_accepted=contacts[r.client_id]["accepted"], practice=practice
            ),
        )
        for r in rows
    ]
    ready_page, ready = selectors.ready_to_schedule_page(page_number=request.GET.get("ready_page"))
    request_services.desk_queue_viewed(
        actor=request.user,
        requests=rows,
        ready_client_ids=[row["client_id"] for row in ready],
        request=request,
    )
    return render(
        request,
        "scheduling/queue.html",
        {"items": items, "page": page, "ready": ready, "ready_page": ready_page},
    )


def _request_page(
    request: HttpRequest,
    appointment_request: AppointmentRequest,
    *,
    book_form=None,
    decline_form=None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    # The intake row and the therapists are read once for the whole page: the contact card,
    # the priority and the billing panel share one, both forms' drop-downs the other.
    facts = intake_facts_for_front_desk(client=appointment_request.client)
    therapists = list(selectors.therapists_active())
    gate = selectors.request_booking_gate(
        appointment_request=appointment_request, intake_accepted=facts.contact["accepted"]
    )
    is_open = appointment_request.status == AppointmentRequest.Status.OPEN
    offered = selectors.slots_for_desk(appointment_request) if is_open and gate.bookable else None
    initial_modality = (
        appointment_request.modality
        if appointment_request.modality in Modality.values
        else Modality.IN_PERSON
    )
    return render(
        request,
        "scheduling/request_detail.html",
        {
            "req": appointment_request,
            "priority": selectors.request_priority(
                appointment_request=appointment_request, priority_now=facts.priority
            ),
            "contact": facts.contact,
            "gate": gate,
            "windows": windows_describe(appointment_request.windows),
            "offered": offered,
            "suggestions": selectors.desk_suggestion_rows(offered.suggestions if offered else []),
            "book_url": reverse("scheduling:request_book", args=[appointment_request.pk]),
            "windows_error": "" if offered is None or offered.windows_readable else WINDOWS_UNREADABLE,
            "book_form": book_form
            or BookForm(
                therapists=therapists,
                initial={
                    "therapist": appointment_request.preferred_therapist_id,
                    "modality": initial_modality,
                    "day": max(appointment_request.earliest_date, timezone.localdate()),
                },
            ),
            "decline_form": decline_form or DeclineForm(),
            "error": error,
            "is_open": is_open,
            # A benefits-check note refused by the intake's view, to show again with its reason.
            "benefits_draft": request.session.pop(BENEFITS_DRAFT_SESSION_KEY, None),
            **billing_context(
                client=appointment_request.client,
                therapist=appointment_request.preferred_therapist,
                facts=facts,
                therapists=therapists,
            ),
        },
        status=status,
    )


def _confirm_page(
    request: HttpRequest, *, form, client, duration: timedelta, action: str, back: str
) -> HttpResponse:
    """The summary shown before anything is sent: who, with whom, when (Denver), how, and
    what is outside the usual rules, with the reason to give for booking it anyway."""
    data = form.cleaned_data
    therapist, start, modality = data["therapist"], data["start"], data["modality"]
    end = start + duration
    concerns = selectors.booking_concerns(therapist=therapist, start=start, end=end, modality=modality)
    return render(
        request,
        "scheduling/booking_confirm.html",
        {
            "form": form,
            "contact": intake_contact_for_front_desk(client=client),
            "therapist": therapist,
            "local_start": to_practice_time(start),
            "local_end": to_practice_time(end),
            "modality": modality,
            "concerns": concerns,
            "action": action,
            "back": back,
            "hidden": {
                "therapist": therapist.pk,
                "day": data["day"].isoformat(),
                "start_time": data["start_time"].strftime("%H:%M"),
                "modality": modality,
                **({"reason": data["reason"]} if "reason" in data else {}),
                **({"session_type": data["session_type"].pk} if data.get("session_type") else {}),
            },
        },
    )


@require_safe
@access.scheduling_staff_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment_request = request_for_scheduling(pk=pk)
    request_services.appointment_request_viewed(
        actor=request.user, appointment_request=appointment_request, request=request
    )
    return _request_page(request, appointment_request)


@require_POST
@access.scheduling_staff_required
def request_book(request: HttpRequest, pk: int) -> HttpResponse:
    """Book a suggested time or one the front desk typed in: first a summary to confirm (with
    any guardrail the time breaks and the reason to override it), then the booking."""
    appointment_request = request_for_scheduling(pk=pk)
    confirming = request.POST.get("confirmed") == "True"
    form_class = BookConfirmForm if confirming else BookForm
    form = form_class(request.POST, therapists=selectors.therapists_active())
    if not form.is_valid():
        return _request_page(
            request,
            appointment_request,
            book_form=BookForm(request.POST, therapists=selectors.therapists_active()),
        )
    confirm = partial(
        _confirm_page,
        request,
        client=appointment_request.client,
        duration=timedelta(minutes=appointment_request.session_type.duration_minutes),
        action=reverse("scheduling:request_book", args=[pk]),
        back=reverse("scheduling:request_detail", args=[pk]),
    )
    if not confirming:
        try:
            appointment_services.refuse_past(form.cleaned_data["start"])
        except errors.SchedulingError as error:
            return _request_page(request, appointment_request, error=error.message)
        return confirm(form=form)
    data = form.cleaned_data
    try:
        appointment = request_services.appointment_request_book(
            appointment_request=appointment_request,
            therapist=data["therapist"],
            start=data["start"],
            modality=data["modality"],
            override_reason=data["override_reason"],
            actor=request.user,
            request=request,
        )
    except errors.NeedsOverrideError as error:
        form.add_error("override_reason", error.message)
        return confirm(form=form)
    except errors.SlotTakenError as error:
        return _request_page(request, appointment_request, error=error.message, status=SLOT_TAKEN_STATUS)
    except errors.SchedulingError as error:
        return _request_page(request, appointment_request, error=error.message)
    contact = intake_contact_for_front_desk(client=appointment.client)
    messages.success(
        request,
        _("Booked %(client)s with %(therapist)s on %(when)s. The client has been sent a confirmation.")
        % {
            "client": contact["name"] or appointment.client,
            "therapist": appointment.therapist,
            "when": practice_time_label(appointment.start),
        },
    )
    return redirect("scheduling:queue")


@require_POST
@access.scheduling_staff_required
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    appointment_request = request_for_scheduling(pk=pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            request_services.appointment_request_decline(
                appointment_request=appointment_request,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except errors.SchedulingError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Request declined. The client has been sent the reason."))
            return redirect("scheduling:queue")
    return _request_page(request, appointment_request, decline_form=form)


@require_safe
@access.staff_required
def calendar(request: HttpRequest) -> HttpResponse:
    """Day or week view, for one therapist or the whole practice (Denver time)."""
    therapists = selectors.therapists_active()
    form = CalendarForm(request.GET or None, therapists=therapists)
    data = form.cleaned_data if form.is_valid() else {}
    view = data.get("view") or "week"
    day = data.get("day") or timezone.localdate()
    therapist = data.get("therapist")
    if therapist is None and not request.GET and access.is_therapist(request.user):
        therapist = request.user
    span = selectors.calendar_span(day=day, view=view, therapist=therapist)
    appointment_services.calendar_viewed(actor=request.user, appointments=span.appointments, request=request)
    return render(
        request,
        "scheduling/calendar.html",
        {
            # What is shown, defaults filled in (an unreadable value falls back to its default).
            "form": CalendarForm(
                initial={"view": view, "day": day, "therapist": therapist.pk if therapist else None},
                therapists=therapists,
            ),
            "view": view,
            "day": day,
            "therapist": therapist,
            "grid": span.grid,
            "colours": span.colours,
            "closures": span.closures,
            "prev_day": span.first - span.step,
            "next_day": span.first + span.step,
            "last_day": span.first + span.step - timedelta(days=1),
            "today": timezone.localdate(),
        },
    )


def _appointment_page(request, appointment, *, reschedule_form=None, cancel_form=None, error="", status=200):
    local = to_practice_time(appointment.start)
    return render(
        request,
        "scheduling/appointment_manage.html",
        {
            "appointment": appointment,
            "local_start": local,
            "local_end": to_practice_time(appointment.end),
            "contact": intake_contact_for_front_desk(client=appointment.client),
            "reschedule_form": reschedule_form
            or RescheduleForm(
                therapists=selectors.therapists_active(),
                initial={
                    "therapist": appointment.therapist_id,
                    "day": local.date(),
                    "start_time": local.time().replace(second=0, microsecond=0),
                    "modality": appointment.modality,
                },
            ),
            "cancel_form": cancel_form or StaffCancelForm(),
            "error": error,
            "is_booked": appointment.status == Appointment.Status.BOOKED,
        },
        status=status,
    )


@require_safe
@access.scheduling_staff_required
def appointment_manage(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = appointment_for_scheduling(pk=pk)
    appointment_services.appointment_viewed(actor=request.user, appointment=appointment, request=request)
    return _appointment_page(request, appointment)


@require_POST
@access.scheduling_staff_required
def appointment_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an appointment: a summary to confirm first (as for booking), then the move."""
    appointment = appointment_for_scheduling(pk=pk)
    confirming = request.POST.get("confirmed") == "True"
    form_class = RescheduleConfirmForm if confirming else RescheduleForm
    form = form_class(request.POST, therapists=selectors.therapists_active())
    if not form.is_valid():
        return _appointment_page(
            request,
            appointment,
            reschedule_form=RescheduleForm(request.POST, therapists=selectors.therapists_active()),
        )
    new_type = form.cleaned_data["session_type"]
    confirm = partial(
        _confirm_page,
        request,
        client=appointment.client,
        duration=timedelta(minutes=new_type.duration_minutes)
        if new_type
        else appointment.end - appointment.start,
        action=reverse("scheduling:appointment_reschedule", args=[pk]),
        back=reverse("scheduling:appointment_manage", args=[pk]),
    )
    if not confirming:
        try:
            appointment_services.refuse_past(form.cleaned_data["start"])
        except errors.SchedulingError as error:
            return _appointment_page(request, appointment, reschedule_form=form, error=error.message)
        return confirm(form=form)
    data = form.cleaned_data
    try:
        appointment_services.appointment_reschedule(
            appointment=appointment,
            start=data["start"],
            therapist=data["therapist"],
            modality=data["modality"],
            session_type=new_type,
            reason=data["reason"],
            override_reason=data["override_reason"],
            actor=request.user,
            request=request,
        )
    except errors.NeedsOverrideError as error:
        form.add_error("override_reason", error.message)
        return confirm(form=form)
    except errors.SlotTakenError as error:
        return _appointment_page(
            request, appointment, reschedule_form=form, error=error.message, status=SLOT_TAKEN_STATUS
        )
    except errors.SchedulingError as error:
        return _appointment_page(request, appointment, reschedule_form=form, error=error.message)
    messages.success(request, _("Appointment moved. The client has been sent the new time."))
    return redirect("scheduling:appointment_manage", pk=appointment.pk)


@require_POST
@access.scheduling_staff_required
def appointment_staff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = appointment_for_scheduling(pk=pk)
    form = StaffCancelForm(request.POST)
    if form.is_valid():
        try:
            appointment_services.appointment_cancel(
                appointment=appointment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except errors.SchedulingError as error:
            # Above the page: after a cancel from another tab the cancel form is gone.
            appointment.refresh_from_db()
            return _appointment_page(request, appointment, cancel_form=form, error=error.message)
        messages.success(request, _("Appointment cancelled. The client has been sent a message."))
        return redirect("scheduling:appointment_manage", pk=appointment.pk)
    return _appointment_page(request, appointment, cancel_form=form)
