"""A real browser: a bidder signs in and bids; a second open page sees the price, the leader and a
soft-close extension change within two seconds, without reloading. Also the pages at a phone's size.

Runs Debian's chromium through Playwright against pytest-django's live server (transactional
database; Celery eager). Screenshots land in test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.utils import timezone

from auctions.models import Lot
from auctions.services import bidding
from tests.auctions.factories import asset_for_sale, make_bidder, open_auction_with_lots
from tests.auctions.public_helpers import add_photo
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's default


@pytest.fixture
def scene(case, case_officer, approver, auction_manager):
    """An open lot with a photo, ending in a minute (inside the soft-close window), and two bidders."""
    assets = [asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                             title=title) for title in ("Silver saloon car, 2019", "Vintage wristwatch")]
    for asset in assets:
        add_photo(asset, case_officer, caption=f"{asset.title}, front")
    auction, lots = open_auction_with_lots(manager=auction_manager, approver=approver, assets=assets,
                                           title="Vehicles and valuables, spring sale")
    lot = lots[0]
    soon = timezone.now() + datetime.timedelta(seconds=90)
    Lot.objects.filter(pk=lot.pk).update(ends_at=soon, original_ends_at=soon)
    first = make_bidder(reviewer=auction_manager, auctions=[auction], username="bidder_one")
    second = make_bidder(reviewer=auction_manager, auctions=[auction], username="bidder_two")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=second, max_amount="150.00")  # price 100.00, 1 bid
    return {"auction": auction, "lot": Lot.objects.get(pk=lot.pk), "first": first, "second": second,
            "manager": auction_manager}


def sign_in(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/account/sign-in/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{next_path}")


def test_bid_on_one_page_shows_on_another_within_two_seconds(browser, live_server, scene):
    from playwright.sync_api import expect

    base, lot = live_server.url, scene["lot"]
    path = f"/auctions/lots/{lot.pk}/"

    watcher_context = browser.new_context(viewport={"width": 1280, "height": 900})
    watcher = watcher_context.new_page()
    sign_in(watcher, base, "bidder_two", path)
    expect(watcher.locator("#lot-price")).to_have_text(re.compile(r"100\.00 EUR"))
    expect(watcher.locator("#my-status")).to_have_text("You are the highest bidder.")
    ends_before = watcher.locator("#lot-ends").inner_text()

    bidder_context = browser.new_context(viewport={"width": 1280, "height": 900})
    bidder = bidder_context.new_page()
    sign_in(bidder, base, "bidder_one", path)
    bidder.get_by_label(re.compile("Your maximum bid")).fill("500")
    bidder.get_by_role("button", name="Place bid").click()
    submitted = time.monotonic()
    expect(bidder.locator(".message-success")).to_contain_text("you are the highest bidder")

    # The other page changes by itself: price (150 + increment 10), bids, leader, its own status.
    expect(watcher.locator("#lot-price")).to_have_text(re.compile(r"160\.00 EUR"), timeout=2000)
    seen_after = time.monotonic() - submitted
    expect(watcher.locator("#lot-bids")).to_have_text("2 bids", timeout=1000)
    expect(watcher.locator("#my-status")).to_have_text("You have been outbid.", timeout=1000)
    expect(watcher.locator("#lot-next-min")).to_have_text(re.compile(r"170\.00 EUR"), timeout=1000)
    expect(watcher.locator("#history-body tr")).to_have_count(2, timeout=2000)
    # The bid came inside the soft-close window: the end moved and the countdown shows it.
    expect(watcher.locator("#lot-extended")).to_be_visible(timeout=2000)
    assert watcher.locator("#lot-ends").inner_text() != ends_before
    countdown = watcher.locator("#countdown").inner_text()
    hours, minutes, seconds = (int(x) for x in countdown.split(":"))
    assert 2 * 60 < hours * 3600 + minutes * 60 + seconds <= 3 * 60
    assert seen_after < 2.5, f"the second page saw the bid after {seen_after:.2f}s"
    watcher.screenshot(path=str(ARTIFACTS / "lot-desktop.png"), full_page=True)
    bidder.screenshot(path=str(ARTIFACTS / "lot-desktop-after-bid.png"), full_page=True)

    bidder.goto(f"{base}/auctions/lots/")
    expect(bidder.locator(".card")).to_have_count(2)
    bidder.screenshot(path=str(ARTIFACTS / "catalogue-desktop.png"), full_page=True)
    watcher_context.close()
    bidder_context.close()


def test_pages_fit_a_phone(browser, live_server, scene):
    from playwright.sync_api import expect

    base, lot = live_server.url, scene["lot"]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    for name, path in (("lot-phone", f"/auctions/lots/{lot.pk}/"), ("catalogue-phone", "/auctions/lots/"),
                       ("home-phone", "/auctions/"), ("sign-up-phone", "/account/sign-up/"),
                       ("site-home-phone", "/"), ("site-page-phone", "/how-auctions-work/")):
        page.goto(f"{base}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.goto(f"{base}/auctions/lots/{lot.pk}/")
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    assert page.get_by_role("link", name="Sign in to bid").is_visible()
    context.close()


def test_admin_lot_list(browser, live_server, scene):
    from playwright.sync_api import expect

    base = live_server.url
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", scene["manager"].username)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(f"{base}/admin/auctions/lots/")
    expect(page.get_by_text("Silver saloon car, 2019").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "admin-lots.png"), full_page=True)
    page.goto(f"{base}/admin/auctions/auctions/{scene['auction'].pk}/")
    expect(page.get_by_text("Vehicles and valuables, spring sale").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "admin-auction.png"), full_page=True)
    context.close()
