from config.env import env_str

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
