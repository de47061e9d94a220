"""Limits on failed sign-ins (issue 14).

Failures are counted per network, per address from one network, and per address from every
network together. Someone who knows an address can then pause it only on networks of their
own: its owner signs in from hers. The ceiling across networks is there for guessing spread
over many networks (clients have no second factor, and IPv6 gives one person thousands of
networks); it is generous, and a password reset lifts it at once.

The numbers are in settings.ACCOUNT_RATE_LIMITS: allauth's own "login_failed" holds the
per-network ("ip") rates and the per-address-and-network ones ("key": the adapter makes
allauth's key the address and the network), and "login_failed_address" the ceiling. The
counts live in the cache, which production must share between processes (REDIS_CACHE_URL).

allauth has no public way to count a rate of its own or to tell which rate is full; the
helpers of allauth.core.internal.ratelimit used here are stable in 65.x, and
tests/portal/test_sign_in_limits.py fails if they change.
"""

from dataclasses import dataclass

from allauth.account import app_settings as account_settings
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.http import HttpRequest

APP = "allauth.account"
FAILED = "login_failed"
FAILED_PER_ADDRESS = "login_failed_address"

# What each kind of pause covers, as the audit row says it (never the address itself).
NETWORK = "every address from this network"
ADDRESS_FROM_NETWORK = "one address from this network"
ADDRESS = "one address from every network"
PERIOD_UNITS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


@dataclass(frozen=True)
class Pause:
    """A full limit: failed sign-ins it counts are refused until its window moves on."""

    scope: str
    rate: str
    cache_key: str
    seconds: float

    @property
    def detail(self) -> str:
        amount, period, _ = self.rate.split("/")
        count, unit = period[:-1], PERIOD_UNITS[period[-1]]
        within = f"{count} {unit}s" if count not in ("", "1") else f"{'an' if unit == 'hour' else 'a'} {unit}"
        return f"failed sign-ins paused for {self.scope}: {amount} failures in {within}"


def address_and_network(address_key: str, request: HttpRequest) -> str:
    """The key of one address from the network this request comes from (an IPv6 /64)."""
    return f"{address_key}|{ratelimit.get_ip(request)}"


def _rates(action: str, per: str | None = None) -> list[str]:
    configured = account_settings.RATE_LIMITS.get(action) or ""
    rates = [rate.strip() for rate in configured.split(",") if rate.strip()]
    return [rate for rate in rates if per is None or ratelimit.parse_rate(rate).per == per]


def address_consume(request: HttpRequest, *, address_key: str) -> ratelimit.RateLimitUsage | None:
    """Count one attempt against the address's ceiling; None if the ceiling is reached.

    Like allauth's own counts it is taken before the password is checked and given back
    when the password is right.
    """
    return ratelimit.consume(request, app=APP, action=FAILED_PER_ADDRESS, key=address_key)


def pauses(request: HttpRequest, *, address_key: str, pair_key: str) -> list[Pause]:
    """The limits that are full for an attempt from this request's network."""
    found = []
    for action, key in ((FAILED, pair_key), (FAILED_PER_ADDRESS, address_key)):
        for rate in _rates(action):
            config = {action: rate}
            if ratelimit.consume(request, app=APP, action=action, config=config, key=key, dry_run=True):
                continue
            parsed = ratelimit.parse_rate(rate)
            scope = (
                ADDRESS
                if action == FAILED_PER_ADDRESS
                else NETWORK
                if parsed.per == "ip"
                else ADDRESS_FROM_NETWORK
            )
            cache_key = ratelimit.get_cache_key(request, app=APP, action=action, rate=parsed, key=key)
            found.append(Pause(scope=scope, rate=rate, cache_key=cache_key, seconds=parsed.duration))
    return found


def pause_is_new(pause: Pause) -> bool:
    """Whether this is the first refusal since the limit filled, so that it is audited once
    and a flood of refused attempts does not flood the audit trail."""
    return cache.add(f"portal:sign-in-pause:{pause.cache_key}", True, timeout=pause.seconds)


def address_clear(request: HttpRequest, *, address_key: str, pair_key: str) -> None:
    """After a password reset the address's counts start again: from every network, and from
    this one. The network's own count does not, or resetting one's own password would let a
    network go on trying other people's."""
    for action, key in ((FAILED, pair_key), (FAILED_PER_ADDRESS, address_key)):
        rates = ",".join(_rates(action, per="key"))
        if rates:
            ratelimit.clear(request, app=APP, action=action, config={action: rates}, key=key)
