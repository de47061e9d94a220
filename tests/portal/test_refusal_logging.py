"""A 403 is logged as one line, without a traceback."""

import logging
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from portal.log_filters import RefusalWithoutTraceback

pytestmark = pytest.mark.django_db


def test_a_refused_page_is_logged_in_one_line(client, client_user, caplog):
    client.force_login(client_user)
    caplog.handler.addFilter(RefusalWithoutTraceback())

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("scheduling:queue"))

    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
    assert reverse("scheduling:queue") in record.getMessage()


def test_other_errors_keep_their_traceback():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())

    RefusalWithoutTraceback().filter(record)

    assert record.exc_info is not None


def test_the_console_handler_carries_the_filter():
    assert "refusal_without_traceback" in settings.LOGGING["handlers"]["console"]["filters"]
