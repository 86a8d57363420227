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
