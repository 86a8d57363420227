"""Sign-up and the e-mails sent to a typed address are throttled per client address and per e-mail
address, with a message beside the form (429); when the cache (Redis) is down the throttle still
counts, in the process, against a quarter of the limit."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from auctions.models import BidderProfile
from common import throttle as throttle_module
from common.throttle import throttle_exceeded
from config.cache import RedisCache
from tests.auctions.test_public_accounts import PASSWORD, sign_up_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many attempts from your connection or for this e-mail address."


@pytest.fixture
def cache_down(monkeypatch):
    """The throttle's cache is a Redis that refuses connections (nothing listens on port 1)."""
    monkeypatch.setattr(throttle_module, "caches", {"default": RedisCache("redis://127.0.0.1:1/0", {})})


def _sign_up(client, n: int, email: str | None = None, ip: str = "203.0.113.7"):
    return client.post(reverse("auctions:sign_up"),
                       sign_up_data(username=f"bidder{n}", email=email or f"bidder{n}@example.org"), REMOTE_ADDR=ip)


def test_sign_ups_from_one_client_stop_at_the_limit(client, settings, django_capture_on_commit_callbacks):
    settings.THROTTLES = {**settings.THROTTLES, "sign_up": (2, 5, 3600)}
    with django_capture_on_commit_callbacks(execute=True):
        assert [_sign_up(client, n).status_code for n in range(2)] == [302, 302]
        refused = _sign_up(client, 2)
        other_client = _sign_up(client, 3, ip="198.51.100.9")
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    assert other_client.status_code == 302
    assert sorted(BidderProfile.objects.values_list("user__username", flat=True)) == ["bidder0", "bidder1", "bidder3"]
    assert len(mail.outbox) == 3


def test_sign_ups_for_one_address_stop_at_the_limit_from_any_client(client, settings,
                                                                    django_capture_on_commit_callbacks):
    settings.THROTTLES = {**settings.THROTTLES, "sign_up": (10, 2, 3600)}
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_sign_up(client, n, email="same@example.org", ip=f"203.0.113.{n}").status_code for n in range(3)]
    assert answers == [302, 302, 429]  # the second is answered as a sign-up (the owner is told)
    assert len(mail.outbox) == 2


@pytest.fixture
def unverified(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("auctions:sign_up"), sign_up_data())
    client.login(username="newbidder", password=PASSWORD)
    mail.outbox.clear()
    return get_user_model().objects.get(username="newbidder")


def test_verification_mails_again_stop_at_the_limit(client, settings, unverified, django_capture_on_commit_callbacks):
    settings.THROTTLES = {**settings.THROTTLES, "email": (10, 2, 3600)}
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(reverse("auctions:resend_verification")) for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "Too many attempts" in answers[-1].content.decode()
    assert len(mail.outbox) == 2


def test_links_to_a_new_address_stop_at_the_limit(client, settings, unverified, django_capture_on_commit_callbacks):
    settings.THROTTLES = {**settings.THROTTLES, "email": (10, 1, 3600)}
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(reverse("auctions:email_change"), {"new_email": "target@example.org",
                                                                  "password": PASSWORD}) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 429]
    assert TOO_MANY in answers[-1].content.decode()
    assert [m.to for m in mail.outbox] == [["target@example.org"]]


def test_password_reset_mails_stop_at_the_limit(client, settings):
    settings.THROTTLES = {**settings.THROTTLES, "email": (10, 2, 3600)}
    UserFactory(username="nora", email="nora@example.org", is_staff=False)
    answers = [client.post(reverse("auctions:password_reset"), {"email": "nora@example.org"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert TOO_MANY in answers[-1].content.decode()
    assert len(mail.outbox) == 2


def test_with_the_cache_down_the_throttle_counts_against_a_quarter_of_the_limit(cache_down):
    key = f"test:{uuid.uuid4()}"
    assert [throttle_exceeded(key, limit=8, window=3600) for _ in range(3)] == [False, False, True]
    assert throttle_exceeded(f"test:{uuid.uuid4()}", limit=1, window=3600) is False  # never below one


def test_with_the_cache_down_the_reset_form_still_works_and_still_stops(client, settings, cache_down):
    settings.THROTTLES = {**settings.THROTTLES, "email": (40, 8, 3600)}
    UserFactory(username="nora", email="nora@example.org", is_staff=False)
    address = {"REMOTE_ADDR": f"192.0.2.{uuid.uuid4().int % 250}"}
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    answers = [client.post(reverse("auctions:password_reset"), {"email": email}, **address).status_code
               for _ in range(3)]
    assert answers == [302, 302, 429]


def test_the_api_sign_in_limit_survives_the_cache_going_down(client, cache_down):
    response = client.post("/api/v1/auth/token/", {"username": f"u{uuid.uuid4().hex[:8]}", "password": "x"},
                           content_type="application/json")
    assert response.status_code == 401


def test_claimant_sign_ups_from_one_client_stop_at_the_limit(client, settings, django_capture_on_commit_callbacks):
    settings.THROTTLES = {**settings.THROTTLES, "sign_up": (2, 5, 3600)}
    url = reverse("disposition:claimant_sign_up")

    def sign_up(n):
        client.cookies.clear()
        return client.post(url, {"username": f"claimant{n}", "email": f"claimant{n}@example.org",
                                 "password1": PASSWORD, "password2": PASSWORD}, REMOTE_ADDR="203.0.113.8")

    with django_capture_on_commit_callbacks(execute=True):
        assert [sign_up(n).status_code for n in range(2)] == [302, 302]
        refused = sign_up(2)
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    assert not get_user_model().objects.filter(username="claimant2").exists()


def test_consultation_comments_for_one_address_stop_at_the_limit(client, settings, case, case_officer,
                                                                 django_capture_on_commit_callbacks):
    from disposition.models import ConsultationComment
    from tests.disposition.consultation_helpers import consultation_on, proposed_reuse

    settings.THROTTLES = {**settings.THROTTLES, "email": (10, 2, 3600)}
    page = reverse("disposition:consultation", args=[consultation_on(proposed_reuse(case, case_officer),
                                                                     case_officer).pk])

    def comment(n, ip):
        return client.post(page, {"position": "support", "text": f"Comment {n}", "author_name": "Ada",
                                  "email": "ada@example.org"}, REMOTE_ADDR=ip)

    with django_capture_on_commit_callbacks(execute=True):
        assert [comment(n, f"203.0.113.{n + 1}").status_code for n in range(2)] == [302, 302]
        refused = comment(2, "198.51.100.3")
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    assert ConsultationComment.objects.count() == 2 and len(mail.outbox) == 2
