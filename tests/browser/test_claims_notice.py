"""A third party reads a public notice in a real browser, at a desktop's and a phone's width: the list of
notices, then the notice with its deadline, the property concerned (category and area), how to claim
and the button to file online; nothing scrolls sideways on the phone. Screenshots land in
test-artifacts/."""

from __future__ import annotations

import pytest

from custody.models import Asset
from tests.browser.conftest import ARTIFACTS
from tests.disposition.claims_helpers import notice_for
from tests.disposition.reuse_helpers import confiscated_asset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})]


@pytest.fixture
def notice(case, case_officer):
    house = confiscated_asset(case, case_officer, title="Town house of Mr Private-Owner, Rue Haute 40")
    Asset.objects.filter(pk=house.pk).update(public_area="Namur")
    return notice_for(case_officer, house, title="Notice to third parties: a town house confiscated in Namur")


@pytest.mark.parametrize("size, viewport", SIZES)
def test_a_third_party_reads_a_notice_on_a_desktop_and_on_a_phone(browser, live_server, notice, size, viewport):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport, is_mobile=size == "phone", device_scale_factor=1)
    page = context.new_page()
    # Given the list of notices
    response = page.goto(f"{live_server.url}/notices/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notices to third parties and victims")
    page.screenshot(path=str(ARTIFACTS / f"claims-notices-{size}.png"), full_page=True)
    # When they open the notice
    page.get_by_role("link", name=notice.title).click()
    # Then they read its deadline, the property (category and area, never the title), how to claim
    expect(page.get_by_role("heading", level=1)).to_contain_text("a town house confiscated in Namur")
    expect(page.locator("[data-status]")).to_contain_text("Open for claims until")
    expect(page.locator("[data-assets]")).to_contain_text("Namur")
    expect(page.get_by_role("heading", name="How to claim")).to_be_visible()
    expect(page.get_by_role("link", name="File a claim online")).to_be_visible()
    assert "Private-Owner" not in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the notice scrolls sideways at {size} size ({width}px)"
    page.screenshot(path=str(ARTIFACTS / f"claims-notice-{size}.png"), full_page=True)
    context.close()
