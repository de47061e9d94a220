"""Writes to the practice's own details and settings (the one Practice row)."""

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest

from .audit import audit_record
from .models import AuditEvent, Practice, User
from .practice_changes import practice_changed
from .selectors import practice_get


@dataclass(frozen=True)
class PracticeSaved:
    # The settings that changed (field names), in the order given.
    changed: list[str]
    # What the apps could not write again from the new details (an agreement left as it was).
    problems: list[str]


@transaction.atomic
def practice_update(
    *, changes: dict[str, object], actor: User | None, request: HttpRequest | None = None
) -> PracticeSaved:
    """Save the given details and settings of the practice, audited with the names of those
    that changed, then have every app write again what it writes from them (the agreements
    naming the practice's address, notice or fee are published as new versions).

    Saving the values it already has changes nothing and writes no audit row.
    """
    practice = Practice.objects.select_for_update().get(pk=practice_get().pk)
    changed = [field for field, value in changes.items() if getattr(practice, field) != value]
    if not changed:
        return PracticeSaved(changed=[], problems=[])
    for field in changed:
        setattr(practice, field, changes[field])
    practice.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="practice",
        object_id=practice.pk,
        detail="changed " + ", ".join(changed),
        request=request,
    )
    return PracticeSaved(changed=changed, problems=practice_changed(actor=actor, request=request))
