from django import template

from intake.selectors import intake_is_sent
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


@register.simple_tag
def scheduling_home(user):
    """The staff home's scheduling counts (scheduling.selectors.desk_home)."""
    return desk_home(user=user)
