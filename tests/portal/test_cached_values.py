"""portal.cached: a value is kept with its generation, read with it in one cache call, and
refused once the generation has been replaced."""

from django.core.cache import cache

from portal.cached import cached_forget, cached_value


def _counted(values):
    def compute():
        values.append(len(values) + 1)
        return values[-1]

    return compute


def test_a_kept_value_is_read_in_one_cache_call(db, monkeypatch):
    computed = []
    cached_value("tests:one-call", "k", _counted(computed), seconds=60)
    calls = []
    get_many = cache.get_many
    # Only the calls cached_value makes (the local cache's get_many calls get itself).
    monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(tuple(keys)) or get_many(keys))
    assert cached_value("tests:one-call", "k", _counted(computed), seconds=60) == 1
    assert len(calls) == 1
    assert computed == [1]


def test_a_value_of_a_forgotten_generation_is_computed_afresh(db):
    computed = []
    cached_value("tests:forget", "k", _counted(computed), seconds=60)
    cached_forget("tests:forget")
    assert cached_value("tests:forget", "k", _counted(computed), seconds=60) == 2


def test_a_value_that_is_none_is_computed_again(db):
    calls = []
    for _ in range(2):
        cached_value("tests:none", "k", lambda: calls.append(1), seconds=60)
    assert len(calls) == 2
