"""The direct sale through settlement: an approved direct sale gets an invoice like a won lot.

valuation proposes and approves the sale (four eyes); settlement takes it from there. Its invoice
shares the auction's numbering and amounts (`invoices.invoice_create`, `amounts.invoice_amounts`)
with no buyer's premium and no deposit; the buyer has no account, so the invoice names them from
the sale and its PDF is e-mailed to the sale's contact when that is an e-mail address (else staff
print it). The buyer pays by bank transfer (recorded and confirmed by two officers), `payment_apply`
posts the sale per asset into the case's escrow (postings.py), and the handover records the asset
sold, which completes the sale (valuation listens to custody's `record_sale`). Nothing posts the
proceeds at approval or completion any more, so they are posted once.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from common.transitions import require_perm
from custody.models import AssetCategory
from valuation import services as valuation_services

from ..amounts import ZERO, invoice_amounts
from ..events import invoice_log_write
from ..models import Invoice
from .invoices import invoice_create


def contact_email(contact: str) -> str:
    """The e-mail address among a direct-sale buyer's contact details ("dupont@example.org, +32 2
    …"), or "" when they gave none: the first word that is a valid address."""
    for word in re.split(r"[\s,;<>]+", contact or ""):
        try:
            validate_email(word)
        except ValidationError:
            continue
        return word
    return ""


def direct_sale_invoice_issue(*, actor, sale_id: int, now: datetime | None = None) -> Invoice:
    """Issue the invoice of an approved direct sale: the price, no premium, VAT at the agency's
    rate, no deposit; the deadline in business days (calendar days for real estate). The sale
    becomes invoiced and its asset is put up for sale to this buyer, in the same transaction. Once
    it commits, the PDF goes to the buyer's e-mail address when the sale has one."""
    require_perm(actor, "valuation.complete_directsale", _("Only the sales staff can invoice a direct sale."))
    with transaction.atomic():
        sale = valuation_services.direct_sale_mark_invoiced(actor=actor, sale_id=sale_id)
        amounts = invoice_amounts(hammer_price=sale.price, currency=sale.currency, premium_percent=ZERO,
                                  tax_percent=settings.DISPOSITION_VAT_PERCENT, deposit=ZERO)
        invoice = invoice_create(amounts=amounts, real_estate=sale.asset.category == AssetCategory.REAL_ESTATE,
                                 buyer_name=sale.buyer_name, buyer_address=sale.buyer_contact, now=now,
                                 direct_sale=sale)
        invoice_log_write(invoice=invoice, action="issue", actor=actor,
                          note=_("Direct sale of %(asset)s") % {"asset": sale.asset.reference})
        from .. import tasks

        invoice_id = invoice.pk
        if contact_email(sale.buyer_contact):
            transaction.on_commit(lambda: tasks.direct_sale_invoice_send.delay(invoice_id=invoice_id))
    return invoice
