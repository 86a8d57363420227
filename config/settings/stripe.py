from config.env import env_int, env_str

# Secret values come from the environment only. The defaults point at the localstripe stand-in,
# which accepts any key starting with sk_test_.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "sk_test_localstripe")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "pk_test_localstripe")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# Empty means Stripe itself; set to http://127.0.0.1:8420 to use localstripe.
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
# Stripe.js, loaded by the invoice page for paying by card (Elements). Empty means Stripe's own, or,
# when STRIPE_API_BASE points at localstripe, the stand-in localstripe serves at /js.stripe.com/v3/.
STRIPE_JS_URL = env_str("STRIPE_JS_URL", "")

# The webhook refuses a body larger than this (413; Stripe's events are a few kB). A refused call is
# recorded without its body, at most this many an hour, and kept this many days.
STRIPE_WEBHOOK_MAX_BYTES = env_int("STRIPE_WEBHOOK_MAX_BYTES", 256 * 1024)
STRIPE_WEBHOOK_REFUSED_PER_HOUR = env_int("STRIPE_WEBHOOK_REFUSED_PER_HOUR", 1000)
STRIPE_WEBHOOK_REFUSED_KEEP_DAYS = env_int("STRIPE_WEBHOOK_REFUSED_KEEP_DAYS", 30)
