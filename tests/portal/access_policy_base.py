"""Building blocks of the access policy table (see tests/portal/access_policy.py)."""

PERSONAS = ("anon", "client", "client2", "front_desk", "therapist", "admin")


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(PERSONAS, outcome)


def by_role(anon, client, client2, front_desk, therapist, admin) -> dict[str, str]:
    return dict(zip(PERSONAS, (anon, client, client2, front_desk, therapist, admin), strict=True))


SIGNED_IN_ONLY = by_role("login", "ok", "ok", "ok", "ok", "ok")
ANON_ONLY = by_role("ok", "redirect", "redirect", "redirect", "redirect", "redirect")
CLIENT_ONLY = by_role("login", "ok", "ok", "forbidden", "forbidden", "forbidden")
ADMIN_ONLY = by_role("login", "forbidden", "forbidden", "forbidden", "forbidden", "ok")
STAFF_ONLY = by_role("login", "forbidden", "forbidden", "ok", "ok", "ok")
CLINICAL_ONLY = by_role("login", "forbidden", "forbidden", "forbidden", "ok", "ok")
SCHEDULING_ONLY = by_role("login", "forbidden", "forbidden", "ok", "forbidden", "ok")
# An object that belongs to "client": the owner sees it, everyone else gets 404 as if it
# did not exist (staff access to client objects is declared per URL).
OWNER_ONLY = by_role("login", "ok", "not_found", "forbidden", "forbidden", "forbidden")
