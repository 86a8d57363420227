"""Upload validation: type by content (not by name), size, and decompression bombs."""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
_DOCUMENT_SIGNATURES = {
    b"%PDF-": "pdf",
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
}


def validate_document(upload) -> None:
    """Court documents: PDF (or a scanned PNG/JPEG), at most MAX_DOCUMENT_BYTES."""
    if upload is None or getattr(upload, "size", None) is None:
        return
    if upload.size == 0:
        raise ValidationError(_("The document is empty."), code="empty")
    if upload.size > settings.MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The document is too large (%(size)d MB); the limit is %(limit)d MB.")
            % {"size": upload.size // (1024 * 1024), "limit": settings.MAX_DOCUMENT_BYTES // (1024 * 1024)},
            code="too_large",
        )
    pos = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    upload.seek(pos)
    if not any(head.startswith(sig) for sig in _DOCUMENT_SIGNATURES):
        raise ValidationError(_("Upload the document as a PDF, PNG or JPEG file."), code="bad_type")


def open_checked_image(upload) -> Image.Image:
    """Open an uploaded image safely or raise ValidationError with a message a person understands.

    Checks the size in bytes, that the content really is an allowed image format, and the pixel
    count before decoding, so a small file that expands to gigabytes (a decompression bomb) is
    refused without being decoded.
    """
    size = getattr(upload, "size", None)
    if size is None:
        raise ValidationError(_("No file was uploaded."), code="missing")
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > settings.MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is too large; the limit is %(limit)d MB.")
            % {"limit": settings.MAX_PHOTO_BYTES // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG or WebP photo."), code="bad_type")
            width, height = image.size
            if width * height > settings.MAX_PHOTO_PIXELS:
                raise ValidationError(
                    _("The photo has too many pixels (%(w)d × %(h)d); the limit is %(limit)d megapixels.")
                    % {"w": width, "h": height, "limit": settings.MAX_PHOTO_PIXELS // 1_000_000},
                    code="too_many_pixels",
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(_("The photo is too large to process safely."), code="bomb") from exc
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The file is not a valid image."), code="bad_image") from exc
    return image
