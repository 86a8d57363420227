import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_health_check_says_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down"


def test_unknown_page_is_a_plain_404_page(client):
    response = client.get("/no-such-page-here/")
    assert response.status_code == 404
    assert b"Traceback" not in response.content


def test_unknown_api_path_answers_json(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
