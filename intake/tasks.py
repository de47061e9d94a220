"""Celery tasks of the intake app. Thin: take ids, call a service."""

from datetime import datetime
from smtplib import SMTPException

from celery import shared_task
from django.core.exceptions import ObjectDoesNotExist
from django.db import OperationalError

from .alerts import risk_flag_notify, risk_flags_escalate
from .safety import risk_flags_notify_pending


@shared_task(
    # OperationalError: a deadlock or a lost connection, worth another try.
    autoretry_for=(SMTPException, ConnectionError, OSError, OperationalError),
    retry_backoff=5,
    retry_backoff_max=60,
    max_retries=10,
)
def risk_flag_notify_task(flag_id: int) -> bool:
    return risk_flag_notify(flag_id=flag_id)


@shared_task
def risk_flags_notify_pending_task() -> int:
    return risk_flags_notify_pending()


# Every minute (beat): the next alert for urgent flags nobody has acknowledged. Not retried:
# a step that could not be sent is due again on the next run.
@shared_task
def risk_flags_escalate_task() -> int:
    return sum(result.sent for result in risk_flags_escalate())


# The PDF summary (intake.summary_services). Rendering is idempotent, so retries are safe.
@shared_task(
    autoretry_for=(Exception,),
    dont_autoretry_for=(ObjectDoesNotExist,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def intake_summaries_render_task(intake_id: int, requested_after: str | None = None) -> int:
    from .summary_services import summaries_render

    after = datetime.fromisoformat(requested_after) if requested_after else None
    return len(summaries_render(intake_id=intake_id, requested_after=after))


@shared_task
def intake_summaries_sweep_task() -> int:
    from .summary_services import summaries_missing_requeue

    return summaries_missing_requeue()
