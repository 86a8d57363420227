"""What browsers and crawlers ask every site for: /favicon.ico and /robots.txt."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_robots_txt_lets_crawlers_read_the_public_pages_but_not_accounts_admin_or_api(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for private in ("/admin/", "/django-admin/", "/account/", "/api/"):
        assert f"Disallow: {private}" in lines
    assert "Allow: /" in lines
    assert "Disallow: /" not in lines and "Disallow: /auctions/" not in lines


def test_favicon_ico_leads_to_a_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == static("favicon.ico")
    path = finders.find("favicon.ico")
    assert path is not None
    with open(path, "rb") as handle:
        header = handle.read(6)
    assert header[:4] == b"\x00\x00\x01\x00" and int.from_bytes(header[4:6], "little") >= 1  # an ICO with images


def test_public_pages_name_the_icon(client):
    html = client.get("/auctions/").content.decode()
    assert f'<link rel="icon" href="{static("favicon.ico")}"' in html
