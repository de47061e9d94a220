"""Many processes book the same slot at the same moment on PostgreSQL: exactly one wins."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection

from portal.models import User
from scheduling.models import Appointment
from tests.portal.factories import UserFactory
from tests.portal.real_services import database_url
from tests.scheduling.factories import SessionTypeFactory

ROOT = Path(__file__).resolve().parent.parent.parent
PROCESSES = 8

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_concurrent_bookings_from_many_processes_exactly_one_wins(therapist, front_desk):
    if connection.vendor != "postgresql":
        pytest.skip("The race is settled by PostgreSQL's exclusion constraint.")
    session_type = SessionTypeFactory(duration_minutes=53)
    clients = UserFactory.create_batch(PROCESSES, role=User.Role.CLIENT)
    slot = (datetime.now(UTC) + timedelta(days=10)).replace(hour=17, minute=0, second=0, microsecond=0)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": "",
    }
    start_at = time.time() + 6  # every process has set Django up by then
    processes = [
        subprocess.Popen(  # noqa: S603 - our own script and ids
            [
                sys.executable,
                "tests/scheduling/book_once.py",
                str(start_at),
                str(therapist.pk),
                str(client.pk),
                str(front_desk.pk),
                str(session_type.pk),
                slot.isoformat(),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for client in clients
    ]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        outputs.append(out.strip() or err.strip()[-300:])

    assert sorted(outputs) == ["booked"] + ["taken"] * (PROCESSES - 1), outputs
    assert Appointment.objects.filter(therapist=therapist, start=slot).count() == 1
