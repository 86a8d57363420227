"""A real browser types amounts on a lot page, in English and in French: before the bid is sent, the
page shows how the server read the amount and the total with the buyer's premium; after being
outbid, the green "you are the highest bidder" message is replaced by the live one (issue 9).

Runs Debian's chromium through Playwright against pytest-django's live server, like
test_bidding_live.py."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from auctions.models import Auction, Lot
from auctions.services import bidding
from tests.auctions.factories import asset_for_sale, make_bidder, open_auction_with_lots
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bidding_live import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NBSP = "\u00a0"


def sign_in(page, base: str, username: str, next_path: str) -> None:
    """By the fields' ids: Django's own labels are translated on the French page."""
    page.goto(f"{base}/account/sign-in/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{base}{next_path}")


@pytest.fixture
def watch(case, case_officer, approver, auction_manager):
    """A 3,000 EUR watch in an auction with a 10 % buyer's premium, and two bidders."""
    asset = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                           title="Vintage wristwatch")
    auction, lots = open_auction_with_lots(manager=auction_manager, approver=approver, assets=[asset],
                                           starting_price="3000.00", title="Watches, winter sale")
    Auction.objects.filter(pk=auction.pk).update(buyers_premium_percent=Decimal("10.00"))
    later = timezone.now() + datetime.timedelta(hours=1)
    Lot.objects.filter(pk=lots[0].pk).update(ends_at=later, original_ends_at=later)
    first = make_bidder(reviewer=auction_manager, auctions=[auction], username="bidder_en")
    second = make_bidder(reviewer=auction_manager, auctions=[auction], username="bidder_fr")
    return {"lot": lots[0], "first": first, "second": second}


def test_typed_amounts_are_read_back_before_the_bid_is_sent(browser, live_server, watch):
    from playwright.sync_api import expect

    base, lot = live_server.url, watch["lot"]
    path = f"/auctions/lots/{lot.pk}/"

    # In English: "3,700" and "3.700,00" both read as 3,700.00 EUR, 4,070.00 EUR with the premium
    english = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = english.new_page()
    sign_in(page, base, "bidder_en", path)
    field, preview = page.locator("#id_max_amount"), page.locator("#bid-preview")
    field.fill("3,700")
    expect(preview).to_contain_text("Read as 3,700.00 EUR")
    expect(preview).to_contain_text("you would pay 4,070.00 EUR")
    field.fill("3.700,00")
    expect(preview).to_contain_text("Read as 3,700.00 EUR")
    field.fill("1.000")
    expect(preview).to_contain_text("We could not tell whether “1.000” means 1.00 EUR or 1,000.00 EUR")
    expect(preview).to_have_class(re.compile("bid-preview-error"))
    field.fill("3,700")
    expect(preview).to_contain_text("Read as 3,700.00 EUR")
    page.get_by_role("button", name="Place bid").click()
    expect(page.locator(".message-success")).to_contain_text("3,700.00 EUR is registered")
    expect(page.locator("#my-maximum")).to_contain_text("3,700.00 EUR")
    assert Lot.objects.get(pk=lot.pk).leader_max == Decimal("3700.00")

    # In French (the page in French): "3,700" cannot be told apart from 3,70; "3.700,00" reads as 3 700,00 EUR
    french = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    other = french.new_page()
    sign_in(other, base, "bidder_fr", path)
    field, preview = other.locator("#id_max_amount"), other.locator("#bid-preview")
    field.fill("3,700")
    expect(preview).to_contain_text(f"Nous ne savons pas si « 3,700 » signifie 3,70 EUR ou 3{NBSP}700,00 EUR")
    field.fill("4.400,00")
    expect(preview).to_contain_text(f"Lu comme 4{NBSP}400,00 EUR")
    expect(preview).to_contain_text(f"vous paieriez 4{NBSP}840,00 EUR")
    field.fill("3.700,00")
    expect(preview).to_contain_text(f"Lu comme 3{NBSP}700,00 EUR")
    field.fill("2.500,00")
    expect(preview).to_contain_text(f"Lu comme 2{NBSP}500,00 EUR")
    expect(preview).to_contain_text("inférieur à l’enchère minimale suivante de 3")
    other.screenshot(path=str(ARTIFACTS / "lot-amount-preview-fr.png"), full_page=True)
    field.fill("4.400,00")
    expect(preview).to_contain_text(f"Lu comme 4{NBSP}400,00 EUR")
    other.locator(".bid-form button[type=submit]").click()
    expect(other.locator(".message-success")).to_contain_text(f"Votre maximum de 4{NBSP}400,00 EUR est enregistré")
    assert Lot.objects.get(pk=lot.pk).leader_max == Decimal("4400.00")

    # The English bidder's page replaces its green message by the live one, and never shows both
    banner = page.locator(".message.bid-status")
    expect(banner).to_have_class(re.compile("message-warning"), timeout=3000)
    expect(banner).to_contain_text("You have been outbid")
    expect(page.locator(".message-success")).to_have_count(0)
    expect(page.locator("#my-status")).to_have_text("You have been outbid.")
    page.screenshot(path=str(ARTIFACTS / "lot-outbid-banner.png"), full_page=True)

    # And once they lead again, the message follows
    bidding.lot_place_bid(lot_id=lot.pk, bidder=watch["first"], max_amount="6000.00")
    expect(banner).to_have_class(re.compile("message-success"), timeout=3000)
    expect(page.locator("#my-status")).to_have_text("You are the highest bidder.")
    english.close()
    french.close()
