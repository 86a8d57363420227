"""A bidder's "My bids" on a phone (390 px): each lot's current price and the bidder's standing
(highest bidder or outbid) are on the screen, not behind a sideways scroll."""

from __future__ import annotations

import pytest

from auctions.services import bidding
from tests.auctions.factories import asset_for_sale, make_bidder, open_auction_with_lots
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's default
PHONE = {"width": 390, "height": 844}


def test_my_bids_shows_price_and_standing_on_a_phone(browser, live_server, case, case_officer, approver,
                                                     auction_manager):
    from playwright.sync_api import expect

    assets = [asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                             title=title) for title in ("Speedboat Sea Ray 210, 2017", "Toyota Land Cruiser 2019")]
    auction, lots = open_auction_with_lots(manager=auction_manager, approver=approver, assets=assets,
                                           title="Public auction of seized vehicles, boats and valuables")
    me = make_bidder(reviewer=auction_manager, auctions=[auction], username="phone_bidder")
    rival = make_bidder(reviewer=auction_manager, auctions=[auction], username="rival_bidder")
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=me, max_amount="9500.00")
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=rival, max_amount="9600.00")  # I am outbid here
    bidding.lot_place_bid(lot_id=lots[1].pk, bidder=me, max_amount="9300.00")  # and lead there

    context = browser.new_context(viewport=PHONE, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{live_server.url}/account/sign-in/?next=/account/bids/")
    page.get_by_label("Username").fill(me.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/account/bids/")
    page.screenshot(path=str(ARTIFACTS / "my-bids-phone.png"), full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The columns as the page has always had them: 4th the current price, 5th the bidder's standing.
    price, standing = "td:nth-child(4)", "td:nth-child(5)"
    my_bids = page.locator("main table").first
    cells = my_bids.locator(f"tbody tr {price}").all() + my_bids.locator(f"tbody tr {standing}").all()
    assert len(cells) == 4  # two lots, each with its price and the bidder's standing
    for cell in cells:
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{cell.inner_text()!r} is off screen"
    rows = my_bids.locator("tbody tr")
    outbid = rows.filter(has_text="Speedboat")
    expect(outbid.locator(price)).to_contain_text("EUR")
    expect(outbid.locator(standing)).to_have_text("Outbid")
    expect(rows.filter(has_text="Land Cruiser").locator(standing)).to_have_text("Highest bidder")
    context.close()
