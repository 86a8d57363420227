"""Deposits as real card holds on the localstripe stand-in, and the Stripe webhook."""

import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest

from auctions.exceptions import DepositError, NotEligible
from auctions.models import Deposit, DepositStatus, LotStatus, StripeEvent
from auctions.services import bidding, closing, deposits
from tests.auctions.factories import make_bidder

D = Decimal
WEBHOOK_SECRET = "whsec_test_secret_for_tests"


@pytest.fixture
def stripe_settings(settings, localstripe_url):
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return settings


@pytest.fixture
def deposit_auction(open_lot_factory):
    return open_lot_factory(2, deposit_rule="fixed", deposit_amount=D("250.00"))


def _stripe():
    return deposits._stripe()


@pytest.mark.stripe
@pytest.mark.django_db
def test_deposit_hold_lets_the_bidder_bid_and_is_released_when_they_lose(
        stripe_settings, deposit_auction, auction_manager, django_capture_on_commit_callbacks):
    auction, lots = deposit_auction
    loser = make_bidder(reviewer=auction_manager, auctions=[auction])
    winner = make_bidder(reviewer=auction_manager, auctions=[auction])
    # Without a deposit: refused
    with pytest.raises(NotEligible):
        bidding.lot_place_bid(lot_id=lots[0].pk, bidder=loser, max_amount="200")
    # When the bidder places the hold with a test card
    deposit = deposits.deposit_place(bidder=loser, auction_id=auction.pk, payment_method="pm_card_visa")
    # Then Stripe holds the amount on the card (manual capture) and the bidder may bid
    assert deposit.status == DepositStatus.HELD and deposit.payment_intent_id.startswith("pi_")
    intent = _stripe().PaymentIntent.retrieve(deposit.payment_intent_id)
    assert (intent.status, intent.amount, intent.capture_method) == ("requires_capture", 25000, "manual")
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=loser, max_amount="200")
    held = deposits.deposit_place(bidder=winner, auction_id=auction.pk, payment_method="pm_card_visa")
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=winner, max_amount="900")
    # Placing it twice does not hold twice
    assert deposits.deposit_place(bidder=loser, auction_id=auction.pk, payment_method="pm_card_visa").pk == deposit.pk
    # When every lot has closed
    with django_capture_on_commit_callbacks(execute=True):
        closing.lots_close_due(now=lots[-1].ends_at)
    # Then the loser's hold is cancelled at Stripe, and the winner's is not released but captured
    # toward the invoice of the lot they won (settlement's invoice_collect)
    deposit.refresh_from_db()
    held.refresh_from_db()
    assert deposit.status == DepositStatus.RELEASED
    assert _stripe().PaymentIntent.retrieve(deposit.payment_intent_id).status == "canceled"
    assert held.status == DepositStatus.CAPTURED
    assert _stripe().PaymentIntent.retrieve(held.payment_intent_id).status == "succeeded"
    assert lots[0].__class__.objects.get(pk=lots[0].pk).status == LotStatus.AWAITING_PAYMENT
    # Releasing again is harmless
    assert deposits.deposit_release(deposit_id=deposit.pk).status == DepositStatus.RELEASED


@pytest.mark.stripe
@pytest.mark.django_db
def test_declined_card_fails_the_deposit(stripe_settings, deposit_auction, auction_manager):
    auction, lots = deposit_auction
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    with pytest.raises(DepositError):
        deposits.deposit_place(bidder=bidder, auction_id=auction.pk, payment_method="pm_card_chargeCustomerFail")
    deposit = Deposit.objects.get(bidder=bidder)
    assert deposit.status == DepositStatus.FAILED and deposit.last_error
    with pytest.raises(NotEligible):
        bidding.lot_place_bid(lot_id=lots[0].pk, bidder=bidder, max_amount="200")
    # A second attempt with a good card works
    assert deposits.deposit_place(bidder=bidder, auction_id=auction.pk,
                                  payment_method="pm_card_visa").status == DepositStatus.HELD


def _signed(payload: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    ts = timestamp or int(time.time())
    signature = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={ts},v1={signature}"


def _event(event_id: str, type_: str, intent_id: str, **obj) -> dict:
    return {"id": event_id, "object": "event", "type": type_, "created": int(time.time()),
            "data": {"object": {"id": intent_id, "object": "payment_intent", **obj}}}


@pytest.mark.django_db
def test_webhook_moves_the_deposit_once_per_event(client, settings, deposit_auction, auction_manager,
                                                  django_capture_on_commit_callbacks):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    auction, _lots = deposit_auction
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    deposit = Deposit.objects.create(bidder=bidder, auction=auction, amount=D("250"), currency="EUR",
                                     payment_intent_id="pi_webhook1")
    body, signature = _signed(_event("evt_1", "payment_intent.amount_capturable_updated", "pi_webhook1"))
    for _ in range(3):  # Stripe may deliver an event more than once (processed by a task on commit)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/stripe/webhook/", body, content_type="application/json",
                                   HTTP_STRIPE_SIGNATURE=signature)
        assert response.status_code == 200
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.HELD
    event = StripeEvent.objects.get(event_id="evt_1", verified=True)
    assert StripeEvent.objects.filter(event_id="evt_1").count() == 3  # every delivery is on record
    assert event.processed_at and event.payload["type"] == "payment_intent.amount_capturable_updated"
    assert deposit.auction.log.filter(subject="deposit", action="mark_held").count() == 1
    body, signature = _signed(_event("evt_2", "payment_intent.canceled", "pi_webhook1"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/stripe/webhook/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.RELEASED


@pytest.mark.django_db
def test_webhook_with_a_bad_signature_is_refused_and_not_stored(client, settings, django_capture_on_commit_callbacks):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    body, signature = _signed(_event("evt_bad", "payment_intent.canceled", "pi_x"), secret="whsec_wrong")
    response = client.post("/api/v1/stripe/webhook/", body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=signature)
    assert response.status_code == 400 and response.json()["error"] == "invalid_signature"
    old_body, old_signature = _signed(_event("evt_old", "payment_intent.canceled", "pi_x"),
                                      timestamp=int(time.time()) - 3600)
    assert client.post("/api/v1/stripe/webhook/", old_body, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=old_signature).status_code == 400
    assert client.post("/api/v1/stripe/webhook/", b"garbage", content_type="application/json").status_code == 400
    # Each call is on record, refused and unprocessed; none blocks the genuine event with the same id.
    assert StripeEvent.objects.count() == 3
    assert set(StripeEvent.objects.values_list("verified", "outcome")) == {(False, "refused")}
    body, signature = _signed(_event("evt_bad", "payment_intent.canceled", "pi_x"))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/api/v1/stripe/webhook/", body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=signature).status_code == 200
    genuine = StripeEvent.objects.get(event_id="evt_bad", verified=True)
    assert genuine.processed_at and genuine.outcome == "no matching record"
