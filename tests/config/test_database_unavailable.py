"""A database that cannot be reached (restarting, failing over) is answered 503 with a message and
Retry-After, as JSON to API clients and as a plain page to browsers: never a 500 with a trace. The
real thing, a PostgreSQL restarted under bidding load, is tests/flows/test_fault_postgres.py."""

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)  # answered as a visitor would see it


def _database_fails(monkeypatch, exc: Exception) -> None:
    def execute(self, *args, **kwargs):
        raise exc

    monkeypatch.setattr(CursorWrapper, "execute", execute)


@pytest.mark.parametrize("exc", [OperationalError("server closed the connection unexpectedly"),
                                 InterfaceError("connection already closed")])
def test_the_api_answers_503_json_while_the_database_is_unreachable(browser, monkeypatch, exc):
    _database_fails(monkeypatch, exc)
    response = browser.get("/api/v1/lots/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "service_unavailable",
                               "detail": "The service is briefly unavailable. Please try again in a few seconds."}
    assert response["Retry-After"] == "5"


def test_a_page_answers_503_with_a_message_while_the_database_is_unreachable(browser, monkeypatch):
    _database_fails(monkeypatch, OperationalError("connection refused"))
    response = browser.get("/auctions/lots/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "Service briefly unavailable" in html and "Please try again in a few seconds." in html
    assert "Traceback" not in html and "connection refused" not in html


def test_any_other_failure_is_still_a_plain_500(browser, monkeypatch):
    _database_fails(monkeypatch, RuntimeError("a bug"))
    response = browser.get("/auctions/lots/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong" in response.content.decode()
