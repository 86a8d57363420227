"""Sessions end after a period without activity (common.security.sessions): staff after 30 minutes,
bidders after 8 hours; any request before then keeps the session going."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from common.security.sessions import LAST_ACTIVITY_KEY
from tests.factories import UserFactory

ADMIN_PAGE = "/admin/register/assets/"


def last_request(client, ago: timedelta) -> None:
    """As if the session's last request was `ago` before now."""
    session = client.session
    session[LAST_ACTIVITY_KEY] = (timezone.now() - ago).timestamp()
    session.save()


@pytest.fixture
def bidder(db):
    return UserFactory(username="idle-bidder", is_staff=False)


def test_a_staff_session_idle_for_more_than_30_minutes_is_signed_out(client, case_officer):
    client.force_login(case_officer)
    assert client.get(ADMIN_PAGE).status_code == 200
    last_request(client, timedelta(minutes=31))
    response = client.get(ADMIN_PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page


def test_activity_keeps_a_staff_session_going(client, case_officer):
    client.force_login(case_officer)
    client.get(ADMIN_PAGE)
    last_request(client, timedelta(minutes=29))
    assert client.get(ADMIN_PAGE).status_code == 200
    # That request counted as activity: 29 more minutes are fine again.
    stamp = client.session[LAST_ACTIVITY_KEY]
    assert timezone.now().timestamp() - stamp < 60
    assert client.get(ADMIN_PAGE).status_code == 200


def test_a_bidder_session_lasts_longer_but_ends_too(client, bidder):
    client.force_login(bidder)
    client.get(reverse("auctions:profile"))
    last_request(client, timedelta(minutes=31))
    assert client.get(reverse("auctions:profile")).status_code == 200  # still signed in
    assert SESSION_KEY in client.session
    last_request(client, timedelta(hours=8, minutes=1))
    response = client.get(reverse("auctions:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("auctions:login"))
    assert SESSION_KEY not in client.session


def test_the_idle_periods_come_from_settings(client, case_officer, settings):
    settings.SESSION_IDLE_MINUTES_STAFF = 5
    client.force_login(case_officer)
    client.get(ADMIN_PAGE)
    last_request(client, timedelta(minutes=6))
    assert client.get(ADMIN_PAGE).status_code == 302
