"""BASE_URL: the one address every e-mail link starts with. A malformed one stops start-up with a
message saying what is expected, rather than mailing broken links."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _settings_with(settings, base_url: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; "
                               "print(s.PUBLIC_BASE_URL, s.WAGTAILADMIN_BASE_URL)"],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin", "APP_ENV": "development",
             "DATABASE_URL": "postgres://u@127.0.0.1:1/x", **({"BASE_URL": base_url} if base_url else {})},
        capture_output=True, text=True, timeout=120, cwd=settings.BASE_DIR,
    )


@pytest.mark.parametrize("value", ["auctions.example.org", "ftp://auctions.example.org", "https://",
                                   "https://auctions.example.org/?x=1"])
def test_a_malformed_base_url_stops_start_up(settings, value):
    result = _settings_with(settings, value)
    assert result.returncode != 0
    assert "BASE_URL must be like https://auctions.example.org" in result.stderr


def test_the_base_url_is_used_by_the_admin_too_and_loses_its_trailing_slash(settings):
    result = _settings_with(settings, "https://auctions.example.org/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://auctions.example.org", "https://auctions.example.org"]


def test_the_development_default_is_the_address_make_demo_serves(settings):
    # make demo prints http://127.0.0.1:8000/: links to localhost would carry no session cookie.
    result = _settings_with(settings, None)
    assert result.stdout.split()[0] == "http://127.0.0.1:8000"
