from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str

# The agency's own currency; every amount also stores its currency code.
DEFAULT_CURRENCY = env_str("DEFAULT_CURRENCY", "EUR")
AGENCY_NAME = env_str("AGENCY_NAME", "Asset Recovery Office")

# Phone numbers typed without a country prefix are read as numbers of this region (ISO 3166 code);
# they are stored in E.164 (+3225550123) and shown internationally.
PHONENUMBER_DEFAULT_REGION = env_str("PHONENUMBER_DEFAULT_REGION", "BE")
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"
# Bidders must be adults: the youngest age at which one may sign up and be approved.
BIDDER_MINIMUM_AGE = env_int("BIDDER_MINIMUM_AGE", 18)


def _base_url(raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"BASE_URL must be like https://auctions.example.org, got {raw!r}")
    return raw.strip().rstrip("/")


# The one address the site is reached at: every link in an e-mail (verification, password reset,
# outbid, staff notices) starts with it. Development's default is the host `make demo` serves on:
# a link to another host name (localhost against 127.0.0.1) has no session cookie, so it signs the
# reader out.
PUBLIC_BASE_URL = _base_url(env_str("BASE_URL", "http://127.0.0.1:8000"))
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL

# The public site's information pages (Wagtail pages created by cms' migrations), for the pages of
# lower apps that link to them (the sign-up form's consent, the footer).
INFO_PAGE_PATHS = {
    "terms": "/terms-of-sale/",
    "privacy": "/privacy/",
    "contact": "/contact/",
    "how_to_buy": "/how-to-buy/",
}
# Bumped whenever the terms of sale or the privacy notice change: each bidder's consent records it.
CONSENT_VERSION = env_str("CONSENT_VERSION", "2026-12")

# The staff admin carries the agency's name and logo, not Wagtail's (common/templates/wagtailadmin/).
WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", AGENCY_NAME)
# No gravatar.com: staff pictures are not fetched from a third party (and it broke behind the firewall);
# Wagtail shows its own default avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
