"""Walk every URL in the project as every kind of visitor and compare with the policy."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.portal.access_policy import (
    ADMIN_EXCEPTIONS,
    ADMIN_POLICY,
    PERSONAS,
    POLICY,
    iter_named_patterns,
    url_kwargs,
)


def outcome(response) -> str:
    code = response.status_code
    if code in (301, 302):
        location = response["Location"]
        if location.startswith((reverse("account_login"), reverse("admin:login"))):
            return "login"
        return "redirect"
    return {
        200: "ok",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method",
        503: "unavailable",
    }.get(code, str(code))


def admin_kwargs(name: str, pattern, sample_objects) -> dict:
    keys = set(pattern.pattern.regex.groupindex)
    kwargs = {}
    if "app_label" in keys:
        kwargs["app_label"] = "portal"
    if "content_type_id" in keys:
        obj = sample_objects["portal_user"]
        kwargs["content_type_id"] = str(ContentType.objects.get_for_model(obj).pk)
        kwargs["object_id"] = str(obj.pk)
    elif "object_id" in keys or "id" in keys:
        model_key = name.split(":", 1)[1].rsplit("_", 1)[0].removeprefix("auth_user_password")
        obj = sample_objects.get(model_key) or sample_objects["portal_user"]
        kwargs["object_id" if "object_id" in keys else "id"] = str(obj.pk)
    return kwargs


def expected_for(name: str) -> dict[str, str] | None:
    if name.startswith("admin:"):
        return {**ADMIN_POLICY, **ADMIN_EXCEPTIONS.get(name, {})}
    return POLICY.get(name)


def test_every_url_has_a_declared_policy():
    missing = [name for name, _ in iter_named_patterns() if expected_for(name) is None]
    assert missing == [], f"Add these URLs to tests/portal/access_policy.py POLICY: {missing}"


def test_policy_names_only_existing_urls():
    names = {name for name, _ in iter_named_patterns()}
    assert set(POLICY) - names == set()


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(client, personas, sample_objects, persona):
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    kwargs_by_name = url_kwargs(personas)
    mismatches = []
    for name, pattern in iter_named_patterns():
        expected = expected_for(name)[persona]
        if name.startswith("admin:"):
            kwargs = admin_kwargs(name, pattern, sample_objects)
        else:
            kwargs = kwargs_by_name.get(name, {})
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code < 500, f"{name} answered {response.status_code} for {persona}"
        got = outcome(response)
        if got != expected:
            mismatches.append(f"{name}: expected {expected}, got {got}")
        if user is not None:
            # Some pages sign people out or change the session; start each URL fresh.
            client.force_login(user)
    assert mismatches == []
