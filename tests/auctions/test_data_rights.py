"""A bidder's rights over their data: a JSON copy of everything held about them, from their account
area, and erasure, which anonymises what the agency need not keep and keeps what the law requires
(bids, deposits, invoices, payments). Leading on an open lot or owing for a won lot stops it."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from auctions.models import Bid, BidderProfile, TermsAcceptance, WatchlistItem
from auctions.services import bidding, tokens
from disposition.models import Invoice
from disposition.services import payments
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
