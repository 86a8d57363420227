"""Private files of the register, served only through permission-checked views (mounted at /custody/)."""

from django.urls import path

from . import admin_views

app_name = "custody"
urlpatterns = [
    path("photos/<int:pk>/<str:rendition>/", admin_views.photo_file, name="photo"),
    path("orders/<int:pk>/document/", admin_views.order_document, name="order_document"),
]
