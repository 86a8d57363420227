"""Bidder accounts on the public site: sign-up with e-mail verification, sign-in and sign-out,
the bidder profile, "my bids" with the watchlist, the user's API tokens, and "your data".

Who: sign-up and sign-in are public; the profile, "my bids", the API tokens and "your data" (a copy
to download, and erasure) need a signed-in user and show only their own (each sees and revokes only
their own tokens). Agency staff have no bidder pages: they may not bid, so they get no sign-up or
profile. Sign-up and the e-mails sent to a typed address are throttled (common/throttle.py), and
neither tells whether an address has an account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.forms import apply_validation_error
from common.security.forms import BidderLoginForm
from common.throttle import throttle, too_many_page
from common.urls import absolute_reverse

from .exceptions import DomainError
from .forms import BidderPasswordResetForm, EmailChangeForm, EraseAccountForm, ProfileForm, SignUpForm
from .models import BidderProfile, BidderStatus, Lot, WatchlistItem
from .services import bidders, privacy, tokens

LOGIN_URL = reverse_lazy("auctions:login")


def _verify_url_template(request: HttpRequest) -> str:
    """On the configured base URL, never the request's host: a link to another host name than the
    one the reader signed in on would carry no session cookie."""
    return absolute_reverse("auctions:verify_email", "TOKEN")


class BidderLoginView(auth_views.LoginView):
    template_name = "auctions/account/login.html"
    authentication_form = BidderLoginForm  # says so when the account or address is locked out
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("auctions:catalogue")


class BidderLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("auctions:home")


def sign_up(request: HttpRequest) -> HttpResponse:
    """Open a bidder account: user, profile, and a verification link by e-mail."""
    if request.user.is_authenticated:
        if request.user.is_staff:
            messages.error(request, _("Agency staff cannot register as bidders."))
        return redirect("auctions:profile" if not request.user.is_staff else "auctions:catalogue")
    form = SignUpForm(request.POST, request.FILES) if request.method == "POST" else SignUpForm()
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile = form.profile_data()
        if data.get("id_document_file"):
            profile["id_document_file"] = data["id_document_file"]
        if throttle("sign_up").refused(request, form, email=data["email"]):
            status = 429
        else:
            try:
                bidders.bidder_sign_up(
                    username=data["username"], email=data["email"], password=data["password1"],
                    verify_url_template=_verify_url_template(request), profile=profile, consent=data["consent"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                # The same answer whether an account was opened or the address had one already (its
                # owner is told by e-mail), and nobody is signed in: being signed in would tell.
                return redirect("auctions:sign_up_done")
    account = ("username", "email", "password1", "password2")
    return render(request, "auctions/account/sign_up.html", {
        "form": form, "account_fields": [form[name] for name in account],
        "profile_fields": [form[name] for name in form.fields if name not in account and name != "consent"],
        "terms_url": settings.INFO_PAGE_PATHS["terms"], "privacy_url": settings.INFO_PAGE_PATHS["privacy"],
    }, status=status if status != 200 else 400 if form.is_bound and form.errors else 200)


def sign_up_done(request: HttpRequest) -> HttpResponse:
    return render(request, "auctions/account/sign_up_done.html")


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the verification e-mail."""
    try:
        bidders.bidder_email_confirm(token=token)
    except DomainError as exc:
        return render(request, "auctions/account/verify_failed.html", {"detail": str(exc)}, status=400)
    messages.success(request, _("Thank you: your e-mail address is confirmed."))
    return redirect("auctions:profile" if request.user.is_authenticated else "auctions:login")


@login_required(login_url=LOGIN_URL)
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    profile = BidderProfile.objects.filter(user=request.user).first()
    if profile is not None and not profile.email_verified and request.user.email:
        if throttle("email").exceeded(request, email=request.user.email):
            return too_many_page(request)
        bidders.bidder_verification_send(user=request.user,
                                         verify_url_template=_verify_url_template(request))
        messages.success(request, _("We sent a new link to %(email)s.") % {"email": request.user.email})
    return redirect("auctions:profile")


@login_required(login_url=LOGIN_URL)
def profile(request: HttpRequest) -> HttpResponse:
    """The bidder's profile: its review status, and corrections while it is not approved."""
    if request.user.is_staff:
        messages.error(request, _("Agency staff cannot register as bidders."))
        return redirect("auctions:catalogue")
    item = BidderProfile.objects.filter(user=request.user).first()
    if item is None:
        return render(request, "auctions/account/profile_missing.html")
    editable = item.status not in (BidderStatus.APPROVED, BidderStatus.SUSPENDED)
    form = None
    status = 200
    if editable:
        posted = request.method == "POST"
        form = ProfileForm.for_profile(item, request.POST if posted else None, request.FILES if posted else None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    bidders.bidder_profile_update(
                        user=request.user, id_document_file=form.cleaned_data.get("id_document_file") or None,
                        **form.profile_data())
                except ValidationError as exc:
                    apply_validation_error(form, exc)
                    status = 400
                except DomainError as exc:
                    messages.error(request, str(exc))
                    return redirect("auctions:profile")
                else:
                    messages.success(request, _("Your profile is saved. An auction manager will review it."))
                    return redirect("auctions:profile")
            else:
                status = 400
    return render(request, "auctions/account/profile.html", {"profile": item, "form": form, "editable": editable},
                  status=status)


@login_required(login_url=LOGIN_URL)
def my_bids(request: HttpRequest) -> HttpResponse:
    """The lots the user bid on (their own maximum, the price, whether they lead) and their watchlist."""
    user = request.user
    lots = list(
        Lot.objects.filter(bids__bidder=user, bids__accepted=True)
        .annotate(my_max=Max("bids__max_amount", filter=Q(bids__bidder=user, bids__accepted=True)),
                  my_bids=Count("bids", filter=Q(bids__bidder=user, bids__accepted=True)))
        .select_related("auction")
        .only("id", "number", "title", "status", "currency", "current_price", "ends_at", "leader_id", "winner_id",
              "auction__title", "auction__status", "auction__time_zone", "auction__slug")
        .order_by("-ends_at")[:200])
    watch = list(WatchlistItem.objects.filter(user=user).select_related("lot", "lot__auction")
                 .only("id", "lot__id", "lot__number", "lot__title", "lot__status", "lot__currency",
                       "lot__current_price", "lot__starting_price", "lot__ends_at", "lot__auction__time_zone",
                       "lot__auction__title", "lot__auction__status")[:200])
    return render(request, "auctions/account/my_bids.html", {"lots": lots, "watch": watch})


# --------------------------------------------------------------------------------------------
# Password: forgotten (Django's reset views, links on the configured base URL) and changed
# --------------------------------------------------------------------------------------------


class BidderPasswordResetView(auth_views.PasswordResetView):
    form_class = BidderPasswordResetForm
    template_name = "auctions/account/password_reset.html"
    email_template_name = "auctions/account/email/password_reset.txt"
    subject_template_name = "auctions/account/email/password_reset_subject.txt"
    success_url = reverse_lazy("auctions:password_reset_done")

    def form_valid(self, form):
        """Django's answer is the same whether the address has an account; the mails are throttled."""
        if throttle("email").refused(self.request, form, email=form.cleaned_data["email"]):
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)

    @property
    def extra_email_context(self) -> dict:
        """The mail's link is built on the base URL, not on the host the request came to."""
        return {"base_url": settings.PUBLIC_BASE_URL, "agency_name": settings.AGENCY_NAME}


class BidderPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "auctions/account/password_reset_done.html"


class BidderPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "auctions/account/password_reset_confirm.html"
    success_url = reverse_lazy("auctions:password_reset_complete")


class BidderPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "auctions/account/password_reset_complete.html"


class BidderPasswordChangeView(auth_views.PasswordChangeView):
    """Keeps the bidder signed in (Django updates the session's hash)."""

    template_name = "auctions/account/password_change.html"
    success_url = reverse_lazy("auctions:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response


# --------------------------------------------------------------------------------------------
# Changing the e-mail address
# --------------------------------------------------------------------------------------------


@login_required(login_url=LOGIN_URL)
def email_change(request: HttpRequest) -> HttpResponse:
    """Ask for a new address: a link goes there, and the address changes when it is followed."""
    if request.user.is_staff:
        messages.error(request, _("Agency staff cannot register as bidders."))
        return redirect("auctions:catalogue")
    form = EmailChangeForm(request.POST if request.method == "POST" else None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid() and throttle("email").refused(
            request, form, email=form.cleaned_data["new_email"]):
        status = 429
    elif request.method == "POST" and form.is_valid():
        try:
            bidders.bidder_email_change_request(user=request.user, new_email=form.cleaned_data["new_email"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("We sent a link to %(email)s. Your address changes when you open it; until "
                                        "then we write to %(old)s.")
                             % {"email": form.cleaned_data["new_email"], "old": request.user.email})
            return redirect("auctions:profile")
    return render(request, "auctions/account/email_change.html", {"form": form},
                  status=status if status != 200 else 400 if form.is_bound and form.errors else 200)


def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail sent to the new address. It signs nobody in or out."""
    try:
        bidders.bidder_email_change_confirm(token=token)
    except DomainError as exc:
        return render(request, "auctions/account/verify_failed.html", {"detail": str(exc), "email_change": True},
                      status=400)
    messages.success(request, _("Your e-mail address is changed."))
    return redirect("auctions:profile" if request.user.is_authenticated else "auctions:login")


# --------------------------------------------------------------------------------------------
# API tokens: the user's live bearer tokens, each revocable
# --------------------------------------------------------------------------------------------


@login_required(login_url=LOGIN_URL)
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The signed-in user's live API tokens (name, created, last used, expires), and revoking one
    (POST with its id and the CSRF token). Only the user's own tokens are listed or revoked."""
    if request.method == "POST":
        try:
            token_id = int(request.POST.get("token_id", ""))
        except ValueError:
            token_id = None
        if token_id is not None and 0 < token_id < 2**63 and tokens.api_token_revoke(user=request.user,
                                                                                   token_id=token_id):
            messages.success(request, _("The token is revoked: it no longer lets anyone in."))
        else:
            messages.error(request, _("There is no such token among your live tokens."))
        return redirect("auctions:api_tokens")
    return render(request, "auctions/account/api_tokens.html", {
        "tokens": tokens.api_tokens_live_described(user=request.user),
        "lifetime_days": settings.AUCTIONS_API_TOKEN_LIFETIME_DAYS,
        "per_user": settings.AUCTIONS_API_TOKENS_PER_USER,
    })
# The bidder's data: a copy to download, and erasure
# --------------------------------------------------------------------------------------------


def _data_page(request: HttpRequest, form: EraseAccountForm, status: int = 200) -> HttpResponse:
    return render(request, "auctions/account/my_data.html", {
        "form": form, "refusals": privacy.bidder_erase_refusal(user=request.user),
        "retention_years": settings.BIDDER_RECORDS_RETENTION_YEARS,
        "privacy_url": settings.INFO_PAGE_PATHS.get("privacy", "")}, status=status)


@login_required(login_url=LOGIN_URL)
def my_data(request: HttpRequest) -> HttpResponse:
    """The signed-in bidder's own data: what we hold, a download of it, and erasure (what is kept, and why)."""
    if request.user.is_staff:
        messages.error(request, _("Agency staff cannot register as bidders."))
        return redirect("auctions:catalogue")
    return _data_page(request, EraseAccountForm(user=request.user))


@login_required(login_url=LOGIN_URL)
def my_data_export(request: HttpRequest) -> HttpResponse:
    """The signed-in bidder's own data, as a JSON file (never anyone else's)."""
    if request.user.is_staff:
        return redirect("auctions:catalogue")
    response = JsonResponse(privacy.bidder_export(user=request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-auction-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required(login_url=LOGIN_URL)
@require_POST
def my_data_erase(request: HttpRequest) -> HttpResponse:
    """The signed-in bidder erases their account, confirming with their password; they are signed out."""
    if request.user.is_staff:
        return redirect("auctions:catalogue")
    form = EraseAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return _data_page(request, form, status=400)
    try:
        privacy.bidder_erase(user=request.user)
    except DomainError as exc:
        form.add_error(None, str(exc))
        return _data_page(request, form, status=409)
    logout(request)
    messages.success(request, _("Your account is closed and your personal data erased."))
    return redirect("auctions:home")
