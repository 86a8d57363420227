"""Public online auctions: auctions, lots, bidders, deposits and the bidding record.

The life cycles (auction, lot, bidder profile, deposit) are django-fsm state machines; the
`@transition` decorators are the tables of allowed moves. `auctions.services` calls them, writes
the audit row and saves, in one transaction. The proxy-bidding rules themselves live in
`auctions.engine` (pure functions), so that they can be tested against a reference.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import ConcurrentTransitionMixin, transition
from phonenumber_field.modelfields import PhoneNumberField

from common.dates import validate_past_date
from common.fields import CurrencyField, StateField
from custody.models import Asset, AssetCategory, Case, default_currency
from custody.storage import private_storage
from custody.validators import validate_document

from .search import lot_search_indexes

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


def normalise_identity(value: str) -> str:
    """Identity numbers compared without spaces, dashes, dots or case: 'ab-12 345.6' == 'AB123456'."""
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


def normalise_name(value: str) -> str:
    """Names compared without accents, punctuation, case or extra spaces."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^0-9a-z ]", " ", text.lower())
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# Increment tables
# --------------------------------------------------------------------------------------------


class IncrementTable(models.Model):
    """Bid increments tiered by price, e.g. 10 below 500, 25 below 1,000, 50 above."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("increment table")
        verbose_name_plural = _("increment tables")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="one_default_increment_table"),
        ]

    def __str__(self) -> str:
        return self.name

    def tiers_as_tuples(self) -> tuple[tuple[Decimal | None, Decimal], ...]:
        return tuple((t.up_to, t.increment) for t in self.tiers.all())


class IncrementTier(models.Model):
    """The increment that applies while the price is below `up_to` (the top tier has none)."""

    table = models.ForeignKey(IncrementTable, on_delete=models.CASCADE, related_name="tiers")
    up_to = models.DecimalField(_("price below"), **MONEY, null=True, blank=True,
                                help_text=_("Leave empty for the top tier."))
    increment = models.DecimalField(_("increment"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        verbose_name = _("increment tier")
        verbose_name_plural = _("increment tiers")
        # NULL (the top tier) sorts last.
        ordering = [F("up_to").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["table", "up_to"], name="increment_tier_unique"),
            models.UniqueConstraint(fields=["table"], condition=Q(up_to__isnull=True), name="one_top_tier"),
            models.CheckConstraint(condition=Q(increment__gt=0), name="increment_positive"),
            models.CheckConstraint(condition=Q(up_to__isnull=True) | Q(up_to__gt=0), name="tier_bound_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.increment} below {self.up_to}" if self.up_to is not None else f"{self.increment} above"


# --------------------------------------------------------------------------------------------
# Auctions
# --------------------------------------------------------------------------------------------


class AuctionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled, awaiting publication")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class DepositRule(models.TextChoices):
    NONE = "none", _("No deposit")
    FIXED = "fixed", _("Fixed amount")
    PERCENT = "percent", _("Percentage of the highest starting price")


def _published_by_someone_else(auction: Auction) -> bool:
    return auction.published_by_id is not None and auction.published_by_id != auction.created_by_id


class Auction(ConcurrentTransitionMixin, models.Model):
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    terms = models.TextField(_("terms and conditions"))
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("first lot closes"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels",
                                 help_text=_("Times are shown to bidders in this zone."))
    currency = CurrencyField(_("currency"), default=default_currency)
    buyers_premium_percent = models.DecimalField(
        _("buyer's premium (%)"), max_digits=5, decimal_places=2, default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))])
    deposit_rule = models.CharField(_("deposit"), max_length=8, choices=DepositRule.choices,
                                    default=DepositRule.NONE)
    deposit_amount = models.DecimalField(_("deposit amount"), **MONEY, null=True, blank=True,
                                         help_text=_("The amount for a fixed deposit."))
    deposit_percent = models.DecimalField(_("deposit percentage"), max_digits=5, decimal_places=2, null=True,
                                          blank=True, help_text=_("For a deposit in percent of a starting price."))
    pickup_info = models.TextField(_("pickup information"), blank=True)
    viewing_info = models.TextField(_("viewing information"), blank=True)
    soft_close_minutes = models.PositiveIntegerField(
        _("soft close (minutes)"), default=3,
        help_text=_("A bid accepted in the last N minutes extends the lot's end to N minutes after the bid."))
    soft_close_cap_minutes = models.PositiveIntegerField(
        _("soft close cap (minutes)"), default=30,
        help_text=_("A lot never ends more than this many minutes after its original end."))
    stagger_seconds = models.PositiveIntegerField(
        _("stagger (seconds)"), default=60, help_text=_("Lot N ends this long after lot N-1."))
    status = StateField(_("status"), max_length=16, choices=AuctionStatus.choices, default=AuctionStatus.DRAFT,
                      protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     null=True, blank=True, verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("auction")
        verbose_name_plural = _("auctions")
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["status", "opens_at"])]
        permissions = [
            ("schedule_auction", _("Can schedule an auction and its lots")),
            ("publish_auction", _("Can publish an auction (approver)")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="auction_closes_after_opening"),
            models.CheckConstraint(condition=Q(buyers_premium_percent__gte=0) & Q(buyers_premium_percent__lte=100),
                                   name="auction_premium_range"),
            models.CheckConstraint(
                condition=Q(published_by__isnull=True) | ~Q(published_by=F("created_by")),
                name="auction_publish_four_eyes"),
            models.CheckConstraint(
                condition=~Q(deposit_rule="fixed") | Q(deposit_amount__gt=0), name="auction_fixed_deposit_amount"),
            models.CheckConstraint(
                condition=~Q(deposit_rule="percent") | (Q(deposit_percent__gt=0) & Q(deposit_percent__lte=100)),
                name="auction_deposit_percent_range"),
            models.CheckConstraint(condition=Q(soft_close_cap_minutes__gte=F("soft_close_minutes")),
                                   name="auction_soft_close_cap"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def requires_deposit(self) -> bool:
        return self.deposit_rule != DepositRule.NONE

    def required_deposit(self) -> Decimal:
        """The hold a bidder places once for the whole auction."""
        if self.deposit_rule == DepositRule.FIXED:
            return self.deposit_amount or ZERO
        if self.deposit_rule == DepositRule.PERCENT:
            top = self.lots.aggregate(m=models.Max("starting_price"))["m"] or ZERO
            return (top * (self.deposit_percent or ZERO) / Decimal("100")).quantize(Decimal("0.01"))
        return ZERO

    # ---- the table of allowed moves ----------------------------------------------------------

    @transition(field=status, source=AuctionStatus.DRAFT, target=AuctionStatus.SCHEDULED,
                permission="auctions.schedule_auction")
    def schedule(self) -> None:
        pass

    @transition(field=status, source=AuctionStatus.SCHEDULED, target=AuctionStatus.DRAFT,
                permission="auctions.schedule_auction")
    def unschedule(self) -> None:
        pass

    @transition(field=status, source=AuctionStatus.SCHEDULED, target=AuctionStatus.PUBLISHED,
                conditions=[_published_by_someone_else], permission="auctions.publish_auction")
    def publish(self) -> None:
        self.published_at = timezone.now()

    @transition(field=status, source=AuctionStatus.PUBLISHED, target=AuctionStatus.CLOSED)
    def close(self) -> None:
        pass

    @transition(field=status, source=[AuctionStatus.DRAFT, AuctionStatus.SCHEDULED, AuctionStatus.PUBLISHED],
                target=AuctionStatus.CANCELLED, permission="auctions.schedule_auction")
    def cancel(self) -> None:
        pass


# --------------------------------------------------------------------------------------------
# Lots
# --------------------------------------------------------------------------------------------


class LotStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open for bids")
    CLOSED = "closed", _("Closed")
    AWAITING_PAYMENT = "awaiting_payment", _("Won, awaiting payment")
    UNSOLD = "unsold", _("Unsold")
    CANCELLED = "cancelled", _("Cancelled")
    DEFAULTED = "defaulted", _("Won, not paid by the deadline")


LS = LotStatus
ENDED_LOT_STATES = [LS.CLOSED, LS.AWAITING_PAYMENT, LS.UNSOLD, LS.CANCELLED, LS.DEFAULTED]


def _lot_has_winner(lot: Lot) -> bool:
    return lot.leader_id is not None and lot.reserve_met


class Lot(ConcurrentTransitionMixin, models.Model):
    auction = models.ForeignKey(Auction, on_delete=models.PROTECT, related_name="lots", verbose_name=_("auction"))
    number = models.PositiveIntegerField(_("lot number"))
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=AssetCategory.choices,
                                default=AssetCategory.OTHER, help_text=_("Taken from the lot's first asset."))
    assets = models.ManyToManyField(Asset, through="LotAsset", related_name="lots", verbose_name=_("assets"))
    currency = CurrencyField(_("currency"), default=default_currency)
    starting_price = models.DecimalField(_("starting price"), **MONEY,
                                         validators=[MinValueValidator(Decimal("0.01"))])
    reserve_price = models.DecimalField(_("reserve price"), **MONEY, null=True, blank=True,
                                        help_text=_("Never shown to bidders. Below it the lot is not sold."))
    increment_table = models.ForeignKey(IncrementTable, on_delete=models.PROTECT, related_name="lots",
                                        verbose_name=_("increment table"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    original_ends_at = models.DateTimeField(_("originally ends"), null=True, blank=True)
    # The state of the bidding, kept on the row so that a bid needs one locked row.
    current_price = models.DecimalField(_("current price"), **MONEY, null=True, blank=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="leading_lots", verbose_name=_("leading bidder"))
    leader_max = models.DecimalField(_("leader's maximum"), **MONEY, null=True, blank=True)
    leader_pseudonym = models.PositiveIntegerField(null=True, blank=True, editable=False)
    bid_count = models.PositiveIntegerField(_("bids"), default=0)
    reserve_met = models.BooleanField(_("reserve met"), default=False)
    pseudonym_seq = models.PositiveIntegerField(default=0, editable=False)
    status = StateField(_("status"), max_length=20, choices=LotStatus.choices, default=LS.DRAFT, protected=True)
    winner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="won_lots", verbose_name=_("winner"))
    hammer_price = models.DecimalField(_("hammer price"), **MONEY, null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False,
                                          help_text="Incremented on every change seen by bidders.")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["auction_id", "number"]
        indexes = [
            models.Index(fields=["status", "ends_at", "id"]),
            models.Index(fields=["status", "category", "ends_at"]),
            *lot_search_indexes(),
        ]
        permissions = [("cancel_lot", _("Can cancel a lot"))]
        constraints = [
            models.UniqueConstraint(fields=["auction", "number"], name="lot_number_unique"),
            models.CheckConstraint(condition=Q(starting_price__gt=0), name="lot_starting_price_positive"),
            models.CheckConstraint(condition=Q(reserve_price__isnull=True) | Q(reserve_price__gte=F("starting_price")),
                                   name="lot_reserve_not_below_start"),
            models.CheckConstraint(condition=Q(current_price__isnull=True) | Q(current_price__gte=F("starting_price")),
                                   name="lot_price_not_below_start"),
            models.CheckConstraint(
                condition=Q(leader_max__isnull=True) | Q(leader_max__gte=F("current_price")),
                name="lot_price_within_leader_max"),
            models.CheckConstraint(condition=Q(hammer_price__isnull=True) | Q(hammer_price__gte=0),
                                   name="lot_hammer_not_negative"),
            models.CheckConstraint(
                condition=Q(original_ends_at__isnull=True) | Q(ends_at__gte=F("original_ends_at")),
                name="lot_end_never_earlier"),
        ]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == LS.OPEN

    # ---- the table of allowed moves ----------------------------------------------------------

    @transition(field=status, source=LS.DRAFT, target=LS.SCHEDULED, permission="auctions.schedule_auction")
    def schedule(self) -> None:
        pass

    @transition(field=status, source=LS.SCHEDULED, target=LS.DRAFT, permission="auctions.schedule_auction")
    def unschedule(self) -> None:
        pass

    @transition(field=status, source=LS.SCHEDULED, target=LS.OPEN)
    def open(self) -> None:
        pass

    @transition(field=status, source=LS.OPEN, target=LS.CLOSED)
    def close(self) -> None:
        self.closed_at = timezone.now()

    @transition(field=status, source=LS.CLOSED, target=LS.AWAITING_PAYMENT, conditions=[_lot_has_winner])
    def award(self) -> None:
        self.winner_id = self.leader_id
        self.hammer_price = self.current_price

    @transition(field=status, source=LS.CLOSED, target=LS.UNSOLD)
    def mark_unsold(self) -> None:
        pass

    @transition(field=status, source=[LS.DRAFT, LS.SCHEDULED, LS.OPEN, LS.CLOSED], target=LS.CANCELLED,
                permission="auctions.cancel_lot")
    def cancel(self) -> None:
        pass

    # After the close: the winner did not pay by the deadline (settlement's default sweep); the lot
    # is then offered to the next-highest bidder (a second chance: awaiting payment again, from them)
    # or given up as unsold, its assets free to be relisted in another auction.
    @transition(field=status, source=LS.AWAITING_PAYMENT, target=LS.DEFAULTED)
    def mark_defaulted(self) -> None:
        pass

    @transition(field=status, source=LS.DEFAULTED, target=LS.AWAITING_PAYMENT)
    def award_second_chance(self, *, winner_id: int, price: Decimal) -> None:
        self.winner_id = winner_id
        self.hammer_price = price

    @transition(field=status, source=LS.DEFAULTED, target=LS.UNSOLD)
    def give_up(self) -> None:
        pass


class LotAsset(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="lot_assets")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="lot_assets")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("asset in lot")
        verbose_name_plural = _("assets in lot")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["lot", "asset"], name="lot_asset_unique")]

    def __str__(self) -> str:
        return f"{self.lot_id}/{self.asset_id}"


# --------------------------------------------------------------------------------------------
# Bidders
# --------------------------------------------------------------------------------------------


class BidderStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended: unpaid won lots")


class IdentityDocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    ID_CARD = "id_card", _("National identity card")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")
    COMPANY = "company", _("Company registration")


def _has_rejection_reason(profile: BidderProfile) -> bool:
    return bool((profile.rejection_reason or "").strip())


def _has_suspension_reason(profile: BidderProfile) -> bool:
    return bool((profile.suspension_reason or "").strip())


class BidderProfile(ConcurrentTransitionMixin, models.Model):
    """A member of the public who wants to bid. Personal data: visible to auction staff only."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bidder_profile")
    legal_name = models.CharField(_("legal name"), max_length=255)
    address = models.TextField(_("address"))
    country = CountryField(_("country"), blank=True)
    phone = PhoneNumberField(_("phone"))
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[validate_past_date])
    id_document_type = models.CharField(_("identity document"), max_length=16, choices=IdentityDocumentType.choices)
    id_document_number = models.CharField(_("document number"), max_length=64)
    id_number_normalised = models.CharField(max_length=64, editable=False, db_index=True)
    name_normalised = models.CharField(max_length=255, editable=False, db_index=True)
    id_document_file = models.FileField(_("copy of the identity document"), storage=private_storage,
                                        upload_to="bidders/%Y/%m/", blank=True, validators=[validate_document])
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    consent_at = models.DateTimeField(_("accepted the terms and privacy notice"), null=True, blank=True,
                                      editable=False)
    consent_version = models.CharField(_("version of the terms and privacy notice accepted"), max_length=32,
                                       blank=True, editable=False)
    status = StateField(_("status"), max_length=16, choices=BidderStatus.choices, default=BidderStatus.PENDING,
                      protected=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    # Probation: won lots left unpaid since the last suspension was lifted; at the limit
    # (DISPOSITION_DEFAULTS_BEFORE_BAR) the bidder is suspended, with the reason shown to them.
    defaults_count = models.PositiveIntegerField(_("unpaid won lots"), default=0)
    suspension_reason = models.TextField(_("reason for the suspension"), blank=True)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("bidder profile")
        verbose_name_plural = _("bidder profiles")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        permissions = [("review_bidder", _("Can approve or reject bidder profiles"))]
        constraints = [
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                                   name="bidder_rejection_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self.id_number_normalised = normalise_identity(self.id_document_number)
        self.name_normalised = normalise_name(self.legal_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"id_number_normalised", "name_normalised"}
        super().save(*args, **kwargs)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @transition(field=status, source=[BidderStatus.PENDING, BidderStatus.REJECTED], target=BidderStatus.APPROVED,
                permission="auctions.review_bidder")
    def approve(self) -> None:
        self.rejection_reason = ""

    @transition(field=status, source=[BidderStatus.PENDING, BidderStatus.APPROVED], target=BidderStatus.REJECTED,
                conditions=[_has_rejection_reason], permission="auctions.review_bidder")
    def reject(self) -> None:
        pass

    @transition(field=status, source=BidderStatus.APPROVED, target=BidderStatus.SUSPENDED,
                conditions=[_has_suspension_reason])
    def suspend(self) -> None:
        self.suspended_at = timezone.now()

    @transition(field=status, source=BidderStatus.SUSPENDED, target=BidderStatus.APPROVED,
                permission="auctions.review_bidder")
    def lift_suspension(self) -> None:
        self.suspension_reason = ""
        self.suspended_at = None
        self.defaults_count = 0


class TermsAcceptance(models.Model):
    bidder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="terms_acceptances")
    auction = models.ForeignKey(Auction, on_delete=models.CASCADE, related_name="terms_acceptances")
    accepted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")
        constraints = [models.UniqueConstraint(fields=["bidder", "auction"], name="terms_once_per_auction")]

    def __str__(self) -> str:
        return f"{self.bidder_id} accepted {self.auction_id}"


class DepositStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    HELD = "held", _("Held on card")
    RELEASED = "released", _("Released")
    CAPTURED = "captured", _("Captured")
    FAILED = "failed", _("Failed")
    CARD_SAVED = "card_saved", _("Card saved for a later charge")


class Deposit(ConcurrentTransitionMixin, models.Model):
    """A card hold (Stripe PaymentIntent with manual capture) a bidder places before bidding. A hold
    that would lapse before its lot is settled (card holds last about seven days) is replaced by the
    card saved with a SetupIntent, charged off-session after the award (`card_saved`)."""

    bidder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deposits")
    auction = models.ForeignKey(Auction, on_delete=models.PROTECT, related_name="deposits")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = CurrencyField(_("currency"))
    payment_intent_id = models.CharField(_("Stripe PaymentIntent"), max_length=255, blank=True, db_index=True)
    status = StateField(_("status"), max_length=16, choices=DepositStatus.choices, default=DepositStatus.PENDING,
                      protected=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    held_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    # The saved card that replaces a lapsing hold: the bidder's Stripe Customer (reused by the bidder's
    # later deposits), the SetupIntent that saved the card and the card (PaymentMethod) it saved.
    stripe_customer_id = models.CharField(_("Stripe Customer"), max_length=255, blank=True)
    setup_intent_id = models.CharField(_("Stripe SetupIntent"), max_length=255, blank=True)
    payment_method_id = models.CharField(_("Stripe PaymentMethod"), max_length=255, blank=True)
    card_saved_at = models.DateTimeField(null=True, blank=True)
    hold_canceled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["bidder", "auction"], name="one_deposit_per_bidder_auction"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_positive"),
            models.CheckConstraint(
                condition=~Q(status="card_saved") | (~Q(setup_intent_id="") & ~Q(payment_method_id="")
                                                     & ~Q(stripe_customer_id="")),
                name="deposit_card_saved_has_card"),
        ]

    def __str__(self) -> str:
        return f"Deposit {self.amount} {self.currency} ({self.get_status_display()})"

    @transition(field=status, source=[DepositStatus.PENDING, DepositStatus.FAILED], target=DepositStatus.HELD)
    def mark_held(self) -> None:
        self.held_at = timezone.now()
        self.last_error = ""

    @transition(field=status, source=[DepositStatus.PENDING, DepositStatus.HELD, DepositStatus.CARD_SAVED],
                target=DepositStatus.RELEASED)
    def release(self) -> None:
        self.released_at = timezone.now()

    @transition(field=status, source=DepositStatus.HELD, target=DepositStatus.CARD_SAVED)
    def save_card(self) -> None:
        self.card_saved_at = timezone.now()
        self.last_error = ""

    @transition(field=status, source=DepositStatus.HELD, target=DepositStatus.CAPTURED)
    def capture(self) -> None:
        pass

    @transition(field=status, source=[DepositStatus.PENDING, DepositStatus.FAILED], target=DepositStatus.FAILED)
    def fail(self) -> None:
        pass

    @transition(field=status, source=DepositStatus.FAILED, target=DepositStatus.PENDING)
    def retry(self) -> None:
        pass


class StripeEvent(models.Model):
    """A webhook event as received: stored first, then processed once."""

    event_id = models.CharField(max_length=255, db_index=True)
    type = models.CharField(max_length=100, blank=True)
    payload = models.JSONField()
    signature = models.CharField(max_length=500, blank=True)
    verified = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    # A refused call keeps only who sent what size (its body is not stored: anyone may post junk).
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    remote_addr = models.GenericIPAddressField(_("sent from"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at"]
        constraints = [
            # Each genuine event is processed once; forged or malformed calls are kept for the record
            # without blocking the real event's id.
            models.UniqueConstraint(fields=["event_id"], condition=Q(verified=True), name="stripe_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


# --------------------------------------------------------------------------------------------
# Bids
# --------------------------------------------------------------------------------------------


class Bid(models.Model):
    """One maximum a bidder gave, accepted or refused. An accepted bid records the state it led to;
    the public history shows these price steps under per-lot pseudonyms."""

    # No single-column indexes: (lot, seq), (lot, public, -seq) and (bidder, -placed_at) serve those
    # look-ups, and every bid, refused ones too, would pay for two more index insertions.
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="bids", db_index=False)
    bidder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bids", db_index=False)
    max_amount = models.DecimalField(_("maximum"), **MONEY)
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    accepted = models.BooleanField(_("accepted"), default=True)
    refusal = models.CharField(_("refusal"), max_length=32, blank=True)
    # The result of an accepted bid.
    seq = models.PositiveIntegerField(null=True, blank=True, help_text="Order of acceptance within the lot.")
    price_after = models.DecimalField(**MONEY, null=True, blank=True)
    leader_after = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    leader_pseudonym = models.PositiveIntegerField(null=True, blank=True)
    public = models.BooleanField(default=False, help_text="Shown in the public history (the price moved).")

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["lot_id", "seq", "id"]
        indexes = [
            models.Index(fields=["lot", "public", "-seq"]),
            models.Index(fields=["bidder", "-placed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["lot", "seq"], name="bid_seq_unique"),
            models.CheckConstraint(condition=Q(max_amount__gte=0), name="bid_not_negative"),
            models.CheckConstraint(condition=Q(accepted=False) | Q(seq__isnull=False, price_after__isnull=False),
                                   name="accepted_bid_has_result"),
        ]

    def __str__(self) -> str:
        return f"{self.max_amount} on lot {self.lot_id}"

    # Why a bid was refused (the codes of auctions.engine and auctions_place_bid), in words.
    REFUSAL_LABELS = {
        "below_minimum": _("below the next minimum bid"),
        "not_above_own_maximum": _("not above the bidder's own maximum"),
        "lot_not_open": _("lot not open for bids"),
        "lot_ended": _("bidding had ended"),
        "invalid_amount": _("not a valid amount"),
        "too_many_decimals": _("too many decimals"),
        "not_found": _("no such lot"),
        "not_approved": _("bidder not approved"),
        "rate_limited": _("too many bids in a short time"),
    }

    @property
    def refusal_label(self) -> str:
        return str(self.REFUSAL_LABELS.get(self.refusal) or self.refusal.replace("_", " "))


class LotPseudonym(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="pseudonyms")
    bidder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lot", "bidder"], name="pseudonym_once_per_bidder"),
            models.UniqueConstraint(fields=["lot", "number"], name="pseudonym_number_unique"),
        ]

    def __str__(self) -> str:
        return str(_("Bidder %(n)s") % {"n": self.number})


class OutbidNotice(models.Model):
    """An e-mail owed to a bidder who lost the lead on a lot (a transactional outbox).

    The bid that outbids someone writes the notice in its own transaction, so none is lost; a task
    sends the pending notices shortly after (see `services.bidding.outbid_notices_send`). While one is
    pending for a bidder and lot, later outbids add nothing: one e-mail says it all."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False, help_text="Not sent: the bidder led again by then.")
    error = models.CharField(max_length=300, blank=True, help_text="Why the e-mail could not be sent.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lot", "user"], condition=Q(sent_at__isnull=True),
                                    name="one_pending_outbid_notice"),
        ]
        indexes = [models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True),
                                name="outbid_notice_pending")]

    def __str__(self) -> str:
        return f"outbid notice lot {self.lot_id} user {self.user_id}"


# --------------------------------------------------------------------------------------------
# Conflict of interest, watchlist, API tokens, audit
# --------------------------------------------------------------------------------------------


class ScreeningEntry(models.Model):
    """A person who may not bid: on a case's lots, or (without a case) on any lot."""

    name = models.CharField(_("name"), max_length=255)
    identity_number = models.CharField(_("identity number"), max_length=64, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[validate_past_date])
    reason = models.TextField(_("reason"))
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("case"), help_text=_("Leave empty to bar this person from all lots."))
    id_number_normalised = models.CharField(max_length=64, editable=False, db_index=True)
    name_normalised = models.CharField(max_length=255, editable=False, db_index=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("screening entry")
        verbose_name_plural = _("screening list")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(identity_number="") | Q(date_of_birth__isnull=False),
                                   name="screening_needs_identity_or_birth_date"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.id_number_normalised = normalise_identity(self.identity_number)
        self.name_normalised = normalise_name(self.name)
        super().save(*args, **kwargs)


class WatchlistItem(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watchlist")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="watchers")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("watched lot")
        verbose_name_plural = _("watchlist")
        ordering = ["-added_at"]
        constraints = [models.UniqueConstraint(fields=["user", "lot"], name="watch_once")]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.lot_id}"


class ApiTokenStatus(models.TextChoices):
    LIVE = "live", _("Live")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the key is shown once. It is live
    until it expires or is revoked (by its owner, or when their password changes or the account is
    deactivated)."""

    NAME_MAX = 100

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bidder_api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    name = models.CharField(_("name"), max_length=NAME_MAX, blank=True,
                            help_text=_("What the token is for, as its owner named it."))
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "created_at"], name="auctions_apitoken_user_created",
                                condition=models.Q(revoked_at__isnull=True))]
        constraints = [models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")),
                                              name="auctions_apitoken_expires_after_creation")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"


class AuctionLogEntry(models.Model):
    """Who moved an auction, lot, bidder profile or deposit from which state to which, when and why."""

    auction = models.ForeignKey(Auction, on_delete=models.CASCADE, null=True, blank=True, related_name="log")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="log")
    subject = models.CharField(max_length=32)  # "auction", "lot", "bidder", "deposit"
    subject_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("auction log entry")
        verbose_name_plural = _("auction log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.subject} {self.subject_id}: {self.action}"

    # What the log's codes mean, for the history tables (staff read words, not "sign_up → pending").
    SUBJECT_LABELS = {"auction": _("Auction"), "lot": _("Lot"), "bidder": _("Bidder"), "deposit": _("Deposit")}
    ACTION_LABELS = {
        "create": _("created"), "update": _("changed"), "schedule": _("scheduled"), "unschedule": _("unscheduled"),
        "publish": _("published"), "open": _("opened for bids"), "close": _("closed"), "cancel": _("cancelled"),
        "sign_up": _("signed up"), "verify_email": _("e-mail address confirmed"), "approve": _("approved"),
        "reject": _("rejected"), "view_document": _("identity document viewed"),
        "erase": _("personal data erased at the bidder's request"),
    }
    STATE_CHOICES = {"auction": AuctionStatus, "lot": LotStatus, "bidder": BidderStatus, "deposit": DepositStatus}

    @property
    def subject_label(self) -> str:
        return str(self.SUBJECT_LABELS.get(self.subject, self.subject))

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action) or self.action.replace("_", " "))

    def _state_label(self, value: str) -> str:
        choices = self.STATE_CHOICES.get(self.subject)
        if not value or choices is None or value not in choices.values:
            return value
        return str(choices(value).label)

    @property
    def from_label(self) -> str:
        return self._state_label(self.from_state)

    @property
    def to_label(self) -> str:
        return self._state_label(self.to_state)
