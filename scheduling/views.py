"""Scheduling pages for clients, the front desk, therapists and the practice admin.

Thin: decorator, access helper, form, service, redirect or render. Every refusal a person can
cause is a message on the page, never a server error.
"""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from intake.review_selectors import intakes_ready_to_schedule_rows, ready_to_schedule_contacts
from intake.selectors import (
    intake_contact_for_front_desk,
    intake_contacts_for_front_desk,
    intake_for_client,
    intake_is_sent,
)
from portal import access
from portal.audit import audit_record
from portal.models import AuditEvent, User

from . import appointment_services, errors, hours_services, request_services, selectors, slots
from .access import (
    appointment_for_client,
    appointment_for_scheduling,
    availability_for_hours,
    request_for_client,
    request_for_scheduling,
    therapist_for_hours,
    time_off_for_hours,
)
from .forms import (
    AppointmentRequestForm,
    AvailabilityForm,
    BookForm,
    CalendarForm,
    ClientCancelForm,
    DeclineForm,
    RescheduleAskForm,
    RescheduleForm,
    StaffCancelForm,
    TimeOffForm,
)
from .models import Appointment, AppointmentRequest, Modality, SessionType, TherapistProfile

# Clients accepted and waiting to be contacted, shown a page at a time.
READY_PAGE_SIZE = 20

SLOT_TAKEN_STATUS = 409


def _local(instant: datetime) -> datetime:
    return instant.astimezone(slots.PRACTICE_ZONE)


# --- Clients


@require_safe
@access.client_required
def my_appointments(request: HttpRequest) -> HttpResponse:
    """The client's upcoming appointments and requests."""
    now = timezone.now()
    hours = selectors.cancellation_notice_hours()
    appointments = [
        (a, selectors.client_may_cancel(appointment=a, now=now, hours=hours), _open_move(a))
        for a in selectors.upcoming_appointments_for_client(client=request.user, now=now)
    ]
    return render(
        request,
        "scheduling/my_appointments.html",
        {
            "appointments": appointments,
            "requests": selectors.requests_for_client(client=request.user)[:20],
            "intake_sent": intake_is_sent(client=request.user),
            "notice_hours": hours,
        },
    )


def _open_move(appointment: Appointment) -> bool:
    return any(r.status == AppointmentRequest.Status.OPEN for r in appointment.reschedule_requests.all())


def _bookable_therapists():
    return User.objects.filter(
        role=User.Role.THERAPIST,
        is_active=True,
        therapist_profile__taking_new_clients=True,
    ).order_by("full_name", "pk")


def _request_initial(intake) -> dict:
    first_visit = SessionType.objects.filter(slug="initial-consultation", active=True).first()
    initial = {
        "earliest_date": timezone.localdate() + timedelta(days=1),
        "modality": "either",
        "session_type": first_visit.pk if first_visit else None,
    }
    if intake is not None:
        if intake.modality:
            initial["modality"] = intake.modality
        initial["confirms_in_colorado"] = intake.in_colorado == "yes"
        initial["note"] = intake.appointment_preferences[:1000]
    return initial


@require_http_methods(["GET", "HEAD", "POST"])
@access.client_required
def request_new(request: HttpRequest) -> HttpResponse:
    """Ask for an appointment; the intake's preferences fill the form in."""
    intake = intake_for_client(client=request.user)
    intake_sent = intake_is_sent(client=request.user)
    open_request = selectors.open_request_for_client(client=request.user)
    therapists = _bookable_therapists()
    if request.method == "POST" and open_request is not None:
        # A second click of "Send request" (or a second tab): she has a request already.
        return _already_asked(request, errors.REQUEST_ALREADY_OPEN)
    if request.method == "POST" and intake_sent:
        form = AppointmentRequestForm(request.POST, therapists=therapists)
        if form.is_valid():
            data = form.cleaned_data
            try:
                request_services.appointment_request_create(
                    client=request.user,
                    session_type=data["session_type"],
                    modality=data["modality"],
                    preferred_therapist=data["preferred_therapist"],
                    windows=form.windows(),
                    earliest_date=data["earliest_date"],
                    note=data["note"],
                    confirms_in_colorado=data["confirms_in_colorado"],
                    actor=request.user,
                    request=request,
                )
            except errors.RequestAlreadyOpenError as error:
                return _already_asked(request, error.message)
            except errors.SchedulingFieldError as error:
                form.add_error(error.field, error.message)
            except errors.SchedulingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, MSG_REQUEST_RECEIVED)
                return redirect("scheduling:my_appointments")
    else:
        form = AppointmentRequestForm(initial=_request_initial(intake), therapists=therapists)
    return render(
        request,
        "scheduling/request_form.html",
        {"form": form, "intake_sent": intake_sent, "open_request": open_request},
    )


MSG_REQUEST_RECEIVED = _("Thank you. We have your request and will be in touch soon.")
# A request this recent was made by the same click, pressed twice (or a page sent twice).
SAME_CLICK = timedelta(seconds=30)


def _already_asked(request: HttpRequest, message) -> HttpResponse:
    """To the request she already has, saying so kindly: a second press of the same button
    is told what the first was ("we have your request"), not that she asked before."""
    latest = selectors.open_request_for_client(client=request.user)
    if latest is not None and timezone.now() - latest.created_at < SAME_CLICK:
        messages.success(request, MSG_REQUEST_RECEIVED)
    else:
        messages.info(request, message)
    return redirect("scheduling:my_appointments")


@require_POST
@access.client_required
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    appointment_request = request_for_client(user=request.user, pk=pk)
    try:
        request_services.appointment_request_withdraw(
            appointment_request=appointment_request, actor=request.user, request=request
        )
    except errors.SchedulingError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect("scheduling:my_appointments")


@require_http_methods(["GET", "HEAD", "POST"])
@access.client_required
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The client cancels, with enough notice; otherwise she is asked to call."""
    appointment = appointment_for_client(user=request.user, pk=pk)
    hours = selectors.cancellation_notice_hours()
    form = ClientCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment_services.appointment_cancel(
                appointment=appointment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except errors.SchedulingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your appointment is cancelled. We have emailed you to confirm."))
            return redirect("scheduling:my_appointments")
    return render(
        request,
        "scheduling/appointment_cancel.html",
        {
            "appointment": appointment,
            "form": form,
            "may_cancel": selectors.client_may_cancel(appointment=appointment, hours=hours),
            "notice_hours": hours,
            "place": _place(appointment),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@access.client_required
def appointment_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The client asks for another time; the front desk finds one."""
    appointment = appointment_for_client(user=request.user, pk=pk)
    form = RescheduleAskForm(
        request.POST or None,
        initial={"earliest_date": timezone.localdate() + timedelta(days=1)},
        telehealth=appointment.modality == Modality.TELEHEALTH,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            request_services.appointment_request_create(
                client=request.user,
                session_type=appointment.session_type,
                modality=appointment.modality,
                preferred_therapist=appointment.therapist,
                windows=form.windows(),
                earliest_date=data["earliest_date"],
                note=data["note"],
                confirms_in_colorado=data.get("confirms_in_colorado"),
                reschedule_of=appointment,
                actor=request.user,
                request=request,
            )
        except errors.RequestAlreadyOpenError as error:
            return _already_asked(request, error.message)
        except errors.SchedulingFieldError as error:
            form.add_error(error.field, error.message)
        except errors.SchedulingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Thank you. We will find another time and let you know. "
                    "Your current time stays booked until then."
                ),
            )
            return redirect("scheduling:my_appointments")
    return render(
        request,
        "scheduling/appointment_move.html",
        {
            "appointment": appointment,
            "form": form,
            "telehealth": appointment.modality == Modality.TELEHEALTH,
            "place": _place(appointment),
        },
    )


def _place(appointment: Appointment) -> dict:
    from .notifications import appointment_place

    return appointment_place(appointment)


# --- Front desk


@require_safe
@access.scheduling_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """Open requests, urgent and high priority first, then oldest first."""
    rows = request_services.appointment_request_priorities_refresh(requests=selectors.request_queue())
    rows.sort(key=selectors.request_queue_order)
    contacts = intake_contacts_for_front_desk(clients=[r.client for r in rows])
    items = [(r, contacts[r.client_id]) for r in rows]
    # Accepted by a therapist but not yet asked for a time: the front desk reaches out. A
    # busy practice can have hundreds, so they come a page at a time.
    rows = intakes_ready_to_schedule_rows(exclude_clients=selectors.clients_asking_or_booked())
    ready_page = Paginator(rows, READY_PAGE_SIZE).get_page(request.GET.get("ready_page"))
    ready = [
        {**row, "priority_label": AppointmentRequest.Priority(row["priority"]).label}
        for row in ready_to_schedule_contacts(ready_page.object_list)
    ]
    request_services.desk_queue_viewed(
        actor=request.user,
        requests=[r for r, _contact in items],
        ready_client_ids=[row["client_id"] for row in ready],
        request=request,
    )
    return render(
        request, "scheduling/queue.html", {"items": items, "ready": ready, "ready_page": ready_page}
    )


def _suggestions(appointment_request: AppointmentRequest) -> tuple[list, str]:
    try:
        return selectors.slots_for_request(appointment_request), ""
    except slots.InvalidWindowsError:
        return [], _("The times this client chose could not be read, so any time is shown.")


def _request_page(
    request: HttpRequest,
    appointment_request: AppointmentRequest,
    *,
    book_form=None,
    decline_form=None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    therapists = selectors.therapists_active()
    suggestions, windows_error = _suggestions(appointment_request)
    if windows_error:
        fallback = AppointmentRequest(
            client=appointment_request.client,
            session_type=appointment_request.session_type,
            modality=appointment_request.modality,
            preferred_therapist=appointment_request.preferred_therapist,
            earliest_date=appointment_request.earliest_date,
            windows=[],
        )
        suggestions = selectors.slots_for_request(fallback)
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
            "contact": intake_contact_for_front_desk(client=appointment_request.client),
            "windows": _windows_text(appointment_request.windows),
            "suggestions": [(s, _local(s.start), _local(s.end)) for s in suggestions],
            "windows_error": windows_error,
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
            "is_open": appointment_request.status == AppointmentRequest.Status.OPEN,
        },
        status=status,
    )


def _windows_text(windows) -> list[str]:
    days = dict(
        (i, label)
        for i, label in enumerate([_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")])
    )
    parts = {slots.MORNING: _("mornings"), slots.AFTERNOON: _("afternoons"), slots.EVENING: _("evenings")}
    lines = []
    try:
        parsed = slots.windows_parse(windows)
    except slots.InvalidWindowsError:
        return []
    for window in parsed:
        when = (
            window.day.strftime("%a %b %-d")
            if window.day
            else ", ".join(days[d] for d in sorted(window.weekdays))
        )
        part = ", ".join(parts[p] for p in sorted(window.parts)) or _("any time")
        lines.append(f"{when or _('Any day')}: {part}")
    return lines


@require_safe
@access.scheduling_staff_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment_request = request_for_scheduling(pk=pk)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="appointment_request",
        object_id=appointment_request.pk,
        client=appointment_request.client,
        request=request,
    )
    return _request_page(request, appointment_request)


@require_POST
@access.scheduling_staff_required
def request_book(request: HttpRequest, pk: int) -> HttpResponse:
    """Book a suggested time in one click, or a time the front desk typed in."""
    appointment_request = request_for_scheduling(pk=pk)
    form = BookForm(request.POST, therapists=selectors.therapists_active())
    if not form.is_valid():
        return _request_page(request, appointment_request, book_form=form)
    data = form.cleaned_data
    try:
        appointment = request_services.appointment_request_book(
            appointment_request=appointment_request,
            therapist=data["therapist"],
            start=data["start"],
            modality=data["modality"],
            actor=request.user,
            request=request,
        )
    except errors.SlotTakenError as error:
        return _request_page(request, appointment_request, error=error.message, status=SLOT_TAKEN_STATUS)
    except errors.SchedulingError as error:
        return _request_page(request, appointment_request, error=error.message)
    local = _local(appointment.start)
    messages.success(
        request,
        _("Booked %(client)s with %(therapist)s on %(when)s. The client has been emailed.")
        % {
            "client": appointment.client,
            "therapist": appointment.therapist,
            "when": local.strftime("%a %b %-d, %-I:%M %p %Z"),
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
        except errors.SchedulingFieldError as error:
            form.add_error(error.field, error.message)
        except errors.SchedulingError as error:
            form.add_error(None, error.message)
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
    if therapist is None and not request.GET and request.user.role == User.Role.THERAPIST:
        therapist = request.user
    first = day - timedelta(days=day.weekday()) if view == "week" else day
    count = 7 if view == "week" else 1
    days = [first + timedelta(days=n) for n in range(count)]
    start, end = slots.day_bounds_utc(first, first + timedelta(days=count))
    rows = selectors.calendar_appointments(
        start=start, end=end, therapist_id=therapist.pk if therapist else None
    )
    rows = list(rows)
    appointment_services.calendar_viewed(actor=request.user, appointments=rows, request=request)
    by_day: dict[date, list] = {d: [] for d in days}
    for appointment in rows:
        local_start = _local(appointment.start)
        by_day.setdefault(local_start.date(), []).append((appointment, local_start, _local(appointment.end)))
    step = timedelta(days=count)
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
            "days": [(d, by_day.get(d, [])) for d in days],
            "prev_day": first - step,
            "next_day": first + step,
            "today": timezone.localdate(),
            "may_manage": access.can_schedule(request.user),
        },
    )


def _appointment_page(request, appointment, *, reschedule_form=None, cancel_form=None, error="", status=200):
    therapists = selectors.therapists_active()
    local = _local(appointment.start)
    return render(
        request,
        "scheduling/appointment_manage.html",
        {
            "appointment": appointment,
            "local_start": local,
            "local_end": _local(appointment.end),
            "contact": intake_contact_for_front_desk(client=appointment.client),
            "reschedule_form": reschedule_form
            or RescheduleForm(
                therapists=therapists,
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
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="appointment",
        object_id=appointment.pk,
        client=appointment.client,
        request=request,
    )
    return _appointment_page(request, appointment)


@require_POST
@access.scheduling_staff_required
def appointment_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = appointment_for_scheduling(pk=pk)
    form = RescheduleForm(request.POST, therapists=selectors.therapists_active())
    if not form.is_valid():
        return _appointment_page(request, appointment, reschedule_form=form)
    data = form.cleaned_data
    try:
        appointment_services.appointment_reschedule(
            appointment=appointment,
            start=data["start"],
            therapist=data["therapist"],
            modality=data["modality"],
            reason=data["reason"],
            actor=request.user,
            request=request,
        )
    except errors.SlotTakenError as error:
        return _appointment_page(
            request, appointment, reschedule_form=form, error=error.message, status=SLOT_TAKEN_STATUS
        )
    except errors.SchedulingError as error:
        return _appointment_page(request, appointment, reschedule_form=form, error=error.message)
    messages.success(request, _("Appointment moved. The client has been emailed the new time."))
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
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Appointment cancelled. The client has been emailed."))
            return redirect("scheduling:appointment_manage", pk=appointment.pk)
    return _appointment_page(request, appointment, cancel_form=form)


# --- Hours: therapists for themselves, the practice admin for anyone


def _hours_page(request, therapist, *, availability_form=None, time_off_form=None, status=200):
    return render(
        request,
        "scheduling/hours.html",
        {
            "therapist": therapist,
            "therapists": selectors.therapists_active()
            if request.user.role == User.Role.PRACTICE_ADMIN
            else [],
            "availability": selectors.availability_for_therapist(therapist=therapist),
            "time_off": [
                (t, _local(t.start), _local(t.end))
                for t in selectors.time_off_for_therapist(therapist=therapist)
            ],
            "availability_form": availability_form
            or AvailabilityForm(
                initial={"valid_from": timezone.localdate(), "start_time": time(9), "end_time": time(17)}
            ),
            "time_off_form": time_off_form or TimeOffForm(),
            "has_profile": TherapistProfile.objects.filter(user=therapist).exists(),
        },
        status=status,
    )


@require_safe
@access.clinical_staff_required
def hours(request: HttpRequest) -> HttpResponse:
    therapist = therapist_for_hours(user=request.user, pk=request.GET.get("therapist"))
    return _hours_page(request, therapist)


def _hours_redirect(therapist: User) -> HttpResponse:
    return redirect(f"{reverse('scheduling:hours')}?therapist={therapist.pk}")


@require_POST
@access.clinical_staff_required
def availability_add(request: HttpRequest) -> HttpResponse:
    therapist = therapist_for_hours(user=request.user, pk=request.POST.get("therapist"))
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        try:
            hours_services.weekly_availability_add(
                therapist=therapist,
                actor=request.user,
                request=request,
                **{
                    k: form.cleaned_data[k]
                    for k in ("weekday", "start_time", "end_time", "modality", "valid_from", "valid_until")
                },
            )
        except errors.SchedulingFieldError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Hours added."))
            return _hours_redirect(therapist)
    return _hours_page(request, therapist, availability_form=form)


@require_POST
@access.clinical_staff_required
def availability_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = availability_for_hours(user=request.user, pk=pk)
    therapist = row.therapist
    hours_services.weekly_availability_remove(availability=row, actor=request.user, request=request)
    messages.success(request, _("Hours removed. Appointments already booked are unchanged."))
    return _hours_redirect(therapist)


@require_POST
@access.clinical_staff_required
def time_off_add(request: HttpRequest) -> HttpResponse:
    therapist = therapist_for_hours(user=request.user, pk=request.POST.get("therapist"))
    form = TimeOffForm(request.POST)
    if form.is_valid():
        added = hours_services.time_off_add(
            therapist=therapist,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
            request=request,
        )
        if added.clashing_appointments:
            messages.warning(
                request,
                _(
                    "Time off saved. %(count)s booked appointment(s) fall in it: "
                    "please ask the front desk to move them."
                )
                % {"count": added.clashing_appointments},
            )
        else:
            messages.success(request, _("Time off saved."))
        return _hours_redirect(therapist)
    return _hours_page(request, therapist, time_off_form=form)


@require_POST
@access.clinical_staff_required
def time_off_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = time_off_for_hours(user=request.user, pk=pk)
    therapist = row.therapist
    hours_services.time_off_remove(time_off=row, actor=request.user, request=request)
    messages.success(request, _("Time off removed."))
    return _hours_redirect(therapist)
