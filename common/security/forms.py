"""Sign-in forms that say so when axes refused the attempt (lock-out), instead of "wrong password"."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from wagtail.admin.forms.auth import LoginForm

from .lockout import is_locked_out, lockout_message


class LockoutAwareMixin:
    """For an AuthenticationForm: a locked-out account or address is told it is locked out (the
    right password included: axes refuses it before it is checked), and the view's page gets 429."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if is_locked_out(self.request):
                self.request.lockout_shown = True  # common.security.lockout.lockout_response keeps this page
                raise forms.ValidationError(lockout_message(), code="locked_out") from None
            raise


class StaffLoginForm(LockoutAwareMixin, LoginForm):
    """The staff admin's sign-in (WAGTAILADMIN_USER_LOGIN_FORM)."""


class BidderLoginForm(LockoutAwareMixin, AuthenticationForm):
    """The bidders' sign-in on the public site."""
