"""The Stripe webhook for invoices, signed as Stripe signs it and posted to the real URL: each event
processed once however often it comes, older events arriving late change nothing, forged and
unknown events are kept on record and do nothing, a failure is kept on the event and retried."""

from __future__ import annotations

import pytest
import stripe

from auctions.models import DepositStatus, StripeEvent
from auctions.services import deposits
from disposition.models import InvoiceStatus, Payment
from disposition.services import payments
from ledger.models import JournalEntry
from tests.disposition.stripe_helpers import (  # noqa: F401 - fixtures
    built_event,
    post_event,
    recorded_event,
    stripe_settings,
    won_with_deposit,
)

pytestmark = [pytest.mark.stripe, pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]


@pytest.fixture
def captured(open_lot_factory, auction_manager, django_capture_on_commit_callbacks):
    """An invoice toward which the winner's deposit was captured, its event not yet delivered."""
    invoice, deposit, _rival = won_with_deposit(open_lot_factory=open_lot_factory, auction_manager=auction_manager,
                                                capture=django_capture_on_commit_callbacks)
    return invoice, deposit


def _post(client, capture, event, **kwargs):
    with capture(execute=True):
        return post_event(client, event, **kwargs)


def _payment_entries(invoice):
    return JournalEntry.objects.filter(idempotency_key__startswith="payment:",
                                       pk__in=Payment.objects.filter(invoice=invoice).values("journal_entry"))


def test_the_same_event_delivered_three_times_pays_once(client, captured, django_capture_on_commit_callbacks):
    invoice, deposit = captured
    event = recorded_event(deposit.payment_intent_id)
    for _ in range(3):
        assert _post(client, django_capture_on_commit_callbacks, event).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_paid == invoice.total
    assert Payment.objects.filter(invoice=invoice).count() == 1 and _payment_entries(invoice).count() == 1
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 3  # every delivery on record
    assert StripeEvent.objects.get(event_id=event["id"], verified=True).processed_at
    # The same charge reported by another event id is recorded once too
    again = {**event, "id": event["id"] + "_resent"}
    _post(client, django_capture_on_commit_callbacks, again)
    assert "stale: " in StripeEvent.objects.get(event_id=again["id"], verified=True).outcome
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_older_events_arriving_after_the_payment_change_nothing(client, captured,
                                                                django_capture_on_commit_callbacks):
    invoice, deposit = captured
    _post(client, django_capture_on_commit_callbacks, recorded_event(deposit.payment_intent_id))
    # The hold's "capturable" event, older than the capture, arrives late; and a cancellation
    late = [built_event(deposit.payment_intent_id, "payment_intent.amount_capturable_updated"),
            built_event(deposit.payment_intent_id, "payment_intent.canceled")]
    for event in late:
        assert _post(client, django_capture_on_commit_callbacks, event).status_code == 200
    deposit.refresh_from_db()
    invoice.refresh_from_db()
    assert deposit.status == DepositStatus.CAPTURED and invoice.status == InvoiceStatus.PAID
    assert set(StripeEvent.objects.filter(event_id__in=[e["id"] for e in late]).values_list("outcome", flat=True)) \
        == {f"stale: deposit {deposit.pk} is captured"}


def test_the_payment_event_before_the_hold_event_still_pays(client, captured, django_capture_on_commit_callbacks):
    invoice, deposit = captured
    # Stripe sends "succeeded" first, then the older "amount_capturable_updated"
    _post(client, django_capture_on_commit_callbacks, recorded_event(deposit.payment_intent_id))
    _post(client, django_capture_on_commit_callbacks,
          built_event(deposit.payment_intent_id, "payment_intent.amount_capturable_updated", "evt_older"))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and Payment.objects.filter(invoice=invoice).count() == 1
    assert StripeEvent.objects.get(event_id="evt_older", verified=True).outcome.startswith("stale")


def test_a_badly_signed_event_is_refused_recorded_and_pays_nothing(client, captured,
                                                                   django_capture_on_commit_callbacks):
    invoice, deposit = captured
    event = recorded_event(deposit.payment_intent_id)
    response = _post(client, django_capture_on_commit_callbacks, event, secret="whsec_forged")
    assert response.status_code == 400 and response.json()["error"] == "invalid_signature"
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert (stored.verified, stored.outcome) == (False, "refused") and "signature" in stored.error
    assert stored.payload == {} and stored.size > 0  # refused: what, when, why and its size, not its body
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and not Payment.objects.filter(invoice=invoice).exists()
    # The genuine event with the same id is not blocked by the forgery
    assert _post(client, django_capture_on_commit_callbacks, event).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_an_unknown_event_type_is_stored_and_ignored(client, django_capture_on_commit_callbacks):
    event = {"id": "evt_dispute", "object": "event", "type": "charge.dispute.created",
             "data": {"object": {"id": "dp_1", "object": "dispute"}}}
    assert _post(client, django_capture_on_commit_callbacks, event).status_code == 200
    stored = StripeEvent.objects.get(event_id="evt_dispute")
    assert stored.verified and stored.processed_at and stored.outcome == "ignored"


def test_a_failure_is_kept_on_the_event_and_the_event_retried(client, captured, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    invoice, deposit = captured
    original = payments.payment_record_confirmed

    def broken(**kwargs):
        original(**kwargs)  # the payment is recorded and posted, then the database refuses
        raise RuntimeError("database went away")

    monkeypatch.setattr(payments, "payment_record_confirmed", broken)
    event = recorded_event(deposit.payment_intent_id)
    assert _post(client, django_capture_on_commit_callbacks, event).status_code == 200
    stored = StripeEvent.objects.get(event_id=event["id"], verified=True)
    assert stored.processed_at is None and stored.outcome == "error" and "database went away" in stored.error
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and not Payment.objects.filter(invoice=invoice).exists()
    assert not JournalEntry.objects.filter(idempotency_key__startswith="payment:").exists()

    monkeypatch.setattr(payments, "payment_record_confirmed", original)
    with django_capture_on_commit_callbacks(execute=True):
        deposits.stripe_event_retry(stored_id=stored.pk)
    stored.refresh_from_db()
    invoice.refresh_from_db()
    assert stored.processed_at and stored.error == "" and invoice.status == InvoiceStatus.PAID
    assert _payment_entries(invoice).count() == 1


def test_the_browser_s_return_marks_nothing_paid(client, captured):
    invoice, deposit = captured
    client.force_login(invoice.buyer)
    html = client.get(f"/account/invoices/{invoice.number}/", {"payment_intent": deposit.payment_intent_id,
                                                               "redirect_status": "succeeded"}).content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and not Payment.objects.filter(invoice=invoice).exists()
    assert stripe.PaymentIntent.retrieve(deposit.payment_intent_id).status == "succeeded"
    assert "Paid and collected" not in html
