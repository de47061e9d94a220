"""Celery tasks of the scheduling app. Thin: call a service. Every one is safe to run twice.
Named <service>_task, as intake's are. Messages are sent by the portal's ledger tasks."""

from celery import shared_task

from .appointment_services import reminders_send_due


@shared_task
def reminders_send_due_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): reminders due now."""
    return reminders_send_due()
