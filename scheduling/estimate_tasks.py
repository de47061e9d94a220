"""The Good Faith Estimate's task, and the one function that queues it after a booking.

Apart from scheduling.tasks because the booking service queues it, and scheduling.tasks
imports the booking service (reminders). Thin: the task takes an id and calls the service.
"""

import logging

from celery import shared_task
from django.db import transaction

from intake.selectors import estimate_due_without_asking

from .estimate_services import (
    EstimateNotReadyError,
    estimate_issue_for_booking,
    estimate_issue_on_request,
    estimate_reissue_if_changed,
    estimated_upcoming_appointments,
    estimates_missing,
)
from .models import Appointment

logger = logging.getLogger(__name__)

ENQUEUE_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


@shared_task(bind=True, max_retries=5)
def estimate_for_booking_task(self, appointment_id: int) -> int | None:
    try:
        estimate = estimate_issue_for_booking(appointment_id=appointment_id)
    except EstimateNotReadyError as error:
        # Not a transient error: retrying will not fill in an NPI. The desk's request page
        # and the client's estimates page say an estimate is owed and not issued.
        logger.warning("Good Faith Estimate for appointment %s not issued: %s", appointment_id, error)
        return None
    except OSError as error:
        raise self.retry(exc=error, countdown=min(600, 10 * 2**self.request.retries)) from error
    return estimate.pk if estimate else None


def _queue(appointment_id: int) -> bool:
    try:
        estimate_for_booking_task.apply_async(
            args=(appointment_id,), retry=True, retry_policy=ENQUEUE_RETRY_POLICY
        )
    except Exception:  # noqa: BLE001 - whatever the broker raises, the booking stands
        logger.warning(
            "Could not queue the Good Faith Estimate of appointment %s", appointment_id, exc_info=True
        )
        return False
    return True


def estimate_on_booking(*, appointment: Appointment) -> None:
    """After a booking: queue its Good Faith Estimate once the booking commits, if the client
    is owed one (she pays herself, or no insurance is on file)."""
    if estimate_due_without_asking(client=appointment.client):
        transaction.on_commit(lambda: _queue(appointment.pk))


@shared_task(bind=True, max_retries=5)
def estimate_on_request_task(self, client_id: int, therapist_id: int, actor_id: int | None) -> int | None:
    try:
        estimate = estimate_issue_on_request(
            client_id=client_id, therapist_id=therapist_id, actor_id=actor_id
        )
    except EstimateNotReadyError as error:
        logger.warning("Good Faith Estimate asked for client %s not issued: %s", client_id, error)
        return None
    except OSError as error:
        raise self.retry(exc=error, countdown=min(600, 10 * 2**self.request.retries)) from error
    return estimate.pk


def estimate_request_queue(*, client_id: int, therapist_id: int, actor_id: int | None) -> bool:
    """Queue an estimate someone asked for once the current transaction commits. False if the
    broker could not take it (the page says to try again)."""
    try:
        estimate_on_request_task.apply_async(
            args=(client_id, therapist_id, actor_id), retry=True, retry_policy=ENQUEUE_RETRY_POLICY
        )
    except Exception:  # noqa: BLE001 - whatever the broker raises, the page answers calmly
        logger.warning("Could not queue a Good Faith Estimate for client %s", client_id, exc_info=True)
        return False
    return True


@shared_task
def estimates_missing_sweep_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): queue again each booking's estimate still missing."""
    ids = estimates_missing()
    queued = sum(1 for appointment_id in ids if _queue(appointment_id))
    if ids:
        logger.info("Estimate sweeper: %s bookings without their estimate, %s queued", len(ids), queued)
    return queued


@shared_task(bind=True, max_retries=5)
def estimate_reissue_task(self, appointment_id: int) -> int | None:
    try:
        estimate = estimate_reissue_if_changed(appointment_id=appointment_id)
    except EstimateNotReadyError as error:
        logger.warning("Good Faith Estimate for appointment %s not issued again: %s", appointment_id, error)
        return None
    except OSError as error:
        raise self.retry(exc=error, countdown=min(600, 10 * 2**self.request.retries)) from error
    return estimate.pk if estimate else None


def _queue_reissue(appointment_id: int) -> bool:
    try:
        estimate_reissue_task.apply_async(
            args=(appointment_id,), retry=True, retry_policy=ENQUEUE_RETRY_POLICY
        )
    except Exception:  # noqa: BLE001 - whatever the broker raises, the change stands
        logger.warning(
            "Could not queue the new Good Faith Estimate of appointment %s", appointment_id, exc_info=True
        )
        return False
    return True


def estimate_on_appointment_change(*, appointment: Appointment) -> None:
    """After a booking changed (another therapist, another session type): once the change
    commits, issue its estimate again if what it says is now out of date."""
    if appointment.estimates.exists():
        transaction.on_commit(lambda: _queue_reissue(appointment.pk))


@shared_task
def estimates_reissue_task() -> int:
    """After the practice changed a fee or a service code: queue each upcoming estimated
    booking's check (each issues a new version only if its charges changed)."""
    ids = estimated_upcoming_appointments()
    return sum(1 for appointment_id in ids if _queue_reissue(appointment_id))


def estimates_on_fee_change() -> None:
    """Once a change to the session types' fees or codes commits, check every upcoming
    estimate against it."""

    def queue() -> None:
        try:
            estimates_reissue_task.apply_async(retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
        except Exception:  # noqa: BLE001 - whatever the broker raises, the new fee stands
            logger.warning(
                "Could not queue the Good Faith Estimates' check after a fee change", exc_info=True
            )

    transaction.on_commit(queue)
