"""Private files of the register, served only through permission-checked views (mounted at /custody/)."""

from django.urls import path

from . import views

app_name = "custody"
urlpatterns = [
    path("photos/<int:pk>/<str:rendition>/", views.photo_file, name="photo"),
    path("orders/<int:pk>/document/", views.order_document, name="order_document"),
]
