"""What the collection section of the buyer's invoice page shows (disposition/account/_collection.html)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

from ..models import InvoiceStatus
from ..services.collection import (
    booking_live,
    invoice_is_real_estate,
    invoice_location,
    slots_open,
    storage_fee_per_day,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def collection_of(context, invoice) -> dict:
    """The invoice's collection: where, the slots to choose from, the booking, the fees, and the
    release note once collected; with the refusal of a booking just tried (beside the choice)."""
    request = context.get("request")
    paid = invoice.status == InvoiceStatus.PAID
    collected = invoice.status == InvoiceStatus.COLLECTED
    if not (paid or collected):
        return {"shown": False}
    location = invoice_location(invoice)
    booking = booking_live(invoice) if paid else None
    return {
        "shown": True, "paid": paid, "collected": collected, "location": location, "booking": booking,
        "slots": list(slots_open(location=location)) if paid and location else [],
        "real_estate": invoice_is_real_estate(invoice), "fee_per_day": storage_fee_per_day(invoice),
        "owed": invoice.amount_owed, "contact_url": settings.INFO_PAGE_PATHS["contact"],
        "book_url": reverse("disposition:collection_booking", args=[invoice.number]),
        "release_note_url": reverse("disposition:release_note", args=[invoice.number]) if collected else "",
        "error": getattr(request, "collection_error", ""),
        "chosen": str(getattr(request, "collection_chosen", "") or (booking.slot_id if booking else "")),
    }
