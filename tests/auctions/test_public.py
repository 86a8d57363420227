"""The public auction site as visitors and bidders see it: home, catalogue, auction and lot pages,
the live state JSON, the bid form's refusals, the watchlist and the photos of published lots."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from auctions.models import Auction, BidderProfile, Lot, ScreeningEntry, WatchlistItem
from auctions.services import auctions, bidding
from tests.auctions.factories import asset_for_sale, make_auction, make_bidder
from tests.auctions.public_helpers import add_photo
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


def lot_url(lot) -> str:
    return reverse("auctions:lot_detail", args=[lot.pk])


# --------------------------------------------------------------------------------------------
# Home and catalogue
# --------------------------------------------------------------------------------------------


def test_home_page_is_the_agencys_landing_page_not_wagtails(client, settings, lot):
    settings.AGENCY_NAME = "Office for Recovered Assets"
    response = client.get(reverse("auctions:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Office for Recovered Assets" in html
    assert reverse("auctions:catalogue") in html
    assert lot.title in html  # ending soon
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_catalogue_lists_open_lots_of_published_auctions_only(client, open_lot_factory, sale_asset, auction_manager):
    auction, lots = open_lot_factory(2)
    draft = make_auction(manager=auction_manager, title="Draft sale")
    auctions.lot_create(actor=auction_manager, auction=draft, title="Secret draft lot",
                        starting_price=Decimal("50.00"), asset_ids=[sale_asset.pk])
    response = client.get(reverse("auctions:catalogue"))
    assert response.status_code == 200
    html = response.content.decode()
    for lot in lots:
        assert lot.title in html
        assert lot_url(lot) in html
    assert "Secret draft lot" not in html
    assert "2 lots" in html


def test_catalogue_search_category_and_price_filters(client, case, case_officer, approver, auction_manager):
    car = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                         title="Red sports car", category="vehicle")
    ring = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                          title="Diamond ring", category="jewellery_art")
    auction = make_auction(manager=auction_manager)
    auctions.lot_create(actor=auction_manager, auction=auction, title=car.title, starting_price=Decimal("9000.00"),
                        asset_ids=[car.pk])
    auctions.lot_create(actor=auction_manager, auction=auction, title=ring.title, starting_price=Decimal("400.00"),
                        asset_ids=[ring.pk])
    auctions.auction_schedule(auction_id=auction.pk, actor=auction_manager)
    auctions.auction_publish(auction_id=auction.pk, actor=approver)
    url = reverse("auctions:catalogue")

    by_text = client.get(url, {"q": "diamond"}).content.decode()
    assert "Diamond ring" in by_text and "Red sports car" not in by_text

    by_category = client.get(url, {"category": "vehicle"}).content.decode()
    assert "Red sports car" in by_category and "Diamond ring" not in by_category

    by_price = client.get(url, {"min_price": "1000", "max_price": "10000"}).content.decode()
    assert "Red sports car" in by_price and "Diamond ring" not in by_price

    cheapest_first = client.get(url, {"sort": "price_asc"}).content.decode()
    assert cheapest_first.index("Diamond ring") < cheapest_first.index("Red sports car")
    dearest_first = client.get(url, {"sort": "price_desc"}).content.decode()
    assert dearest_first.index("Red sports car") < dearest_first.index("Diamond ring")


def test_catalogue_is_paginated(client, open_lot_factory, monkeypatch):
    from auctions import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    auction, lots = open_lot_factory(3)
    first = client.get(reverse("auctions:catalogue"), {"category": "vehicle"}).content.decode()
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first and "category=vehicle&amp;page=2" in first
    second = client.get(reverse("auctions:catalogue"), {"category": "vehicle", "page": "2"}).content.decode()
    assert "Page 2 of 2" in second
    shown = [lot.title for lot in lots if lot_url(lot) in first + second]
    assert len(shown) == 3


@pytest.mark.parametrize("params", [
    {"page": "abc"}, {"page": "-1"}, {"page": "99999999999999999999"}, {"min_price": "xyz"},
    {"max_price": "1e999"}, {"min_price": "5", "max_price": "1"}, {"location": "abc"}, {"location": "99999"},
    {"category": "spaceships"}, {"sort": "'; drop table"}, {"q": "x" * 500}, {"min_price": "NaN"},
])
def test_catalogue_bad_query_strings_never_fail(client, lot, params):
    response = client.get(reverse("auctions:catalogue"), params)
    assert response.status_code == 200
    assert lot.title in response.content.decode() or "q" in params


def test_catalogue_reports_an_unreadable_price(client, lot):
    html = client.get(reverse("auctions:catalogue"), {"min_price": "xyz"}).content.decode()
    assert "We could not read “xyz” as an amount" in html
    assert lot.title in html  # the other filters (none) still apply


def test_catalogue_query_count_does_not_grow_with_the_page(client, open_lot_factory, django_assert_max_num_queries,
                                                           case_officer):
    auction, lots = open_lot_factory(3)
    for lot in lots:
        add_photo(lot.assets.first(), case_officer)
    client.get(reverse("auctions:catalogue"))  # warm the location and tier caches
    with django_assert_max_num_queries(4):
        response = client.get(reverse("auctions:catalogue"))
    assert response.content.decode().count("/thumbnail/") == 3


# --------------------------------------------------------------------------------------------
# Auction and lot pages
# --------------------------------------------------------------------------------------------


def test_auction_page_shows_terms_premium_deposit_and_lots_in_its_time_zone(client, open_lot_factory):
    auction, lots = open_lot_factory(2, buyers_premium_percent=Decimal("12.50"), deposit_rule="fixed",
                                     deposit_amount=Decimal("500.00"), pickup_info="Warehouse gate B, weekdays.",
                                     viewing_info="Viewing on Saturday mornings.", time_zone="America/New_York")
    html = client.get(reverse("auctions:auction_detail", args=[auction.slug])).content.decode()
    assert "12.50 %" in html
    assert "500.00 EUR" in html and "card hold" in html
    assert "Warehouse gate B" in html and "Viewing on Saturday" in html
    assert "Sold as seen." in html
    closes = timezone.localtime(auction.closes_at, timezone=datetime.UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("America/New_York"))
    assert closes.strftime("%H:%M") in html
    assert "America/New_York" in html
    for lot in lots:
        assert lot.title in html


def test_unpublished_auction_page_is_404(client, auction_manager):
    auction = make_auction(manager=auction_manager)
    assert client.get(reverse("auctions:auction_detail", args=[auction.slug])).status_code == 404


def test_lot_page_for_anonymous_visitor(client, lot):
    response = client.get(lot_url(lot))
    assert response.status_code == 200
    html = response.content.decode()
    assert lot.title in html
    assert "100.00 EUR" in html  # starting price = next minimum bid
    assert "Sign in to bid" in html
    assert 'name="max_amount"' not in html
    assert reverse("auctions:lot_state", args=[lot.pk]) in html
    assert "auctions/lot.js" in html


@pytest.mark.parametrize("path", ["/auctions/lots/999999/", "/auctions/lots/99999999999999999999999/",
                                  "/auctions/lots/999999/state.json", "/auctions/photos/999999/medium/",
                                  "/auctions/sales/nope/"])
def test_unknown_things_are_404_not_500(client, db, path):
    assert client.get(path).status_code == 404


def test_draft_lot_is_404(client, sale_asset, auction_manager):
    auction = make_auction(manager=auction_manager)
    lot = auctions.lot_create(actor=auction_manager, auction=auction, title="Not yet",
                              starting_price=Decimal("50.00"), asset_ids=[sale_asset.pk])
    assert client.get(lot_url(lot)).status_code == 404
    assert client.get(reverse("auctions:lot_state", args=[lot.pk])).status_code == 404


def test_lot_page_shows_times_in_the_auctions_time_zone(client, open_lot_factory):
    auction, (lot,) = open_lot_factory(1, time_zone="Asia/Tokyo")
    html = client.get(lot_url(lot)).content.decode()
    local = lot.ends_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    assert local.strftime("%H:%M:%S") in html
    assert "JST" in html


# --------------------------------------------------------------------------------------------
# Secrets stay secret: reserve, maxima, identities
# --------------------------------------------------------------------------------------------


def test_reserve_maxima_and_identities_never_appear_in_public_pages_or_json(client, open_lot_factory,
                                                                             auction_manager):
    auction, (lot,) = open_lot_factory(1, reserve_price="4321.00")
    alice = make_bidder(reviewer=auction_manager, auctions=[auction], username="alice_the_bidder",
                        legal_name="Alice Wonderland-Secret")
    bob = make_bidder(reviewer=auction_manager, auctions=[auction], username="bob_the_bidder",
                      legal_name="Bob Hidden-Name")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=alice, max_amount="2345.67")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bob, max_amount="150.00")
    lot.refresh_from_db()
    assert lot.leader_id == alice.pk and lot.current_price == Decimal("160.00") and not lot.reserve_met

    # The amounts as any page would write them (bare digits could turn up inside a timestamp or a CSP nonce).
    secrets = ["2345.6", "2,345", "2 345", "4321.0", "4,321", "4 321", "alice_the_bidder", "bob_the_bidder",
               "Wonderland", "Hidden-Name",
               alice.email, bob.email, "leader_max", "reserve_price"]
    pages = [
        "/", reverse("auctions:home"), reverse("auctions:catalogue"),
        reverse("auctions:auction_detail", args=[auction.slug]), lot_url(lot),
        reverse("auctions:lot_state", args=[lot.pk]), reverse("auctions:lot_history", args=[lot.pk]),
        f"/api/v1/lots/{lot.pk}/", "/api/v1/lots/?status=open", f"/api/v1/lots/{lot.pk}/bids/",
    ]
    for viewer in (None, bob):
        if viewer:
            client.force_login(viewer)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            body = response.content.decode()
            for secret in secrets:
                assert secret not in body, (page, secret)
    state = client.get(reverse("auctions:lot_state", args=[lot.pk])).json()
    assert state["reserve_met"] is False and state["current_price"] == "160.00"
    assert "Reserve not yet met" in client.get(lot_url(lot)).content.decode()
    history = client.get(reverse("auctions:lot_history", args=[lot.pk])).json()["results"]
    assert {line["label"] for line in history} <= {"Bidder 1", "Bidder 2"}


def test_bid_history_uses_per_lot_pseudonyms(client, open_lot_factory, auction_manager):
    auction, (lot_a, lot_b) = open_lot_factory(2)
    first = make_bidder(reviewer=auction_manager, auctions=[auction])
    second = make_bidder(reviewer=auction_manager, auctions=[auction])
    bidding.lot_place_bid(lot_id=lot_a.pk, bidder=first, max_amount="200.00")
    bidding.lot_place_bid(lot_id=lot_a.pk, bidder=second, max_amount="300.00")
    bidding.lot_place_bid(lot_id=lot_b.pk, bidder=second, max_amount="200.00")
    html_a = client.get(lot_url(lot_a)).content.decode()
    html_b = client.get(lot_url(lot_b)).content.decode()
    assert "Bidder 2" in html_a and "Bidder 1" in html_a
    assert "Bidder 1" in html_b and "Bidder 2" not in html_b  # the same person is another number here
    assert "210.00 EUR" in html_a  # 200 + increment 10


# --------------------------------------------------------------------------------------------
# Live state JSON
# --------------------------------------------------------------------------------------------


def test_state_json_is_one_query_cacheable_and_revalidates(client, lot, bidder_factory,
                                                           django_assert_num_queries):
    url = reverse("auctions:lot_state", args=[lot.pk])
    client.get(url)  # warm the increment tiers cache
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200
    assert "max-age=1" in response["Cache-Control"]
    data = response.json()
    assert data["current_price"] is None and data["next_minimum_bid"] == "100.00" and data["bid_count"] == 0
    assert data["status"] == "open" and data["ends_at"].endswith("Z")

    not_modified = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert not_modified.status_code == 304

    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder_factory(), max_amount="250.00")
    changed = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200
    data = changed.json()
    assert data["current_price"] == "100.00" and data["next_minimum_bid"] == "110.00"
    assert data["bid_count"] == 1 and data["leader_label"] == "Bidder 1"


def test_state_json_shows_a_soft_close_extension(client, open_lot_factory, auction_manager):
    auction, (lot,) = open_lot_factory(1)
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    soon = timezone.now() + datetime.timedelta(seconds=30)
    Lot.objects.filter(pk=lot.pk).update(ends_at=soon, original_ends_at=soon)
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount="100.00")
    data = client.get(reverse("auctions:lot_state", args=[lot.pk])).json()
    ends = datetime.datetime.fromisoformat(data["ends_at"].replace("Z", "+00:00"))
    assert ends > soon + datetime.timedelta(minutes=2)
    assert data["extended"] is True


# --------------------------------------------------------------------------------------------
# The bid form
# --------------------------------------------------------------------------------------------


def _bid(client, lot, amount):
    return client.post(reverse("auctions:lot_bid", args=[lot.pk]), {"max_amount": amount})


def test_eligible_bidder_bids_through_the_form(client, lot, bidder_factory):
    bidder = bidder_factory()
    client.force_login(bidder)
    page = client.get(lot_url(lot)).content.decode()
    assert 'name="max_amount"' in page and "Place bid" in page
    response = _bid(client, lot, "1 000,00")  # a space groups the thousands; ten times the starting price
    assert response.status_code == 302 and response["Location"] == lot_url(lot)
    html = client.get(lot_url(lot)).content.decode()
    assert "you are the highest bidder" in html
    assert "You are the highest bidder." in html
    lot.refresh_from_db()
    assert lot.bid_count == 1 and lot.leader_id == bidder.pk and lot.leader_max == Decimal("1000.00")


def test_outbid_bidder_is_told(client, lot, bidder_factory):
    leader, other = bidder_factory(), bidder_factory()
    bidding.lot_place_bid(lot_id=lot.pk, bidder=leader, max_amount="900.00")
    client.force_login(other)
    response = _bid(client, lot, "500")
    assert response.status_code == 302
    html = client.get(lot_url(lot)).content.decode()
    assert "you have been outbid" in html
    assert "You have been outbid." in html


def test_anonymous_bid_goes_to_sign_in(client, lot):
    response = _bid(client, lot, "500")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("auctions:login"))
    assert Lot.objects.get(pk=lot.pk).bid_count == 0


def test_refusal_below_minimum_keeps_the_amount_and_says_why(client, lot, bidder_factory):
    client.force_login(bidder_factory())
    response = _bid(client, lot, "99.99")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Read as 99.99 EUR, below the next minimum bid of 100.00 EUR." in html
    assert 'value="99.99"' in html


def test_refusal_of_malformed_amount(client, lot, bidder_factory):
    client.force_login(bidder_factory())
    for amount in ("abc", "10.001", "-5", ""):
        response = _bid(client, lot, amount)
        assert response.status_code == 400, amount
    assert Lot.objects.get(pk=lot.pk).bid_count == 0


def test_refusal_not_approved(client, lot, auction_manager, auction_and_lot):
    pending = make_bidder(reviewer=auction_manager, auctions=[auction_and_lot[0]], approve=False)
    client.force_login(pending)
    page = client.get(lot_url(lot)).content.decode()
    assert "Only approved bidders with a verified e-mail address can bid." in page
    assert 'name="max_amount"' not in page
    response = _bid(client, lot, "500")
    assert response.status_code == 403
    assert "Only approved bidders" in response.content.decode()


def test_refusal_terms_not_accepted_links_to_the_terms(client, lot, auction_manager, auction_and_lot):
    bidder = make_bidder(reviewer=auction_manager, auctions=[])
    client.force_login(bidder)
    page = client.get(lot_url(lot)).content.decode()
    assert "Accept the terms of this auction before bidding." in page
    assert reverse("auctions:auction_terms", args=[auction_and_lot[0].slug]) in page
    response = _bid(client, lot, "500")
    assert response.status_code == 403 and "Accept the terms" in response.content.decode()
    # Accepting the terms opens the form.
    response = client.post(reverse("auctions:auction_terms", args=[auction_and_lot[0].slug]),
                           {"accept": "on", "next": lot_url(lot)})
    assert response.status_code == 302 and response["Location"] == lot_url(lot)
    assert _bid(client, lot, "500").status_code == 302


def test_terms_must_be_ticked(client, lot, auction_manager, auction_and_lot):
    client.force_login(make_bidder(reviewer=auction_manager, auctions=[]))
    response = client.post(reverse("auctions:auction_terms", args=[auction_and_lot[0].slug]), {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_refusal_deposit_required_links_to_the_deposit_page(client, open_lot_factory, auction_manager):
    auction, (lot,) = open_lot_factory(1, deposit_rule="fixed", deposit_amount=Decimal("250.00"))
    client.force_login(make_bidder(reviewer=auction_manager, auctions=[auction]))
    page = client.get(lot_url(lot)).content.decode()
    assert "This auction requires a deposit before you can bid." in page
    assert reverse("auctions:auction_deposit", args=[auction.slug]) in page
    response = _bid(client, lot, "500")
    assert response.status_code == 403 and "requires a deposit" in response.content.decode()
    deposit_page = client.get(reverse("auctions:auction_deposit", args=[auction.slug])).content.decode()
    assert "250.00 EUR" in deposit_page and "hold on your card, not a payment" in deposit_page


def test_deposit_refused_by_the_card_service_is_a_message_not_a_500(client, open_lot_factory, auction_manager,
                                                                    monkeypatch):
    from auctions.exceptions import DepositError

    auction, _lots = open_lot_factory(1, deposit_rule="fixed", deposit_amount=Decimal("250.00"))
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])

    def refuse(**kwargs):
        assert kwargs["payment_method"] == "pm_card_chargeCustomerFail"
        raise DepositError("The card hold was refused: Your card was declined.")

    monkeypatch.setattr("auctions.views.deposits.deposit_place", refuse)
    client.force_login(bidder)
    response = client.post(reverse("auctions:auction_deposit", args=[auction.slug]),
                           {"payment_method": "pm_card_chargeCustomerFail", "confirm": "on"})
    assert response.status_code == 402
    assert "Your card was declined." in response.content.decode()

    def unreachable(**kwargs):
        raise ConnectionError("no route to host")

    monkeypatch.setattr("auctions.views.deposits.deposit_place", unreachable)
    response = client.post(reverse("auctions:auction_deposit", args=[auction.slug]),
                           {"payment_method": "pm_card_visa", "confirm": "on"})
    assert response.status_code == 503
    assert "not reachable" in response.content.decode()


def test_refusal_lot_ended(client, lot, bidder_factory):
    bidder = bidder_factory()
    past = timezone.now() - datetime.timedelta(seconds=1)
    Lot.objects.filter(pk=lot.pk).update(ends_at=past, original_ends_at=past)
    client.force_login(bidder)
    response = _bid(client, lot, "500")
    assert response.status_code == 409
    assert "Bidding on this lot has ended." in response.content.decode()
    assert Lot.objects.get(pk=lot.pk).bid_count == 0


def test_refusal_conflict_of_interest_says_only_not_eligible(client, lot, bidder_factory, auction_manager):
    bidder = bidder_factory()
    profile = BidderProfile.objects.get(user=bidder)
    ScreeningEntry.objects.create(name="Someone", identity_number=profile.id_document_number, reason="Owner's son",
                                  added_by=auction_manager)
    client.force_login(bidder)
    page = client.get(lot_url(lot)).content.decode()
    assert "You are not eligible to bid on this lot." in page
    assert "Owner's son" not in page
    response = _bid(client, lot, "500")
    assert response.status_code == 403
    assert "You are not eligible to bid on this lot." in response.content.decode()


def test_staff_never_get_a_bid_form(client, lot, auction_manager, approver):
    client.force_login(approver)
    page = client.get(lot_url(lot)).content.decode()
    assert "Agency staff cannot bid." in page and 'name="max_amount"' not in page
    response = _bid(client, lot, "500")
    assert response.status_code == 403
    assert Lot.objects.get(pk=lot.pk).bid_count == 0
    assert client.get(reverse("auctions:profile")).status_code == 302
    assert client.get(reverse("auctions:sign_up")).status_code == 302


# --------------------------------------------------------------------------------------------
# Watchlist and my bids
# --------------------------------------------------------------------------------------------


def test_watch_and_unwatch(client, lot, bidder_factory):
    bidder = bidder_factory()
    client.force_login(bidder)
    url = reverse("auctions:lot_watch", args=[lot.pk])
    assert client.post(url).status_code == 302
    assert WatchlistItem.objects.filter(user=bidder, lot=lot).exists()
    assert "Watching — stop watching" in client.get(lot_url(lot)).content.decode()
    assert lot.title in client.get(reverse("auctions:my_bids")).content.decode()
    client.post(url, {"action": "remove"})
    assert not WatchlistItem.objects.filter(user=bidder, lot=lot).exists()


def test_watch_refuses_outside_redirects(client, lot, bidder_factory):
    client.force_login(bidder_factory())
    response = client.post(reverse("auctions:lot_watch", args=[lot.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == lot_url(lot)


def test_my_bids_shows_my_maximum_and_whether_i_lead(client, lot, bidder_factory):
    me, rival = bidder_factory(), bidder_factory()
    bidding.lot_place_bid(lot_id=lot.pk, bidder=me, max_amount="300.00")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=rival, max_amount="200.00")
    client.force_login(me)
    html = client.get(reverse("auctions:my_bids")).content.decode()
    assert "300.00 EUR" in html and "Highest bidder" in html
    client.force_login(rival)
    html = client.get(reverse("auctions:my_bids")).content.decode()
    assert "200.00 EUR" in html and "Outbid" in html and "300.00" not in html


def test_my_bids_needs_sign_in(client, db):
    response = client.get(reverse("auctions:my_bids"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("auctions:login"))


# --------------------------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------------------------


def test_photos_of_published_lots_are_served_but_never_originals(client, lot, case_officer):
    photo = add_photo(lot.assets.first(), case_officer, caption="Front view")
    for rendition in ("thumbnail", "medium"):
        response = client.get(reverse("auctions:photo", args=[photo.pk, rendition]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert client.get(reverse("auctions:photo", args=[photo.pk, "original"])).status_code == 404
    assert client.get(reverse("auctions:photo", args=[photo.pk, "image"])).status_code == 404
    html = client.get(lot_url(lot)).content.decode()
    assert reverse("auctions:photo", args=[photo.pk, "medium"]) in html and "Front view" in html


def test_photos_of_assets_outside_published_lots_are_refused(client, case, case_officer, sale_asset,
                                                             auction_manager):
    loose = AssetFactory(case=case, actor=case_officer, title="Not for sale")
    loose_photo = add_photo(loose, case_officer)
    draft = make_auction(manager=auction_manager)
    auctions.lot_create(actor=auction_manager, auction=draft, title="Draft", starting_price=Decimal("10.00"),
                        asset_ids=[sale_asset.pk])
    draft_photo = add_photo(sale_asset, case_officer)
    for photo in (loose_photo, draft_photo):
        assert client.get(reverse("auctions:photo", args=[photo.pk, "thumbnail"])).status_code == 404
        assert client.get(reverse("auctions:photo", args=[photo.pk, "medium"])).status_code == 404


# --------------------------------------------------------------------------------------------
# Small things
# --------------------------------------------------------------------------------------------


def test_public_pages_translate(client, lot):
    response = client.get(lot_url(lot), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


def test_lot_page_embeds_translated_strings_for_the_live_script(client, lot):
    html = client.get(lot_url(lot)).content.decode()
    match = re.search(r'<script id="lot-strings" type="application/json">(.*?)</script>', html, re.S)
    strings = json.loads(match.group(1))
    assert strings["bidder"] == "Bidder %(n)s" and strings["statuses"]["open"] == "Open for bids"


def test_auction_terms_page_needs_a_published_auction(client, auction_manager, db):
    auction = make_auction(manager=auction_manager)
    assert client.get(reverse("auctions:auction_terms", args=[auction.slug])).status_code == 404
    assert Auction.objects.filter(pk=auction.pk).exists()
