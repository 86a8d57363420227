"""The public catalogue's search and filters as a visitor meets them: words find lots by title,
category, description and town in the visitor's language, best match first, typos and missing accents
still find, and the menus offer only what open lots have. Bad filters are said beside their field and not applied."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from auctions import selectors
from auctions.models import Lot
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


# --------------------------------------------------------------------------------------------
# Accents: "vehicule" finds "véhicule", "liege" finds "Liège", "cafe" finds "Café"
# --------------------------------------------------------------------------------------------

CAFE = "Café-restaurant Le Parvis, fittings and licence"
HELICOPTER = "Hélicoptère Écureuil AS350 B3, 2012"


@pytest.fixture
def accented(catalogue, case, case_officer, approver, auction_manager):
    """Besides the demo lots: a café and a helicopter whose titles have accents, and the boat viewable
    in Liège."""
    assets = [asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                             title=title, category=category)
              for title, category in [(CAFE, "business"), (HELICOPTER, "aircraft")]]
    open_auction_with_lots(manager=auction_manager, approver=approver, assets=assets)
    liege = StorageLocationFactory(name="Quay 4", public_area="Liège")
    Asset.objects.filter(lot_assets__lot=catalogue[BOAT]).update(location=liege)


@pytest.mark.parametrize("language, typed, found", [
    ("fr", "vehicule", {TOYOTA, BMW, LAMBORGHINI}),  # the vehicles' word is "véhicule"
    ("fr", "liege", {BOAT}),  # viewable in Liège
    ("fr", "helicoptere ecureuil", {HELICOPTER}),
    ("fr", "ecureil", {HELICOPTER}),  # a typo and no accent: the titles' trigrams
    ("en", "cafe", {CAFE}),
    ("en", "liege", {BOAT}),
    ("en", "Tóyota", {TOYOTA}),  # an accent typed where the title has none
    ("es", "camion", {TOYOTA, BMW, LAMBORGHINI}),  # "camión"
    ("es", "helicoptero", {HELICOPTER}),  # "helicóptero"
])
def test_accents_are_ignored_in_each_language(client, accented, language, typed, found):
    html = client.get(CATALOGUE, {"q": typed}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert {title for title in (*ALL, CAFE, HELICOPTER) if title in html} == found


def _plan(qs) -> str:
    """The plan PostgreSQL would follow with the register's many lots (no sequential scan)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


WORD_FOR_VEHICLE = {"en": "vehicle", "fr": "vehicule", "es": "vehiculo"}


@pytest.mark.parametrize("language, index", [("en", "lot_search_english_unaccent"),
                                             ("fr", "lot_search_french_unaccent"),
                                             ("es", "lot_search_spanish_unaccent")])
def test_the_search_is_answered_by_the_languages_full_text_index(catalogue, language, index):
    """With the index the search reads the matching lots only; without it, every lot's document."""
    with translation.override(language):
        assert index in _plan(selectors.lots_public(status="open", search=WORD_FOR_VEHICLE[language]))


def test_the_typo_fallback_is_answered_by_the_title_trigram_index(catalogue):
    """Only the titles' index can narrow 3,000 open vans down to the Lamborghini (its expression must
    be the query's very own: the unaccented title)."""
    toyota = catalogue[TOYOTA]
    fields = {f.attname: getattr(toyota, f.attname) for f in Lot._meta.concrete_fields if not f.primary_key}
    Lot.objects.bulk_create([Lot(**{**fields, "number": 1000 + i, "title": f"Van {i}"}) for i in range(3000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE auctions_lot")
    # given a search that no lot's words match (so the titles' trigrams are compared)
    qs = selectors.lots_public(status="open", search="lamborgini")
    assert [lot.title for lot in qs] == [LAMBORGHINI]
    # then it reads the trigram index of the unaccented titles
    assert "lot_title_trgm" in _plan(qs)


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
