"""Operations: /metrics for the monitoring system, /readyz, backups.

/metrics answers the monitoring system only: a request bearing `Authorization: Bearer <METRICS_TOKEN>`,
or one from an address in METRICS_ALLOWED_ADDRESSES (addresses or networks, comma-separated: the
client's address, common.net.client_address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the
one they forwarded). Anyone else gets a 403; with neither set, /metrics answers 404 to everyone.
"""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_list, env_str

from .base import PRODUCTION


def _networks(name: str) -> list:
    try:
        return [ipaddress.ip_network(item, strict=False) for item in env_list(name)]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be IP addresses or networks (10.0.0.0/8), comma-separated: {exc}") \
            from exc


METRICS_TOKEN = env_str("METRICS_TOKEN", "") or ""
if METRICS_TOKEN and len(METRICS_TOKEN) < 16:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 16 characters long")
METRICS_ALLOWED_ADDRESSES = _networks("METRICS_ALLOWED_ADDRESSES")

# The Celery queues whose length and lag /metrics reports (default: the queues Celery is configured with).
METRICS_CELERY_QUEUES = env_list("METRICS_CELERY_QUEUES")

# Each check of /readyz waits at most this long (milliseconds) for the database and for the cache's and
# the broker's Redis.
READINESS_TIMEOUT_MS = env_int("READINESS_TIMEOUT_MS", 1000)

# `manage.py backup` / `restore`: the folder holding pg_dump and pg_restore, when the right ones are not
# found by themselves (the server's major version under /usr/lib/postgresql, the PATH, the embedded wheel).
PG_BIN_DIR = env_str("PG_BIN_DIR", "") or ""

if PRODUCTION:
    from .base import SECURE_REDIRECT_EXEMPT

    # The orchestrator's readiness probe and the monitoring system's scrape come over plain HTTP too.
    SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^readyz$", r"^metrics$"]
