"""Settlement's Celery tasks: they take ids and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from common.formats import format_day
from common.money import format_money
from common.urls import absolute_url

from .models import Invoice


@shared_task(ignore_result=True)
def invoice_notify(*, invoice_id: int) -> None:
    """Send the buyer the link to their invoice (the won e-mail promised it)."""
    invoice = Invoice.objects.select_related("buyer", "award__lot").filter(pk=invoice_id).first()
    if invoice is None or not invoice.buyer.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _("Your invoice %(number)s") % {"number": invoice.number},
            _("Your invoice for “%(title)s” is ready: %(amount)s to pay by %(due)s.\n\n%(url)s") % {
                "title": invoice.title, "amount": format_money(invoice.amount_due, invoice.currency),
                "due": format_day(invoice.due_on),
                "url": absolute_url(reverse("disposition:invoice", args=[invoice.number]))},
            settings.DEFAULT_FROM_EMAIL, [invoice.buyer.email], fail_silently=False,
        )


@shared_task(ignore_result=True)
def invoice_paid_notify(*, invoice_id: int) -> None:
    """Tell the buyer their invoice is paid, and where to book the collection."""
    invoice = Invoice.objects.select_related("buyer").filter(pk=invoice_id).first()
    if invoice is None or invoice.buyer is None or not invoice.buyer.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _("Invoice %(number)s is paid") % {"number": invoice.number},
            _("Thank you: invoice %(number)s for “%(title)s” is paid. Book a time to collect it by %(by)s:\n\n"
              "%(url)s") % {
                "number": invoice.number, "title": invoice.title,
                "by": format_day(invoice.collect_by) if invoice.collect_by else "",
                "url": absolute_url(reverse("disposition:invoice", args=[invoice.number]))},
            settings.DEFAULT_FROM_EMAIL, [invoice.buyer.email], fail_silently=False,
        )


# ---- the direct sale's invoice (its buyer has no account) ----------------------------------------


@shared_task(ignore_result=True)
def direct_sale_invoice_send(*, invoice_id: int) -> None:
    """E-mail a direct sale's invoice, as a PDF, to the e-mail address in the sale's contact details
    (the buyer has no account to see it on; without an address, staff print it)."""
    from django.core.mail import EmailMessage

    from .pdf import invoice_pdf
    from .services.direct_sales import contact_email

    invoice = Invoice.objects.select_related("direct_sale__asset").filter(pk=invoice_id).first()
    address = contact_email(invoice.direct_sale.buyer_contact) if invoice and invoice.direct_sale_id else ""
    if not address:
        return
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMessage(
            _("Your invoice %(number)s") % {"number": invoice.number},
            _("Please find attached invoice %(number)s for “%(title)s”: %(amount)s to pay by bank transfer by "
              "%(due)s, quoting the invoice number.") % {
                "number": invoice.number, "title": invoice.title,
                "amount": format_money(invoice.amount_due, invoice.currency), "due": format_day(invoice.due_on)},
            settings.DEFAULT_FROM_EMAIL, [address])
        message.attach(f"invoice-{invoice.number}.pdf", invoice_pdf(invoice), "application/pdf")
        message.send(fail_silently=False)
