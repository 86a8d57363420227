from config.env import env_str

# The agency's own currency; every amount also stores its currency code.
DEFAULT_CURRENCY = env_str("DEFAULT_CURRENCY", "EUR")
AGENCY_NAME = env_str("AGENCY_NAME", "Asset Recovery Office")

# The staff admin carries the agency's name and logo, not Wagtail's (common/templates/wagtailadmin/).
WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", AGENCY_NAME)
# No gravatar.com: staff pictures are not fetched from a third party (and it broke behind the firewall);
# Wagtail shows its own default avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
