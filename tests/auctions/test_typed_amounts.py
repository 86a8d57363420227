"""Money typed by bidders and staff (issue 9): the lot page's bid form reads the amount in the page's
language and says how it read it, asks before taking a maximum far above the price, previews the
total with the buyer's premium; the bid count agrees with the public history; the bidder sees their
own maximum; the API keeps its strict decimal strings."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from auctions.models import Auction, Bid, Lot
from auctions.services import bidding, tokens

pytestmark = pytest.mark.django_db
D = Decimal


def lot_url(lot) -> str:
    return reverse("auctions:lot_detail", args=[lot.pk])


def bid(client, lot, amount, language="en", **extra):
    return client.post(reverse("auctions:lot_bid", args=[lot.pk]), {"max_amount": amount, **extra},
                       HTTP_ACCEPT_LANGUAGE=language)


def preview(client, lot, amount, language="en"):
    return client.get(reverse("auctions:lot_bid_preview", args=[lot.pk]), {"amount": amount},
                      HTTP_ACCEPT_LANGUAGE=language)


@pytest.fixture
def watch_lot(lot):
    """A 3,000 EUR watch (the price before the bid), in an auction with a 10 % buyer's premium."""
    Lot.objects.filter(pk=lot.pk).update(starting_price=D("3000.00"))
    Auction.objects.filter(pk=lot.auction_id).update(buyers_premium_percent=D("10.00"))
    return Lot.objects.get(pk=lot.pk)


# ---- the bid form ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "typed"), [("en", "3,700"), ("en", "3.700,00"), ("fr", "3.700,00"),
                                                 ("fr", "3 700,00"), ("es", "3.700,00"), ("es", "3.700")])
def test_a_bid_typed_in_the_pages_conventions_is_taken_for_what_was_meant(client, watch_lot, bidder_factory,
                                                                           language, typed):
    bidder = bidder_factory()
    client.force_login(bidder)
    assert bid(client, watch_lot, typed, language).status_code == 302
    assert Lot.objects.get(pk=watch_lot.pk).leader_max == D("3700.00")


def test_an_amount_below_the_minimum_is_refused_saying_how_it_was_read(client, lot, bidder_factory):
    # Given a lot whose next minimum bid is 4,100.00 EUR
    Lot.objects.filter(pk=lot.pk).update(starting_price=D("4100.00"))
    client.force_login(bidder_factory())
    # When a bidder types a lone decimal-looking separator, or a small amount
    ambiguous = bid(client, lot, "1.000").content.decode()
    small = bid(client, lot, "3.70").content.decode()
    # Then each refusal shows how the amount was read, beside the field, and keeps what was typed
    assert "We could not tell whether “1.000” means 1.00 EUR or 1,000.00 EUR." in ambiguous
    assert 'value="1.000"' in ambiguous and 'id="bid-error"' in ambiguous
    assert "Read as 3.70 EUR, below the next minimum bid of 4,100.00 EUR." in small
    assert not Bid.objects.filter(lot=lot, accepted=True).exists()


def test_scientific_notation_is_refused_on_the_bid_form(client, lot, bidder_factory):
    client.force_login(bidder_factory())
    response = bid(client, lot, "1e6")
    assert response.status_code == 400
    assert "scientific notation" in response.content.decode()
    assert Lot.objects.get(pk=lot.pk).leader_id is None


def test_a_yen_lot_takes_whole_amounts_on_the_bid_form_as_on_the_api(client, lot, bidder_factory):
    Lot.objects.filter(pk=lot.pk).update(currency="JPY", starting_price=D("10000"))
    client.force_login(bidder_factory())
    refused = bid(client, lot, "15,000.5")
    assert refused.status_code == 400
    assert "Amounts in JPY are whole numbers, without decimals." in refused.content.decode()
    assert Lot.objects.get(pk=lot.pk).leader_id is None
    assert bid(client, lot, "15,000").status_code == 302
    assert Lot.objects.get(pk=lot.pk).leader_max == D("15000")


def test_a_maximum_far_above_the_price_is_taken_only_once_confirmed(client, watch_lot, bidder_factory):
    client.force_login(bidder_factory())
    # When a bidder types a billion on a 3,000 EUR watch
    first = bid(client, watch_lot, "1,000,000,000")
    html = first.content.decode()
    # Then nothing is placed: the page asks to confirm that very amount
    assert first.status_code == 400 and Lot.objects.get(pk=watch_lot.pk).leader_id is None
    assert "Read as 1,000,000,000.00 EUR: more than 10 times the current price of 3,000.00 EUR." in html
    assert 'name="confirm_amount" value="1000000000.00"' in html and "Yes, I mean 1,000,000,000.00 EUR" in html
    # with the total the bidder would pay, buyer's premium included, shown before they confirm
    assert "you would pay 1,100,000,000.00 EUR if you win at this amount." in html
    # A box ticked for another amount confirms nothing
    assert bid(client, watch_lot, "2,000,000,000", confirm_amount="1000000000.00").status_code == 400
    # Ticked for this amount, the bid is placed
    assert bid(client, watch_lot, "1,000,000,000", confirm_amount="1000000000.00").status_code == 302
    assert Lot.objects.get(pk=watch_lot.pk).leader_max == D("1000000000.00")


def test_the_confirmation_multiple_is_a_setting(client, watch_lot, bidder_factory, settings):
    settings.AUCTIONS_CONFIRM_MAX_MULTIPLE = 1000
    client.force_login(bidder_factory())
    assert bid(client, watch_lot, "1,000,000").status_code == 302


def test_the_page_states_the_buyers_premium_beside_the_bid_field(client, watch_lot, bidder_factory):
    client.force_login(bidder_factory())
    html = client.get(lot_url(watch_lot)).content.decode()
    assert 'id="bid-preview"' in html and "The buyer's premium (10 %) is added" in html


# ---- what the form reads, before it is sent ----------------------------------------------------


def test_the_preview_says_how_an_amount_is_read_and_the_total_with_the_premium(client, watch_lot):
    english = preview(client, watch_lot, "3,700").json()
    assert english["amount"] == "3700.00" and english["premium"] == "370.00" and english["total"] == "4070.00"
    assert english["messages"][:2] == [
        "Read as 3,700.00 EUR",
        "With the buyer's premium of 10 %, you would pay 4,070.00 EUR if you win at this amount."]
    french = preview(client, watch_lot, "3.700,00", "fr").json()
    assert french["amount"] == "3700.00"
    assert french["messages"][:2] == [
        "Lu comme 3\u00a0700,00 EUR",
        "Avec les frais acheteur de 10 %, vous paieriez 4\u00a0070,00 EUR si le lot vous est adjugé à ce montant."]


def test_the_preview_of_what_cannot_be_read_is_a_400_with_the_reason(client, watch_lot):
    response = preview(client, watch_lot, "3,700", "fr")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_amount",
        "detail": "Nous ne savons pas si « 3,700 » signifie 3,70 EUR ou 3\u00a0700,00 EUR. Saisissez 3700, ou le "
                  "montant avec ses centimes (3\u00a0700,00 EUR)."}
    assert preview(client, watch_lot, "1e6").status_code == 400


def test_the_preview_warns_before_a_far_maximum_and_a_low_one(client, watch_lot):
    far = preview(client, watch_lot, "1,000,000,000").json()
    assert far["confirm"] == "1000000000.00" and far["confirm_label"] == "Yes, I mean 1,000,000,000.00 EUR"
    low = preview(client, watch_lot, "2,500").json()
    assert "This is below the next minimum bid of 3,000.00 EUR." in low["messages"]


def test_the_preview_of_a_lot_that_is_not_public_is_a_404(client, watch_lot):
    assert client.get(reverse("auctions:lot_bid_preview", args=[watch_lot.pk + 1000]),
                      {"amount": "1"}).status_code == 404


# ---- the API keeps strict decimal strings ------------------------------------------------------


def test_the_api_takes_decimal_strings_only(client, lot, bidder_factory):
    token = tokens.api_token_create(user=bidder_factory())[1]

    def post(amount):
        return client.post(f"/api/v1/lots/{lot.pk}/bids/", json.dumps({"max_amount": amount}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                           HTTP_ACCEPT_LANGUAGE="fr")

    assert post("3,700").status_code == 400
    assert post("500.00").status_code == 201
    assert Lot.objects.get(pk=lot.pk).leader_max == D("500.00")


# ---- the bid count and the history agree; the bidder's own maximum -----------------------------


def test_a_leader_raising_their_own_maximum_adds_no_bid_to_the_count_or_the_history(client, lot, bidder_factory):
    # Given a bidder leading a lot, who raises their own maximum ten times
    leader = bidder_factory()
    for amount in range(200, 1200, 100):
        bidding.lot_place_bid(lot_id=lot.pk, bidder=leader, max_amount=str(amount))
    # Then the page, the state and the history all say one bid
    state = client.get(reverse("auctions:lot_state", args=[lot.pk])).json()
    history = client.get(reverse("auctions:lot_history", args=[lot.pk])).json()["results"]
    assert state["bid_count"] == len(history) == 1
    assert ">1 bid<" in client.get(lot_url(lot)).content.decode()
    # And when another bidder moves the price, both count two
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder_factory(), max_amount="500")
    state = client.get(reverse("auctions:lot_state", args=[lot.pk])).json()
    history = client.get(reverse("auctions:lot_history", args=[lot.pk])).json()["results"]
    assert state["bid_count"] == len(history) == 2


def test_the_bidder_sees_their_own_maximum_and_no_one_else_does(client, lot, bidder_factory):
    alice, bob = bidder_factory(), bidder_factory()
    bidding.lot_place_bid(lot_id=lot.pk, bidder=alice, max_amount="1234.00")
    client.force_login(alice)
    mine = client.get(lot_url(lot)).content.decode()
    assert 'id="my-maximum"' in mine and "1,234.00 EUR" in mine
    client.force_login(bob)
    theirs = client.get(lot_url(lot)).content.decode()
    assert 'id="my-maximum"' not in theirs and "1,234.00" not in theirs
    client.logout()
    assert "1,234.00" not in client.get(lot_url(lot)).content.decode()
    # Bob bids too: he sees his own maximum, never Alice's
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bob, max_amount="300.00")
    client.force_login(bob)
    theirs = client.get(lot_url(lot)).content.decode()
    assert 'id="my-maximum"' in theirs and "300.00 EUR" in theirs and "1,234.00" not in theirs


def test_the_bid_message_is_marked_for_the_live_page_to_replace(client, lot, bidder_factory):
    client.force_login(bidder_factory())
    bid(client, lot, "500")
    html = client.get(lot_url(lot)).content.decode()
    assert 'class="message message-success bid-status"' in html


# ---- staff forms read amounts in the staff member's language too --------------------------------


def _tiers(*rows) -> dict:
    data = {"tiers-TOTAL_FORMS": str(len(rows)), "tiers-INITIAL_FORMS": "0", "tiers-MIN_NUM_FORMS": "0",
            "tiers-MAX_NUM_FORMS": "20"}
    for i, (up_to, increment) in enumerate(rows):
        data[f"tiers-{i}-up_to"], data[f"tiers-{i}-increment"] = up_to, increment
    return data


def test_an_increment_table_typed_in_french(client, auction_manager):
    from auctions.models import IncrementTable

    client.force_login(auction_manager)
    url = reverse("auctions_increments:add")
    # "1.000" on a French screen could be 1,00 or 1 000,00: refused beside its field, nothing saved
    refused = client.post(url, {"name": "Cars", **_tiers(("1.000", "50"), ("", "100"))}, HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 400 and not IncrementTable.objects.filter(name="Cars").exists()
    assert "Nous ne savons pas si « 1.000 » signifie 1,00 ou 1\u00a0000,00" in refused.content.decode()
    # "1 000,00" and "2,50" are read as a French reader means them
    taken = client.post(url, {"name": "Cars", **_tiers(("1 000,00", "2,50"), ("", "100"))},
                        HTTP_ACCEPT_LANGUAGE="fr")
    assert taken.status_code == 302
    table = IncrementTable.objects.get(name="Cars")
    assert table.tiers_as_tuples() == ((D("1000.00"), D("2.50")), (None, D("100.00")))
    # and shown back in French on the edit screen
    form = client.get(reverse("auctions_increments:edit", args=[table.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert 'value="1\u00a0000,00"' in form.content.decode() and 'value="2,50"' in form.content.decode()


def test_a_wagtail_model_form_reads_decimals_in_the_staff_members_language(client, custodian):
    from custody.models import StorageLocation

    client.force_login(custodian)
    data = {"name": "East cold store", "kind": "cold_store", "address": "Dock 7", "currency": "EUR", "active": "on"}
    url = reverse("custody_storage:add")
    refused = client.post(url, {**data, "daily_rate": "1e3"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code != 302 and "notation scientifique" in refused.content.decode()
    assert client.post(url, {**data, "daily_rate": "80,50"}, HTTP_ACCEPT_LANGUAGE="fr").status_code == 302
    assert StorageLocation.objects.get(name="East cold store").daily_rate == D("80.50")
