"""Stripe webhooks: verify the signature, store the raw event, process each event id once."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .exceptions import NotPermitted
from .services import deposits


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        event = deposits.stripe_event_receive(payload=request.body,
                                              signature=request.META.get("HTTP_STRIPE_SIGNATURE", ""))
    except NotPermitted as exc:
        return JsonResponse({"error": "invalid_signature", "detail": str(exc)}, status=400)
    return JsonResponse({"received": event.event_id, "outcome": event.outcome})
