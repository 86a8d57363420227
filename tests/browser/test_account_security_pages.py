"""The pages issue 13 added, as their users see them in a browser: a bidder's API tokens and data, an
approver setting up two-factor authentication, and a superuser unlocking a locked sign-in. Each page is
screenshotted to test-artifacts/ (desktop, and a phone for the bidder's pages)."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from auctions.services import tokens
from tests.auctions.factories import make_bidder
from tests.browser.conftest import ARTIFACTS
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's default
PHONE = {"width": 390, "height": 844}


def code_of(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def bidder_signs_in(page, base: str, user, target: str) -> None:
    page.goto(f"{base}/account/sign-in/?next={target}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{target}")


@pytest.mark.parametrize("viewport, name", [({"width": 1280, "height": 900}, "desktop"), (PHONE, "phone")])
def test_a_bidder_sees_and_revokes_api_tokens_and_reads_what_erasure_keeps(browser, live_server, auction_manager,
                                                                           viewport, name):
    from playwright.sync_api import expect

    me = make_bidder(reviewer=auction_manager, username=f"token_bidder_{name}")
    tokens.api_token_create(user=me, name="My bidding script")
    tokens.api_token_create(user=me, name="Spreadsheet on the laptop")
    context = browser.new_context(viewport=viewport, is_mobile=name == "phone")
    page = context.new_page()
    bidder_signs_in(page, live_server.url, me, "/account/tokens/")

    rows = page.locator("[data-api-tokens] tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="My bidding script")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"account-tokens-{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.get_by_role("button", name="Revoke “Spreadsheet on the laptop”").click()
    expect(page.get_by_text("The token is revoked")).to_be_visible()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("My bidding script")
    assert list(tokens.api_tokens_live(user=me).values_list("name", flat=True)) == ["My bidding script"]

    page.goto(f"{live_server.url}/account/data/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # What erasure keeps, and for how long, is said before the bidder confirms.
    expect(page.locator("main")).to_contain_text(re.compile(r"\d+ years?"))
    # Erasing cannot be undone: its button does not wear the colour of the harmless download.
    background = "el => getComputedStyle(el).backgroundColor"
    assert (page.get_by_role("button", name="Erase my account").evaluate(background)
            != page.get_by_role("link", name=re.compile("Download my data")).or_(
                page.get_by_role("button", name=re.compile("Download my data"))).first.evaluate(background))
    page.screenshot(path=str(ARTIFACTS / f"account-data-{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()


def test_an_approver_sets_up_an_authenticator_at_first_sign_in(browser, live_server, approver, two_factor_enforced,
                                                              settings):
    from playwright.sync_api import expect

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(approver.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/two-factor/setup/"))

    qr = page.locator("svg[data-qr-code]")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 120 and box["height"] >= 120, "the QR code is too small to scan"
    expect(page.locator("[data-secret]")).to_have_text(re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$"))
    page.screenshot(path=str(ARTIFACTS / "two-factor-setup.png"), full_page=True)

    page.get_by_label("Code from your authenticator app").fill("000000" if code_of(
        TOTPDevice.objects.get(user=approver)) != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    # Said where the user looks (Wagtail's sign-in styles hide the error beside the field).
    expect(page.locator(".messages .error")).to_contain_text(
        "That code is not the one your authenticator app shows now")
    expect(page.get_by_label("Code from your authenticator app")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Code from your authenticator app").fill(code_of(TOTPDevice.objects.get(user=approver)))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Two-factor authentication is set up.")).to_be_visible()
    assert "/admin/two-factor/" not in page.url
    assert TOTPDevice.objects.get(user=approver).confirmed
    page.screenshot(path=str(ARTIFACTS / "two-factor-done.png"), full_page=True)
    page.close()


def test_a_superuser_unlocks_a_locked_sign_in(browser, live_server, case_officer, settings):
    from django.test import Client
    from playwright.sync_api import expect

    root = UserFactory(username="root_unlocks", is_superuser=True, is_staff=True)
    # Someone elsewhere guesses the case officer's password until the username is locked.
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        guesser.post("/admin/login/", {"username": case_officer.username, "password": "a wrong guess"})

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    device = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(root.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/two-factor/verify/"))
    page.get_by_label("Code from your authenticator app").fill(code_of(device))
    page.get_by_role("button", name="Verify").click()
    page.goto(f"{live_server.url}/admin/locked-sign-ins/")
    locked = page.locator(f'[data-lock="{case_officer.username}"]')
    expect(locked).to_contain_text(str(settings.AXES_FAILURE_LIMIT))
    page.screenshot(path=str(ARTIFACTS / "locked-sign-ins.png"), full_page=True)

    locked.get_by_role("button", name="Unlock").click()
    expect(page.get_by_text(f"Unlocked: {case_officer.username} can sign in again.")).to_be_visible()
    expect(page.locator(f'[data-lock="{case_officer.username}"]')).to_have_count(0)
    page.close()
