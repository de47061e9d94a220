"""Whether the private storage (generated PDFs) will take a file right now.

A full disk, a read-only mount or a lost permission makes every render fail at the very end;
asking first (a tiny probe file, written and removed) lets a render stop before the work,
lets the health check say so, and tells the practice admin on every staff page.
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

logger = logging.getLogger(__name__)

_CACHE_KEY = "portal:private-storage-problem"
# How long a staff page trusts the last answer (the probe is a write).
_CACHE_SECONDS = 60


def storage_problem(storage: Storage | None = None) -> str:
    """ "" if the storage takes and gives back a file now, else what went wrong."""
    storage = storage or storages["private"]
    name = f".write-check-{secrets.token_hex(8)}"
    try:
        saved = storage.save(name, ContentFile(b"ok"))
        storage.delete(saved)
    except OSError as error:
        return f"{type(error).__name__}: {error.strerror or error}"
    return ""


def private_storage_problem_cached() -> str:
    """storage_problem() of the private storage, asked at most once a minute."""
    problem = cache.get(_CACHE_KEY)
    if problem is None:
        problem = storage_problem()
        cache.set(_CACHE_KEY, problem, _CACHE_SECONDS)
    return problem


def private_storage_problem_forget() -> None:
    cache.delete(_CACHE_KEY)
