"""Scheduling's Celery tasks: named as intake's are, and the beat entry runs one that exists."""

from datetime import timedelta

from portal.celery import app
from scheduling import tasks


def test_beat_runs_the_reminder_sweep_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["scheduling-send-due-reminders"]

    assert entry["task"] == tasks.reminders_send_due_task.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] == timedelta(minutes=5)


def test_task_names_follow_the_service_they_run():
    assert tasks.notification_deliver_task.name == "scheduling.tasks.notification_deliver_task"
    assert tasks.reminders_send_due_task.name == "scheduling.tasks.reminders_send_due_task"
