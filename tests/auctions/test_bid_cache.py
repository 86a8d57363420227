"""The bid path's cache reads: one round trip to Redis for what Django's API would take several,
the bid throttle on the public site and the API, and token revocation taking effect at once."""

from __future__ import annotations

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.urls import reverse

from auctions import selectors
from auctions.cache import count_and_get_many
from auctions.exceptions import BidRefused
from auctions.services import bidding, tokens
from config.cache import RedisCache


@pytest.fixture
def redis_cache(settings, redis_url):
    """The production backend on the test Redis, under a key prefix of this test's own; only the
    keys under that prefix are deleted afterwards (never FLUSHDB: the server may be shared)."""
    import uuid

    from django.core.cache import caches

    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {**settings.CACHES, "bidtest": {"BACKEND": "config.cache.RedisCache",
                                                     "LOCATION": redis_url, "KEY_PREFIX": prefix}}
    cache = caches["bidtest"]
    yield cache
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.mark.redis
def test_counter_and_values_in_one_pipeline(redis_cache):
    # given values of the kinds the bid path caches
    redis_cache.set("info", (1, 2, True, 3, 30))
    redis_cache.set("count-like", 7)
    # when the counter is hit three times with the reads
    results = [count_and_get_many("hits", 10, ["info", "missing", "count-like"], using="bidtest")
               for _ in range(3)]
    # then the count goes up by one each time, the values come back as Django would give them,
    # and the counter expires on its own
    assert [count for count, _found in results] == [1, 2, 3]
    assert results[-1][1] == {"info": (1, 2, True, 3, 30), "count-like": 7}
    assert redis_cache.get("hits") == 3
    client = redis_cache._cache.get_client()
    assert 0 < client.ttl(redis_cache.make_and_validate_key("hits")) <= 10


@pytest.mark.redis
def test_one_round_trip_on_redis(redis_cache, monkeypatch):
    import redis

    calls = []
    original = redis.client.Pipeline.execute
    monkeypatch.setattr(redis.client.Pipeline, "execute",
                        lambda self, *a, **k: calls.append(len(self.command_stack)) or original(self, *a, **k))
    monkeypatch.setattr(redis.Redis, "execute_command",
                        lambda *a, **k: pytest.fail("a command outside the pipeline"))
    count_and_get_many("hits", 10, ["a", "b"], using="bidtest")
    monkeypatch.undo()
    assert calls == [3]  # INCR, EXPIRE, MGET sent together


def test_counter_without_redis_counts_the_same(settings):
    # without Redis (local memory) the same answers come in several calls
    counts = [count_and_get_many("local-hits", 10, [])[0] for _ in range(3)]
    assert counts == [1, 2, 3]
    assert count_and_get_many(None, 10, ["nothing"]) == (None, {})


@pytest.mark.redis
def test_backend_shares_one_client_per_pool(redis_cache):
    assert isinstance(redis_cache, DjangoRedisCache) and isinstance(redis_cache, RedisCache)
    assert redis_cache._cache.get_client() is redis_cache._cache.get_client()


@pytest.mark.django_db
def test_cached_token_is_refused_once_revoked(lot, bidder_factory):
    # given a token that was used, so its user is cached
    bidder = bidder_factory()
    token, key = tokens.api_token_create(user=bidder)
    assert tokens.api_token_authenticate(key)[0] == bidder
    # when it is revoked
    tokens.api_token_revoke(user=bidder, token_id=token.pk)
    # then the cached user is not used any more
    assert tokens.api_token_authenticate(key)[0] is None


@pytest.mark.django_db
def test_value_cached_under_an_old_generation_is_not_returned():
    generation = selectors.eligibility_generation()
    selectors.cache_under_generation("k", generation, "value", 60)
    assert selectors.generation_and_cached("k") == (generation, "value")
    selectors.bump_eligibility_generation()
    assert selectors.generation_and_cached("k") == (generation + 1, None)


@pytest.mark.django_db
def test_bid_form_is_throttled_like_the_api(client, lot, bidder_factory, settings):
    # given a bidder limited to two bids in the window (an hour: a slow machine must not see it pass)
    settings.AUCTIONS_BID_RATE_LIMIT = 2
    settings.AUCTIONS_BID_RATE_WINDOW_SECONDS = 3600
    client.force_login(bidder_factory())
    url = reverse("auctions:lot_bid", args=[lot.pk])
    # when they send four bids through the lot page's form
    statuses = [client.post(url, {"max_amount": str(200 + i * 100)}).status_code for i in range(4)]
    # then the first two are taken and the others are refused with a message, not an error page
    assert statuses[:2] == [302, 302] and statuses[2:] == [429, 429]
    page = client.post(url, {"max_amount": "900"}).content.decode()
    assert "Too many bids" in page


@pytest.mark.django_db
def test_services_do_not_throttle_unless_asked(lot, bidder_factory, settings):
    # staff tools and tests that call the service directly are not limited
    settings.AUCTIONS_BID_RATE_LIMIT = 1
    bidder = bidder_factory()
    results = [bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount=str(1000 + i * 500))
               for i in range(3)]
    assert all(r.bid.accepted for r in results)


@pytest.mark.django_db
def test_a_first_bid_on_another_lot_costs_no_eligibility_query(open_lot_factory, auction_manager,
                                                               django_assert_max_num_queries):
    # given an auction of three lots, and two bidders who have each bid on the first lot
    from tests.auctions.factories import make_bidder

    auction, lots = open_lot_factory(3)
    alice, bob = (make_bidder(reviewer=auction_manager, auctions=[auction]) for _ in range(2))
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=alice, max_amount="1000")
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=bob, max_amount="2000")
    bidding.lot_place_bid(lot_id=lots[1].pk, bidder=bob, max_amount="1000")
    # when Alice bids on the second lot for the first time (its facts and hers are both known)
    # then only the bid itself touches the database: one call of the database function
    with django_assert_max_num_queries(1):
        result = bidding.lot_place_bid(lot_id=lots[1].pk, bidder=alice, max_amount="3000")
    assert result.leading


@pytest.mark.django_db
def test_a_bidder_who_becomes_a_case_party_is_refused_at_once(open_lot_factory, auction_manager, case):
    # given a bidder who is the defendant in the case the lots come from
    from custody.models import Party
    from tests.auctions.factories import make_bidder

    auction, lots = open_lot_factory(2)
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    profile = bidder.bidder_profile
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=bidder, max_amount="1000")  # eligible, and now cached
    Party.objects.create(case=case, role="defendant", name=profile.legal_name.upper(),
                         identity_number=profile.id_document_number)
    # when they bid again, on either lot
    # then the cached eligibility is not used: they are refused, and told only that they are not eligible
    for lot in lots:
        with pytest.raises(BidRefused) as refused:
            bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount="5000")
        assert refused.value.code == "not_eligible"
