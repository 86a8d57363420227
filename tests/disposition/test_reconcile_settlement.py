"""`manage.py ledger_reconcile` over settlement: paid invoices against their sale entries, payments
against their postings, succeeded Stripe charges against payments, and each case's escrow against the
early-sale proceeds of its paid invoices. Each mismatch is planted around the services (as a bug or a
hand-made fix in the database would leave it) and must be named; the command then exits 1."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from auctions.models import StripeEvent
from custody import roles
from disposition.models import Invoice, InvoiceStatus, Payment, PaymentMethod, PaymentStatus
from disposition.services import payments, transfers
from ledger import services as ledger
from ledger import tasks
from ledger.models import AccountPurpose
from tests.disposition.helpers import win

pytestmark = pytest.mark.django_db
D = Decimal


def _reconcile() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("ledger_reconcile", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def _succeeded_event(intent: str, invoice_id: int, event_id: str | None = None) -> StripeEvent:
    event_id = event_id or f"evt_{intent}"
    return StripeEvent.objects.create(
        event_id=event_id, type="payment_intent.succeeded", verified=True, processed_at=timezone.now(),
        payload={"id": event_id, "type": "payment_intent.succeeded",
                 "data": {"object": {"id": intent, "status": "succeeded",
                                     "metadata": {"invoice_id": str(invoice_id)}}}})


@pytest.fixture
def officers(make_staff):
    return make_staff(roles.FINANCE_OFFICER), make_staff(roles.FINANCE_OFFICER)


@pytest.fixture
def paid(lot, bidder_factory, officers, settings):
    """An invoice paid by card (its Stripe event kept) and then by a bank transfer, four eyes."""
    settings.DISPOSITION_SALE_COST_PERCENT = D("5")
    invoice = win(lot, bidder_factory(), "100").invoice
    _succeeded_event("pi_card", invoice.pk)
    payments.payment_record_confirmed(invoice_id=invoice.pk, method=PaymentMethod.CARD, amount=D("30.00"),
                                      currency=invoice.currency, stripe_payment_intent_id="pi_card",
                                      stripe_event_id="evt_pi_card")
    invoice.refresh_from_db()
    transfer = transfers.payment_transfer_record(actor=officers[0], invoice_id=invoice.pk, amount=invoice.amount_owed,
                                                 reference="REF-1", received_on=datetime.date(2026, 12, 1))
    transfers.payment_transfer_confirm(actor=officers[1], payment_id=transfer.pk)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    return invoice


def test_a_real_paid_flow_reconciles_and_the_counts_are_printed(paid):
    code, out = _reconcile()
    assert code == 0, out
    assert "Checked 1 paid invoices, 2 payments, 1 transfers, 1 Stripe charges." in out
    assert "No mismatch." in out


def test_escrow_moved_to_the_state_on_confiscation_still_reconciles(paid):
    ledger.escrow_to_state_proceeds(asset=paid.award.lot.assets.get(), source="order:1")
    code, out = _reconcile()
    assert code == 0, out


def test_a_paid_invoice_whose_sale_was_not_posted_is_named(lot, bidder_factory):
    # Given an invoice marked paid around the services: no payment, no sale entry
    invoice = win(lot, bidder_factory(), "100").invoice
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.PAID, amount_paid=invoice.total,
                                                 paid_at=timezone.now())
    asset = lot.assets.get()

    code, out = _reconcile()

    assert code == 1
    assert (f"Invoice {invoice.number} is paid, but the sale of asset {asset.reference} has no entry "
            f"(sale:{invoice.pk}:{asset.pk}).") in out
    assert (f"Invoice {invoice.number}: its sale entries charge 0.00 {invoice.currency} to buyers' balances, but its "
            f"total is {invoice.total} {invoice.currency}.") in out


def test_a_confirmed_payment_posted_twice_is_named(paid):
    payment = paid.payments.get(method=PaymentMethod.TRANSFER)
    bank = ledger.account_for(purpose=AccountPurpose.BANK, currency=paid.currency)
    receivable = ledger.account_for(purpose=AccountPurpose.RECEIVABLE, currency=paid.currency)
    again = ledger.ledger_post(memo="Posted again by hand", idempotency_key=f"payment:{payment.pk}:again",
                               lines=[(bank, payment.amount), (receivable, -payment.amount)])

    code, out = _reconcile()

    assert code == 1
    assert (f"Payment {payment.pk} (Bank transfer, {payment.amount} {payment.currency} toward invoice {paid.number}) "
            f"is posted 2 times (entries #{payment.journal_entry_id}, #{again.pk}).") in out


def test_a_confirmed_payment_never_posted_is_named(paid):
    # Given a payment made confirmed around the services, linked to an entry that is not its posting
    bank = ledger.account_for(purpose=AccountPurpose.BANK, currency=paid.currency)
    receivable = ledger.account_for(purpose=AccountPurpose.RECEIVABLE, currency=paid.currency)
    other = ledger.ledger_post(memo="Unrelated", idempotency_key="other:1",
                               lines=[(bank, D("5.00")), (receivable, D("-5.00"))])
    ghost = Payment.objects.create(invoice=paid, method=PaymentMethod.TRANSFER, amount=D("5.00"),
                                   currency=paid.currency, reference="GHOST", journal_entry=other)
    Payment.objects.filter(pk=ghost.pk).update(status=PaymentStatus.CONFIRMED)

    code, out = _reconcile()

    assert code == 1
    assert (f"Payment {ghost.pk} (Bank transfer, 5.00 {paid.currency} toward invoice {paid.number}) is confirmed "
            f"but not posted.") in out


def test_a_succeeded_stripe_charge_without_a_payment_is_named(paid):
    _succeeded_event("pi_lost", paid.pk, event_id="evt_lost")

    code, out = _reconcile()

    assert code == 1
    assert (f"Stripe charge pi_lost (event evt_lost, for invoice id {paid.pk}) succeeded, but no confirmed payment "
            "records it, so it is not posted.") in out
    assert "2 Stripe charges" in out


def test_escrow_off_by_a_cent_is_named(paid):
    # Given one cent put into the case's escrow by an entry that is no sale
    case = paid.award.lot.assets.get().case
    bank = ledger.account_for(purpose=AccountPurpose.BANK, currency=paid.currency)
    escrow = ledger.account_for(purpose=AccountPurpose.ESCROW, currency=paid.currency, case=case)
    ledger.ledger_post(memo="A cent", idempotency_key="other:cent", case=case,
                       lines=[(bank, D("0.01")), (escrow, D("-0.01"))])
    net = paid.hammer_price - (paid.hammer_price * 5 / 100).quantize(D("0.01"))

    code, out = _reconcile()

    assert code == 1
    assert (f"Case {case.reference}: escrow holds {net + D('0.01')} {paid.currency}, but its open early-sale "
            f"proceeds are {net} {paid.currency}.") in out


def test_a_sale_entry_posted_for_an_invoice_not_paid_is_named_by_the_escrow_check_too(lot, bidder_factory):
    # Given the sale of an unpaid invoice posted around the payment path (escrow credited, nothing paid)
    from disposition.services import postings

    invoice = win(lot, bidder_factory(), "100").invoice
    postings.sale_post(invoice=invoice)
    case = lot.assets.get().case

    code, out = _reconcile()

    assert code == 1
    assert f"Invoice {invoice.number} is issued, but its sale is posted." in out
    assert f"Case {case.reference}: escrow holds" in out and "open early-sale proceeds are 0.00" in out


def test_the_nightly_task_emails_finance_the_mismatches(paid, officers, mailoutbox):
    _succeeded_event("pi_lost", paid.pk, event_id="evt_lost")

    assert tasks.reconcile_nightly() is False

    (mail,) = mailoutbox
    assert sorted(mail.to) == sorted(o.email for o in officers if o.email)
    assert "1 mismatch" in mail.subject and "pi_lost" in mail.body and "Stripe charges" in mail.body
