"""Staff screens of the public record: editors record published documents (the PDF's text read at
upload for the search), auditors read them, other roles do not see them; editors cannot make an asset
page by hand."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase

from cms.models import AssetIndexPage, AssetPage, HomePage, PublishedDocument

from .record_helpers import text_pdf

pytestmark = pytest.mark.django_db

ADD = "published_documents:add"


def test_an_editor_uploads_a_document_and_its_text_is_read(client, editor, home):
    client.force_login(editor)
    response = client.post(reverse(ADD), {
        "kind": "memorandum", "title": "Memorandum with the city", "date": "2026-04-01",
        "file": SimpleUploadedFile("mou.pdf", text_pdf("The city uses the Platypodine villa"), "application/pdf"),
        "summary": "", "publishable": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    document = PublishedDocument.objects.get()
    assert document.publishable and "Platypodine" in document.text


def test_an_upload_that_is_not_a_pdf_is_refused_beside_its_field(client, editor, home):
    client.force_login(editor)
    response = client.post(reverse(ADD), {
        "kind": "memorandum", "title": "Memorandum", "date": "2026-04-01",
        "file": SimpleUploadedFile("mou.pdf", b"%PDF-1.7 nothing else", "application/pdf")})
    assert response.status_code == 200
    assert "not a readable PDF" in response.content.decode()
    assert not PublishedDocument.objects.exists()


def test_who_sees_the_documents_screen(client, auditor, custodian):
    client.force_login(auditor)
    assert client.get(reverse("published_documents:index")).status_code == 200
    assert client.get(reverse(ADD)).status_code in (302, 403)
    client.force_login(custodian)
    assert client.get(reverse("published_documents:index")).status_code in (302, 403)


def test_asset_pages_are_not_made_by_hand(editor):
    index = AssetIndexPage.objects.get()
    assert AssetPage not in index.creatable_subpage_models()


class TestRecordPageTypes(WagtailPageTestCase):
    def test_one_asset_index_under_the_home_page_holding_only_asset_pages(self):
        self.assertAllowedParentPageTypes(AssetIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(AssetIndexPage, {AssetPage})
        self.assertAllowedParentPageTypes(AssetPage, {AssetIndexPage})
        self.assertAllowedSubpageTypes(AssetPage, set())
        assert not AssetIndexPage.can_create_at(HomePage.objects.get())  # there is one already

    def test_the_index_renders(self):
        self.assertPageIsRenderable(AssetIndexPage.objects.get())
