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
from django.utils import timezone

from intake.alerts import LOG_NO_ADDRESS, RISK_ALERT, alert_step, risk_alerts_due_enqueue
from intake.message_kinds import NO_LONGER_WAITING
from intake.models import HardDate, RiskFlag
from intake.questionnaire_services import questionnaire_answers_save
from intake.review_services import risk_flag_acknowledge
from intake.tasks import risk_alerts_due_enqueue_task
from portal.message_ledger import MessageSendError, message_deliver, message_header_id, messages_sweep
from portal.models import AuditEvent, Message
from tests.intake.factories import PregnancyEntryFactory
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


def ladder_run(now) -> list[Message]:
    """One minute of beat at `now`: intake's check records the steps due, and the ledger's
    task sends each (here at the same `now`, as the worker does a moment later)."""
    return [message_deliver(message_id=row.pk, now=now) for row in risk_alerts_due_enqueue(now=now)]


def alert_rows(flag):
    return Message.objects.filter(kind=RISK_ALERT, subject_id=flag.pk).order_by("version")


def first_alert(flag) -> Message:
    (row,) = alert_rows(flag).filter(version=1)
    return row


@pytest.fixture
def urgent_flag(intake, practice, practice_admin):
    """An urgent flag (alone: a real acute answer raises a high one too) whose first alert
    has just gone to the on-call (mail.outbox[0])."""
    flag = raise_flag(intake, "urgent")
    assert [row.status for row in ladder_run(timezone.now())] == [Message.Status.SENT]
    flag.refresh_from_db()
    return flag


def steps_sent(flag) -> list[tuple[int, str]]:
    """The round and step of each alert sent about `flag`, in order, read from its Message-ID."""
    steps = {message_header_id(row): alert_step(row.version) for row in alert_rows(flag)}
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    return [steps[i] for i in ids if i in steps]


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


def test_the_ladder_does_not_record_again_a_flag_with_nobody_to_send_to(
    intake, no_on_call, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    caplog.clear()

    with caplog.at_level(logging.ERROR, logger="intake.alerts"):
        recorded = [risk_alerts_due_enqueue() for _ in range(5)]

    assert recorded == [[], [], [], [], []]
    assert not Message.objects.exists()
    assert [r for r in caplog.records if r.levelno == logging.ERROR] == []


def test_a_flag_with_nobody_to_send_to_is_logged_once_however_often_the_ladder_and_sweeper_run(
    intake, no_on_call, caplog
):
    with caplog.at_level(logging.ERROR, logger="intake.alerts"):
        save_answers(intake, "phq9", {"9": 1})  # on-commit callbacks not run: the broker was down
        for minute in range(1, 6):
            risk_alerts_due_enqueue()
            messages_sweep(now=timezone.now() + minute * MINUTE)

    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1
    assert mail.outbox == []


def test_a_waiting_flag_is_sent_once_an_address_is_set(
    intake, no_on_call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    no_on_call.on_call_emails = "oncall@practice.example"
    no_on_call.save(update_fields=["on_call_emails"])

    with django_capture_on_commit_callbacks(execute=True):
        assert len(risk_alerts_due_enqueue()) == 1

    assert [m.to for m in mail.outbox] == [["oncall@practice.example"]]
    flag = RiskFlag.objects.get(intake=intake)
    assert (flag.notified_at is not None, flag.notify_failed_at) == (True, None)
    assert risk_alerts_due_enqueue() == []


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


def test_an_alert_never_names_a_baby_or_a_hard_date(intake, practice, practice_admin):
    PregnancyEntryFactory(
        intake=intake, outcome="stillbirth", baby_name="Juniper", birth_words="Juniper came fast"
    )
    HardDate.objects.create(intake=intake, date=dt.date(2025, 10, 3), what="Juniper's due date")
    raise_flag(intake, "urgent")
    ladder_run(timezone.now())

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text = "\n".join([message.subject, message.body, *(c for c, _type in message.alternatives)])
    for said in ("Juniper", "Oct", "2025-10-03", "10/3", "due date"):
        assert said not in text, said
    assert [word for word in CLINICAL_WORDS if word in text.lower()] == []


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
    message_id = message_header_id(first_alert(urgent_flag))

    assert mail.outbox[0].extra_headers["Message-ID"] == message_id
    assert message_id in mail.outbox[0].message().as_string()


def test_a_step_claimed_by_another_run_is_not_sent_twice(intake, practice):
    save_answers(intake, "phq9", {"9": 1})  # recorded; on-commit callbacks (the send) not run
    flag = RiskFlag.objects.get(intake=intake)
    now = flag.raised_at + MINUTE
    Message.objects.filter(pk=first_alert(flag).pk).update(claimed_at=now - MINUTE)

    assert message_deliver(message_id=first_alert(flag).pk, now=now).status == Message.Status.PENDING
    assert mail.outbox == []


def test_a_claim_left_by_a_sender_that_died_lapses(intake, practice, settings):
    save_answers(intake, "phq9", {"9": 1})
    flag = RiskFlag.objects.get(intake=intake)
    now = flag.raised_at + dt.timedelta(hours=1)
    Message.objects.filter(pk=first_alert(flag).pk).update(
        claimed_at=now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    )

    assert message_deliver(message_id=first_alert(flag).pk, now=now).status == Message.Status.SENT
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
    row = first_alert(flag)

    with pytest.raises(MessageSendError):
        message_deliver(message_id=row.pk)
    flag.refresh_from_db()
    row.refresh_from_db()
    assert (row.status, row.claimed_at, flag.notified_at) == (Message.Status.FAILED, None, None)

    assert message_deliver(message_id=row.pk).status == Message.Status.SENT
    assert len(mail.outbox) == 1
    # The retry is the same message.
    assert mail.outbox[0].extra_headers["Message-ID"] == message_header_id(row)


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
    ladder_run(timezone.now())
    first = RiskFlag.objects.get(pk=flag.pk).notified_at

    ladder_run(first + 30 * MINUTE)
    ladder_run(first + 60 * MINUTE)

    assert TransactionRecordingBackend.in_transaction == [False, False, False]
    assert (
        AuditEvent.objects.filter(
            object_type="notification",
            object_id__in=[str(pk) for pk in alert_rows(flag).values_list("pk", flat=True)],
            action="notify",
        ).count()
        == 3
    )


# --- The ladder of an urgent flag nobody acknowledges


def test_an_unacknowledged_urgent_flag_is_alerted_again_after_30_minutes(urgent_flag):
    first = urgent_flag.notified_at

    assert ladder_run(first + 29 * MINUTE) == []
    (result,) = ladder_run(first + 30 * MINUTE)

    assert result.status == Message.Status.SENT
    assert len(mail.outbox) == 2
    reminder = mail.outbox[1]
    assert sorted(reminder.to) == sorted(ON_CALL)
    assert "Urgent" in reminder.subject
    assert "30 minutes" in reminder.body
    urgent_flag.refresh_from_db()
    assert urgent_flag.realerted_at == first + 30 * MINUTE


def test_the_practice_admins_are_alerted_after_a_further_30_minutes(urgent_flag):
    first = urgent_flag.notified_at
    ladder_run(first + 30 * MINUTE)

    assert ladder_run(first + 59 * MINUTE) == []
    ladder_run(first + 60 * MINUTE)

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
        ladder_run(first + minute * MINUTE)
        ladder_run(first + minute * MINUTE)

    assert steps_sent(urgent_flag) == [(0, "first"), (0, "realert"), (0, "escalate")]


def test_each_step_writes_an_audit_row(urgent_flag):
    first = urgent_flag.notified_at

    ladder_run(first + 30 * MINUTE)
    ladder_run(first + 60 * MINUTE)

    sent = [str(pk) for pk in alert_rows(urgent_flag).values_list("pk", flat=True)]
    details = list(
        AuditEvent.objects.filter(object_type="notification", object_id__in=sent, action="notify")
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
        assert ladder_run(urgent_flag.notified_at + minute * MINUTE) == []

    assert len(mail.outbox) == 1


def test_a_step_recorded_before_the_acknowledgement_is_not_sent(urgent_flag, therapist):
    (row,) = risk_alerts_due_enqueue(now=urgent_flag.notified_at + 30 * MINUTE)
    acknowledge(urgent_flag, therapist)

    row = message_deliver(message_id=row.pk, now=urgent_flag.notified_at + 31 * MINUTE)

    assert (row.status, row.skipped_reason) == (Message.Status.SKIPPED, NO_LONGER_WAITING)
    assert len(mail.outbox) == 1


def test_acknowledging_after_the_reminder_stops_the_admins_alert(urgent_flag, therapist):
    first = urgent_flag.notified_at
    ladder_run(first + 30 * MINUTE)
    acknowledge(urgent_flag, therapist)

    assert ladder_run(first + 60 * MINUTE) == []
    assert len(mail.outbox) == 2


def test_a_high_flag_is_not_alerted_again(intake, practice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    first = RiskFlag.objects.get(intake=intake).notified_at

    assert ladder_run(first + 3 * 60 * MINUTE) == []
    assert len(mail.outbox) == 1


def test_the_wait_is_the_practices_setting(urgent_flag, practice):
    practice.urgent_realert_minutes = 10
    practice.save(update_fields=["urgent_realert_minutes"])
    first = urgent_flag.notified_at

    ladder_run(first + 10 * MINUTE)
    ladder_run(first + 20 * MINUTE)

    assert len(mail.outbox) == 3


def test_a_flag_opened_again_by_a_later_answer_starts_its_ladder_again(
    intake, practice, practice_admin, therapist, django_capture_on_commit_callbacks
):
    # Raised by an answer the client has since changed, so her acute answer below is new
    # evidence however reasons are keyed, and opens the acknowledged flag again.
    flag = raise_flag(intake, "urgent", reasons=[EARLIER_ANSWER])
    ladder_run(timezone.now())
    flag.refresh_from_db()
    ladder_run(flag.notified_at + 30 * MINUTE)
    acknowledge(flag, therapist)

    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "asq", {"1": True, "5": True})

    flag.refresh_from_db()
    assert (flag.acknowledged_at, flag.realerted_at, flag.alert_round) == (None, None, 1)
    reopened = flag.notified_at
    ladder_run(reopened + 30 * MINUTE)
    ladder_run(reopened + 60 * MINUTE)
    assert steps_sent(flag) == [(0, "first"), (0, "realert"), (1, "first"), (1, "realert"), (1, "escalate")]


def test_a_reminder_quotes_the_first_alert_so_mail_programs_thread_them(urgent_flag):
    ladder_run(urgent_flag.notified_at + 30 * MINUTE)

    assert mail.outbox[1].extra_headers["In-Reply-To"] == mail.outbox[0].extra_headers["Message-ID"]


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
    ladder_run(urgent_flag.notified_at + 30 * MINUTE)
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
        if entry["task"] == risk_alerts_due_enqueue_task.name
    ]

    assert entry["schedule"] == 60.0


def test_the_ladder_task_sends_the_steps_due_now(urgent_flag, django_capture_on_commit_callbacks):
    with (
        patch("django.utils.timezone.now", return_value=urgent_flag.notified_at + 31 * MINUTE),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert risk_alerts_due_enqueue_task.delay().get() == 1
        assert risk_alerts_due_enqueue_task.delay().get() == 0

    assert len(steps_sent(urgent_flag)) == 2


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
    with django_capture_on_commit_callbacks(execute=True):
        risk_alerts_due_enqueue()
    messages_sweep(now=timezone.now() + 60 * MINUTE)
    assert len(mail.outbox) == 1


def test_a_high_flag_raised_before_an_urgent_one_still_had_its_own_alert(
    intake, practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "asq", {"1": True, "5": True})

    assert [("Urgent" in m.subject) for m in mail.outbox] == [False, True]
