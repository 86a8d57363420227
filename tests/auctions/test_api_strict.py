"""The API accepts exactly what its document says: amounts as the documented pattern writes them, bodies
sent as application/json, and every /api/ address answers JSON, an unknown one a 404."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from auctions.services import tokens
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Each of these was once taken as 1500 or 15000 (Decimal reads them all).
NOT_AMOUNTS = ["１５００.００", "١٥٠٠", "१५००", "15_000.00", "1.5E+4", "1e3", " 1500.00", "1500.00 ", "1500.00\n",
               "+1500", "1,500.00", "1500.", ".50", "-0", "NaN", "Infinity", "0x10", "1" * 20]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_bid_amount_must_match_the_documented_pattern_exactly(client, lot, bidder_factory, settings):
    settings.AUCTIONS_BID_RATE_LIMIT = 0
    key = tokens.api_token_create(user=bidder_factory())[1]

    def bid(amount):
        return client.post(f"/api/v1/lots/{lot.pk}/bids/", json.dumps({"max_amount": amount}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")

    for amount in NOT_AMOUNTS:
        answer = bid(amount)
        assert answer.status_code == 400, amount
        assert answer.json()["error"] == "invalid_amount", amount
    lot.refresh_from_db()
    assert lot.bid_count == 0
    assert bid("1500.001").json()["error"] == "too_many_decimals"
    assert bid("1500.5").status_code == 201
    assert bid("2000").status_code == 201


def test_a_price_filter_must_match_the_documented_pattern_exactly(client):
    for amount in NOT_AMOUNTS:
        answer = client.get("/api/v1/lots/", {"min_price": amount})
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_parameter", amount
    assert client.get("/api/v1/lots/", {"min_price": "10.5", "max_price": "20"}).status_code == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml",
                                          "application/json-patch+json"])
def test_a_body_not_sent_as_json_is_refused_with_415(client, content_type):
    key = tokens.api_token_create(user=_a_user())[1]
    body = json.dumps({"max_amount": "1500.00"})
    answer = client.post("/api/v1/lots/1/bids/", body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 415 and answer["Content-Type"] == "application/json"
    assert answer.json()["error"] == "unsupported_media_type"
    answer = client.post("/api/v1/auth/token/", json.dumps({"username": "someone", "password": "x"}),
                         content_type=content_type)
    assert answer.status_code == 415 and answer.json()["error"] == "unsupported_media_type"


def test_json_with_a_charset_is_json(client):
    _a_user(username="charset-user")
    body = json.dumps({"username": "charset-user", "password": "pw-for-tests-only"})
    answer = client.post("/api/v1/auth/token/", body, content_type="application/json; charset=utf-8")
    assert answer.status_code == 200 and answer.json()["token"]


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/lots/abc/"), ("get", "/api/v1/lots/abc/bids/"), ("post", "/api/v1/lots/abc/bids/"),
    ("get", "/api/v1/nothing-here/"), ("delete", "/api/v1/auth/tokens/abc/"), ("get", "/api/v2/lots/"),
    ("get", "/api/"), ("post", "/api/v1/lots/-1/bids/"),
])
def test_every_api_address_answers_json_an_unknown_one_404(method, path):
    browser = Client(enforce_csrf_checks=True)  # a POST without a CSRF token is no HTML 403 either
    answer = getattr(browser, method)(path)
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert answer.json()["error"] == "not_found"


def test_an_operation_without_its_final_slash_is_still_redirected(client):
    answer = client.get("/api/v1/lots/7")
    assert answer.status_code == 301 and answer["Location"] == "/api/v1/lots/7/"


def _a_user(**fields):
    return UserFactory(is_staff=False, **fields)
