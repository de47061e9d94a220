"""On-call alerts: never silent without an address, sent outside any transaction, and an
urgent flag nobody acknowledges climbs a ladder (on-call again, then the practice admins)."""

import datetime as dt
import logging
from smtplib import SMTPException
from unittest.mock import patch

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.urls import reverse

from intake.alerts import (
    LOG_NO_ADDRESS,
    Outcome,
    risk_flag_notify,
    risk_flags_escalate,
)
from intake.models import RiskFlag
from intake.questionnaire_services import questionnaire_answers_save
from intake.review_services import risk_flag_acknowledge
from intake.tasks import risk_flags_escalate_task, risk_flags_notify_pending
from portal.models import AuditEvent
from tests.intake.factories_review import raise_flag
from tests.intake.test_safety import CLINICAL_WORDS

pytestmark = pytest.mark.django_db

EARLIER_ANSWER = {
    "source": "asq",
    "item_key": "5",
    "item_text": "Are you having thoughts of killing yourself right now?",
    "answer": "Prefer not to answer",
    "why": "ASQ acute positive screen (item 5: Prefer not to answer).",
}
ON_CALL = ["oncall@practice.example", "second-oncall@practice.example"]
MINUTE = dt.timedelta(minutes=1)


def save_answers(intake, code, answers):
    return questionnaire_answers_save(intake=intake, code=code, answers=answers, actor=intake.client)


@pytest.fixture
def no_on_call(practice, settings):
    """Neither the practice nor the deployment has an on-call address (the old default)."""
    settings.PORTAL_ON_CALL_EMAILS = []
    practice.on_call_emails = ""
    practice.save(update_fields=["on_call_emails"])
    return practice


@pytest.fixture
def urgent_flag(intake, practice, practice_admin):
    """An urgent flag (alone: a real acute answer raises a high one too) whose first alert
    has just gone to the on-call (mail.outbox[0])."""
    flag = raise_flag(intake, "urgent")
    assert risk_flag_notify(flag_id=flag.pk) is True
    flag.refresh_from_db()
    return flag


def sent_ids(flag) -> list[str]:
    """The Message-IDs of the alerts sent about `flag`, in order."""
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    return [i for i in ids if i.startswith(f"<alert-{flag.pk}.")]


def acknowledge(flag, therapist):
    risk_flag_acknowledge(flag=flag, actor=therapist, follow_up="called_client", note="Spoke with her; safe.")


# --- Nobody to send to


def test_no_on_call_address_logs_an_error(intake, no_on_call, caplog, django_capture_on_commit_callbacks):
    with (
        caplog.at_level(logging.ERROR, logger="intake.alerts"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        save_answers(intake, "phq9", {"9": 1})

    flag = RiskFlag.objects.get(intake=intake)
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.msg == LOG_NO_ADDRESS
    assert record.args[0] == flag.pk
    assert mail.outbox == []


def test_no_on_call_address_is_recorded_on_the_flag_and_audited(
    intake, no_on_call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})

    flag = RiskFlag.objects.get(intake=intake)
    assert flag.notify_failed_at is not None
    assert flag.notified_at is None
    assert AuditEvent.objects.filter(
        object_type="risk_flag",
        object_id=str(flag.pk),
        action="notify",
        detail__contains="no on-call address",
    ).exists()


def test_the_sweeper_does_not_queue_again_a_flag_with_nobody_to_send_to(
    intake, no_on_call, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    caplog.clear()

    with caplog.at_level(logging.ERROR, logger="intake.alerts"):
        queued = [risk_flags_notify_pending() for _ in range(5)]

    assert queued == [0, 0, 0, 0, 0]
    assert [r for r in caplog.records if r.levelno == logging.ERROR] == []


def test_a_flag_missed_by_the_broker_is_logged_once_however_often_the_sweeper_runs(
    intake, no_on_call, caplog
):
    save_answers(intake, "phq9", {"9": 1})  # on-commit callbacks not run: the broker was down

    with caplog.at_level(logging.ERROR, logger="intake.alerts"):
        queued = [risk_flags_notify_pending() for _ in range(5)]

    assert queued == [1, 0, 0, 0, 0]
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1


def test_a_waiting_flag_is_sent_once_an_address_is_set(
    intake, no_on_call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    no_on_call.on_call_emails = "oncall@practice.example"
    no_on_call.save(update_fields=["on_call_emails"])

    assert risk_flags_notify_pending() == 1

    assert [m.to for m in mail.outbox] == [["oncall@practice.example"]]
    flag = RiskFlag.objects.get(intake=intake)
    assert (flag.notified_at is not None, flag.notify_failed_at) == (True, None)
    assert risk_flags_notify_pending() == 0


def test_the_deployments_on_call_addresses_are_used_when_the_practice_has_none(
    intake, no_on_call, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_ON_CALL_EMAILS = ["fallback@practice.example"]

    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})

    assert [m.to for m in mail.outbox] == [["fallback@practice.example"]]


# --- The first alert's message


def test_an_urgent_subject_says_urgent_and_no_clinical_word(urgent_flag):
    subject = mail.outbox[0].subject

    assert "Urgent" in subject
    assert [word for word in CLINICAL_WORDS if word in subject.lower()] == []


def test_a_high_subject_asks_for_same_day_review_without_saying_urgent(
    intake, practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})

    subject = mail.outbox[0].subject
    assert "same-day review" in subject
    assert "urgent" not in subject.lower()
    assert [word for word in CLINICAL_WORDS if word in subject.lower()] == []


def test_the_alert_links_to_the_intake_for_staff(urgent_flag):
    assert f"/intake/staff/{urgent_flag.intake_id}/" in mail.outbox[0].body


def test_the_alert_has_a_stable_message_id(urgent_flag):
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<alert-{urgent_flag.pk}.0.first@localhost>"
    assert f"<alert-{urgent_flag.pk}.0.first@localhost>" in mail.outbox[0].message().as_string()


def test_a_step_claimed_by_another_run_is_not_sent_twice(intake, practice):
    save_answers(intake, "phq9", {"9": 1})
    flag = RiskFlag.objects.get(intake=intake)
    now = flag.raised_at + MINUTE
    RiskFlag.objects.filter(pk=flag.pk).update(alert_claimed_at=now - MINUTE)

    assert risk_flag_notify(flag_id=flag.pk, now=now) is False
    assert mail.outbox == []


def test_a_claim_left_by_a_sender_that_died_lapses(intake, practice, settings):
    save_answers(intake, "phq9", {"9": 1})
    flag = RiskFlag.objects.get(intake=intake)
    now = flag.raised_at + dt.timedelta(hours=1)
    RiskFlag.objects.filter(pk=flag.pk).update(
        alert_claimed_at=now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    )

    assert risk_flag_notify(flag_id=flag.pk, now=now) is True
    assert len(mail.outbox) == 1


class FailsOnceBackend(EmailBackend):
    failures = 0

    def send_messages(self, messages):
        if FailsOnceBackend.failures == 0:
            FailsOnceBackend.failures += 1
            raise SMTPException("421 try again later")
        return super().send_messages(messages)


def test_a_failed_send_gives_the_step_back_for_the_retry(intake, practice, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailsOnceBackend"
    FailsOnceBackend.failures = 0
    save_answers(intake, "phq9", {"9": 1})
    flag = RiskFlag.objects.get(intake=intake)

    with pytest.raises(SMTPException):
        risk_flag_notify(flag_id=flag.pk)
    flag.refresh_from_db()
    assert (flag.alert_claimed_at, flag.notified_at) == (None, None)

    assert risk_flag_notify(flag_id=flag.pk) is True
    assert len(mail.outbox) == 1


class TransactionRecordingBackend(EmailBackend):
    in_transaction: list[bool] = []

    def send_messages(self, messages):
        TransactionRecordingBackend.in_transaction.append(connection.in_atomic_block)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_alerts_are_sent_outside_any_transaction(intake, practice, practice_admin, settings):
    settings.EMAIL_BACKEND = f"{__name__}.TransactionRecordingBackend"
    TransactionRecordingBackend.in_transaction = []
    flag = raise_flag(intake, "urgent")
    risk_flag_notify(flag_id=flag.pk)
    first = RiskFlag.objects.get(pk=flag.pk).notified_at

    risk_flags_escalate(now=first + 30 * MINUTE)
    risk_flags_escalate(now=first + 60 * MINUTE)

    assert TransactionRecordingBackend.in_transaction == [False, False, False]
    assert (
        AuditEvent.objects.filter(object_type="risk_flag", object_id=str(flag.pk), action="notify").count()
        == 3
    )


# --- The ladder of an urgent flag nobody acknowledges


def test_an_unacknowledged_urgent_flag_is_alerted_again_after_30_minutes(urgent_flag):
    first = urgent_flag.notified_at

    assert risk_flags_escalate(now=first + 29 * MINUTE) == []
    (result,) = risk_flags_escalate(now=first + 30 * MINUTE)

    assert result.outcome == Outcome.SENT
    assert len(mail.outbox) == 2
    reminder = mail.outbox[1]
    assert sorted(reminder.to) == sorted(ON_CALL)
    assert "Urgent" in reminder.subject
    assert "30 minutes" in reminder.body
    urgent_flag.refresh_from_db()
    assert urgent_flag.realerted_at == first + 30 * MINUTE


def test_the_practice_admins_are_alerted_after_a_further_30_minutes(urgent_flag):
    first = urgent_flag.notified_at
    risk_flags_escalate(now=first + 30 * MINUTE)

    assert risk_flags_escalate(now=first + 59 * MINUTE) == []
    risk_flags_escalate(now=first + 60 * MINUTE)

    assert len(mail.outbox) == 3
    escalation = mail.outbox[2]
    assert sorted(escalation.to) == sorted([*ON_CALL, "admin@practice.example"])
    assert "Urgent" in escalation.subject
    assert [word for word in CLINICAL_WORDS if word in (escalation.subject + escalation.body).lower()] == []
    urgent_flag.refresh_from_db()
    assert urgent_flag.escalated_at == first + 60 * MINUTE


def test_each_step_is_sent_exactly_once_however_often_the_ladder_runs(urgent_flag):
    first = urgent_flag.notified_at

    for minute in range(0, 180):
        risk_flags_escalate(now=first + minute * MINUTE)
        risk_flags_escalate(now=first + minute * MINUTE)

    assert sent_ids(urgent_flag) == [
        f"<alert-{urgent_flag.pk}.0.{step}@localhost>" for step in ("first", "realert", "escalate")
    ]


def test_each_step_writes_an_audit_row(urgent_flag):
    first = urgent_flag.notified_at

    risk_flags_escalate(now=first + 30 * MINUTE)
    risk_flags_escalate(now=first + 60 * MINUTE)

    details = list(
        AuditEvent.objects.filter(object_type="risk_flag", object_id=str(urgent_flag.pk), action="notify")
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == [
        "on-call notified (2 addresses)",
        "on-call alerted again, not acknowledged (2 addresses)",
        "practice admins alerted, not acknowledged (3 addresses)",
    ]


def test_nothing_is_sent_after_acknowledgement(urgent_flag, therapist):
    acknowledge(urgent_flag, therapist)

    for minute in (30, 60, 90, 120):
        assert risk_flags_escalate(now=urgent_flag.notified_at + minute * MINUTE) == []

    assert len(mail.outbox) == 1


def test_acknowledging_after_the_reminder_stops_the_admins_alert(urgent_flag, therapist):
    first = urgent_flag.notified_at
    risk_flags_escalate(now=first + 30 * MINUTE)
    acknowledge(urgent_flag, therapist)

    assert risk_flags_escalate(now=first + 60 * MINUTE) == []
    assert len(mail.outbox) == 2


def test_a_high_flag_is_not_alerted_again(intake, practice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    first = RiskFlag.objects.get(intake=intake).notified_at

    assert risk_flags_escalate(now=first + 3 * 60 * MINUTE) == []
    assert len(mail.outbox) == 1


def test_the_wait_is_the_practices_setting(urgent_flag, practice):
    practice.urgent_realert_minutes = 10
    practice.save(update_fields=["urgent_realert_minutes"])
    first = urgent_flag.notified_at

    risk_flags_escalate(now=first + 10 * MINUTE)
    risk_flags_escalate(now=first + 20 * MINUTE)

    assert len(mail.outbox) == 3


def test_a_flag_opened_again_by_a_later_answer_starts_its_ladder_again(
    intake, practice, practice_admin, therapist, django_capture_on_commit_callbacks
):
    # Raised by an answer the client has since changed, so her acute answer below is new
    # evidence however reasons are keyed, and opens the acknowledged flag again.
    flag = raise_flag(intake, "urgent", reasons=[EARLIER_ANSWER])
    risk_flag_notify(flag_id=flag.pk)
    flag.refresh_from_db()
    risk_flags_escalate(now=flag.notified_at + 30 * MINUTE)
    acknowledge(flag, therapist)

    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "asq", {"1": True, "5": True})

    flag.refresh_from_db()
    assert (flag.acknowledged_at, flag.realerted_at, flag.alert_round) == (None, None, 1)
    reopened = flag.notified_at
    risk_flags_escalate(now=reopened + 30 * MINUTE)
    risk_flags_escalate(now=reopened + 60 * MINUTE)
    assert sent_ids(flag) == [
        f"<alert-{flag.pk}.{round_}.{step}@localhost>"
        for round_, step in ((0, "first"), (0, "realert"), (1, "first"), (1, "realert"), (1, "escalate"))
    ]


def test_a_reminder_quotes_the_first_alert_so_mail_programs_thread_them(urgent_flag):
    risk_flags_escalate(now=urgent_flag.notified_at + 30 * MINUTE)

    assert mail.outbox[1].extra_headers["In-Reply-To"] == f"<alert-{urgent_flag.pk}.0.first@localhost>"


# --- What the therapist sees on the flag


def test_the_staff_page_says_when_nobody_could_be_emailed(
    client, therapist, intake, no_on_call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    client.force_login(therapist)

    html = client.get(reverse("intake:staff_detail", kwargs={"pk": intake.pk})).content.decode()

    assert "data-flag-alert-failed" in html
    assert "no on-call address is set" in html


def test_the_staff_page_lists_each_alert_sent(client, therapist, urgent_flag):
    risk_flags_escalate(now=urgent_flag.notified_at + 30 * MINUTE)
    client.force_login(therapist)

    html = client.get(reverse("intake:staff_detail", kwargs={"pk": urgent_flag.intake_id})).content.decode()

    assert "On-call emailed" in html
    assert "Emailed again" in html
    assert "Practice admins emailed" not in html
    assert "data-flag-alert-failed" not in html


# --- Run by beat


def test_beat_runs_the_ladder_every_minute(settings):
    (entry,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "intake.tasks.risk_flags_escalate_task"
    ]

    assert entry["schedule"] == 60.0


def test_the_ladder_task_sends_the_steps_due_now(urgent_flag):
    with patch("django.utils.timezone.now", return_value=urgent_flag.notified_at + 31 * MINUTE):
        assert risk_flags_escalate_task.delay().get() == 1
        assert risk_flags_escalate_task.delay().get() == 0

    assert len(sent_ids(urgent_flag)) == 2


# --- What the client is told


PROMISE = "We have let the practice know"


@pytest.mark.parametrize(
    ("answers", "level"),
    [({"phq9": {"9": 1}}, "high"), ({"asq": {"1": True, "5": True}}, "urgent")],
)
def test_without_an_on_call_address_the_panel_does_not_say_the_practice_was_told(
    client, client_user, intake, no_on_call, answers, level
):
    for code, values in answers.items():
        save_answers(intake, code, values)
    client.force_login(client_user)

    html = client.get(reverse("intake:step", kwargs={"number": 5})).content.decode()

    panel = html[html.index(f'data-safety-panel="{level}"') :]
    panel = panel[: panel.index("</section>")]
    assert PROMISE not in panel
    assert "nobody at the practice" in panel
    assert 'href="tel:(303) 555-0142"' in panel


def test_with_an_on_call_address_the_panel_says_the_practice_was_told(client, client_user, intake, practice):
    save_answers(intake, "phq9", {"9": 1})
    client.force_login(client_user)

    html = client.get(reverse("intake:step", kwargs={"number": 5})).content.decode()

    assert PROMISE in html
    assert "data-practice-not-alerted" not in html


# --- one email for one moment: the urgent alert speaks for the intake


def test_one_acute_answer_sends_one_email_not_one_per_flag(
    intake, practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "asq", {"1": True, "5": True})  # raises HIGH and URGENT at once

    assert len(mail.outbox) == 1
    assert "Urgent" in mail.outbox[0].subject
    high = RiskFlag.objects.get(intake=intake, level="high")
    assert high.notified_at is not None  # told of by the urgent alert
    assert AuditEvent.objects.filter(
        object_id=str(high.pk), detail__startswith="on-call told by the urgent"
    ).exists()
    risk_flags_notify_pending()
    assert len(mail.outbox) == 1


def test_a_high_flag_raised_before_an_urgent_one_still_had_its_own_alert(
    intake, practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "asq", {"1": True, "5": True})

    assert [("Urgent" in m.subject) for m in mail.outbox] == [False, True]
