"""The practice admin's writes to the kinds of session clients can book, and their fees."""

from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify

from portal.audit import audit_record
from portal.models import AuditEvent, User

from .estimate_tasks import estimates_on_fee_change
from .models import SessionType

# The fields the practice admin sets; the slug is made once from the first name.
SESSION_TYPE_FIELDS = ("name", "duration_minutes", "self_pay_fee", "service_code", "active")
# Changing one of these may put a booked client's Good Faith Estimate out of date.
ESTIMATED_FIELDS = ("self_pay_fee", "service_code")


def _free_slug(name: str) -> str:
    base = slugify(name)[:40] or "session"
    slug, number = base, 1
    while SessionType.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def session_type_save(
    *,
    session_type: SessionType | None,
    values: dict[str, object],
    actor: User | None,
    request: HttpRequest | None = None,
) -> SessionType:
    """Add a session type (session_type None) or change one, audited with what changed.

    A session type is never deleted, since appointments refer to it: it is turned off
    (active False), and clients no longer see it. Booked appointments keep their length. A
    new fee or code issues again each upcoming booking's estimate it changes (a new version;
    the ones issued are kept).
    """
    values = {field: values[field] for field in SESSION_TYPE_FIELDS if field in values}
    if session_type is None:
        session_type = SessionType.objects.create(slug=_free_slug(str(values["name"])), **values)
        changed = list(values)
        action = AuditEvent.Action.CREATE
    else:
        session_type = SessionType.objects.select_for_update().get(pk=session_type.pk)
        changed = [field for field, value in values.items() if getattr(session_type, field) != value]
        if not changed:
            return session_type
        for field in changed:
            setattr(session_type, field, values[field])
        session_type.save(update_fields=[*changed, "updated_at"])
        action = AuditEvent.Action.UPDATE
        if set(changed) & set(ESTIMATED_FIELDS):
            estimates_on_fee_change()
    audit_record(
        actor=actor,
        action=action,
        object_type="session_type",
        object_id=session_type.pk,
        detail=f"{session_type.name}: " + ", ".join(changed),
        request=request,
    )
    return session_type
