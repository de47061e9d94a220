import pytest

from tests.scheduling.factories import hours_all_week, practice_books_on_request


@pytest.fixture
def booking_mechanics(request, practice):
    """For modules about how booking, moving and messages work: the practice books at once
    and the persona therapist (when a test has her) works every hour, so the booking gate
    and guardrails, tested on their own, stay out of the way."""
    practice_books_on_request()
    if "therapist" in request.fixturenames and not request.node.get_closest_marker("own_hours"):
        hours_all_week(request.getfixturevalue("therapist"))
