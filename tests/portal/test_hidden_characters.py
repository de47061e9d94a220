"""An email address with a hidden character (a pasted right-to-left override, a zero-width
space) is refused beside the field wherever one is typed, never a 500; text typed in admin
is kept without direction controls, like the portal's own forms."""

import pytest
from django.core import mail
from django.urls import reverse

from intake.models import Intake
from portal.admin_base import MSG_ACTION_ROWS_UNKNOWN
from portal.models import Practice, User
from portal.text import MSG_EMAIL_HIDDEN_CHARACTER
from tests.portal.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

RLO = "\u202e"
SPOOFED = f"help@support.{RLO}gro.elpmaxe"  # shows as help@support.example.org


@pytest.mark.parametrize(
    "address", [SPOOFED, "ab@ex\u200bample.org", "ab@ex\u00adample.org", "ab@ex\u2028ample.org"]
)
def test_sign_up_refuses_an_address_with_a_hidden_character(client, address):
    response = client.post(
        reverse("account_signup"),
        {"email": address, "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    )

    assert response.status_code == 200
    assert str(MSG_EMAIL_HIDDEN_CHARACTER) in response.content.decode()
    assert not User.objects.filter(email=address).exists()
    assert mail.outbox == []


def test_a_reset_request_for_such_an_address_is_refused_not_an_error(client):
    response = client.post(reverse("account_reset_password"), {"email": SPOOFED})

    assert response.status_code == 200
    assert str(MSG_EMAIL_HIDDEN_CHARACTER) in response.content.decode()


def test_an_international_domain_is_still_welcome(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "hope@b\u00fccher.example", "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.filter(email="hope@b\u00fccher.example").exists()


def test_the_intake_contact_address_refuses_a_spoofed_domain(client, client_user):
    client.force_login(client_user)

    response = client.post(
        reverse("intake:autosave"),
        data={"field": "contact_email", "value": SPOOFED},
        content_type="application/json",
        HTTP_X_REQUESTED_WITH="fetch",
    )

    assert response.status_code == 400
    assert str(MSG_EMAIL_HIDDEN_CHARACTER) in response.content.decode()
    assert Intake.objects.filter(client=client_user, contact_email=SPOOFED).count() == 0


def test_inviting_staff_with_a_spoofed_address_is_refused(client, practice_admin):
    client.force_login(practice_admin)

    response = client.post(
        reverse("admin:portal_user_add"),
        {"email": SPOOFED, "full_name": "Maya Herrera", "role": User.Role.THERAPIST},
    )

    assert response.status_code == 200
    assert str(MSG_EMAIL_HIDDEN_CHARACTER) in response.content.decode()
    assert not User.objects.filter(email=SPOOFED).exists()


def test_practice_details_typed_in_admin_are_kept_without_direction_controls(
    client, practice_admin, practice
):
    client.force_login(practice_admin)
    url = reverse("admin:portal_practice_change", args=[practice.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name=f"Sitting in {RLO}doohretsiS", city=f"Den{RLO}rev")

    response = client.post(url, {k: ("on" if v is True else v) for k, v in data.items() if v is not False})

    assert response.status_code == 302, response.context["adminform"].form.errors
    practice.refresh_from_db()
    assert practice.name == "Sitting in doohretsiS"
    assert practice.city == "Denrev"
    assert Practice.objects.count() == 1


@pytest.mark.parametrize("selected", ["abc", "-1", "0", "99999999999999999999999", "9223372036854775808"])
def test_an_admin_action_on_rows_that_cannot_exist_says_so(client, practice_admin, selected):
    client.force_login(practice_admin)

    response = client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "reset_two_step", "_selected_action": [selected], "index": "0"},
        follow=True,
    )

    assert response.status_code == 200
    assert str(MSG_ACTION_ROWS_UNKNOWN) in response.content.decode()
