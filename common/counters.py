"""Counters in a fixed window, kept in a Django cache: in the shared one (Redis) across web nodes, and
in this process while that one is down (config.cache's backend says so through `guard`), so that a
limit still holds, per process, and is never lifted (the throttles of common.throttle, the bid
throttle of auctions.cache).

The in-process counters are a LocMemCache: it forgets a window when it expires and holds a bounded
number of them (the least recently used go first past MAX_ENTRIES), under its own lock.
"""

from __future__ import annotations

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

_in_process = LocMemCache("counters-while-redis-is-down", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def cache_count(cache: BaseCache, key: str, ttl: int) -> int:
    """Add one to the counter `key` in `cache` (made with `ttl` seconds to live when new); the count."""
    if cache.add(key, 1, timeout=ttl):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=ttl)
        return 1


def count_in_process(key: str, ttl: int) -> int:
    """Add one to the counter `key` kept in this process alone (made with `ttl` seconds to live when
    new); the count."""
    return cache_count(_in_process, key, ttl)
