"""The address a request came from: the one place that reads it, for whatever is keyed, logged or
allowed by address (throttles, lock-out, the API's limits, webhook and consent records, the access
log, the metrics allow-list).

Production runs behind TRUSTED_PROXY_COUNT proxies (the load balancer, config/settings/auth.py): each
appended the address it saw to X-Forwarded-For, so the client's is the count-th from the right;
anything left of it the client may have written itself, and is never read. Without proxies (0) it is
REMOTE_ADDR, and a client-sent X-Forwarded-For is ignored. (django-ipware does the same with more
knobs; this one count is all the project needs, so it is not worth the dependency.)
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _an_address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, or None when there is no valid one (a test or a misconfigured server).

    Where the trusted proxies' entry is missing or not an address (fewer proxies than configured),
    the nearest proxy's address, REMOTE_ADDR, is answered: all clients behind it then share one
    count, which is stricter, never looser."""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count and (address := _an_address(forwarded[-count])):
            return address
    return _an_address(request.META.get("REMOTE_ADDR"))
