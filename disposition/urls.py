from django.urls import path

from . import views, views_offers

app_name = "disposition"

urlpatterns = [
    path("account/invoices/<str:number>/", views.invoice_detail, name="invoice"),
    path("account/invoices/<str:number>/pdf/", views.invoice_pdf_download, name="invoice_pdf"),
    # second-chance offers after a default
    path("account/offers/<int:offer_id>/", views_offers.offer_detail, name="offer"),
]
