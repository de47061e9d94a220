"""Scheduling pages for therapists' hours: weekly availability and time off, a therapist
their own, the practice admin anyone's (scheduling.access decides whose).

Thin: decorator, access helper, form, service, redirect or render.
"""

from datetime import time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal import access
from portal.models import User

from . import errors, hours_services, selectors
from .access import availability_for_hours, therapist_for_hours, time_off_for_hours
from .forms import AvailabilityForm, TimeOffForm
from .slots import to_practice_time


def _hours_page(request, therapist, *, availability_form=None, time_off_form=None, status=200):
    return render(
        request,
        "scheduling/hours.html",
        {
            "therapist": therapist,
            "therapists": selectors.therapists_active() if access.is_practice_admin(request.user) else [],
            "availability": selectors.availability_for_therapist(therapist=therapist),
            "time_off": [
                (t, to_practice_time(t.start), to_practice_time(t.end))
                for t in selectors.time_off_for_therapist(therapist=therapist)
            ],
            "availability_form": availability_form
            or AvailabilityForm(
                initial={"valid_from": timezone.localdate(), "start_time": time(9), "end_time": time(17)}
            ),
            "time_off_form": time_off_form or TimeOffForm(),
            "has_profile": selectors.therapist_has_profile(therapist=therapist),
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
    hours_services.weekly_availability_remove(availability=row, actor=request.user, request=request)
    messages.success(request, _("Hours removed. Appointments already booked are unchanged."))
    return _hours_redirect(row.therapist)


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
    hours_services.time_off_remove(time_off=row, actor=request.user, request=request)
    messages.success(request, _("Time off removed."))
    return _hours_redirect(row.therapist)
