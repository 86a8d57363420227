"""The lot page's live script writes dates as the server does (common.formats): when a late bid
moves the end, the new end reads like the old one ("05 Dec 2026, 17:03:55"), not "December 5, 2026
at 17:03:55" beside it; the bid history's times too. Same scene as test_bidding_live."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from auctions.models import Bid, Lot
from common.formats import format_moment
from tests.browser.test_bidding_live import scene, sign_in  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def english():
    """The page is served in English (the browser asks for en-US): the expected texts are written so
    too, whatever language an earlier test of this process left active."""
    with translation.override("en"):
        yield


def test_a_moved_end_and_the_history_are_written_as_the_server_writes_them(browser, live_server, scene,  # noqa: F811
                                                                            english):
    from playwright.sync_api import expect

    base, lot, zone = live_server.url, scene["lot"], scene["auction"].time_zone
    path = f"/auctions/lots/{lot.pk}/"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watcher = context.new_page()
    watcher.goto(f"{base}{path}")
    assert watcher.locator("#lot-ends").inner_text() == format_moment(lot.ends_at, seconds=True, tz=zone)

    bidder = context.new_page()
    sign_in(bidder, base, "bidder_one", path)
    bidder.get_by_label(re.compile("Your maximum bid")).fill("500")
    bidder.get_by_role("button", name="Place bid").click()

    # The late bid moved the end: the open page rewrites it, in the server's words
    expect(watcher.locator("#lot-extended")).to_be_visible(timeout=3000)
    moved = Lot.objects.get(pk=lot.pk).ends_at
    assert moved != lot.ends_at
    expect(watcher.locator("#lot-ends")).to_have_text(format_moment(moved, seconds=True, tz=zone), timeout=2000)
    last = Bid.objects.filter(lot=lot, accepted=True).order_by("-seq").first()
    expect(watcher.locator("#history-body")).to_contain_text(format_moment(last.placed_at, seconds=True, tz=zone),
                                                             timeout=2000)
    context.close()
