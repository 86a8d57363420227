"""Counting attempts per key in a fixed window, across web nodes, for throttles.

The count lives in the shared Django cache (Redis in production). When the cache cannot be reached
the throttle fails safe: it neither lets everything through nor refuses everything, but counts in
this process alone against a quarter of the limit (at least one), so a Redis outage leaves sign-up
and e-mail working, more strictly, and a flood still stops.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from common.counters import cache_count, count_in_process
from common.net import client_address

logger = logging.getLogger(__name__)

# What a throttled person reads, beside the form or on its own page (429).
TOO_MANY = _("Too many attempts from your connection or for this e-mail address. Wait an hour and try again.")

def throttle_exceeded(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt under `key`; True when more than `limit` were made in the current window of
    `window` seconds. A limit of 0 or less turns the throttle off."""
    if limit <= 0:
        return False
    bucket = f"throttle:{key}:{int(time.time() // window)}"

    def counted_here() -> bool:  # the cache is down: count in this process, more strictly
        logger.warning("throttle: the cache is unreachable; counting %s in this process", key)
        return count_in_process(bucket, window + 1) > max(1, limit // 4)

    cache = caches["default"]
    guard = getattr(cache, "guard", None)  # config.cache.RedisCache: Redis itself, behind its circuit breaker
    if guard is not None:
        return guard(lambda: _redis_count(cache, bucket, window) > limit, counted_here)
    try:
        return cache_count(cache, bucket, window + 1) > limit
    except Exception:  # another backend that raises when down
        return counted_here()


def _redis_count(cache, bucket: str, window: int) -> int:
    """One round trip: add one and set the window's expiry. Raises when Redis is down (the guard's
    fallback then counts here): the fail-soft cache calls would answer as if nothing were counted."""
    key = cache.make_and_validate_key(bucket)
    pipe = cache._cache.get_client(write=True).pipeline(transaction=False)
    pipe.incr(key)
    pipe.expire(key, window + 1)
    return int(pipe.execute()[0])


@dataclass(frozen=True)
class Throttle:
    """A named throttle counted per client address and, where one is typed, per e-mail address."""

    scope: str
    per_client: int
    per_email: int
    window: int

    def exceeded(self, request: HttpRequest, email: str = "") -> bool:
        """Count this attempt; True when either count is over its limit. Both are counted, so that
        a client cannot reset one by varying the other."""
        over = throttle_exceeded(f"{self.scope}:ip:{client_address(request) or 'unknown'}", limit=self.per_client,
                                 window=self.window)
        email = (email or "").strip().lower()
        if email:
            over = throttle_exceeded(f"{self.scope}:email:{email}", limit=self.per_email,
                                     window=self.window) or over
        return over

    def refused(self, request: HttpRequest, form, email: str = "") -> bool:
        """Count this attempt (exceeded); when over a limit, put the refusal on `form`, above its fields,
        and say so: the caller then answers 429 with the form."""
        if not self.exceeded(request, email=email):
            return False
        form.add_error(None, TOO_MANY)
        return True


def throttle(scope: str) -> Throttle:
    """The throttle `scope` as settings.THROTTLES configures it (per_client, per_email, window)."""
    per_client, per_email, window = settings.THROTTLES[scope]
    return Throttle(scope=scope, per_client=per_client, per_email=per_email, window=window)


def too_many_page(request: HttpRequest) -> HttpResponse:
    """The page (429) for a throttled request that has no form to show the message beside."""
    return render(request, "error.html", {"status": 429, "title": _("Too many attempts"), "detail": TOO_MANY},
                  status=429)
