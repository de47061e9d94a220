"""Celery tasks of the portal: the message ledger's. Thin: take ids, call the ledger."""

from celery import shared_task

from .message_ledger import MessageSendError, message_deliver, messages_sweep


@shared_task(
    autoretry_for=(MessageSendError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=10,
)
def message_deliver_task(message_id: int) -> None:
    """Send one recorded message (see portal.message_ledger.message_deliver)."""
    message_deliver(message_id=message_id)


@shared_task
def messages_sweep_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): messages whose task went missing or whose send failed."""
    return messages_sweep()
