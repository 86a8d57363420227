"""Staff open the status map of assets frozen abroad in a real browser, at a desktop's and a phone's
width: the world map (SVG drawn on the server) with the countries coloured, the same figures in the
table beside it, and the page never scrolls sideways on the phone. Screenshots in test-artifacts/."""

from __future__ import annotations

import datetime

import pytest

from disposition.services import cooperation
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's default
SIZES = [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})]


@pytest.fixture
def frozen(case, case_officer):
    today = datetime.date.today()
    rows = [("CH", "bank_account", "Accounts at a Geneva bank", "2400000.00", "CHF", 500, None),
            ("GB", "real_estate", "Flat in Mayfair", "3100000.00", "GBP", 400, "start_proceedings"),
            ("AE", "bank_account", "Account in Dubai", "950000.00", "USD", 200, None),
            ("FR", "vessel", "Yacht in Antibes", "4200000.00", "EUR", 300, "confiscate")]
    for country, kind, description, amount, currency, days, step in rows:
        item = cooperation.frozen_abroad_record(
            actor=case_officer, case_id=case.pk, country=country, asset_type=kind, description=description,
            amount=amount, currency=currency, frozen_on=today - datetime.timedelta(days=days),
            blocker="No treaty in force" if country == "AE" else "")
        if step:
            cooperation.frozen_abroad_step(actor=case_officer, item_id=item.pk, step=step, on=today)


@pytest.mark.parametrize("size, viewport", SIZES)
def test_staff_read_the_status_map_on_a_desktop_and_on_a_phone(browser, live_server, frozen, auditor, size,
                                                               viewport):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport, is_mobile=size == "phone", device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", auditor.username)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/admin/")
    response = page.goto(f"{live_server.url}/admin/cooperation/status-map/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("status map")
    world = page.locator("svg[data-status-map]")
    expect(world).to_be_visible()
    box = world.bounding_box()
    assert box["width"] > 0.5 * min(viewport["width"], 800), box
    table = page.locator("[data-map-table]")
    expect(table).to_be_visible()
    for name in ("Switzerland", "United Kingdom", "United Arab Emirates", "France"):
        expect(table.get_by_role("rowheader", name=name)).to_be_visible()
    # each country coloured (also after a QR code was drawn in this process: a test of two-factor set-up)
    for code in ("ch", "gb", "ae", "fr"):
        assert page.locator(f"svg[data-status-map] g.{code}.country[class*='color-']").count() == 1, code
    expect(table.get_by_text("Confiscation proceedings: 1")).to_be_visible()
    expect(page.get_by_text("No treaty in force")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the status map scrolls sideways at {size} size ({width}px)"
    page.screenshot(path=str(ARTIFACTS / f"cooperation-map-{size}.png"), full_page=True)
    context.close()
