"""Photo uploads through the admin, and the private file views that serve them."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from custody.models import AssetPhoto
from tests.custody.admin_helpers import png_bomb, png_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def upload(client, asset, content: bytes, name: str = "photo.png", caption: str = ""):
    return client.post(reverse("custody_assets:action_photo_add", args=[asset.pk]),
                       {"image": SimpleUploadedFile(name, content), "caption": caption})


def jpeg_with_gps_exif() -> bytes:
    image = Image.new("RGB", (80, 60), "blue")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0110] = "Model 7 with GPS"  # Model
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_custodian_uploads_a_photo_and_sees_its_thumbnail(client, asset, custodian):
    client.force_login(custodian)
    response = upload(client, asset, png_bytes((640, 480)), caption="Front view")
    assert response.status_code == 302
    photo = AssetPhoto.objects.get(asset=asset)
    assert (photo.width, photo.height, photo.caption) == (640, 480, "Front view")
    html = client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode()
    thumb_url = reverse("custody:photo", args=[photo.pk, "thumbnail"])
    assert thumb_url in html
    response = client.get(thumb_url)
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/jpeg", "image/png"}
    assert response["X-Content-Type-Options"] == "nosniff"
    thumb = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert max(thumb.size) <= 320


def test_uploaded_photo_loses_its_exif(client, asset, custodian):
    assert Image.open(io.BytesIO(jpeg_with_gps_exif())).getexif()  # the upload does carry EXIF
    client.force_login(custodian)
    assert upload(client, asset, jpeg_with_gps_exif(), name="car.jpg").status_code == 302
    photo = AssetPhoto.objects.get(asset=asset)
    response = client.get(reverse("custody:photo", args=[photo.pk, "original"]))
    stored = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert not stored.getexif()


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"%PDF-1.4 this is not a photo", "photo.png", "not a valid image"),
    (b"MZ\x90\x00\x03" + b"\x00" * 200, "photo.jpg", "not a valid image"),
    (b"", "empty.png", "The submitted file is empty"),
    (png_bomb(50_000, 50_000), "bomb.png", "too large to process safely"),
    (png_bomb(8_000, 6_000), "big.png", "too many pixels"),
])
def test_bad_photo_uploads_are_form_errors(client, asset, custodian, content, name, message):
    client.force_login(custodian)
    response = upload(client, asset, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AssetPhoto.objects.filter(asset=asset).exists()


def test_too_large_photo_is_a_form_error(client, asset, custodian, settings):
    settings.MAX_PHOTO_BYTES = 10_000
    client.force_login(custodian)
    response = upload(client, asset, png_bytes((400, 400)) + b"\x00" * 20_000)
    assert response.status_code == 400
    assert "The photo is too large" in response.content.decode()
    assert not AssetPhoto.objects.exists()


def test_gif_is_refused_even_though_it_is_an_image(client, asset, custodian):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    client.force_login(custodian)
    response = upload(client, asset, out.getvalue(), name="anim.gif")
    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in response.content.decode()


@pytest.fixture
def photo(client, asset, custodian):
    client.force_login(custodian)
    upload(client, asset, png_bytes())
    client.logout()
    return AssetPhoto.objects.get(asset=asset)


@pytest.mark.parametrize("rendition", ["thumbnail", "medium", "original"])
def test_photo_files_refuse_anonymous_and_unauthorised_users(client, photo, rendition):
    url = reverse("custody:photo", args=[photo.pk, rendition])
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    # staff let into the admin, but without the custody permission
    intern = UserFactory(username="intern")
    intern.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(intern)
    assert client.get(url).status_code == 403
    # a member of the public who somehow has an account
    client.force_login(UserFactory(username="bidder", is_staff=False))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["valuer", "auditor", "finance_officer"])
def test_photo_files_are_served_to_staff_who_may_see_assets(request, client, photo, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("custody:photo", args=[photo.pk, "medium"]))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_unknown_rendition_or_photo_is_404(client, photo, auditor):
    client.force_login(auditor)
    assert client.get(reverse("custody:photo", args=[photo.pk, "passwd"])).status_code == 404
    assert client.get(f"/custody/photos/{photo.pk}/..%2F..%2Fetc/").status_code == 404
    assert client.get(reverse("custody:photo", args=[photo.pk + 999, "thumbnail"])).status_code == 404


def test_private_files_are_not_reachable_under_media(client, photo, auditor):
    client.force_login(auditor)
    assert client.get("/media/" + photo.image.name).status_code == 404


def test_order_without_document_is_404(client, asset, auditor):
    from tests.custody.admin_helpers import order_for

    order = order_for(asset, "restraint")
    client.force_login(auditor)
    assert client.get(reverse("custody:order_document", args=[order.pk])).status_code == 404
