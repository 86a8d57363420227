"""Production settings: `manage.py check --deploy` finds nothing to warn about, production refuses to
start with DEBUG on, and the staff admin has no route that fails on purpose."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

MANAGE = settings.BASE_DIR / "manage.py"


def production_env(tmp_path, **extra) -> dict[str, str]:
    """What production needs (config/env.py, config/settings/base.py, database.py): a secret key, a
    database URL and the public host name. Nothing else from the test run (no DEBUG, no APP_ENV=test)."""
    env = {key: value for key, value in os.environ.items()
           if key in ("PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV")}
    env.update({
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://agency:secret@db.example.org:5432/assets",
        "ALLOWED_HOSTS": "assets.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://assets.example.org",
        "VAR_DIR": str(tmp_path),
        **extra,
    })
    return env


def manage(tmp_path, *args, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(MANAGE), *args], env=production_env(tmp_path, **extra),
                          cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120)


def test_the_deploy_check_has_no_warning_in_production(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_refuses_to_start_with_debug_on(tmp_path):
    result = manage(tmp_path, "check", DEBUG="1")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be off in production" in result.stderr


@pytest.mark.django_db
def test_wagtails_failwhale_is_not_a_route(client, case_officer):
    # Wagtail's test view raises an error on purpose: a staff member would get a server error
    client.force_login(case_officer)
    client.raise_request_exception = False
    assert client.get("/admin/failwhale/").status_code == 404
    assert client.get("/admin/").status_code == 200  # the rest of the admin is there
