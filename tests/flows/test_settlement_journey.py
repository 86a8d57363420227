"""One sale from the bid to the reconciled ledger, each step taken the way its user takes it: the
buyer bids through the API, the sweep closes the lot, the deposit held on the buyer's card is
captured on the real `stripe` library (against localstripe), Stripe's signed webhook marks the
invoice paid, the buyer books a collection on the invoice page, the custodian records the handover
in the admin, the asset is sold, and the ledger holds the payment and the sale once each and
reconciles clean."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
import stripe
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from auctions.models import DepositStatus, StripeEvent
from auctions.services import bidding, closing, deposits, tokens
from custody.models import AssetStatus, CustodyEventKind, StorageLocation
from custody.services import custody_chain_verify
from disposition.models import Invoice, InvoiceStatus, PaymentMethod
from disposition.services import collection
from ledger.models import AccountPurpose, JournalEntry, Posting
from ledger.reconciliation import ledger_reconcile
from tests.auctions.factories import make_bidder
from tests.disposition.stripe_helpers import post_event, recorded_event

pytestmark = [pytest.mark.stripe, pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]
D = Decimal


def _signature_photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(out, "PNG")
    return SimpleUploadedFile("signature.png", out.getvalue(), content_type="image/png")


def test_bid_close_pay_webhook_collect_handover_sold_posted_reconciled(
        client, open_lot_factory, auction_manager, custodian, django_capture_on_commit_callbacks):
    # Given an auction asking for a 300.00 deposit, its lot's asset at a vehicle yard, and two
    # approved bidders who each hold the deposit on a card
    auction, (lot,) = open_lot_factory(1, deposit_rule="fixed", deposit_amount=D("300.00"))
    store = StorageLocation.objects.create(name="East yard", kind="vehicle_yard", address="4 Dock Lane",
                                           public_area="Harbour Town")
    asset = lot.assets.get()
    asset.location = store
    asset.save(update_fields=["location"])
    buyer, rival = (make_bidder(reviewer=auction_manager, auctions=[auction]) for _ in range(2))
    buyer_hold = deposits.deposit_place(bidder=buyer, auction_id=auction.pk, payment_method="pm_card_visa")
    rival_hold = deposits.deposit_place(bidder=rival, auction_id=auction.pk, payment_method="pm_card_visa")

    # When the rival bids, and the buyer outbids them through the API with a bearer token
    bidding.lot_place_bid(lot_id=lot.pk, bidder=rival, max_amount="120")
    _token, key = tokens.api_token_create(user=buyer)
    response = client.post(f"/api/v1/lots/{lot.pk}/bids/", {"max_amount": "180.00"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code in (200, 201), response.content
    lot.refresh_from_db()

    # And the sweep closes the lot at its end (the award, the invoice and the capture run on commit)
    with django_capture_on_commit_callbacks(execute=True):
        assert closing.lots_close_due(now=lot.ends_at + timedelta(seconds=1)) == 1
    invoice = Invoice.objects.get(award__lot=lot)
    assert invoice.buyer_id == buyer.pk and invoice.status == InvoiceStatus.ISSUED
    assert D("120.00") < invoice.hammer_price < D("180.00")  # one increment above the rival's maximum
    # Then the buyer's hold is captured for the invoice's total, the rival's released, and nothing
    # is paid until Stripe says so
    buyer_hold.refresh_from_db()
    rival_hold.refresh_from_db()
    assert buyer_hold.status == DepositStatus.CAPTURED and rival_hold.status == DepositStatus.RELEASED
    charge = stripe.PaymentIntent.retrieve(buyer_hold.payment_intent_id).latest_charge
    assert D(charge.amount - charge.amount_refunded) / 100 == invoice.total
    client.force_login(buyer)
    page = reverse("disposition:invoice", args=[invoice.number])
    assert client.get(page).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED

    # When Stripe delivers the signed payment_intent.succeeded event, twice
    event = recorded_event(buyer_hold.payment_intent_id)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_event(client, event).status_code == 200
    # Then the invoice is paid, once
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_owed == 0
    payment = invoice.payments.get()
    assert payment.method == PaymentMethod.DEPOSIT and payment.amount == invoice.total
    deliveries = StripeEvent.objects.filter(event_id=event["id"]).order_by("pk")
    assert [d.outcome for d in deliveries][1] == "duplicate delivery" and "paid" in deliveries[0].outcome

    # When the custodian publishes a collection time and the buyer books it on the invoice page
    start = timezone.now() + timedelta(days=1)
    slot = collection.collection_slot_publish(actor=custodian, location=store, starts_at=start,
                                              ends_at=start + timedelta(hours=1), capacity=2)
    assert "East yard" in client.get(page).content.decode()
    response = client.post(reverse("disposition:collection_booking", args=[invoice.number]), {"slot": slot.pk})
    assert response.status_code == 302

    # And the custodian records the handover in the admin
    client.force_login(custodian)
    response = client.post(reverse("disposition_invoices:action_handover", args=[invoice.pk]), {
        "expected_status": "paid", "collected_by": "The buyer in person", "identity_checked": "on",
        "id_document_type": "passport", "id_document_number": "P7654321", "condition": "as catalogued",
        "image": _signature_photo()})
    assert response.status_code == 302

    # Then the invoice is collected, the asset sold with the handover in its verified chain
    invoice.refresh_from_db()
    asset.refresh_from_db()
    assert invoice.status == InvoiceStatus.COLLECTED
    assert asset.status == AssetStatus.SOLD
    assert asset.custody_events.filter(kind=CustodyEventKind.HANDED_OVER).count() == 1
    assert custody_chain_verify(asset_ids=[asset.pk]) == []

    # And the ledger holds the payment once and the sale once: the buyer's money in the bank, the
    # premium as income, the net in the case's escrow (the asset was sold before confiscation)
    assert JournalEntry.objects.filter(source=f"stripe_event:{event['id']}").count() == 1
    sale_entries = JournalEntry.objects.filter(source=f"invoice:{invoice.pk}")
    assert sale_entries.count() == 1
    postings = Posting.objects.filter(entry__in=sale_entries)
    escrow = sum(p.amount for p in postings if p.account.purpose == AccountPurpose.ESCROW)
    premium = sum(p.amount for p in postings if p.account.purpose == AccountPurpose.PREMIUM_INCOME)
    assert escrow < 0 and -premium == invoice.premium
    assert sum(p.amount for p in postings) == 0
    # And the reconciliation counts this paid invoice and this charge and finds nothing wrong
    report = ledger_reconcile()
    assert report.ok, report.mismatches
    assert report.counts["paid invoices"] == 1 and report.counts["Stripe charges"] == 1
