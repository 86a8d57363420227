"""Stripe webhooks: store the raw event, verify the signature, and have a worker process each
event id once (auctions.services.deposits). The view answers at once; the outcome is kept on the
stored event."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common.net import client_address

from .exceptions import NotPermitted
from .models import StripeEvent
from .services import deposits


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Anyone may call it (Stripe does); only a body signed with the webhook secret has any effect."""
    remote_addr = client_address(request)
    signature = request.META.get("HTTP_STRIPE_SIGNATURE", "")
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    if size > settings.STRIPE_WEBHOOK_MAX_BYTES:  # refused before the body is read
        deposits.stripe_event_refused_record(signature=signature, size=size, remote_addr=remote_addr,
                                             problem=f"body of {size} bytes, over the limit")
        return JsonResponse({"error": "payload_too_large",
                             "detail": _("A webhook event is at most %(size)d bytes.")
                             % {"size": settings.STRIPE_WEBHOOK_MAX_BYTES}}, status=413)
    try:
        event = deposits.stripe_event_receive(payload=request.body, signature=signature, remote_addr=remote_addr)
    except NotPermitted as exc:
        return JsonResponse({"error": "invalid_signature", "detail": str(exc)}, status=400)
    # Without a broker the worker's task has run already (eagerly, on commit); with one it is queued.
    outcome = StripeEvent.objects.filter(pk=event.pk).values_list("outcome", flat=True).first() or "queued"
    return JsonResponse({"received": event.event_id, "outcome": outcome})
