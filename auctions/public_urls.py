"""The public auction site, under /auctions/ (the site's root and editorial pages are Wagtail's, see cms):
its home, the catalogue, lots and sales; and the bidders' accounts under /account/."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from . import accounts, views

urlpatterns = [
    path("auctions/", views.home, name="home"),
    path("auctions/lots/", views.catalogue, name="catalogue"),
    path("auctions/lots/<int:lot_id>/", views.lot_detail, name="lot_detail"),
    path("auctions/lots/<int:lot_id>/state.json", views.lot_state, name="lot_state"),
    path("auctions/lots/<int:lot_id>/history.json", views.lot_history, name="lot_history"),
    path("auctions/lots/<int:lot_id>/bid/", views.lot_bid, name="lot_bid"),
    path("auctions/lots/<int:lot_id>/bid/preview.json", views.lot_bid_preview, name="lot_bid_preview"),
    path("auctions/lots/<int:lot_id>/watch/", views.lot_watch, name="lot_watch"),
    path("auctions/photos/<int:photo_id>/<str:rendition>/", views.photo, name="photo"),
    path("auctions/sales/<slug:slug>/", views.auction_detail, name="auction_detail"),
    path("auctions/sales/<slug:slug>/terms/", views.auction_terms, name="auction_terms"),
    path("auctions/sales/<slug:slug>/deposit/", views.auction_deposit, name="auction_deposit"),
    path("account/data/", accounts.my_data, name="my_data"),
    path("account/data/my-auction-data.json", accounts.my_data_export, name="my_data_export"),
    path("account/data/erase/", accounts.my_data_erase, name="my_data_erase"),
    path("account/sign-up/", accounts.sign_up, name="sign_up"),
    path("account/sign-up/done/", accounts.sign_up_done, name="sign_up_done"),
    path("account/verify/<str:token>/", accounts.verify_email, name="verify_email"),
    path("account/verify-again/", accounts.resend_verification, name="resend_verification"),
    path("account/sign-in/", accounts.BidderLoginView.as_view(), name="login"),
    path("account/sign-out/", accounts.BidderLogoutView.as_view(), name="logout"),
    path("account/password/forgotten/", accounts.BidderPasswordResetView.as_view(), name="password_reset"),
    path("account/password/forgotten/sent/", accounts.BidderPasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("account/password/reset/<uidb64>/<token>/", accounts.BidderPasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("account/password/reset/done/", accounts.BidderPasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("account/password/change/",
         login_required(accounts.BidderPasswordChangeView.as_view(), login_url=accounts.LOGIN_URL),
         name="password_change"),
    path("account/email/", accounts.email_change, name="email_change"),
    path("account/email/confirm/<str:token>/", accounts.email_change_confirm, name="email_change_confirm"),
    path("account/profile/", accounts.profile, name="profile"),
    path("account/bids/", accounts.my_bids, name="my_bids"),
    path("account/tokens/", accounts.api_tokens, name="api_tokens"),
]
