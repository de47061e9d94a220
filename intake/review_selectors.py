"""Reads for the therapist review: the triage queue, one intake at a glance, the header
count, and what the front desk may know of accepted intakes.

Every read here starts from intake.access.intakes_for_staff, so a therapist never gets more
than the access rules allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.access import can_see_clinical
from portal.cached import cached_value
from portal.models import User
from portal.paging import WindowPage, page_number, window_page
from portal.selectors import has_joined

from . import pregnancy_history
from .access import intakes_for_staff
from .display import Row, field_rows, practice_zone, pregnancy_rows
from .facts import IntakeFacts, intake_facts
from .models import (
    ConsentSignature,
    Intake,
    InternalNote,
    PregnancyEntry,
    ReviewQueueRank,
    RiskFlag,
    RiskLevelChoices,
)
from .risk_rules import SAME_DAY_LEVELS
from .screening_display import FlagView, ScreenerRow
from .selectors import PaymentDetails, payment_details_of, referral_rows

# The queue's default: everything the practice has not finished with.
OPEN_STATUSES = (
    Intake.Status.SUBMITTED,
    Intake.Status.IN_REVIEW,
    Intake.Status.ACCEPTED,
    Intake.Status.REFERRED,
)
ASSIGNED_MINE = "mine"
ASSIGNED_NONE = "unassigned"

# Detail sections, in the order of the PDF summary.
SYMPTOM_FIELDS = ("symptoms", "onset", "duration", "impact_work", "impact_relationships", "impact_self_care")
HISTORY_FIELDS = (
    "past_therapy",
    "past_therapy_detail",
    "diagnoses",
    "prescriber",
    "ob_provider",
    "substance_use",
)
SUPPORT_FIELDS = (
    "relationship_status",
    "supporters",
    "partner_may_join",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
)
OWN_WORDS_FIELDS = ("hopes", "symptoms_other", "before_losses", "appointment_preferences")


def _unacknowledged(levels: tuple[str, ...] | None = None) -> Subquery:
    # A correlated subquery rather than a JOIN + GROUP BY: the database sorts and pages the
    # intakes first and counts flags only for the rows on the page, and the paginator's
    # COUNT(*) needs no grouping.
    flags = RiskFlag.objects.filter(intake=OuterRef("pk"), acknowledged_at__isnull=True)
    if levels is not None:
        flags = flags.filter(level__in=levels)
    counted = flags.order_by().values("intake").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def review_queue(
    *,
    user: User,
    status: str = "",
    risk: str = "",
    assigned: str = "",
    service: str = "",
    search: str = "",
) -> QuerySet[Intake]:
    """The triage queue: urgent and high first, then the longest waiting.

    Filters take the values of QueueFilterForm (already validated): `status` one of
    Intake.Status (default: everything sent and not closed, plus a draft that raised a
    same-day flag), `risk` a level, `assigned` "mine", "unassigned" or a user id, `service` a
    service slug, `search` part of the client's name or email. Only what orders and filters
    the rows is selected: page it, then give the page to review_queue_rows for the details
    shown (so the per-row counts are worked out for one page, not for every intake). Page
    it with portal.paging (never an exact count: the queue grows with the practice).
    """
    intakes = intakes_for_staff(user=user)
    if status:
        intakes = intakes.filter(status=status)
    else:
        # The draft's flag is checked per row (only for drafts), so the database walks the
        # queue's index instead of first gathering every flagged draft from all intakes.
        open_same_day = RiskFlag.objects.filter(
            intake=OuterRef("pk"), level__in=SAME_DAY_LEVELS, acknowledged_at__isnull=True
        )
        intakes = intakes.filter(
            Q(status__in=OPEN_STATUSES) | (Q(status=Intake.Status.DRAFT) & Exists(open_same_day))
        )
    if risk:
        intakes = intakes.filter(risk_level=risk)
    if assigned == ASSIGNED_MINE:
        intakes = intakes.filter(assigned_therapist=user)
    elif assigned == ASSIGNED_NONE:
        intakes = intakes.filter(assigned_therapist__isnull=True)
    elif assigned:
        intakes = intakes.filter(assigned_therapist_id=assigned)
    if service:
        if connection.features.supports_json_field_contains:
            intakes = intakes.filter(services__contains=[service])
        else:
            # The slug comes from the declared choices, so matching its quoted form is exact.
            intakes = intakes.filter(services__icontains=f'"{service}"')
    if search := search.strip():
        intakes = intakes.filter(
            Q(legal_name__icontains=search)
            | Q(preferred_name__icontains=search)
            | Q(contact_email__icontains=search)
            | Q(client__full_name__icontains=search)
            | Q(client__email__icontains=search)
        )
    return _in_queue_order(intakes)


def _in_queue_order(intakes: QuerySet[Intake]) -> QuerySet[Intake]:
    # Exactly the indexed order (Intake.Meta.indexes), so the database walks the index.
    return intakes.order_by(ReviewQueueRank().asc(), "submitted_at", "created_at", "pk")


# A queue row's place in the queue's order: (rank, submitted_at or None, created_at, pk).
QueueKey = tuple[int, datetime | None, datetime, int]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Digits enough for any microsecond timestamp or id the portal will hold; a longer number
# is a tampered key.
_KEY_DIGITS = 18


def _micros(moment: datetime) -> str:
    return str((moment - _EPOCH) // timedelta(microseconds=1))


def queue_key_text(key: QueueKey) -> str:
    """A queue key as it travels in a link: four numbers (n for a draft never sent)."""
    rank, submitted_at, created_at, pk = key
    return ".".join(
        (str(rank), "n" if submitted_at is None else _micros(submitted_at), _micros(created_at), str(pk))
    )


def queue_key_parse(text: object) -> QueueKey | None:
    """The key of queue_key_text, or None for anything else (a tampered link)."""
    parts = str(text or "").split(".")
    if len(parts) != 4 or not all(
        p == "n" or (p.isascii() and p.isdigit() and len(p) <= _KEY_DIGITS) for p in parts
    ):
        return None
    rank, submitted, created, pk = parts
    if "n" in (rank, created, pk):
        return None
    try:
        submitted_at = None if submitted == "n" else _EPOCH + timedelta(microseconds=int(submitted))
        created_at = _EPOCH + timedelta(microseconds=int(created))
    except OverflowError:
        return None
    return int(rank), submitted_at, created_at, int(pk)


def _queue_seek_parts(key: QueueKey, *, forward: bool) -> list[Q]:
    """The rows after (or before) `key` in the queue's order, as conditions that each read
    one range of the queue's index: their union is the whole "after" (or "before").

    Where a draft's missing submitted_at sorts depends on the database (last on PostgreSQL,
    first on SQLite), as the index and ORDER BY put it."""
    rank, submitted_at, created_at, pk = key
    nulls_last = connection.features.nulls_order_largest
    beyond = "gt" if forward else "lt"
    # Whether the drafts (no submitted_at) of this rank come after this key in this direction.
    nulls_beyond = nulls_last if forward else not nulls_last
    same_rank = Q(queue_rank=rank)
    parts = [Q(**{f"queue_rank__{beyond}": rank})]
    if submitted_at is None:
        same_sent = Q(submitted_at__isnull=True)
        if not nulls_beyond:
            parts.append(same_rank & Q(submitted_at__isnull=False))
    else:
        same_sent = Q(submitted_at=submitted_at)
        parts.append(same_rank & Q(**{f"submitted_at__{beyond}": submitted_at}))
        if nulls_beyond:
            parts.append(same_rank & Q(submitted_at__isnull=True))
    parts.append(same_rank & same_sent & Q(**{f"created_at__{beyond}": created_at}))
    parts.append(same_rank & same_sent & Q(created_at=created_at) & Q(**{f"pk__{beyond}": pk}))
    return parts


QUEUE_KEY_FIELDS = ("pk", "queue_rank", "submitted_at", "created_at")


def queue_keys(queue: QuerySet[Intake]) -> QuerySet:
    """review_queue's rows as their keys (QUEUE_KEY_FIELDS), in its order."""
    return queue.annotate(queue_rank=ReviewQueueRank()).values_list(*QUEUE_KEY_FIELDS)


def queue_seek(queue: QuerySet[Intake], key: QueueKey, *, forward: bool, limit: int) -> QuerySet:
    """At most `limit` keys of review_queue just after (or just before) `key`, as one query
    that seeks in the queue's index. Sort what it returns with queue_key_order.

    On PostgreSQL each range is its own LIMITed index scan in a UNION ALL (an OR of them
    would make the database read the index from the start, or sort); SQLite, which cannot
    limit the parts of a compound query, gets the OR, read from the key's rank on."""
    keys = queue_keys(queue)
    if not forward:
        keys = keys.reverse()
    parts = _queue_seek_parts(key, forward=forward)
    if not connection.features.supports_slicing_ordering_in_compound:
        either = parts[0]
        for part in parts[1:]:
            either |= part
        # Implied by the OR, but said outright so the database starts at the key's rank.
        within = Q(queue_rank__gte=key[0]) if forward else Q(queue_rank__lte=key[0])
        return keys.filter(within, either)[:limit]
    first, *rest = (keys.filter(part)[:limit] for part in parts)
    return first.union(*rest, all=True)


def queue_key_order(row: tuple) -> tuple:
    """A sort key putting queue_keys rows in the queue's order, as the database orders them."""
    pk, rank, submitted_at, created_at = row
    missing = submitted_at is None
    nulls_place = (1 if missing else 0) if connection.features.nulls_order_largest else (0 if missing else 1)
    return rank, nulls_place, submitted_at or _EPOCH, created_at, pk


def review_queue_page(queue: QuerySet[Intake], *, number: object, after: object, before: object, size: int):
    """A page of review_queue (its ids, with the keys for the links to the pages beside it).

    With `after` (the last key of the page before) or `before` (the first key of the page
    after), the database seeks to the key in the queue's index, however deep the page; else
    (an old ?page=N link, or the first page) the page is read by number. A key that does not
    parse, or that leads nowhere, shows the first page."""
    wanted = page_number(number)
    key = queue_key_parse(after or before)
    if key is None or wanted < 2:
        # A key that was sent but does not parse shows the first page, not the numbered one.
        tampered = key is None and (after is not None or before is not None)
        page = window_page(queue_keys(queue), number=1 if tampered else number, size=size)
    else:
        forward = bool(after)
        rows = sorted(queue_seek(queue, key, forward=forward, limit=size + 1), key=queue_key_order)
        if forward and rows:
            page = WindowPage(object_list=rows[:size], number=wanted, size=size, has_next=len(rows) > size)
        elif not forward and len(rows) > size:
            page = WindowPage(object_list=rows[-size:], number=wanted, size=size, has_next=True)
        else:
            # Past the end, or back to the start (fewer rows before than a page): the first page.
            page = window_page(queue_keys(queue), number=1, size=size)
    rows = page.object_list
    first_key = queue_key_text(rows[0][1:] + (rows[0][0],)) if rows else ""
    last_key = queue_key_text(rows[-1][1:] + (rows[-1][0],)) if rows else ""
    return page.showing([row[0] for row in rows]).keyed(first_key=first_key, last_key=last_key)


# What a queue row shows (and orders by): nothing else of the intake is read for the list.
QUEUE_ROW_FIELDS = (
    "id",
    "status",
    "risk_level",
    "submitted_at",
    "created_at",
    "legal_name",
    "preferred_name",
    "services",
    "modality",
    "in_colorado",
    "client__full_name",
    "client__email",
    "assigned_therapist__full_name",
    "assigned_therapist__email",
)


def choice_labels(choices) -> dict[str, str]:
    """A field's choices as {value: label}, each label translated once (for one page)."""
    return {value: str(label) for value, label in choices}


def review_queue_rows(ids: list[int]) -> list[Intake]:
    """The intakes of one page of review_queue (their ids, paged in its order) with what
    the queue shows: the client, the assignee, `unacknowledged_flags`,
    `unacknowledged_same_day` and the labels of the level, status and modality; one query."""
    # The page's ids first: given a subquery instead, the database matches it against every
    # intake rather than looking up 25 rows by key.
    rows = (
        Intake.objects.filter(pk__in=ids)
        .select_related("client", "assigned_therapist")
        .only(*QUEUE_ROW_FIELDS)
    )
    page = list(
        _in_queue_order(rows).annotate(
            unacknowledged_flags=_unacknowledged(),
            unacknowledged_same_day=_unacknowledged(tuple(SAME_DAY_LEVELS)),
        )
    )
    # Each label translated once per page, not once per row (get_FOO_display translates the
    # lazy label again on every call).
    risk, status, modality = (
        choice_labels(choices)
        for choices in (RiskLevelChoices.choices, Intake.Status.choices, Intake.Modality.choices)
    )
    for row in page:
        row.risk_label = risk.get(row.risk_level, row.risk_level)
        row.status_label = status.get(row.status, row.status)
        row.modality_label = modality.get(row.modality, row.modality)
    return page


# Families of cached values (portal.cached) and how long each is kept at most; the signals
# in intake/signals.py forget them when what they count changes.
THERAPISTS_CACHE = "intake:therapists"
THERAPISTS_CACHE_SECONDS = 600
FLAG_COUNTS_CACHE = "intake:flag-counts"
FLAG_COUNTS_CACHE_SECONDS = 30


@dataclass(frozen=True)
class ReviewWaiting:
    """For the staff home: intakes sent and not yet decided in the user's queue, and since
    when the oldest of them has waited (None when none waits)."""

    count: int
    oldest: datetime | None


def review_waiting(*, user: User) -> ReviewWaiting | None:
    """Intakes waiting for a decision (sent or being reviewed) in the user's queue: one query;
    None for anyone who may not see clinical content."""
    if not can_see_clinical(user):
        return None
    totals = (
        review_queue(user=user)
        .order_by()
        .filter(status__in=[Intake.Status.SUBMITTED, Intake.Status.IN_REVIEW])
        .aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    )
    return ReviewWaiting(count=totals["count"], oldest=totals["oldest"])


def assignable_therapists() -> QuerySet[User]:
    """Who an intake can be assigned to: active therapists who have joined (not one invited who
    has yet to choose a password)."""
    return User.objects.filter(has_joined(), role=User.Role.THERAPIST, is_active=True).order_by(
        "full_name", "email"
    )


def assignable_therapist_choices() -> list[tuple[str, str]]:
    """assignable_therapists as (id, name) choices, from the cache (names of staff only)."""

    def read() -> list[tuple[str, str]]:
        return [(str(t.pk), t.get_full_name()) for t in assignable_therapists().only("full_name", "email")]

    return cached_value(THERAPISTS_CACHE, "choices", read, seconds=THERAPISTS_CACHE_SECONDS)


@dataclass(frozen=True)
class SameDayFlagCounts:
    """Intakes in the queue that still need same-day review, by their level (the header)."""

    urgent: int
    high: int


def same_day_flags_unacknowledged_counts(*, user: User) -> SameDayFlagCounts | None:
    """Intakes in the user's queue at urgent or high with a same-day flag not yet
    acknowledged, in one query; None for anyone who may not see clinical content.

    Counted from the queue itself and by the intake's level, so each number is what its
    link (the queue filtered to that level) shows at the top: an intake now urgent with an
    older high flag open counts once, as urgent.
    """
    if not can_see_clinical(user):
        return None

    def count() -> SameDayFlagCounts:
        # Driven from the open same-day flags (a few rows, on their partial index) rather
        # than from every intake in the queue.
        open_flags = RiskFlag.objects.filter(level__in=SAME_DAY_LEVELS, acknowledged_at__isnull=True)
        counts = (
            review_queue(user=user)
            .order_by()
            .filter(pk__in=open_flags.values("intake_id"))
            .aggregate(
                urgent=Count("pk", filter=Q(risk_level=RiskLevelChoices.URGENT)),
                high=Count("pk", filter=Q(risk_level=RiskLevelChoices.HIGH)),
            )
        )
        return SameDayFlagCounts(urgent=counts["urgent"], high=counts["high"])

    # Per user: what she may see depends on her role and the practice's assignment rule.
    return cached_value(FLAG_COUNTS_CACHE, f"user:{user.pk}", count, seconds=FLAG_COUNTS_CACHE_SECONDS)


@dataclass
class ReviewDetail:
    """Everything the detail page shows, in the order of the PDF summary."""

    intake: Intake
    # Still-open flags first, the most severe at the top, each with its evidence.
    flags: list[FlagView]
    unacknowledged: list[RiskFlag]
    # Every questionnaire offered to the client, opened or not (as in the PDF).
    screeners: list[ScreenerRow]
    # Safety at home (HARK), None if she never opened it.
    partner_safety: ScreenerRow | None
    pregnancies: list[tuple[PregnancyEntry, list[Row]]]
    history_facts: dict
    # Her perinatal mental-health history (intake.facts), current medications included.
    perinatal: list[Row]
    about: list[Row]
    referral: list[Row]
    payment: PaymentDetails | None
    symptoms: list[Row]
    history: list[Row]
    support: list[Row]
    signatures: list[ConsentSignature]
    own_words: list[Row]
    notes: list[InternalNote]
    age: int | None
    # At a glance (intake.timeline): the one-line synopsis, the timeline and the scales.
    facts: IntakeFacts
    # The intake's own labels (risk, status, modality, in_colorado, pregnancy_role), each
    # translated once; flags carry level_label and follow_up_label, pregnancies outcome_label.
    labels: dict[str, str]


def review_detail(*, intake: Intake) -> ReviewDetail:
    """One intake, every section, for the therapist (the caller has checked access)."""
    facts = intake_facts(intake=intake, on=timezone.localdate(timezone=practice_zone()))
    entries = pregnancy_history.newest_first(facts.pregnancies)
    # Labels from one dictionary per choice set, not get_FOO_display in the template's loops.
    outcomes = choice_labels(PregnancyEntry.Outcome.choices)
    for entry in entries:
        entry.outcome_label = outcomes.get(entry.outcome, entry.outcome)
    levels = choice_labels(RiskLevelChoices.choices)
    follow_ups = choice_labels(RiskFlag.FollowUp.choices)
    for view in facts.flags:
        view.flag.level_label = levels.get(view.flag.level, view.flag.level)
        view.flag.follow_up_label = follow_ups.get(view.flag.follow_up, view.flag.follow_up)
    own_words = field_rows(intake, [name for name in OWN_WORDS_FIELDS if getattr(intake, name).strip()])
    own_words += [Row(entry.outcome_label, entry.note) for entry in entries if entry.note.strip()]
    labels = {
        name: str(dict(intake._meta.get_field(field).choices).get(value, value))
        for name, field, value in (
            ("risk", "risk_level", intake.risk_level),
            ("status", "status", intake.status),
            ("modality", "modality", intake.modality),
            ("in_colorado", "in_colorado", intake.in_colorado),
            ("pregnancy_role", "pregnancy_role", intake.pregnancy_role),
        )
    }
    return ReviewDetail(
        intake=intake,
        flags=facts.flags,
        unacknowledged=[view.flag for view in facts.flags if view.flag.acknowledged_at is None],
        screeners=facts.screeners,
        pregnancies=[(entry, pregnancy_rows(entry, since=facts.since[entry.pk])) for entry in entries],
        partner_safety=facts.partner_safety,
        history_facts=facts.history,
        perinatal=facts.perinatal_history,
        about=field_rows(
            intake, ("pronouns", "date_of_birth", "address_line", "city", "state", "heard_about")
        ),
        referral=referral_rows(intake=intake),
        payment=payment_details_of(intake=intake),
        symptoms=field_rows(intake, SYMPTOM_FIELDS),
        history=field_rows(intake, HISTORY_FIELDS),
        support=field_rows(intake, SUPPORT_FIELDS),
        signatures=facts.signatures,
        own_words=own_words,
        notes=facts.notes,
        age=facts.age,
        facts=facts,
        labels=labels,
    )
