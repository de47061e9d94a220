"""What the therapist's queue says of its pages and of a filter it cannot apply."""

import html
import re

import pytest
from django.urls import reverse

from intake.forms_staff import SEARCH_MAX_LENGTH
from tests.intake.test_queue_key_paging import _queue_of

pytestmark = pytest.mark.django_db

QUEUE = reverse("intake:staff_queue")


@pytest.fixture
def as_therapist(client, therapist):
    client.force_login(therapist)
    return client


def _next_link(text: str) -> str:
    return html.unescape(re.search(r'<a href="(\?[^"]*)">Next</a>', text).group(1))


def test_the_last_of_several_pages_says_which_intakes_it_shows_and_of_how_many(as_therapist):
    _queue_of(30)
    second = as_therapist.get(QUEUE + _next_link(as_therapist.get(QUEUE).content.decode()))

    assert "Intakes 26 to 30 of 30" in second.content.decode()


def test_a_single_page_says_how_many_intakes(as_therapist):
    _queue_of(3)

    assert "3 intakes" in as_therapist.get(QUEUE).content.decode()


def test_a_search_too_long_is_kept_and_said_beside_the_field(as_therapist):
    _queue_of(3)
    typed = "a" * (SEARCH_MAX_LENGTH + 1)

    response = as_therapist.get(QUEUE, {"q": typed})

    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_q_error"' in text
    assert "This filter is not applied." in text
    assert f'value="{typed}"' in text
