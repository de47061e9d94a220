"""Small values kept in the shared cache under a generation, so one call forgets them all.

Each family of cached values (the header's flag counts, the list of therapists) has a
generation token in the cache; each value is kept with the token it was computed under.
Changing what they were computed from replaces the token (now, and again once the
transaction commits, so a page that read the old rows in between cannot keep them), and
every value of the family is then refused as stale and expires on its own. A cache that
is down is never an error: the value is computed afresh.

Never put clinical content here (answers, notes, names tied to a clinical fact): the cache
may be shared between processes and hosts.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

try:  # the production cache is Redis; the embedded default keeps it in the process
    from redis.exceptions import RedisError as _CacheDown
except ImportError:  # pragma: no cover - redis is a pinned dependency
    _CacheDown = OSError


def _generation_key(family: str) -> str:
    return f"portal:generation:{family}"


def _generation(family: str) -> str:
    key = _generation_key(family)
    token = cache.get(key)
    if token is None:
        token = uuid.uuid4().hex
        # add, not set: two processes starting a family at once agree on one token.
        if not cache.add(key, token, None):
            token = cache.get(key) or token
    return token


def cached_value[T](family: str, key: str, compute: Callable[[], T], *, seconds: int) -> T:
    """`compute()`, kept for up to `seconds` under `key` in the current generation of
    `family`.

    The value is kept with the generation it was computed in, and the two are read in one
    round trip (every signed-in request reads its user this way): a value of an older
    generation is computed afresh, as if it had been forgotten.
    """
    value_key = f"{family}:{key}"
    try:
        found = cache.get_many([_generation_key(family), value_key])
        token = found.get(_generation_key(family)) or _generation(family)
    except (_CacheDown, OSError):
        logger.warning("The cache could not be read; %s is computed afresh.", family)
        return compute()
    kept = found.get(value_key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == token and kept[1] is not None:
        return kept[1]
    value = compute()
    try:
        cache.set(value_key, (token, value), seconds)
    except (_CacheDown, OSError):
        logger.warning("The cache could not be written; %s will be computed again.", family)
    return value


def _replace_generation(family: str) -> None:
    try:
        cache.set(_generation_key(family), uuid.uuid4().hex, None)
    except (_CacheDown, OSError):
        logger.error("The cached %s could not be forgotten; they expire on their own.", family)


def cached_forget(family: str) -> None:
    """Forget every value of `family`: now (for this transaction's own reads) and again once
    it commits."""
    _replace_generation(family)
    transaction.on_commit(lambda: _replace_generation(family))
