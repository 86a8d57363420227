"""Signing in: lock-out after failed attempts (django-axes), two-factor for staff who approve or move
money (django-otp), and sessions that end after a period without activity (common.security)."""

from datetime import timedelta

from config.env import env_int

from .base import INSTALLED_APPS, MIDDLEWARE, PRODUCTION

INSTALLED_APPS += [
    "axes",  # failed sign-ins, lock-outs (its models are listed in /django-admin/ too)
    "django_otp",
    "django_otp.plugins.otp_totp",  # time-based one-time passwords (any authenticator app)
]

# Axes first: a locked-out account or address is refused before any password is checked, on every
# login that goes through django.contrib.auth.authenticate (the staff admin, /django-admin/ which
# sends to it, the bidders' sign-in, the API's token endpoint).
AUTHENTICATION_BACKENDS = [
    "common.security.backends.LockoutBackend",  # django-axes, also able to load a session's user
    "django.contrib.auth.backends.ModelBackend",
]

_MESSAGES = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware")  # after authentication
MIDDLEWARE[_MESSAGES + 1:_MESSAGES + 1] = [
    "common.security.sessions.IdleSessionMiddleware",  # ends an idle session (and says so) before the view
    "django_otp.middleware.OTPMiddleware",
    "common.security.two_factor.StaffTwoFactorMiddleware",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last: it sees the final answer to a refused login

# Lock-out by account and, separately, by address: LOGIN_FAILURE_LIMIT failed attempts on one
# username lock it (from anywhere), as many from one address lock that address (whatever username),
# for LOGIN_COOLOFF_MINUTES, or until an administrator unlocks it (Settings → Locked sign-ins).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A successful sign-in does not forget failures: axes would forget every failure from that address too,
# so an attacker signing in to an account of their own between guesses would never be locked out.
# Failures older than the cool-off stop counting anyway.
AXES_RESET_ON_SUCCESS = False
# A failure while locked out does not restart the cool-off: the lock ends when it said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "common.security.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "common.net.client_address"
AXES_VERBOSE = False
# Production runs behind a load balancer (base.SECURE_PROXY_SSL_HEADER trusts its X-Forwarded-Proto):
# the client's address is then the one the nearest TRUSTED_PROXY_COUNT proxies appended to
# X-Forwarded-For. Without a proxy (0), REMOTE_ADDR. Everything keyed by address reads it from
# common.net.client_address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0)

# Two-factor: required in the staff admin (/admin/, /django-admin/) of superusers and of whoever holds
# one of these permissions: approving, endorsing, deciding, signing, paying and posting money (the
# Approver and Finance officer roles; see */roles.py). Other staff may set it up but are not made to.
TWO_FACTOR_PERMISSIONS = [
    "auctions.publish_auction",
    "custody.endorse_early_sale",
    "custody.dispose_asset",
    "valuation.review_appraisal",
    "valuation.approve_directsale",
    "valuation.post_storagecostaccrual",
    "ledger.add_journalentry",
    "disposition.record_payment",
    "disposition.confirm_payment",
    "disposition.approve_dispositiondecision",
    "disposition.revoke_dispositiondecision",
    "disposition.pay_allocation",
    "disposition.decide_claim",
    "disposition.pay_claim",
    "disposition.sign_sharingagreement",
    "disposition.transfer_sharingagreement",
]
OTP_TOTP_ISSUER = "Asset Recovery Office"  # the name authenticator apps show beside the code

# Sessions end after this long without a request: staff in minutes, bidders (who may watch a sale
# for an afternoon) longer. The last activity is written at most once a minute.
SESSION_IDLE_MINUTES_STAFF = env_int("SESSION_IDLE_MINUTES_STAFF", 30)
SESSION_IDLE_MINUTES_BIDDER = env_int("SESSION_IDLE_MINUTES_BIDDER", 8 * 60)

# The staff admin's sign-in form says so when the account or address is locked out.
WAGTAILADMIN_USER_LOGIN_FORM = "common.security.forms.StaffLoginForm"
