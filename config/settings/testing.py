"""The test suite's settings: deterministic whatever services the machine has.

Tasks run eagerly (their effects are asserted in the same test), the cache is per process (tests
must not see each other's rate limits or leave keys in a shared Redis), and passwords hash fast.
Applies under APP_ENV=test, or whenever pytest imported these settings.
"""

import sys

from .base import APP_ENV

TESTING = APP_ENV == "test" or "pytest" in sys.modules

if TESTING:
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
