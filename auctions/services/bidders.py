"""Bidders: sign-up with e-mail verification, the bidder profile and its review by an auction
manager, the terms of each auction, the screening list of people who may not bid, and the
watchlist. Who may bid where is decided from these (see selectors.bid_preflight)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from common.accounts import email_owner_notify, sign_up_email_taken
from common.dates import age_on
from common.identifiers import national_id_clean
from common.transitions import require_perm, save_or_conflict, transition_run
from common.urls import absolute_reverse, absolute_url

from .. import selectors
from ..events import auction_log_write
from ..exceptions import NotEligible, NotPermitted, TransitionRefused
from ..models import (
    Auction,
    AuctionStatus,
    BidderProfile,
    BidderStatus,
    IdentityDocumentType,
    Lot,
    ScreeningEntry,
    TermsAcceptance,
    WatchlistItem,
)

VERIFY_SALT = "auctions.bidder-email-verification"
VERIFY_MAX_AGE_SECONDS = 3 * 24 * 3600

PROFILE_EDITABLE_FIELDS = ("legal_name", "address", "country", "phone", "date_of_birth", "id_document_type",
                           "id_document_number")


# --------------------------------------------------------------------------------------------
# Sign-up and e-mail verification
# --------------------------------------------------------------------------------------------


@transaction.atomic
def bidder_sign_up(*, username: str, email: str, password: str, verify_url_template: str,
                   profile: dict[str, Any], consent: bool):
    """A member of the public opens an account and a bidder profile in one go; the profile waits
    for an auction manager, and a verification link goes to the e-mail address after commit.

    An address that already has an account gets no second one, and the answer must not tell the
    person signing up (that would let anyone test whose address has an account here): nothing is
    made, the address's owner is told by e-mail instead, and None is returned, which callers
    answer exactly as a sign-up ("check your e-mail")."""
    User = get_user_model()
    if not consent:
        raise ValidationError({"consent": _("Accept the terms of sale and the privacy notice to register.")})
    email = User.objects.normalize_email((email or "").strip())
    if sign_up_email_taken(email=email, password=password, **_owner_notice()):
        return None
    user = User(username=username, email=email, is_staff=False, is_superuser=False)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    bidder_profile_create(user=user, consent_version=settings.CONSENT_VERSION, **profile)
    bidder_verification_send(user=user, verify_url_template=verify_url_template)
    return user


def _owner_notice() -> dict:
    """What the notice to an address's owner says of this site (common.accounts.email_owner_notify)."""
    return {"purpose": gettext_lazy("at the online auctions of %(agency)s"),
            "login_url": absolute_reverse("auctions:login"), "reset_url": absolute_reverse("auctions:password_reset")}


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


def _link_data(token: str, *, salt: str, max_age: int) -> dict:
    """What a signed e-mail link carries; TransitionRefused for an expired or tampered one."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise TransitionRefused(_("This link has expired. Sign in and ask for a new one.")) from None
    except signing.BadSignature:
        raise TransitionRefused(_("This link is not valid.")) from None


def bidder_email_confirm(*, token: str):
    """Check a verification token and mark the address verified. Raises TransitionRefused for a
    bad, expired or outdated token (the address was changed since)."""
    data = _link_data(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE_SECONDS)
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None or user.email != data.get("e"):
        raise TransitionRefused(_("This link is not valid."))
    if not BidderProfile.objects.filter(user=user).exists():
        raise TransitionRefused(_("This account has no bidder profile."))
    bidder_email_verify(user=user)
    return user


@transaction.atomic
def bidder_email_verify(*, user) -> BidderProfile:
    profile = BidderProfile.objects.select_for_update().get(user=user)
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at", "updated_at"])
        auction_log_write(subject="bidder", obj=profile, action="verify_email", actor=user)
    return profile


# --------------------------------------------------------------------------------------------
# Changing the e-mail address: the link goes to the new address, which replaces the old one only
# when the link is followed; the old address is told.
# --------------------------------------------------------------------------------------------

EMAIL_CHANGE_SALT = "auctions.bidder-email-change"
EMAIL_CHANGE_MAX_AGE_SECONDS = 24 * 3600


def bidder_email_change_request(*, user, new_email: str) -> None:
    """Mail a confirmation link to `new_email` after commit. Nothing changes until it is followed.
    An address that belongs to another account gets a notice instead of the link, and the caller is
    not told (the answer must not reveal whose address has an account here)."""
    new_email = get_user_model().objects.normalize_email((new_email or "").strip())
    if new_email.lower() == (user.email or "").lower():
        raise ValidationError({"new_email": _("This is already your e-mail address.")})
    owner_id = (get_user_model().objects.filter(email__iexact=new_email).exclude(pk=user.pk).order_by("pk")
                .values_list("pk", flat=True).first())
    if owner_id is not None:
        email_owner_notify(user_id=owner_id, **_owner_notice())
        return
    token = signing.dumps({"u": user.pk, "old": user.email, "new": new_email}, salt=EMAIL_CHANGE_SALT, compress=True)
    url = absolute_reverse("auctions:email_change_confirm", token)

    def send() -> None:
        with override(settings.LANGUAGE_CODE):
            send_mail(
                _("Confirm your new e-mail address"),
                _("You asked to use this address for your account at the online auctions of %(agency)s.\n\n"
                  "Confirm it by opening this link within a day:\n\n%(url)s\n\nUntil then we keep writing to "
                  "your current address. If you did not ask for this, ignore this message.")
                % {"agency": settings.AGENCY_NAME, "url": url},
                settings.DEFAULT_FROM_EMAIL, [new_email], fail_silently=False,
            )

    transaction.on_commit(send)


@transaction.atomic
def bidder_email_change_confirm(*, token: str):
    """Follow the link: the account's address becomes the new one (verified, since the link reached
    it), and the old address gets a notice. Raises TransitionRefused for a bad, expired or used link."""
    data = _link_data(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE_SECONDS)
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=data.get("u")).first()
    if user is None or user.email != data.get("old"):
        raise TransitionRefused(_("This link is not valid any more: the address was changed since."))
    new_email = data.get("new") or ""
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise TransitionRefused(_("An account with this e-mail address already exists."))
    old_email, user.email = user.email, new_email
    user.save(update_fields=["email"])
    profile = BidderProfile.objects.select_for_update().filter(user=user).first()
    if profile is not None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at", "updated_at"])
        auction_log_write(subject="bidder", obj=profile, action="change_email", actor=user)
    if old_email:
        def notify_old() -> None:
            with override(settings.LANGUAGE_CODE):
                send_mail(
                    _("Your e-mail address was changed"),
                    _("The e-mail address of your account at the online auctions of %(agency)s is now "
                      "%(email)s.\n\nIf you did not make this change, contact us at once: %(contact)s")
                    % {"agency": settings.AGENCY_NAME, "email": new_email,
                       "contact": absolute_url(settings.INFO_PAGE_PATHS["contact"])},
                    settings.DEFAULT_FROM_EMAIL, [old_email], fail_silently=False,
                )

        transaction.on_commit(notify_old)
    return user


# --------------------------------------------------------------------------------------------
# The bidder profile and its review
# --------------------------------------------------------------------------------------------


def bidder_age_refusal(*, profile: BidderProfile) -> str | None:
    """Why this person may not be a bidder on account of their age (bidders must be adults), or None."""
    minimum = settings.BIDDER_MINIMUM_AGE
    if profile.date_of_birth is None:
        return _("The date of birth is missing: bidders must be at least %(age)d years old.") % {"age": minimum}
    if profile.date_of_birth > timezone.localdate():
        return _("The date of birth is in the future: it must be corrected before the bidder is approved.")
    age = age_on(profile.date_of_birth, timezone.localdate())
    if age < minimum:
        return _("The bidder is %(years)d years old: bidders must be at least %(age)d.") % {
            "years": age, "age": minimum}
    return None


def _check_identity(profile: BidderProfile) -> None:
    """The checks of a bidder's identity data beyond each field's own: adult age, and the identity
    card's number against the country's scheme where python-stdnum knows one (stored compact)."""
    errors = {}
    if refusal := bidder_age_refusal(profile=profile):
        errors["date_of_birth"] = refusal
    if profile.id_document_type == IdentityDocumentType.ID_CARD and profile.id_document_number:
        try:
            profile.id_document_number = national_id_clean(str(profile.country), profile.id_document_number)
        except ValidationError as exc:
            errors["id_document_number"] = exc.messages
    if errors:
        raise ValidationError(errors)


def _phone(value) -> str:
    return value.strip() if isinstance(value, str) else value


@transaction.atomic
def bidder_profile_create(*, user, legal_name: str, address: str, phone, id_document_type: str,
                          id_document_number: str, date_of_birth=None, country: str = "",
                          id_document_file=None, consent_version: str = "") -> BidderProfile:
    """A member of the public signs up as a bidder; the profile waits for an auction manager.
    Bidders must be adults (BIDDER_MINIMUM_AGE)."""
    if user.is_staff:
        raise NotEligible(_("Agency staff cannot register as bidders."))
    profile = BidderProfile(user=user, legal_name=legal_name.strip(), address=address.strip(), phone=_phone(phone),
                            id_document_type=id_document_type, id_document_number=id_document_number.strip(),
                            date_of_birth=date_of_birth, country=country)
    if consent_version:
        profile.consent_version, profile.consent_at = consent_version, timezone.now()
    if id_document_file is not None:
        profile.id_document_file = id_document_file
    profile.full_clean(exclude=["status", "user"])
    _check_identity(profile)
    profile.save()
    auction_log_write(subject="bidder", obj=profile, action="sign_up", to_state=profile.status, actor=user)
    return profile


@transaction.atomic
def bidder_profile_update(*, user, id_document_file=None, **fields: Any) -> BidderProfile:
    """A bidder corrects their profile while it awaits review or after a rejection. An approved
    profile is frozen: identity data checked by the agency is not changed by the bidder alone."""
    if user.is_staff:
        raise NotEligible(_("Agency staff cannot register as bidders."))
    profile = BidderProfile.objects.select_for_update().get(user=user)
    if profile.status in (BidderStatus.APPROVED, BidderStatus.SUSPENDED):
        raise TransitionRefused(_("Your profile has been approved; contact us to change it."))
    unknown = set(fields) - set(PROFILE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    if id_document_file is not None:
        profile.id_document_file = id_document_file
    profile.full_clean(exclude=["status", "user", "rejection_reason"])
    _check_identity(profile)
    profile.save()
    auction_log_write(subject="bidder", obj=profile, action="update", actor=user)
    return profile


@transaction.atomic
def bidder_profile_approve(*, profile_id: int, actor) -> BidderProfile:
    profile = BidderProfile.objects.select_for_update().get(pk=profile_id)
    if profile.user_id == actor.pk:
        raise NotPermitted(_("Nobody reviews their own bidder profile."))
    if refusal := bidder_age_refusal(profile=profile):
        raise TransitionRefused(refusal)
    moved = transition_run(profile, "approve", actor=actor, save=False)
    profile.reviewed_by, profile.reviewed_at = actor, timezone.now()
    save_or_conflict(profile)
    auction_log_write(subject="bidder", obj=profile, action="approve", moved=moved, actor=actor)
    return profile


@transaction.atomic
def bidder_profile_reject(*, profile_id: int, actor, reason: str) -> BidderProfile:
    profile = BidderProfile.objects.select_for_update().get(pk=profile_id)
    if profile.user_id == actor.pk:
        raise NotPermitted(_("Nobody reviews their own bidder profile."))
    profile.rejection_reason = (reason or "").strip()
    if not profile.rejection_reason:
        raise TransitionRefused(_("Give the bidder a reason for the rejection."))
    moved = transition_run(profile, "reject", actor=actor, save=False)
    profile.reviewed_by, profile.reviewed_at = actor, timezone.now()
    save_or_conflict(profile)
    auction_log_write(subject="bidder", obj=profile, action="reject", moved=moved, actor=actor,
                      note=profile.rejection_reason)
    return profile


# --------------------------------------------------------------------------------------------
# Probation: unpaid won lots, and the suspension they lead to
# --------------------------------------------------------------------------------------------


@transaction.atomic
def bidder_record_default(*, user_id: int, reason: str, bar_after: int) -> BidderProfile | None:
    """Settlement reports a won lot the bidder did not pay for (in its transaction): the default is
    counted and logged, and at `bar_after` defaults an approved bidder is suspended, so that every
    bid path refuses them (they are no longer approved) with the reason, until an auction manager
    lifts it."""
    profile = BidderProfile.objects.select_for_update().filter(user_id=user_id).order_by("-created_at").first()
    if profile is None:
        return None
    profile.defaults_count += 1
    profile.save(update_fields=["defaults_count", "updated_at"])
    auction_log_write(subject="bidder", obj=profile, action="default", from_state=profile.status,
                      to_state=profile.status, note=f"{profile.defaults_count}: {reason}"[:500])
    if bar_after > 0 and profile.defaults_count >= bar_after and profile.status == BidderStatus.APPROVED:
        profile.suspension_reason = _(
            "You did not pay for %(count)s won lots by their deadline, so you may not bid for now. "
            "Contact us to discuss lifting the suspension.") % {"count": profile.defaults_count}
        moved = transition_run(profile, "suspend", save=False)
        save_or_conflict(profile)
        auction_log_write(subject="bidder", obj=profile, action="suspend", moved=moved,
                          note=f"{profile.defaults_count} defaults; last: {reason}"[:500])
    return profile


@transaction.atomic
def bidder_suspension_lift(*, profile_id: int, actor, reason: str) -> BidderProfile:
    """An auction manager lifts a bidder's suspension (with a reason): they may bid again, and the
    count of defaults starts afresh."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused(_("Give the reason for lifting the suspension."), field="reason")
    profile = BidderProfile.objects.select_for_update().get(pk=profile_id)
    moved = transition_run(profile, "lift_suspension", actor=actor, label=_("lift the suspension"), save=False)
    save_or_conflict(profile)
    auction_log_write(subject="bidder", obj=profile, action="lift_suspension", moved=moved, actor=actor,
                      note=reason[:500])
    return profile


# --------------------------------------------------------------------------------------------
# Terms, screening list, watchlist
# --------------------------------------------------------------------------------------------


@transaction.atomic
def terms_accept(*, bidder, auction_id: int, ip_address: str | None = None) -> TermsAcceptance:
    auction = Auction.objects.get(pk=auction_id, status=AuctionStatus.PUBLISHED)
    acceptance, _created = TermsAcceptance.objects.get_or_create(
        bidder=bidder, auction=auction, defaults={"ip_address": ip_address})
    return acceptance


@transaction.atomic
def screening_entry_add(*, actor, name: str, reason: str, identity_number: str = "", date_of_birth=None,
                        case=None) -> ScreeningEntry:
    require_perm(actor, "auctions.add_screeningentry")
    entry = ScreeningEntry(name=name.strip(), identity_number=identity_number.strip(), date_of_birth=date_of_birth,
                           reason=reason.strip(), case=case, added_by=actor)
    entry.full_clean(exclude=["added_by"])
    if not entry.identity_number and entry.date_of_birth is None:
        raise ValidationError(_("Give an identity number or a date of birth, so that the person can be matched."))
    entry.save()
    return entry


@transaction.atomic
def screening_entry_remove(*, actor, entry_id: int) -> None:
    require_perm(actor, "auctions.delete_screeningentry")
    ScreeningEntry.objects.filter(pk=entry_id).delete()


@transaction.atomic
def watchlist_add(*, user, lot_id: int) -> WatchlistItem:
    lot = Lot.objects.filter(Q(status__in=selectors.PUBLIC_LOT_STATES) | selectors.PREVIEW_LOTS).get(pk=lot_id)
    item, _created = WatchlistItem.objects.get_or_create(user=user, lot=lot)
    return item


@transaction.atomic
def watchlist_remove(*, user, lot_id: int) -> None:
    WatchlistItem.objects.filter(user=user, lot_id=lot_id).delete()
