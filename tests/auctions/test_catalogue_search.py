"""The public catalogue's search and filters as a visitor meets them: words find lots by title,
category, description and town in the visitor's language, best match first, typos still find, and
the menus offer only what open lots have. Bad filters are said beside their field and not applied."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from auctions import selectors
from custody.models import Asset
from tests.auctions.factories import asset_for_sale, open_auction_with_lots
from tests.factories import StorageLocationFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("auctions:catalogue")
TOYOTA = "Toyota Land Cruiser 2019, 84,000 km"
BMW = "BMW X5 xDrive 2020, black"
LAMBORGHINI = "Lamborghini Urus 2021"
NECKLACE = "Diamond necklace, 4.2 carat"
BOAT = "Speedboat Sea Ray 210, 2017"
ALL = (TOYOTA, BMW, LAMBORGHINI, NECKLACE, BOAT)


@pytest.fixture
def catalogue(case, case_officer, approver, auction_manager):
    """The demo sale's kind of lots: three vehicles (none called a car), a necklace, a boat."""
    specs = [(TOYOTA, "vehicle"), (BMW, "vehicle"), (LAMBORGHINI, "vehicle"), (NECKLACE, "jewellery_art"),
             (BOAT, "vessel")]
    assets = [asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                             title=title, category=category) for title, category in specs]
    _auction, lots = open_auction_with_lots(manager=auction_manager, approver=approver, assets=assets)
    return {lot.title: lot for lot in lots}


def _titles(html: str) -> list[str]:
    """The lots the page lists, in their order."""
    return sorted((t for t in ALL if t in html), key=html.index)


def _search(client, q: str, **params) -> list[str]:
    response = client.get(CATALOGUE, {"q": q, **params})
    assert response.status_code == 200
    return _titles(response.content.decode())


def test_a_category_name_finds_its_lots_whatever_their_titles(client, catalogue):
    assert set(_search(client, "vehicle")) == {TOYOTA, BMW, LAMBORGHINI}
    assert set(_search(client, "vehicles")) == {TOYOTA, BMW, LAMBORGHINI}  # stemmed
    assert _search(client, "boat") == [BOAT]


def test_car_finds_the_cars_not_the_carat(client, catalogue):
    assert set(_search(client, "car")) == {TOYOTA, BMW, LAMBORGHINI}
    assert _search(client, "carat") == [NECKLACE]


def test_the_best_match_comes_first(client, catalogue, case, case_officer, approver, auction_manager):
    sports_car = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                                title="Red sports car, Porsche 911", category="vehicle")
    open_auction_with_lots(manager=auction_manager, approver=approver, assets=[sports_car])
    html = client.get(CATALOGUE, {"q": "car"}).content.decode()
    # The lot that says "car" in its title before those that are cars by category only.
    assert html.index("Red sports car, Porsche 911") < min(html.index(t) for t in (TOYOTA, BMW, LAMBORGHINI))


@pytest.mark.parametrize("typed", ["lamborgini", "lambo", "Lamborghni urus"])
def test_typos_and_partial_words_still_find(client, catalogue, typed):
    assert _search(client, typed) == [LAMBORGHINI]


def test_search_reads_the_visitors_language(client, catalogue):
    french = client.get(CATALOGUE, {"q": "voitures"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert set(_titles(french)) == {TOYOTA, BMW, LAMBORGHINI}
    spanish = client.get(CATALOGUE, {"q": "barco"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert _titles(spanish) == [BOAT]


def test_search_finds_the_town_where_lots_can_be_viewed(client, catalogue):
    antwerp = StorageLocationFactory(name="Vault 3", public_area="Antwerp")
    Asset.objects.filter(lot_assets__lot=catalogue[NECKLACE]).update(location=antwerp)
    assert _search(client, "antwerp") == [NECKLACE]
    assert _search(client, "vault") == []  # the site's name is not public, nor searchable


def test_a_search_that_finds_nothing_says_so(client, catalogue):
    html = client.get(CATALOGUE, {"q": "submarine"}).content.decode()
    assert _titles(html) == [] and "0 lots" in html


def test_an_over_long_search_is_refused_beside_the_field(client, catalogue):
    response = client.get(CATALOGUE, {"q": "c" * 3000})
    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(r'<p class="field-error" id="f-q-error">([^<]*)</p>', html)
    assert error and "at most 200 characters" in error.group(1) and "3000" in error.group(1)
    assert 'aria-describedby="f-q-error"' in html


def test_a_minimum_above_the_maximum_is_refused_and_not_applied(client, catalogue):
    # All lots start at 100.00: the minimum alone would hide them all.
    html = client.get(CATALOGUE, {"min_price": "500", "max_price": "50"}).content.decode()
    assert "is lower than" in html and 'id="f-max_price-error"' in html
    assert set(_titles(html)) == set(ALL)
    assert "5 lots" in html


def test_menus_offer_only_what_open_lots_have_with_counts(client, catalogue, sale_asset):
    ghent = StorageLocationFactory(name="Yard B", public_area="Ghent")
    Asset.objects.filter(lot_assets__lot__in=[catalogue[TOYOTA], catalogue[BMW]]).update(location=ghent)
    # An asset stored in Bruges that is in no open lot: Bruges is not offered.
    Asset.objects.filter(pk=sale_asset.pk).update(location=StorageLocationFactory(name="Depot", public_area="Bruges"))
    html = client.get(CATALOGUE).content.decode()
    category_menu = re.search(r'<select name="category".*?</select>', html, re.S).group(0)
    offered = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', category_menu)
    assert offered == [("", "All categories"), ("jewellery_art", "Jewellery and art (1)"),
                       ("vehicle", "Vehicle (3)"), ("vessel", "Vessel (1)")]
    location_menu = re.search(r'<select name="location".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', location_menu) == [
        ("", "All locations"), ("Ghent", "Ghent (2)")]


def test_an_old_link_to_a_category_without_lots_finds_nothing_without_an_error(client, catalogue):
    html = client.get(CATALOGUE, {"category": "aircraft"}).content.decode()
    assert "0 lots" in html and "field-error" not in html


def test_the_search_is_answered_by_the_languages_full_text_index(catalogue):
    """With the index the search reads the matching lots only; without it, every lot's document."""
    qs = selectors.lots_public(status="open", search="vehicle")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "lot_search_english" in plan


# --------------------------------------------------------------------------------------------
# The API's catalogue searches the same way
# --------------------------------------------------------------------------------------------


def test_api_search_finds_by_category_best_match_first(client, catalogue):
    body = client.get("/api/v1/lots/", {"q": "car"}).json()
    assert {lot["title"] for lot in body["results"]} == {TOYOTA, BMW, LAMBORGHINI}


@pytest.mark.parametrize("params", [{"q": "x" * 201}, {"min_price": "500", "max_price": "50"}])
def test_api_refuses_an_over_long_search_and_an_upside_down_price_range(client, catalogue, params):
    response = client.get("/api/v1/lots/", params)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_parameter"


def test_no_location_menu_when_no_open_lot_has_a_public_area(client, catalogue):
    html = client.get(CATALOGUE).content.decode()
    assert '<select name="category"' in html and '<select name="location"' not in html


def test_the_order_menu_says_which_order_is_applied(client, catalogue):
    def selected(params):
        html = client.get(CATALOGUE, params).content.decode()
        menu = re.search(r'<select name="sort".*?</select>', html, re.S).group(0)
        return re.findall(r'<option value="([^"]*)" selected>', menu)

    assert selected({}) == ["ending"]
    assert selected({"q": "car"}) == ["relevance"]
    assert selected({"q": "car", "sort": "price_desc"}) == ["price_desc"]
