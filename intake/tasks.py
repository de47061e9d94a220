"""Celery tasks of the intake app. Thin: take ids, call a service."""

from datetime import datetime
from smtplib import SMTPException

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.core.exceptions import ObjectDoesNotExist
from django.db import OperationalError

from .alerts import risk_flag_notify, risk_flags_escalate
from .models import Intake
from .safety import risk_flags_notify_pending
from .summary_services import (
    SummaryStorageError,
    summaries_missing_requeue,
    summaries_render,
    summary_problem_record,
)


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


# The PDF summary (intake.summary_services). Rendering is idempotent, so retries are safe;
# they are bounded and back off, and each way of failing ends in a state staff can see.
SUMMARY_RETRIES = 5


def _backoff(retries: int) -> int:
    return min(600, 10 * 2**retries)


@shared_task(bind=True, max_retries=SUMMARY_RETRIES)
def intake_summaries_render_task(self, intake_id: int, requested_after: str | None = None) -> int:
    after = datetime.fromisoformat(requested_after) if requested_after else None
    try:
        return len(summaries_render(intake_id=intake_id, requested_after=after))
    except ObjectDoesNotExist:
        raise
    except (SoftTimeLimitExceeded, TimeLimitExceeded):
        # The same document would take as long again: stop, and say so.
        summary_problem_record(intake_id=intake_id, problem=Intake.SummaryProblem.TIME_LIMIT)
        raise
    except SummaryStorageError as error:
        # Shown at once; tried a few more times, then the sweeper waits for the storage.
        summary_problem_record(intake_id=intake_id, problem=Intake.SummaryProblem.STORAGE, detail=str(error))
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error
    except Exception as error:
        if self.request.retries >= SUMMARY_RETRIES:
            summary_problem_record(
                intake_id=intake_id, problem=Intake.SummaryProblem.ERROR, detail=repr(error)
            )
            raise
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error


@shared_task
def intake_summaries_sweep_task() -> int:
    return summaries_missing_requeue()
