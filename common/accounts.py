"""Public accounts: the one site user with which a member of the public bids (auctions) and files
claims (disposition), and what their sign-up forms share.

No public form may tell whether an e-mail address has an account here (that would let anyone test
whose address has one): a sign-up, or a change of address, naming an address that belongs to an
account makes nothing, and tells the address's owner by e-mail instead; the caller answers exactly
as it answers a sign-up ("check your e-mail"). A taken user name is still said by the forms: people
choose it and sign in with it, so they must pick another.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import override


def email_owner_notify(*, user_id: int, purpose: str | Promise, login_url: str, reset_url: str) -> None:
    """Tell an account's owner, after commit, that someone asked to use their address for an account.

    `purpose` says where, in words that may hold `%(agency)s` (a lazy translation: it is put in the
    agency's language, as the rest of the message); `login_url` and `reset_url` are absolute links to
    the sign-in and forgotten-password pages the owner uses."""
    def send() -> None:
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None or not user.email:
            return
        with override(settings.LANGUAGE_CODE):
            where = str(purpose) % {"agency": settings.AGENCY_NAME}
            send_mail(
                _("Someone tried to sign up with your e-mail address"),
                _("Someone asked to use this e-mail address for an account %(purpose)s. It already belongs to "
                  "your account (user name: %(username)s), so nothing was opened or changed.\n\nIf it was you, "
                  "sign in here:\n\n%(login)s\n\nor choose a new password here:\n\n%(reset)s\n\nIf it was not "
                  "you, you need not do anything.")
                % {"purpose": where, "username": user.get_username(), "login": login_url, "reset": reset_url},
                settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False,
            )

    transaction.on_commit(send)


def sign_up_email_taken(*, email: str, password: str, purpose: str | Promise, login_url: str,
                        reset_url: str) -> bool:
    """Whether `email` (normalised) already belongs to an account. If so, its owner is told by e-mail
    after commit (email_owner_notify), and the caller must make nothing and answer as for a sign-up;
    the password is hashed all the same, so that the time the answer takes tells nothing either."""
    owner_id = (get_user_model().objects.filter(email__iexact=email).order_by("pk")
                .values_list("pk", flat=True).first())
    if owner_id is None:
        return False
    make_password(password)
    email_owner_notify(user_id=owner_id, purpose=purpose, login_url=login_url, reset_url=reset_url)
    return True
