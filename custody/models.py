"""The custody register: cases, parties, assets, court orders, storage, and the asset life cycle.

The asset life cycle is a django-fsm state machine. The `@transition` decorators on `Asset` are
the table of allowed moves; the services in `custody.services` call them, write the custody log
entry and save, in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, transition

from common.dates import validate_past_date
from common.fields import CurrencyField, StateField
from common.formats import format_day
from common.identifiers import identifier_clean, identifier_format, national_id_clean, national_id_format
from common.search import code_index, words_indexes

from .storage import private_storage
from .validators import validate_document, validate_public_area


def default_currency() -> str:
    return settings.DEFAULT_CURRENCY


# --------------------------------------------------------------------------------------------
# Cases and parties
# --------------------------------------------------------------------------------------------


class LegalBasis(models.TextChoices):
    CONVICTION = "conviction", _("Conviction-based")
    NON_CONVICTION = "non_conviction", _("Non-conviction-based")
    EXTENDED = "extended", _("Extended confiscation")
    VALUE_BASED = "value_based", _("Value-based confiscation")


class OffenceType(models.TextChoices):
    CORRUPTION = "corruption", _("Corruption and bribery")
    MONEY_LAUNDERING = "money_laundering", _("Money laundering")
    DRUG_TRAFFICKING = "drug_trafficking", _("Drug trafficking")
    ORGANISED_CRIME = "organised_crime", _("Organised crime")
    FRAUD = "fraud", _("Fraud")
    TAX_EVASION = "tax_evasion", _("Tax evasion")
    HUMAN_TRAFFICKING = "human_trafficking", _("Human trafficking")
    EMBEZZLEMENT = "embezzlement", _("Embezzlement of public funds")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", _("Prosecution")
    TRIAL = "trial", _("Trial")
    APPEAL = "appeal", _("Appeal")
    FINAL = "final", _("Final decision")
    CLOSED = "closed", _("Closed")


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=255)
    court = models.CharField(_("court"), max_length=255)
    jurisdiction = CountryField(_("jurisdiction"))
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    offence_type = models.CharField(_("offence type"), max_length=32, choices=OffenceType.choices)
    country_of_origin = CountryField(_("country of origin of the assets"))
    requesting_state = CountryField(
        _("requesting state"), blank=True,
        help_text=_("Set when the case comes from a foreign request for mutual legal assistance."),
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices,
                              default=CaseStatus.INVESTIGATION)
    expected_decision_date = models.DateField(_("expected decision date"), null=True, blank=True)
    case_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("case officer"), on_delete=models.PROTECT,
        related_name="cases", null=True, blank=True,
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["country_of_origin"]),
                   code_index("reference", "case_reference_code")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def clean(self) -> None:
        # A decision cannot be expected before the case was opened here (a 2001 date on a case opened
        # in 2024 is a typing mistake), nor more than EXPECTED_DECISION_MAX_YEARS after it.
        if self.expected_decision_date is None:
            return
        opened = timezone.localdate(self.created_at) if self.created_at else timezone.localdate()
        latest = opened + datetime.timedelta(days=round(365.25 * EXPECTED_DECISION_MAX_YEARS))
        if self.expected_decision_date < opened:
            raise ValidationError({"expected_decision_date": _(
                "The decision cannot be expected before the case was opened (%(date)s).")
                % {"date": format_day(opened)}})
        if self.expected_decision_date > latest:
            raise ValidationError({"expected_decision_date": _(
                "More than %(years)d years after the case was opened: check the year.")
                % {"years": EXPECTED_DECISION_MAX_YEARS}})


EXPECTED_DECISION_MAX_YEARS = 25


class PartyRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    DEFENDANT = "defendant", _("Defendant")
    THIRD_PARTY = "third_party", _("Third-party claimant")


class Party(models.Model):
    """A person or company with a stake in a case. Personal data: never shown on a public page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties", verbose_name=_("case"))
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=255)
    identity_number = models.CharField(
        _("identity number"), max_length=64, blank=True,
        help_text=_("National ID, passport or company registration number."),
    )
    identity_country = CountryField(
        _("country of the identity number"), blank=True,
        help_text=_("For a national identity number: the issuing country, whose format and check digits are then "
                    "checked. Leave empty for a passport or company number."),
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[validate_past_date])
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    claim_description = models.TextField(_("claim"), blank=True)
    claim_amount = models.DecimalField(_("claimed amount"), max_digits=16, decimal_places=2, null=True,
                                       blank=True, validators=[MinValueValidator(Decimal("0"))])
    claim_currency = CurrencyField(_("claim currency"), blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "role", "name"]
        indexes = [models.Index(fields=["identity_number"]), *words_indexes("name", "party_name"),
                   code_index("identity_number", "party_identity_code")]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim_amount__isnull=True) | Q(claim_amount__gte=0), name="party_claim_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.identity_country and self.identity_number:
            try:
                self.identity_number = national_id_clean(str(self.identity_country), self.identity_number)
            except ValidationError as exc:
                raise ValidationError({"identity_number": exc.messages}) from None

    @property
    def identity_number_formatted(self) -> str:
        return national_id_format(str(self.identity_country), self.identity_number)


# --------------------------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------------------------


class StorageKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse")
    VEHICLE_YARD = "vehicle_yard", _("Vehicle yard")
    MARINA = "marina", _("Marina")
    HANGAR = "hangar", _("Hangar")
    VAULT = "vault", _("Vault")
    BANK = "bank", _("Bank (frozen account)")
    FARM = "farm", _("Farm")
    COLD_STORE = "cold_store", _("Cold store")
    ON_SITE = "on_site", _("On site (immovable property)")


class StorageLocation(models.Model):
    name = models.CharField(_("name"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=StorageKind.choices)
    address = models.TextField(_("address"), blank=True)
    public_area = models.CharField(
        _("area shown to the public"), max_length=120, blank=True,
        help_text=_("Town or region bidders may see (e.g. “Antwerp”). Never the name or address of the site: "
                    "where valuables are kept is not public."),
    )
    daily_rate = models.DecimalField(_("daily storage rate"), max_digits=12, decimal_places=2,
                                     default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))])
    currency = CurrencyField(_("currency"), default=default_currency)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("storage location")
        verbose_name_plural = _("storage locations")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(daily_rate__gte=0), name="storage_rate_not_negative")]

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------------------------
# Court orders
# --------------------------------------------------------------------------------------------


class OrderType(models.TextChoices):
    RESTRAINT = "restraint", _("Restraint / freezing order")
    SEIZURE = "seizure", _("Seizure order")
    EARLY_SALE = "early_sale", _("Early-sale authorisation")
    CONFISCATION = "confiscation", _("Confiscation order")
    RELEASE = "release", _("Release order")
    RETURN = "return", _("Return to another state")
    DESTRUCTION = "destruction", _("Destruction authorisation")
    LOSS = "loss", _("Finding of loss or damage")


class CourtOrder(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="orders", verbose_name=_("case"))
    order_type = models.CharField(_("type"), max_length=16, choices=OrderType.choices)
    reference = models.CharField(_("order reference"), max_length=128)
    issued_on = models.DateField(_("date issued"), validators=[validate_past_date])
    issuing_court = models.CharField(_("issuing court"), max_length=255)
    assets = models.ManyToManyField("Asset", related_name="orders", blank=True, verbose_name=_("assets"))
    document = models.FileField(_("document"), storage=private_storage, upload_to="orders/%Y/%m/",
                                blank=True, validators=[validate_document])
    publishable = models.BooleanField(
        _("may be published"), default=False,
        help_text=_("Only orders marked publishable ever appear on public pages."),
    )
    recipient_state = CountryField(_("recipient state"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("court order")
        verbose_name_plural = _("court orders")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "reference", "order_type"], name="order_unique_per_case"),
            models.CheckConstraint(
                condition=~Q(order_type="return") | ~Q(recipient_state=""), name="return_order_names_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_order_type_display()} {self.reference} ({self.issued_on:%Y-%m-%d})"

    def clean(self) -> None:
        if self.order_type == OrderType.RETURN and not self.recipient_state:
            raise ValidationError({"recipient_state": _("A return order must name the recipient state.")})


# --------------------------------------------------------------------------------------------
# Assets and their life cycle
# --------------------------------------------------------------------------------------------


class AssetCategory(models.TextChoices):
    REAL_ESTATE = "real_estate", _("Real estate")
    VEHICLE = "vehicle", _("Vehicle")
    VESSEL = "vessel", _("Vessel")
    AIRCRAFT = "aircraft", _("Aircraft")
    CASH = "cash", _("Cash")
    PRECIOUS_METALS = "precious_metals", _("Precious metals (bullion)")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    SECURITIES = "securities", _("Securities")
    VIRTUAL_ASSETS = "virtual_assets", _("Virtual assets")
    JEWELLERY_ART = "jewellery_art", _("Jewellery and art")
    BUSINESS = "business", _("Business")
    LIVESTOCK = "livestock", _("Livestock")
    PERISHABLE = "perishable", _("Perishable goods")
    OTHER = "other", _("Other")


class AssetStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    RESTRAINED = "restrained", _("Restrained")
    IN_CUSTODY = "in_custody", _("In custody")
    EARLY_SALE_REQUESTED = "early_sale_requested", _("Early sale requested")
    EARLY_SALE_AUTHORISED = "early_sale_authorised", _("Early sale authorised")
    FOR_SALE = "for_sale", _("For sale")
    SOLD = "sold", _("Sold, proceeds in escrow")
    CONFISCATED = "confiscated", _("Confiscated")
    AWAITING_DISPOSITION = "awaiting_disposition", _("Awaiting disposition")
    DISPOSED = "disposed", _("Disposed")
    RELEASED = "released", _("Released to owner")
    RETURNED = "returned", _("Returned to another state")
    DESTROYED = "destroyed", _("Destroyed")
    LOST = "lost", _("Lost or damaged")


S = AssetStatus
FINAL_STATES = {S.DISPOSED, S.RELEASED, S.RETURNED, S.DESTROYED, S.LOST}
# States in which the agency (or a bank) physically holds the asset.
HELD_STATES = [S.IN_CUSTODY, S.EARLY_SALE_REQUESTED, S.EARLY_SALE_AUTHORISED, S.FOR_SALE, S.CONFISCATED,
               S.AWAITING_DISPOSITION]
# Release to the owner is possible from any state before final disposition.
RELEASABLE_STATES = [S.IDENTIFIED, S.RESTRAINED, S.IN_CUSTODY, S.EARLY_SALE_REQUESTED, S.EARLY_SALE_AUTHORISED,
                     S.FOR_SALE, S.SOLD, S.CONFISCATED, S.AWAITING_DISPOSITION]


class DispositionMethod(models.TextChoices):
    SALE = "sale", _("Sale")
    SOCIAL_REUSE = "social_reuse", _("Social reuse")
    PUBLIC_USE = "public_use", _("Transfer to a public body")
    RETURN = "return", _("Return to another state")
    DESTRUCTION = "destruction", _("Destruction")


class SaleChannel(models.TextChoices):
    AUCTION = "auction", _("Public auction")
    DIRECT = "direct", _("Direct sale at market price (dealer, broker, exchange)")


@dataclass(frozen=True)
class CategoryRule:
    """What the life cycle allows for one asset category: how it may be sold, whether it may be sold
    before confiscation, whether it can be destroyed or lost, and which non-sale dispositions apply."""

    channels: frozenset[str] = frozenset({SaleChannel.AUCTION, SaleChannel.DIRECT})
    early_sale: bool = True
    destroy: bool = True
    lose: bool = True
    dispositions: frozenset[str] = frozenset({DispositionMethod.SOCIAL_REUSE, DispositionMethod.PUBLIC_USE})

    @property
    def sold(self) -> bool:
        return bool(self.channels)

    @property
    def auctioned(self) -> bool:
        return SaleChannel.AUCTION in self.channels


_AUCTION, _DIRECT = SaleChannel.AUCTION, SaleChannel.DIRECT
_TO_THE_STATE = frozenset({DispositionMethod.PUBLIC_USE})
_C = AssetCategory

# Each category's rules; the transitions' conditions below read this table, so the admin's buttons
# (which follow the allowed transitions), the services and the catalogue all follow it.
# - Money is never sold, destroyed nor sold early: cash is deposited, a frozen account is
#   transferred, both to the State's fund ("transfer to a public body"). A bank balance or a
#   book-entry security cannot be physically lost either.
# - Securities, bullion and virtual assets have a market price: they are sold through a broker,
#   dealer or exchange, never at the public auction (virtual assets may be, as some agencies do).
# - Bullion keeps its value: never an early-sale candidate (it loses nothing by waiting).
# - Real estate and going concerns are not destroyed; counterfeit goods, vehicles, perishables,
#   animals are (on a court's order).
CATEGORY_RULES: dict[str, CategoryRule] = {
    _C.REAL_ESTATE: CategoryRule(channels=frozenset({_AUCTION}), destroy=False),
    _C.VEHICLE: CategoryRule(),
    _C.VESSEL: CategoryRule(),
    _C.AIRCRAFT: CategoryRule(),
    _C.CASH: CategoryRule(channels=frozenset(), early_sale=False, destroy=False, dispositions=_TO_THE_STATE),
    _C.PRECIOUS_METALS: CategoryRule(channels=frozenset({_DIRECT}), early_sale=False, destroy=False,
                                     dispositions=_TO_THE_STATE),
    _C.BANK_ACCOUNT: CategoryRule(channels=frozenset(), early_sale=False, destroy=False, lose=False,
                                  dispositions=_TO_THE_STATE),
    _C.SECURITIES: CategoryRule(channels=frozenset({_DIRECT}), destroy=False, lose=False,
                                dispositions=_TO_THE_STATE),
    _C.VIRTUAL_ASSETS: CategoryRule(destroy=False, dispositions=_TO_THE_STATE),
    _C.JEWELLERY_ART: CategoryRule(),
    _C.BUSINESS: CategoryRule(destroy=False),
    _C.LIVESTOCK: CategoryRule(),
    _C.PERISHABLE: CategoryRule(),
    _C.OTHER: CategoryRule(),
}


def category_rule(category: str) -> CategoryRule:
    return CATEGORY_RULES.get(category, CategoryRule())


def categories_where(predicate) -> list[str]:
    """The categories whose rule satisfies `predicate` (e.g. ``lambda r: r.auctioned``), in choice order."""
    return [value for value in AssetCategory.values if predicate(category_rule(value))]


# The steps that end the agency's custody of an asset without a sale and without a court order that
# requires them: each needs a second person (four eyes). One approver asks (CustodyEndRequest), another
# approves, and only then is the step taken; the database refuses the same person deciding. The order
# type named here, cited instead, is the court's own decision and makes a single step acceptable
# (None: no order can stand in). Destruction, release and return always cite the court's order.
FOUR_EYES_TRANSITIONS: dict[str, str | None] = {
    "declare_lost": "loss",
    "dispose": None,
}

# Which court order each transition needs; the services and the admin read this table.
ORDER_REQUIRED: dict[str, str] = {
    "restrain": OrderType.RESTRAINT,
    "seize": OrderType.SEIZURE,
    "authorise_early_sale": OrderType.EARLY_SALE,
    "confiscate": OrderType.CONFISCATION,
    "release": OrderType.RELEASE,
    "return_to_state": OrderType.RETURN,
    "destroy": OrderType.DESTRUCTION,
}


def _cites_required_order(transition_name: str):
    order_type = ORDER_REQUIRED[transition_name]

    def condition(asset: Asset) -> bool:
        order = getattr(asset, "_cited_order", None)
        return order is not None and order.order_type == order_type and order.case_id == asset.case_id

    condition.__name__ = f"cites_{order_type}_order"
    return condition


def _category(test, name: str):
    """A transition condition reading the asset's category in CATEGORY_RULES."""

    def condition(asset: Asset) -> bool:
        return bool(test(category_rule(asset.category)))

    condition.__name__ = f"category_{name}"
    return condition


_may_sell_early = _category(lambda r: r.early_sale, "sold_early")
_may_be_sold = _category(lambda r: r.sold, "sold")
_may_be_auctioned = _category(lambda r: r.auctioned, "auctioned")
_may_be_destroyed = _category(lambda r: r.destroy, "destroyed")
_may_be_lost = _category(lambda r: r.lose, "lost")
_may_be_disposed = _category(lambda r: r.dispositions, "disposed")


def _four_eyes(transition_name: str):
    """A condition of a FOUR_EYES_TRANSITIONS step: a second person approved it
    (`custody.services.custody_end_approve` sets `_end_approval` on the locked row), or it cites the
    court's order that stands in for that approval."""
    order_type = FOUR_EYES_TRANSITIONS[transition_name]

    def condition(asset: Asset) -> bool:
        approval = getattr(asset, "_end_approval", None)
        if approval is not None and approval.step == transition_name and approval.is_approved:
            return True
        order = getattr(asset, "_cited_order", None)
        return (order_type is not None and order is not None and order.order_type == order_type
                and order.case_id == asset.case_id)

    # "cites_": like a required order, what the form asks for, not a state the screens check first.
    condition.__name__ = f"cites_order_or_second_approval_{transition_name}"
    return condition


def _not_confiscated(asset: Asset) -> bool:
    return asset.confiscated_at is None


def _was_confiscated(asset: Asset) -> bool:
    return asset.confiscated_at is not None


def _given_for_use(asset: Asset) -> bool:
    return asset.disposition_method in (DispositionMethod.SOCIAL_REUSE, DispositionMethod.PUBLIC_USE)


class Asset(ConcurrentTransitionMixin, models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assets", verbose_name=_("case"))
    reference = models.CharField(_("reference"), max_length=80, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=AssetCategory.choices)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=Decimal("1"),
                                   validators=[MinValueValidator(Decimal("0.001"))])
    unit = models.CharField(_("unit"), max_length=16, default="item")
    location = models.ForeignKey(StorageLocation, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assets", verbose_name=_("storage location"))
    location_note = models.CharField(_("location detail"), max_length=255, blank=True)
    custodian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="assets_in_custody", verbose_name=_("custodian"))
    perishable = models.BooleanField(_("perishable"), default=False)
    public_area = models.CharField(
        _("area shown to the public"), max_length=120, blank=True, validators=[validate_public_area],
        help_text=_("Town or region the public record may name (e.g. “Antwerp”, “Flanders”). Never a street "
                    "or the address of a home. Left empty, the public page names no area."),
    )
    declared_value = models.DecimalField(_("declared value"), max_digits=16, decimal_places=2, null=True,
                                         blank=True, validators=[MinValueValidator(Decimal("0"))])
    currency = CurrencyField(_("currency"), default=default_currency)
    # The value at seizure: the first approved appraisal (earliest value date, then first recorded). Only the
    # database writes it, from the appraisals (valuation/sql/value_at_seizure.sql); read it, never set it.
    seizure_value = models.DecimalField(_("value at seizure"), max_digits=16, decimal_places=2, null=True,
                                        blank=True, editable=False)
    seizure_value_currency = models.CharField(_("currency of the value at seizure"), max_length=3, blank=True,
                                              default="", editable=False)
    status = StateField(_("status"), max_length=24, choices=AssetStatus.choices, default=S.IDENTIFIED,
                      protected=True)
    confiscated_at = models.DateTimeField(_("confiscated"), null=True, blank=True, editable=False)
    disposition_method = models.CharField(_("disposition"), max_length=16, choices=DispositionMethod.choices,
                                          blank=True, editable=False)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["category", "-created_at"]),
            models.Index(fields=["-created_at", "-id"]),
            code_index("reference", "asset_reference_code"),
            *words_indexes("title", "asset_title"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(declared_value__isnull=True) | Q(declared_value__gte=0),
                name="asset_value_not_negative",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="asset_quantity_positive"),
            models.CheckConstraint(condition=Q(status__in=AssetStatus.values), name="asset_status_known"),
            models.CheckConstraint(
                condition=Q(confiscated_at__isnull=False) | ~Q(status__in=[S.CONFISCATED, S.AWAITING_DISPOSITION]),
                name="asset_confiscated_has_date",
            ),
        ]
        permissions = [
            ("restrain_asset", _("Can restrain or seize an asset")),
            ("confiscate_asset", _("Can record confiscation, release or return of an asset")),
            ("request_early_sale", _("Can request early sale of an asset")),
            ("endorse_early_sale", _("Can endorse an early-sale request")),
            ("sell_asset", _("Can put an asset up for sale and record its sale")),
            ("dispose_asset", _("Can decide final disposition, destruction or loss of an asset")),
            ("record_custody_event", _("Can record custody events")),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATES

    # ---- the table of allowed moves ---------------------------------------------------------
    # Transitions only change the row. `custody.services.asset_transition` sets `_cited_order`,
    # calls the transition, appends the custody log entry and saves in one transaction.

    @transition(field=status, source=S.IDENTIFIED, target=S.RESTRAINED,
                conditions=[_cites_required_order("restrain")], permission="custody.restrain_asset")
    def restrain(self) -> None:
        pass

    @transition(field=status, source=[S.IDENTIFIED, S.RESTRAINED], target=S.IN_CUSTODY,
                conditions=[_cites_required_order("seize")], permission="custody.restrain_asset")
    def seize(self) -> None:
        pass

    # The early-sale workflow around these three moves (the request, its endorsement, the parties
    # told) is valuation's: its services call them, and it adds its checks to the court's
    # authorisation through services.transition_precondition_register.
    @transition(field=status, source=S.IN_CUSTODY, target=S.EARLY_SALE_REQUESTED,
                conditions=[_may_sell_early], permission="custody.request_early_sale")
    def request_early_sale(self) -> None:
        pass

    @transition(field=status, source=S.EARLY_SALE_REQUESTED, target=S.IN_CUSTODY,
                permission="custody.endorse_early_sale")
    def reject_early_sale(self) -> None:
        pass

    @transition(field=status, source=S.EARLY_SALE_REQUESTED, target=S.EARLY_SALE_AUTHORISED,
                conditions=[_cites_required_order("authorise_early_sale"), _may_sell_early],
                permission="custody.request_early_sale")
    def authorise_early_sale(self) -> None:
        pass

    # An early sale may go through any channel of the category (valuation's direct sale or the
    # auction); after confiscation, "for sale" means the public auction.
    @transition(field=status, source=S.EARLY_SALE_AUTHORISED, target=S.FOR_SALE,
                conditions=[_not_confiscated, _may_be_sold], permission="custody.sell_asset")
    @transition(field=status, source=S.AWAITING_DISPOSITION, target=S.FOR_SALE,
                conditions=[_was_confiscated, _may_be_auctioned], permission="custody.sell_asset")
    def put_up_for_sale(self) -> None:
        pass

    @transition(field=status, source=S.FOR_SALE,
                target=RETURN_VALUE(S.EARLY_SALE_AUTHORISED, S.AWAITING_DISPOSITION),
                permission="custody.sell_asset")
    def withdraw_from_sale(self) -> str:
        return S.AWAITING_DISPOSITION if self.confiscated_at else S.EARLY_SALE_AUTHORISED

    @transition(field=status, source=S.FOR_SALE, target=RETURN_VALUE(S.SOLD, S.DISPOSED),
                conditions=[_may_be_sold], permission="custody.sell_asset")
    def record_sale(self) -> str:
        """Sold before confiscation: proceeds go to escrow. Sold after it: that is the disposition."""
        if self.confiscated_at:
            self.disposition_method = DispositionMethod.SALE
            return S.DISPOSED
        return S.SOLD

    @transition(field=status,
                source=[S.RESTRAINED, S.IN_CUSTODY, S.EARLY_SALE_REQUESTED, S.EARLY_SALE_AUTHORISED, S.SOLD],
                target=RETURN_VALUE(S.CONFISCATED, S.DISPOSED),
                conditions=[_cites_required_order("confiscate")], permission="custody.confiscate_asset")
    def confiscate(self) -> str:
        """Confiscation. For an asset sold early, the escrowed proceeds are what is confiscated, and
        the asset itself is thereby disposed of by sale."""
        self.confiscated_at = timezone.now()
        if self.status == S.SOLD:
            self.disposition_method = DispositionMethod.SALE
            return S.DISPOSED
        return S.CONFISCATED

    @transition(field=status, source=S.CONFISCATED, target=S.AWAITING_DISPOSITION,
                permission="custody.confiscate_asset")
    def refer_for_disposition(self) -> None:
        pass

    @transition(field=status, source=S.AWAITING_DISPOSITION, target=S.DISPOSED,
                conditions=[_may_be_disposed, _four_eyes("dispose")], permission="custody.dispose_asset")
    def dispose(self, disposition: str = DispositionMethod.SOCIAL_REUSE) -> None:
        """Social reuse or transfer to a public body; sale, return and destruction have their own."""
        self.disposition_method = disposition

    # A concession revoked (the project failed its obligations): the asset comes back to the agency
    # to await a new disposition. Only social reuse and transfer to a public body can be taken back;
    # a sale, a return or a destruction cannot. Disposition's revocation service takes this step.
    @transition(field=status, source=S.DISPOSED, target=S.AWAITING_DISPOSITION,
                conditions=[_was_confiscated, _given_for_use], permission="custody.dispose_asset")
    def take_back(self) -> None:
        self.disposition_method = ""

    @transition(field=status, source=RELEASABLE_STATES, target=S.RELEASED,
                conditions=[_cites_required_order("release")], permission="custody.confiscate_asset")
    def release(self) -> None:
        """Back to the owner. For an asset sold early, the escrowed proceeds go back instead."""

    @transition(field=status, source=[S.CONFISCATED, S.AWAITING_DISPOSITION], target=S.RETURNED,
                conditions=[_cites_required_order("return_to_state")], permission="custody.confiscate_asset")
    def return_to_state(self) -> None:
        self.disposition_method = DispositionMethod.RETURN

    @transition(field=status, source=HELD_STATES, target=S.DESTROYED,
                conditions=[_cites_required_order("destroy"), _may_be_destroyed], permission="custody.dispose_asset")
    def destroy(self) -> None:
        self.disposition_method = DispositionMethod.DESTRUCTION

    @transition(field=status, source=[S.RESTRAINED, *HELD_STATES], target=S.LOST,
                conditions=[_may_be_lost, _four_eyes("declare_lost")], permission="custody.dispose_asset")
    def declare_lost(self) -> None:
        pass


class AssetIdentifier(models.Model):
    """VIN, land registry number, IBAN, hull number, wallet address ... one asset may have several."""

    class Scheme(models.TextChoices):
        VIN = "vin", _("VIN")
        REGISTRATION = "registration", _("Registration plate")
        LAND_REGISTRY = "land_registry", _("Land registry number")
        IBAN = "iban", _("IBAN")
        ISIN = "isin", _("ISIN")
        IMO = "imo", _("IMO number")
        HULL = "hull", _("Hull identification number")
        AIRCRAFT_REG = "aircraft_reg", _("Aircraft registration")
        WALLET = "wallet", _("Wallet address")
        COMPANY_REG = "company_reg", _("Company registration")
        SERIAL = "serial", _("Serial number")
        OTHER = "other", _("Other")

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    value = models.CharField(_("value"), max_length=128)

    class Meta:
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        indexes = [models.Index(fields=["value"]), code_index("value", "identifier_value_code")]
        constraints = [models.UniqueConstraint(fields=["scheme", "value"], name="identifier_unique")]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.formatted}"

    def clean(self) -> None:
        # IBAN, ISIN, IMO and VIN are checked (python-stdnum, ISO 3779) and stored compact.
        try:
            self.value = identifier_clean(self.scheme, self.value)
        except ValidationError as exc:
            raise ValidationError({"value": exc.messages}) from None

    @property
    def formatted(self) -> str:
        """As people write it: `BE71 0961 2345 6769`, `IMO 9319466`."""
        return identifier_format(self.scheme, self.value)


class AssetPhoto(models.Model):
    """A photo, re-encoded without EXIF, with renditions made by Pillow on upload."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(storage=private_storage, upload_to="photos/%Y/%m/", width_field="width",
                              height_field="height")
    thumbnail = models.ImageField(storage=private_storage, upload_to="photos/thumbs/%Y/%m/")
    medium = models.ImageField(storage=private_storage, upload_to="photos/medium/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    public = models.BooleanField(
        _("may be shown on the public record"), default=False,
        help_text=_("Only photos marked public appear on the asset's public page; check that no person, "
                    "number plate or house number can be recognised."),
    )
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or f"Photo {self.pk}"


# --------------------------------------------------------------------------------------------
# Chain of custody: append-only, each entry carrying the SHA-256 of the previous one
# --------------------------------------------------------------------------------------------

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a custody log entry."""


class CustodyEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Custody log entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Custody log entries cannot be deleted.")

    # bulk_update would bypass save(); refuse it too.
    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Custody log entries cannot be changed.")


class CustodyEventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    MOVED = "moved", _("Moved")
    INSPECTED = "inspected", _("Inspected")
    CONDITION_REPORT = "condition_report", _("Condition report")
    HANDED_OVER = "handed_over", _("Handed over")
    STATUS_CHANGE = "status_change", _("Status change")


class CustodyEvent(models.Model):
    """One entry in an asset's chain of custody. Status changes are entries too, so the whole
    history of an asset is covered by one hash chain."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="custody_events")
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("event"), max_length=20, choices=CustodyEventKind.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24, blank=True)
    transition = models.CharField(_("transition"), max_length=32, blank=True)
    order = models.ForeignKey(CourtOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("court order"))
    location = models.ForeignKey(StorageLocation, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("location"))
    handed_to = models.CharField(_("handed over to"), max_length=255, blank=True)
    condition = models.CharField(_("condition"), max_length=64, blank=True)
    reason = models.TextField(_("reason / notes"), blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = CustodyEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        ordering = ["asset_id", "seq"]
        # The status changes of each asset, in asset order, with what the public statistics read of them
        # (cms.statistics.milestones_by_asset: the funnel and the median days per stage): an index-only
        # scan of the append-only log instead of reading every entry's row, a third of that query's time
        # over 100,000 assets (tests/benchmarks/test_statistics.py).
        indexes = [models.Index(fields=["asset"], include=["at", "to_state", "transition"],
                                condition=Q(kind="status_change"), name="custody_event_status_changes")]
        constraints = [
            models.UniqueConstraint(fields=["asset", "seq"], name="custody_event_seq_unique"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="custody_event_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id}#{self.seq} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Custody log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Custody log entries cannot be deleted.")

    def payload(self) -> dict:
        """The fields the hash covers, in a canonical form."""
        return custody_payload(*(getattr(self, f) for f in HASHED_FIELDS))

    def compute_hash(self) -> str:
        return custody_hash(*(getattr(self, f) for f in HASHED_FIELDS))


# The columns an entry's hash covers, in the order `custody_payload` takes them. A verifier can
# read exactly these with `values_list(*HASHED_FIELDS)` and hash the rows without model instances.
HASHED_FIELDS = ("asset_id", "seq", "kind", "at", "actor_id", "from_state", "to_state", "transition", "order_id",
                 "location_id", "handed_to", "condition", "reason", "prev_hash")


def custody_payload(asset_id, seq, kind, at, actor_id, from_state, to_state, transition, order_id, location_id,
                    handed_to, condition, reason, prev_hash) -> dict:
    return {
        "asset": asset_id,
        "seq": seq,
        "kind": kind,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "from": from_state,
        "to": to_state,
        "transition": transition,
        "order": order_id,
        "location": location_id,
        "handed_to": handed_to,
        "condition": condition,
        "reason": reason,
        "prev": prev_hash,
    }


def custody_hash(*values) -> str:
    """SHA-256 of an entry's canonical JSON; `values` are the HASHED_FIELDS in order."""
    canonical = json.dumps(custody_payload(*values), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Corrections: the history of edits of cases, assets and court orders
# --------------------------------------------------------------------------------------------


class RecordChangeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The history of changes cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The history of changes cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The history of changes cannot be changed.")


class RecordChange(models.Model):
    """One correction of a case, an asset or a court order through its edit screen: who, when,
    why, and each field changed with what it was and what it became (`changes`, a list of
    {"field", "from", "to"}; values as JSON, a person or a file by name). Written only by the
    register's *_update services; like the custody log, never changed or deleted (the database
    refuses it too, custody/sql/record_change_append_only.sql)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="changes")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="changes")
    order = models.ForeignKey(CourtOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"))

    objects = RecordChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(case__isnull=False, asset__isnull=True, order__isnull=True)
                           | Q(case__isnull=True, asset__isnull=False, order__isnull=True)
                           | Q(case__isnull=True, asset__isnull=True, order__isnull=False)),
                name="record_change_one_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {', '.join(c['field'] for c in self.changes)}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The history of changes cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The history of changes cannot be deleted.")

    @property
    def record_model(self) -> type[models.Model]:
        return Case if self.case_id else Asset if self.asset_id else CourtOrder


# --------------------------------------------------------------------------------------------
# Four eyes on the end of custody without a sale (FOUR_EYES_TRANSITIONS)
# --------------------------------------------------------------------------------------------


class CustodyEndStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting a second approver")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Lapsed")


class CustodyEndRequest(ConcurrentTransitionMixin, models.Model):
    """One approver's request to declare an asset lost or damaged, or to dispose of it, which another
    approver approves (the step is then taken) or refuses; never the same person (the database
    refuses it, `custody_end_four_eyes`). It lapses when the asset moves on another way."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="end_requests", verbose_name=_("asset"))
    step = models.CharField(_("step"), max_length=32,
                                  choices=[("declare_lost", _("Declare lost or damaged")),
                                           ("dispose", _("Dispose (social reuse / public use)"))])
    disposition = models.CharField(_("disposition"), max_length=16, choices=DispositionMethod.choices, blank=True)
    reason = models.TextField(_("reason"))
    status = StateField(_("status"), max_length=16, choices=CustodyEndStatus.choices,
                        default=CustodyEndStatus.REQUESTED, protected=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("request to end custody")
        verbose_name_plural = _("requests to end custody")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["asset"], condition=Q(status="requested"),
                                    name="one_open_custody_end_request"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                                   name="custody_end_four_eyes"),
            models.CheckConstraint(condition=~Q(status__in=["approved", "refused"]) | Q(decided_by__isnull=False),
                                   name="custody_end_decided_by_someone"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} — {self.asset.reference}"

    @property
    def is_approved(self) -> bool:
        return (self.status == CustodyEndStatus.APPROVED and self.decided_by_id is not None
                and self.decided_by_id != self.requested_by_id)

    def _decider_is_not_requester(self) -> bool:
        return self.decided_by_id is not None and self.decided_by_id != self.requested_by_id

    @transition(field=status, source=CustodyEndStatus.REQUESTED, target=CustodyEndStatus.APPROVED,
                conditions=[_decider_is_not_requester], permission="custody.dispose_asset")
    def approve(self) -> None:
        pass

    @transition(field=status, source=CustodyEndStatus.REQUESTED, target=CustodyEndStatus.REFUSED,
                conditions=[_decider_is_not_requester], permission="custody.dispose_asset")
    def refuse(self) -> None:
        pass

    @transition(field=status, source=CustodyEndStatus.REQUESTED, target=CustodyEndStatus.WITHDRAWN)
    def lapse(self) -> None:
        """The asset moved on another way (released, confiscated elsewhere, destroyed ...)."""
