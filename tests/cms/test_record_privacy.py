"""No personal data on the public record: party names, identity numbers, home addresses, buyers'
names, case and asset references planted in every field the register holds never reach an asset
page, the asset index, the documents list or the search."""

from __future__ import annotations

import pytest

from cms.record import asset_page_sync
from custody import services as custody_services
from custody.models import Asset, Party, StorageLocation
from disposition.models import Invoice
from tests.factories import AssetFactory, CaseFactory

from .record_helpers import confiscate, sell_early
from .test_pages import html_of

pytestmark = pytest.mark.django_db

NAME = "Zebulon Quartermaine"
IDENTITY = "85073003361"
ADDRESS = "Rue des Secrets 17"
BUYER = "Garage Dupont"
PLANTED = [NAME, "Quartermaine", IDENTITY, ADDRESS, "Secrets", "dupont@example.org"]


@pytest.fixture
def planted(case_officer, approver, second_approver, valuer, auction_manager):
    case = CaseFactory(title=f"State v. {NAME}", reference="CASE-QUARTERMAINE-1", notes=f"Lives at {ADDRESS}")
    store = StorageLocation.objects.create(name=f"{NAME}'s garage", kind="warehouse", address=ADDRESS,
                                           public_area="Antwerp")
    villa = AssetFactory(case=case, actor=case_officer, category="real_estate", title=f"Villa of {NAME}",
                         description=f"Home of {NAME}, {ADDRESS}, ID {IDENTITY}", location=store,
                         location_note=ADDRESS, public_area="Antwerp")
    car = AssetFactory(case=case, actor=case_officer, title=f"{NAME}'s car, plate QTM-001",
                       description=f"Registered to {NAME}")
    confiscate(villa, case_officer)
    sell_early(car, case_officer=case_officer, approver=approver, second_approver=second_approver, valuer=valuer,
               auction_manager=auction_manager)
    # The parties are added after the sale (its helper notifies the parties it adds itself).
    for role in ("owner", "defendant", "third_party"):
        custody_services.party_add(actor=case_officer, case=case, role=role, name=NAME, identity_number=IDENTITY,
                                   address=ADDRESS, email="zq@example.org", claim_description=f"{NAME} claims")
    Invoice.objects.filter(direct_sale__asset=car).update(buyer_address=ADDRESS)
    pages = [asset_page_sync(asset_id=asset.pk) for asset in (villa, car)]
    assert Party.objects.filter(name=NAME).count() == 3
    return {"pages": pages, "assets": Asset.objects.filter(pk__in=[villa.pk, car.pk])}


def test_no_personal_data_or_reference_on_any_public_page_of_the_record(client, planted):
    references = [asset.reference for asset in planted["assets"]] + ["CASE-QUARTERMAINE-1"]
    urls = [page.url for page in planted["pages"]] + [
        "/assets/", "/assets/?category=real_estate", "/published-documents/", "/",
        "/search/?q=Antwerp", "/search/?q=Quartermaine", "/search/?q=Villa", f"/search/?q={IDENTITY}",
        "/search/?q=Secrets", "/search/?q=Vehicle"]
    for url in urls:
        html = html_of(client, url)
        if url.startswith("/search/"):  # what was searched for is echoed back: look at the results only
            html = html.split('<ol class="search-results">', 1)[1].split("</ol>", 1)[0]
        for secret in [*PLANTED, BUYER, *references]:
            assert secret not in html, f"{secret!r} on {url}"
    villa_page, car_page = planted["pages"]
    assert "Antwerp" in html_of(client, villa_page.url)
    assert villa_page.title in html_of(client, "/search/?q=Antwerp")  # the search looked at these pages
    assert {villa_page.slug, car_page.slug} == {f"real-estate-{villa_page.asset_id}", f"vehicle-{car_page.asset_id}"}


@pytest.mark.parametrize("area", ["Rue des Secrets 17", "9000 Ghent", "Flat 2B"])
def test_the_public_area_refuses_a_number_that_would_point_at_a_home(case, case_officer, area):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        AssetFactory(case=case, actor=case_officer, public_area=area)
    assert "public_area" in refused.value.message_dict


def test_the_public_area_takes_a_town_or_a_region(case, case_officer):
    assert AssetFactory(case=case, actor=case_officer, public_area="Liège").public_area == "Liège"
