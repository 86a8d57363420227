"""Helpers for the public-site tests: photos on assets, lots in given states."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from custody import services as custody
from tests.factories import pdf_bytes


def jpeg_upload(name: str = "photo.jpg", size=(640, 480), colour=(40, 120, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def add_photo(asset, actor, caption: str = ""):
    return custody.asset_photo_add(asset_id=asset.pk, upload=jpeg_upload(), actor=actor, caption=caption)


def pdf_upload(name: str = "passport.pdf") -> SimpleUploadedFile:
    content = pdf_bytes()
    return SimpleUploadedFile(name, content, content_type="application/pdf")
