import pytest

# The settlement journey builds on the auctions' fixtures and the Stripe stand-in.
from tests.auctions.conftest import localstripe_url, open_lot_factory  # noqa: F401 - fixtures
from tests.disposition.stripe_helpers import stripe_settings  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Password hashing is not under test here; a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
