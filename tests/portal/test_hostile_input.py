"""Every POST form in the project, found by walking the URL patterns as every persona, is
sent generated hostile values. Never a 5xx, and nothing comes back unescaped."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portal.access_policy import PERSONAS, POLICY, url_kwargs
from tests.portal.factories import DEFAULT_PASSWORD
from tests.portal.hostile import SCRIPT_MARKER, hostile_text, post_forms

pytestmark = pytest.mark.django_db

# Forms that only end the session; posting to them proves nothing about input handling.
SKIP = {"account_logout"}
HYPOTHESIS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def _discover(client, personas, persona):
    """(url name, page path, form) for every distinct POST form the persona can open."""
    found = []
    seen = set()
    kwargs_by_name = url_kwargs(personas)
    for name, outcomes in POLICY.items():
        if name in SKIP or outcomes.get(persona) != "ok":
            continue
        path = reverse(name, kwargs=kwargs_by_name.get(name, {}))
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for form in post_forms(response.content.decode()):
            target = form.action or path
            key = (target, tuple(sorted(form.fields)))
            if key in seen or resolve(target.split("?")[0]).url_name in SKIP:
                continue
            seen.add(key)
            found.append((name, path, form))
    return found


def _payload(form, data):
    values = {}
    for name in form.fields:
        if name == "csrfmiddlewaretoken":
            continue
        choice = data.draw(st.sampled_from(["hostile", "hostile", "offered", "missing", "duplicated"]))
        if choice == "missing":
            continue
        if choice == "offered" and form.fields[name]:
            values[name] = data.draw(st.sampled_from(form.fields[name]))
        elif choice == "duplicated":
            values[name] = [data.draw(hostile_text), data.draw(hostile_text)]
        else:
            values[name] = data.draw(hostile_text)
    return values


def _assert_safe(response, where):
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    if "text/html" in response.get("Content-Type", ""):
        assert SCRIPT_MARKER not in response.content.decode(errors="replace"), (
            f"{where} echoed a script unescaped"
        )


@pytest.mark.parametrize("persona", PERSONAS)
def test_hostile_values_never_cause_a_server_error(personas, persona):
    user = personas[persona]
    client = Client()
    if user is not None:
        client.force_login(user)
    forms = _discover(client, personas, persona)
    assert forms or persona == "anon", f"no forms found for {persona}"

    @HYPOTHESIS
    @given(data=st.data())
    def check(data):
        cache.clear()  # rate limits would otherwise answer every later example with 429
        name, path, form = data.draw(st.sampled_from(forms))
        if user is not None:
            client.force_login(user)
        target = form.action or path
        response = client.post(target, _payload(form, data))
        _assert_safe(response, f"{name} ({target}) as {persona}")

    if forms:
        check()
    if user is not None:
        # Nothing the person had is lost or changed by what was thrown at the forms.
        user.refresh_from_db()
        assert user.check_password(DEFAULT_PASSWORD)
        assert EmailAddress.objects.get(user=user, primary=True).email == user.email


@pytest.mark.parametrize("persona", ["anon", "client", "therapist"])
def test_forms_refuse_a_missing_or_wrong_csrf_token(personas, persona):
    user = personas[persona]
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    for name, path, form in _discover(client, personas, persona):
        target = form.action or path
        missing = client.post(
            target, {k: v[0] if v else "" for k, v in form.fields.items() if k != "csrfmiddlewaretoken"}
        )
        wrong = client.post(target, {"csrfmiddlewaretoken": "x" * 64})
        assert missing.status_code == 403, f"{name} accepted a POST without a CSRF token"
        assert wrong.status_code == 403, f"{name} accepted a wrong CSRF token"
