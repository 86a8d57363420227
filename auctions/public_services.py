"""Changes the public site and the staff screens need that `auctions.services` does not (yet) offer.

Same conventions as `auctions.services`: keyword-only arguments, one transaction, side effects
(e-mail) after commit, domain errors for a person to read. The bidding itself, the reviews and
the deposits stay in `auctions.services`; these functions call them where they overlap.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from common.transitions import require_perm

from . import events, services
from .exceptions import NotEligible, TransitionRefused
from .models import Auction, AuctionStatus, BidderProfile, BidderStatus, IncrementTable, IncrementTier, ScreeningEntry

VERIFY_SALT = "auctions.bidder-email-verification"
VERIFY_MAX_AGE_SECONDS = 3 * 24 * 3600

# Fields of an auction that may change while it is a draft (everything but the life cycle).
AUCTION_EDITABLE_FIELDS = (
    "title", "slug", "description", "terms", "opens_at", "closes_at", "time_zone", "currency",
    "buyers_premium_percent", "deposit_rule", "deposit_amount", "deposit_percent", "pickup_info", "viewing_info",
    "soft_close_minutes", "soft_close_cap_minutes", "stagger_seconds",
)
PROFILE_EDITABLE_FIELDS = ("legal_name", "address", "country", "phone", "date_of_birth", "id_document_type",
                           "id_document_number")


# --------------------------------------------------------------------------------------------
# Bidder sign-up and e-mail verification
# --------------------------------------------------------------------------------------------


def email_verification_token(*, user) -> str:
    """A signed, expiring token naming the user and the address it was sent to."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)


def _send_verification(*, user_id: int, verify_url_template: str) -> None:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return
    url = verify_url_template.replace("TOKEN", email_verification_token(user=user))
    with override(settings.LANGUAGE_CODE):
        send_mail(
            _("Confirm your e-mail address"),
            _("Welcome to the online auctions of %(agency)s.\n\nConfirm your e-mail address by opening this "
              "link within three days:\n\n%(url)s\n\nIf you did not sign up, ignore this message.")
            % {"agency": settings.AGENCY_NAME, "url": url},
            settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False,
        )


def bidder_verification_send(*, user, verify_url_template: str) -> None:
    """(Re)send the verification link after the current transaction commits. The template holds
    the literal `TOKEN` where the token goes (the view builds the absolute URL)."""
    user_id = user.pk
    transaction.on_commit(lambda: _send_verification(user_id=user_id, verify_url_template=verify_url_template))


@transaction.atomic
def bidder_sign_up(*, username: str, email: str, password: str, verify_url_template: str,
                   profile: dict[str, Any]):
    """A member of the public opens an account and a bidder profile in one go; the profile waits
    for an auction manager, and a verification link goes to the e-mail address after commit."""
    User = get_user_model()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    user = User(username=username, email=email, is_staff=False, is_superuser=False)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    services.bidder_profile_create(user=user, **profile)
    bidder_verification_send(user=user, verify_url_template=verify_url_template)
    return user


def bidder_email_confirm(*, token: str):
    """Check a verification token and mark the address verified. Raises TransitionRefused for a
    bad, expired or outdated token (the address was changed since)."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise TransitionRefused(_("This link has expired. Sign in and ask for a new one.")) from None
    except signing.BadSignature:
        raise TransitionRefused(_("This link is not valid.")) from None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None or user.email != data.get("e"):
        raise TransitionRefused(_("This link is not valid."))
    if not BidderProfile.objects.filter(user=user).exists():
        raise TransitionRefused(_("This account has no bidder profile."))
    services.bidder_email_verify(user=user)
    return user


@transaction.atomic
def bidder_profile_update(*, user, id_document_file=None, **fields: Any) -> BidderProfile:
    """A bidder corrects their profile while it awaits review or after a rejection. An approved
    profile is frozen: identity data checked by the agency is not changed by the bidder alone."""
    if user.is_staff:
        raise NotEligible(_("Agency staff cannot register as bidders."))
    profile = BidderProfile.objects.select_for_update().get(user=user)
    if profile.status == BidderStatus.APPROVED:
        raise TransitionRefused(_("Your profile has been approved; contact us to change it."))
    unknown = set(fields) - set(PROFILE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    if id_document_file is not None:
        profile.id_document_file = id_document_file
    profile.full_clean(exclude=["status", "user", "rejection_reason"])
    profile.save()
    events.auction_log_write(subject="bidder", obj=profile, action="update", actor=user)
    return profile


# --------------------------------------------------------------------------------------------
# Staff: auctions, increment tables, screening list
# --------------------------------------------------------------------------------------------


@transaction.atomic
def auction_update(*, auction_id: int, actor, **fields: Any) -> Auction:
    """An auction manager edits a draft auction."""
    require_perm(actor, "auctions.change_auction")
    auction = Auction.objects.select_for_update().get(pk=auction_id)
    if auction.status != AuctionStatus.DRAFT:
        raise TransitionRefused(_("Only a draft auction can be edited; unschedule it first."))
    unknown = set(fields) - set(AUCTION_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(auction, name, value)
    auction.full_clean(exclude=["status", "created_by", "published_by"])
    auction.save()
    events.auction_log_write(subject="auction", obj=auction, action="update", actor=actor, auction_id=auction.pk)
    return auction


def _check_tiers(tiers: list[tuple[Decimal | None, Decimal]]) -> None:
    if not tiers:
        raise ValidationError(_("An increment table needs at least one tier."))
    tops = [t for t in tiers if t[0] is None]
    if len(tops) != 1:
        raise ValidationError(_("Exactly one tier must have no upper bound (the top tier)."))
    bounds = [t[0] for t in tiers if t[0] is not None]
    if len(set(bounds)) != len(bounds):
        raise ValidationError(_("Two tiers have the same upper bound."))
    for _bound, increment in tiers:
        if increment is None or increment <= 0:
            raise ValidationError(_("Every increment must be positive."))


@transaction.atomic
def increment_table_save(*, actor, name: str, tiers: list[tuple[Decimal | None, Decimal]],
                         table_id: int | None = None, is_default: bool = False) -> IncrementTable:
    """Create or replace an increment table with its tiers (price below `up_to` → increment; the
    top tier has no bound). Lots already bidding pick up the change at their next bid."""
    require_perm(actor, "auctions.change_incrementtable" if table_id else "auctions.add_incrementtable")
    _check_tiers(tiers)
    if table_id:
        table = IncrementTable.objects.select_for_update().get(pk=table_id)
        table.name = name.strip()
    else:
        table = IncrementTable(name=name.strip())
    if is_default:
        IncrementTable.objects.filter(is_default=True).exclude(pk=table.pk).update(is_default=False)
    table.is_default = is_default or (table.pk is not None and table.is_default)
    table.full_clean()
    table.save()
    table.tiers.all().delete()
    for up_to, increment in tiers:
        IncrementTier.objects.create(table=table, up_to=up_to, increment=increment)
    return table


@transaction.atomic
def screening_entry_remove(*, actor, entry_id: int) -> None:
    require_perm(actor, "auctions.delete_screeningentry")
    ScreeningEntry.objects.filter(pk=entry_id).delete()
