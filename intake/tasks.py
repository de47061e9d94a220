"""Celery tasks of the intake app, and the one function that queues each.

The tasks are thin: they take ids and call a service. Everything else hands work to them
through the *_queue functions below, never through a task object, so a broker outage is
handled in one place: logged, never shown to the client, and left to the sweepers (beat),
which queue again what was never queued.
"""

import datetime as dt
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from .alerts import risk_alerts_due_enqueue
from .models import Intake
from .summary_services import (
    AUDIENCES,
    SWEEP_AFTER,
    SWEEP_BATCH,
    SummaryStorageError,
    summaries_missing,
    summaries_render,
    summary_problem_record,
)

logger = logging.getLogger(__name__)

# Enqueueing happens inside the client's request: give a dead broker little time.
ENQUEUE_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


# --- The on-call alert ladder (intake.alerts). Every minute (beat): record the steps now due;
# the portal's message ledger sends them, and its sweeper sends again what was lost.
@shared_task
def risk_alerts_due_enqueue_task() -> int:
    return len(risk_alerts_due_enqueue())


# --- The PDF summary (intake.summary_services). Rendering is idempotent, so retries are
# safe; they are bounded and back off, and each way of failing ends in a state staff can see.
SUMMARY_RETRIES = 5


def _backoff(retries: int) -> int:
    return min(600, 10 * 2**retries)


@shared_task(bind=True, max_retries=SUMMARY_RETRIES)
def intake_summaries_render_task(
    self, intake_id: int, requested_after: str | None = None, audience: str | None = None
) -> int:
    # One copy per task (the practice's is queued first, so it is never behind the client's);
    # without an audience, both (a task queued before they were separate).
    after = dt.datetime.fromisoformat(requested_after) if requested_after else None
    audiences = (audience,) if audience else AUDIENCES
    try:
        return len(summaries_render(intake_id=intake_id, requested_after=after, audiences=audiences))
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


def summary_queue(
    intake_id: int, *, requested_after: dt.datetime | None = None, audiences: tuple[str, ...] = AUDIENCES
) -> bool:
    """Queue one render task per copy now (the practice's first). Never raises: a broker
    outage is logged and left to the sweeper, because the caller is usually the client's
    submit request."""
    kwargs = {"requested_after": requested_after.isoformat()} if requested_after else {}
    try:
        for audience in audiences:
            intake_summaries_render_task.apply_async(
                args=(intake_id,),
                kwargs={**kwargs, "audience": str(audience)},
                retry=True,
                retry_policy=ENQUEUE_RETRY_POLICY,
            )
    except Exception:  # noqa: BLE001 - whatever the broker raises, the submission stands
        logger.warning(
            "Could not queue the PDF summary of intake %s; the sweeper will", intake_id, exc_info=True
        )
        return False
    return True


def summary_refresh(*, intake_id: int) -> None:
    """Queue a fresh render once the current transaction commits.

    For changes that alter what the summary shows after submission: a flag acknowledged,
    a staff note written, a therapist assigned. Cheap when nothing changed (the digest
    matches and nothing is rendered).
    """
    transaction.on_commit(lambda: summary_queue(intake_id))


def summaries_missing_requeue(*, older_than: dt.timedelta = SWEEP_AFTER, limit: int = SWEEP_BATCH) -> int:
    """Queue a render for every submitted intake still without a current document of each
    audience some minutes after it was sent. What the periodic (beat) task runs."""
    ids = summaries_missing(older_than=older_than, limit=limit)
    queued = sum(1 for intake_id in ids if summary_queue(intake_id))
    if ids:
        logger.info("Summary sweeper: %s intakes without a current PDF, %s queued", len(ids), queued)
    return queued


@shared_task
def intake_summaries_sweep_task() -> int:
    return summaries_missing_requeue()
