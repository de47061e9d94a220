"""Writes about how the client pays: photos of her insurance card, and the front desk's
record that it checked her benefits.

A card photo is PHI (a member ID, a name, a date of birth). What arrives is never kept as
sent: it must open as a JPEG, PNG or HEIC image by its content (the name and the browser's
type are not believed), stay within a size and a pixel count, and is then re-encoded as a
fresh JPEG, which carries none of the original's metadata (location, camera, time).
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

import pillow_heif
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from portal.audit import audit_record
from portal.models import AuditEvent, User

from .draft_services import draft_locked
from .models import BenefitsCheck, InsuranceCardImage, Intake

# HEIC is what iPhones take photos in; the opener lets Pillow read it.
pillow_heif.register_heif_opener()

CARD_IMAGE_MAX_BYTES = 10 * 1024 * 1024
# A phone photo is about 12 megapixels; far more is a crafted file meant to exhaust memory.
CARD_IMAGE_MAX_PIXELS = 50_000_000
# Long side of the stored copy: plenty to read a member ID, a fraction of a phone photo's size.
CARD_IMAGE_STORED_EDGE = 2000
CARD_IMAGE_FORMATS = ("JPEG", "PNG", "HEIF")
CARD_IMAGE_ACCEPT = "image/jpeg,image/png,image/heic,image/heif,.heic,.heif"

ERROR_CARD_NOT_IMAGE = _(
    "This file isn't a photo we can read. Please choose a JPEG, PNG or HEIC photo of your card. "
    "Everything else on this page is saved."
)
ERROR_CARD_TOO_LARGE = _(
    "This photo is larger than 10 MB. A photo taken at a lower size, or a screenshot of it, will "
    "do. Everything else on this page is saved."
)
ERROR_CARD_TOO_MANY_PIXELS = _(
    "This picture is far larger than a photo of a card. Please take a new photo of the card. "
    "Everything else on this page is saved."
)
ERROR_BENEFITS_NOTE = _("Please write what the check found (for example the copay and any deductible).")


class CardImageError(Exception):
    """A card photo was refused; the message says why, in words for the client."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    width: int
    height: int


def card_image_clean(raw: bytes) -> CleanImage:
    """The photo re-encoded as a JPEG with no metadata, or CardImageError."""
    if len(raw) > CARD_IMAGE_MAX_BYTES:
        raise CardImageError(ERROR_CARD_TOO_LARGE)
    try:
        with Image.open(io.BytesIO(raw), formats=CARD_IMAGE_FORMATS) as image:
            if image.width * image.height > CARD_IMAGE_MAX_PIXELS:
                raise CardImageError(ERROR_CARD_TOO_MANY_PIXELS)
            image.load()
            # Turn the pixels the way the camera meant before the orientation tag is dropped.
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise CardImageError(ERROR_CARD_NOT_IMAGE) from error
    upright.thumbnail((CARD_IMAGE_STORED_EDGE, CARD_IMAGE_STORED_EDGE))
    # A new image from the pixels alone: nothing of the original file's info travels with it.
    fresh = Image.new("RGB", upright.size)
    fresh.paste(upright)
    out = io.BytesIO()
    fresh.save(out, format="JPEG", quality=85, optimize=True)
    return CleanImage(data=out.getvalue(), width=fresh.width, height=fresh.height)


def _read_upload(upload) -> bytes:
    # One byte past the limit is enough to know it is too large, without reading it all.
    return upload.read(CARD_IMAGE_MAX_BYTES + 1)


def card_image_store(*, intake: Intake, side: str, upload, actor: User, request: HttpRequest | None = None):
    """Check, clean and keep one side of the client's card on her draft intake, replacing an
    earlier photo of that side. Raises CardImageError for a file that is not a card photo,
    IntakeLockedError once the intake is sent."""
    if side not in InsuranceCardImage.Side.values:
        raise ValueError(f"{side!r} is not a side of a card.")
    clean = card_image_clean(_read_upload(upload))
    old_name = ""
    with transaction.atomic():
        fresh = draft_locked(intake, fields=("current_step",))
        existing = InsuranceCardImage.objects.filter(intake=fresh, side=side).first()
        # A random name: the photo's own name may be the client's name.
        content = ContentFile(clean.data, name=f"card-{secrets.token_hex(12)}.jpg")
        values = {
            "content_type": "image/jpeg",
            "size": len(clean.data),
            "width": clean.width,
            "height": clean.height,
            "uploaded_at": timezone.now(),
        }
        if existing is None:
            image = InsuranceCardImage(intake=fresh, side=side, **values)
        else:
            image, old_name = existing, existing.file.name
            for name, value in values.items():
                setattr(image, name, value)
        image.file.save(content.name, content, save=False)
        image.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE if existing is None else AuditEvent.Action.UPDATE,
            object_type="insurance_card_image",
            object_id=image.pk,
            client=fresh.client,
            detail=f"{side} of the card stored ({image.size} bytes, re-encoded)",
            request=request,
        )
        if old_name:
            storage = image.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return image


def card_image_viewed(*, image: InsuranceCardImage, actor: User, request: HttpRequest | None = None) -> None:
    """Record that someone opened a card photo."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="insurance_card_image",
        object_id=image.pk,
        client=image.intake.client,
        detail=f"{image.side} of the card viewed",
        request=request,
    )


@transaction.atomic
def benefits_check_record(
    *, intake: Intake, note: str, actor: User, request: HttpRequest | None = None
) -> BenefitsCheck:
    """Record that the front desk (or the practice admin) checked the client's benefits, with
    what they found. Raises ValueError with ERROR_BENEFITS_NOTE for an empty note."""
    note = (note or "").strip()
    if not note:
        raise ValueError(ERROR_BENEFITS_NOTE)
    check = BenefitsCheck.objects.create(intake=intake, checked_by=actor, note=note)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="benefits_check",
        object_id=check.pk,
        client=intake.client,
        detail="benefits checked",
        request=request,
    )
    return check
