import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Password hashing is not under test here; a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
