"""Dates on the auction pages and the auctions admin are written one way (common.formats: the
active language as written in the agency's country, in the auction's time zone), and the staff's
history tables show words, not codes ("signed up", not "sign_up → pending")."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from auctions.exceptions import BidRefused
from auctions.models import BidderProfile, IncrementTable, Lot
from auctions.services import bidding

pytestmark = pytest.mark.django_db

ENDS = datetime.datetime(2030, 12, 5, 19, 24, 7, tzinfo=datetime.UTC)  # 20:24:07 in Brussels


@pytest.fixture
def lot_ending(lot):
    Lot.objects.filter(pk=lot.pk).update(ends_at=ENDS, original_ends_at=ENDS)
    return lot


@pytest.mark.parametrize("language,ends,card", [
    ("en", "05 Dec 2030, 20:24:07", "05 Dec 2030, 20:24"),
    ("fr", "5 déc. 2030, 20:24:07", "5 déc. 2030, 20:24"),
    ("es", "5 dic 2030, 20:24:07", "5 dic 2030, 20:24"),
])
def test_the_lot_page_and_catalogue_write_the_end_in_the_visitors_language(client, lot_ending, language, ends,
                                                                            card):
    html = client.get(reverse("auctions:lot_detail", args=[lot_ending.pk]),
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()
    shown = re.search(r'<time id="lot-ends"[^>]*>([^<]*)</time>', html).group(1)
    assert shown == ends
    # the live script writes a changed end the same way (the same CLDR locale and zone)
    assert re.search(r'data-locale="([a-zA-Z-]+)"', html).group(1).split("-")[0] == language
    catalogue = client.get(reverse("auctions:catalogue"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert card in catalogue
    assert "December" not in html and "p.m." not in html


def test_the_auctions_admin_writes_dates_as_the_public_pages_do(client, auction_manager, lot_ending):
    client.force_login(auction_manager)
    listing = client.get(reverse("auctions_lots:index")).content.decode()
    assert "05 Dec 2030, 20:24" in listing
    page = client.get(reverse("auctions_lots:inspect", args=[lot_ending.pk])).content.decode()
    assert "05 Dec 2030, 20:24" in page and "Dec. 5, 2030" not in page


def test_the_bidder_history_and_refused_bids_are_shown_in_words(client, auction_manager, lot, bidder_factory):
    bidder = bidder_factory()
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount=Decimal("500.00"))
    with pytest.raises(BidRefused):
        bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount=Decimal("400.00"))
    client.force_login(auction_manager)
    profile = BidderProfile.objects.get(user=bidder)
    history = client.get(reverse("auctions_bidders:inspect", args=[profile.pk])).content.decode()
    log = re.search(r"<table class=\"listing\" data-log>.*?</table>", history, re.S).group(0)
    assert "signed up (→ Awaiting review)" in log and "approved (Awaiting review → Approved)" in log
    assert "sign_up" not in log and "pending" not in log
    lot_page = client.get(reverse("auctions_lots:inspect", args=[lot.pk])).content.decode()
    assert "not above the bidder&#x27;s own maximum" in lot_page or "not above the bidder's own maximum" in lot_page
    assert "not_above_own_maximum" not in lot_page


def test_yes_and_no_instead_of_true_and_false_on_record_pages(client, auction_manager, db):
    table = IncrementTable.objects.filter(is_default=True).first() or IncrementTable.objects.first()
    client.force_login(auction_manager)
    html = client.get(reverse("auctions_increments:inspect", args=[table.pk])).content.decode()
    assert re.search(r">\s*(Yes|No)\s*<", html)
    assert not re.search(r">\s*(True|False)\s*<", html)
