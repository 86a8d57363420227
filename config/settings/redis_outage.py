"""Redis down or frozen: short timeouts, then a breaker (config/cache.py, config/broker.py).

Redis is the cache and Celery's broker, not a record: when it does not answer, bids and pages go on
from PostgreSQL. A call waits at most REDIS_TIMEOUT_MS (connect, and each read), and after a failure
Redis is left alone for REDIS_BREAKER_SECONDS before one call tries it again.
"""

from config.env import env_int

from .celery import CACHES, REDIS_URL

REDIS_TIMEOUT_MS = env_int("REDIS_TIMEOUT_MS", 300)
REDIS_BREAKER_SECONDS = env_int("REDIS_BREAKER_SECONDS", 5)

if REDIS_URL:
    _seconds = REDIS_TIMEOUT_MS / 1000
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_timeout=_seconds, socket_connect_timeout=_seconds)
    CELERY_BROKER_CONNECTION_TIMEOUT = _seconds
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": _seconds, "socket_connect_timeout": _seconds}
    # A task the broker does not take is run in process or left to the sweep (config.broker): no
    # publish retry loop holding the request meanwhile.
    CELERY_TASK_PUBLISH_RETRY = False
