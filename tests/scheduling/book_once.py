"""One booking attempt in a process of its own, for the multi-process race test.

Usage: python tests/scheduling/book_once.py START_AT THERAPIST_ID CLIENT_ID ACTOR_ID SESSION_TYPE_ID SLOT_ISO
Waits until START_AT (a time.time() value) so all processes try at once, then prints
"booked", "taken" or "error <name>".
"""

import os
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from portal.models import User  # noqa: E402
from scheduling.appointment_services import appointment_book  # noqa: E402
from scheduling.errors import SlotTakenError  # noqa: E402
from scheduling.models import SessionType  # noqa: E402


def main() -> None:
    start_at, therapist_id, client_id, actor_id, session_type_id, slot = sys.argv[1:7]
    therapist = User.objects.get(pk=therapist_id)
    client = User.objects.get(pk=client_id)
    actor = User.objects.get(pk=actor_id)
    session_type = SessionType.objects.get(pk=session_type_id)
    time.sleep(max(0.0, float(start_at) - time.time()))
    try:
        appointment_book(
            therapist=therapist,
            session_type=session_type,
            start=datetime.fromisoformat(slot),
            modality="telehealth",
            actor=actor,
            client=client,
        )
    except SlotTakenError:
        print("taken")
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        print(f"error {type(exc).__name__}: {exc}")
    else:
        print("booked")


if __name__ == "__main__":
    main()
