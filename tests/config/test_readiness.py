"""/readyz: 200 when this node may take traffic, 503 naming what is down otherwise; /healthz unchanged."""

import pytest
from django.db import connection

from config import ops

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _time_enough_on_a_busy_machine(settings):
    """A part that is up or down answers at once; on a loaded CI machine "at once" may still exceed the
    1 s default and read as "timeout". The tests of the timeout itself set their own, shorter one."""
    settings.READINESS_TIMEOUT_MS = 10_000


def test_ready_when_every_part_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["failing"] == []
    assert body["checks"] == {"database": "ok", "migrations": "ok", "cache": "ok",
                              "broker": "not used", "storage": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_cache_redis_that_does_not_answer_is_named(client, settings, tmp_path):
    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache",
                                   "LOCATION": f"unix://{tmp_path}/no-redis.sock"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["failing"] == ["cache"]
    assert body["checks"]["cache"] == "down" and body["checks"]["database"] == "ok"


def test_a_broker_that_does_not_answer_is_named(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = f"unix://{tmp_path}/no-broker.sock"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failing"] == ["broker"]


@pytest.mark.redis
def test_a_broker_that_answers_is_ok(client, settings, celery_broker_url):
    settings.CELERY_BROKER_URL = celery_broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["broker"] == "ok"


def test_storage_that_cannot_be_written_is_named_without_its_path(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.PRIVATE_MEDIA_ROOT = str(blocker / "private")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["storage"] and body["checks"]["storage"] == "not writable: private media"
    assert str(tmp_path) not in response.content.decode()


def test_pending_migrations_are_named(client, monkeypatch):
    monkeypatch.setattr(ops, "_migrations_applied", False)
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute("DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations "
                       "WHERE app = 'ledger')")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"] and response.json()["checks"]["migrations"] == "1 pending"


def test_a_database_down_is_named_and_migrations_are_not_guessed(client, monkeypatch):
    # The check connects anew: where nothing listens, the database is down (this test's own connection,
    # already open, is not asked).
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database", "migrations"]
    assert body["checks"]["database"] == "down" and body["checks"]["migrations"] == "unknown (database down)"
    assert "connection refused" not in response.content.decode()


def test_a_check_that_hangs_costs_the_probe_its_timeout(client, settings, monkeypatch):
    import threading

    release = threading.Event()
    settings.READINESS_TIMEOUT_MS = 200
    monkeypatch.setattr(ops, "_check_cache", lambda: release.wait(30) and "ok")
    try:
        response = client.get("/readyz")
    finally:
        release.set()
    assert response.status_code == 503 and response.json()["checks"]["cache"] == "timeout"


def test_a_database_that_hangs_costs_the_probe_its_timeout_and_no_more_threads(client, settings, monkeypatch):
    import threading
    import time

    release, calls = threading.Event(), []

    def frozen():
        calls.append(1)
        release.wait(30)
        return "ok"

    settings.READINESS_TIMEOUT_MS = 200
    monkeypatch.setattr(ops, "_check_database", frozen)
    try:
        started = time.monotonic()
        first = client.get("/readyz")
        second = client.get("/readyz")
        elapsed = time.monotonic() - started
    finally:
        release.set()
        ops._database_probe.result(timeout=5)
    for response in (first, second):
        body = response.json()
        assert response.status_code == 503 and body["failing"] == ["database", "migrations"]
        assert body["checks"]["database"] == "timeout"
        assert body["checks"]["migrations"] == "unknown (database down)"
    assert elapsed < 2  # two probes, each waiting 0.2 s for the database
    assert len(calls) == 1  # the second probe waited for the first one's check instead of starting another


def test_the_database_check_leaves_no_connection_open(client):
    def probes() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            return cursor.fetchone()[0]

    before = probes()
    assert client.get("/readyz").json()["checks"]["database"] == "ok"
    assert probes() == before


def test_healthz_stays_the_cheap_liveness_check(client, settings):
    """/healthz asks the database (and Redis where one is configured), never migrations, broker or storage."""
    response = client.get("/healthz")
    expected = {"database": "ok", **({"redis": "ok"} if settings.REDIS_URL else {})}
    assert response.status_code == 200 and response.json()["checks"] == expected
