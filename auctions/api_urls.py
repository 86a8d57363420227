from django.urls import path

from . import api, webhooks

urlpatterns = [
    path("api/v1/auth/token/", api.token_obtain, name="api-token"),
    path("api/v1/lots/", api.lot_list, name="api-lot-list"),
    path("api/v1/lots/<int:lot_id>/", api.lot_detail, name="api-lot-detail"),
    path("api/v1/lots/<int:lot_id>/bids/", api.lot_bids, name="api-lot-bids"),
    path("api/v1/openapi.json", api.openapi, name="api-openapi"),
    path("api/v1/stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
]
