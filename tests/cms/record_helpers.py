"""Builders for the public record's tests: assets taken through the register's services to a public
stage (and beyond), and PDFs with words in them."""

from __future__ import annotations

from decimal import Decimal

from fpdf import FPDF

from custody import roles
from custody import services as custody_services
from disposition.services.direct_sales import direct_sale_invoice_issue
from tests.disposition.direct_sale_helpers import hand_over, pay_by_transfer
from tests.factories import UserFactory
from tests.valuation.factories import approved_appraisal, authorised_for_early_sale, into_custody, order_for
from valuation import services as valuation_services


def text_pdf(*lines: str) -> bytes:
    """A real PDF whose pages carry `lines` as text (what pypdf reads back)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def confiscate(asset, officer):
    """Seized, then confiscated by a court's order."""
    into_custody(asset, officer)
    return custody_services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=officer,
                                             order_id=order_for(asset, "confiscation").pk)


def sell_early(asset, *, case_officer, approver, second_approver, valuer, auction_manager, price="21000.00"):
    """Valued, authorised for early sale, sold directly, invoiced, paid by transfer and handed over:
    SOLD, its proceeds in the case's escrow."""
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    authorised_for_early_sale(asset, case_officer, approver)
    sale = valuation_services.direct_sale_propose(
        actor=case_officer, asset_id=asset.pk, buyer_name="Garage Dupont",
        buyer_contact="dupont@example.org, +32 2 123 45 67", price=Decimal(price), currency="EUR",
        justification="Battery fails in winter storage")
    valuation_services.direct_sale_approve(actor=second_approver, sale_id=sale.pk)
    invoice = direct_sale_invoice_issue(actor=auction_manager, sale_id=sale.pk)
    pay_by_transfer(invoice, recorder=UserFactory(role=roles.FINANCE_OFFICER),
                    confirmer=UserFactory(role=roles.FINANCE_OFFICER))
    hand_over(invoice, actor=auction_manager)
    return invoice


def release(asset, officer):
    return custody_services.asset_transition(asset_id=asset.pk, transition="release", actor=officer,
                                             reason="Acquitted on appeal", order_id=order_for(asset, "release").pk)
