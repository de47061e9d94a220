"""Access policy for the scheduling app's URLs (merged into tests/portal/access_policy.py).

Clients reach only their own requests and appointments (another client's id: 404); the front
desk and the practice admin work the request queue and manage appointments; every staff role
sees the calendar; therapists manage their own hours and the practice admin anyone's.
POST-only URLs answer 405 to a GET before anything else is looked at.
"""

from tests.portal.access_policy_base import (  # noqa: F401
    CLIENT_ONLY,
    CLINICAL_ONLY,
    OWNER_ONLY,
    SCHEDULING_ONLY,
    STAFF_ONLY,
    by_role,
    everyone,
)

POLICY: dict[str, dict[str, str]] = {
    # Clients
    "scheduling:my_appointments": CLIENT_ONLY,
    "scheduling:request_new": CLIENT_ONLY,
    "scheduling:request_withdraw": everyone("method"),
    "scheduling:appointment_cancel": OWNER_ONLY,
    "scheduling:appointment_move": OWNER_ONLY,
    # Good Faith Estimates: the client's page; the PDF for its client, the front desk, the
    # practice admin and the therapist it names (another client: 404).
    "scheduling:estimates": CLIENT_ONLY,
    "scheduling:estimate_ask": everyone("method"),
    "scheduling:estimate_acknowledge": everyone("method"),
    "scheduling:estimate_pdf": by_role("login", "ok", "not_found", "ok", "ok", "ok"),
    "scheduling:estimate_issue": everyone("method"),
    # Front desk and practice admin
    "scheduling:queue": SCHEDULING_ONLY,
    "scheduling:request_detail": SCHEDULING_ONLY,
    "scheduling:request_book": everyone("method"),
    "scheduling:request_decline": everyone("method"),
    "scheduling:appointment_manage": SCHEDULING_ONLY,
    "scheduling:appointment_reschedule": everyone("method"),
    "scheduling:appointment_staff_cancel": everyone("method"),
    # All staff
    "scheduling:calendar": STAFF_ONLY,
    # Therapists and the practice admin
    "scheduling:hours": CLINICAL_ONLY,
    "scheduling:settings_session_types": by_role(
        "login", "forbidden", "forbidden", "forbidden", "forbidden", "ok"
    ),
    "scheduling:settings_session_type": by_role(
        "login", "forbidden", "forbidden", "forbidden", "forbidden", "ok"
    ),
    "scheduling:settings_office": by_role("login", "forbidden", "forbidden", "forbidden", "forbidden", "ok"),
    "scheduling:settings_office_closure_new": everyone("method"),
    "scheduling:settings_office_closure_remove": everyone("method"),
    "scheduling:availability_add": everyone("method"),
    "scheduling:availability_remove": everyone("method"),
    "scheduling:time_off_add": everyone("method"),
    "scheduling:time_off_remove": everyone("method"),
}


def sample_kwargs(personas: dict) -> dict[str, dict[str, str]]:
    """URL kwargs for scheduling URLs, naming objects that belong to personas["client"]."""
    import datetime as dt
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from scheduling.models import GoodFaithEstimate, OfficeClosure
    from tests.scheduling.factories import (
        AppointmentFactory,
        AppointmentRequestFactory,
        SessionTypeFactory,
        TimeOffFactory,
        WeeklyAvailabilityFactory,
    )

    client, therapist = personas["client"], personas["therapist"]
    request = AppointmentRequestFactory(client=client)
    # Far enough ahead that the client may still cancel it online.
    start = (timezone.now() + dt.timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    appointment = AppointmentFactory(client=client, therapist=therapist, start=start)
    availability = WeeklyAvailabilityFactory(therapist=therapist)
    time_off = TimeOffFactory(therapist=therapist)
    estimate = GoodFaithEstimate(
        client=client,
        version=1,
        reason="booking",
        appointment=appointment,
        therapist=therapist,
        lines=[],
        total=Decimal("175.00"),
        size=8,
        sha256="0" * 64,
    )
    estimate.file.save("estimate-sample.pdf", ContentFile(b"%PDF-1.7"), save=False)
    estimate.save()
    return {
        "scheduling:estimate_pdf": {"pk": str(estimate.pk)},
        "scheduling:estimate_acknowledge": {"pk": str(estimate.pk)},
        "scheduling:estimate_issue": {"pk": str(request.pk)},
        "scheduling:request_withdraw": {"pk": str(request.pk)},
        "scheduling:appointment_cancel": {"pk": str(appointment.pk)},
        "scheduling:appointment_move": {"pk": str(appointment.pk)},
        "scheduling:request_detail": {"pk": str(request.pk)},
        "scheduling:request_book": {"pk": str(request.pk)},
        "scheduling:request_decline": {"pk": str(request.pk)},
        "scheduling:appointment_manage": {"pk": str(appointment.pk)},
        "scheduling:appointment_reschedule": {"pk": str(appointment.pk)},
        "scheduling:appointment_staff_cancel": {"pk": str(appointment.pk)},
        "scheduling:availability_remove": {"pk": str(availability.pk)},
        "scheduling:time_off_remove": {"pk": str(time_off.pk)},
        "scheduling:settings_session_type": {"pk": str(SessionTypeFactory().pk)},
        "scheduling:settings_office_closure_remove": {
            "pk": str(OfficeClosure.objects.create(day=timezone.localdate() + dt.timedelta(days=30)).pk)
        },
    }
