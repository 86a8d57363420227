"""The served OpenAPI document is the API: it is a valid OpenAPI document, it names every path the API
has had, and every answer the API gives, for every operation and every status it documents, validates
against it (the refusals against the Error schema, amounts as decimal strings, times in UTC)."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from jsonschema import FormatChecker
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from auctions.models import Lot
from auctions.services import bidding, closing, tokens

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/Error"}
AMOUNT_PATTERN = r"^\d+(\.\d{1,3})?$"  # three decimals at most: KWD's, BHD's; a lot's currency may take fewer
AMOUNT_FIELDS = {"starting_price", "current_price", "next_minimum_bid", "your_maximum", "amount",
                 "buyers_premium_percent", "max_amount", "min_price", "max_price"}

# Times as the API has always written them: UTC as "Z", to the microsecond when there is one.
FORMATS = FormatChecker()


@FORMATS.checks("date-time")
def _utc(value: object) -> bool:
    return not isinstance(value, str) or bool(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z", value) and datetime.datetime.fromisoformat(value))


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


class Conformance:
    """Checks real answers against the served document, and remembers which (status) of an operation it saw."""

    def __init__(self, spec: dict, method: str, template: str):
        self.spec, self.method, self.template = spec, method, template
        self.operation = spec["paths"][template][method]
        self.seen: set[str] = set()

    def check(self, response, status: int | None = None) -> dict:
        if status is not None:
            assert response.status_code == status, response.content
        documented = self.operation["responses"]
        code = str(response.status_code)
        assert code in documented, f"{self.method.upper()} {self.template} answered an undocumented {code}"
        assert response["Content-Type"] == "application/json"
        body = response.json()
        schema = documented[code]["content"]["application/json"]["schema"]
        OAS31Validator({**schema, "components": self.spec["components"]}, format_checker=FORMATS).validate(body)
        self.seen.add(code)
        return body

    def all_seen(self) -> None:
        assert self.seen == set(self.operation["responses"]), "documented but not exercised"


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


def test_the_document_is_valid_openapi_and_names_every_path_of_the_api(spec):
    validate_spec(spec)
    assert spec["servers"] == [{"url": "/api/v1"}]
    assert {path: set(ops) for path, ops in spec["paths"].items()} == {
        "/auth/token/": {"post"}, "/auth/tokens/": {"get"}, "/auth/tokens/{token_id}/": {"delete"},
        "/lots/": {"get"}, "/lots/{lot_id}/": {"get"},
        "/lots/{lot_id}/bids/": {"get", "post"},
        # the public record's statistics and open data (cms/api.py)
        "/statistics/": {"get"}, "/statistics/cooperation/": {"get"}, "/open-data/datapackage.json": {"get"},
        "/open-data/{resource}.csv": {"get"}, "/open-data/{resource}.json": {"get"}}
    assert spec["paths"]["/lots/{lot_id}/bids/"]["post"]["security"] == [{"BearerToken": []}, {"SessionWithCsrf": []}]


def test_every_documented_refusal_is_the_error_body(spec):
    refusals = [(path, method, status, answer) for path, ops in spec["paths"].items() for method, op in ops.items()
                for status, answer in op["responses"].items() if status.startswith("4")]
    # 19 of the auctions', 1 of the statistics (an unknown grouping), 2 of the open data (an unknown resource)
    assert len(refusals) == 22
    for path, method, status, answer in refusals:
        assert answer["content"]["application/json"]["schema"] == ERROR, (path, method, status)
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error", "detail"] and error["additionalProperties"] is True


def test_amounts_are_documented_as_decimal_strings_and_no_number_anywhere(spec):
    amounts = 0
    for path, node in _walk(spec):
        assert node.get("type") != "number", path
        if path and path[-1] in AMOUNT_FIELDS and "properties" in path:
            variants = node.get("anyOf", [node])
            assert {"type": "string", "pattern": AMOUNT_PATTERN}.items() <= variants[0].items(), path
            amounts += 1
        if node.get("in") == "query" and node.get("name") in AMOUNT_FIELDS:
            assert node["schema"]["anyOf"][0]["pattern"] == AMOUNT_PATTERN
            amounts += 1
    assert amounts >= 15


def test_token_answers_conform(spec, client, bidder_factory, settings):
    op = Conformance(spec, "post", "/auth/token/")
    bidder_factory(username="api-bidder")

    def post(body):
        return client.post("/api/v1/auth/token/", body, content_type="application/json")

    assert op.check(post({"username": "api-bidder", "password": "pw-for-tests-only"}), 200)["token"]
    assert op.check(post({"username": "api-bidder"}), 400)["error"] == "malformed"
    assert op.check(post("{not json"), 400)["error"] == "malformed"
    as_text = client.post("/api/v1/auth/token/", '{"username": "api-bidder", "password": "pw-for-tests-only"}',
                          content_type="text/plain")
    assert op.check(as_text, 415)["error"] == "unsupported_media_type"
    assert op.check(post({"username": "api-bidder", "password": "nope"}), 401)["error"] == "invalid_credentials"
    for _ in range(9):
        post({"username": "api-bidder", "password": "nope"})
    assert op.check(post({"username": "api-bidder", "password": "nope"}), 429)["error"] == "rate_limited"
    op.all_seen()


def test_catalogue_answers_conform(spec, client, open_lot_factory, auction_manager):
    from tests.auctions.factories import make_bidder

    op = Conformance(spec, "get", "/lots/")
    auction, lots = open_lot_factory(3)
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=bidder, max_amount="1500.00")
    page = op.check(client.get("/api/v1/lots/?page_size=2"), 200)
    assert page["count"] == 3 and page["next"] and page["previous"] is None
    assert op.check(client.get(page["next"]), 200)["previous"]
    for query in ("status=bogus", "page=0", "page=x", "page_size=1000", "category=nope", "min_price=abc"):
        assert op.check(client.get(f"/api/v1/lots/?{query}"), 400)["error"] == "invalid_parameter"
    op.all_seen()


def test_lot_answers_conform(spec, client, lot, bidder_factory):
    op = Conformance(spec, "get", "/lots/{lot_id}/")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder_factory(), max_amount="1500.00")
    detail = op.check(client.get(f"/api/v1/lots/{lot.pk}/"), 200)
    assert detail["auction"]["id"] == lot.auction_id and detail["current_price"] == "100.00"
    # a time with microseconds keeps them, as it always did
    Lot.objects.filter(pk=lot.pk).update(ends_at=datetime.datetime(2099, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC))
    assert op.check(client.get(f"/api/v1/lots/{lot.pk}/"), 200)["ends_at"] == "2099-01-02T03:04:05.678901Z"
    assert op.check(client.get("/api/v1/lots/99999999/"), 404)["error"] == "not_found"
    assert op.check(client.get(f"/api/v1/lots/{2**63}/"), 404)["error"] == "not_found"
    op.all_seen()


def test_bid_history_answers_conform(spec, client, lot, bidder_factory):
    op = Conformance(spec, "get", "/lots/{lot_id}/bids/")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder_factory(), max_amount="1500.00")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder_factory(), max_amount="500.00")
    history = op.check(client.get(f"/api/v1/lots/{lot.pk}/bids/"), 200)["results"]
    assert [line["amount"] for line in history] == ["525.00", "100.00"]
    assert op.check(client.get(f"/api/v1/lots/{lot.pk}/bids/?limit=0"), 400)["error"] == "invalid_parameter"
    assert op.check(client.get("/api/v1/lots/99999999/bids/"), 404)["error"] == "not_found"
    op.all_seen()


def test_bid_answers_conform(spec, client, open_lot_factory, auction_manager, settings):
    from tests.auctions.factories import make_bidder

    op = Conformance(spec, "post", "/lots/{lot_id}/bids/")
    auction, (lot, other) = open_lot_factory(2)

    def bid(amount, user=None, lot_id=lot.pk, raw=None, as_client=client):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {tokens.api_token_create(user=user)[1]}"} if user else {}
        body = raw if raw is not None else json.dumps({"max_amount": amount})
        return as_client.post(f"/api/v1/lots/{lot_id}/bids/", body, content_type="application/json", **extra)

    alice, bob = (make_bidder(reviewer=auction_manager, auctions=[auction]) for _ in range(2))
    taken = op.check(bid("1500.00", alice), 201)
    assert (taken["leading"], taken["your_maximum"], taken["current_price"]) == (True, "1500.00", "100.00")
    refused = op.check(bid("100.00", bob), 400)
    assert (refused["error"], refused["next_minimum_bid"]) == ("below_minimum", "110.00")
    assert op.check(bid(None, bob, raw="[]"), 400)["error"] == "malformed"
    as_text = client.post(f"/api/v1/lots/{lot.pk}/bids/", '{"max_amount": "500.00"}', content_type="text/plain",
                          HTTP_AUTHORIZATION=f"Bearer {tokens.api_token_create(user=bob)[1]}")
    assert op.check(as_text, 415)["error"] == "unsupported_media_type"
    assert op.check(bid("500.00"), 401)["error"] == "not_authenticated"
    assert op.check(bid("500.00", make_bidder(reviewer=auction_manager, auctions=[])), 403)["error"] \
        == "terms_not_accepted"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(bob)
    assert op.check(bid("500.00", as_client=browser), 403)["error"] == "csrf_failed"
    assert op.check(bid("500.00", bob, lot_id=99999999), 404)["error"] == "not_found"
    closing.lot_close(lot_id=other.pk, now=other.ends_at)
    assert op.check(bid("500.00", bob, lot_id=other.pk), 409)["error"] == "lot_not_open"
    settings.AUCTIONS_BID_RATE_LIMIT = 1
    carol = make_bidder(reviewer=auction_manager, auctions=[auction])
    assert op.check(bid("2000.00", carol), 201)["leading"] is True
    assert op.check(bid("3000.00", carol), 429)["error"] == "rate_limited"
    op.all_seen()


def test_token_listing_and_revoking_answers_conform(spec, client):
    from tests.factories import UserFactory

    listing = Conformance(spec, "get", "/auth/tokens/")
    revoking = Conformance(spec, "delete", "/auth/tokens/{token_id}/")
    owner = UserFactory(is_staff=False)
    (kept, kept_key), (dropped, _key) = (tokens.api_token_create(user=owner, name=n) for n in ("kept", "dropped"))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {kept_key}"}
    assert [t["name"] for t in listing.check(client.get("/api/v1/auth/tokens/", **auth), 200)["results"]] \
        == ["dropped", "kept"]
    assert listing.check(client.get("/api/v1/auth/tokens/"), 401)["error"] == "not_authenticated"
    listing.all_seen()

    answer = client.delete(f"/api/v1/auth/tokens/{dropped.pk}/", **auth)
    assert answer.status_code == 204 and answer.content == b""
    revoking.seen.add("204")
    assert revoking.check(client.delete(f"/api/v1/auth/tokens/{dropped.pk}/", **auth), 404)["error"] == "not_found"
    assert revoking.check(client.delete(f"/api/v1/auth/tokens/{kept.pk}/"), 401)["error"] == "not_authenticated"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    assert revoking.check(browser.delete(f"/api/v1/auth/tokens/{kept.pk}/"), 403)["error"] == "csrf_failed"
    revoking.all_seen()
