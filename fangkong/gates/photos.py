"""Inspection photos: images only, checked by their content (not their name or declared type),
re-encoded as JPEG (which drops EXIF, GPS and anything hidden after the image data) and limited
in size. They are served only through the scoped view `gates:inspection-photo`, never from /media/."""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 2560  # phone photos are larger than any screen that shows them


def photo_clean(upload) -> ContentFile:
    """The upload as a fresh JPEG under a random name, or a ValidationError naming the file."""
    name = getattr(upload, "name", "") or _("photo")
    refuse = ValidationError(
        {"photos": _("%(name)s is not a photo: only JPEG, PNG or WebP images are accepted.") % {"name": name}}
    )
    if upload.size > settings.FANGKONG_PHOTO_MAX_BYTES:
        raise ValidationError(
            {
                "photos": _("%(name)s is larger than %(mb)d MB.")
                % {"name": name, "mb": settings.FANGKONG_PHOTO_MAX_BYTES // (1024 * 1024)}
            }
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise refuse
            if probe.width * probe.height > settings.FANGKONG_PHOTO_MAX_PIXELS:
                raise refuse
            probe.verify()  # structure check; the image must be opened again to decode
        upload.seek(0)
        with Image.open(upload) as img:
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the orientation the EXIF data gave
            img = img.convert("RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise refuse from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def photo_caption(upload) -> str:
    return (getattr(upload, "name", "") or "")[:100]
