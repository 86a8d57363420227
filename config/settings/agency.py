from config.env import env_str

# The agency's own currency; every amount also stores its currency code.
DEFAULT_CURRENCY = env_str("DEFAULT_CURRENCY", "EUR")
AGENCY_NAME = env_str("AGENCY_NAME", "Asset Recovery Office")
