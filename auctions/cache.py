"""Cache reads of the bid path that take one round trip to Redis where Django's API would take several."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache


def count_and_get_many(counter_key: str | None, ttl: int, keys: list[str], *, using: str = "default"):
    """Add one to a counter (made with `ttl` seconds to live when new) and read `keys`, as one round
    trip on Redis (a pipeline). Returns (count, found) where found is what `cache.get_many(keys)`
    returns; count is None when no counter_key was given. Other backends do the same in several calls.
    """
    from django.core.cache import caches

    cache = caches[using]
    if isinstance(cache, RedisCache):  # Django's, or config.cache's subclass of it
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
    count = None
    if counter_key is not None:
        if cache.add(counter_key, 1, timeout=ttl):
            count = 1
        else:
            try:
                count = cache.incr(counter_key)
            except ValueError:  # expired between the two calls
                cache.add(counter_key, 1, timeout=ttl)
                count = 1
    return count, cache.get_many(keys) if keys else {}
