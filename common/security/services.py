"""Changes to sign-in security: a staff member's authenticator (set up, replaced, or removed by those
whose role does not require one), and unlocking a locked-out sign-in."""

from __future__ import annotations

import logging

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log as log_entry

from common.exceptions import NotPermitted

from .two_factor import two_factor_required

log = logging.getLogger(__name__)

DEVICE_NAME = "Authenticator app"
# Wagtail's log (the audit trail, common.admin.audit): a locked-out sign-in's failed attempts forgotten.
SIGN_IN_UNLOCK_LOG_ACTION = "common.sign_in_unlock"
TWO_FACTOR_OFF_LOG_ACTION = "common.two_factor_off"


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The authenticator `user` is setting up: an unconfirmed device, the same one until confirmed
    (reloading the set-up page must not change the secret already scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm the device when `token` is its current code (django_otp throttles wrong guesses)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # A new authenticator replaces the old ones (a new phone): never a moment without one confirmed.
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return True


@transaction.atomic
def totp_device_issue(*, user) -> TOTPDevice:
    """A confirmed authenticator for `user` with a new random key (django_otp's default), replacing
    their others: for logins made by the system whose key is handed to their user (the demo's)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)


@transaction.atomic
def totp_device_remove(*, user) -> int:
    """Turn two-factor authentication off for `user`, who chose it (their role does not require it):
    their authenticators are forgotten and their sessions are no longer asked for a code. A user whose
    role requires it cannot; they replace their authenticator instead (totp_device_confirm)."""
    if two_factor_required(user):
        raise NotPermitted(_("Your role requires two-factor authentication, so it cannot be turned off. To use "
                             "another phone or app, set up a new authenticator: it replaces this one."))
    devices = list(TOTPDevice.objects.select_for_update().filter(user=user).order_by("pk"))
    for device in devices:  # in the audit trail: a sign-in safeguard was turned off, by whom
        log_entry(instance=device, action=TWO_FACTOR_OFF_LOG_ACTION, user=user, deleted=True,
                  title=f"{user.get_username()} — {device.name}", data={"username": user.get_username()})
    count, _by_model = TOTPDevice.objects.filter(pk__in=[d.pk for d in devices]).delete()
    log.warning("Two-factor authentication turned off by %s (%d authenticators removed)", user.get_username(), count)
    return count


@transaction.atomic
def sign_in_lock_release(*, username: str | None = None, ip_address: str | None = None, released_by) -> int:
    """Unlock a locked-out username (from every address) or address (for every username): forget
    their failed attempts (axes' reset). Each forgotten attempt record is in the audit trail (Wagtail's
    log), in `released_by`'s name. Returns how many attempt records were removed."""
    if not (username or ip_address):
        raise ValueError("Name a username or an address to unlock")  # axes' reset() would forget them all
    kind, value = ("username", username) if username else ("ip_address", ip_address)
    attempts = list(AccessAttempt.objects.select_for_update().filter(**{kind: value}).order_by("pk"))
    count = axes_reset(username=username) if username else axes_reset(ip=ip_address)
    for attempt in attempts:
        log_entry(instance=attempt, action=SIGN_IN_UNLOCK_LOG_ACTION, user=released_by, deleted=True,
                  title=" — ".join(filter(None, [attempt.username, attempt.ip_address])),
                  data={"kind": kind, "value": value, "username": attempt.username,
                        "ip_address": attempt.ip_address, "failures": attempt.failures_since_start})
    log.warning("Sign-in unlocked by %s: %s %r (%d records)", released_by.get_username(),
                "username" if username else "address", username or ip_address, count)
    return count
