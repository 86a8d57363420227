from django.urls import path

from . import (
    views,
    views_calls,
    views_claims,
    views_collection,
    views_consultation,
    views_cooperation,
    views_offers,
)

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
    # Claims of third parties and victims: public notices, the claimant's account and claims (views_claims.py)
    path("notices/", views_claims.notice_list, name="notices"),
    path("notices/<int:notice_id>/", views_claims.notice_detail, name="notice"),
    path("notices/<int:notice_id>/claim/", views_claims.claim_new, name="claim_new"),
    path("claims/account/sign-up/", views_claims.claimant_sign_up, name="claimant_sign_up"),
    path("claims/account/sign-up/done/", views_claims.claimant_sign_up_done, name="claimant_sign_up_done"),
    path("claims/account/verify/<str:token>/", views_claims.claimant_verify, name="claimant_verify"),
    path("claims/account/verify-again/", views_claims.claimant_verify_again, name="claimant_verify_again"),
    path("claims/mine/", views_claims.my_claims, name="my_claims"),
    path("claims/mine/<int:claim_id>/", views_claims.my_claim, name="my_claim"),
    # Public consultations before a reuse or return decision: public, anyone may read and comment.
    path("consultations/", views_consultation.consultation_list, name="consultations"),
    path("consultations/<int:consultation_id>/", views_consultation.consultation_detail, name="consultation"),
    path("consultations/confirm/<str:token>/", views_consultation.consultation_confirm,
         name="consultation_confirm"),
    # Sharing and return agreements marked publishable: public, anyone may read them.
    path("agreements/", views_cooperation.agreement_list, name="agreements"),
    path("agreements/<int:agreement_id>/", views_cooperation.agreement_detail, name="agreement"),
]
