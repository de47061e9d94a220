"""Who may reach which scheduling record, on top of the role predicates in portal.access.

Each helper narrows to what the user may see first, so any other id answers 404 and reveals
nothing (see portal.access.object_or_404). The services do not decide who may: the views
call these before them.
"""

from django.http import Http404

from portal.access import can_schedule, is_client, is_practice_admin, is_therapist, object_or_404
from portal.models import User

from .models import Appointment, AppointmentRequest, GoodFaithEstimate, TimeOff, WeeklyAvailability


def request_for_client(*, user: User, pk) -> AppointmentRequest:
    """One of the signed-in client's own requests."""
    return object_or_404(AppointmentRequest.objects.filter(client=user), pk=pk)


def appointment_for_client(*, user: User, pk) -> Appointment:
    """One of the signed-in client's own appointments."""
    return object_or_404(
        Appointment.objects.filter(client=user).select_related("office", "therapist__therapist_profile"),
        pk=pk,
    )


def request_for_scheduling(*, pk) -> AppointmentRequest:
    """Any request, for the front desk and the practice admin (the decorator checks the role)."""
    return object_or_404(
        AppointmentRequest.objects.select_related(
            "client", "session_type", "preferred_therapist", "reschedule_of"
        ),
        pk=pk,
    )


def appointment_for_scheduling(*, pk) -> Appointment:
    """Any appointment, for the front desk and the practice admin."""
    return object_or_404(
        Appointment.objects.select_related("client", "therapist", "session_type", "office"), pk=pk
    )


def may_manage_hours(*, user: User, therapist: User) -> bool:
    """A therapist manages their own hours and time off; the practice admin anyone's."""
    return is_practice_admin(user) or (is_therapist(user) and user.pk == therapist.pk)


def therapist_for_hours(*, user: User, pk=None) -> User:
    """Whose hours a therapist or admin may manage: a therapist only their own; the practice
    admin any active therapist (``pk``), or the first one when none is named."""
    therapists = User.objects.filter(role=User.Role.THERAPIST, is_active=True)
    if not is_practice_admin(user):
        if pk not in (None, "", str(user.pk), user.pk) or not may_manage_hours(user=user, therapist=user):
            return object_or_404(therapists.none(), pk=pk)
        return user
    if pk in (None, ""):
        first = therapists.order_by("full_name", "pk").first()
        if first is None:
            return object_or_404(therapists.none(), pk=0)
        return first
    return object_or_404(therapists, pk=pk)


def _hours_rows(model, user: User):
    rows = model.objects.select_related("therapist")
    if is_practice_admin(user):
        return rows
    return rows.filter(therapist=user) if is_therapist(user) else rows.none()


def availability_for_hours(*, user: User, pk) -> WeeklyAvailability:
    return object_or_404(_hours_rows(WeeklyAvailability, user), pk=pk)


def time_off_for_hours(*, user: User, pk) -> TimeOff:
    return object_or_404(_hours_rows(TimeOff, user), pk=pk)


def estimate_for(*, user: User, pk) -> GoodFaithEstimate:
    """A Good Faith Estimate: the client's own, or any for the front desk and the practice
    admin (billing); the therapist it names may read it too. Anything else is 404."""
    estimates = GoodFaithEstimate.objects.select_related("client")
    if is_client(user):
        return object_or_404(estimates, pk=pk, client=user)
    if can_schedule(user):
        return object_or_404(estimates, pk=pk)
    if is_therapist(user):
        return object_or_404(estimates, pk=pk, therapist=user)
    raise Http404
