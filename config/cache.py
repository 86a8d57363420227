"""The Redis cache backend: one client per connection pool, and a cache that fails soft.

Django's RedisCache builds a new `redis.Redis` object for every cache call, and redis-py fills a
table of some 170 response callbacks in each: about 0.4 ms of CPU per call, more than the round
trip itself. A `redis.Redis` is safe to share between threads (each command takes a connection
from the pool), so this backend keeps one per pool.

Redis is a cache here, not a record: when it is down or frozen, every call answers as a cache that
holds nothing (a read misses, a write is dropped, `add` says the key is taken, `incr` says it is
missing) after at most one short socket timeout (`REDIS_TIMEOUT_MS`), and a circuit breaker
(common.breaker) spares the following calls even that for `REDIS_BREAKER_SECONDS`. What the data's
owners compute on a miss comes from PostgreSQL. A write that was dropped may leave an old value
behind (an invalidation, a bumped generation): those keys are remembered and deleted, or bumped,
when Redis answers again.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit, urlunsplit

import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property
from redis.backoff import NoBackoff
from redis.retry import Retry

from common.breaker import CircuitBreaker, breaker_for

log = logging.getLogger(__name__)

REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError, OSError)

# Keys whose invalidation was missed, kept until Redis answers again (beyond this many, the oldest
# are forgotten: every entry of this project's caches has a lifetime of its own as well).
MISSED_KEYS_MAX = 10_000


def redacted(url: str) -> str:
    """A server's address for the logs, without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class FailSoftRedisCacheClient(SharedClientRedisCacheClient):
    """Every call through the breaker; what a dropped write may have left stale is put right later."""

    def __init__(self, servers, *, breaker: CircuitBreaker, **options):
        # One try per call (redis-py would retry a refused connection three times, with back-off):
        # the breaker, not a retry loop, decides when Redis is tried again.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(servers, **options)
        self.breaker = breaker
        self._missed_lock = threading.Lock()
        self._missed_deletes: dict[str, None] = {}  # ordered: the oldest are forgotten first
        self._missed_incrs: set[str] = set()
        breaker.when_recovered(self._put_right)

    def guard(self, func, fallback):
        return self.breaker.call(func, fallback)

    def _missed(self, keys, *, incr: bool = False) -> None:
        with self._missed_lock:
            if incr:
                self._missed_incrs.update(keys)
                return
            for key in keys:
                self._missed_deletes[key] = None
            while len(self._missed_deletes) > MISSED_KEYS_MAX:
                del self._missed_deletes[next(iter(self._missed_deletes))]

    def _put_right(self) -> None:
        """Redis answers again: delete what dropped writes may have left stale, bump what was not bumped."""
        with self._missed_lock:
            deletes, incrs = list(self._missed_deletes), list(self._missed_incrs)
            self._missed_deletes.clear()
            self._missed_incrs.clear()
        if not deletes and not incrs:
            return
        client = self.get_client(write=True)

        def put_right():
            for start in range(0, len(deletes), 500):
                client.delete(*deletes[start:start + 500])
            for key in incrs:
                if client.exists(key):
                    client.incr(key)

        def missed_again():
            self._missed(deletes)
            self._missed(incrs, incr=True)

        self.guard(put_right, missed_again)
        log.info("Redis cache: %s stale keys deleted, %s generations bumped after an outage", len(deletes), len(incrs))

    # -- the cache's calls, each answering as an empty cache when Redis does not ----------------

    def get(self, key, default):
        return self.guard(lambda: SharedClientRedisCacheClient.get(self, key, default), lambda: default)

    def get_many(self, keys):
        keys = list(keys)
        return self.guard(lambda: SharedClientRedisCacheClient.get_many(self, keys), dict)

    def has_key(self, key):
        return self.guard(lambda: SharedClientRedisCacheClient.has_key(self, key), lambda: False)

    def add(self, key, value, timeout):
        return self.guard(lambda: SharedClientRedisCacheClient.add(self, key, value, timeout), lambda: False)

    def set(self, key, value, timeout):
        self.guard(lambda: SharedClientRedisCacheClient.set(self, key, value, timeout),
                   lambda: self._missed([key]))

    def set_many(self, data, timeout):
        self.guard(lambda: SharedClientRedisCacheClient.set_many(self, data, timeout),
                   lambda: self._missed(list(data)))

    def touch(self, key, timeout):
        return self.guard(lambda: SharedClientRedisCacheClient.touch(self, key, timeout), lambda: False)

    def delete(self, key):
        return self.guard(lambda: SharedClientRedisCacheClient.delete(self, key),
                          lambda: self._missed([key]) or False)

    def delete_many(self, keys):
        keys = list(keys)
        self.guard(lambda: SharedClientRedisCacheClient.delete_many(self, keys), lambda: self._missed(keys))

    def incr(self, key, delta):
        def missing():
            self._missed([key], incr=True)
            raise ValueError(f"Key '{key}' not found.")  # as Django says of a missing key: callers handle it

        return self.guard(lambda: SharedClientRedisCacheClient.incr(self, key, delta), missing)

    def clear(self):
        return self.guard(lambda: SharedClientRedisCacheClient.clear(self), lambda: False)


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        name = "Redis cache at " + ",".join(redacted(server) for server in self._servers)
        breaker = breaker_for(name, reset_seconds=getattr(settings, "REDIS_BREAKER_SECONDS", 5), errors=REDIS_DOWN)
        return FailSoftRedisCacheClient(self._servers, breaker=breaker, **self._options)

    def guard(self, func, fallback):
        """`func()`, which talks to this cache's Redis itself (a pipeline, say), or `fallback()` when
        Redis is down or was found down moments ago."""
        return self._cache.guard(func, fallback)
