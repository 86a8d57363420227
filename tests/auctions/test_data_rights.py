"""A bidder's rights over their data: a JSON copy of everything held about them, from their account
area, and erasure, which anonymises what the agency need not keep and keeps what the law requires
(bids, deposits, invoices, payments). Leading on an open lot or owing for a won lot stops it. When
the retention of those records ends, what they still hold of the person is cut; the rows, which the
ledger's postings point to, stay."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from auctions import tasks
from auctions.models import Bid, BidderProfile, Deposit, StripeEvent, TermsAcceptance, WatchlistItem
from auctions.services import bidding, privacy, tokens
from disposition.models import Invoice, Payment
from disposition.services import payments
from ledger.models import JournalEntry
from ledger.reconciliation import ledger_reconcile
from tests.auctions.public_helpers import pdf_upload
from tests.disposition.helpers import win

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"  # UserFactory's


@pytest.fixture
def bidder(bidder_factory, lot):
    user = bidder_factory(legal_name="Nora Privacy")
    profile = BidderProfile.objects.get(user=user)
    profile.id_document_file = pdf_upload()
    profile.save()
    WatchlistItem.objects.create(user=user, lot=lot)
    tokens.api_token_create(user=user)
    return user


def test_the_profile_links_to_the_data_page(client, bidder):
    client.force_login(bidder)
    html = client.get(reverse("auctions:profile")).content.decode()
    assert reverse("auctions:my_data") in html


def test_a_bidder_downloads_their_own_data(client, bidder, bidder_factory, lot):
    other = bidder_factory(legal_name="Otto Other")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount="150")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=other, max_amount="900")
    client.force_login(bidder)
    assert reverse("auctions:my_data_export") in client.get(reverse("auctions:my_data")).content.decode()

    response = client.get(reverse("auctions:my_data_export"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["legal_name"] == "Nora Privacy" and data["account"]["email"] == bidder.email
    assert [b["maximum"] for b in data["bids"]] == [{"amount": "150.00", "currency": lot.currency}]
    assert [w["lot"] for w in data["watchlist"]] == [lot.number]
    assert len(data["api_tokens"]) == 1 and set(data["api_tokens"][0]) == {"prefix", "created_at", "last_used_at",
                                                                          "revoked_at"}
    assert data["terms_accepted"] and data["invoices"] == [] and data["claims"] == []
    assert "Otto Other" not in response.content.decode() and '"900.00"' not in response.content.decode()


def test_the_data_pages_need_a_signed_in_bidder(client):
    for name in ("auctions:my_data", "auctions:my_data_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("auctions:login"))
    assert client.post(reverse("auctions:my_data_erase")).status_code == 302


def test_erasure_anonymises_the_person_and_keeps_the_records(client, bidder, bidder_factory, lot,
                                                             django_capture_on_commit_callbacks):
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount="150")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder_factory(), max_amount="900")  # bidder no longer leads
    document = BidderProfile.objects.get(user=bidder).id_document_file
    storage, name = document.storage, document.name
    assert storage.exists(name)
    client.force_login(bidder)
    page = client.get(reverse("auctions:my_data")).content.decode()
    assert "We keep, for 10 years" in page and "invoices" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("auctions:my_data_erase"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302 and response["Location"] == reverse("auctions:home")
    assert client.get(reverse("auctions:profile")).status_code == 302  # signed out
    user = get_user_model().objects.get(pk=bidder.pk)
    assert not user.is_active and user.email == "" and not user.has_usable_password()
    assert not client.login(username=bidder.username, password=PASSWORD)
    profile = BidderProfile.objects.get(user=user)
    assert "Nora" not in profile.legal_name and profile.address == "" and str(profile.phone or "") == ""
    assert profile.id_document_number == "" and not profile.id_document_file and not storage.exists(name)
    assert not WatchlistItem.objects.filter(user=user).exists() and not user.bidder_api_tokens.exists()
    assert TermsAcceptance.objects.filter(bidder=user, ip_address__isnull=True).exists()
    assert Bid.objects.filter(bidder=user, max_amount=Decimal("150")).exists()  # the price history stays


def test_a_wrong_password_erases_nothing(client, bidder):
    client.force_login(bidder)
    response = client.post(reverse("auctions:my_data_erase"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400 and "This is not your password." in response.content.decode()
    assert BidderProfile.objects.get(user=bidder).legal_name == "Nora Privacy"


def test_a_bidder_leading_on_an_open_lot_cannot_erase_yet(client, bidder, lot):
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount="150")
    client.force_login(bidder)
    page = client.get(reverse("auctions:my_data")).content.decode()
    assert "You lead the bidding on a lot that is still open" in page
    response = client.post(reverse("auctions:my_data_erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 409 and "still open" in response.content.decode()
    assert BidderProfile.objects.get(user=bidder).legal_name == "Nora Privacy"


def test_an_unpaid_invoice_stops_erasure_and_a_paid_one_is_kept_after_it(client, bidder, lot):
    win(lot, bidder, amount="500")
    invoice = Invoice.objects.get(buyer=bidder)
    client.force_login(bidder)
    response = client.post(reverse("auctions:my_data_erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 409 and "unpaid invoice" in response.content.decode()
    exported = json.loads(client.get(reverse("auctions:my_data_export")).content)
    assert [i["number"] for i in exported["invoices"]] == [invoice.number]

    payments.payment_record_confirmed(invoice_id=invoice.pk, method="card", amount=invoice.amount_due,
                                      currency=invoice.currency, stripe_payment_intent_id="pi_paid")
    response = client.post(reverse("auctions:my_data_erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    kept = Invoice.objects.get(pk=invoice.pk)
    assert kept.buyer_name == "Nora Privacy" and kept.buyer_id == bidder.pk  # accounting law
    assert "Nora" not in BidderProfile.objects.get(user=bidder).legal_name


# ---- The end of retention -------------------------------------------------------------------


@pytest.fixture
def erased_buyer(bidder, lot, settings, django_capture_on_commit_callbacks):
    """The bidder won the lot and paid for it by card (the payment intent's event stored), a deposit
    of theirs kept a saved card, the profile a suspension reason; then they erased their account."""
    win(lot, bidder, amount="500")
    invoice = Invoice.objects.get(buyer=bidder)
    payment = payments.payment_record_confirmed(invoice_id=invoice.pk, method="card", amount=invoice.amount_due,
                                                currency=invoice.currency, stripe_payment_intent_id="pi_nora")
    Payment.objects.filter(pk=payment.pk).update(reference="NORA PRIVACY 4711")
    Deposit.objects.create(bidder=bidder, auction=lot.auction, amount=Decimal("50"), currency=lot.currency,
                           payment_intent_id="pi_nora_deposit", stripe_customer_id="cus_nora",
                           setup_intent_id="seti_nora", payment_method_id="pm_nora",
                           last_error="Card of Nora Privacy declined")
    for event_id, object_id in (("evt_paid", "pi_nora"), ("evt_held", "pi_nora_deposit"), ("evt_other", "pi_x")):
        StripeEvent.objects.create(event_id=event_id, type="payment_intent.succeeded", verified=True,
                                   processed_at=timezone.now(), outcome="done", payload={
                                       "id": event_id, "data": {"object": {"id": object_id,
                                                                           "receipt_email": "nora@example.org"}}})
    BidderProfile.objects.filter(user=bidder).update(suspension_reason="Nora did not pay for lot 7")
    with django_capture_on_commit_callbacks(execute=True):
        privacy.bidder_erase(user=bidder)
    return get_user_model().objects.get(pk=bidder.pk)


def _held_of(user) -> dict:
    """What the erased account's records still hold of the person."""
    invoice = Invoice.objects.get(buyer=user)
    deposit = Deposit.objects.get(bidder=user)
    return {
        "invoice": (invoice.buyer_name, invoice.buyer_address),
        "payment": list(Payment.objects.filter(invoice=invoice).values_list("reference", flat=True)),
        "deposit": (deposit.stripe_customer_id, deposit.setup_intent_id, deposit.payment_method_id,
                    deposit.last_error),
        "events": dict(StripeEvent.objects.values_list("event_id", "payload")),
        "terms": TermsAcceptance.objects.filter(bidder=user).count(),
        "suspension": BidderProfile.objects.get(user=user).suspension_reason,
    }


def test_erased_records_keep_what_the_law_requires_until_their_retention_ends(erased_buyer, lot):
    # Given an erased account whose records of a sale are kept 10 years after it
    before = _held_of(erased_buyer)
    assert before["invoice"][0] == "Nora Privacy" and before["terms"] == 1
    lot.refresh_from_db()

    # When the nightly run comes a day before the retention ends, nothing is cut
    within = lot.ends_at + relativedelta(years=10) - datetime.timedelta(days=1)
    assert not any(privacy.bidder_records_expire(now=within).values())
    assert _held_of(erased_buyer) == before


def test_past_retention_the_records_lose_the_person_and_the_books_still_balance(erased_buyer, lot):
    # Given an erased account's paid invoice, posted to the ledger, and the books reconciled
    invoice = Invoice.objects.get(buyer=erased_buyer)
    entries = set(JournalEntry.objects.values_list("pk", flat=True))
    assert entries and ledger_reconcile().ok
    lot.refresh_from_db()

    # When the nightly run (the task beat schedules) comes a day after the sale's retention ended
    past = lot.ends_at + relativedelta(years=10) + datetime.timedelta(days=1)
    with time_machine.travel(past, tick=False):
        tasks.bidder_records_expire.delay()

    # Then the invoice, payment and deposit stay, pointing to the anonymised account, without the person
    held = _held_of(erased_buyer)
    assert held["invoice"] == (privacy.ERASED_NAME, "") and held["payment"] == [""]
    assert held["deposit"] == ("", "", "", "") and held["terms"] == 0 and held["suspension"] == ""
    assert held["events"]["evt_paid"] == {} and held["events"]["evt_held"] == {}
    assert held["events"]["evt_other"]["data"]["object"]["receipt_email"] == "nora@example.org"  # not theirs
    kept = Invoice.objects.get(pk=invoice.pk)
    assert kept.buyer_id == erased_buyer.pk and kept.status == invoice.status and kept.total == invoice.total
    assert Bid.objects.filter(bidder=erased_buyer).exists()  # the lot's price history stays
    # And the ledger lost no posting and still reconciles
    assert set(JournalEntry.objects.values_list("pk", flat=True)) == entries and ledger_reconcile().ok

    # And running it again changes nothing
    assert not any(privacy.bidder_records_expire(now=past).values())
    assert _held_of(erased_buyer) == held


def test_past_retention_the_events_of_a_plain_card_hold_lose_their_payload(erased_buyer, lot):
    # Given an erased account's deposit that was only a card hold (no saved card, no error)
    Deposit.objects.filter(bidder=erased_buyer).update(stripe_customer_id="", setup_intent_id="",
                                                        payment_method_id="", last_error="")
    lot.refresh_from_db()
    # When its retention has ended, the stored events about the hold keep nothing of the card holder
    privacy.bidder_records_expire(now=lot.ends_at + relativedelta(years=10, days=1))
    assert StripeEvent.objects.get(event_id="evt_held").payload == {}


def test_the_end_of_retention_runs_every_night_on_beat(settings):
    job = settings.CELERY_BEAT_SCHEDULE["auctions-bidder-records-expire"]
    assert job["task"] == tasks.bidder_records_expire.name
    assert job["schedule"].remaining_estimate(timezone.now()) <= datetime.timedelta(days=1)


def test_accounts_not_erased_keep_their_records_past_retention(bidder, lot):
    win(lot, bidder, amount="500")
    lot.refresh_from_db()
    privacy.bidder_records_expire(now=lot.ends_at + relativedelta(years=30))
    assert Invoice.objects.get(buyer=bidder).buyer_name == "Nora Privacy"
    assert TermsAcceptance.objects.filter(bidder=bidder).exists()


def test_the_data_page_says_what_is_erased_when_retention_ends(client, bidder):
    client.force_login(bidder)
    page = client.get(reverse("auctions:my_data")).content.decode()
    assert "We keep, for 10 years after the sale" in page
    assert "When that time is over, we erase from these records the name and address on your invoices" in page
