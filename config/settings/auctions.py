from config.env import env_int

from .celery import CELERY_BEAT_SCHEDULE

# The bid API refuses more than this many bids per bidder within the window (429). Counted in the
# Django cache (Redis in production, so the limit holds across gunicorn workers and hosts).
AUCTIONS_BID_RATE_LIMIT = env_int("AUCTIONS_BID_RATE_LIMIT", 10)
AUCTIONS_BID_RATE_WINDOW_SECONDS = env_int("AUCTIONS_BID_RATE_WINDOW_SECONDS", 10)
AUCTIONS_API_PAGE_SIZE = env_int("AUCTIONS_API_PAGE_SIZE", 50)

# Each lot also gets a task at its end time; the sweep catches anything missed.
CELERY_BEAT_SCHEDULE["auctions-sweep"] = {"task": "auctions.tasks.sweep", "schedule": 60.0}
