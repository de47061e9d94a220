"""Messages to clients, as the other services send them: recorded in the ledger inside the
caller's transaction and handed to the worker once it commits."""

from django.db import transaction

from .models import Appointment, AppointmentRequest, Notification
from .notification_ledger import notification_record
from .tasks import notification_deliver_task


def notification_enqueue(
    *,
    kind: str,
    appointment: Appointment | None = None,
    appointment_request: AppointmentRequest | None = None,
    version: int = 0,
) -> list[Notification]:
    """Record the message on every channel in the caller's transaction, and send it once
    that commits.

    Recording first means a message is never lost between a booking and its task: if the
    task never runs (broker down, worker killed), the periodic sweep sends it.
    """
    rows = notification_record(
        kind=kind, appointment=appointment, appointment_request=appointment_request, version=version
    )
    ids = [row.pk for row in rows]
    # robust: a broker outage must not turn a committed booking into an error page; the
    # periodic sweep sends what this could not enqueue.
    transaction.on_commit(lambda: _send_later(ids), robust=True)
    return rows


def _send_later(ids: list[int]) -> None:
    for pk in ids:
        notification_deliver_task.delay(pk)
