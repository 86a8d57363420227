"""Throttles on what the public can make the system do for a typed e-mail address or upload: open
accounts, send e-mails. Each is (most per client address, most per e-mail address, window in
seconds), counted in the shared cache (common/throttle.py; a quarter of the limit, per process, when
the cache is down). A limit of 0 turns that count off."""

from config.env import env_int

_HOUR = 3600
_SIGN_UP_PER_CLIENT = env_int("THROTTLE_SIGN_UP_PER_CLIENT", 5)
_EMAIL_PER_CLIENT = env_int("THROTTLE_EMAIL_PER_CLIENT", 10)
_EMAIL_PER_ADDRESS = env_int("THROTTLE_EMAIL_PER_ADDRESS", 3)

THROTTLES = {
    # Accounts opened (with their identity documents), per client and per typed address.
    "sign_up": (_SIGN_UP_PER_CLIENT, _EMAIL_PER_ADDRESS, _HOUR),
    # E-mails to an address someone typed: verification again, a new address, a password reset,
    # a consultation comment's confirmation, a claimant's account.
    "email": (_EMAIL_PER_CLIENT, _EMAIL_PER_ADDRESS, _HOUR),
}
