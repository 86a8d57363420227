"""The buyer's invoice, under /account/: the page and its PDF. Only the buyer sees them; anyone
else is told the invoice does not exist (404), and a visitor who is not signed in is asked to."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from common.exceptions import DomainError
from common.money import format_money

from .models import Invoice, InvoiceStatus
from .pdf import invoice_pdf
from .selectors import invoice_of_buyer
from .services import card_payments

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
    card = _card_context(request, invoice)
    response = render(request, "disposition/account/invoice.html", {
        "invoice": invoice, "lot": invoice.award.lot, "contact_url": settings.INFO_PAGE_PATHS["contact"],
        "card": card})
    response["Cache-Control"] = "private, no-store"
    if card["payable"]:
        response._csp_update = stripe_csp_sources()  # what django-csp's @csp_update sets, known only now
    return response


@login_required(login_url=LOGIN_URL)
def invoice_pdf_download(request: HttpRequest, number: str) -> HttpResponse:
    return pdf_response(_own_invoice(request, number))


# ---- paying by card (card_payments.py) --------------------------------------------------------
# The page never marks anything paid: after Stripe.js confirms, and on the redirect back, it says the
# payment is being confirmed and polls the status below until the verified webhook has recorded it.


def stripe_js_url() -> str:
    """Stripe.js: the setting, else localstripe's stand-in when the API is localstripe, else Stripe's."""
    if settings.STRIPE_JS_URL:
        return settings.STRIPE_JS_URL
    if settings.STRIPE_API_BASE:
        return f"{settings.STRIPE_API_BASE.rstrip('/')}/js.stripe.com/v3/"
    return "https://js.stripe.com/v3/"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def stripe_csp_sources() -> dict[str, list[str]]:
    """What Stripe.js needs of the page's Content-Security-Policy (config/settings/security.py): its
    script, the frames of its card field and of the bank's authentication, and Stripe's API."""
    script = _origin(stripe_js_url())
    api = _origin(settings.STRIPE_API_BASE) if settings.STRIPE_API_BASE else "https://api.stripe.com"
    return {"script-src": [script], "frame-src": [script, "https://hooks.stripe.com"], "connect-src": [api],
            "img-src": [script]}


def _card_context(request: HttpRequest, invoice: Invoice) -> dict:
    payable = card_payments.invoice_payable_by_card(invoice)
    # Back from Stripe (?payment_intent=…), or a payment already under way: say so, and wait for
    # the event. Nothing here changes the invoice.
    confirming = payable and (bool(request.GET.get("payment_intent")) or (
        card_payments.invoice_card_intent_status(invoice) in ("succeeded", "processing")))
    return {"payable": payable, "confirming": confirming,
            "amount": card_payments.invoice_card_amount(invoice) if payable else None,
            "problem": invoice.payment_problem if invoice.status in (InvoiceStatus.ISSUED, InvoiceStatus.PART_PAID)
            else "",
            "stripe_js_url": stripe_js_url(), "publishable_key": settings.STRIPE_PUBLISHABLE_KEY}


def _status(invoice: Invoice) -> dict:
    return {"number": invoice.number, "status": invoice.status, "status_label": invoice.get_status_display(),
            "paid": invoice.status in (InvoiceStatus.PAID, InvoiceStatus.COLLECTED) and invoice.amount_owed == 0,
            "amount_owed": format_money(invoice.amount_owed, invoice.currency)}


@login_required(login_url=LOGIN_URL)
@require_GET
def invoice_status(request: HttpRequest, number: str) -> JsonResponse:
    """What the page polls while a card payment is confirmed."""
    response = JsonResponse(_status(_own_invoice(request, number)))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required(login_url=LOGIN_URL)
@require_POST
def invoice_card_pay(request: HttpRequest, number: str) -> JsonResponse:
    """The buyer's card (tokenised by Stripe.js) for what is owed: the server confirms the
    PaymentIntent; the answer says whether Stripe.js must authenticate (client secret given to the
    buyer only) or the payment is being confirmed."""
    invoice = _own_invoice(request, number)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return JsonResponse({"error": "bad_request", "detail": "Send a JSON object."}, status=400)
    try:
        step = card_payments.invoice_card_payment_start(invoice_id=invoice.pk, buyer=request.user,
                                                        payment_method=str(data.get("payment_method") or ""))
    except DomainError as exc:
        return JsonResponse({"error": exc.code, "detail": str(exc), "field": exc.field}, status=exc.status)
    body = {"status": step.status}
    if step.client_secret:
        body["client_secret"] = step.client_secret
    response = JsonResponse(body)
    response["Cache-Control"] = "private, no-store"
    return response
