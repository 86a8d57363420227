"""Invoices paid by card on the real `stripe` library against localstripe: the winner's deposit
captured toward the invoice, the saved card charged off-session, a charge that needs the buyer paid
on-session on the invoice page; each marked paid only by the verified webhook event."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
import stripe
from django.urls import reverse

from auctions.models import DepositStatus, StripeEvent
from disposition.models import InvoiceStatus, Payment, PaymentMethod
from disposition.services import card_payments
from ledger.models import JournalEntry
from tests.disposition.stripe_helpers import (  # noqa: F401 - fixtures
    card_token,
    post_event,
    recorded_event,
    stripe_settings,
    won_with_deposit,
)

pytestmark = [pytest.mark.stripe, pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]
D = Decimal


def _deliver(client, capture, event):
    with capture(execute=True):
        response = post_event(client, event)
    assert response.status_code == 200, response.content
    return StripeEvent.objects.get(event_id=event["id"], verified=True)


def test_bid_close_invoice_deposit_captured_webhook_paid(client, open_lot_factory, auction_manager, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    # Given a buyer who held a 250.00 deposit and won a lot, a rival who held one and lost
    invoice, deposit, rival = won_with_deposit(open_lot_factory=open_lot_factory, auction_manager=auction_manager,
                                               capture=django_capture_on_commit_callbacks)
    invoice.refresh_from_db()
    assert invoice.total < D("250.00")
    # Then the winner's hold is captured for the invoice's total only (Stripe gives the rest back),
    # and the rival's released; the invoice is not paid yet: nothing said so but the browser
    intent = stripe.PaymentIntent.retrieve(deposit.payment_intent_id)
    charge = intent.latest_charge
    assert deposit.status == DepositStatus.CAPTURED and intent.status == "succeeded"
    assert D(charge.amount - charge.amount_refunded) / 100 == invoice.total
    assert intent.metadata["invoice_id"] == str(invoice.pk)
    assert rival.status == DepositStatus.RELEASED
    assert stripe.PaymentIntent.retrieve(rival.payment_intent_id).status == "canceled"
    assert invoice.status == InvoiceStatus.ISSUED and not invoice.payments.exists()

    # When Stripe delivers the signed payment_intent.succeeded event
    event = _deliver(client, django_capture_on_commit_callbacks, recorded_event(deposit.payment_intent_id))

    # Then the invoice is paid by the deposit, the payment and the sale are posted, the buyer told
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_owed == 0
    payment = invoice.payments.get()
    assert (payment.method, payment.amount, payment.stripe_event_id) == (PaymentMethod.DEPOSIT, invoice.total,
                                                                         event.event_id)
    assert payment.journal_entry is not None
    assert JournalEntry.objects.filter(idempotency_key__startswith=f"sale:{invoice.pk}:").exists()
    assert event.processed_at and "paid" in event.outcome and not event.error
    assert any(invoice.number in m.subject and "paid" in m.subject for m in mailoutbox)


def test_saved_card_charged_off_session_then_webhook_pays(client, open_lot_factory, auction_manager,
                                                          django_capture_on_commit_callbacks):
    # Given the buyer's hold was replaced by the saved card, and they won
    invoice, deposit, _rival = won_with_deposit(open_lot_factory=open_lot_factory, auction_manager=auction_manager,
                                                capture=django_capture_on_commit_callbacks, save_card=True)
    invoice.refresh_from_db()
    # Then the saved card was charged off-session for the total, toward this invoice
    intent = stripe.PaymentIntent.retrieve(invoice.payment_intent_id)
    assert (intent.status, intent.amount, intent.customer) == ("succeeded", int(invoice.total * 100),
                                                               deposit.stripe_customer_id)
    assert intent.metadata["invoice_id"] == str(invoice.pk)
    # Running the collection again charges nothing more
    assert card_payments.invoice_collect(invoice_id=invoice.pk) == "saved card charged before"
    assert invoice.status == InvoiceStatus.ISSUED
    # While the event is on its way the page says the payment is being confirmed, and offers no form
    client.force_login(invoice.buyer)
    html = client.get(reverse("disposition:invoice", args=[invoice.number])).content.decode()
    assert "data-confirming" in html and "Payment received, confirming" in html

    _deliver(client, django_capture_on_commit_callbacks, recorded_event(intent.id))

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.payments.get().method == PaymentMethod.SAVED_CARD


@pytest.mark.parametrize(("saved_card", "problem", "words", "pay_with"), [
    ("4000002760003184", "authentication_required", "your bank asks you to confirm", "4000002760003184"),
    ("4000000000000341", "card_declined", "declined", "4242424242424242"),
])
def test_a_charge_that_needs_the_buyer_is_paid_on_the_invoice_page(
        client, open_lot_factory, auction_manager, mailoutbox, django_capture_on_commit_callbacks, localstripe_url,
        saved_card, problem, words, pay_with):
    # Given a saved card that the bank wants confirmed, or that is declined
    invoice, _deposit, _rival = won_with_deposit(
        open_lot_factory=open_lot_factory, auction_manager=auction_manager,
        capture=django_capture_on_commit_callbacks, save_card=True, card_number=saved_card)
    invoice.refresh_from_db()
    # Then the invoice records the problem and the buyer is e-mailed how to pay
    assert invoice.payment_problem == problem and invoice.status == InvoiceStatus.ISSUED
    mail = next(m for m in mailoutbox if "please pay by card" in m.subject)
    assert mail.to == [invoice.buyer.email] and f"/account/invoices/{invoice.number}/" in mail.body
    # And the invoice page explains it beside a Pay by card form, with no secret in it
    client.force_login(invoice.buyer)
    page = reverse("disposition:invoice", args=[invoice.number])
    html = client.get(page).content.decode()
    assert f'data-payment-problem="{problem}"' in html and words in html.lower()
    assert "Pay by card" in html and "js.stripe.com/v3/" in html and "_secret_" not in html

    # When the buyer pays on-session (the page's Stripe.js tokenises the card, the server confirms)
    response = client.post(reverse("disposition:invoice_card_pay", args=[invoice.number]),
                           {"payment_method": card_token(pay_with)}, content_type="application/json")
    assert response.status_code == 200, response.content
    step = response.json()
    invoice.refresh_from_db()
    if problem == "authentication_required":
        # the bank asks again, on-session this time: Stripe.js authenticates with the client secret
        assert step["status"] == "requires_action" and step["client_secret"].startswith(invoice.payment_intent_id)
        done = requests.post(f"{localstripe_url}/v1/payment_intents/{invoice.payment_intent_id}/_authenticate"
                             "?success=true", json={"key": "pk_test_localstripe",
                                                    "client_secret": step["client_secret"]}, timeout=10)
        assert done.json()["status"] == "succeeded"
    else:
        assert step == {"status": "succeeded"}
    # Then the redirect back, and the status the page polls, only say it is being confirmed
    html = client.get(page, {"payment_intent": invoice.payment_intent_id}).content.decode()
    assert "Payment received, confirming" in html
    status_url = reverse("disposition:invoice_status", args=[invoice.number])
    assert client.get(status_url).json()["paid"] is False
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and not Payment.objects.filter(invoice=invoice).exists()

    # When the verified event arrives, it is paid
    _deliver(client, django_capture_on_commit_callbacks, recorded_event(invoice.payment_intent_id))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.payment_problem == ""
    assert invoice.payments.get().method == PaymentMethod.CARD
    assert client.get(status_url).json()["paid"] is True
    html = client.get(page).content.decode()
    assert "Pay by card" not in html and "data-payment-problem" not in html


def test_a_declined_card_on_the_page_is_said_beside_the_card(client, open_lot_factory, auction_manager,
                                                             django_capture_on_commit_callbacks):
    invoice, _deposit, _rival = won_with_deposit(
        open_lot_factory=open_lot_factory, auction_manager=auction_manager,
        capture=django_capture_on_commit_callbacks, save_card=True, card_number="4000000000000341")
    client.force_login(invoice.buyer)
    url = reverse("disposition:invoice_card_pay", args=[invoice.number])
    response = client.post(url, {"payment_method": card_token("4000000000000341")}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "card"
    assert "refused" in response.json()["detail"]
    assert client.post(url, {"payment_method": ""}, content_type="application/json").status_code == 400
    assert client.post(url, b"not json", content_type="application/json").status_code == 400
    # Someone else is told there is no such invoice
    client.force_login(auction_manager)
    assert client.post(url, {"payment_method": card_token()}, content_type="application/json").status_code == 404
