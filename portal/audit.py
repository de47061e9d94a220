"""The audit trail: one service that writes, one selector that reads."""

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from allauth.account.adapter import get_adapter as get_account_adapter
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .audit_detail import booking_sentence, detail_ids, detail_slugs, detail_words
from .audit_words import A_CLIENT, SOMEONE, SYSTEM, audit_sentence, name_short
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


def _audit_event(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: object = "",
    client: User | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """The audit row audit_record writes, not saved yet."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent(
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
    event = _audit_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client=client,
        detail=detail,
        request=request,
    )
    event.save(force_insert=True)
    return event


def audit_insert_sql(
    *,
    connection,
    actor: User | None,
    action: str,
    object_type: str,
    client: User | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
    source: str = "",
    object_id: object = "",
    object_id_sql: str = "",
) -> tuple[str, list]:
    """audit_record's row as one plain INSERT ... SELECT (sql, params), for a hot write that
    makes its change and its audit row in as few statements as the database allows.

    With `source` (a FROM clause: the change's own RETURNING, in a WITH) one row is written
    per row it yields, none when the change matched nothing; `object_id_sql` is then the SQL
    expression of the object's id there (in place of `object_id`). Run it in the same
    statement or transaction as the change, as audit_record asks.
    """
    event = _audit_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client=client,
        detail=detail,
        request=request,
    )
    columns, values, params = [], [], []
    for field in AuditEvent._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name == "object_id" and object_id_sql:
            values.append(object_id_sql)
            continue
        values.append("%s")
        # What the ORM's INSERT would send for this column (created_at's default included).
        params.append(field.get_db_prep_save(field.pre_save(event, True), connection))
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"
    return (f"{sql} FROM {source}" if source else sql), params


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


@dataclass(frozen=True)
class AuditPage:
    """One page of audit rows, newest first, with the cursors of the pages either side (None
    at either end). Paged by (time, id), never by counting: the table only grows."""

    events: list[AuditEvent]
    older: str | None
    newer: str | None

    def __iter__(self):
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _cursor(event: AuditEvent) -> str:
    return f"{(event.created_at - _EPOCH) // timedelta(microseconds=1)}.{event.pk}"


def _cursor_parse(cursor: str | None) -> tuple[datetime, int] | None:
    """A cursor from a link, or None for one that is missing or malformed (the newest page)."""
    micros, _dot, pk = (cursor or "").partition(".")
    if not (micros.isdigit() and pk.isdigit()) or len(micros) > 18 or len(pk) > 18:
        return None
    try:
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:
        return None


def audit_events_page(
    events: models.QuerySet[AuditEvent], *, before: str | None = None, after: str | None = None, size: int
) -> AuditPage:
    """The page of `events` (newest first) just older than the `before` cursor, or just newer
    than `after`, or the newest page; two index range reads, no COUNT."""
    if (point := _cursor_parse(after)) is not None:
        at, pk = point
        newer_first = events.filter(models.Q(created_at__gt=at) | models.Q(created_at=at, id__gt=pk))
        rows = list(newer_first.order_by("created_at", "id")[: size + 1])
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        has_older = True
        if not rows:  # nothing newer than that link any more: the newest page
            return audit_events_page(events, size=size)
    else:
        if (point := _cursor_parse(before)) is not None:
            at, pk = point
            events = events.filter(models.Q(created_at__lt=at) | models.Q(created_at=at, id__lt=pk))
        rows = list(events.order_by("-created_at", "-id")[: size + 1])
        has_older = len(rows) > size
        rows = rows[:size]
        has_newer = point is not None
    return AuditPage(
        events=rows,
        older=_cursor(rows[-1]) if rows and has_older else None,
        newer=_cursor(rows[0]) if rows and has_newer else None,
    )


@dataclass(frozen=True)
class AuditLine:
    event: AuditEvent
    sentence: str
    detail: str


def _person(user: User | None) -> str:
    if user is None:
        return ""
    if user.role == User.Role.CLIENT:
        return name_short(user.full_name, fallback=user.email)
    return user.full_name or user.email


def _session_type_names(slugs: set[str]) -> dict[str, str]:
    """Session types' names by slug, in one query, when the scheduling app is installed (the
    portal knows it by name only)."""
    if not slugs or not apps.is_installed("scheduling"):
        return {}
    session_type = apps.get_model("scheduling", "SessionType")
    return dict(session_type.objects.filter(slug__in=slugs).values_list("slug", "name"))


def _modality_labels() -> dict[str, str]:
    if not apps.is_installed("scheduling"):
        return {}
    field = apps.get_model("scheduling", "Appointment")._meta.get_field("modality")
    return {code: str(label) for code, label in field.choices}


def audit_lines(page: AuditPage) -> list[AuditLine]:
    """Each row of the page as an owner reads it: who did what to whom, in words, the people
    and session types its detail names by number or code loaded in one query each."""
    ids: set[int] = set()
    slugs: set[str] = set()
    for event in page:
        ids |= detail_ids(event.object_type, event.object_id, event.detail)
        slugs |= detail_slugs(event.detail)
    names = {pk: _person(user) for pk, user in User.objects.in_bulk(ids).items()} if ids else {}
    session_types = _session_type_names(slugs)
    modalities = _modality_labels() if slugs else {}
    roles = dict(User.Role.choices)
    lines = []
    for event in page:
        actor, client = _person(event.actor), _person(event.client)
        by_herself = event.client_id is not None and event.client_id == event.actor_id
        booked = event.action == AuditEvent.Action.CREATE and booking_sentence(
            event.detail,
            actor=actor or str(SYSTEM),
            client=client or str(A_CLIENT),
            names=names,
            session_types=session_types,
            modalities=modalities,
        )
        if booked:
            lines.append(AuditLine(event=event, sentence=booked, detail=""))
            continue
        found = [names[pk] for pk in detail_ids(event.object_type, event.object_id, "") if pk in names]
        found = found or [names[pk] for pk in detail_ids("", "", event.detail) if pk in names]
        sentence = audit_sentence(
            action=event.action,
            object_type=event.object_type,
            actor=actor,
            client=client,
            by_herself=by_herself,
            target=found[0] if found else "",
        )
        detail = detail_words(event.detail, object_type=event.object_type, names=names, roles=roles)
        if event.action == AuditEvent.Action.ROLE_CHANGE and detail:
            sentence, detail = f"{sentence} {detail}", ""
        elif event.detail == "account deactivated":
            whose = found[0] if found else str(SOMEONE)
            closed = _("closed the account of %(target)s") % {"target": whose}
            sentence, detail = f"{actor or SYSTEM} {closed}", ""
        lines.append(AuditLine(event=event, sentence=sentence, detail=detail))
    return lines
