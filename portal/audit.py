"""The audit trail: one service that writes, one selector that reads."""

import ipaddress

from allauth.account.adapter import get_adapter as get_account_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest

from .models import AuditEvent, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, honouring the trusted proxy count allauth is configured with."""
    if request is None:
        return None
    try:
        ip = get_account_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # An audit row is still written without an address rather than losing the record.
        return None
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


def audit_record(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: object = "",
    client: User | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Record who did what to which client's record, from where.

    Call it inside the same transaction as the change it describes, so a rolled-back
    change leaves no audit row and a committed one always has its row.
    """
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        client=client,
        action=action,
        object_type=object_type[:60],
        object_id=str(object_id)[:64],
        detail=detail[:300],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        path=(request.get_full_path() if request else "")[:300],
    )


def audit_record_many(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    records: list[tuple[object, User | None]],
    detail: str = "",
    request: HttpRequest | None = None,
) -> list[AuditEvent]:
    """audit_record for many records at once (object id, client), in one INSERT.

    For list pages: one row per record shown keeps "who saw this client" answerable by the
    client filter, while the page's query count stays the same however long the list is.
    """
    if actor is not None and not actor.is_authenticated:
        actor = None
    ip = client_ip(request)
    user_agent = (request.META.get("HTTP_USER_AGENT", "") if request else "")[:300]
    path = (request.get_full_path() if request else "")[:300]
    return AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                client=client,
                action=action,
                object_type=object_type[:60],
                object_id=str(object_id)[:64],
                detail=detail[:300],
                ip_address=ip,
                user_agent=user_agent,
                path=path,
            )
            for object_id, client in records
        ]
    )


def audit_events_list(
    *,
    actor_id: int | None = None,
    client_id: int | None = None,
    since=None,
    until=None,
) -> models.QuerySet[AuditEvent]:
    """Audit rows newest first, optionally narrowed by staff user, client and time."""
    events = AuditEvent.objects.select_related("actor", "client")
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if client_id is not None:
        events = events.filter(client_id=client_id)
    if since is not None:
        events = events.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
    return events.order_by("-created_at", "-id")
