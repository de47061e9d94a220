"""Celery tasks of the scheduling app. Thin: take ids, call the ledger. Every one is safe to run
twice. Named <service>_task, as intake's are."""

from celery import shared_task

from .notification_ledger import NotificationSendError, notification_deliver, reminders_send_due


@shared_task(
    autoretry_for=(NotificationSendError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=10,
)
def notification_deliver_task(notification_id: int) -> None:
    """Send one recorded message (see scheduling.notification_ledger.notification_deliver)."""
    notification_deliver(notification_id=notification_id)


@shared_task
def reminders_send_due_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): reminders due now, and messages whose task went missing."""
    return reminders_send_due()
