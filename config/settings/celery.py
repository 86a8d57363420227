from celery.schedules import crontab

from config.env import env_str

REDIS_URL = env_str("REDIS_URL", "")

# With no Redis, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {}

# valuation: the early-sale recommendation every night, cost accruals on the first of the month.
CELERY_BEAT_SCHEDULE["valuation-early-sale-recommendation"] = {
    "task": "valuation.tasks.compute_early_sale_candidates",
    "schedule": crontab(hour=2, minute=15),
}
CELERY_BEAT_SCHEDULE["valuation-accrue-storage-costs"] = {
    "task": "valuation.tasks.accrue_storage_costs",
    "schedule": crontab(day_of_month=1, hour=3, minute=0),
}
# ledger: reconciliation every night, after the day's postings (finance is e-mailed on a mismatch).
CELERY_BEAT_SCHEDULE["ledger-reconcile"] = {
    "task": "ledger.tasks.reconcile_nightly",
    "schedule": crontab(hour=1, minute=30),
}
# disposition: invoices unpaid at their deadline defaulted, deposits taken and refunds retried, offers
# expired and defaults settled, every hour.
CELERY_BEAT_SCHEDULE["disposition-defaults-hourly"] = {
    "task": "disposition.tasks.defaults_hourly",
    "schedule": crontab(minute=20),
}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
