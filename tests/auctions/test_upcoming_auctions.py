"""An auction published before it opens: not among the current auctions, but listed as upcoming,
with its lots on view ("opens on …") and no way to bid until it opens."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from common.formats import format_moment
from tests.auctions.factories import asset_for_sale, make_bidder, open_auction_with_lots

pytestmark = pytest.mark.django_db


@pytest.fixture
def upcoming(case, case_officer, approver, auction_manager):
    opens = (timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    asset = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                           title="Grand piano, 1998")
    auction, lots = open_auction_with_lots(manager=auction_manager, approver=approver, assets=[asset],
                                           title="Spring sale", opens_at=opens,
                                           closes_at=opens + datetime.timedelta(days=5))
    return auction, lots[0]


def shown(value: datetime.datetime) -> str:
    """How the pages write a time: in the auction's zone and the page's language, '05 Mar 2027, 14:00'."""
    return format_moment(value, tz=ZoneInfo("Europe/Brussels"))


def test_the_home_page_lists_an_upcoming_auction_apart_from_the_current_ones(client, upcoming, auction_and_lot):
    current, _lot = auction_and_lot
    auction, _lot = upcoming
    html = client.get(reverse("auctions:home")).content.decode()
    current_section, upcoming_section = html.split('id="open-auctions"')[1].split('id="upcoming-auctions"')
    assert current.title in current_section and auction.title not in current_section
    assert auction.title in upcoming_section and f"opens on {shown(auction.opens_at)}" in upcoming_section


def test_the_upcoming_auctions_page_previews_its_lots_with_the_opening_date(client, upcoming):
    auction, lot = upcoming
    html = client.get(reverse("auctions:auction_detail", args=[auction.slug])).content.decode()
    assert "This auction opens on" in html and shown(auction.opens_at) in html
    assert "Grand piano, 1998" in html and reverse("auctions:lot_detail", args=[lot.pk]) in html
    assert "opens on" in html.split('class="cards"')[1]


def test_an_upcoming_lot_can_be_seen_but_not_bid_on(client, upcoming, auction_manager):
    auction, lot = upcoming
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    client.force_login(bidder)
    response = client.get(reverse("auctions:lot_detail", args=[lot.pk]))
    assert response.status_code == 200
    panel = response.content.decode().split('id="bid-area"')[1].split("</aside>")[0]
    assert f"Bidding opens on {shown(auction.opens_at)}" in panel
    assert "lot_bid" not in panel and f"/auctions/lots/{lot.pk}/bid/" not in panel and "has ended" not in panel

    response = client.post(reverse("auctions:lot_bid", args=[lot.pk]), {"max_amount": "500", "version": "0"})
    assert 400 <= response.status_code < 500
    lot.refresh_from_db()
    assert lot.bid_count == 0


def test_an_upcoming_lot_is_not_in_the_catalogue_of_lots_for_sale(client, upcoming):
    _auction, lot = upcoming
    html = client.get(reverse("auctions:catalogue")).content.decode()
    assert reverse("auctions:lot_detail", args=[lot.pk]) not in html


def test_an_upcoming_lot_can_be_watched(client, upcoming, auction_manager):
    _auction, lot = upcoming
    client.force_login(make_bidder(reviewer=auction_manager))
    response = client.post(reverse("auctions:lot_watch", args=[lot.pk]))
    assert response.status_code == 302
    assert "Grand piano, 1998" in client.get(reverse("auctions:my_bids")).content.decode()
