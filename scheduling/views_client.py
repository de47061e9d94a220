"""Scheduling pages for clients: their appointments and requests, asking for a time,
withdrawing a request, cancelling, asking to move an appointment.

Thin: decorator, access helper, form, service, redirect or render. Every refusal a person can
cause is a message on the page, never a server error.
"""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from intake.selectors import intake_for_client, intake_is_sent
from portal import access

from . import appointment_services, errors, request_services, selectors
from .access import appointment_for_client, request_for_client
from .forms import AppointmentRequestForm, ClientCancelForm, RescheduleAskForm
from .models import Modality

MSG_REQUEST_RECEIVED = gettext_lazy("Thank you. We have your request and will be in touch soon.")
# A request this recent was made by the same click, pressed twice (or a page sent twice).
SAME_CLICK = timedelta(seconds=30)


@require_safe
@access.client_required
def my_appointments(request: HttpRequest) -> HttpResponse:
    """The client's upcoming appointments and requests."""
    return render(
        request,
        "scheduling/my_appointments.html",
        {
            "appointments": selectors.client_appointments_upcoming(client=request.user),
            "requests": selectors.requests_for_client(client=request.user)[:20],
            "intake_sent": intake_is_sent(client=request.user),
            "open_request": selectors.open_request_for_client(client=request.user),
            "notice_hours": selectors.cancellation_notice_hours(),
        },
    )


def _request_initial(intake) -> dict:
    first_visit = selectors.first_visit_session_type()
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


# The request form's two buttons after its summary: send it as it is, or go back to change it.
CONFIRM_SEND, CONFIRM_CHANGE = "send", "change"


def _summary_rows(form: AppointmentRequestForm) -> list[tuple[str, str]]:
    """What she is about to send, as label and answer, in the form's order."""
    rows = []
    for bound in form:
        field, value = bound.field, form.cleaned_data.get(bound.name)
        if isinstance(field, forms.ModelChoiceField):
            shown = field.label_from_instance(value) if value is not None else field.empty_label
        elif value in (None, "", [], False):
            continue
        elif isinstance(value, bool):
            shown = _("Yes")
        elif isinstance(value, date):
            shown = date_format(value, "l, F j, Y")
        elif isinstance(field, forms.ChoiceField):
            labels = {str(k): v for k, v in field.choices}
            chosen = value if isinstance(value, list) else [value]
            shown = ", ".join(str(labels.get(str(v), v)) for v in chosen)
        else:
            shown = str(value)
        if shown:
            rows.append((str(bound.label), str(shown)))
    return rows


@require_http_methods(["GET", "HEAD", "POST"])
@access.client_required
def request_new(request: HttpRequest) -> HttpResponse:
    """Ask for an appointment; the intake's preferences fill the form in. A summary to
    confirm comes before anything is sent."""
    intake_sent = intake_is_sent(client=request.user)
    open_request = selectors.open_request_for_client(client=request.user)
    therapists = selectors.therapists_bookable()
    if request.method == "POST" and open_request is not None:
        # A second click of "Send request" (or a second tab): she has a request already.
        return _already_asked(request, errors.REQUEST_ALREADY_OPEN)
    if request.method == "POST" and intake_sent:
        form = AppointmentRequestForm(request.POST, therapists=therapists)
        confirm = request.POST.get("confirm")
        if form.is_valid() and (
            problem := request_services.colorado_problem(
                modality=form.cleaned_data["modality"],
                confirms_in_colorado=form.cleaned_data["confirms_in_colorado"],
            )
        ):
            # Said by the box before the summary, not after she has pressed Send.
            form.add_error("confirms_in_colorado", problem)
        elif form.is_valid() and confirm != CONFIRM_SEND:
            if confirm != CONFIRM_CHANGE:
                return render(
                    request,
                    "scheduling/request_confirm.html",
                    {"form": form, "rows": _summary_rows(form), "confirm_send": CONFIRM_SEND},
                )
        elif form.is_valid():
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
            except errors.SchedulingError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, MSG_REQUEST_RECEIVED)
                return redirect("scheduling:my_appointments")
    else:
        initial = _request_initial(intake_for_client(client=request.user))
        form = AppointmentRequestForm(initial=initial, therapists=therapists)
    return render(
        request,
        "scheduling/request_form.html",
        {"form": form, "intake_sent": intake_sent, "open_request": open_request},
    )


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


MSG_CANCELLED_REOPENED = gettext_lazy(
    "Your appointment is cancelled. Your request is open again: we will find you another time "
    "and let you know."
)
MSG_CANCELLED_CLOSED = gettext_lazy(
    "Your appointment is cancelled, and its request is closed. You can ask for a new "
    "appointment whenever you are ready."
)


def _may_reopen(appointment) -> bool:
    booked_from = appointment.request
    return booked_from is not None and selectors.request_may_reopen(appointment_request=booked_from)


@require_http_methods(["GET", "HEAD", "POST"])
@access.client_required
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The client cancels, with enough notice; otherwise she is asked to call. She chooses
    whether its request opens again (we find another time) or closes, and is told which."""
    appointment = appointment_for_client(user=request.user, pk=pk)
    hours = selectors.cancellation_notice_hours()
    form = ClientCancelForm(request.POST or None, may_reopen=_may_reopen(appointment))
    if request.method == "POST" and form.is_valid():
        try:
            appointment_services.appointment_cancel(
                appointment=appointment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                reopen_request=form.reopen_request(),
                request=request,
            )
        except errors.SchedulingError as error:
            form.add_error(error.field, error.message)
        else:
            reopened = selectors.open_request_for_client(client=request.user)
            messages.success(
                request,
                MSG_CANCELLED_REOPENED
                if reopened is not None and reopened.pk == appointment.request_id
                else MSG_CANCELLED_CLOSED,
            )
            return redirect("scheduling:my_appointments")
    return render(
        request,
        "scheduling/appointment_cancel.html",
        {
            "appointment": appointment,
            "form": form,
            "may_cancel": selectors.client_may_cancel(appointment=appointment, hours=hours),
            "notice_hours": hours,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@access.client_required
def appointment_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The client asks for another time; the front desk finds one."""
    appointment = appointment_for_client(user=request.user, pk=pk)
    telehealth = appointment.modality == Modality.TELEHEALTH
    intake = intake_for_client(client=request.user)
    form = RescheduleAskForm(
        request.POST or None,
        initial={
            "earliest_date": timezone.localdate() + timedelta(days=1),
            # What she told us in her intake, as the first request's form does.
            "confirms_in_colorado": intake is not None and intake.in_colorado == "yes",
        },
        telehealth=telehealth,
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
        except errors.SchedulingError as error:
            form.add_error(error.field, error.message)
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
        {"appointment": appointment, "form": form},
    )
