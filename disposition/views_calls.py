"""The public pages of calls for projects: /calls/ (those open for applications, and those closed
or awarded) and /calls/<id>/ (one call). Anyone may read them; a draft call is not found (404).

Public facts only: the call's title, description and deadline, the offered assets' category and
area (town or region), and once the call is closed the number of applications and, once awarded,
the winner's name if the beneficiary is marked public (else its type and sector). Never an
applicant's name, a score, a note or a contact."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import CallStatus
from .selectors import calls_public


def _asset_facts(call) -> list[dict]:
    return [{"category": asset.get_category_display(),
             "area": asset.location.public_area if asset.location_id else ""}
            for asset in call.assets.all()]


def _facts(call) -> dict:
    closed = call.status in (CallStatus.CLOSED, CallStatus.AWARDED)
    winner = call.winner.beneficiary if call.status == CallStatus.AWARDED and call.winner_id else None
    return {
        "call": call, "assets": _asset_facts(call),
        "open": call.status == CallStatus.OPEN and call.deadline > timezone.now(),
        "applications": call.applications.count() if closed else None,
        "winner_name": winner.name if winner is not None and winner.public else "",
        "winner_kind": winner.get_kind_display() if winner is not None else "",
        "winner_sector": winner.get_sector_display() if winner is not None else "",
    }


def call_list(request: HttpRequest) -> HttpResponse:
    """Public: every published call, open ones first."""
    calls = list(calls_public().prefetch_related("assets__location"))
    rows = [_facts(call) for call in calls]
    response = render(request, "disposition/calls/list.html", {
        "open_calls": [r for r in rows if r["open"]], "past_calls": [r for r in rows if not r["open"]]})
    response["Cache-Control"] = "public, max-age=60"
    return response


def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    """Public: one published call (a draft is not found)."""
    call = calls_public().prefetch_related("assets__location").filter(pk=call_id).first()
    if call is None:
        raise Http404
    response = render(request, "disposition/calls/detail.html", _facts(call))
    response["Cache-Control"] = "public, max-age=60"
    return response
