"""Demo data for a local run (manage.py seed_demo): an office and therapists' hours."""

from datetime import time

from django.utils import timezone

from portal.models import User
from portal.selectors import practice_get

from .models import Modality, Office, TherapistProfile, WeeklyAvailability


def scheduling_demo_seed(*, therapists: list[User], today=None) -> None:
    """An office at the practice's address, a profile and weekday hours for each therapist.
    Idempotent: leaves anything already set up alone."""
    practice = practice_get()
    today = today or timezone.localdate()
    if not Office.objects.exists() and practice.address_one_line:
        Office.objects.create(name="Denver office", address=practice.address_one_line)
    for number, therapist in enumerate(therapists, start=1):
        TherapistProfile.objects.get_or_create(
            user=therapist,
            defaults={
                "credentials": therapist.full_name.rpartition(", ")[2] if ", " in therapist.full_name else "",
                "video_link": f"https://video.example/room/demo-{number}",
            },
        )
        if WeeklyAvailability.objects.filter(therapist=therapist).exists():
            continue
        for weekday in range(5):
            in_person = (weekday + number) % 2 == 0
            WeeklyAvailability.objects.create(
                therapist=therapist,
                weekday=weekday,
                start_time=time(9) if in_person else time(12),
                end_time=time(13) if in_person else time(18),
                modality=Modality.IN_PERSON if in_person else Modality.TELEHEALTH,
                valid_from=today,
            )
