import dj_database_url

from config.env import env_int, env_str

from .base import PRODUCTION, VAR_DIR

# DATABASE_URL=postgres://postgres@127.0.0.1:5432/assets for PostgreSQL; the embedded default is SQLite.
_url = env_str("DATABASE_URL") or ("" if PRODUCTION else f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
if not _url:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DATABASE_URL must be set in production")

DATABASES = {"default": dj_database_url.parse(_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
