from celery.schedules import crontab

from config.env import env_int

from .celery import CELERY_BEAT_SCHEDULE

# The bid API refuses more than this many bids per bidder within the window (429). Counted in the
# Django cache (Redis in production, so the limit holds across gunicorn workers and hosts).
AUCTIONS_BID_RATE_LIMIT = env_int("AUCTIONS_BID_RATE_LIMIT", 10)
AUCTIONS_BID_RATE_WINDOW_SECONDS = env_int("AUCTIONS_BID_RATE_WINDOW_SECONDS", 10)
AUCTIONS_API_PAGE_SIZE = env_int("AUCTIONS_API_PAGE_SIZE", 50)

# Each lot also gets a task at its end time; the sweep catches anything missed.
CELERY_BEAT_SCHEDULE["auctions-sweep"] = {"task": "auctions.tasks.sweep", "schedule": 60.0}
# Refused webhook calls are kept STRIPE_WEBHOOK_REFUSED_KEEP_DAYS.
CELERY_BEAT_SCHEDULE["auctions-stripe-refused-prune"] = {
    "task": "auctions.tasks.stripe_events_refused_prune", "schedule": 3600.0}

# A bidder's maximum above this many times the lot's current price (its starting price before any
# bid) is taken only once the bidder confirms that very amount on the lot page ("1,000,000,000" typed
# for a 3,000 EUR watch is a slip more often than an intent). 0 turns the confirmation off.
AUCTIONS_CONFIRM_MAX_MULTIPLE = env_int("AUCTIONS_CONFIRM_MAX_MULTIPLE", 10)

# Deposits: Stripe lets a card hold (an authorisation) live about seven days. A hold that would lapse
# (its start + DEPOSIT_HOLD_DAYS - DEPOSIT_HOLD_MARGIN_DAYS) before its lot is settled (the auction's
# last lot ends + DEPOSIT_PAYMENT_WINDOW_DAYS) is replaced by the card saved for an off-session charge.
DEPOSIT_HOLD_DAYS = env_int("DEPOSIT_HOLD_DAYS", 7)
DEPOSIT_HOLD_MARGIN_DAYS = env_int("DEPOSIT_HOLD_MARGIN_DAYS", 1)
DEPOSIT_PAYMENT_WINDOW_DAYS = env_int("DEPOSIT_PAYMENT_WINDOW_DAYS", 2)
CELERY_BEAT_SCHEDULE["auctions-deposits-replace-lapsing"] = {
    "task": "auctions.tasks.deposits_replace_lapsing", "schedule": 3600.0}

# Bearer tokens of the bidder API: each lives this many days from when it was obtained, and a user
# has at most this many live ones (obtaining one more revokes their oldest; see auctions.services.tokens).
AUCTIONS_API_TOKEN_LIFETIME_DAYS = env_int("AUCTIONS_API_TOKEN_LIFETIME_DAYS", 30)
AUCTIONS_API_TOKENS_PER_USER = env_int("AUCTIONS_API_TOKENS_PER_USER", 10)
# A bidder who erases their account: bids, deposits, invoices and payments are accounting records,
# kept this many years (the privacy page says so).
BIDDER_RECORDS_RETENTION_YEARS = env_int("BIDDER_RECORDS_RETENTION_YEARS", 10)
# Every night, what those records still hold of the person is cut once their retention has ended (the
# rows stay, for the ledger's postings point to them: auctions.services.privacy.bidder_records_expire).
CELERY_BEAT_SCHEDULE["auctions-bidder-records-expire"] = {
    "task": "auctions.tasks.bidder_records_expire", "schedule": crontab(hour=2, minute=45)}
