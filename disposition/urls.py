from django.urls import path

from . import views

app_name = "disposition"

urlpatterns = [
    path("account/invoices/<str:number>/", views.invoice_detail, name="invoice"),
    path("account/invoices/<str:number>/pdf/", views.invoice_pdf_download, name="invoice_pdf"),
]
