"""The JSON API contract: shapes, status codes and error bodies; nothing a client sends gives a 500."""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auctions.models import ApiToken, Lot, LotStatus
from auctions.services import bidding, closing, tokens

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def token_for(user) -> str:
    return tokens.api_token_create(user=user)[1]


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post_bid(client, lot, amount, token=None, raw=None):
    body = raw if raw is not None else json.dumps({"max_amount": amount})
    extra = auth(token) if token else {}
    return client.post(f"/api/v1/lots/{lot.pk}/bids/", body, content_type="application/json", **extra)


def test_token_from_username_and_password(client, bidder_factory):
    bidder = bidder_factory(username="api-bidder")
    response = client.post("/api/v1/auth/token/", {"username": "api-bidder", "password": "pw-for-tests-only"},
                           content_type="application/json")
    assert response.status_code == 200
    token = response.json()["token"]
    # Only a hash of the token is stored
    stored = ApiToken.objects.get(user=bidder)
    assert token not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64


def test_wrong_password_is_401(client, bidder_factory):
    bidder_factory(username="api-bidder")
    response = client.post("/api/v1/auth/token/", {"username": "api-bidder", "password": "nope"},
                           content_type="application/json")
    assert response.status_code == 401 and response.json()["error"] == "invalid_credentials"


def test_lot_list_is_paginated_and_filtered(client, open_lot_factory):
    auction, lots = open_lot_factory(3)
    response = client.get("/api/v1/lots/?status=open&page_size=2")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3 and len(data["results"]) == 2 and data["next"].endswith("page=2")
    first = data["results"][0]
    for key in ("id", "title", "status", "currency", "current_price", "next_minimum_bid", "bid_count", "ends_at",
                "reserve_met"):
        assert key in first
    assert first["next_minimum_bid"] == "100.00" and first["status"] == "open"
    page2 = client.get(data["next"]).json()
    assert len(page2["results"]) == 1 and page2["next"] is None
    assert client.get("/api/v1/lots/?category=real_estate").json()["count"] == 0
    assert client.get("/api/v1/lots/?category=vehicle").json()["count"] == 3
    soon = client.get("/api/v1/lots/?ending_soon=1").json()
    assert soon["count"] == 0  # they end in two days


def test_lot_list_hides_reserve_and_leader(client, lot, bidder_factory):
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder_factory(), max_amount="900")
    text = client.get(f"/api/v1/lots/{lot.pk}/").content.decode()
    assert "900" not in text and "leader" not in text and "reserve_price" not in text


def test_bid_via_api(client, lot, bidder_factory):
    alice, bob = bidder_factory(), bidder_factory()
    ta, tb = token_for(alice), token_for(bob)
    first = post_bid(client, lot, "1500.00", ta)
    assert first.status_code == 201
    assert first.json()["leading"] is True and first.json()["current_price"] == "100.00"
    second = post_bid(client, lot, "500.00", tb)
    assert second.status_code == 201
    body = second.json()
    assert body["leading"] is False
    assert (body["current_price"], body["next_minimum_bid"], body["bid_count"]) == ("525.00", "550.00", 2)
    detail = client.get(f"/api/v1/lots/{lot.pk}/").json()
    assert detail["current_price"] == "525.00" and detail["auction"]["id"] == lot.auction_id
    history = client.get(f"/api/v1/lots/{lot.pk}/bids/").json()["results"]
    assert history[0] == {"amount": "525.00", "bidder": "Bidder 1", "placed_at": history[0]["placed_at"]}
    assert [h["bidder"] for h in history] == ["Bidder 1", "Bidder 1"]


@pytest.mark.parametrize("raw,code", [
    ('{"max_amount": "1500.001"}', "too_many_decimals"),
    ('{"max_amount": 1500}', "invalid_amount"),
    ('{"max_amount": "abc"}', "invalid_amount"),
    ('{"max_amount": "50.00"}', "below_minimum"),
    ('{"max_amount": null}', "invalid_amount"),
    ("{not json", "malformed"),
    ('["max_amount"]', "malformed"),
    ("", "malformed"),
])
def test_bad_bids_are_400_with_a_code(client, lot, bidder_factory, raw, code):
    response = post_bid(client, lot, None, token_for(bidder_factory()), raw=raw)
    assert response.status_code == 400
    assert response.json()["error"] == code and response.json()["detail"]


def _in_currency(lot, currency: str, starting_price: str):
    Lot.objects.filter(pk=lot.pk).update(currency=currency, starting_price=D(starting_price))
    return lot


def test_a_yen_lot_takes_whole_amounts_only(client, lot, bidder_factory):
    _in_currency(lot, "JPY", "10000")
    token = token_for(bidder_factory())
    refused = post_bid(client, lot, "15000.5", token)
    assert refused.status_code == 400 and refused.json()["error"] == "too_many_decimals"
    assert "JPY" in refused.json()["detail"] and "whole numbers" in refused.json()["detail"]
    assert Lot.objects.get(pk=lot.pk).bid_count == 0
    # Written with zero decimals, as the API writes a yen amount back, it is the same whole amount.
    assert post_bid(client, lot, "15000.00", token).status_code == 201
    assert Lot.objects.get(pk=lot.pk).leader_max == D("15000")


def test_a_dinar_lot_takes_three_decimals_as_written(client, lot, bidder_factory):
    _in_currency(lot, "KWD", "1.00")
    token = token_for(bidder_factory())
    accepted = post_bid(client, lot, "1.250", token)
    assert accepted.status_code == 201 and Lot.objects.get(pk=lot.pk).leader_max == D("1.25")


def test_bid_without_credentials_is_401(client, lot):
    response = post_bid(client, lot, "500.00")
    assert response.status_code == 401 and response.json()["error"] == "not_authenticated"
    bad = post_bid(client, lot, "500.00", "not-a-token")
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_token"


def test_ineligible_bidders_get_403(client, lot, bidder_factory, auction_manager):
    assert post_bid(client, lot, "500", token_for(bidder_factory(approve=False))).json()["error"] == "not_approved"
    response = post_bid(client, lot, "500", token_for(bidder_factory(auctions=[])))
    assert (response.status_code, response.json()["error"]) == (403, "terms_not_accepted")
    staff = post_bid(client, lot, "500", token_for(auction_manager))
    assert (staff.status_code, staff.json()["error"]) == (403, "not_eligible")


def test_no_deposit_is_403(client, open_lot_factory, auction_manager):
    from tests.auctions.factories import make_bidder

    auction, (lot,) = open_lot_factory(1, deposit_rule="percent", deposit_percent=D("10"))
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    response = post_bid(client, lot, "500", token_for(bidder))
    assert (response.status_code, response.json()["error"]) == (403, "deposit_required")


def test_closed_lot_is_409_and_unknown_lot_404(client, lot, bidder_factory):
    token = token_for(bidder_factory())
    closing.lot_close(lot_id=lot.pk, now=lot.ends_at)
    response = post_bid(client, lot, "500", token)
    assert (response.status_code, response.json()["error"]) == (409, "lot_not_open")
    missing = client.post("/api/v1/lots/99999999/bids/", '{"max_amount": "5"}', content_type="application/json",
                          **auth(token))
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    huge = client.get("/api/v1/lots/999999999999999999999999/")
    assert huge.status_code == 404


def test_ended_lot_is_409(client, lot, bidder_factory):
    token = token_for(bidder_factory())
    past = lot.ends_at - datetime.timedelta(days=3)
    Lot.objects.filter(pk=lot.pk).update(ends_at=past, original_ends_at=past)
    response = post_bid(client, lot, "500", token)
    assert (response.status_code, response.json()["error"]) == (409, "lot_ended")


def test_rate_limit_is_429(client, lot, bidder_factory, settings):
    settings.AUCTIONS_BID_RATE_LIMIT = 3
    token = token_for(bidder_factory())
    codes = [post_bid(client, lot, str(500 + i * 100), token).status_code for i in range(5)]
    assert codes[:3] == [201, 201, 201] and codes[3:] == [429, 429]
    assert post_bid(client, lot, "5000", token).json()["error"] == "rate_limited"


def _token_answers(client, count: int, **address) -> list[int]:
    return [client.post("/api/v1/auth/token/", {"username": "api-bidder", "password": "pw-for-tests-only"},
                        content_type="application/json", **address).status_code for _ in range(count)]


# The token endpoint allows 10 attempts a minute per client address and username (a fixed window:
# the clock is set a few seconds into a minute, so that the window does not turn during the test).
INSIDE_ONE_MINUTE = datetime.datetime(2026, 12, 3, 12, 0, 5, tzinfo=datetime.UTC)


def test_token_limit_counts_each_client_behind_the_proxy_apart(client, bidder_factory, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    bidder_factory(username="api-bidder")
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    with time_machine.travel(INSIDE_ONE_MINUTE):
        first = _token_answers(client, 11, HTTP_X_FORWARDED_FOR="192.0.2.66", **balancer)
        # Whatever the first client writes before the address the balancer appended, it is still counted.
        forged = _token_answers(client, 1, HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.66", **balancer)
        other = _token_answers(client, 1, HTTP_X_FORWARDED_FOR="192.0.2.77", **balancer)
    assert first == [200] * 10 + [429] and forged == [429]
    assert other == [200]  # another client behind the same balancer has a count of its own


def test_without_a_proxy_a_forged_forwarded_for_does_not_reset_the_token_limit(client, bidder_factory, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    bidder_factory(username="api-bidder")
    with time_machine.travel(INSIDE_ONE_MINUTE):
        answers = [_token_answers(client, 1, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")[0]
                   for n in range(11)]
        elsewhere = _token_answers(client, 1, REMOTE_ADDR="203.0.113.6")
    assert answers == [200] * 10 + [429] and elsewhere == [200]


def test_session_bidding_needs_csrf(lot, bidder_factory):
    from django.test import Client

    bidder = bidder_factory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(bidder)
    response = browser.post(f"/api/v1/lots/{lot.pk}/bids/", '{"max_amount": "500"}', content_type="application/json")
    assert response.status_code == 403 and response.json()["error"] == "csrf_failed"


def test_wrong_method_is_405_json(client, lot):
    response = client.delete(f"/api/v1/lots/{lot.pk}/")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"


def test_bad_query_parameters_are_400(client):
    for query in ("status=bogus", "page=0", "page=x", "page_size=1000", "category=nope", "min_price=abc"):
        response = client.get(f"/api/v1/lots/?{query}")
        assert response.status_code == 400, query
        assert response.json()["error"] == "invalid_parameter"


def test_openapi_schema_describes_every_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert set(paths) == {"/auth/token/", "/auth/tokens/", "/auth/tokens/{token_id}/", "/lots/", "/lots/{lot_id}/",
                          "/lots/{lot_id}/bids/",
                          # the public record's statistics and open data (cms)
                          "/statistics/", "/statistics/cooperation/", "/open-data/datapackage.json",
                          "/open-data/{resource}.csv", "/open-data/{resource}.json"}
    assert set(paths["/lots/{lot_id}/bids/"]["post"]["responses"]) == {"201", "400", "401", "403", "404", "409",
                                                                        "415", "429"}


def test_bid_endpoint_query_count_is_small(client, lot, bidder_factory, django_assert_max_num_queries):
    token = token_for(bidder_factory())
    post_bid(client, lot, "200", token)  # warms the pseudonym and token use stamp
    with django_assert_max_num_queries(9):
        assert post_bid(client, lot, "900", token).status_code == 201


def test_list_query_count_does_not_grow_with_page_size(client, open_lot_factory, django_assert_max_num_queries):
    open_lot_factory(4)
    client.get("/api/v1/lots/")  # warm the increment-table cache
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/v1/lots/?page_size=4").json()["results"]) == 4


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(
    st.binary(max_size=64),
    st.text(max_size=64).map(str.encode),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
                 max_leaves=8).map(lambda v: json.dumps(v).encode()),
    st.text(max_size=40).map(lambda s: json.dumps({"max_amount": s}).encode()),
))
def test_fuzzed_bid_bodies_never_give_a_500(client, lot, bidder_factory, body):
    if not hasattr(test_fuzzed_bid_bodies_never_give_a_500, "token"):
        test_fuzzed_bid_bodies_never_give_a_500.token = {}
    cache.clear()
    tokens = test_fuzzed_bid_bodies_never_give_a_500.token
    if lot.pk not in tokens:
        tokens[lot.pk] = token_for(bidder_factory())
    response = client.post(f"/api/v1/lots/{lot.pk}/bids/", body, content_type="application/json",
                           **auth(tokens[lot.pk]))
    assert response.status_code in (201, 400, 409, 429)
    assert "error" in response.json() or response.status_code == 201


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["status", "category", "page", "page_size", "ending_soon",
                                               "ending_within_minutes", "q", "min_price", "max_price"]),
                              st.text(max_size=12), max_size=4))
def test_fuzzed_list_parameters_never_give_a_500(client, params):
    response = client.get("/api/v1/lots/", params)
    assert response.status_code in (200, 400)


def test_lot_status_values_are_the_documented_ones(client, lot):
    assert client.get(f"/api/v1/lots/{lot.pk}/").json()["status"] in {s.value for s in LotStatus}
