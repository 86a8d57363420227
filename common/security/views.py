"""The staff admin's sign-in security pages.

- Two-factor set-up and check (/admin/two-factor/setup/, /admin/two-factor/verify/): for the signed-in
  staff member themself; StaffTwoFactorMiddleware sends those who must pass a one-time password here.
  With an authenticator set up, the set-up page says so and offers to replace it, or to remove it
  (/admin/two-factor/remove/, POST) when their role does not require it. Account → Two-factor
  authentication leads there.
- Locked sign-ins (/admin/locked-sign-ins/, Settings menu): superusers only (else 403); lists the
  usernames and addresses locked out after failed sign-ins, and unlocks them.
"""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django_otp import devices_for_user
from django_otp import login as otp_login
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from common.exceptions import NotPermitted

from . import selectors, services
from .two_factor import two_factor_required


class TokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("Code from your authenticator app"), min_length=6, max_length=8,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "autofocus": ""}))

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the digits your authenticator app shows."), code="not_digits")
        return token


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


def qr_code_svg(text: str) -> SafeString:
    """`text` as a QR code in SVG (qrcode's pure-Python SVG image: no Pillow, no script)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg.replace("<svg ", '<svg role="img" data-qr-code ', 1))  # noqa: S308 - made here


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), then type its code.

    With one set up already (and this session checked with it): what is set up, a way to replace it
    (`?replace=1`: the new one, once confirmed, replaces the old) and, for whom their role does not
    require it, to remove it. Reached from Account → Two-factor authentication."""
    has_device = any(devices_for_user(request.user, confirmed=True))
    if has_device and not request.user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    if has_device and request.GET.get("replace") != "1":
        return TwoFactorStatusView.as_view()(request)
    device = services.totp_device_start(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(device=device, token=form.cleaned_data["token"]):
            device.refresh_from_db()
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is set up."))
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not the one your authenticator app shows now. Try the next one."))
    secret = b32encode(device.bin_key).decode()
    return TemplateResponse(request, "common/security/two_factor_setup.html", {
        "form": form, "next": _next_url(request), "qr_code": qr_code_svg(device.config_url),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "required": two_factor_required(request.user), "replacing": has_device,
    }, status=400 if form.errors else 200)


class TwoFactorStatusView(WagtailAdminTemplateMixin, TemplateView):
    """The signed-in staff member's own two-factor authentication: on since when, replace, remove."""

    template_name = "common/security/two_factor_status.html"
    page_title = gettext_lazy("Two-factor authentication")
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("wagtailadmin_account"), "label": _("Account")},
                {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        device = next(iter(devices_for_user(self.request.user, confirmed=True)), None)
        return super().get_context_data(device=device, required=two_factor_required(self.request.user), **kwargs)


@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    """Turn two-factor authentication off: for whom their role does not require it, from a session that
    passed it (StaffTwoFactorMiddleware sees to that for anyone with an authenticator)."""
    try:
        services.totp_device_remove(user=request.user)
    except NotPermitted as exc:
        messages.error(request, str(exc))
        return redirect("two_factor_setup")
    messages.success(request, _("Two-factor authentication is off: signing in takes your password only."))
    return redirect("wagtailadmin_account")


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the staff member's authenticator app."""
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next((d for d in devices if d.verify_token(form.cleaned_data["token"])), None)
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("Wrong code. Type the code your authenticator app shows now."))
    return TemplateResponse(request, "common/security/two_factor_verify.html",
                            {"form": form, "next": _next_url(request)},
                            status=400 if form.errors else 200)


class LockedSignInsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "common/security/locked_sign_ins.html"
    page_title = gettext_lazy("Locked sign-ins")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            locks=selectors.sign_in_locks(), limit=settings.AXES_FAILURE_LIMIT,
            minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), **kwargs)


@require_POST
def unlock_sign_in(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    kind, value = request.POST.get("kind"), (request.POST.get("value") or "").strip()
    if kind not in ("username", "ip_address") or not value:
        messages.error(request, _("Choose a locked username or address to unlock."))
        return redirect("locked_sign_ins")
    services.sign_in_lock_release(**{kind: value}, released_by=request.user)
    messages.success(request, _("Unlocked: %(value)s can sign in again.") % {"value": value})
    return redirect("locked_sign_ins")
