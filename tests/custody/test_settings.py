"""Settings are read from the environment by typed helpers that fail loudly on a malformed value:
a typo in a deployment must stop the start-up with a message naming the variable, not run with a
silently wrong value."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env


@pytest.mark.parametrize("raw,expected", [("1", True), ("TRUE", True), (" yes ", True), ("on", True),
                                          ("0", False), ("false", False), ("No", False), ("off", False),
                                          ("", False)])
def test_booleans_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FEATURE_X", raw)
    assert env.env_bool("FEATURE_X", default=not expected) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "ture", "y e s"])
def test_a_malformed_boolean_stops_start_up_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("DEBUG_X", raw)
    with pytest.raises(ImproperlyConfigured, match=rf"DEBUG_X must be a boolean .*got '{raw}'"):
        env.env_bool("DEBUG_X")


def test_missing_values_take_their_defaults(monkeypatch):
    for name in ["UNSET_B", "UNSET_I", "UNSET_D", "UNSET_L", "UNSET_S"]:
        monkeypatch.delenv(name, raising=False)
    assert env.env_bool("UNSET_B", True) is True
    assert env.env_int("UNSET_I", 60) == 60
    assert env.env_decimal("UNSET_D", "0.05") == Decimal("0.05")
    assert env.env_list("UNSET_L", "a, b,,c ") == ["a", "b", "c"]
    assert env.env_str("UNSET_S", "EUR") == "EUR"


@pytest.mark.parametrize("raw", ["sixty", "1.5", "60s", "0x3c"])
def test_a_malformed_integer_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv("DB_CONN_MAX_AGE_X", raw)
    with pytest.raises(ImproperlyConfigured, match="DB_CONN_MAX_AGE_X must be an integer"):
        env.env_int("DB_CONN_MAX_AGE_X", 60)


def test_integers_are_read(monkeypatch):
    monkeypatch.setenv("WORKERS_X", " 8 ")
    assert env.env_int("WORKERS_X", 1) == 8


@pytest.mark.parametrize("raw", ["five percent", "1,5", "--1", "NaN", "Infinity", "-inf", ""])
def test_a_malformed_decimal_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv("FEE_RATE_X", raw)
    with pytest.raises(ImproperlyConfigured, match="FEE_RATE_X must be a decimal number"):
        env.env_decimal("FEE_RATE_X", "0")


def test_decimals_are_exact(monkeypatch):
    monkeypatch.setenv("FEE_RATE_X", "0.1")
    value = env.env_decimal("FEE_RATE_X", "0")
    assert isinstance(value, Decimal) and value * 3 == Decimal("0.3")


def test_a_malformed_default_is_caught_too():
    with pytest.raises(ImproperlyConfigured):
        env.env_decimal("UNSET_DECIMAL_X", "abc")


def test_lists_are_split_on_commas(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS_X", "assets.example.org, admin.example.org ,")
    assert env.env_list("ALLOWED_HOSTS_X") == ["assets.example.org", "admin.example.org"]


def test_an_unknown_app_env_stops_start_up(settings):
    """The settings module itself refuses an APP_ENV it does not know (e.g. a typo'd 'prod')."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "APP_ENV": "prod", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120, cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "APP_ENV must be development, test or production, got 'prod'" in result.stderr


def test_production_without_a_secret_key_stops_start_up(settings):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "APP_ENV": "production",
             "DATABASE_URL": "postgres://u@127.0.0.1:1/x", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120, cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def _start_django(settings, **env):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin", **env},
        capture_output=True, text=True, timeout=120, cwd=settings.BASE_DIR,
    )


def test_without_a_database_url_start_up_says_how_to_get_one(settings):
    result = _start_django(settings, APP_ENV="development")
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "scripts/with_services.py" in result.stderr


def test_a_database_other_than_postgresql_is_refused(settings, tmp_path):
    result = _start_django(settings, APP_ENV="development", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr
