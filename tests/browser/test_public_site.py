"""A real browser on the public site: its pages at a desktop's and a phone's size, and an editor who
changes the menu and the home page in Wagtail's admin (whose stream fields are drawn by JavaScript),
seen by a visitor straight after."""

from __future__ import annotations

import pytest
from wagtail.models import Site

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's default
PAGES = [("site-home", "/"), ("site-page", "/how-auctions-work/"), ("site-not-found", "/no-such-page/")]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The live server shares this process's cache: no menu or figures from an earlier test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("size, viewport", [("desktop", {"width": 1280, "height": 900}),
                                            ("phone", {"width": 390, "height": 844})])
def test_the_public_pages_fit_the_screen_and_show_the_menu(browser, live_server, size, viewport):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport, is_mobile=size == "phone", device_scale_factor=1)
    page = context.new_page()
    for name, path in PAGES:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} scrolls sideways at {size} size ({width}px)"
        menu = page.get_by_role("navigation", name="Main")
        expect(menu.get_by_role("link", name="Auctions", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)
    context.close()


def test_an_editor_changes_the_menu_and_the_home_page_and_a_visitor_sees_both(browser, live_server, editor):
    from playwright.sync_api import expect

    base = live_server.url
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    admin = context.new_page()
    admin.goto(f"{base}/admin/login/")
    admin.fill("#id_username", editor.username)
    admin.fill("#id_password", PASSWORD)
    admin.locator("button[type=submit]").first.click()
    admin.wait_for_url(f"{base}/admin/")

    # The menu: Settings → Site menu; the second link ("Auctions") is renamed.
    admin.goto(f"{base}/admin/settings/cms/sitemenu/")
    admin.get_by_label("Label").nth(1).fill("Buy at auction")
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_text("Site menu updated")).to_be_visible()

    # The home page: a new main heading, published.
    admin.goto(f"{base}/admin/pages/{Site.objects.get(is_default_site=True).root_page_id}/edit/")
    admin.locator("#id_heading").fill("Recovered property, returned to the public")
    admin.locator("[data-w-dropdown-target='toggle']").last.click()
    admin.get_by_role("button", name="Publish").click()
    expect(admin.get_by_text("has been published")).to_be_visible()
    admin.screenshot(path=str(ARTIFACTS / "admin-editor-published.png"))

    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{base}/auctions/lots/")
    expect(visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Buy at auction")).to_be_visible()
    visitor.goto(f"{base}/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Recovered property, returned to the public")
    visitor.screenshot(path=str(ARTIFACTS / "site-home-after-editor.png"), full_page=True)
    context.close()
