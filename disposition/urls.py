from django.urls import path

from . import views, views_calls, views_collection, views_cooperation, views_offers

app_name = "disposition"

urlpatterns = [
    path("account/invoices/<str:number>/", views.invoice_detail, name="invoice"),
    path("account/invoices/<str:number>/pdf/", views.invoice_pdf_download, name="invoice_pdf"),
    # paying by card (card_payments.py)
    path("account/invoices/<str:number>/pay/", views.invoice_card_pay, name="invoice_card_pay"),
    path("account/invoices/<str:number>/status/", views.invoice_status, name="invoice_status"),
    # Collection: the booking and the release note.
    path("account/invoices/<str:number>/collection/", views_collection.collection_booking,
         name="collection_booking"),
    path("account/invoices/<str:number>/release-note/", views_collection.release_note_download,
         name="release_note"),
    # second-chance offers after a default
    path("account/offers/<int:offer_id>/", views_offers.offer_detail, name="offer"),
    # Calls for projects (social reuse): public, anyone may read them.
    path("calls/", views_calls.call_list, name="calls"),
    path("calls/<int:call_id>/", views_calls.call_detail, name="call"),
    # Sharing and return agreements marked publishable: public, anyone may read them.
    path("agreements/", views_cooperation.agreement_list, name="agreements"),
    path("agreements/<int:agreement_id>/", views_cooperation.agreement_detail, name="agreement"),
]
