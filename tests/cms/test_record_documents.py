"""Published documents and the site search: a document is public only when marked publishable (its
file answers 404 otherwise, and the search never shows it); the search finds a PDF by a word inside
it and the asset pages by their public facts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cms.models import AssetPage, DocumentKind, PublishedDocument
from cms.record import asset_page_sync, published_document_create
from custody import services as custody_services
from tests.factories import AssetFactory, CourtOrderFactory, pdf_bytes

from .record_helpers import confiscate, text_pdf
from .test_pages import html_of, text_of

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "decision.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def document(*, publishable: bool, words: str = "The court orders the villa's return", **fields) -> PublishedDocument:
    return published_document_create(
        kind=fields.pop("kind", DocumentKind.COURT_DECISION), title=fields.pop("title", "Judgment on the villa"),
        date=datetime.date(2026, 5, 4), upload=upload(text_pdf(words)), publishable=publishable, **fields)


def search(client, words: str) -> str:
    return html_of(client, f"/search/?q={words}")


def test_a_document_not_marked_publishable_is_nowhere_public(client):
    hidden = document(publishable=False, title="Draft return agreement", words="Zanzibarite clause")

    assert client.get(reverse("cms:document_file", args=[hidden.pk])).status_code == 404
    assert "Draft return agreement" not in html_of(client, "/published-documents/")
    assert "Draft return agreement" not in search(client, "Zanzibarite")
    assert "Draft return agreement" not in search(client, "return agreement")


def test_a_publishable_document_is_listed_served_and_found_by_a_word_inside_its_pdf(client):
    shown = document(publishable=True, title="Return agreement with Nigeria", kind=DocumentKind.RETURN_AGREEMENT,
                     words="Proceeds of the Quokkaberry holdings return to the treasury")

    response = client.get(reverse("cms:document_file", args=[shown.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "Return agreement with Nigeria" in html_of(client, "/published-documents/")
    assert "Return agreement with Nigeria" in html_of(client, "/published-documents/?kind=return_agreement")
    assert "Return agreement with Nigeria" not in html_of(client, "/published-documents/?kind=memorandum")
    # The word is only inside the PDF: not in the title nor the summary
    html = search(client, "Quokkaberry")
    assert "Return agreement with Nigeria" in html and reverse("cms:document_file", args=[shown.pk]) in html


def test_unmarking_a_document_withdraws_it(client):
    shown = document(publishable=True, words="Wombatine estate")
    PublishedDocument.objects.filter(pk=shown.pk).update(publishable=False)
    shown.refresh_from_db()
    shown.save()  # re-indexed as staff would save it

    assert client.get(reverse("cms:document_file", args=[shown.pk])).status_code == 404
    assert "Judgment on the villa" not in search(client, "Wombatine")


@pytest.mark.parametrize(("data", "name"), [
    (b"%PDF-1.4 this is not a pdf at all", "fake.pdf"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 64, "scan.pdf"),
    (b"just text", "notes.pdf"),
])
def test_only_a_pdf_that_parses_is_accepted(data, name):
    with pytest.raises(ValidationError) as refused:
        published_document_create(kind=DocumentKind.OTHER, title="Bad", date=datetime.date(2026, 1, 1),
                                  upload=upload(data, name))
    assert "file" in refused.value.message_dict
    assert not PublishedDocument.objects.exists()


def test_a_pdf_without_text_is_accepted_with_no_text():
    blank = published_document_create(kind=DocumentKind.OTHER, title="Scan", date=datetime.date(2026, 1, 1),
                                      upload=upload(pdf_bytes()), publishable=True)
    assert blank.text == ""


def test_the_asset_page_lists_only_publishable_documents_and_orders(client, case, case_officer):
    asset = AssetFactory(case=case, actor=case_officer)
    confiscate(asset, case_officer)
    page = asset_page_sync(asset_id=asset.pk)
    document(publishable=True, title="Judgment of the appeal court", asset_ids=[asset.pk])
    document(publishable=False, title="Internal memo on the villa", case_ids=[case.pk])
    document(publishable=True, title="Memorandum with the municipality", kind=DocumentKind.MEMORANDUM,
             case_ids=[case.pk])
    public_order = CourtOrderFactory(case=case, order_type="destruction", assets=[asset], publishable=True,
                                     issuing_court="Court of Appeal of Ghent",
                                     document=upload(pdf_bytes(), "order.pdf"))
    private_order = CourtOrderFactory(case=case, order_type="release", assets=[asset], publishable=False,
                                      document=upload(pdf_bytes(), "order.pdf"))

    html = html_of(client, page.url)
    assert "Judgment of the appeal court" in html and "Memorandum with the municipality" in html
    assert "Internal memo on the villa" not in html
    assert "Court of Appeal of Ghent" in html and reverse("cms:order_file", args=[public_order.pk]) in html
    assert reverse("cms:order_file", args=[private_order.pk]) not in html
    assert public_order.reference not in html
    assert client.get(reverse("cms:order_file", args=[public_order.pk])).status_code == 200
    assert client.get(reverse("cms:order_file", args=[private_order.pk])).status_code == 404


def test_search_finds_asset_pages_by_their_public_facts_and_pages(client, case, case_officer, page):
    asset = AssetFactory(case=case, actor=case_officer, category="real_estate", public_area="Bruges")
    confiscate(asset, case_officer)
    asset_page = asset_page_sync(asset_id=asset.pk)
    page("How to claim", introduction="Claimants write to the agency")

    assert asset_page.title in search(client, "Bruges")
    assert "How to claim" in search(client, "claimants")
    assert "Nothing found" in text_of(search(client, "xylophonist"))


def test_an_unpublished_asset_page_is_not_found_by_the_search(client, case, case_officer):
    asset = AssetFactory(case=case, actor=case_officer, public_area="Ostend")
    confiscate(asset, case_officer)
    asset_page = asset_page_sync(asset_id=asset.pk)
    asset_page.unpublish()
    assert asset_page.title not in search(client, "Ostend")
    assert AssetPage.objects.filter(pk=asset_page.pk, live=False).exists()


def test_search_results_page_through(client):
    for n in range(23):
        document(publishable=True, title=f"Decision number {n}", words="Capybarous ruling")
    first = text_of(search(client, "Capybarous"))
    assert "23 results" in first and "Page 1 of 2" in first
    assert "Page 2 of 2" in text_of(html_of(client, "/search/?q=Capybarous&page=2"))


def test_public_photos_only(client, case, case_officer):
    from io import BytesIO

    from PIL import Image

    asset = AssetFactory(case=case, actor=case_officer)
    confiscate(asset, case_officer)
    page = asset_page_sync(asset_id=asset.pk)

    def photo(public: bool):
        buffer = BytesIO()
        Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
        return custody_services.asset_photo_add(asset_id=asset.pk, actor=case_officer, public=public,
                                                upload=SimpleUploadedFile("p.jpg", buffer.getvalue()))

    shown, hidden = photo(True), photo(False)
    html = html_of(client, page.url)
    assert reverse("cms:photo", args=[shown.pk, "thumbnail"]) in html
    assert reverse("cms:photo", args=[hidden.pk, "thumbnail"]) not in html
    assert client.get(reverse("cms:photo", args=[shown.pk, "medium"])).status_code == 200
    assert client.get(reverse("cms:photo", args=[hidden.pk, "medium"])).status_code == 404
    assert client.get(reverse("cms:photo", args=[shown.pk, "original"])).status_code == 404
