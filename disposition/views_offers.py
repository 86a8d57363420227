"""The second-chance offer page, under /account/offers/<id>/: the bidder it was made to accepts or
declines it there. Anyone else is told it does not exist (404); a visitor not signed in is asked to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import DomainError

from .models import OfferStatus, SecondChanceOffer
from .services import second_chance
from .views import LOGIN_URL


@login_required(login_url=LOGIN_URL)
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = (SecondChanceOffer.objects.select_related("lot__auction", "award__invoice")
             .filter(pk=offer_id, bidder=request.user).first())
    if offer is None:
        raise Http404
    error, status = "", 200
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                award = second_chance.second_chance_offer_accept(offer_id=offer.pk, user=request.user)
                invoice = getattr(award, "invoice", None)
                messages.success(request, _("The lot is yours: pay the invoice by its deadline."))
                if invoice is not None:
                    return redirect(reverse("disposition:invoice", args=[invoice.number]))
                return redirect(request.path)
            if answer == "decline":
                second_chance.second_chance_offer_decline(offer_id=offer.pk, user=request.user)
                messages.info(request, _("You declined the offer."))
                return redirect(request.path)
            error, status = _("Choose to accept or to decline."), 400
        except DomainError as exc:
            error, status = str(exc), 400
        offer.refresh_from_db()
    response = render(request, "disposition/account/offer.html", {
        "offer": offer, "lot": offer.lot, "error": error,
        "open": offer.status == OfferStatus.OPEN and offer.expires_at > timezone.now()}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response
