"""Settings of the server the API load benchmark starts: the project's, with every key it writes to
Redis under a prefix of the benchmark's own (BENCH_KEY_PREFIX), so that on a shared Redis it can
delete exactly what it wrote and nothing else. The cache's keys take it as Django's KEY_PREFIX,
Celery's queue and binding keys as kombu's global_keyprefix.
"""

# ruff: noqa: F403, F405
import os

from django.core.exceptions import ImproperlyConfigured

from config.settings import *

BENCH_KEY_PREFIX = os.environ["BENCH_KEY_PREFIX"]
if not REDIS_URL:
    raise ImproperlyConfigured("the API load benchmark's server runs on Redis: REDIS_URL's, or a server of its own")
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": BENCH_KEY_PREFIX}}
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{BENCH_KEY_PREFIX}:"}
