"""Access policy for the intake app's URLs (merged into tests/portal/access_policy.py).

The intake is the client's own: its pages are for clients only; staff read intakes through
the therapist review (intake:staff_*), for clinical staff only. Pages without an id show the
signed-in client her own intake; pages with a pregnancy id answer 404 to any other client.
"""

from tests.portal.access_policy_base import (  # noqa: F401
    ADMIN_ONLY,
    CLIENT_ONLY,
    CLINICAL_ONLY,
    OWNER_ONLY,
    by_role,
    everyone,
)

# A client arriving at the start is sent on to the step she was on.
CLIENT_REDIRECT = by_role("login", "redirect", "redirect", "forbidden", "forbidden", "forbidden")

POLICY: dict[str, dict[str, str]] = {
    "intake:start": CLIENT_REDIRECT,
    "intake:step": CLIENT_ONLY,
    "intake:review": CLIENT_ONLY,
    "intake:summary": CLIENT_ONLY,
    "intake:pregnancy_add": CLIENT_ONLY,
    # Safety at home (HARK): the client's own; the front desk and every other role are refused.
    "intake:home_safety": CLIENT_ONLY,
    "intake:pregnancy_edit": OWNER_ONLY,
    "intake:pregnancy_remove": OWNER_ONLY,
    # POST only (the pregnancy step's small forms); another client's date answers 404.
    "intake:hard_date_add": everyone("method"),
    "intake:hard_date_remove": everyone("method"),
    # POST only: a GET is refused before anything else is looked at.
    "intake:autosave": everyone("method"),
    "intake:agreements_sign": everyone("method"),
    # The practice admin's settings the intake owns.
    "intake:settings_agreements": by_role("login", "forbidden", "forbidden", "forbidden", "forbidden", "ok"),
    "intake:settings_agreement_new": by_role(
        "login", "forbidden", "forbidden", "forbidden", "forbidden", "ok"
    ),
    "intake:settings_therapists": by_role("login", "forbidden", "forbidden", "forbidden", "forbidden", "ok"),
    "intake:settings_therapist": by_role("login", "forbidden", "forbidden", "forbidden", "forbidden", "ok"),
    "intake:submit": everyone("method"),
    # The therapist review: clinical staff only; the front desk is refused (403) before any
    # record is looked at. Actions are POST only.
    "intake:staff_queue": CLINICAL_ONLY,
    "intake:staff_detail": CLINICAL_ONLY,
    "intake:staff_assign": everyone("method"),
    "intake:staff_status": everyone("method"),
    "intake:staff_note_add": everyone("method"),
    "intake:staff_flag_acknowledge": everyone("method"),
    # The PDF summary: the practice copy for clinical staff; the client's copy is her own.
    "intake:staff_summary_pdf": CLINICAL_ONLY,
    "intake:staff_summary_rerender": everyone("method"),
    "intake:summary_pdf": OWNER_ONLY,
    # A card photo: its client, and every staff role (billing for the front desk and the
    # practice admin; the therapist of an intake she may open). Another client: 404.
    "intake:card_image": by_role("login", "ok", "not_found", "ok", "ok", "ok"),
    "intake:benefits_check": everyone("method"),
    # Counts by referral source, for the owner (the practice admin).
    "intake:referral_report": ADMIN_ONLY,
}


def sample_kwargs(personas: dict) -> dict[str, dict[str, str]]:
    """URL kwargs for intake URLs, naming objects that belong to personas["client"]."""
    from django.core.files.base import ContentFile

    from intake.models import HardDate, InsuranceCardImage, RiskFlag, RiskLevelChoices
    from intake.payment_services import card_image_clean
    from tests.intake.factories import IntakeFactory, PregnancyEntryFactory

    intake = IntakeFactory(client=personas["client"])
    entry = PregnancyEntryFactory(intake=intake)
    hard_date = HardDate.objects.create(intake=intake, date=entry.intake.created_at.date())
    # A draft reaches staff once it has raised a same-day flag (intake.access).
    flag, _created = RiskFlag.objects.get_or_create(intake=intake, level=RiskLevelChoices.URGENT)
    # Made directly: the intake may be sent already in some walks (the upload is for drafts).
    clean = card_image_clean(_png())
    card = InsuranceCardImage(
        intake=intake,
        side="front",
        content_type="image/jpeg",
        size=len(clean.data),
        width=clean.width,
        height=clean.height,
    )
    card.file.save("card-sample.jpg", ContentFile(clean.data), save=False)
    card.save()
    return {
        "intake:card_image": {"pk": str(card.pk)},
        "intake:benefits_check": {"pk": str(intake.pk)},
        "intake:staff_detail": {"pk": str(intake.pk)},
        "intake:staff_assign": {"pk": str(intake.pk)},
        "intake:staff_status": {"pk": str(intake.pk)},
        "intake:staff_note_add": {"pk": str(intake.pk)},
        "intake:staff_flag_acknowledge": {"pk": str(flag.pk)},
        "intake:staff_summary_pdf": {"pk": str(intake.pk)},
        "intake:staff_summary_rerender": {"pk": str(intake.pk)},
        "intake:summary_pdf": {"pk": str(intake.pk)},
        "intake:step": {"number": "1"},
        "intake:settings_agreement_new": {"kind": "informed_consent"},
        "intake:settings_therapist": {"pk": str(personas["therapist"].pk)},
        "intake:pregnancy_edit": {"pk": str(entry.pk)},
        "intake:pregnancy_remove": {"pk": str(entry.pk)},
        "intake:hard_date_remove": {"pk": str(hard_date.pk)},
    }


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 60, 90)).save(out, format="PNG")
    return out.getvalue()
