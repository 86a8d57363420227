"""The Stripe webhook keeps what it must and no more: a genuine event is stored raw, verified and
processed once; a refused call is recorded without its body (what it claimed, its size, where it
came from, when and why), a body over the size limit is refused before it is read (413), refused
calls stop being recorded past an hourly cap, and old ones are pruned."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from auctions import tasks
from auctions.models import StripeEvent
from tests.auctions.test_deposits import WEBHOOK_SECRET, _event, _signed

pytestmark = pytest.mark.django_db

URL = "/api/v1/stripe/webhook/"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


def _junk(size: int) -> bytes:
    return json.dumps({"id": "evt_junk", "type": "payment_intent.succeeded", "pad": "x" * size}).encode()


def test_an_unsigned_call_is_recorded_without_its_body(client):
    body = _junk(100_000)
    response = client.post(URL, body, content_type="application/json", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 400 and response.json()["error"] == "invalid_signature"
    (row,) = StripeEvent.objects.all()
    assert (row.verified, row.outcome, row.payload) == (False, "refused", {})
    assert (row.event_id, row.size, row.remote_addr) == ("evt_junk", len(body), "203.0.113.5")
    assert "signature" in row.error and row.received_at


def test_behind_the_proxy_a_refused_call_records_the_senders_address(client, settings):
    """Not the load balancer's address, and not a junk "address" the sender wrote (which the record's
    address column could not even hold)."""
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    client.post(URL, _junk(10), content_type="application/json", HTTP_X_FORWARDED_FOR="not-an-ip, 203.0.113.8",
                **balancer)
    response = client.post(URL, _junk(10), content_type="application/json", HTTP_X_FORWARDED_FOR="not-an-ip",
                           **balancer)
    assert response.status_code == 400
    assert sorted(StripeEvent.objects.values_list("remote_addr", flat=True)) == ["10.0.0.2", "203.0.113.8"]


def test_a_badly_signed_call_keeps_no_body_either(client):
    body, signature = _signed({**_event("evt_forged", "payment_intent.canceled", "pi_x"), "pad": "x" * 50_000},
                              secret="whsec_wrong")
    assert client.post(URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature).status_code == 400
    row = StripeEvent.objects.get(event_id="evt_forged")
    assert (row.outcome, row.payload, row.size) == ("refused", {}, len(body))


def test_a_genuine_event_is_stored_whole(client, django_capture_on_commit_callbacks):
    body, signature = _signed(_event("evt_real", "payment_intent.canceled", "pi_x"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
    assert response.status_code == 200
    row = StripeEvent.objects.get(event_id="evt_real", verified=True)
    assert row.payload["type"] == "payment_intent.canceled" and row.size == len(body) and row.processed_at


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.STRIPE_WEBHOOK_MAX_BYTES = 10_000
    body = _junk(20_000)
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"
    (row,) = StripeEvent.objects.all()
    assert (row.outcome, row.payload, row.size, row.event_id) == ("refused", {}, len(body), "")


def test_refused_calls_past_the_hourly_cap_are_not_recorded(client, settings):
    settings.STRIPE_WEBHOOK_REFUSED_PER_HOUR = 3
    answers = [client.post(URL, _junk(10), content_type="application/json").status_code for _ in range(5)]
    assert answers == [400] * 5
    assert StripeEvent.objects.count() == 3
    # A genuine event is stored whatever the refused ones did.
    body, signature = _signed(_event("evt_after", "payment_intent.canceled", "pi_x"))
    assert client.post(URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature).status_code == 200
    assert StripeEvent.objects.filter(event_id="evt_after", verified=True).exists()


def test_old_refused_calls_are_pruned_and_genuine_events_kept(client, settings, django_capture_on_commit_callbacks):
    settings.STRIPE_WEBHOOK_REFUSED_KEEP_DAYS = 30
    client.post(URL, _junk(10), content_type="application/json")
    client.post(URL, _junk(10), content_type="application/json")
    body, signature = _signed(_event("evt_kept", "payment_intent.canceled", "pi_x"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
    old = timezone.now() - timedelta(days=31)
    StripeEvent.objects.filter(pk=StripeEvent.objects.filter(outcome="refused").order_by("pk")[0].pk
                               ).update(received_at=old)
    StripeEvent.objects.filter(event_id="evt_kept").update(received_at=old)
    assert tasks.stripe_events_refused_prune() == 1
    assert StripeEvent.objects.filter(outcome="refused").count() == 1
    assert StripeEvent.objects.filter(event_id="evt_kept", verified=True).exists()
