"""The buyer's invoice, under /account/: the page and its PDF. Only the buyer sees them; anyone
else is told the invoice does not exist (404), and a visitor who is not signed in is asked to."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from .models import Invoice
from .pdf import invoice_pdf
from .selectors import invoice_of_buyer

LOGIN_URL = reverse_lazy("auctions:login")


def _own_invoice(request: HttpRequest, number: str) -> Invoice:
    invoice = invoice_of_buyer(number=number, user=request.user)
    if invoice is None:
        raise Http404
    return invoice


def pdf_response(invoice: Invoice) -> HttpResponse:
    """The invoice's PDF as a private download (personal data: never cached)."""
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required(login_url=LOGIN_URL)
def invoice_detail(request: HttpRequest, number: str) -> HttpResponse:
    invoice = _own_invoice(request, number)
    response = render(request, "disposition/account/invoice.html", {
        "invoice": invoice, "lot": invoice.award.lot, "contact_url": settings.INFO_PAGE_PATHS["contact"]})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required(login_url=LOGIN_URL)
def invoice_pdf_download(request: HttpRequest, number: str) -> HttpResponse:
    return pdf_response(_own_invoice(request, number))
