"""The deposit page against the localstripe stand-in: a real card hold (PaymentIntent, manual
capture) opens the bid form; a declined card says so and leaves the bidder unable to bid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from auctions.models import Deposit, Lot
from tests.auctions.factories import make_bidder
from tests.auctions.test_deposits import stripe_settings  # noqa: F401 - fixtures

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]


@pytest.fixture
def deposit_lot(open_lot_factory):
    auction, (lot,) = open_lot_factory(1, deposit_rule="fixed", deposit_amount=Decimal("250.00"))
    return auction, lot


def test_card_hold_through_the_page_opens_bidding(client, stripe_settings, deposit_lot, auction_manager):  # noqa: F811
    auction, lot = deposit_lot
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    client.force_login(bidder)
    lot_url = reverse("auctions:lot_detail", args=[lot.pk])
    assert "requires a deposit" in client.get(lot_url).content.decode()

    page = client.get(reverse("auctions:auction_deposit", args=[auction.slug])).content.decode()
    assert "250.00 EUR" in page and "hold on your card, not a payment" in page
    response = client.post(reverse("auctions:auction_deposit", args=[auction.slug]),
                           {"payment_method": "pm_card_visa", "confirm": "on", "next": lot_url})
    assert response.status_code == 302 and response["Location"] == lot_url
    deposit = Deposit.objects.get(bidder=bidder, auction=auction)
    assert deposit.status == "held" and deposit.payment_intent_id

    assert 'name="max_amount"' in client.get(lot_url).content.decode()
    assert client.post(reverse("auctions:lot_bid", args=[lot.pk]), {"max_amount": "300"}).status_code == 302
    assert Lot.objects.get(pk=lot.pk).bid_count == 1


def test_declined_card_is_explained(client, stripe_settings, deposit_lot, auction_manager):  # noqa: F811
    auction, lot = deposit_lot
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    client.force_login(bidder)
    response = client.post(reverse("auctions:auction_deposit", args=[auction.slug]),
                           {"payment_method": "pm_card_chargeCustomerFail", "confirm": "on"})
    assert response.status_code == 402
    assert "The card hold was refused" in response.content.decode()
    assert Deposit.objects.get(bidder=bidder, auction=auction).status == "failed"
    assert client.post(reverse("auctions:lot_bid", args=[lot.pk]), {"max_amount": "300"}).status_code == 403


def test_the_hold_must_be_authorised(client, stripe_settings, deposit_lot, auction_manager):  # noqa: F811
    auction, _lot = deposit_lot
    client.force_login(make_bidder(reviewer=auction_manager, auctions=[auction]))
    response = client.post(reverse("auctions:auction_deposit", args=[auction.slug]), {"payment_method": "pm_card_visa"})
    assert response.status_code == 400
    assert not Deposit.objects.exists()
