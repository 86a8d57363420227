from django.urls import include, path

from . import webhooks

app_name = "auctions"
urlpatterns: list = [
    # Not part of the bidder API (config/api.py): Stripe's calls, answered by a plain view.
    path("api/v1/stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
    path("", include("auctions.public_urls")),
]
