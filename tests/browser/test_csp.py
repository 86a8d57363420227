"""A real browser under the Content-Security-Policy (config/settings/security.py): the main public pages,
a lot's page while bidding, and the staff admin (a listing and the page editor) load with no script,
style or frame refused, and no other error on the console."""

from __future__ import annotations

import re

import pytest
from wagtail.models import Site

from tests.browser.test_bidding_live import PASSWORD, scene, sign_in  # noqa: F401 - scene is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PUBLIC_PAGES = ["/", "/how-auctions-work/", "/auctions/", "/auctions/lots/", "/account/sign-in/",
                "/account/sign-up/", "/no-such-page/"]


def watch(page) -> list[str]:
    """Every console error and CSP violation the page reports."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console: {message.text}")
            if message.type == "error" and "404 (Not Found)" not in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.add_init_script("""document.addEventListener("securitypolicyviolation", (e) => {
        window.__csp = window.__csp || [];
        window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
    });""")
    return problems


def violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def test_public_pages_the_bidding_page_and_the_admin_break_nothing_under_the_policy(
        browser, live_server, scene, editor):  # noqa: F811 - the imported fixture
    from playwright.sync_api import expect

    base, lot = live_server.url, scene["lot"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = watch(page)
    for path in PUBLIC_PAGES:
        response = page.goto(f"{base}{path}")
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
        assert violations(page) == [], path

    # A bidder bids on a lot's page: its script runs (the price changes without a reload)
    sign_in(page, base, "bidder_one", f"/auctions/lots/{lot.pk}/")
    assert violations(page) == []
    page.get_by_label(re.compile("Your maximum bid")).fill("500")
    page.get_by_role("button", name="Place bid").click()
    expect(page.locator(".message-success")).to_contain_text("you are the highest bidder")
    expect(page.locator("#lot-price")).to_have_text(re.compile(r"1\d\d\.00 EUR"))
    assert violations(page) == []
    assert problems == [], problems
    context.close()

    # The staff admin: a listing, and the page editor (StreamField drawn by JavaScript)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    admin = context.new_page()
    problems = watch(admin)
    admin.goto(f"{base}/admin/login/")
    admin.fill("#id_username", editor.username)
    admin.fill("#id_password", PASSWORD)
    admin.locator("button[type=submit]").first.click()
    admin.wait_for_url(f"{base}/admin/")
    home = Site.objects.get(is_default_site=True).root_page_id
    for path in ["/admin/", f"/admin/pages/{home}/edit/", "/admin/settings/cms/sitemenu/"]:
        admin.goto(f"{base}{path}")
        admin.wait_for_load_state("networkidle")
        assert violations(admin) == [], path
        if path.endswith("/edit/"):
            expect(admin.locator("#id_title")).to_be_visible()  # the page editor's fields, drawn by its scripts
    assert problems == [], problems
    context.close()
