"""Two-factor authentication for the staff who approve or move money, with django-otp (TOTP).

Who: superusers, and whoever holds one of settings.TWO_FACTOR_PERMISSIONS (the Approver and Finance
officer roles). In the staff admin (/admin/ and /django-admin/), such a user whose session has not
passed a one-time password is sent to the set-up page when they have no confirmed authenticator yet,
else to the check page; nothing else of the admin answers them until then. Other staff may choose it
(Account → Two-factor authentication, the set-up page): once they have a confirmed authenticator,
each new admin session of theirs is checked the same way, until they remove it. Bidders and the
public are not asked. (wagtail-2fa was considered: it makes 2FA one switch for every staff
member or one permission of its own, and does not say it supports Wagtail 8; the rule here is the
roles', so django-otp is wired in directly.)
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse
from django_otp import user_has_device

SETUP_URL_NAME = "two_factor_setup"
VERIFY_URL_NAME = "two_factor_verify"

# Reachable before the second factor: signing in and out, the two pages themselves, and what the
# admin's pages load (its icons and translations for its scripts).
_OPEN_URL_NAMES = {"wagtailadmin_login", "wagtailadmin_logout", "wagtailadmin_javascript_catalog",
                   "wagtailadmin_sprite", SETUP_URL_NAME, VERIFY_URL_NAME}


def two_factor_required(user) -> bool:
    """Whether `user` must pass a one-time password to use the staff admin."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or any(user.has_perm(perm) for perm in settings.TWO_FACTOR_PERMISSIONS)


def two_factor_applies(user) -> bool:
    """Whether `user`'s admin sessions must pass a one-time password: their role requires it, or they
    chose it (they have a confirmed authenticator)."""
    if two_factor_required(user):
        return True
    return user.is_authenticated and user.is_active and user_has_device(user, confirmed=True)


def _admin_prefixes() -> tuple[str, str]:
    return reverse("wagtailadmin_home"), reverse("admin:index")


class StaffTwoFactorMiddleware:
    """After django_otp's OTPMiddleware (which tells whether the session passed a one-time password)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        redirect = self._redirect(request)
        return redirect if redirect is not None else self.get_response(request)

    def _redirect(self, request: HttpRequest):
        if not request.path.startswith(_admin_prefixes()):
            return None
        user = request.user
        if user.is_verified() or not two_factor_applies(user):  # the cheap test first
            return None
        try:
            if resolve(request.path_info).url_name in _OPEN_URL_NAMES:
                return None
        except Resolver404:
            return None  # the admin's 404, which shows nothing
        name = VERIFY_URL_NAME if user_has_device(user, confirmed=True) else SETUP_URL_NAME
        return redirect_to_login(request.get_full_path(), login_url=reverse(name))
