from django import template
from django.utils import timezone

from intake.selectors import intake_is_sent
from scheduling.display import session_length_words, time_range_words
from scheduling.selectors import desk_home, open_request_for_client, upcoming_appointments_for_client

register = template.Library()


@register.simple_tag
def client_scheduling_status(user) -> dict:
    """The client's next appointment, open request and whether she may ask for one yet."""
    return {
        "next": upcoming_appointments_for_client(client=user).first(),
        "open_request": open_request_for_client(client=user),
        "intake_sent": intake_is_sent(client=user),
    }


@register.filter
def session_length(minutes: int) -> str:
    """53 -> "about 50 minutes" (scheduling.display)."""
    return session_length_words(minutes)


@register.filter
def time_range(start, end) -> str:
    """{{ start|time_range:end }}: "9:00–9:50 AM", or "8:00 AM–6:00 PM" across noon, in the
    practice's time (scheduling.display)."""
    if timezone.is_aware(start):
        start, end = timezone.localtime(start), timezone.localtime(end)
    return time_range_words(start, end)


@register.simple_tag
def scheduling_home(user):
    """The staff home's scheduling counts (scheduling.selectors.desk_home)."""
    return desk_home(user=user)
