"""PostgreSQL is the only database, in development and tests too.

DATABASE_URL names it. The Makefile's commands set it to the embedded PostgreSQL they start
(scripts/with_services.py) when it is not set.
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str

_url = env_str("DATABASE_URL")
if not _url:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Set it to postgres://user:password@host:5432/name, or run the command "
        "through `scripts/with_services.py -- ...` (as `make` does), which starts the embedded PostgreSQL.")

# Connections are kept between requests; each is checked before a request reuses it, so that one the
# server dropped (restart, fail-over) is replaced rather than failing the request (config.views answers
# 503 to one that fails mid-request).
DATABASES = {"default": dj_database_url.parse(_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
                                              conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(f"DATABASE_URL must name a PostgreSQL database, not {DATABASES['default']['ENGINE']}")
