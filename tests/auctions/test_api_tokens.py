"""API tokens: they expire, die with the password (changed or reset) and with the account, are limited
per user (one more revokes the oldest), and their owner sees and revokes them, through the API and on
the account's tokens page."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from auctions.models import ApiToken
from auctions.services import tokens
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-only"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bidder():
    return UserFactory(username="token-owner", is_staff=False)


def obtain(client, username="token-owner", password=PASSWORD, **body):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password, **body},
                       content_type="application/json")


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def my_tokens(client, key: str):
    return client.get("/api/v1/auth/tokens/", **bearer(key))


def test_a_token_is_named_lives_the_configured_days_and_is_listed_by_its_owner(client, bidder, settings):
    settings.AUCTIONS_API_TOKEN_LIFETIME_DAYS = 30
    answer = obtain(client, name="my bidding robot")
    assert answer.status_code == 200
    body = answer.json()
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert body["name"] == "my bidding robot"
    assert abs(expires - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(minutes=1)
    assert body["token"] not in ApiToken.objects.values_list("key_hash", flat=True)

    listed = my_tokens(client, body["token"])
    assert listed.status_code == 200
    (line,) = listed.json()["results"]
    assert (line["id"], line["name"], line["expires_at"]) == (body["id"], "my bidding robot", body["expires_at"])
    assert "token" not in line and line["last_used_at"] is not None  # listing used it


def test_an_expired_token_is_refused_with_a_message_saying_so(client, bidder):
    key = obtain(client).json()["token"]
    assert my_tokens(client, key).status_code == 200  # now also in the cache
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        answer = my_tokens(client, key)
    assert answer.status_code == 401 and answer["Content-Type"] == "application/json"
    assert answer.json()["error"] == "token_expired" and "expired" in answer.json()["detail"]
    # a token that never existed is refused as invalid, not as expired
    assert my_tokens(client, "not-a-token").json()["error"] == "invalid_token"


def test_one_more_token_than_the_limit_revokes_the_oldest(client, bidder, settings):
    settings.AUCTIONS_API_TOKENS_PER_USER = 3
    keys = [obtain(client, name=f"robot {n}").json()["token"] for n in range(4)]
    assert my_tokens(client, keys[0]).json()["error"] == "invalid_token"
    names = [line["name"] for line in my_tokens(client, keys[3]).json()["results"]]
    assert names == ["robot 3", "robot 2", "robot 1"]


def test_a_bidder_revokes_their_own_token_through_the_api_and_nobody_elses(client, bidder):
    keep, drop = (obtain(client, name=name).json() for name in ("keep", "drop"))
    other = tokens.api_token_create(user=UserFactory(is_staff=False), name="someone else's")[0]

    assert client.delete(f"/api/v1/auth/tokens/{other.pk}/", **bearer(keep["token"])).status_code == 404
    answer = client.delete(f"/api/v1/auth/tokens/{drop['id']}/", **bearer(keep["token"]))
    assert answer.status_code == 204
    assert my_tokens(client, drop["token"]).json()["error"] == "invalid_token"
    assert [line["name"] for line in my_tokens(client, keep["token"]).json()["results"]] == ["keep"]
    assert client.delete(f"/api/v1/auth/tokens/{drop['id']}/", **bearer(keep["token"])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_changing_the_password_on_the_site_revokes_every_token(client, bidder):
    keys = [obtain(client).json()["token"] for _ in range(2)]
    assert my_tokens(client, keys[0]).status_code == 200
    client.force_login(bidder)
    answer = client.post(reverse("auctions:password_change"), {
        "old_password": PASSWORD, "new_password1": "a-new-pw-2026!", "new_password2": "a-new-pw-2026!"})
    assert answer.status_code == 302
    for key in keys:
        assert my_tokens(client, key).json()["error"] == "invalid_token"


def test_resetting_a_forgotten_password_revokes_every_token(client, bidder):
    key = obtain(client).json()["token"]
    uid = urlsafe_base64_encode(force_bytes(bidder.pk))
    link = reverse("auctions:password_reset_confirm", args=[uid, default_token_generator.make_token(bidder)])
    form = client.get(link)["Location"]  # Django moves the token out of the address first
    answer = client.post(form, {"new_password1": "a-new-pw-2026!", "new_password2": "a-new-pw-2026!"})
    assert answer["Location"] == reverse("auctions:password_reset_complete")
    assert my_tokens(client, key).json()["error"] == "invalid_token"


def test_deactivating_the_account_revokes_its_tokens_for_good(client, bidder):
    key = obtain(client).json()["token"]
    assert my_tokens(client, key).status_code == 200
    bidder.is_active = False
    bidder.save()
    bidder.is_active = True  # reactivated later: the old token stays dead
    bidder.save()
    assert my_tokens(client, key).json()["error"] == "invalid_token"


class QuickPBKDF2(PBKDF2PasswordHasher):
    """A stronger hasher than the tests' MD5, kept cheap."""

    iterations = 2


def test_a_password_rehashed_on_sign_in_is_no_change_and_keeps_the_tokens(client, bidder, settings):
    key = obtain(client).json()["token"]
    settings.PASSWORD_HASHERS = [f"{__name__}.QuickPBKDF2", "django.contrib.auth.hashers.MD5PasswordHasher"]
    assert obtain(client).status_code == 200  # signing in upgrades the stored hash
    bidder.refresh_from_db()
    assert bidder.password.startswith("pbkdf2_sha256$2$")
    assert my_tokens(client, key).status_code == 200


def test_signing_in_and_out_of_the_site_keeps_the_tokens(client, bidder):
    key = obtain(client).json()["token"]
    client.post(reverse("auctions:login"), {"username": "token-owner", "password": PASSWORD})
    client.post(reverse("auctions:logout"))
    assert my_tokens(client, key).status_code == 200


def test_the_tokens_page_lists_them_and_revokes_one_by_post(client, bidder):
    robot, laptop = (tokens.api_token_create(user=bidder, name=name) for name in ("robot", "laptop"))
    other = tokens.api_token_create(user=UserFactory(is_staff=False), name="not yours")[0]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(bidder)
    page = browser.get(reverse("auctions:api_tokens"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "robot" in html and "laptop" in html and "not yours" not in html
    assert "Expires" in html and "Last used" in html and "never" in html
    assert "Signing out of this website does not revoke them" in html

    # without the CSRF token nothing is revoked
    assert browser.post(reverse("auctions:api_tokens"), {"token_id": robot[0].pk}).status_code == 403
    csrf = browser.cookies["csrftoken"].value
    answer = browser.post(reverse("auctions:api_tokens"), {"token_id": robot[0].pk, "csrfmiddlewaretoken": csrf},
                          follow=True)
    html = answer.content.decode()
    assert "The token is revoked" in html and "laptop" in html and f'data-token="{robot[0].pk}"' not in html
    assert tokens.api_token_authenticate(robot[1]).user is None
    assert tokens.api_token_authenticate(laptop[1]).user == bidder

    # someone else's token is not theirs to revoke
    answer = browser.post(reverse("auctions:api_tokens"), {"token_id": other.pk, "csrfmiddlewaretoken": csrf},
                          follow=True)
    assert "There is no such token among your live tokens." in answer.content.decode()
    other.refresh_from_db()
    assert other.revoked_at is None


def test_the_tokens_page_is_only_for_a_signed_in_user(client):
    answer = client.get(reverse("auctions:api_tokens"))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("auctions:login"))


def test_a_token_is_described_to_its_owner_as_live_then_expired_or_revoked(client, bidder):
    body = obtain(client, name="robot").json()
    assert body["status"] == "live"
    assert [line["status"] for line in my_tokens(client, body["token"]).json()["results"]] == ["live"]
    token = ApiToken.objects.get(pk=body["id"])
    after_its_end = token.expires_at + datetime.timedelta(seconds=1)
    described = tokens.api_token_describe(token, now=after_its_end)
    assert (described.status, described.name, described.expires_at) == ("expired", "robot", token.expires_at)
    tokens.api_token_revoke(user=bidder, token_id=token.pk)
    token.refresh_from_db()
    assert tokens.api_token_describe(token).status == "revoked"
    assert tokens.api_token_describe(token, now=after_its_end).status == "revoked"  # revoked stays revoked
