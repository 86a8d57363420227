"""Two-factor authentication (django-otp, TOTP) for the staff who approve or move money: after the
password, such a user without an authenticator is sent to set one up, and one with an authenticator
must type its code in each new session, before any admin page. Other staff are not asked, unless
they choose it from their account page; then they are asked the same, until they turn it off (which
those whose role requires it cannot: they replace their authenticator instead)."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.security.two_factor import two_factor_required
from tests.factories import UserFactory

PASSWORD = "pw-for-tests-only"
HOME = "/admin/"


@pytest.fixture(autouse=True)
def _enforced(two_factor_enforced, settings):
    # django_otp makes a guess after a wrong code wait a second; the tests type right after.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the staff member's authenticator app shows now (or `steps_ahead` periods from now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user):
    response = client.post(reverse("wagtailadmin_login"), {"username": user.username, "password": PASSWORD,
                                                           "next": HOME})
    assert response.status_code == 302 and SESSION_KEY in client.session
    return response


@pytest.mark.parametrize("role, required", [
    ("approver", True), ("finance_officer", True), ("case_officer", False), ("custodian", False),
    ("valuer", False), ("auction_manager", False), ("auditor", False), ("editor", False),
])
def test_the_roles_that_approve_or_move_money_need_a_second_factor(request, db, role, required):
    assert two_factor_required(request.getfixturevalue(role)) is required


def test_superusers_need_a_second_factor(db):
    assert two_factor_required(UserFactory(username="root", is_superuser=True))
    assert not two_factor_required(UserFactory(username="bidder", is_staff=False))


def test_an_approver_without_an_authenticator_is_sent_to_set_one_up_and_gets_in_with_its_code(client, approver):
    sign_in(client, approver)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))
    # No other admin page either.
    assert client.get("/admin/register/assets/")["Location"].startswith(reverse("two_factor_setup"))

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "data-qr-code" in html
    device = TOTPDevice.objects.get(user=approver, confirmed=False)
    secret = html.split("data-secret>")[1].split("<")[0].replace(" ", "")
    from base64 import b32decode

    assert b32decode(secret) == device.bin_key  # the key as text, for typing into the app

    wrong = client.post(reverse("two_factor_setup"), {"token": code_of(device, steps_ahead=10), "next": HOME})
    assert wrong.status_code == 400 and "not the one your authenticator app shows" in wrong.content.decode()
    assert client.get(HOME).status_code == 302

    right = client.post(reverse("two_factor_setup"), {"token": code_of(device), "next": HOME})
    assert right.status_code == 302 and right["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert TOTPDevice.objects.get(user=approver).confirmed


def test_the_set_up_page_keeps_its_secret_when_reloaded(client, finance_officer):
    sign_in(client, finance_officer)
    first = client.get(reverse("two_factor_setup")).content.decode()
    second = client.get(reverse("two_factor_setup")).content.decode()
    assert first.split("data-secret>")[1].split("<")[0] == second.split("data-secret>")[1].split("<")[0]
    assert TOTPDevice.objects.filter(user=finance_officer).count() == 1


def test_with_an_authenticator_each_new_session_asks_for_its_code(client, approver):
    device = TOTPDevice.objects.create(user=approver, name="Phone", confirmed=True)
    sign_in(client, approver)
    response = client.get("/admin/register/assets/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))

    wrong = client.post(reverse("two_factor_verify"), {"token": code_of(device, steps_ahead=10),
                                                       "next": "/admin/register/assets/"})
    assert wrong.status_code == 400 and "Wrong code" in wrong.content.decode()
    assert client.get(HOME).status_code == 302
    not_digits = client.post(reverse("two_factor_verify"), {"token": "abcdef", "next": HOME})
    assert not_digits.status_code == 400 and "Enter the digits" in not_digits.content.decode()

    right = client.post(reverse("two_factor_verify"), {"token": code_of(device), "next": "/admin/register/assets/"})
    assert right.status_code == 302 and right["Location"] == "/admin/register/assets/"
    assert client.get("/admin/register/assets/").status_code == 200

    # Signed out and in again: the code again.
    client.post(reverse("wagtailadmin_logout"))
    sign_in(client, approver)
    assert client.get(HOME)["Location"].startswith(reverse("two_factor_verify"))


def test_the_check_page_does_not_send_elsewhere_than_this_site(client, approver):
    device = TOTPDevice.objects.create(user=approver, name="Phone", confirmed=True)
    sign_in(client, approver)
    right = client.post(reverse("two_factor_verify"), {"token": code_of(device), "next": "https://evil.example/"})
    assert right.status_code == 302 and right["Location"] == HOME


def test_a_wrong_guess_makes_the_next_wait(client, approver, settings):
    """django_otp's throttle: right after a wrong code, even the right one is refused for a while."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after one wrong code (1 s by default: too short to test)
    device = TOTPDevice.objects.create(user=approver, name="Phone", confirmed=True)
    sign_in(client, approver)
    client.post(reverse("two_factor_verify"), {"token": code_of(device, steps_ahead=10), "next": HOME})
    refused = client.post(reverse("two_factor_verify"), {"token": code_of(device), "next": HOME})
    assert refused.status_code == 400 and client.get(HOME).status_code == 302


def test_a_case_officer_is_not_asked(client, case_officer):
    sign_in(client, case_officer)
    assert client.get(HOME).status_code == 200
    assert client.get("/admin/register/assets/").status_code == 200


def test_a_superuser_needs_it_in_django_admin_too(client, db):
    root = UserFactory(username="root", is_superuser=True)
    sign_in(client, root)
    response = client.get("/django-admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))


def test_bidders_and_the_public_site_are_not_asked(client, approver):
    sign_in(client, approver)
    assert client.get(reverse("auctions:catalogue")).status_code == 200


# ---- chosen by staff whose role does not require it: Account → Two-factor authentication ----------


def signed_in_with_code(client, user, device):
    sign_in(client, user)
    response = client.post(reverse("two_factor_verify"), {"token": code_of(device), "next": HOME})
    assert response.status_code == 302 and response["Location"] == HOME


def test_a_case_officer_turns_it_on_from_the_account_page_and_then_each_new_session_asks(client, case_officer):
    sign_in(client, case_officer)
    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert "Two-factor authentication" in account and f'href="{reverse("two_factor_setup")}"' in account
    assert "Off: set up an authenticator app" in account

    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200 and "data-qr-code" in page.content.decode()
    assert "Your role approves" not in page.content.decode()  # said only to whom it is required
    device = TOTPDevice.objects.get(user=case_officer, confirmed=False)
    right = client.post(reverse("two_factor_setup"), {"token": code_of(device), "next": HOME})
    assert right.status_code == 302 and client.get(HOME).status_code == 200
    assert "On: signing in takes a code" in client.get(reverse("wagtailadmin_account")).content.decode()

    client.post(reverse("wagtailadmin_logout"))
    sign_in(client, case_officer)
    assert client.get(HOME)["Location"].startswith(reverse("two_factor_verify"))
    assert client.get("/admin/register/assets/")["Location"].startswith(reverse("two_factor_verify"))


def test_who_chose_it_may_turn_it_off_and_is_then_not_asked(client, case_officer):
    device = TOTPDevice.objects.create(user=case_officer, name="Phone", confirmed=True)
    signed_in_with_code(client, case_officer, device)
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200 and "data-remove" in page.content.decode()

    response = client.post(reverse("two_factor_remove"))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_account")
    assert not TOTPDevice.objects.filter(user=case_officer).exists()
    assert "Off: set up an authenticator app" in client.get(reverse("wagtailadmin_account")).content.decode()
    client.post(reverse("wagtailadmin_logout"))
    sign_in(client, case_officer)
    assert client.get(HOME).status_code == 200


def test_whom_the_role_requires_it_cannot_turn_it_off_but_replaces_the_authenticator(client, approver):
    old = TOTPDevice.objects.create(user=approver, name="Old phone", confirmed=True)
    signed_in_with_code(client, approver, old)
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "requires two-factor authentication" in page and "data-remove" not in page

    refused = client.post(reverse("two_factor_remove"), follow=True)
    assert "cannot be turned off" in refused.content.decode()
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()

    replacing = client.get(f"{reverse('two_factor_setup')}?replace=1")
    assert replacing.status_code == 200 and "data-qr-code" in replacing.content.decode()
    new = TOTPDevice.objects.get(user=approver, confirmed=False)
    right = client.post(f"{reverse('two_factor_setup')}?replace=1", {"token": code_of(new), "next": HOME})
    assert right.status_code == 302
    assert list(TOTPDevice.objects.filter(user=approver).values_list("pk", "confirmed")) == [(new.pk, True)]


def test_with_an_authenticator_nothing_of_it_changes_before_the_code(client, case_officer):
    device = TOTPDevice.objects.create(user=case_officer, name="Phone", confirmed=True)
    sign_in(client, case_officer)
    for response in (client.get(reverse("two_factor_setup")),
                     client.get(f"{reverse('two_factor_setup')}?replace=1"),
                     client.post(reverse("two_factor_remove"))):
        assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    assert list(TOTPDevice.objects.filter(user=case_officer)) == [device]
