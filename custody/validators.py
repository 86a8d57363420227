"""Upload validation: type by content (not by name), size, and decompression bombs.

A document is accepted only once the library made for its format has opened it: a PDF is parsed
by pypdf (its cross-reference table, its catalogue and at least one page), a scan is decoded by
Pillow. The first bytes alone say nothing: "%PDF-1.4" followed by a script is not an order.
"""

from __future__ import annotations

import io
import logging
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

# pypdf reports what it repairs through logging; a refused upload is reported to the user instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)

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
    data = upload.read()
    upload.seek(pos)
    kind = next((k for sig, k in _DOCUMENT_SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None:
        raise ValidationError(_("Upload the document as a PDF, PNG or JPEG file."), code="bad_type")
    if kind == "pdf":
        _check_pdf(data)
    else:
        _check_scan(data, kind)


def _check_pdf(data: bytes) -> None:
    """Open the PDF with pypdf in strict mode: it must parse, not be encrypted, and have a page."""
    not_pdf = ValidationError(_("The document is not a readable PDF file (it may be damaged, or another kind of "
                                "file named .pdf)."), code="bad_pdf")
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise ValidationError(_("The PDF is protected by a password; upload it without protection."),
                                  code="encrypted")
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError,
            OSError) as exc:
        raise not_pdf from exc
    if pages == 0:
        raise ValidationError(_("The PDF has no pages."), code="no_pages")


def _check_scan(data: bytes, kind: str) -> None:
    """A scanned order (PNG or JPEG): Pillow must recognise the format the bytes claim and verify it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format != kind.upper():
                raise ValidationError(_("Upload the document as a PDF, PNG or JPEG file."), code="bad_type")
            image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(_("The scan is too large to process safely."), code="bomb") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The scan is not a readable image."), code="bad_image") from exc


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


def validate_public_area(value: str) -> None:
    """The area the public record names (a town or a region) holds no number: a house number or a
    postcode would start to say where someone lives."""
    if any(character.isdigit() for character in value or ""):
        raise ValidationError(_("Name a town or region only: no house number, street or postcode."),
                              code="not_an_area")
