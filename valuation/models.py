"""Valuation: appraisals with a four-eyes review, depreciation profiles, the running costs of
keeping an asset, and the early-sale machinery built on them (parties notified, direct sales,
the nightly recommendation and its candidates)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, transition

from common.fields import CurrencyField, StateField
from common.money import format_money
from custody.models import AssetCategory, default_currency
from custody.storage import private_storage
from custody.validators import validate_document

MONEY = {"max_digits": 16, "decimal_places": 2}


# --------------------------------------------------------------------------------------------
# Depreciation profiles and running costs
# --------------------------------------------------------------------------------------------


class DepreciationProfile(models.Model):
    """How an asset category loses value and what it costs to keep, per day. Every field is
    optional: a profile with none set (cash, real estate) keeps its value at no upkeep."""

    category = models.CharField(_("asset category"), max_length=20, choices=AssetCategory.choices, unique=True)
    yearly_rate_percent = models.DecimalField(
        _("yearly depreciation (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Declining balance: the share of its value an asset loses each year (vehicles, electronics)."),
    )
    shelf_life_days = models.PositiveIntegerField(
        _("shelf life (days)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Perishable goods: days from seizure until worthless; value falls evenly until then."),
    )
    daily_upkeep = models.DecimalField(
        _("daily upkeep per unit"), max_digits=12, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Feeding livestock, crewing and mooring vessels ... per unit of the asset's quantity."),
    )
    currency = CurrencyField(_("currency"), default=default_currency)
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("depreciation profile")
        verbose_name_plural = _("depreciation profiles")
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(
                condition=Q(yearly_rate_percent__isnull=True)
                | (Q(yearly_rate_percent__gte=0) & Q(yearly_rate_percent__lte=100)),
                name="depreciation_rate_is_percentage"),
            models.CheckConstraint(condition=Q(shelf_life_days__isnull=True) | Q(shelf_life_days__gt=0),
                                   name="depreciation_shelf_life_positive"),
            models.CheckConstraint(condition=Q(daily_upkeep__gte=0), name="depreciation_upkeep_not_negative"),
        ]

    def __str__(self) -> str:
        return str(AssetCategory(self.category).label)

    @property
    def kind_label(self) -> str:
        parts = []
        if self.yearly_rate_percent:
            parts.append(_("%(rate)s%% a year") % {"rate": self.yearly_rate_percent})
        if self.shelf_life_days:
            parts.append(_("shelf life %(days)s days") % {"days": self.shelf_life_days})
        if self.daily_upkeep:
            parts.append(_("upkeep %(amount)s %(cur)s a day") % {"amount": self.daily_upkeep, "cur": self.currency})
        return ", ".join(str(p) for p in parts) or str(_("keeps its value"))


class CostKind(models.TextChoices):
    INSURANCE = "insurance", _("Insurance")
    MAINTENANCE = "maintenance", _("Maintenance")
    SECURITY = "security", _("Security")
    OTHER = "other", _("Other")


class AssetCost(models.Model):
    """A running cost of one asset, per day (its storage location's rate comes on top)."""

    asset = models.ForeignKey("custody.Asset", on_delete=models.CASCADE, related_name="running_costs",
                              verbose_name=_("asset"))
    kind = models.CharField(_("kind"), max_length=16, choices=CostKind.choices)
    daily_amount = models.DecimalField(_("amount per day"), max_digits=12, decimal_places=2,
                                       validators=[MinValueValidator(Decimal("0.01"))])
    currency = CurrencyField(_("currency"), default=default_currency)
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("running cost")
        verbose_name_plural = _("running costs")
        ordering = ["asset", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(daily_amount__gt=0), name="asset_cost_positive"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="asset_cost_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.daily_amount} {self.currency}/day"


class CostComponent(models.TextChoices):
    STORAGE = "storage", _("Storage")
    UPKEEP = "upkeep", _("Upkeep")
    INSURANCE = "insurance", _("Insurance")
    MAINTENANCE = "maintenance", _("Maintenance")
    SECURITY = "security", _("Security")
    OTHER = "other", _("Other")


class StorageCostAccrual(models.Model):
    """A ledger-ready record of what keeping one asset cost over a period: accrued monthly by a task,
    posted to the ledger (Dr storage costs, Cr accrued storage payable) when finance confirms."""

    asset = models.ForeignKey("custody.Asset", on_delete=models.PROTECT, related_name="cost_accruals")
    component = models.CharField(_("component"), max_length=16, choices=CostComponent.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (inclusive)"))
    days = models.PositiveIntegerField(_("days"))
    daily_rate = models.DecimalField(_("rate per day"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = CurrencyField(_("currency"))
    journal_entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("posted as"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("cost accrual")
        verbose_name_plural = _("cost accruals")
        ordering = ["-period_start", "asset_id", "component"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "component", "period_start"], name="accrual_once_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="accrual_period_ordered"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="accrual_not_negative"),
        ]
        indexes = [models.Index(fields=["journal_entry"], name="accrual_unposted_idx")]
        permissions = [("post_storagecostaccrual", _("Can post accrued costs to the ledger"))]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.component} {self.period_start}–{self.period_end}: {self.amount} {self.currency}"


# --------------------------------------------------------------------------------------------
# Appraisals
# --------------------------------------------------------------------------------------------


class AppraisalMethod(models.TextChoices):
    MARKET = "market", _("Market comparison")
    EXPERT = "expert", _("Expert appraisal")
    AUCTION_ESTIMATE = "auction_estimate", _("Auction estimate")
    BOOK_VALUE = "book_value", _("Book value")
    PRICE_LIST = "price_list", _("Official price list")


class AppraisalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


def _has_evidence(appraisal: Appraisal) -> bool:
    return appraisal.evidence.exists()


def _reviewer_is_not_valuer(appraisal: Appraisal) -> bool:
    return appraisal.reviewed_by_id is not None and appraisal.reviewed_by_id != appraisal.valuer_id


def _has_rejection_reason(appraisal: Appraisal) -> bool:
    return bool(appraisal.rejection_reason.strip())


class Appraisal(ConcurrentTransitionMixin, models.Model):
    asset = models.ForeignKey("custody.Asset", on_delete=models.PROTECT, related_name="appraisals",
                              verbose_name=_("asset"))
    method = models.CharField(_("method"), max_length=20, choices=AppraisalMethod.choices)
    amount = models.DecimalField(_("value"), validators=[MinValueValidator(Decimal("0"))], **MONEY)
    currency = CurrencyField(_("currency"), default=default_currency)
    value_date = models.DateField(_("value as of"))
    notes = models.TextField(_("notes"), blank=True)
    valuer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appraisals",
                               verbose_name=_("valuer"))
    status = StateField(_("status"), max_length=12, choices=AppraisalStatus.choices, default=AppraisalStatus.DRAFT,
                      protected=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["-value_date", "-id"]
        indexes = [models.Index(fields=["asset", "status", "-value_date", "-id"], name="appraisal_current_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="appraisal_amount_not_negative"),
            models.CheckConstraint(condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("valuer")),
                                   name="appraisal_four_eyes"),
            models.CheckConstraint(condition=~Q(status="approved") | Q(reviewed_by__isnull=False),
                                   name="appraisal_approved_has_reviewer"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                                   name="appraisal_rejection_has_reason"),
        ]
        permissions = [
            ("review_appraisal", _("Can approve or reject appraisals")),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {format_money(self.amount, self.currency)} ({self.value_date:%Y-%m-%d})"

    @transition(field=status, source=AppraisalStatus.DRAFT, target=AppraisalStatus.SUBMITTED,
                conditions=[_has_evidence], permission="valuation.change_appraisal")
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(field=status, source=AppraisalStatus.SUBMITTED, target=AppraisalStatus.APPROVED,
                conditions=[_reviewer_is_not_valuer], permission="valuation.review_appraisal")
    def approve(self) -> None:
        self.reviewed_at = timezone.now()

    @transition(field=status, source=AppraisalStatus.SUBMITTED, target=AppraisalStatus.REJECTED,
                conditions=[_reviewer_is_not_valuer, _has_rejection_reason], permission="valuation.review_appraisal")
    def reject(self) -> None:
        self.reviewed_at = timezone.now()


class CurrentValuation(models.Model):
    """An asset's current value: its latest approved appraisal (by value date, then approval).
    Kept by `appraisal_approve` in the same transaction, so the nightly recommendation can join
    one row per asset instead of searching each asset's history."""

    asset = models.OneToOneField("custody.Asset", on_delete=models.CASCADE, primary_key=True,
                                 related_name="current_valuation")
    appraisal = models.ForeignKey("Appraisal", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("value"), **MONEY)
    currency = CurrencyField(_("currency"))
    value_date = models.DateField(_("value as of"))

    class Meta:
        verbose_name = _("current valuation")
        verbose_name_plural = _("current valuations")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.value_date})"


class AppraisalEvidence(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), storage=private_storage, upload_to="appraisals/%Y/%m/",
                            validators=[validate_document])
    description = models.CharField(_("description"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.description or self.file.name


# --------------------------------------------------------------------------------------------
# Early sale: the request, due process and the direct-sale route
# --------------------------------------------------------------------------------------------


class EarlySaleStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ENDORSED = "endorsed", _("Endorsed")
    REJECTED = "rejected", _("Rejected")
    AUTHORISED = "authorised", _("Authorised by the court")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_EARLY_SALE_STATES = [EarlySaleStatus.REQUESTED, EarlySaleStatus.ENDORSED]


class EarlySaleReason(models.TextChoices):
    PERISHABLE = "perishable", _("Perishable")
    DEPRECIATION = "depreciation", _("Rapid depreciation")
    COST = "cost", _("Disproportionate cost of keeping")


class EarlySaleRequest(ConcurrentTransitionMixin, models.Model):
    """A case officer's request to sell an asset before the final decision; an approver endorses it
    (never the requester), the owner and claimants are told, then the court's authorisation is
    attached. The asset's own moves (requested, back in custody, authorised) are the register's
    transitions, which the services of this app take.

    The table kept its name when the model moved here from custody (migration 0003)."""

    asset = models.ForeignKey("custody.Asset", on_delete=models.PROTECT, related_name="early_sale_requests",
                              verbose_name=_("asset"))
    reason = models.CharField(_("reason"), max_length=16, choices=EarlySaleReason.choices)
    justification = models.TextField(_("justification"))
    status = StateField(_("status"), max_length=16, choices=EarlySaleStatus.choices,
                        default=EarlySaleStatus.REQUESTED, protected=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    order = models.ForeignKey("custody.CourtOrder", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("court's authorisation"))

    class Meta:
        db_table = "custody_earlysalerequest"
        verbose_name = _("early-sale request")
        verbose_name_plural = _("early-sale requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["asset"], condition=Q(status__in=["requested", "endorsed"]),
                                    name="one_open_early_sale_request"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                                   name="early_sale_four_eyes"),
        ]

    def __str__(self) -> str:
        return str(_("Early sale of %(asset)s") % {"asset": self.asset.reference})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_EARLY_SALE_STATES

    def _decider_is_not_requester(self) -> bool:
        return self.decided_by_id is not None and self.decided_by_id != self.requested_by_id

    @transition(field=status, source=EarlySaleStatus.REQUESTED, target=EarlySaleStatus.ENDORSED,
                conditions=[_decider_is_not_requester], permission="custody.endorse_early_sale")
    def endorse(self) -> None:
        pass

    @transition(field=status, source=[EarlySaleStatus.REQUESTED, EarlySaleStatus.ENDORSED],
                target=EarlySaleStatus.REJECTED, conditions=[_decider_is_not_requester],
                permission="custody.endorse_early_sale")
    def reject(self) -> None:
        pass

    @transition(field=status, source=EarlySaleStatus.ENDORSED, target=EarlySaleStatus.AUTHORISED)
    def mark_authorised(self) -> None:
        pass

    @transition(field=status, source=[EarlySaleStatus.REQUESTED, EarlySaleStatus.ENDORSED],
                target=EarlySaleStatus.WITHDRAWN)
    def withdraw(self) -> None:
        """The asset left the early-sale branch another way (confiscated, released, lost ...)."""


class NotificationMeans(models.TextChoices):
    REGISTERED_LETTER = "registered_letter", _("Registered letter")
    PERSONAL_SERVICE = "personal_service", _("Personal service (bailiff)")
    EMAIL = "email", _("E-mail with acknowledgement")
    LAWYER = "lawyer", _("Through their lawyer")
    PUBLIC_NOTICE = "public_notice", _("Public notice (address unknown)")


class EarlySaleNotification(models.Model):
    """That the owner or a third-party claimant was told of an early-sale request, as due process
    requires before the asset is sold. `party` is empty only for a public notice to unknown owners."""

    request = models.ForeignKey(EarlySaleRequest, on_delete=models.PROTECT, related_name="notifications",
                                verbose_name=_("early-sale request"))
    party = models.ForeignKey("custody.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("party notified"))
    means = models.CharField(_("means"), max_length=20, choices=NotificationMeans.choices)
    notified_on = models.DateField(_("notified on"))
    reference = models.CharField(_("reference"), max_length=255, blank=True,
                                 help_text=_("Postal tracking number, bailiff's report, e-mail acknowledgement ..."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("early-sale notification")
        verbose_name_plural = _("early-sale notifications")
        ordering = ["notified_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "party"], condition=Q(party__isnull=False),
                                    name="early_sale_party_notified_once"),
            models.CheckConstraint(condition=Q(party__isnull=False) | Q(means="public_notice"),
                                   name="early_sale_notice_names_party"),
        ]

    def __str__(self) -> str:
        return f"{self.party or _('Public notice')} — {self.get_means_display()} {self.notified_on}"


class DirectSaleStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    INVOICED = "invoiced", _("Invoiced, awaiting payment and handover")
    COMPLETED = "completed", _("Completed, proceeds in escrow")


class DirectSale(ConcurrentTransitionMixin, models.Model):
    """A sale outside auction for goods that cannot wait, at no less than the approved valuation.

    Proposed, approved by another approver (four eyes), then settled like a won lot: the settlement
    app (disposition) issues its invoice (→ invoiced), the buyer pays by transfer and the sale is
    posted per asset; when the asset is handed over and recorded sold, the sale is completed. The
    `journal_entry` is only set on sales completed before settlement took over (proceeds posted at
    completion); an invoiced sale's proceeds are the invoice's postings."""

    asset = models.ForeignKey("custody.Asset", on_delete=models.PROTECT, related_name="direct_sales",
                              verbose_name=_("asset"))
    valuation = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("approved valuation"))
    buyer_name = models.CharField(_("buyer"), max_length=255)
    buyer_contact = models.TextField(_("buyer's contact details"))
    price = models.DecimalField(_("price"), **MONEY)
    currency = CurrencyField(_("currency"))
    justification = models.TextField(_("why this cannot wait for an auction"))
    status = StateField(_("status"), max_length=12, choices=DirectSaleStatus.choices,
                      default=DirectSaleStatus.PROPOSED, protected=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("proposed by"))
    requested_at = models.DateTimeField(_("proposed"), default=timezone.now, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("completed by"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    journal_entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("proceeds posted as"))

    class Meta:
        verbose_name = _("direct sale")
        verbose_name_plural = _("direct sales")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="direct_sale_price_positive"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("requested_by")),
                                   name="direct_sale_four_eyes"),
            models.UniqueConstraint(fields=["asset"],
                                    condition=Q(status__in=["proposed", "approved", "invoiced", "completed"]),
                                    name="one_live_direct_sale_per_asset"),
        ]
        permissions = [
            ("approve_directsale", _("Can approve or reject a direct sale")),
            ("complete_directsale", _("Can invoice an approved direct sale")),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_name}: {format_money(self.price, self.currency)} ({self.get_status_display()})"

    def _decider_is_not_requester(self) -> bool:
        return self.approved_by_id is not None and self.approved_by_id != self.requested_by_id

    @transition(field=status, source=DirectSaleStatus.PROPOSED, target=DirectSaleStatus.APPROVED,
                conditions=[_decider_is_not_requester], permission="valuation.approve_directsale")
    def approve(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=status, source=[DirectSaleStatus.PROPOSED, DirectSaleStatus.APPROVED],
                target=DirectSaleStatus.REJECTED, conditions=[_decider_is_not_requester],
                permission="valuation.approve_directsale")
    def reject(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=status, source=DirectSaleStatus.APPROVED, target=DirectSaleStatus.INVOICED,
                permission="valuation.complete_directsale")
    def mark_invoiced(self) -> None:
        """Settlement issued the buyer's invoice; the asset is put up for sale to this buyer."""

    @transition(field=status, source=DirectSaleStatus.INVOICED, target=DirectSaleStatus.COMPLETED)
    def complete(self) -> None:
        """The asset was handed over and recorded sold (a system step: custody's record_sale)."""
        self.completed_at = timezone.now()


# --------------------------------------------------------------------------------------------
# The early-sale recommendation
# --------------------------------------------------------------------------------------------


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Nightly schedule")
    COMMAND = "command", _("Management command")
    ADMIN = "admin", _("Admin button")


class EarlySaleRun(models.Model):
    as_of = models.DateField(_("as of"))
    trigger = models.CharField(_("trigger"), max_length=12, choices=RunTrigger.choices)
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    assets_considered = models.PositiveIntegerField(default=0)
    candidate_count = models.PositiveIntegerField(default=0)
    officers_notified = models.PositiveIntegerField(default=0)
    parameters = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("early-sale recommendation run")
        verbose_name_plural = _("early-sale recommendation runs")
        ordering = ["-started_at", "-id"]
        permissions = [("run_recommendation", _("Can run the early-sale recommendation"))]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.candidate_count})"


class EarlySaleCandidate(models.Model):
    """One asset the latest run recommends for early sale, with the numbers behind it. The table
    holds the latest run only: each run replaces it."""

    run = models.ForeignKey(EarlySaleRun, on_delete=models.CASCADE, related_name="candidates",
                            verbose_name=_("recommendation run"))
    asset = models.OneToOneField("custody.Asset", on_delete=models.CASCADE, related_name="early_sale_candidate",
                                 verbose_name=_("asset"))
    case = models.ForeignKey("custody.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("case"))
    case_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("case officer"))
    currency = models.CharField(max_length=3)
    value_today = models.DecimalField(_("value today"), **MONEY)
    appraised = models.BooleanField(_("from an approved appraisal"), default=False)
    decision_date = models.DateField(_("expected decision"))
    days_to_decision = models.IntegerField(_("days to decision"))
    projected_value = models.DecimalField(_("value at decision"), **MONEY)
    daily_cost = models.DecimalField(_("cost per day"), max_digits=12, decimal_places=2)
    accrued_costs = models.DecimalField(_("costs until decision"), **MONEY)
    sale_cost = models.DecimalField(_("cost of selling now"), **MONEY)
    net_benefit = models.DecimalField(_("preserved by selling now"), **MONEY)
    urgent = models.BooleanField(_("perishable, urgent"), default=False)
    shelf_days_left = models.IntegerField(_("shelf life left (days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("early-sale candidate")
        verbose_name_plural = _("early-sale candidates")
        ordering = ["-urgent", "-net_benefit", "asset_id"]
        indexes = [
            models.Index(fields=["-net_benefit", "asset"], name="candidate_net_idx"),
            models.Index(fields=["case_officer"], name="candidate_officer_idx"),
        ]

    def __str__(self) -> str:
        return str(_("Early-sale candidate %(asset)s") % {"asset": self.asset.reference})


class CandidateNotice(models.Model):
    """That a case officer was told (in a digest) that an asset is an early-sale candidate, so the
    next run does not tell them again until EARLY_SALE_RENOTIFY_DAYS have passed."""

    run = models.ForeignKey(EarlySaleRun, on_delete=models.SET_NULL, null=True, related_name="notices")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    asset = models.ForeignKey("custody.Asset", on_delete=models.CASCADE, related_name="+")
    notified_on = models.DateField()
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("candidate notice")
        verbose_name_plural = _("candidate notices")
        constraints = [
            models.UniqueConstraint(fields=["officer", "asset", "notified_on"], name="candidate_notice_once_a_day"),
        ]
        indexes = [models.Index(fields=["officer", "asset", "-notified_on"], name="candidate_notice_recent_idx")]

    def __str__(self) -> str:
        return f"{self.officer_id}/{self.asset_id} {self.notified_on}"
