"""Settlement's step on valuation's direct-sale page: "Issue the invoice" for an approved sale.

valuation's admin may not import settlement (layers), so this module registers the action on the
direct sale's viewset (valuation.viewsets.direct_sale_action_register) when disposition's
wagtail_hooks load. The invoice then shows in Settlement > Invoices like any other.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.admin.actions import Action
from valuation.models import DirectSale, DirectSaleStatus
from valuation.viewsets import direct_sale_action_register

from .services.direct_sales import contact_email, direct_sale_invoice_issue


def _issued(sale: DirectSale) -> str:
    invoice = sale.invoice
    address = contact_email(sale.buyer_contact)
    if address:
        return _("Invoice %(number)s issued; it is e-mailed to %(address)s as a PDF.") % {
            "number": invoice.number, "address": address}
    return _("Invoice %(number)s issued. The buyer gave no e-mail address: print its PDF (Settlement > Invoices) "
             "and send it to them.") % {"number": invoice.number}


ISSUE_INVOICE = Action(
    name="issue_invoice", label=gettext_lazy("Issue the invoice"), permission="valuation.complete_directsale",
    available=lambda user, sale: sale.status == DirectSaleStatus.APPROVED,
    call=lambda request, sale, data: direct_sale_invoice_issue(actor=request.user, sale_id=sale.pk),
    success=_issued,
    intro=gettext_lazy("The buyer is invoiced the price, VAT included, with no premium, to pay by bank transfer. "
                       "The asset is put up for sale to them; once the invoice is paid the price goes into the "
                       "case's escrow, and the handover records the asset sold."),
)


def register() -> None:
    direct_sale_action_register(ISSUE_INVOICE)
