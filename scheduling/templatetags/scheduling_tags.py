from django import template

from intake.selectors import intake_is_sent
from scheduling.display import session_length_words
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


@register.simple_tag
def scheduling_home(user):
    """The staff home's scheduling counts (scheduling.selectors.desk_home)."""
    return desk_home(user=user)
