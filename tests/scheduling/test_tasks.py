"""The periodic tasks scheduling's messages depend on: named as intake's are, and each beat
entry runs a task that exists."""

from datetime import timedelta

from portal import tasks as portal_tasks
from portal.celery import app
from scheduling import tasks


def test_beat_runs_the_reminder_sweep_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["scheduling-send-due-reminders"]

    assert entry["task"] == tasks.reminders_send_due_task.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] == timedelta(minutes=5)


def test_beat_runs_the_message_sweeper_every_minute(settings):
    # Every minute, for kinds that cannot wait (the on-call alert); an appointment email
    # still waits ten minutes for its own task first (portal.message_ledger.STALE_AFTER).
    entry = settings.CELERY_BEAT_SCHEDULE["portal-messages-sweep"]

    assert entry["task"] == portal_tasks.messages_sweep_task.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] == timedelta(minutes=1)
