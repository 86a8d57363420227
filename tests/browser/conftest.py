"""Debian's chromium driven through Playwright, for the browser tests. Screenshots land in
test-artifacts/ (git-ignored)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # plain synchronous code all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    except Exception as exc:  # noqa: BLE001 - any launch failure means: no browser here
        manager.stop()
        pytest.skip(f"chromium could not be launched by Playwright: {exc}")
    ARTIFACTS.mkdir(exist_ok=True)
    yield browser
    # The test's ORM calls ran beside Playwright's event loop, on a connection that pytest-django
    # does not close: left open, it kept the test database from being dropped at the end.
    from django.db import connections

    connections.close_all()
    browser.close()
    manager.stop()
