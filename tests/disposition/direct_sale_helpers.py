"""Steps of a direct sale through settlement, each through the real services.

`pay_by_transfer` and `hand_over` stand in for the bank-transfer service (record, then confirm by a
second officer: disposition/services/transfers.py) and the handover (disposition/services/
collection.py) that other branches build; point them at those services once merged."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from custody import services as custody_services
from disposition.models import Payment, PaymentMethod
from disposition.services import payments
from disposition.services.direct_sales import direct_sale_invoice_issue
from tests.valuation.factories import approved_appraisal, authorised_for_early_sale
from valuation import services as valuation_services


def approved_direct_sale(asset, *, case_officer, approver, second_approver, valuer, price="21000.00",
                         contact="dupont@example.org, +32 2 123 45 67"):
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    authorised_for_early_sale(asset, case_officer, approver)
    sale = valuation_services.direct_sale_propose(
        actor=case_officer, asset_id=asset.pk, buyer_name="Garage Dupont", buyer_contact=contact,
        price=Decimal(price), currency="EUR", justification="Battery fails in winter storage")
    return valuation_services.direct_sale_approve(actor=second_approver, sale_id=sale.pk)


def invoiced_direct_sale(asset, *, seller, **people):
    sale = approved_direct_sale(asset, **people)
    return direct_sale_invoice_issue(actor=seller, sale_id=sale.pk)


def pay_by_transfer(invoice, *, recorder, confirmer, amount=None, reference="BANK-REF-1") -> Payment:
    """A bank transfer recorded by one finance officer and confirmed by another (four eyes)."""
    with transaction.atomic():
        locked = payments.invoice_locked(invoice.pk)
        payment = Payment.objects.create(invoice=locked, method=PaymentMethod.TRANSFER,
                                         amount=Decimal(amount) if amount else locked.amount_owed,
                                         currency=locked.currency, reference=reference,
                                         received_on=timezone.localdate(), recorded_by=recorder)
        payment.confirmed_by = confirmer
        from common.transitions import transition_run

        moved = transition_run(payment, "confirm_transfer", actor=confirmer, save=False)
        payments.payment_apply(payment=payment, invoice=locked, moved=moved, actor=confirmer)
    return payment


def hand_over(invoice, *, actor):
    """The handover records the asset sold (custody's record_sale), as settlement's handover does."""
    return custody_services.asset_record_sale(asset_id=invoice.direct_sale.asset_id, actor=actor,
                                              reason=f"Handed over to {invoice.buyer_name} ({invoice.number})")
