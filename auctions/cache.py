"""Cache reads of the bid path that take one round trip to Redis where Django's API would take several."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache.backends.redis import RedisCache

from common.counters import cache_count, count_in_process


def count_and_get_many(counter_key: str | None, ttl: int, keys: list[str], *, using: str = "default",
                       fallback_count: Callable[[], int] | None = None):
    """Add one to a counter (made with `ttl` seconds to live when new) and read `keys`, as one round
    trip on Redis (a pipeline). Returns (count, found) where found is what `cache.get_many(keys)`
    returns; count is None when no counter_key was given. Other backends do the same in several calls.

    When Redis is down, nothing is found and the counter is kept in this process instead; with a
    `fallback_count` (a count the caller can make from the database), the higher of the two is
    returned, so that a limit holds across processes as well.
    """
    from django.core.cache import caches

    cache = caches[using]
    if isinstance(cache, RedisCache):  # Django's, or config.cache's subclass of it

        def on_redis():
            client = cache._cache.get_client(write=True)
            pipe = client.pipeline(transaction=False)
            made = [cache.make_and_validate_key(key) for key in keys]
            if counter_key is not None:
                counter = cache.make_and_validate_key(counter_key)
                pipe.incr(counter)
                pipe.expire(counter, ttl)
            if made:
                pipe.mget(made)
            replies = pipe.execute()
            count = int(replies[0]) if counter_key is not None else None
            loads = cache._cache._serializer.loads
            values = replies[-1] if made else []
            return count, {key: loads(value) for key, value in zip(keys, values, strict=True) if value is not None}

        def without_redis():
            if counter_key is None:
                return None, {}
            count = count_in_process(counter_key, ttl)
            return (max(count, fallback_count()) if fallback_count is not None else count), {}

        guard = getattr(cache, "guard", None)
        return guard(on_redis, without_redis) if guard is not None else on_redis()
    count = cache_count(cache, counter_key, ttl) if counter_key is not None else None
    return count, cache.get_many(keys) if keys else {}
