"""Sending a message, as any app's services do: recorded in the ledger (portal.message_ledger)
inside the caller's transaction and handed to the worker once it commits."""

from django.db import models, transaction

from .message_ledger import message_record
from .models import Message
from .tasks import message_deliver_task


def message_enqueue(*, kind: str, client_id: int, subject: models.Model, version: int = 0) -> list[Message]:
    """Record the message on every channel in the caller's transaction, and send it once
    that commits.

    Recording first means a message is never lost between a booking and its task: if the
    task never runs (broker down, worker killed), the sweeper sends it.
    """
    rows = message_record(kind=kind, client_id=client_id, subject=subject, version=version)
    ids = [row.pk for row in rows]
    # robust: a broker outage must not turn a committed booking into an error page; the
    # sweeper sends what this could not enqueue.
    transaction.on_commit(lambda: _send_later(ids), robust=True)
    return rows


def _send_later(ids: list[int]) -> None:
    for pk in ids:
        message_deliver_task.delay(pk)
