"""Celery tasks of the intake app. Thin: take ids, call a service."""

from smtplib import SMTPException

from celery import shared_task

from .safety import risk_flag_notify, risk_flags_notify_pending


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, OSError),
    retry_backoff=5,
    retry_backoff_max=60,
    max_retries=10,
)
def risk_flag_notify_task(flag_id: int) -> bool:
    return risk_flag_notify(flag_id=flag_id)


@shared_task
def risk_flags_notify_pending_task() -> int:
    return risk_flags_notify_pending()
