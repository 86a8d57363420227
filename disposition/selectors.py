"""Reads for settlement's pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Award, Invoice, Payment


def invoices_with_lot() -> QuerySet[Invoice]:
    """Invoices with what their pages show: the lot, its auction and assets, the buyer."""
    return (Invoice.objects.select_related("award__lot__auction", "buyer", "direct_sale__asset")
            .prefetch_related("award__lot__assets"))


def invoice_of_buyer(*, number: str, user) -> Invoice | None:
    """The invoice `number` if `user` is its buyer, else None (others are told it does not exist)."""
    if not user.is_authenticated:
        return None
    return invoices_with_lot().filter(number=number, buyer=user).first()


def awards_with_lot() -> QuerySet[Award]:
    return Award.objects.select_related("lot__auction", "buyer", "decided_by", "invoice")


def payments_with_invoice() -> QuerySet[Payment]:
    """Payments with what the Payments listing shows: the invoice, who recorded and who confirmed."""
    return Payment.objects.select_related("invoice", "recorded_by", "confirmed_by")
