"""The release note: the buyer's proof that the lot left the agency's store (fpdf2, like pdf.py)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

from common.formats import format_moment
from custody.models import AssetIdentifier

from .models import Handover
from .pdf import _text
from .services.postings import invoice_assets

# Identifiers a buyer needs to register what they bought, and may see (no IBAN nor wallet address).
PUBLIC_IDENTIFIERS = {AssetIdentifier.Scheme.VIN, AssetIdentifier.Scheme.REGISTRATION, AssetIdentifier.Scheme.IMO,
                      AssetIdentifier.Scheme.HULL, AssetIdentifier.Scheme.AIRCRAFT_REG,
                      AssetIdentifier.Scheme.SERIAL, AssetIdentifier.Scheme.LAND_REGISTRY}


def _line(pdf: FPDF, text: str, *, bold: bool = False, size: int = 11, height: int = 7) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", size)
    pdf.multi_cell(0, height, _text(text), new_x="LMARGIN", new_y="NEXT")


def release_note_pdf(handover: Handover) -> bytes:
    """The invoice number, the assets (reference, title, identifiers the buyer may see), who collected,
    when, where, in what condition, and the custodian who handed it over."""
    invoice = handover.invoice
    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"{_('Release note')} {invoice.number}"))
    pdf.set_author(_text(settings.AGENCY_NAME))
    pdf.add_page()
    _line(pdf, settings.AGENCY_NAME, bold=True, size=16, height=10)
    _line(pdf, f"{_('Release note')}: {_('invoice')} {invoice.number}", bold=True, size=13, height=9)
    pdf.ln(3)
    _line(pdf, _("Buyer"), bold=True)
    _line(pdf, invoice.buyer_name, height=6)
    pdf.ln(3)
    _line(pdf, _("Released"), bold=True)
    for asset in invoice_assets(invoice):
        _line(pdf, f"{asset.reference}: {asset.title}", height=6)
        for ident in asset.identifiers.all():
            if ident.scheme in PUBLIC_IDENTIFIERS:
                _line(pdf, f"    {ident.get_scheme_display()}: {ident.formatted}", size=10, height=5)
    pdf.ln(3)
    custodian = handover.recorded_by.get_full_name() or handover.recorded_by.get_username()
    where = handover.location
    rows = [
        (_("Collected by"), handover.collected_by),
        (_("Identity checked"), handover.get_id_document_type_display()),
        (_("When"), format_moment(handover.handed_at)),
        (_("Where"), f"{where.name}, {' '.join(where.address.split())}" if where else "-"),
        (_("Condition"), handover.condition),
        (_("Handed over by"), custodian),
    ]
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(45, 7, _text(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 7, _text(str(value)), new_x="LMARGIN", new_y="NEXT")
    if handover.notes:
        pdf.ln(2)
        _line(pdf, handover.notes, size=10, height=5)
    return bytes(pdf.output())
