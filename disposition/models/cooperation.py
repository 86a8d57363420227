"""International cooperation: what crosses borders in a case.

- `CooperationRequest`: a request sent to, or received from, another state (mutual legal
  assistance, freezing, confiscation, asset sharing): open → acknowledged → answered or refused
  (or withdrawn). Its days to answer feed the yearly report per counterpart state (selectors).
- `ForeignOrder`: a foreign freezing or confiscation order registered here: received → (the four
  checks, `ForeignOrderCheck`) → registered (its assets enter the register under it, with the
  foreign case as their origin) → notice served → (challenged) → enforceable; or refused with
  reasons, or set aside.
- `AssetFrozenAbroad`: an asset of one of our cases frozen in another state, and the foreign
  procedure's stage: frozen → confiscation proceedings → confiscated abroad → return negotiated →
  returned; or released abroad.
- `SharingAgreement`, `AgreementShare`, `AgreementTransfer`: a sharing or return agreement (UNCAC
  art. 57), what each state gets, and the transfers made under it (each an allocation payment, a
  ledger transfer to the foreign state).

Every step is one `DispositionEvent` (who, when, from, to, why), subject "request", "forder",
"frozen" or "agreement".
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import ConcurrentTransitionMixin, transition

from common.fields import CurrencyField, StateField
from custody.models import Asset, AssetCategory, Case, CourtOrder

from .settlement import MONEY

# --------------------------------------------------------------------------------------------
# Requests sent and received
# --------------------------------------------------------------------------------------------


class Direction(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")


class RequestKind(models.TextChoices):
    MUTUAL_LEGAL_ASSISTANCE = "mla", _("Mutual legal assistance")
    FREEZING = "freezing", _("Freezing")
    CONFISCATION = "confiscation", _("Confiscation")
    ASSET_SHARING = "asset_sharing", _("Asset sharing or return")


class CooperationBasis(models.TextChoices):
    UNCAC_46 = "uncac_46", _("UNCAC art. 46 (mutual legal assistance)")
    UNCAC_54 = "uncac_54", _("UNCAC art. 54 (confiscation through international cooperation)")
    UNCAC_55 = "uncac_55", _("UNCAC art. 55 (international cooperation for confiscation)")
    UNCAC_57 = "uncac_57", _("UNCAC art. 57 (return and disposal of assets)")
    BILATERAL_TREATY = "bilateral", _("Bilateral treaty")
    EU_REGULATION = "eu_2018_1805", _("EU Regulation 2018/1805 (freezing and confiscation orders)")
    RECIPROCITY = "reciprocity", _("Reciprocity")


class Channel(models.TextChoices):
    CENTRAL_AUTHORITY = "central_authority", _("Central authorities")
    DIPLOMATIC = "diplomatic", _("Diplomatic channel")
    JUDICIAL = "judicial", _("Directly between judicial authorities")
    ARO_NETWORK = "aro_network", _("Asset recovery offices (CARIN / ARO network)")
    INTERPOL = "interpol", _("INTERPOL")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Pending, not yet acknowledged")
    ACKNOWLEDGED = "acknowledged", _("Pending, acknowledged")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


R = RequestStatus
PENDING_REQUEST_STATES = (R.OPEN, R.ACKNOWLEDGED)


class CooperationRequest(ConcurrentTransitionMixin, models.Model):
    """A request for cooperation sent to another state (`direction` sent: our authority asks) or
    received from one (they ask us). `sent_on` is the day the request left the requesting state."""

    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    counterpart_state = CountryField(_("counterpart state"))
    counterpart_authority = models.CharField(_("counterpart authority"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=16, choices=CooperationBasis.choices)
    treaty = models.CharField(_("treaty or article cited"), max_length=255, blank=True,
                              help_text=_("The bilateral treaty's title, or the articles cited."))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    reference = models.CharField(_("our reference"), max_length=64, unique=True)
    their_reference = models.CharField(_("their reference"), max_length=128, blank=True)
    subject = models.TextField(_("what is asked"))
    sent_on = models.DateField(_("sent on"))
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True,
                                   help_text=_("The day of the answer or of the refusal."))
    status = StateField(_("status"), max_length=12, choices=RequestStatus.choices, default=R.OPEN, protected=True)
    outcome = models.TextField(_("answer or reasons for refusal"), blank=True)
    cases = models.ManyToManyField(Case, related_name="cooperation_requests", blank=True, verbose_name=_("cases"))
    assets = models.ManyToManyField(Asset, related_name="cooperation_requests", blank=True,
                                    verbose_name=_("assets"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("cooperation request")
        verbose_name_plural = _("cooperation requests")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["counterpart_state", "sent_on"], name="coop_request_state_sent")]
        constraints = [
            models.CheckConstraint(condition=Q(acknowledged_on__isnull=True) | Q(acknowledged_on__gte=F("sent_on")),
                                   name="coop_request_ack_after_sent"),
            models.CheckConstraint(condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("sent_on")),
                                   name="coop_request_answer_after_sent"),
            models.CheckConstraint(condition=~Q(status__in=[R.ANSWERED, R.REFUSED]) | Q(answered_on__isnull=False),
                                   name="coop_request_replied_has_date"),
            models.CheckConstraint(condition=~Q(status=R.REFUSED) | ~Q(outcome=""),
                                   name="coop_request_refusal_has_reasons"),
        ]
        permissions = [("handle_cooperationrequest", _("Can record the steps of a cooperation request"))]

    def __str__(self) -> str:
        return f"{self.reference} — {self.get_kind_display()} ({self.counterpart_state.name})"

    @property
    def days_to_answer(self) -> int | None:
        if self.answered_on is None:
            return None
        return (self.answered_on - self.sent_on).days

    @transition(field=status, source=R.OPEN, target=R.ACKNOWLEDGED,
                permission="disposition.handle_cooperationrequest")
    def acknowledge(self) -> None:
        pass

    @transition(field=status, source=list(PENDING_REQUEST_STATES), target=R.ANSWERED,
                permission="disposition.handle_cooperationrequest")
    def answer(self) -> None:
        pass

    @transition(field=status, source=list(PENDING_REQUEST_STATES), target=R.REFUSED,
                permission="disposition.handle_cooperationrequest")
    def refuse(self) -> None:
        pass

    @transition(field=status, source=list(PENDING_REQUEST_STATES), target=R.WITHDRAWN,
                permission="disposition.handle_cooperationrequest")
    def withdraw(self) -> None:
        pass


# --------------------------------------------------------------------------------------------
# Foreign orders registered here
# --------------------------------------------------------------------------------------------


class ForeignOrderType(models.TextChoices):
    FREEZING = "freezing", _("Freezing order")
    CONFISCATION = "confiscation", _("Confiscation order")


class ForeignOrderStatus(models.TextChoices):
    RECEIVED = "received", _("Received, being checked")
    REGISTERED = "registered", _("Registered")
    NOTICE_SERVED = "notice_served", _("Notice served, set-aside period running")
    CHALLENGED = "challenged", _("Application to set aside pending")
    ENFORCEABLE = "enforceable", _("Enforceable")
    REFUSED = "refused", _("Refused")
    SET_ASIDE = "set_aside", _("Set aside")


class CheckKind(models.TextChoices):
    FINAL = "final", _("The order is final")
    DEFENCE = "defence", _("The person had a chance to defend")
    PROPERTY_HERE = "property_here", _("The property is here")
    CERTIFIED_COPY = "certified_copy", _("A certified copy was received")


FO = ForeignOrderStatus
SET_ASIDE_DAYS_DEFAULT = 30


class ForeignOrder(ConcurrentTransitionMixin, models.Model):
    """A foreign freezing or confiscation order, recognised and enforced here. Its assets are
    registered under `case` (our case opened on the foreign request) and covered by `court_order`,
    the register's record of the foreign order."""

    order_type = models.CharField(_("type"), max_length=16, choices=ForeignOrderType.choices)
    issuing_state = CountryField(_("issuing state"))
    issuing_authority = models.CharField(_("issuing authority"), max_length=255)
    foreign_case_reference = models.CharField(_("foreign case"), max_length=128)
    foreign_order_reference = models.CharField(_("foreign order reference"), max_length=128)
    issued_on = models.DateField(_("issued on"))
    received_on = models.DateField(_("received on"))
    request = models.ForeignKey(CooperationRequest, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="foreign_orders", verbose_name=_("request it came with"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="foreign_orders",
                             verbose_name=_("our case"))
    summary = models.TextField(_("summary"), blank=True)
    status = StateField(_("status"), max_length=16, choices=ForeignOrderStatus.choices, default=FO.RECEIVED,
                        protected=True)
    set_aside_days = models.PositiveSmallIntegerField(
        _("days to apply to set it aside"), default=SET_ASIDE_DAYS_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    court_order = models.OneToOneField(CourtOrder, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="foreign_order", verbose_name=_("registered as"))
    assets = models.ManyToManyField(Asset, related_name="foreign_orders", blank=True,
                                    verbose_name=_("assets registered under it"))
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    notice_served_on = models.DateField(_("notice served on"), null=True, blank=True)
    set_aside_until = models.DateField(_("set-aside period ends"), null=True, blank=True)
    challenge_lodged_on = models.DateField(_("application to set aside lodged on"), null=True, blank=True)
    enforceable_at = models.DateTimeField(_("enforceable since"), null=True, blank=True)
    refusal_reasons = models.TextField(_("reasons for refusal"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("foreign order")
        verbose_name_plural = _("foreign orders")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["issuing_state", "foreign_order_reference"],
                                    name="foreign_order_unique_reference"),
            models.CheckConstraint(condition=Q(received_on__gte=F("issued_on")),
                                   name="foreign_order_received_after_issued"),
            models.CheckConstraint(condition=~Q(status=FO.REFUSED) | ~Q(refusal_reasons=""),
                                   name="foreign_order_refusal_has_reasons"),
            models.CheckConstraint(condition=~Q(status=FO.NOTICE_SERVED) | Q(set_aside_until__isnull=False),
                                   name="foreign_order_served_has_period"),
        ]
        permissions = [("handle_foreignorder", _("Can check, register and enforce a foreign order"))]

    def __str__(self) -> str:
        return f"{self.get_order_type_display()} {self.foreign_order_reference} ({self.issuing_state.name})"

    def set_aside_period_over(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.set_aside_until is not None and today > self.set_aside_until

    @transition(field=status, source=FO.RECEIVED, target=FO.REGISTERED, permission="disposition.handle_foreignorder")
    def register(self) -> None:
        self.registered_at = timezone.now()

    @transition(field=status, source=FO.REGISTERED, target=FO.NOTICE_SERVED,
                permission="disposition.handle_foreignorder")
    def serve_notice(self) -> None:
        pass

    @transition(field=status, source=FO.NOTICE_SERVED, target=FO.CHALLENGED,
                permission="disposition.handle_foreignorder")
    def challenge(self) -> None:
        pass

    @transition(field=status, source=[FO.NOTICE_SERVED, FO.CHALLENGED], target=FO.ENFORCEABLE,
                permission="disposition.handle_foreignorder")
    def make_enforceable(self) -> None:
        self.enforceable_at = timezone.now()

    @transition(field=status, source=FO.CHALLENGED, target=FO.SET_ASIDE,
                permission="disposition.handle_foreignorder")
    def set_aside(self) -> None:
        pass

    @transition(field=status, source=[FO.RECEIVED, FO.REGISTERED, FO.NOTICE_SERVED], target=FO.REFUSED,
                permission="disposition.handle_foreignorder")
    def refuse(self) -> None:
        pass


class ForeignOrderCheck(models.Model):
    """One of the four checks of a foreign order before it is registered: who checked what, when,
    the outcome and the note (what was looked at)."""

    order = models.ForeignKey(ForeignOrder, on_delete=models.CASCADE, related_name="checks",
                              verbose_name=_("foreign order"))
    kind = models.CharField(_("check"), max_length=16, choices=CheckKind.choices)
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("what was looked at"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("checked by"))
    checked_at = models.DateTimeField(_("checked"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("check of a foreign order")
        verbose_name_plural = _("checks of foreign orders")
        ordering = ["order", "checked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="foreign_order_check_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {_('passed') if self.passed else _('failed')}"


class ForeignOrderItem(models.Model):
    """An asset the foreign order covers, as the order describes it; registration enters it in the
    register (`asset`)."""

    order = models.ForeignKey(ForeignOrder, on_delete=models.CASCADE, related_name="items",
                              verbose_name=_("foreign order"))
    category = models.CharField(_("category"), max_length=20, choices=AssetCategory.choices)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    declared_value = models.DecimalField(_("value stated in the order"), **MONEY, null=True, blank=True)
    currency = CurrencyField(_("currency"), blank=True)
    asset = models.OneToOneField(Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("registered as"))

    class Meta:
        verbose_name = _("asset covered by a foreign order")
        verbose_name_plural = _("assets covered by foreign orders")
        ordering = ["order", "id"]
        constraints = [models.CheckConstraint(condition=Q(declared_value__isnull=True) | ~Q(currency=""),
                                              name="foreign_order_item_value_has_currency")]

    def __str__(self) -> str:
        return self.title


# --------------------------------------------------------------------------------------------
# Sharing and return agreements
# --------------------------------------------------------------------------------------------


class AgreementKind(models.TextChoices):
    SHARING = "sharing", _("Asset-sharing agreement")
    RETURN = "return", _("Return agreement")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Being negotiated")
    IN_FORCE = "in_force", _("In force")
    CLOSED = "closed", _("Closed")


class SharingAgreement(ConcurrentTransitionMixin, models.Model):
    """A sharing or return agreement with other states. Public when `publishable` (and signed): its
    parties, basis, shares, conditions, monitoring and transfers; never `internal_notes` nor the
    negotiators' contacts."""

    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=AgreementKind.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=255, default="UNCAC art. 57")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))
    conditions_on_use = models.TextField(_("conditions on the use of the money"), blank=True)
    monitoring = models.TextField(_("monitoring promised"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    status = StateField(_("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT,
                        protected=True)
    publishable = models.BooleanField(_("may be published"), default=False)
    counterpart_contact = models.CharField(_("counterpart's contact person"), max_length=255, blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("sharing or return agreement")
        verbose_name_plural = _("sharing and return agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(status=AgreementStatus.DRAFT) | Q(signed_on__isnull=False),
                                              name="agreement_in_force_is_signed")]
        permissions = [("sign_sharingagreement", _("Can record a sharing agreement's signature and close it")),
                       ("transfer_sharingagreement", _("Can pay a transfer under a sharing agreement"))]

    def __str__(self) -> str:
        return self.title

    @transition(field=status, source=AgreementStatus.DRAFT, target=AgreementStatus.IN_FORCE,
                permission="disposition.sign_sharingagreement")
    def sign(self) -> None:
        pass

    @transition(field=status, source=AgreementStatus.IN_FORCE, target=AgreementStatus.CLOSED,
                permission="disposition.sign_sharingagreement")
    def close(self) -> None:
        pass


class AgreementShare(models.Model):
    """What one state gets under the agreement: a percentage of the amount shared, or an amount."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="shares",
                                  verbose_name=_("agreement"))
    state = CountryField(_("state"))
    percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY, null=True, blank=True)
    currency = CurrencyField(_("currency"), blank=True)

    class Meta:
        verbose_name = _("share of an agreement")
        verbose_name_plural = _("shares of agreements")
        ordering = ["agreement", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "state"], name="agreement_share_once_per_state"),
            models.CheckConstraint(
                condition=(Q(percent__isnull=False, percent__gt=0, percent__lte=100, amount__isnull=True)
                           | Q(percent__isnull=True, amount__gt=0) & ~Q(currency="")),
                name="agreement_share_percent_or_amount"),
        ]

    def __str__(self) -> str:
        share = f"{self.percent} %" if self.percent is not None else f"{self.amount} {self.currency}"
        return f"{self.state.name}: {share}"


class AgreementTransfer(models.Model):
    """A transfer made under the agreement: one payment of an allocation to a foreign state (a
    ledger transfer from what is owed to foreign states to the bank)."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.PROTECT, related_name="transfers",
                                  verbose_name=_("agreement"))
    state = CountryField(_("to the state"))
    payment = models.OneToOneField("AllocationPayment", on_delete=models.PROTECT, related_name="agreement_transfer",
                                   verbose_name=_("payment"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("transfer under an agreement")
        verbose_name_plural = _("transfers under agreements")
        ordering = ["agreement", "id"]

    def __str__(self) -> str:
        return f"{self.state.name}: {self.payment}"


# --------------------------------------------------------------------------------------------
# Assets frozen abroad for our cases
# --------------------------------------------------------------------------------------------


class ForeignStage(models.TextChoices):
    FROZEN = "frozen", _("Frozen")
    CONFISCATION_PROCEEDINGS = "proceedings", _("Confiscation proceedings")
    CONFISCATED = "confiscated", _("Confiscated abroad")
    RETURN_NEGOTIATION = "negotiating", _("Return being negotiated")
    RETURNED = "returned", _("Returned")
    RELEASED = "released", _("Released abroad")


FS = ForeignStage
LIVE_FOREIGN_STAGES = (FS.FROZEN, FS.CONFISCATION_PROCEEDINGS, FS.CONFISCATED, FS.RETURN_NEGOTIATION)


class AssetFrozenAbroad(ConcurrentTransitionMixin, models.Model):
    """An asset of one of our cases frozen in another state, followed until it comes back (or is
    released there)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assets_frozen_abroad",
                             verbose_name=_("case"))
    country = CountryField(_("country"))
    asset_type = models.CharField(_("asset type"), max_length=20, choices=AssetCategory.choices)
    description = models.CharField(_("description"), max_length=255)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = CurrencyField(_("currency"))
    frozen_on = models.DateField(_("frozen on"))
    stage = StateField(_("foreign procedural stage"), max_length=20, choices=ForeignStage.choices, default=FS.FROZEN,
                       protected=True)
    stage_changed_on = models.DateField(_("stage since"), default=timezone.localdate)
    ended_on = models.DateField(_("returned or released on"), null=True, blank=True)
    next_step = models.CharField(_("next step"), max_length=255, blank=True)
    blocker = models.CharField(_("what blocks it"), max_length=255, blank=True)
    request = models.ForeignKey(CooperationRequest, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="assets_frozen_abroad", verbose_name=_("request"))
    agreement = models.ForeignKey(SharingAgreement, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="assets_frozen_abroad", verbose_name=_("agreement it depends on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("asset frozen abroad")
        verbose_name_plural = _("assets frozen abroad")
        ordering = ["country", "frozen_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="frozen_abroad_amount_positive"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("frozen_on")),
                                   name="frozen_abroad_ends_after_frozen"),
        ]
        permissions = [("follow_assetfrozenabroad", _("Can record the foreign procedure's steps"))]

    def __str__(self) -> str:
        return f"{self.description} ({self.country.name})"

    def days_frozen(self, today: datetime.date | None = None) -> int:
        """Days from the freezing to its end (returned or released), or to today."""
        end = self.ended_on or today or timezone.localdate()
        return max((end - self.frozen_on).days, 0)

    @transition(field=stage, source=FS.FROZEN, target=FS.CONFISCATION_PROCEEDINGS,
                permission="disposition.follow_assetfrozenabroad")
    def start_proceedings(self) -> None:
        pass

    @transition(field=stage, source=[FS.FROZEN, FS.CONFISCATION_PROCEEDINGS], target=FS.CONFISCATED,
                permission="disposition.follow_assetfrozenabroad")
    def confiscate(self) -> None:
        pass

    @transition(field=stage, source=FS.CONFISCATED, target=FS.RETURN_NEGOTIATION,
                permission="disposition.follow_assetfrozenabroad")
    def negotiate_return(self) -> None:
        pass

    @transition(field=stage, source=[FS.CONFISCATED, FS.RETURN_NEGOTIATION], target=FS.RETURNED,
                permission="disposition.follow_assetfrozenabroad")
    def repatriate(self) -> None:
        pass

    @transition(field=stage, source=list(LIVE_FOREIGN_STAGES), target=FS.RELEASED,
                permission="disposition.follow_assetfrozenabroad")
    def release(self) -> None:
        pass
