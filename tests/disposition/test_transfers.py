"""Bank transfers with four eyes: one finance officer records a transfer, another officer (or an
approver) confirms it, and only then is it posted and counted toward the invoice; part-payments add
up, and the invoice shows what remains."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from auctions.models import AuctionLogEntry
from common.exceptions import DomainError, NotPermitted
from common.money import format_money
from disposition.models import InvoiceStatus, Payment, PaymentMethod, PaymentStatus
from disposition.services import transfers
from ledger.models import AccountPurpose, JournalEntry
from ledger.services import account_balance, account_for
from tests.disposition.helpers import win

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def invoice(open_lot_factory, bidder_factory):
    auction, (lot,) = open_lot_factory(1, starting_price="2000.00")
    return win(lot, bidder_factory(auctions=[auction]), "2000").invoice


@pytest.fixture
def second_finance_officer(make_staff):
    from custody import roles

    return make_staff(roles.FINANCE_OFFICER)


def _record(invoice, actor, amount="400.00", reference="BANK-REF-1"):
    return transfers.payment_transfer_record(actor=actor, invoice_id=invoice.pk, amount=D(amount),
                                             reference=reference, received_on=TODAY)


def test_a_recorded_transfer_counts_only_once_a_second_officer_confirms_it(invoice, finance_officer,
                                                                         second_finance_officer):
    # Given finance records a transfer of 400.00
    payment = _record(invoice, finance_officer)
    invoice.refresh_from_db()
    assert (payment.method, payment.status, payment.recorded_by) == (PaymentMethod.TRANSFER,
                                                                   PaymentStatus.RECORDED, finance_officer)
    # Then nothing is posted and the invoice owes as much as before
    assert invoice.status == InvoiceStatus.ISSUED and invoice.amount_paid == 0
    assert not JournalEntry.objects.filter(idempotency_key__startswith="payment:").exists()
    assert AuctionLogEntry.objects.filter(subject="payment", subject_id=payment.pk, action="record",
                                          actor=finance_officer).exists()
    # When a second officer confirms it
    transfers.payment_transfer_confirm(actor=second_finance_officer, payment_id=payment.pk,
                                       expected_status=PaymentStatus.RECORDED)
    payment.refresh_from_db()
    invoice.refresh_from_db()
    # Then it is posted from the transfer, and the invoice is part-paid and shows what remains
    assert payment.status == PaymentStatus.CONFIRMED and payment.confirmed_by == second_finance_officer
    assert payment.journal_entry.source == f"transfer:{payment.pk}"
    assert account_balance(account_for(purpose=AccountPurpose.BANK, currency=invoice.currency)) == D("400.00")
    assert invoice.status == InvoiceStatus.PART_PAID
    assert (invoice.amount_paid, invoice.amount_owed) == (D("400.00"), invoice.total - D("400.00"))


def test_the_recorder_cannot_confirm_their_own_transfer(invoice, finance_officer):
    payment = _record(invoice, finance_officer)
    with pytest.raises(NotPermitted, match="four eyes"):
        transfers.payment_transfer_confirm(actor=finance_officer, payment_id=payment.pk)
    with pytest.raises(NotPermitted, match="four eyes"):
        transfers.payment_transfer_reject(actor=finance_officer, payment_id=payment.pk, reason="Oops")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.RECORDED and payment.journal_entry is None


def test_the_database_refuses_a_transfer_confirmed_by_its_recorder(invoice, finance_officer):
    payment = _record(invoice, finance_officer)
    with pytest.raises(IntegrityError, match="payment_transfer_four_eyes"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(confirmed_by=finance_officer)


def test_part_payments_by_transfer_pay_the_invoice_and_post_the_sale(invoice, finance_officer, approver):
    # Given two transfers that together pay the invoice, each confirmed by an approver
    first = _record(invoice, finance_officer, "600.00", "REF-A")
    transfers.payment_transfer_confirm(actor=approver, payment_id=first.pk)
    invoice.refresh_from_db()
    rest = invoice.amount_owed
    second = _record(invoice, finance_officer, str(rest), "REF-B")
    transfers.payment_transfer_confirm(actor=approver, payment_id=second.pk)
    invoice.refresh_from_db()
    # Then the invoice is paid, owes nothing, and its sale is posted
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_owed == 0 and invoice.collect_by
    asset = invoice.award.lot.assets.get()
    assert JournalEntry.objects.filter(idempotency_key=f"sale:{invoice.pk}:{asset.pk}").exists()
    # And a further transfer is refused, saying why
    with pytest.raises(DomainError, match="already paid in full"):
        _record(invoice, finance_officer, "1.00", "REF-C")


def test_a_rejected_transfer_posts_nothing_and_keeps_its_reason(invoice, finance_officer, approver):
    payment = _record(invoice, finance_officer)
    with pytest.raises(DomainError) as refused:
        transfers.payment_transfer_reject(actor=approver, payment_id=payment.pk, reason=" ")
    assert refused.value.field == "reason"
    transfers.payment_transfer_reject(actor=approver, payment_id=payment.pk, reason="Not on the statement")
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED and payment.rejection_reason == "Not on the statement"
    assert payment.journal_entry is None and invoice.amount_paid == 0 and invoice.status == InvoiceStatus.ISSUED
    with pytest.raises(DomainError, match="already rejected"):
        transfers.payment_transfer_confirm(actor=approver, payment_id=payment.pk)


@pytest.mark.parametrize(("amount", "reference", "field"), [
    ("0", "REF", "amount"), ("-5", "REF", "amount"), ("1.001", "REF", "amount"), ("99999999", "REF", "amount"),
    ("10.00", "  ", "reference"),
])
def test_bad_transfers_are_refused_beside_their_field(invoice, finance_officer, amount, reference, field):
    with pytest.raises(DomainError) as refused:
        transfers.payment_transfer_record(actor=finance_officer, invoice_id=invoice.pk, amount=amount,
                                          reference=reference, received_on=TODAY)
    assert refused.value.field == field
    assert not Payment.objects.exists()


def test_a_cancelled_invoice_takes_no_transfer(invoice, finance_officer, auction_manager):
    from common.transitions import transition_run

    transition_run(invoice, "cancel")
    with pytest.raises(DomainError, match="cancelled"):
        _record(invoice, finance_officer)


def test_roles_without_the_permission_are_refused(invoice, finance_officer, auditor, approver):
    with pytest.raises(NotPermitted):
        _record(invoice, auditor)
    with pytest.raises(NotPermitted):
        _record(invoice, approver)  # approvers confirm; they do not record
    payment = _record(invoice, finance_officer)
    with pytest.raises(NotPermitted):
        transfers.payment_transfer_confirm(actor=auditor, payment_id=payment.pk)


# ---- the admin ----------------------------------------------------------------------------------


def test_finance_records_a_transfer_typed_in_their_language_and_a_colleague_confirms_it(
        client, invoice, finance_officer, second_finance_officer):
    # Given finance opens the invoice's page: it offers "Record a bank transfer"
    client.force_login(finance_officer)
    page = client.get(reverse("disposition_invoices:inspect", args=[invoice.pk])).content.decode()
    url = reverse("disposition_invoices:action_record_transfer", args=[invoice.pk])
    assert url in page and "No payment yet." in page
    # When an amount that cannot be read is typed, the error is beside its field
    response = client.post(url, {"expected_status": invoice.status, "amount": "1.000", "reference": "R1",
                                 "received_on": "2026-12-01"})
    assert response.status_code == 400 and "amount" in response.context["form"].errors
    response = client.post(url, {"expected_status": invoice.status, "amount": "250.00", "reference": "",
                                 "received_on": "2026-12-01"})
    assert response.status_code == 400 and "reference" in response.context["form"].errors
    # And a correct one, with grouping, is recorded
    response = client.post(url, {"expected_status": invoice.status, "amount": "1,000.00", "reference": "R1",
                                 "received_on": "2026-12-01"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.amount == D("1000.00") and payment.received_on == TODAY
    # Then the payment's page tells the recorder why they cannot confirm it
    payment_url = reverse("disposition_payments:inspect", args=[payment.pk])
    confirm_url = reverse("disposition_payments:action_confirm", args=[payment.pk])
    page = client.get(payment_url).content.decode()
    assert confirm_url not in page and "four eyes" in page
    assert client.post(confirm_url, {"expected_status": "recorded"}).status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.RECORDED
    # And a colleague confirms it from the Payments listing's record
    client.force_login(second_finance_officer)
    listing = client.get(reverse("disposition_payments:index") + "?status=recorded").content.decode()
    assert invoice.number in listing and "Bank transfer" in listing
    assert confirm_url in client.get(payment_url).content.decode()
    assert client.post(confirm_url, {"expected_status": "recorded"}).status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    # And the invoice's page lists the payment, what is paid and what remains
    invoice.refresh_from_db()
    page = client.get(reverse("disposition_invoices:inspect", args=[invoice.pk])).content.decode()
    assert f"Paid: {format_money(D('1000'), invoice.currency)}" in page
    assert f"Still owed: {format_money(invoice.amount_owed, invoice.currency)}" in page
    assert payment_url in page


def test_a_colleague_rejects_a_transfer_with_a_reason_from_the_admin(client, invoice, finance_officer, approver):
    payment = _record(invoice, finance_officer)
    client.force_login(approver)
    url = reverse("disposition_payments:action_reject", args=[payment.pk])
    response = client.post(url, {"expected_status": "recorded", "reason": ""})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert client.post(url, {"expected_status": "recorded", "reason": "Not on the statement"}).status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED


def test_roles_without_payments_get_403(client, invoice, finance_officer, custodian):
    payment = _record(invoice, finance_officer)
    client.force_login(custodian)
    assert client.get(reverse("disposition_payments:index")).status_code == 403
    assert client.get(reverse("disposition_payments:inspect", args=[payment.pk])).status_code == 403
