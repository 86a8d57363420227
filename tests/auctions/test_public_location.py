"""Bidders may filter and see lots by town or region, never by the storage site where valuables are kept."""

from django.urls import reverse

from custody.models import Asset
from tests.factories import StorageLocationFactory


def _store(lot, **fields):
    location = StorageLocationFactory(**fields)
    Asset.objects.filter(lot_assets__lot=lot).update(location=location)
    return location


def test_lot_page_and_catalogue_show_the_public_area_not_the_site(client, open_lot_factory):
    _auction, (in_antwerp, in_ghent) = open_lot_factory(2)
    _store(in_antwerp, name="High-security vault 3", address="Secret street 1, Antwerp", public_area="Antwerp")
    _store(in_ghent, name="Yard B (night guard)", address="Dock 4, Ghent", public_area="Ghent")

    page = client.get(reverse("auctions:lot_detail", args=[in_antwerp.pk])).content.decode()
    catalogue = client.get(reverse("auctions:catalogue")).content.decode()
    for html in (page, catalogue):
        assert "vault" not in html and "Secret street" not in html and "night guard" not in html
    assert "Antwerp" in page and "Antwerp" in catalogue and "Ghent" in catalogue

    filtered = client.get(reverse("auctions:catalogue"), {"location": "Ghent"}).content.decode()
    assert in_ghent.title in filtered and in_antwerp.title not in filtered


def test_sites_without_a_public_area_are_not_offered_as_a_filter(client, lot):
    _store(lot, name="Undisclosed site", public_area="")
    html = client.get(reverse("auctions:catalogue")).content.decode()
    assert lot.title in html and "Undisclosed site" not in html
