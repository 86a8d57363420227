from config.env import env_decimal, env_int

# The early-sale recommendation (valuation.selectors.early_sale_candidates_queryset).
# Cost of selling now: a share of the value plus a fixed amount (fees, advertising, transport).
EARLY_SALE_COST_PERCENT = env_decimal("EARLY_SALE_COST_PERCENT", "5")
EARLY_SALE_COST_FIXED = env_decimal("EARLY_SALE_COST_FIXED", "250")
# An asset is a candidate when selling now preserves at least this amount AND this share of its value.
EARLY_SALE_THRESHOLD_AMOUNT = env_decimal("EARLY_SALE_THRESHOLD_AMOUNT", "1000")
EARLY_SALE_THRESHOLD_PERCENT = env_decimal("EARLY_SALE_THRESHOLD_PERCENT", "10")
# Perishable goods with this many days of shelf life left (or fewer) are always candidates.
EARLY_SALE_URGENCY_DAYS = env_int("EARLY_SALE_URGENCY_DAYS", 30)
# Cases without an expected decision date are assumed to be decided this many days from now.
EARLY_SALE_DEFAULT_HORIZON_DAYS = env_int("EARLY_SALE_DEFAULT_HORIZON_DAYS", 730)
# A case officer is told about the same candidate again only after this many days.
EARLY_SALE_RENOTIFY_DAYS = env_int("EARLY_SALE_RENOTIFY_DAYS", 30)
