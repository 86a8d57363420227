"""The demo's share of the public record (cms.demo, called by seed_demo after the register's demo):
public areas, a live page for every public asset, published documents with one kept private."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace

import pytest

from cms import demo
from cms.models import AssetPage, PublishedDocument
from cms.record import public_record_assets
from tests.factories import AssetFactory

from .record_helpers import confiscate
from .test_pages import html_of

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_public_record(client, case, case_officer):
    for _ in range(3):
        confiscate(AssetFactory(case=case, actor=case_officer), case_officer)
    AssetFactory(case=case, actor=case_officer)  # registered only: not public
    command = SimpleNamespace(stdout=StringIO())

    demo.seed(command, {"bulk": False})
    demo.seed(command, {"bulk": False})  # seed_demo run twice adds nothing

    public = public_record_assets()
    assert public.count() == 3 == AssetPage.objects.filter(live=True).count()
    assert public.exclude(public_area="").exists()
    assert PublishedDocument.objects.filter(publishable=True).count() == 3  # a judgment, a return agreement, an MoU
    assert PublishedDocument.objects.filter(publishable=False).count() == 1
    assert "Agreement on the return" in html_of(client, "/search/?q=rehabilitation")  # a word inside its PDF
    assert "not published" not in html_of(client, "/published-documents/")
    page = AssetPage.objects.filter(live=True).first()
    assert page.title in html_of(client, "/assets/")
