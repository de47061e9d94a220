"""The Good Faith Estimate (No Surprises Act, 45 CFR 149.610; facts in CLINICAL.md, "Billing
facts"): what it states, rendering it as a PDF, keeping every issued version, telling the
client one is ready, and her acknowledgement.

Issued when an appointment is booked for a client who pays herself or has no insurance on
file (intake.selectors.estimate_due_without_asking), and whenever asked for. Rendering happens
in a task (scheduling.estimate_tasks), never in the booking's request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from intake.selectors import estimate_client_facts, estimate_due_without_asking
from portal.audit import audit_record
from portal.messages import message_enqueue
from portal.models import AuditEvent, Practice, TherapistCredentials, User
from portal.pdf import render_pdf
from portal.selectors import practice_get

from .models import Appointment, GoodFaithEstimate, NotificationKind, SessionType
from .selectors import FIRST_VISIT_SLUG

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "scheduling/pdf/estimate.html"
# The ongoing sessions' type when the first one is the consultation (reference_data.SESSION_TYPES);
# the first session's is selectors.FIRST_VISIT_SLUG.
ONGOING_SESSION_SLUG = "individual"
# The amount above the estimate that opens the patient-provider dispute resolution process.
DISPUTE_THRESHOLD = Decimal("400")

ERROR_PRACTICE_NPI = _("the practice's NPI is not filled in (Practice settings)")
ERROR_PRACTICE_TAX_ID = _("the practice's tax id is not filled in (Practice settings)")
ERROR_THERAPIST_NPI = _("%(name)s's NPI is not filled in (Therapists' credentials)")
ERROR_SESSION_TYPE = _("the session type “%(slug)s” is missing or inactive")
ERROR_SERVICE_CODE = _("the session type “%(name)s” has no service code (Session types and fees)")


class EstimateNotReadyError(Exception):
    """An estimate cannot be issued yet: something it must state is missing. `problems`
    says what, in words for the practice admin."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class EstimateLine:
    service_code: str
    description: str
    quantity: int
    unit_fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.unit_fee * self.quantity


def _session_types(appointment: Appointment | None) -> tuple[SessionType | None, SessionType | None]:
    """The first session and the ongoing one: the booked session type comes first; ongoing
    sessions are of that type too, unless it was the first consultation."""
    active = {t.slug: t for t in SessionType.objects.filter(active=True)}
    if appointment is None:
        return active.get(FIRST_VISIT_SLUG), active.get(ONGOING_SESSION_SLUG)
    first = appointment.session_type
    ongoing = active.get(ONGOING_SESSION_SLUG) if first.slug == FIRST_VISIT_SLUG else first
    return first, ongoing


def estimate_lines(*, practice: Practice, appointment: Appointment | None = None) -> list[EstimateLine]:
    """What the estimate expects: the first session, then the ongoing sessions the practice
    expects over its estimate period, each at its self-pay fee."""
    first, ongoing = _session_types(appointment)
    missing = [
        str(ERROR_SESSION_TYPE % {"slug": slug})
        for slug, found in ((FIRST_VISIT_SLUG, first), (ONGOING_SESSION_SLUG, ongoing))
        if found is None
    ]
    if not missing:
        used = [first, ongoing] if practice.estimate_ongoing_sessions else [first]
        missing = [
            str(ERROR_SERVICE_CODE % {"name": t.name}) for t in dict.fromkeys(used) if not t.service_code
        ]
    if missing:
        raise EstimateNotReadyError(missing)
    lines = [
        EstimateLine(
            first.service_code,
            str(_("%(name)s (first session)") % {"name": first.name}),
            1,
            first.self_pay_fee,
        )
    ]
    if practice.estimate_ongoing_sessions:
        lines.append(
            EstimateLine(
                ongoing.service_code,
                str(
                    _("%(name)s, ongoing sessions expected over %(months)s months")
                    % {"name": ongoing.name, "months": practice.estimate_months}
                ),
                practice.estimate_ongoing_sessions,
                ongoing.self_pay_fee,
            )
        )
    return lines


def estimate_problems(*, practice: Practice, therapist: User | None) -> list[str]:
    """What is missing before an estimate can name its providers (empty when nothing is)."""
    problems = []
    if not practice.npi:
        problems.append(str(ERROR_PRACTICE_NPI))
    if not practice.tax_id:
        problems.append(str(ERROR_PRACTICE_TAX_ID))
    if therapist is not None:
        npi = TherapistCredentials.objects.filter(user=therapist).values_list("npi", flat=True).first()
        if not npi:
            problems.append(str(ERROR_THERAPIST_NPI % {"name": therapist.get_full_name()}))
    return problems


def _context(*, client: User, therapist: User, practice: Practice, lines, version: int, issued_at) -> dict:
    credentials = TherapistCredentials.objects.filter(user=therapist).first()
    facts = estimate_client_facts(client=client)
    total = sum((line.total for line in lines), Decimal("0"))
    return {
        "client_name": facts["name"],
        "client_dob": date_format(facts["date_of_birth"]) if facts["date_of_birth"] else "",
        "practice": practice,
        "therapist_name": therapist.get_full_name(),
        "therapist_licence": credentials.licence if credentials else "",
        "therapist_npi": credentials.npi if credentials else "",
        "lines": lines,
        "total": total,
        "months": practice.estimate_months,
        "threshold": DISPUTE_THRESHOLD,
        "version": version,
        "issued_on": date_format(timezone.localdate(issued_at)),
    }


def _next_version(client: User) -> int:
    latest = GoodFaithEstimate.objects.filter(client=client).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def estimate_issue(
    *,
    client: User,
    therapist: User,
    reason: str,
    appointment: Appointment | None = None,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> GoodFaithEstimate:
    """Write, render and keep a new version of the client's Good Faith Estimate, and tell her
    (a discreet message) that it is in the portal. Raises EstimateNotReadyError when the
    practice's or therapist's identifiers or the session types it needs are missing."""
    practice = practice_get()
    problems = estimate_problems(practice=practice, therapist=therapist)
    if problems:
        raise EstimateNotReadyError(problems)
    lines = estimate_lines(practice=practice, appointment=appointment)
    issued_at = timezone.now()
    with transaction.atomic():
        # One issue at a time per client, so versions count up without a gap or a clash.
        User.objects.select_for_update().filter(pk=client.pk).first()
        version = _next_version(client)
        context = _context(
            client=client,
            therapist=therapist,
            practice=practice,
            lines=lines,
            version=version,
            issued_at=issued_at,
        )
        # Rendered inside the lock: it is local work (static files only), no network.
        pdf = render_pdf(render_to_string(TEMPLATE_NAME, context))
        estimate = GoodFaithEstimate(
            client=client,
            version=version,
            reason=reason,
            appointment=appointment,
            therapist=therapist,
            requested_by=actor,
            lines=[
                {
                    "service_code": line.service_code,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit_fee": str(line.unit_fee),
                    "total": str(line.total),
                }
                for line in lines
            ],
            total=context["total"],
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            issued_at=issued_at,
        )
        # No name in the file name: it ends up in logs and backups.
        estimate.file.save(f"estimate-{client.pk}-v{version}.pdf", ContentFile(pdf), save=False)
        estimate.save()
        message_enqueue(kind=NotificationKind.ESTIMATE, client_id=client.pk, subject=estimate)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="good_faith_estimate",
            object_id=estimate.pk,
            client=client,
            detail=f"version {version} issued ({reason}), total {estimate.total}",
            request=request,
        )
    return estimate


def _charges(lines: list[dict]) -> list[tuple[str, int, Decimal]]:
    """What an estimate's lines charge for: each service's code, number and fee (not the
    words describing them)."""
    return [
        (line.get("service_code", ""), int(line["quantity"]), Decimal(line["unit_fee"])) for line in lines
    ]


def estimate_reissue_if_changed(*, appointment_id: int) -> GoodFaithEstimate | None:
    """Issue a new version of an upcoming booking's estimate when what it would say now (the
    charges of its session types, at today's fees and codes, or the therapist) differs from
    its latest version; earlier versions are kept. Returns the new version, or None when the
    booking has no estimate yet (the booking's task and the sweeper issue that one), is no
    longer upcoming, or nothing changed."""
    appointment = Appointment.objects.select_related("client", "therapist", "session_type").get(
        pk=appointment_id
    )
    if appointment.status != Appointment.Status.BOOKED or appointment.start <= timezone.now():
        return None
    latest = appointment.estimates.order_by("-version").first()
    if latest is None:
        return None
    lines = estimate_lines(practice=practice_get(), appointment=appointment)
    now = [(line.service_code, line.quantity, line.unit_fee) for line in lines]
    if now == _charges(latest.lines) and latest.therapist_id == appointment.therapist_id:
        return None
    return estimate_issue(
        client=appointment.client,
        therapist=appointment.therapist,
        reason=GoodFaithEstimate.Reason.CHANGED,
        appointment=appointment,
    )


def estimated_upcoming_appointments() -> list[int]:
    """Ids of upcoming booked appointments that have an estimate (those a change of fees or
    codes may make out of date)."""
    return list(
        Appointment.objects.filter(
            status=Appointment.Status.BOOKED, start__gt=timezone.now(), estimates__isnull=False
        )
        .distinct()
        .order_by("start")
        .values_list("pk", flat=True)
    )


def estimate_issue_for_booking(*, appointment_id: int) -> GoodFaithEstimate | None:
    """The estimate a booking owes (what the task runs). Safe to run twice: a booking already
    estimated is not estimated again; a cancelled one is not estimated at all."""
    appointment = Appointment.objects.select_related("client", "therapist", "session_type").get(
        pk=appointment_id
    )
    if appointment.status != Appointment.Status.BOOKED:
        return None
    existing = GoodFaithEstimate.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing
    return estimate_issue(
        client=appointment.client,
        therapist=appointment.therapist,
        reason=GoodFaithEstimate.Reason.BOOKING,
        appointment=appointment,
    )


@transaction.atomic
def estimate_acknowledge(
    *, estimate: GoodFaithEstimate, actor: User, request: HttpRequest | None = None
) -> bool:
    """The client says she received this estimate. Returns False if she had already."""
    updated = GoodFaithEstimate.objects.filter(pk=estimate.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )
    if updated:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.SIGN,
            object_type="good_faith_estimate",
            object_id=estimate.pk,
            client=estimate.client,
            detail=f"version {estimate.version} acknowledged",
            request=request,
        )
    return bool(updated)


def estimate_downloaded(
    *, estimate: GoodFaithEstimate, actor: User, request: HttpRequest | None = None
) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DOWNLOAD,
        object_type="good_faith_estimate",
        object_id=estimate.pk,
        client=estimate.client,
        detail=f"version {estimate.version}",
        request=request,
    )


def estimate_issue_on_request(
    *, client_id: int, therapist_id: int, actor_id: int | None
) -> GoodFaithEstimate:
    """An estimate someone asked for (the client, or the front desk for her), written for her
    next booked appointment if she has one with this therapist, else from the session types."""
    client = User.objects.get(pk=client_id)
    therapist = User.objects.get(pk=therapist_id, role=User.Role.THERAPIST)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    appointment = (
        Appointment.objects.filter(
            client=client, therapist=therapist, status=Appointment.Status.BOOKED, start__gt=timezone.now()
        )
        .select_related("session_type")
        .order_by("start")
        .first()
    )
    return estimate_issue(
        client=client,
        therapist=therapist,
        reason=GoodFaithEstimate.Reason.REQUEST,
        appointment=appointment,
        actor=actor,
    )


# A booking's estimate queued after commit may be lost with the broker; the sweeper (beat)
# queues again what is still missing this long after the booking.
SWEEP_AFTER = dt.timedelta(minutes=10)
SWEEP_BATCH = 50


def estimates_missing(*, older_than: dt.timedelta = SWEEP_AFTER, limit: int = SWEEP_BATCH) -> list[int]:
    """Ids of upcoming booked appointments, booked more than `older_than` ago, that owe their
    client an estimate and have none."""
    now = timezone.now()
    appointments = (
        Appointment.objects.filter(
            status=Appointment.Status.BOOKED, start__gt=now, created_at__lte=now - older_than
        )
        .exclude(estimates__isnull=False)
        .select_related("client")
        .order_by("created_at")[:limit]
    )
    return [a.pk for a in appointments if estimate_due_without_asking(client=a.client)]
