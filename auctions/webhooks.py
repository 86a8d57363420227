"""Stripe webhooks: store the raw event, verify the signature, and have a worker process each
event id once (auctions.services.deposits). The view answers at once; the outcome is kept on the
stored event."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .exceptions import NotPermitted
from .models import StripeEvent
from .services import deposits


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        event = deposits.stripe_event_receive(payload=request.body,
                                              signature=request.META.get("HTTP_STRIPE_SIGNATURE", ""))
    except NotPermitted as exc:
        return JsonResponse({"error": "invalid_signature", "detail": str(exc)}, status=400)
    # Without a broker the worker's task has run already (eagerly, on commit); with one it is queued.
    outcome = StripeEvent.objects.filter(pk=event.pk).values_list("outcome", flat=True).first() or "queued"
    return JsonResponse({"received": event.event_id, "outcome": outcome})
