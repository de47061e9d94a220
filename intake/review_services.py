"""The therapist review's writes: assignment, the status workflow, acknowledging a risk
flag, internal notes, asking for a fresh PDF summary, and recording what was viewed. Each
runs in one transaction with its audit record.

Status workflow:
    submitted -> in review -> accepted (ready for scheduling) | referred out | closed
    (a sent intake may also be closed straight away, and an accepted or referred one later).
An intake with an unacknowledged high or urgent flag cannot be decided: the flag comes first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record, audit_record_many
from portal.models import AuditEvent, User

from .models import Intake, InternalNote, RiskFlag
from .risk_rules import SAME_DAY_LEVELS
from .summary_services import summaries_render
from .tasks import summary_queue, summary_refresh

Status = Intake.Status

ERROR_NOT_A_THERAPIST = _("Intakes can only be assigned to an active therapist.")
ERROR_TRANSITION = _("This intake can't move to that status from where it is now.")
ERROR_FLAGS_OPEN = _("Please acknowledge the high and urgent safety flags before deciding on this intake.")
ERROR_REFERRAL_NOTE = _("Please say why the client is being referred.")
ERROR_REFERRAL_RESOURCES = _("Please list the resources given to the client.")
ERROR_CLOSE_REASON = _("Please give the reason for closing.")
ERROR_ALREADY_ACKNOWLEDGED = _("This flag has already been acknowledged.")
ERROR_FOLLOW_UP = _("Please choose what was done.")
ERROR_ACK_NOTE = _("Please write a note of what was done.")
ERROR_NOTE_EMPTY = _("Please write the note before saving it.")
ERROR_NOTE_TOO_LONG = _("Please keep a note under 10,000 characters, or split it in two.")

NOTE_MAX_LENGTH = 10_000

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.IN_REVIEW, Status.CLOSED}),
    Status.IN_REVIEW: frozenset({Status.ACCEPTED, Status.REFERRED, Status.CLOSED}),
    Status.ACCEPTED: frozenset({Status.CLOSED}),
    Status.REFERRED: frozenset({Status.CLOSED}),
}
DECISIONS = frozenset({Status.ACCEPTED, Status.REFERRED, Status.CLOSED})


class ReviewError(Exception):
    """A review action that cannot be done; `message` is safe to show, `errors` maps form
    field names to messages."""

    def __init__(self, message, errors: dict[str, str] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.errors = errors or {}


# --- Recording views (reads of clinical content are audited too)


def review_queue_viewed(*, actor: User, intakes: list[Intake], request: HttpRequest | None = None) -> None:
    """One audit row per intake shown in the queue (its name and risk level were seen),
    written in a single INSERT so the page costs the same however many rows it shows."""
    audit_record_many(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="intake_queue_row",
        records=[(intake.pk, intake.client) for intake in intakes],
        detail="name, risk level and status seen in the review queue",
        request=request,
    )


def review_detail_viewed(
    *, actor: User, intake: Intake, note_count: int, request: HttpRequest | None = None
) -> None:
    """The full intake, its flags and its internal notes were opened."""
    audit_record(
        client=intake.client,
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="intake",
        object_id=intake.pk,
        detail=f"review opened: answers, scores, flags and {note_count} internal notes",
        request=request,
    )


# --- Assignment


@transaction.atomic
def intake_assign(
    *, intake: Intake, therapist: User, actor: User, request: HttpRequest | None = None
) -> Intake:
    """Assign the intake to an active therapist (the actor herself for "assign to me")."""
    if therapist.role != User.Role.THERAPIST or not therapist.is_active:
        raise ReviewError(ERROR_NOT_A_THERAPIST, {"therapist": ERROR_NOT_A_THERAPIST})
    fresh = Intake.objects.select_for_update().select_related("client").get(pk=intake.pk)
    previous = fresh.assigned_therapist_id
    fresh.assigned_therapist = therapist
    fresh.save(update_fields=["assigned_therapist", "updated_at"])
    audit_record(
        client=fresh.client,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="intake",
        object_id=fresh.pk,
        detail=f"assigned to user {therapist.pk} (was {previous or 'unassigned'})",
        request=request,
    )
    return fresh


# --- Status workflow


def _unacknowledged_same_day(intake: Intake) -> bool:
    return intake.risk_flags.filter(acknowledged_at__isnull=True, level__in=SAME_DAY_LEVELS).exists()


@transaction.atomic
def intake_status_change(
    *,
    intake: Intake,
    status: str,
    actor: User,
    note: str = "",
    resources: str = "",
    request: HttpRequest | None = None,
) -> Intake:
    """Move the intake along the review workflow.

    Referring out needs a note and the resources given; closing needs a reason (kept as the
    decision note). Accepting makes the intake ready for the front desk to schedule. Raises
    ReviewError for a move the workflow does not allow, or while a high or urgent flag is
    unacknowledged (for a decision).
    """
    fresh = Intake.objects.select_for_update().select_related("client").get(pk=intake.pk)
    if status not in TRANSITIONS.get(fresh.status, frozenset()):
        raise ReviewError(ERROR_TRANSITION, {"status": ERROR_TRANSITION})
    note, resources = note.strip(), resources.strip()
    errors = {}
    if status == Status.REFERRED:
        if not note:
            errors["note"] = ERROR_REFERRAL_NOTE
        if not resources:
            errors["resources"] = ERROR_REFERRAL_RESOURCES
    elif status == Status.CLOSED and not note:
        errors["note"] = ERROR_CLOSE_REASON
    if errors:
        raise ReviewError(next(iter(errors.values())), errors)
    if status in DECISIONS and _unacknowledged_same_day(fresh):
        raise ReviewError(ERROR_FLAGS_OPEN, {"status": ERROR_FLAGS_OPEN})
    previous = fresh.status
    fresh.status = status
    fields = ["status", "updated_at"]
    if status in DECISIONS:
        fresh.decided_at = timezone.now()
        fresh.decided_by = actor
        fields += ["decided_at", "decided_by"]
        if status in (Status.REFERRED, Status.CLOSED):
            fresh.decision_note = note
            fields.append("decision_note")
        if status == Status.REFERRED:
            fresh.referral_resources = resources
            fields.append("referral_resources")
    fresh.save(update_fields=fields)
    audit_record(
        client=fresh.client,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="intake",
        object_id=fresh.pk,
        detail=f"status {previous} -> {status}",
        request=request,
    )
    return fresh


# --- Risk flags


@dataclass(frozen=True)
class Acknowledgement:
    """What risk_flag_acknowledge did. `by_someone_else` is set when another therapist had
    acknowledged the flag a moment before: then `kept_note` is the note this therapist wrote,
    kept as an internal note rather than dropped."""

    flag: RiskFlag
    by_someone_else: bool = False
    kept_note: InternalNote | None = None


@transaction.atomic
def risk_flag_acknowledge(
    *, flag: RiskFlag, actor: User, follow_up: str, note: str, request: HttpRequest | None = None
) -> Acknowledgement:
    """Record that a therapist has seen the flag and what was done about it.

    The flag stays on the intake (and the intake's risk level is unchanged): the
    acknowledgement is added to it, never replacing what raised it. Two therapists acting
    on the same flag at once: the first acknowledges it; the second is told who did, and
    her note (what she did matters too) is kept as an internal note.
    """
    # One lock order everywhere: the intake, then its flags (as a client's save takes them).
    list(Intake.objects.select_for_update().filter(pk=flag.intake_id).values_list("pk", flat=True))
    fresh = (
        RiskFlag.objects.select_for_update(of=("self",))
        .select_related("intake__client", "acknowledged_by")
        .get(pk=flag.pk)
    )
    note = note.strip()
    if fresh.acknowledged_at is not None:
        if not note:
            raise ReviewError(ERROR_ALREADY_ACKNOWLEDGED)
        by = fresh.acknowledged_by
        who = "you" if by == actor else (by.get_full_name() if by else "another therapist")
        local = timezone.localtime(fresh.acknowledged_at).strftime("%b %-d, %Y %-I:%M %p")
        done = dict(RiskFlag.FollowUp.choices).get(follow_up, "")
        kept = internal_note_add(
            intake=fresh.intake,
            author=actor,
            body=(
                (f"What was done: {done}.\n" if done else "")
                + f"{note}\n[Written to acknowledge the {fresh.get_level_display().lower()} flag, which "
                f"{who} acknowledged on {local}; kept here as a note.]"
            ),
            request=request,
        )
        return Acknowledgement(flag=fresh, by_someone_else=True, kept_note=kept)
    errors = {}
    if follow_up not in RiskFlag.FollowUp.values:
        errors["follow_up"] = ERROR_FOLLOW_UP
    if not note:
        errors["note"] = ERROR_ACK_NOTE
    if errors:
        raise ReviewError(next(iter(errors.values())), errors)
    fresh.acknowledged_at = timezone.now()
    fresh.acknowledged_by = actor
    fresh.follow_up = follow_up
    fresh.acknowledgement_note = note
    fresh.save(
        update_fields=[
            "acknowledged_at",
            "acknowledged_by",
            "follow_up",
            "acknowledgement_note",
            "updated_at",
        ]
    )
    audit_record(
        client=fresh.intake.client,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="risk_flag",
        object_id=fresh.pk,
        detail=f"{fresh.level} flag acknowledged: {follow_up}",
        request=request,
    )
    summary_refresh(intake_id=fresh.intake_id)
    return Acknowledgement(flag=fresh)


# --- Internal notes (append-only: there is no service that edits or removes one)

# The same note from the same person on the same intake within this time is one note sent
# twice (a double click, a resent form), not a second note.
NOTE_REPEAT_WINDOW = dt.timedelta(seconds=30)


@transaction.atomic
def internal_note_add(
    *, intake: Intake, author: User, body: str, request: HttpRequest | None = None
) -> InternalNote:
    """Add a note to the intake. Notes are never edited: a correction is a new note."""
    body = body.strip()
    if not body:
        raise ReviewError(ERROR_NOTE_EMPTY, {"body": ERROR_NOTE_EMPTY})
    if len(body) > NOTE_MAX_LENGTH:
        raise ReviewError(ERROR_NOTE_TOO_LONG, {"body": ERROR_NOTE_TOO_LONG})
    now = timezone.now()
    # Notes on one intake are added one at a time (the intake's row lock), so the same note
    # sent twice by a double click is found here and kept once: notes cannot be removed.
    Intake.objects.select_for_update().filter(pk=intake.pk).values_list("pk", flat=True).first()
    same = (
        InternalNote.objects.filter(
            intake=intake, author=author, body=body, created_at__gte=now - NOTE_REPEAT_WINDOW
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if same is not None:
        return same
    note = InternalNote.objects.create(intake=intake, author=author, body=body, created_at=now)
    audit_record(
        client=intake.client,
        actor=author,
        action=AuditEvent.Action.CREATE,
        object_type="internal_note",
        object_id=note.pk,
        detail="internal note added",
        request=request,
    )
    summary_refresh(intake_id=intake.pk)
    return note


def summary_rerender_request(*, intake: Intake, actor: User, request: HttpRequest | None = None) -> None:
    """A therapist's request for a fresh render, even if nothing changed (a damaged copy, a
    new template). Queued after commit; rendered here if the broker cannot take it."""
    requested_after = timezone.now()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="summary_document",
        object_id=intake.pk,
        client=intake.client,
        detail="PDF summary re-render requested",
        request=request,
    )
    intake_id = intake.pk
    # A person asked: whatever stopped the last try, this one is worth making.
    Intake.objects.filter(pk=intake_id).update(
        summary_problem=Intake.SummaryProblem.NONE, summary_problem_at=None
    )

    def queue() -> None:
        if not summary_queue(intake_id, requested_after=requested_after):
            summaries_render(intake_id=intake_id, requested_after=requested_after)

    transaction.on_commit(queue)
