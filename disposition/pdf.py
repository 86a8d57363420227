"""The invoice as a PDF (fpdf2: pure Python, installs with pip alone)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

from common.formats import format_day, format_number

from .models import Invoice


def _text(value: str) -> str:
    """The PDF's core fonts know Latin-1 only: spaces of every kind become plain ones, and a
    character outside Latin-1 a question mark (names keep their accents: é, ñ, ç are Latin-1)."""
    value = value.replace("\u202f", " ").replace("\u00a0", " ")
    return value.encode("latin-1", "replace").decode("latin-1")


def _money(amount: Decimal, currency: str) -> str:
    return f"{format_number(amount, 2)} {currency}"


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice: the agency, the number and date, the buyer (legal name and address), the lot and
    its assets, the amounts and the payment deadline. Personal data: serve it to the buyer and
    staff only."""
    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"{_('Invoice')} {invoice.number}"))
    pdf.set_author(_text(settings.AGENCY_NAME))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _text(settings.AGENCY_NAME), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 9, _text(f"{_('Invoice')} {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 7, _text(f"{_('Date')}: {format_day(invoice.issued_at)}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _text(_("Buyer")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, _text(f"{invoice.buyer_name}\n{invoice.buyer_address}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    if invoice.award_id:
        lot = invoice.award.lot
        pdf.cell(0, 7, _text(f"{_('Lot')} {lot.number}: {lot.title}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(0, 6, _text(lot.auction.title), new_x="LMARGIN", new_y="NEXT")
        assets = lot.assets.all()
    else:  # a direct sale: one asset, no auction
        pdf.cell(0, 7, _text(_("Direct sale")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        assets = [invoice.direct_sale.asset]
    for asset in assets:
        pdf.cell(0, 6, _text(f"- {asset.reference}: {asset.title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    rows = [
        (_("Hammer price") if invoice.award_id else _("Price"), invoice.hammer_price),
        (_("Buyer's premium (%(percent)s%%)") % {"percent": format_number(invoice.premium_percent)}, invoice.premium),
        (_("VAT (%(percent)s%%)") % {"percent": format_number(invoice.tax_percent)}, invoice.tax),
        (_("Total"), invoice.total),
        (_("Deposit held"), -invoice.deposit),
        (_("Amount due"), invoice.amount_due),
    ]
    # Collection: storage fees accrued after the collection deadline.
    if invoice.storage_fees:
        rows.append((_("Storage fees (not collected by %(day)s)") % {"day": format_day(invoice.collect_by)},
                     invoice.storage_fees))
    for label, amount in rows:
        bold = label in (_("Total"), _("Amount due"))
        pdf.set_font("Helvetica", "B" if bold else "", 11)
        pdf.cell(120, 7, _text(label))
        pdf.cell(0, 7, _text(_money(amount, invoice.currency)), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _text(f"{_('Payment deadline')}: {format_day(invoice.due_on)}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
