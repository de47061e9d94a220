"""Access policy for the intake app's URLs (merged into tests/access_policy.py).

The intake is the client's own: every page is for clients only (staff read intakes through
the therapist review, a later issue). Pages without an id show the signed-in client her own
intake; pages with a pregnancy id answer 404 to any other client.
"""

from tests.access_policy_base import CLIENT_ONLY, OWNER_ONLY, by_role, everyone  # noqa: F401

# A client arriving at the start is sent on to the step she was on.
CLIENT_REDIRECT = by_role("login", "redirect", "redirect", "forbidden", "forbidden", "forbidden")

POLICY: dict[str, dict[str, str]] = {
    "intake:start": CLIENT_REDIRECT,
    "intake:step": CLIENT_ONLY,
    "intake:review": CLIENT_ONLY,
    "intake:summary": CLIENT_ONLY,
    "intake:pregnancy_add": CLIENT_ONLY,
    "intake:pregnancy_edit": OWNER_ONLY,
    "intake:pregnancy_remove": OWNER_ONLY,
    # POST only: a GET is refused before anything else is looked at.
    "intake:autosave": everyone("method"),
    "intake:agreement_sign": everyone("method"),
    "intake:submit": everyone("method"),
}


def sample_kwargs(personas: dict) -> dict[str, dict[str, str]]:
    """URL kwargs for intake URLs, naming objects that belong to personas["client"]."""
    from intake.models import ConsentDocument
    from tests.factories_intake import ConsentDocumentFactory, IntakeFactory, PregnancyEntryFactory

    intake = IntakeFactory(client=personas["client"])
    entry = PregnancyEntryFactory(intake=intake)
    # Seeded by a data migration; a live-server test's flush may have removed it.
    document = ConsentDocument.objects.filter(is_current=True).first() or ConsentDocumentFactory(
        is_current=True
    )
    return {
        "intake:step": {"number": "1"},
        "intake:pregnancy_edit": {"pk": str(entry.pk)},
        "intake:pregnancy_remove": {"pk": str(entry.pk)},
        "intake:agreement_sign": {"document_id": str(document.pk)},
    }
