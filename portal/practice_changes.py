"""What the apps write from the practice's details and its staff, written again after a change.

The portal knows neither app, yet the intake's agreements are written from the practice row
and its therapists. Each app registers one function in its AppConfig.ready(); the portal's
services that change the practice's details, settings or staff call practice_changed() inside
their own transaction, so what is written from them changes with them or not at all. An
explicit call from a service, not a signal: nothing happens behind a save.
"""

from collections.abc import Callable

from django.http import HttpRequest

from .models import User

# Each takes (actor=, request=) and returns why anything could not be written again.
Republisher = Callable[..., list[str]]

_REPUBLISHERS: list[Republisher] = []


def practice_republisher_register(republisher: Republisher) -> None:
    if republisher not in _REPUBLISHERS:
        _REPUBLISHERS.append(republisher)


def practice_changed(*, actor: User | None, request: HttpRequest | None = None) -> list[str]:
    """Have every app write again what it writes from the practice and its staff; returns
    what could not be, in the practice admin's words (empty: everything is up to date)."""
    problems: list[str] = []
    for republisher in _REPUBLISHERS:
        problems.extend(republisher(actor=actor, request=request))
    return problems
