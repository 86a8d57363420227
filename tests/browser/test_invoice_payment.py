"""The buyer pays an invoice by card in headless chromium: Stripe Elements (localstripe's stand-in
card form), the server confirms the payment, the page says it is confirming, and once Stripe's
signed event is delivered the page shows the invoice paid."""

from __future__ import annotations

import pytest

from disposition.models import InvoiceStatus
from tests.browser.conftest import ARTIFACTS
from tests.disposition.conftest import (  # noqa: F401 - fixtures
    auction_and_lot,
    bidder_factory,
    localstripe_url,
    lot,
    open_lot_factory,
)
from tests.disposition.helpers import win
from tests.disposition.stripe_helpers import post_event, recorded_event, stripe_settings  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.stripe,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's default


def test_the_buyer_pays_the_invoice_by_card_and_sees_it_paid(browser, live_server, client, stripe_settings,  # noqa: F811
                                                            lot, bidder_factory):  # noqa: F811
    from playwright.sync_api import expect

    buyer = bidder_factory(username="paying_buyer")
    invoice = win(lot, buyer, "150").invoice
    assert invoice.status == InvoiceStatus.ISSUED

    page = browser.new_context(viewport={"width": 1100, "height": 1400}).new_page()
    page.goto(f"{live_server.url}/account/sign-in/?next=/account/invoices/{invoice.number}/")
    page.get_by_label("Username").fill(buyer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/account/invoices/{invoice.number}/")

    # The buyer types the test card into the (stand-in) card element and pays
    form = page.locator("[data-card-form]")
    expect(form).to_be_visible()
    for placeholder, value in (("number", "4242424242424242"), ("exp_month", "12"), ("exp_year", "30"),
                               ("cvc", "123"), ("postal_code", "10001")):
        form.get_by_placeholder(placeholder, exact=True).fill(value)
    page.screenshot(path=str(ARTIFACTS / "invoice-pay-card.png"), full_page=True)
    form.get_by_role("button", name="Pay by card").click()

    # The page says the payment is being confirmed; it is not paid on the browser's say
    expect(page.locator("[data-confirming-message]")).to_be_visible(timeout=15_000)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and invoice.payment_intent_id

    # Stripe delivers the signed event for the PaymentIntent that succeeded
    assert post_event(client, recorded_event(invoice.payment_intent_id)).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID

    # And the page, polling the invoice's status, shows it paid
    expect(page.locator("[data-invoice-status]")).to_have_text("Paid", timeout=15_000)
    expect(page.locator("[data-pay-by-card]")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "invoice-paid.png"), full_page=True)
