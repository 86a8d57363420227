"""A NUL byte (0x00) fits in no database text column (PostgreSQL refuses it outright), so a request
that carries one gets a 400 with a plain error — JSON under /api/ — and never reaches a query as a
server error: a NUL that slipped through would be a 500."""

import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from auctions.models import Bid
from auctions.services import tokens
from tests.factories import UserFactory
from tests.valuation.factories import approved_appraisal, authorised_for_early_sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """A client that gets the 400 page, as a browser would, instead of the exception."""
    client.raise_request_exception = False
    return client


def assert_plain_400(response):
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"Bad request" in response.content and b"Traceback" not in response.content


def assert_json_400(response, error="bad_request"):
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == error and body["detail"]


@pytest.mark.parametrize("path", ["/auctions/lots/?q=%00", "/auctions/lots/?q=car%00s&page=1",
                                  "/auctions/lots/?%00=1", "/account/sign-in/?next=%00", "/auctions/lots/1/%00/"])
def test_a_nul_in_the_address_of_a_page_is_a_plain_400(client, path):
    assert_plain_400(client.get(path))


@pytest.mark.parametrize("path", ["/api/v1/lots/?q=%00", "/api/v1/lots/?category=%00&page=1", "/api/v1/lots/%00/"])
def test_a_nul_in_the_address_of_the_api_is_a_json_400(client, path):
    assert_json_400(client.get(path))


def test_a_search_without_nul_still_works(client):
    assert client.get("/auctions/lots/?q=car").status_code == 200
    assert client.get("/api/v1/lots/?q=car").status_code == 200
    # "%00" typed into the search box is sent as q=%2500: three characters, no NUL
    assert client.get("/auctions/lots/", {"q": "%00"}).status_code == 200
    assert client.get("/api/v1/lots/", {"q": "%00"}).status_code == 200


@pytest.mark.parametrize("form", [
    {"username": "bidder\x00", "password": "secret"},
    {"username": "bidder", "password": "sec\x00ret"},
    {"user\x00name": "bidder", "password": "secret"},
])
def test_a_nul_in_a_posted_form_is_a_plain_400(client, form):
    response = client.post("/account/sign-in/", urlencode(form), content_type="application/x-www-form-urlencoded")
    assert_plain_400(response)


def test_a_nul_in_a_form_posted_to_the_api_is_a_json_415(client):
    # the API reads its own bodies (JSON only): a form is refused for its media type before any NUL matters
    response = client.post("/api/v1/auth/token/", "username=bidder%00&password=x",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response["Content-Type"] == "application/json"
    assert response.json()["error"] == "unsupported_media_type"


@pytest.mark.parametrize("body", [
    {"username": "bidder\x00", "password": "secret"},
    {"username": "bidder", "password": "\x00"},
    {"username\x00": "bidder", "password": "secret"},
])
def test_an_escaped_nul_in_a_json_body_is_a_json_400(client, body):
    raw = json.dumps(body)
    assert "\\u0000" in raw  # as a JSON client sends it: escaped
    response = client.post("/api/v1/auth/token/", raw, content_type="application/json")
    assert_json_400(response, error="malformed")
    assert "NUL" in response.json()["detail"]


def test_an_escaped_nul_in_a_bid_is_a_json_400(client):
    token = tokens.api_token_create(user=UserFactory(is_staff=False))[1]
    response = client.post("/api/v1/lots/1/bids/", '{"max_amount": "150\\u0000"}',
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_json_400(response, error="malformed")
    assert not Bid.objects.exists()


def test_a_raw_nul_in_a_json_body_is_a_json_400(client):
    response = client.post("/api/v1/auth/token/", b'{"username": "bidder\x00", "password": "x"}',
                           content_type="application/json")
    assert_json_400(response, error="malformed")


def test_a_nul_in_a_multipart_sign_in_form_is_refused_before_the_form(client):
    # multipart/form-data, as the test client sends it: refused like the urlencoded form
    response = client.post("/account/sign-in/", {"username": "bidder\x00", "password": "secret"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_nul_in_a_multipart_admin_action_form_is_a_400(client, asset, case_officer, valuer, approver,
                                                         second_approver):
    # Given a direct sale proposed by a case officer
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    authorised_for_early_sale(asset, case_officer, approver)
    client.force_login(case_officer)
    client.post(reverse("valuation_direct_sales:add"), {
        "asset": asset.reference, "buyer_name": "Dupont", "buyer_contact": "x@example.org", "currency": "EUR",
        "justification": "Rots", "price": "20000.00"})
    sale = asset.direct_sales.get()
    # When an approver rejects it with a reason carrying a NUL, sent as multipart/form-data
    client.force_login(second_approver)
    response = client.post(reverse("valuation_direct_sales:action_reject", args=[sale.pk]),
                           {"expected_status": "proposed", "reason": "Too low\x00"})
    # Then the request is refused as bad, like the same form sent urlencoded
    assert_plain_400(response)
