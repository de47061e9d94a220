"""Intake's object rules, on top of the role predicates of portal.access. Each narrows to
what the signed-in user may see first (a client: her own intake), so any other id answers
404 and reveals nothing.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from portal.access import can_schedule, can_see_clinical, is_client, object_or_404
from portal.models import User
from portal.selectors import practice_get

from .models import ConsentDocument, HardDate, InsuranceCardImage, Intake, PregnancyEntry, RiskFlag
from .risk_rules import SAME_DAY_LEVELS
from .selectors import intake_for_client, intake_unstarted


def intake_own(*, user: User) -> Intake:
    """The signed-in client's own intake; before her first answer, the unsaved one her first
    save will start (selectors.intake_unstarted). Reads only: a page never writes."""
    intake = intake_for_client(client=user) or intake_unstarted(client=user)
    intake.client = user
    return intake


def pregnancy_entry_for_client(*, user: User, pk) -> PregnancyEntry:
    """One entry of the client's own pregnancy history, else 404."""
    return object_or_404(PregnancyEntry.objects.select_related("intake"), pk=pk, intake__client=user)


def hard_date_for_client(*, user: User, pk) -> HardDate:
    """One of the client's own hard dates, else 404."""
    return object_or_404(HardDate.objects.select_related("intake"), pk=pk, intake__client=user)


def consent_documents_posted(*, pks: list[int]) -> list[ConsentDocument]:
    """The agreements a signing page showed, in its order: any client may read every version,
    and one replaced since the page was opened is refused by the service, with a reason."""
    found = {d.pk: d for d in ConsentDocument.objects.filter(pk__in=pks)}
    return [found[pk] for pk in dict.fromkeys(pks) if pk in found]


# --- Staff (the therapist review). The front desk never reaches these: the views are
# clinical_staff_required, so it is refused with 403 before any record is looked at.


def _staff_reachable() -> Q:
    """Intakes staff may open: every sent intake, and a draft only once it has raised a
    same-day safety flag (the on-call has been told, so the therapist must be able to act)."""
    same_day = RiskFlag.objects.filter(intake=OuterRef("pk"), level__in=SAME_DAY_LEVELS)
    return ~Q(status=Intake.Status.DRAFT) | Q(Exists(same_day))


def intakes_for_staff(*, user: User) -> QuerySet[Intake]:
    """Every intake this clinical staff member may see.

    Therapists see all of them (a small practice), unless the practice has chosen
    "therapists see only assigned and unassigned intakes"; the practice admin sees all.
    """
    if not can_see_clinical(user):
        return Intake.objects.none()
    intakes = Intake.objects.filter(_staff_reachable())
    rule = _assignment_rule(user)
    return intakes if rule is None else intakes.filter(rule)


def _assignment_rule(user: User, prefix: str = "") -> Q | None:
    """The practice's "therapists see only assigned and unassigned intakes" for this user
    (fields of the intake under `prefix`), or None when it does not narrow what she sees."""
    if user.role != User.Role.THERAPIST:
        return None
    practice = practice_get()
    if not practice.therapists_see_assigned_only:
        return None
    return Q(**{f"{prefix}assigned_therapist": user}) | Q(**{f"{prefix}assigned_therapist__isnull": True})


def same_day_flags_for_staff(*, user: User) -> QuerySet[RiskFlag]:
    """High and urgent flags on intakes this clinical staff member may see.

    Such a flag makes its intake reachable by itself (a draft included, see
    _staff_reachable), so only the assignment rule can narrow them: no scan of the intakes.
    """
    if not can_see_clinical(user):
        return RiskFlag.objects.none()
    flags = RiskFlag.objects.filter(level__in=SAME_DAY_LEVELS)
    rule = _assignment_rule(user, prefix="intake__")
    return flags if rule is None else flags.filter(rule)


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


# --- Payment: card photos are billing data. The client sees her own; the front desk and the
# practice admin see any (billing is their job); a therapist sees those of intakes she may open.


def card_image_for(*, user: User, pk) -> InsuranceCardImage:
    """One card photo the user may see, else 404."""
    images = InsuranceCardImage.objects.select_related("intake__client")
    if is_client(user):
        return object_or_404(images, pk=pk, intake__client=user)
    if can_schedule(user):
        return object_or_404(images, pk=pk)
    if can_see_clinical(user):
        return object_or_404(images, pk=pk, intake__in=intakes_for_staff(user=user))
    raise Http404


def intake_for_billing(*, user: User, pk) -> Intake:
    """An intake whose billing details the front desk or the practice admin may record, else 404."""
    if not can_schedule(user):
        raise Http404
    return object_or_404(Intake.objects.select_related("client"), pk=pk)
