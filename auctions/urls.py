from django.urls import include, path

app_name = "auctions"
urlpatterns: list = [
    path("", include("auctions.api_urls")),
    path("", include("auctions.public_urls")),
]
