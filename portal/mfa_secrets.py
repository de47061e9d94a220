"""Second-factor secrets (TOTP keys, recovery-code seeds) encrypted at rest.

allauth stores them through its MFA adapter's encrypt()/decrypt() hooks, which the portal's
adapter points here. The keys are the PORTAL_MFA_KEYS setting, a list: the first encrypts,
every one is tried to decrypt. To retire a key, put a new one first, run
``manage.py mfa_reencrypt``, then remove the old one.

A stored value carries a prefix, so a secret written before encryption was added (plain
base32 or hex) is told apart from a token: it still works, and mfa_reencrypt encrypts it.
"""

import functools
import logging
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction

from .audit import audit_record
from .models import AuditEvent

logger = logging.getLogger(__name__)

PREFIX = "fernet:"
# Where allauth keeps secrets inside Authenticator.data: one value, or a list of values.
SECRET_FIELDS = ("secret", "seed")
SECRET_LIST_FIELDS = ("migrated_codes",)


class SecretUnreadable(Exception):
    """No key in PORTAL_MFA_KEYS decrypts a stored secret (a key was removed too soon)."""


@functools.lru_cache(maxsize=4)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    fernets = [Fernet(key) for key in keys]
    return MultiFernet(fernets), fernets[0]


def _keys() -> tuple[MultiFernet, Fernet]:
    return _fernets(tuple(settings.PORTAL_MFA_KEYS))


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def secret_encrypt(text: str) -> str:
    """The value to store for ``text``, encrypted with the first key."""
    _all, first = _keys()
    return PREFIX + first.encrypt(text.encode()).decode("ascii")


def secret_decrypt(stored: str) -> str:
    """The secret behind a stored value; a value from before encryption is returned as is."""
    if not is_encrypted(stored):
        return stored
    every, _first = _keys()
    try:
        return every.decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()
    except InvalidToken:
        logger.error("A second-factor secret could not be decrypted with any key in PORTAL_MFA_KEYS.")
        raise SecretUnreadable("No key in PORTAL_MFA_KEYS decrypts this secret.") from None


def _needs_new_token(stored: str) -> bool:
    if not is_encrypted(stored):
        return True
    _every, first = _keys()
    try:
        first.decrypt(stored.removeprefix(PREFIX).encode("ascii"))
    except InvalidToken:
        return True
    return False


@dataclass
class ReencryptResult:
    checked: int = 0
    from_plain_text: int = 0
    rotated: int = 0
    unreadable: list[int] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.from_plain_text + self.rotated


def _reencrypted(data: dict, result: ReencryptResult) -> dict | None:
    """``data`` with every secret under the first key, or None when nothing needs to change."""
    values = [data[name] for name in SECRET_FIELDS if isinstance(data.get(name), str)]
    for name in SECRET_LIST_FIELDS:
        values += [value for value in data.get(name) or [] if isinstance(value, str)]
    stale = [value for value in values if _needs_new_token(value)]
    if not stale:
        return None
    plain = any(not is_encrypted(value) for value in stale)

    def fresh(value: str) -> str:
        return secret_encrypt(secret_decrypt(value)) if value in stale else value

    new = dict(data)
    for name in SECRET_FIELDS:
        if isinstance(data.get(name), str):
            new[name] = fresh(data[name])
    for name in SECRET_LIST_FIELDS:
        if isinstance(data.get(name), list):
            new[name] = [fresh(value) if isinstance(value, str) else value for value in data[name]]
    if plain:
        result.from_plain_text += 1
    else:
        result.rotated += 1
    return new


def authenticators_reencrypt() -> ReencryptResult:
    """Store every second-factor secret encrypted with the first key in PORTAL_MFA_KEYS.

    Idempotent: a secret already under the first key is left as it is. Each authenticator is
    locked and saved in its own short transaction, so a recovery code used meanwhile is not
    lost. A secret no key can read is reported and left untouched.
    """
    result = ReencryptResult()
    ids = Authenticator.objects.order_by("pk").values_list("pk", flat=True)
    for pk in ids:
        with transaction.atomic():
            authenticator = Authenticator.objects.select_for_update().filter(pk=pk).first()
            if authenticator is None:  # deleted meanwhile (an MFA reset)
                continue
            result.checked += 1
            try:
                data = _reencrypted(authenticator.data, result)
            except SecretUnreadable:
                result.unreadable.append(pk)
                continue
            if data is not None:
                authenticator.data = data
                authenticator.save(update_fields=["data"])
    if result.changed:
        audit_record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            object_type="authenticator",
            detail=(
                f"second-factor secrets re-encrypted with the first key: {result.from_plain_text} "
                f"from plain text, {result.rotated} from an older key"
            ),
        )
    return result
