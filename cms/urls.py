"""The public record's pages that are not in the page tree: the site search, the published
documents and the public files (mounted at the site's root, before Wagtail's pages)."""

from django.urls import path

from . import search_views, views

app_name = "cms"

urlpatterns = [
    path("search/", search_views.search, name="search"),
    path("published-documents/", views.document_list, name="documents"),
    path("published-documents/<int:pk>/", views.document_file, name="document_file"),
    path("published-documents/orders/<int:pk>/", views.order_file, name="order_file"),
    path("public-record/photos/<int:pk>/<str:rendition>/", views.photo_file, name="photo"),
]
