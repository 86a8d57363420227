"""Logs: one JSON object per line on standard error (python-json-logger), each with the request id.

Every line carries `time` (UTC, ISO 8601), `level`, `logger`, `message` and `request_id` (the id of
the request it was written in, or of the request that enqueued the Celery task it was written in:
config.observability), and whatever the caller passed in `extra`. One `access` line is written per
request (method, path, route, status, duration_ms). LOG_FORMAT=plain gives one readable line instead,
for a developer's terminal.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_str

LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, got {LOG_FORMAT!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Refused bids and other 4xx answers are the API working as designed, not trouble: the access
        # log has them. Server errors (5xx) are still logged.
        "django.request": {"level": env_str("DJANGO_REQUEST_LOG_LEVEL", "ERROR")},
        # One line per request (config.observability.RequestMiddleware); ACCESS_LOG_LEVEL=WARNING silences it.
        "access": {"level": env_str("ACCESS_LOG_LEVEL", "INFO")},
    },
}

# Celery's worker keeps these handlers (and so the JSON lines and the request id) instead of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
