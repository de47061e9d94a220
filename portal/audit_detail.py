"""An audit row's detail as an owner reads it: names for ids, Denver time for UTC, labels for
codes. The details are stored as the services wrote them (the CSV keeps them so); this reads
them. Pure but for `detail_ids`/`detail_slugs`, which say what the page must batch-load first.
"""

import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

DENVER = ZoneInfo("America/Denver")

_PERSON_ID = re.compile(r"\b(?:therapist|user|was) (\d{1,18})\b")
_UTC_TIME = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2})(?: UTC)?")
_BOOKED = re.compile(
    r"^booked (?P<slug>[\w-]+) (?P<modality>\w+) with therapist (?P<therapist>\d+) at "
    r"(?P<at>\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC(?:; override \((?P<why>[^)]*)\): (?P<reason>.*))?$",
    re.DOTALL,
)
_ROLE = re.compile(r"^role changed from (\w+) to (\w+)$")
_ROLE_IN = re.compile(r"\b(?:as|with role) (client|therapist|front_desk|practice_admin)\b")
_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")

FILTER_WORDS = {"client_email": "client", "date_from": "from", "date_to": "to"}


def detail_ids(object_type: str, object_id: str, detail: str) -> set[int]:
    """The people a row's detail or record id names by number."""
    ids = {int(found) for found in _PERSON_ID.findall(detail)}
    if object_type == "audit_log":
        ids |= {int(value) for key, value in parse_qsl(detail) if key == "staff" and _small_int(value)}
    if object_type == "user" and _small_int(object_id):
        ids.add(int(object_id))
    return ids


def _small_int(text: str) -> bool:
    return text.isdigit() and len(text) <= 18


def detail_slugs(detail: str) -> set[str]:
    """The session types a booking row names by slug."""
    booked = _BOOKED.match(detail)
    return {booked["slug"]} if booked else set()


def denver(stamp: str) -> str:
    """ "2026-12-03 10:00" (UTC, as stored) as "Thu Dec 3, 3:00 AM" in Denver."""
    try:
        at = datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).astimezone(DENVER)
    except ValueError:
        return stamp
    return f"{at:%a %b} {at.day}, {at.hour % 12 or 12}:{at:%M %p}"


def _label(code: str, labels: dict[str, str]) -> str:
    return str(labels.get(code, code.replace("_", " "))).lower()


def booking_sentence(detail: str, *, actor: str, client: str, names, session_types, modalities) -> str:
    """A booking's row said whole: what, for whom, with whom, when and why outside the rules;
    empty when the detail is not a booking's."""
    booked = _BOOKED.match(detail)
    if not booked:
        return ""
    therapist = names.get(int(booked["therapist"]), _("a therapist"))
    words = _("%(actor)s booked %(what)s (%(how)s) for %(client)s with %(therapist)s on %(when)s") % {
        "actor": actor,
        "what": session_types.get(booked["slug"], booked["slug"].replace("-", " ")),
        "how": _label(booked["modality"], modalities),
        "client": client,
        "therapist": therapist,
        "when": denver(booked["at"]),
    }
    if booked["why"]:
        words += " " + _("(booked anyway, %(why)s: “%(reason)s”)") % {
            "why": booked["why"],
            "reason": booked["reason"],
        }
    return words


def detail_words(detail: str, *, object_type: str, names: dict[int, str], roles: dict[str, str]) -> str:
    """The detail line under a row's sentence, in words; empty when the sentence says it all."""
    if object_type == "audit_log":
        return filters_words(detail, names=names)
    if role := _ROLE.match(detail):
        return _("from %(old)s to %(new)s") % {
            "old": _label(role[1], roles),
            "new": _label(role[2], roles),
        }
    words = _ROLE_IN.sub(lambda found: found[0].replace(found[1], _label(found[1], roles)), detail)
    words = _PERSON_ID.sub(lambda found: _named(found, names), words)
    words = re.sub(r"\bUTC\b ?", "", _UTC_TIME.sub(lambda found: denver(found[1]), words)).strip()
    words = words.replace(" -> ", " → ")
    return _CODE.sub(lambda found: found[0].replace("_", " "), words)


def _named(found: re.Match, names: dict[int, str]) -> str:
    """ "therapist 4" as her name; "was 4" as "was" and the name."""
    name = names.get(int(found[1]), _("someone"))
    return f"was {name}" if found[0].startswith("was ") else name


def filters_words(query: str, *, names: dict[int, str]) -> str:
    """What the audit log was filtered by, from the query string it was read with."""
    said = []
    for key, value in parse_qsl(query):
        if key == "staff":
            name = names.get(int(value), "") if _small_int(value) else ""
            said.append(_("staff: %(name)s") % {"name": name or _("someone")})
        elif key in FILTER_WORDS and value:
            said.append(f"{FILTER_WORDS[key]}: {value[:60]}")
    return _("filtered by %(filters)s") % {"filters": ", ".join(said)} if said else ""
