"""Photos and court documents as staff upload them: what is kept, what is stripped, what is refused.

Given a photo taken on a phone (with its GPS position in the EXIF), when it is added to an asset,
then the stored image carries no metadata, stands the right way up, and has its renditions.
Hostile or broken files are refused with a message, without being decoded and without leaving
anything behind.
"""

import hashlib
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageFile

from custody import services
from custody.models import AssetPhoto, CourtOrder
from custody.validators import open_checked_image, validate_document
from tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only


def phone_jpeg(size=(200, 100), orientation: int | None = None) -> bytes:
    """Left half red, right half blue, with the EXIF a phone writes: make, serial, GPS position."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.BodySerialNumber] = "SN-998877"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (50.0, 51.0, 12.5),
                ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (4.0, 21.0, 3.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def png(size=(64, 48), mode="RGB", color="green") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims width x height pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored(field) -> Image.Image:
    with field.open("rb") as f:
        image = Image.open(io.BytesIO(f.read()))
        image.load()
        return image


def add(asset, user, data, name="photo.jpg"):
    return services.asset_photo_add(asset_id=asset.pk, upload=upload(data, name), actor=user, caption="Front")


# ---- photos that are kept -------------------------------------------------------------------


def test_exif_with_gps_position_is_stripped(asset, custodian):
    original = Image.open(io.BytesIO(phone_jpeg()))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the phone's photo has a position

    photo = add(asset, custodian, phone_jpeg())

    for field in (photo.image, photo.thumbnail, photo.medium):
        image = stored(field)
        assert not image.getexif(), field.name
        assert "exif" not in image.info and "icc_profile" not in image.info
        with field.open("rb") as f:
            raw = f.read()
        assert b"Exif" not in raw and b"SN-998877" not in raw and b"Canon" not in raw


def test_the_orientation_the_camera_meant_is_kept(asset, custodian):
    # Stored sideways (200 x 100) with orientation 6: the phone was held upright, so it shows 100 x 200
    photo = add(asset, custodian, phone_jpeg(orientation=6))
    image = stored(photo.image).convert("RGB")
    assert image.size == (100, 200) == (photo.width, photo.height)
    top, bottom = image.getpixel((50, 20)), image.getpixel((50, 180))
    assert top[0] > 200 and top[2] < 60  # red half is now on top
    assert bottom[2] > 200 and bottom[0] < 60


def test_renditions_have_the_right_sizes(asset, custodian):
    photo = add(asset, custodian, phone_jpeg(size=(2000, 1500)))
    assert stored(photo.image).size == (2000, 1500)
    assert stored(photo.medium).size == (1280, 960)
    assert stored(photo.thumbnail).size == (320, 240)
    small = add(asset, custodian, png(size=(120, 80)), name="small.png")
    assert stored(small.thumbnail).size == (120, 80)  # never enlarged


def test_photos_are_kept_in_private_storage_with_their_digest(asset, custodian, settings):
    photo = add(asset, custodian, png(), name="yard.png")
    private = photo.image.storage
    assert private is AssetPhoto._meta.get_field("image").storage
    assert not str(private.location).startswith(str(settings.MEDIA_ROOT))  # never under the public media
    assert str(private.location) == str(settings.PRIVATE_MEDIA_ROOT)  # follows the setting (here: the test's tmp)
    assert private.exists(photo.image.name) and private.exists(photo.thumbnail.name)
    with photo.image.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == photo.sha256
    assert (photo.uploaded_by, photo.caption, photo.asset_id) == (custodian, "Front", asset.pk)


def test_transparency_and_palette_colours_survive(asset, custodian):
    rgba = add(asset, custodian, png(mode="RGBA", color=(10, 20, 30, 128)), name="glass.png")
    assert rgba.image.name.endswith(".png") and stored(rgba.image).getpixel((1, 1)) == (10, 20, 30, 128)
    palette = add(asset, custodian, png(mode="P", color=5), name="palette.png")
    expected = Image.open(io.BytesIO(png(mode="P", color=5))).convert("RGB").getpixel((1, 1))
    assert stored(palette.image).convert("RGB").getpixel((1, 1)) == pytest.approx(expected, abs=6)


# ---- photos that are refused ----------------------------------------------------------------


@pytest.mark.parametrize("data,name,code", [
    (b"Just some notes about the car", "notes.txt", "bad_image"),
    (b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF", "photo.jpg", "bad_image"),  # image name, PDF inside
    (b"<html><script>alert(1)</script></html>", "photo.png", "bad_image"),
    (phone_jpeg()[:400], "cut.jpg", "bad_image"),  # truncated upload
    (b"", "empty.jpg", "empty"),
])
def test_files_that_are_not_good_images_are_refused(asset, custodian, data, name, code):
    with pytest.raises(ValidationError) as refused:
        add(asset, custodian, data, name=name)
    assert refused.value.code == code
    assert not AssetPhoto.objects.exists()


def test_an_image_in_a_format_we_do_not_take_is_refused(asset, custodian):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        add(asset, custodian, out.getvalue(), name="anim.jpg")


@pytest.mark.parametrize("width,height,code", [(30_000, 30_000, "bomb"), (8_000, 6_000, "too_many_pixels")])
def test_a_decompression_bomb_is_refused_without_being_decoded(asset, custodian, monkeypatch, width, height, code):
    bomb = png_claiming(width, height)
    assert len(bomb) < 200  # tiny on disk, gigabytes once decoded

    def must_not_decode(self, *args, **kwargs):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", must_not_decode)
    with pytest.raises(ValidationError) as refused:
        add(asset, custodian, bomb, name="bomb.png")
    assert refused.value.code == code
    assert not AssetPhoto.objects.exists()


def test_an_oversized_file_is_refused_before_it_is_read(asset, custodian, settings):
    settings.MAX_PHOTO_BYTES = 2 * 1024 * 1024

    class Huge:
        name, size = "huge.jpg", 2 * 1024 * 1024 + 1

        def seek(self, *args):
            pass

        def read(self, *args):
            pytest.fail("an oversized file was read")

    big = Huge()
    with pytest.raises(ValidationError, match="too large; the limit is 2 MB") as refused:
        services.asset_photo_add(asset_id=asset.pk, upload=big, actor=custodian)
    assert refused.value.code == "too_large"


def test_a_photo_for_a_missing_asset_is_refused(custodian):
    from common.exceptions import TransitionRefused

    with pytest.raises(TransitionRefused, match="does not exist"):
        services.asset_photo_add(asset_id=424242, upload=upload(png(), "a.png"), actor=custodian)


def test_open_checked_image_reports_no_file():
    with pytest.raises(ValidationError) as refused:
        open_checked_image(object())
    assert refused.value.code == "missing"


# ---- court documents ------------------------------------------------------------------------

PDF = pdf_bytes()


@pytest.mark.parametrize("data,name", [
    (b"PK\x03\x04" + b"\0" * 100, "order.pdf"),  # a .docx / zip renamed
    (b"<html><body>Order</body></html>", "order.pdf"),
    (b"MZ\x90\x00" + b"\0" * 60, "order.pdf"),  # a Windows executable
    (b"GIF89a" + b"\0" * 20, "order.gif"),
])
def test_documents_that_are_not_pdf_or_a_scan_are_refused(data, name):
    with pytest.raises(ValidationError) as refused:
        validate_document(upload(data, name, "application/pdf"))
    assert refused.value.code == "bad_type"


def test_an_empty_document_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_document(upload(b"", "order.pdf", "application/pdf"))
    assert refused.value.code == "empty"


def test_a_document_too_large_is_refused(settings):
    settings.MAX_DOCUMENT_BYTES = 1024 * 1024
    with pytest.raises(ValidationError, match="too large") as refused:
        validate_document(upload(PDF + b"\0" * (1024 * 1024), "order.pdf", "application/pdf"))
    assert refused.value.code == "too_large"


def test_recording_an_order_with_a_bad_document_saves_nothing(case, case_officer):
    import datetime

    with pytest.raises(ValidationError) as refused:
        services.court_order_record(actor=case_officer, case=case, order_type="restraint", reference="R-1",
                                    issued_on=datetime.date(2026, 2, 1), issuing_court="Court",
                                    document=upload(b"<html>", "order.pdf", "application/pdf"))
    assert "document" in refused.value.message_dict
    assert not CourtOrder.objects.exists()


def test_recording_an_order_with_a_pdf_keeps_it_privately(case, case_officer):
    import datetime

    order = services.court_order_record(actor=case_officer, case=case, order_type="restraint", reference="R-2",
                                        issued_on=datetime.date(2026, 2, 1), issuing_court="Court",
                                        document=upload(PDF, "order.pdf", "application/pdf"))
    assert order.document.storage.exists(order.document.name)
    with order.document.open("rb") as f:
        assert f.read() == PDF


# ---- court documents are opened with the library made for them --------------------------------


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_without_pages() -> bytes:
    from pypdf import PdfWriter

    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


@pytest.mark.parametrize("data,code", [
    (b"%PDF-1.4\n<script>fetch('/admin/').then(r => r.text())</script>\n", "bad_pdf"),  # a header, then a script
    (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "bad_pdf"),  # no catalogue, no cross-reference
    (PDF[: len(PDF) // 2], "bad_pdf"),  # truncated
    (_encrypted_pdf(), "encrypted"),
    (_pdf_without_pages(), "no_pages"),
])
def test_a_file_that_only_starts_like_a_pdf_is_refused(data, code):
    with pytest.raises(ValidationError) as refused:
        validate_document(upload(data, "order.pdf", "application/pdf"))
    assert refused.value.code == code


def test_a_real_pdf_and_real_scans_are_accepted():
    validate_document(upload(pdf_bytes(pages=3), "order.pdf", "application/pdf"))
    validate_document(upload(png(), "order.png", "image/png"))
    validate_document(upload(phone_jpeg(), "order.jpg", "image/jpeg"))


def test_a_scan_that_only_starts_like_a_png_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_document(upload(b"\x89PNG\r\n\x1a\n<script>alert(1)</script>", "order.png", "image/png"))
    assert refused.value.code == "bad_image"


def test_the_order_form_refuses_a_pdf_header_followed_by_a_script(client, case, case_officer):
    from django.urls import reverse

    client.force_login(case_officer)
    response = client.post(reverse("custody_cases:action_record_order", args=[case.pk]), {
        "order_type": "restraint", "reference": "RO-9", "issued_on": "2026-02-01", "issuing_court": "Court",
        "document": upload(b"%PDF-1.4\n<script>alert(1)</script>\n", "order.pdf", "application/pdf")})
    assert response.status_code == 400
    assert "not a readable PDF" in response.content.decode()
    assert not CourtOrder.objects.filter(reference="RO-9").exists()
