import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    """Skip, with the reason, tests whose services are not here."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://... (make test does when it answers)")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


from tests.fixtures import *  # noqa: E402,F401,F403


@pytest.fixture(scope="session", autouse=True)
def _flush_can_empty_the_custody_log():
    """Transactional tests end with a flush (TRUNCATE on PostgreSQL, DELETE on SQLite), which the
    custody log's append-only triggers refuse. The flush lifts them inside its own transaction,
    and only there, so they are back before anything else runs."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        if any("custody_custodyevent" in sql for sql in sql_list):
            if self.connection.vendor == "postgresql":
                table = 'ALTER TABLE "custody_custodyevent" {} TRIGGER USER'
                sql_list = [table.format("DISABLE"), *sql_list, table.format("ENABLE")]
            elif self.connection.vendor == "sqlite":
                from importlib import import_module

                triggers = import_module("custody.migrations.0002_roles_and_append_only").APPEND_ONLY_SQLITE
                drop = [f"DROP TRIGGER IF EXISTS {name}" for name in ("custody_event_no_update",
                                                                      "custody_event_no_delete")]
                sql_list = [*drop, *sql_list, *triggers]
        return original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original
