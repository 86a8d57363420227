"""Lock-out after failed sign-ins (django-axes, config/settings/auth.py): on the staff admin, the
bidders' site and the API alike, by username and by address; the right password does not get in
once locked; an administrator unlocks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

PASSWORD = "pw-for-tests-only"
LIMIT = 3


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)


def admin_sign_in(client, username, password, **extra):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password}, **extra)


def bidder_sign_in(client, username, password, **extra):
    return client.post(reverse("auctions:login"), {"username": username, "password": password}, **extra)


def api_token(client, username, password, **extra):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password},
                       content_type="application/json", **extra)


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_staff_admin_locks_an_account_and_refuses_then_even_the_right_password(client, approver):
    for _attempt in range(LIMIT):
        response = admin_sign_in(client, approver.username, "wrong")
        assert not signed_in(client)
    response = admin_sign_in(client, approver.username, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page and 'name="username"' in page  # on the form
    # From another address too: the account is locked, wherever the guesses come from.
    response = admin_sign_in(client, approver.username, PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429 and not signed_in(client)


def test_fewer_failures_than_the_limit_do_not_lock(client, case_officer):
    for _attempt in range(LIMIT - 1):
        assert admin_sign_in(client, case_officer.username, "wrong").status_code == 200
    response = admin_sign_in(client, case_officer.username, PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_an_address_that_guesses_many_usernames_is_locked_for_every_username(client, db):
    victim = UserFactory(username="victim", is_staff=False)
    for number in range(LIMIT):
        bidder_sign_in(client, f"guess{number}", "wrong")
    response = bidder_sign_in(client, victim.username, PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    # The same account from another address is not locked: only the address is.
    response = bidder_sign_in(client, victim.username, PASSWORD, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302 and signed_in(client)


def test_the_bidders_sign_in_shows_the_lock_out_on_its_form(client, db):
    bidder = UserFactory(username="bidder-locked", is_staff=False)
    for _attempt in range(LIMIT - 1):
        assert bidder_sign_in(client, bidder.username, "wrong").status_code == 200
    # The failure that reaches the limit already says so, and so does the right password after it.
    assert bidder_sign_in(client, bidder.username, "wrong").status_code == 429
    response = bidder_sign_in(client, bidder.username, PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page and "30 minutes" in page
    assert 'name="password"' in page  # the sign-in page itself, not a bare error


def test_the_api_answers_a_locked_account_429_with_its_json_error(client, db):
    UserFactory(username="api-locked", is_staff=False)
    for _attempt in range(LIMIT - 1):
        assert api_token(client, "api-locked", "wrong").status_code == 401
    # The failure that reaches the limit already says so.
    response = api_token(client, "api-locked", "wrong")
    assert response.status_code == 429 and response.json()["error"] == "locked_out"
    response = api_token(client, "api-locked", PASSWORD)
    assert response.status_code == 429
    assert response.json() == {"error": "locked_out", "detail": response.json()["detail"]}
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    assert "token" not in response.json()


def test_failures_on_one_login_count_on_the_others(client, db):
    """One count per account, whichever door the guesses came through."""
    UserFactory(username="everywhere", is_staff=False)
    admin_sign_in(client, "everywhere", "wrong")
    bidder_sign_in(client, "everywhere", "wrong")
    api_token(client, "everywhere", "wrong")
    assert api_token(client, "everywhere", PASSWORD).status_code == 429
    assert bidder_sign_in(client, "everywhere", PASSWORD).status_code == 429


def test_django_admin_signs_in_through_the_locked_staff_sign_in(client, db):
    response = client.get("/django-admin/login/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))


def test_the_lock_ends_after_the_cool_off(client, approver):
    for _attempt in range(LIMIT):
        admin_sign_in(client, approver.username, "wrong")
    assert admin_sign_in(client, approver.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    response = admin_sign_in(client, approver.username, PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_a_superuser_sees_the_locks_and_unlocks_an_account(client, approver, db):
    for _attempt in range(LIMIT):
        admin_sign_in(client, approver.username, "wrong", REMOTE_ADDR="203.0.113.5")
    admin = UserFactory(username="root", is_superuser=True)
    staff = client.__class__()
    staff.force_login(admin)

    page = staff.get(reverse("locked_sign_ins")).content.decode()
    assert f'data-lock="{approver.username}"' in page and 'data-lock="203.0.113.5"' in page

    response = staff.post(reverse("unlock_sign_in"), {"kind": "username", "value": approver.username})
    assert response.status_code == 302
    page = staff.get(reverse("locked_sign_ins")).content.decode()
    assert f'data-lock="{approver.username}"' not in page
    assert "can sign in again" in page
    response = admin_sign_in(client, approver.username, PASSWORD, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 302 and signed_in(client)


def test_only_superusers_see_or_unlock_locked_sign_ins(client, approver):
    for _attempt in range(LIMIT):
        admin_sign_in(client, "someone", "wrong", REMOTE_ADDR="203.0.113.6")
    client.force_login(approver)
    assert client.get(reverse("locked_sign_ins")).status_code == 403
    assert client.post(reverse("unlock_sign_in"), {"kind": "ip_address", "value": "203.0.113.6"}).status_code == 403
    assert AccessAttempt.objects.filter(ip_address="203.0.113.6").exists()
    assert "Locked sign-ins" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_behind_the_load_balancer_each_client_address_is_counted_apart(client, settings, db):
    """All requests come from the load balancer's address; the client is the address it appended to
    X-Forwarded-For, whatever the client wrote before it."""
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="behind-proxy", is_staff=False)
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(LIMIT):
        # An attacker who writes a new address each time still comes from 192.0.2.66.
        bidder_sign_in(client, f"guess{number}", "wrong",
                       HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 192.0.2.66", **balancer)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.66"}
    response = bidder_sign_in(client, "behind-proxy", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.66", **balancer)
    assert response.status_code == 429
    # Another client behind the same balancer is not locked out.
    response = bidder_sign_in(client, "behind-proxy", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77", **balancer)
    assert response.status_code == 302 and signed_in(client)


def test_signing_in_to_ones_own_account_between_guesses_does_not_clear_them(client, db):
    UserFactory(username="attacker", is_staff=False)
    UserFactory(username="target", is_staff=False)
    for _round in range(2):
        bidder_sign_in(client, "target", "guess")
        assert bidder_sign_in(client, "attacker", PASSWORD).status_code == 302
        client.logout()
    bidder_sign_in(client, "target", "guess")  # the third failure from this address, on this username
    assert bidder_sign_in(client, "target", PASSWORD).status_code == 429
