"""How client views reach intake records. Each narrows to the signed-in client's own
intake first, so any other id answers 404 and reveals nothing.

(These belong beside the other access rules in portal/access.py; they live here until the
lead moves them, to keep portal free of intake's internals.)
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.access import can_see_clinical, object_or_404
from portal.models import User
from portal.selectors import practice_get

from .models import ConsentDocument, Intake, PregnancyEntry, RiskFlag, RiskLevelChoices
from .services import intake_get_or_start


def intake_for_client(*, user: User, request=None) -> Intake:
    """The signed-in client's own intake, started on first use."""
    return intake_get_or_start(client=user, request=request)


def pregnancy_entry_for_client(*, user: User, pk) -> PregnancyEntry:
    """One entry of the client's own pregnancy history, else 404."""
    return object_or_404(PregnancyEntry.objects.select_related("intake"), pk=pk, intake__client=user)


def consent_document_current(*, pk) -> ConsentDocument:
    """A current agreement (any client may read and sign it), else 404."""
    return object_or_404(ConsentDocument.objects.filter(is_current=True), pk=pk)


# --- Staff (the therapist review). The front desk never reaches these: the views are
# clinical_staff_required, so it is refused with 403 before any record is looked at.


def _staff_reachable() -> Q:
    """Intakes staff may open: every sent intake, and a draft only once it has raised a
    same-day safety flag (the on-call has been told, so the therapist must be able to act)."""
    same_day = RiskFlag.objects.filter(
        intake=OuterRef("pk"), level__in=[RiskLevelChoices.HIGH, RiskLevelChoices.URGENT]
    )
    return ~Q(status=Intake.Status.DRAFT) | Q(Exists(same_day))


def intakes_for_staff(*, user: User) -> QuerySet[Intake]:
    """Every intake this clinical staff member may see.

    Therapists see all of them (a small practice), unless the practice has chosen
    "therapists see only assigned and unassigned intakes"; the practice admin sees all.
    """
    if not can_see_clinical(user):
        return Intake.objects.none()
    intakes = Intake.objects.filter(_staff_reachable())
    if user.role != User.Role.THERAPIST:
        return intakes
    practice = practice_get()
    if practice is not None and practice.therapists_see_assigned_only:
        intakes = intakes.filter(Q(assigned_therapist=user) | Q(assigned_therapist__isnull=True))
    return intakes


def intake_for_staff(*, user: User, pk) -> Intake:
    """One intake for the therapist review, else 404 (also for one the user may not see)."""
    return object_or_404(
        intakes_for_staff(user=user).select_related("client", "assigned_therapist", "decided_by"), pk=pk
    )


def risk_flag_for_staff(*, user: User, pk) -> RiskFlag:
    """A risk flag on an intake the user may see, else 404."""
    return object_or_404(
        RiskFlag.objects.select_related("intake", "intake__client").filter(
            intake__in=intakes_for_staff(user=user)
        ),
        pk=pk,
    )


def intake_own_for_client(*, user: User, pk) -> Intake:
    """The signed-in client's own intake named by id (her PDF copy), else 404."""
    return object_or_404(Intake.objects.select_related("client"), pk=pk, client=user)
