import pytest


@pytest.fixture
def celery_broker_url(redis_url):
    """The test Redis as Celery's broker URL: kombu names a Unix socket redis+socket:///path."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://").split("?")[0]
    return redis_url
