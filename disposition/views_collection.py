"""The buyer's collection, on their invoice page: booking a slot (or cancelling it) and the release
note once collected. Only the buyer: anyone else is told the invoice does not exist (404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.exceptions import DomainError, NotPermitted

from . import views
from .models import Handover
from .release_note import release_note_pdf
from .services.collection import collection_book, collection_booking_cancel


@login_required(login_url=views.LOGIN_URL)
@require_POST
def collection_booking(request: HttpRequest, number: str) -> HttpResponse:
    """Book the chosen slot, or cancel the booking; a refusal shows the page again with the message
    beside the choice (400)."""
    try:
        if request.POST.get("action") == "cancel":
            collection_booking_cancel(buyer=request.user, invoice_number=number)
        else:
            collection_book(buyer=request.user, invoice_number=number, slot_id=request.POST.get("slot"))
    except NotPermitted:
        raise Http404 from None
    except DomainError as exc:
        request.collection_error = str(exc)
        request.collection_chosen = request.POST.get("slot", "")
        response = views.invoice_detail(request, number)
        response.status_code = 400
        return response
    return redirect(reverse("disposition:invoice", args=[number]) + "#collection")


def release_note_response(handover: Handover) -> HttpResponse:
    response = HttpResponse(release_note_pdf(handover), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="release-note-{handover.invoice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required(login_url=views.LOGIN_URL)
def release_note_download(request: HttpRequest, number: str) -> HttpResponse:
    handover = (Handover.objects.select_related("invoice", "recorded_by", "location")
                .filter(invoice__number=number, invoice__buyer=request.user).first())
    if handover is None:
        raise Http404
    return release_note_response(handover)
