"""Card payments on the real `stripe` library against localstripe, and Stripe's webhook as Stripe
calls it: an event (the one localstripe recorded, or one built from the PaymentIntent retrieved)
signed with the webhook secret by Stripe's own scheme and posted to the real URL."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
import stripe

from auctions.models import Deposit
from auctions.services import deposits
from tests.auctions.factories import make_bidder
from tests.disposition.helpers import win

D = Decimal
WEBHOOK_SECRET = "whsec_settlement_tests"
WEBHOOK_URL = "/api/v1/stripe/webhook/"


@pytest.fixture
def stripe_settings(settings, localstripe_url):
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_localstripe"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_JS_URL = ""
    deposits.stripe_api()  # the module-level client points at localstripe for the test's own calls
    return settings


def signed(event: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    """The body and Stripe-Signature header Stripe sends (t=…,v1=HMAC-SHA256 of "t.body")."""
    body = json.dumps(event).encode()
    ts = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{ts}.{body.decode()}", secret)
    return body, f"t={ts},v1={signature}"


def post_event(client, event: dict, secret: str = WEBHOOK_SECRET):
    body, signature = signed(event, secret)
    return client.post(WEBHOOK_URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


def recorded_event(intent_id: str, type_: str = "payment_intent.succeeded") -> dict:
    """The event localstripe recorded for this PaymentIntent (it does not deliver webhooks itself
    unless told where; the test delivers them, as Stripe would)."""
    for event in stripe.Event.list(type=type_, limit=100).auto_paging_iter():
        if event.data.object.id == intent_id:
            return event.to_dict()
    raise AssertionError(f"localstripe recorded no {type_} for {intent_id}")


def built_event(intent_id: str, type_: str, event_id: str | None = None) -> dict:
    """An event of `type_` carrying the PaymentIntent as retrieved now."""
    intent = stripe.PaymentIntent.retrieve(intent_id).to_dict()
    return {"id": event_id or f"evt_{type_.split('.')[-1]}_{intent_id}", "object": "event", "type": type_,
            "created": int(time.time()), "data": {"object": intent}}


def won_with_deposit(*, open_lot_factory, auction_manager, capture, amount: str = "150", deposit: str = "250.00",
                     payment_method: str = "pm_card_visa", save_card: bool = False, card_number: str = ""):
    """A one-lot auction with a card deposit: the buyer holds it (or has it replaced by the saved card,
    optionally another test card), a rival holds one too and is outbid, and the lot closes (its
    on-commit work run: the invoice issued and collected, the rival's hold released)."""
    auction, lots = open_lot_factory(1, deposit_rule="fixed", deposit_amount=D(deposit))
    buyer, rival = (make_bidder(reviewer=auction_manager, auctions=[auction]) for _ in range(2))
    held = deposits.deposit_place(bidder=buyer, auction_id=auction.pk, payment_method=payment_method)
    rival_deposit = deposits.deposit_place(bidder=rival, auction_id=auction.pk, payment_method="pm_card_visa")
    if save_card:
        held = deposits.deposit_replace_hold(deposit_id=held.pk)
        if card_number:
            method = stripe.PaymentMethod.create(type="card", card={"number": card_number, "exp_month": 12,
                                                                     "exp_year": 2030, "cvc": "123"})
            stripe.PaymentMethod.attach(method.id, customer=held.stripe_customer_id)
            Deposit.objects.filter(pk=held.pk).update(payment_method_id=method.id)
    from auctions.services import bidding

    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=rival, max_amount="100")
    with capture(execute=True):
        award = win(lots[0], buyer, amount)
    return award.invoice, Deposit.objects.get(pk=held.pk), Deposit.objects.get(pk=rival_deposit.pk)


def card_token(number: str = "4242424242424242") -> str:
    """What Stripe.js's createToken gives the page for a typed card: the card's id."""
    return stripe.Token.create(card={"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}).card.id
