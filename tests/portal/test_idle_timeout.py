import time

import pytest
from django.urls import reverse

from portal.middleware import LAST_ACTIVITY_KEY, MSG_SIGNED_OUT_IDLE

pytestmark = pytest.mark.django_db


def _idle_for(client, seconds: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - seconds
    session.save()


def test_idle_staff_are_signed_out_after_fifteen_minutes(client, therapist):
    client.force_login(therapist)
    client.get(reverse("portal:staff_home"))
    _idle_for(client, 15 * 60 + 5)

    response = client.get(reverse("portal:staff_home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_staff_active_within_fifteen_minutes_stay_signed_in(client, therapist):
    client.force_login(therapist)
    client.get(reverse("portal:staff_home"))
    _idle_for(client, 14 * 60)

    assert client.get(reverse("portal:staff_home")).status_code == 200


def test_idle_client_keeps_the_session_for_thirty_minutes(client, client_user):
    client.force_login(client_user)
    client.get(reverse("portal:client_home"))
    _idle_for(client, 20 * 60)

    assert client.get(reverse("portal:client_home")).status_code == 200


def test_idle_client_is_signed_out_after_thirty_minutes_with_a_kind_message(client, client_user):
    client.force_login(client_user)
    client.get(reverse("portal:client_home"))
    _idle_for(client, 30 * 60 + 5)

    response = client.get(reverse("portal:client_home"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert str(MSG_SIGNED_OUT_IDLE) in response.content.decode()


def test_background_requests_get_json_after_idle_sign_out(client, client_user):
    client.force_login(client_user)
    client.get(reverse("portal:client_home"))
    _idle_for(client, 31 * 60)

    response = client.get(reverse("portal:client_home"), headers={"x-requested-with": "fetch"})

    assert response.status_code == 401
    assert response.json()["signed_in"] is False


def test_checking_the_session_status_does_not_count_as_activity(client, therapist):
    client.force_login(therapist)
    client.get(reverse("portal:staff_home"))
    _idle_for(client, 10 * 60)
    before = client.session[LAST_ACTIVITY_KEY]

    response = client.get(reverse("portal:session_status"))

    assert response.status_code == 200
    assert 4 * 60 <= response.json()["remaining"] <= 5 * 60
    assert client.session[LAST_ACTIVITY_KEY] == before


def test_stay_signed_in_resets_the_clock(client, therapist):
    client.force_login(therapist)
    client.get(reverse("portal:staff_home"))
    _idle_for(client, 14 * 60)

    response = client.post(reverse("portal:session_keepalive"))

    assert response.status_code == 200
    assert response.json()["remaining"] > 14 * 60


def test_pages_tell_the_browser_when_to_warn(client, client_user):
    client.force_login(client_user)

    content = client.get(reverse("portal:client_home")).content.decode()

    assert 'data-idle-timeout="1800"' in content
    assert 'id="idle-warning"' in content
