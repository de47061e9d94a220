"""The practice's details are cached for every page, and never shown stale after a change."""

import pytest
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError

from portal import selectors
from portal.models import Practice
from portal.selectors import PRACTICE_CACHE_KEY, practice_get

pytestmark = pytest.mark.django_db


def test_the_practice_is_read_once_then_served_from_the_cache(practice, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert practice_get() == practice
    with django_assert_num_queries(0):
        assert practice_get().phone == practice.phone


def test_saving_the_practice_is_seen_at_once(practice):
    practice_get()
    practice.phone = "(303) 555-0199"
    practice.save()
    assert practice_get().phone == "(303) 555-0199"


def test_a_change_in_a_transaction_is_seen_after_it_commits(practice, django_capture_on_commit_callbacks):
    practice_get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Practice.objects.filter(pk=practice.pk).update(name="Renamed")
        practice.refresh_from_db()
        practice.save()
        # A page that read the old row between the save and the commit cached it again.
        cache.set(PRACTICE_CACHE_KEY, Practice(name="Old"), 60)
    for callback in callbacks:
        callback()
    assert practice_get().name == "Renamed"


def test_deleting_the_practice_forgets_it_and_an_empty_row_takes_its_place(practice):
    practice_get()
    practice.delete()

    fresh = practice_get()

    assert fresh.pk != practice.pk
    assert fresh.name == ""
    assert Practice.objects.count() == 1


def test_a_cache_that_cannot_be_reached_falls_back_to_the_database(practice, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise RedisConnectionError("cache down")

    monkeypatch.setattr(selectors.cache, "get", down)
    monkeypatch.setattr(selectors.cache, "set", down)
    monkeypatch.setattr(selectors.cache, "delete", down)
    assert practice_get() == practice
    practice.phone = "(303) 555-0111"
    practice.save()  # forgetting fails quietly (logged); the change itself is saved
    assert Practice.objects.get().phone == "(303) 555-0111"
    assert "cache" in caplog.text


def test_pages_show_the_changed_practice_phone(client, practice):
    assert practice.phone in client.get("/").content.decode()
    practice.phone = "(303) 555-0177"
    practice.save()
    assert "(303) 555-0177" in client.get("/").content.decode()
