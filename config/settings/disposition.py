from celery.schedules import crontab

from config.env import env_decimal, env_int

from .celery import CELERY_BEAT_SCHEDULE

# VAT charged on the hammer price and the buyer's premium, in percent, for every sale (one agency-wide
# rate: the agency's public sales are usually outside VAT, hence 0 by default).
DISPOSITION_VAT_PERCENT = env_decimal("DISPOSITION_VAT_PERCENT", "0")
# The buyer pays within this many business days (Monday to Friday) after the invoice's date ...
DISPOSITION_PAYMENT_BUSINESS_DAYS = env_int("DISPOSITION_PAYMENT_BUSINESS_DAYS", 2)
# ... or, for a lot of real estate, within this many calendar days.
DISPOSITION_REAL_ESTATE_PAYMENT_DAYS = env_int("DISPOSITION_REAL_ESTATE_PAYMENT_DAYS", 30)
# The agency's costs of selling (advertising, the sale itself), in percent of the hammer price, kept
# from the proceeds before the net goes to the case's escrow or the confiscated-proceeds fund.
DISPOSITION_SALE_COST_PERCENT = env_decimal("DISPOSITION_SALE_COST_PERCENT", "0")
# Once paid, the buyer collects within this many business days; after that, storage fees accrue.
DISPOSITION_COLLECTION_BUSINESS_DAYS = env_int("DISPOSITION_COLLECTION_BUSINESS_DAYS", 10)

# Collection: a lot not collected by its deadline accrues this storage fee per day late, in the
# invoice's currency (0 for real estate, which is not collected from a store).
DISPOSITION_STORAGE_FEE_PER_DAY = env_decimal("DISPOSITION_STORAGE_FEE_PER_DAY", "25.00")
# The storage fees are accrued every night, for the day that ended (disposition.tasks).
CELERY_BEAT_SCHEDULE["disposition-storage-fees-accrue"] = {
    "task": "disposition.tasks.storage_fees_accrue_daily",
    "schedule": crontab(hour=0, minute=30),
}

# Defaults: a fixed cost of each buyer's default (added to the loss the deposit covers), the number of
# defaults after which a bidder may not bid, and how long a second-chance offer stays open.
DISPOSITION_DEFAULT_COSTS = env_decimal("DISPOSITION_DEFAULT_COSTS", "0")
DISPOSITION_DEFAULTS_BEFORE_BAR = env_int("DISPOSITION_DEFAULTS_BEFORE_BAR", 2)
DISPOSITION_SECOND_CHANCE_HOURS = env_int("DISPOSITION_SECOND_CHANCE_HOURS", 72)

# Social reuse: projects whose monitoring report is overdue are told to staff every morning (once per
# due date).
CELERY_BEAT_SCHEDULE["disposition-reuse-reports-overdue"] = {
    "task": "disposition.tasks.reuse_reports_overdue",
    "schedule": crontab(hour=7, minute=0),
}

# Public consultations: an open one whose comment period is over is closed by the system every ten minutes
# (its page stops taking comments at that moment anyway; the close lets staff moderate and respond).
CELERY_BEAT_SCHEDULE["disposition-consultations-close-due"] = {
    "task": "disposition.tasks.consultations_close_due",
    "schedule": crontab(minute="*/10"),
}
