"""The final disposition of confiscated assets and proceeds, and what follows it.

- `Beneficiary`: an NGO, social cooperative, municipality or public body an asset or money may go to.
- `DispositionDecision`: what becomes of one confiscated asset, or of an amount of confiscated
  proceeds (a sold asset's, or the fund's). Its life cycle is the table of transitions below:
  proposed → approved (four eyes) → executed → monitoring → completed, or revoked with a reason.
- `Allocation` and `AllocationPayment`: the money trail of a decision over proceeds, each payment a
  ledger transfer (source `allocation:<id>`).
- `CallForProjects` and `Application`: a public call for social-reuse projects, the applications
  received, scored by staff; awarding one opens a proposed decision.
- `ReuseProject`, `MonitoringReport` and `ReusePhoto`: what an executed reuse decision became, and the
  reports on it at a schedule.
- `DispositionEvent`: the audit trail (who, when, from, to, why) of each of these records.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import ConcurrentTransitionMixin, transition
from phonenumber_field.modelfields import PhoneNumberField

from common.fields import CurrencyField, StateField
from custody.models import Asset, CourtOrder
from custody.storage import private_storage

from .settlement import MONEY

# --------------------------------------------------------------------------------------------
# Beneficiaries
# --------------------------------------------------------------------------------------------


class BeneficiaryKind(models.TextChoices):
    NGO = "ngo", _("Non-governmental organisation")
    SOCIAL_COOPERATIVE = "social_cooperative", _("Social cooperative")
    MUNICIPALITY = "municipality", _("Municipality")
    PUBLIC_BODY = "public_body", _("Public body")


class Sector(models.TextChoices):
    WELFARE = "welfare", _("Welfare")
    CULTURE = "culture", _("Culture")
    EDUCATION = "education", _("Education")
    ENVIRONMENT = "environment", _("Environment")
    SPORT = "sport", _("Sport")
    EMPLOYMENT = "employment", _("Employment")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class Beneficiary(models.Model):
    """An organisation that may receive an asset or money. Its contact is private (staff only); its
    name appears on the public record only while `public` is set (organisations: by default)."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("type"), max_length=20, choices=BeneficiaryKind.choices)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    registration_number = models.CharField(_("registration number"), max_length=64)
    registration_data = models.TextField(_("registration details"), blank=True,
                                         help_text=_("Register, date of registration, statutes, legal form."))
    country = CountryField(_("country"), default="BE")
    contact_name = models.CharField(_("contact person"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = PhoneNumberField(_("contact phone"), blank=True)
    contact_address = models.TextField(_("contact address"), blank=True)
    public = models.BooleanField(_("name may be published"), default=True,
                                 help_text=_("Organisations are named on the public record unless this is unset."))
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["country", "registration_number"], name="beneficiary_registration_unique"),
            models.CheckConstraint(condition=~Q(name="") & ~Q(registration_number=""),
                                   name="beneficiary_named_and_registered"),
        ]

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


class DecisionKind(models.TextChoices):
    SALE = "sale", _("Sale")
    SOCIAL_REUSE = "social_reuse", _("Social reuse")
    PUBLIC_USE = "public_use", _("Institutional use by a public body")
    VICTIM_COMPENSATION = "victim_compensation", _("Compensation of victims")
    FOREIGN_RETURN = "foreign_return", _("Return to a foreign state")
    DESTRUCTION = "destruction", _("Destruction")


# What a decision over an asset may be, and over money.
ASSET_KINDS = (DecisionKind.SALE, DecisionKind.SOCIAL_REUSE, DecisionKind.PUBLIC_USE, DecisionKind.FOREIGN_RETURN,
               DecisionKind.DESTRUCTION)
PROCEEDS_KINDS = (DecisionKind.SOCIAL_REUSE, DecisionKind.PUBLIC_USE, DecisionKind.VICTIM_COMPENSATION,
                  DecisionKind.FOREIGN_RETURN)
# Kinds whose beneficiary is an organisation (required before approval).
BENEFICIARY_KINDS = (DecisionKind.SOCIAL_REUSE, DecisionKind.PUBLIC_USE)


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    EXECUTED = "executed", _("Executed")
    MONITORING = "monitoring", _("Being monitored")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


LIVE_STATES = (DecisionStatus.PROPOSED, DecisionStatus.APPROVED, DecisionStatus.EXECUTED, DecisionStatus.MONITORING)
D = DecisionStatus


class DispositionDecision(ConcurrentTransitionMixin, models.Model):
    """What becomes of one confiscated asset (`asset`), or of an amount of confiscated proceeds
    (`amount`, taken from `proceeds_asset`'s proceeds or, without it, from the fund)."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="disposition_decisions", verbose_name=_("asset"))
    proceeds_asset = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("proceeds of"),
                                       help_text=_("A sold asset whose proceeds are assigned; empty: the "
                                                   "confiscated-proceeds fund."))
    amount = models.DecimalField(_("amount"), **MONEY, null=True, blank=True)
    currency = CurrencyField(_("currency"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DecisionKind.choices)
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="decisions", verbose_name=_("beneficiary"))
    recipient_state = CountryField(_("recipient state"), blank=True)
    legal_basis = models.TextField(_("legal basis"))
    conditions = models.TextField(_("conditions"), blank=True)
    concession_start = models.DateField(_("concession from"), null=True, blank=True)
    concession_end = models.DateField(_("concession until"), null=True, blank=True)
    order = models.ForeignKey(CourtOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("court order cited"),
                              help_text=_("The return or destruction order of the asset's case, cited on execution."))
    status = StateField(_("status"), max_length=12, choices=DecisionStatus.choices, default=D.PROPOSED,
                        protected=True)
    previous = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("replaces the revoked decision"))
    call = models.ForeignKey("CallForProjects", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="decisions", verbose_name=_("call for projects"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    executed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("executed by"))
    executed_at = models.DateTimeField(_("executed"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    journal_entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("proceeds assigned by"))

    class Meta:
        verbose_name = _("disposition decision")
        verbose_name_plural = _("disposition decisions")
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"], name="decision_status_kind")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(asset__isnull=False, amount__isnull=True, proceeds_asset__isnull=True)
                           | Q(asset__isnull=True, amount__gt=0) & ~Q(currency="")),
                name="decision_asset_or_amount"),
            # Four eyes: the database refuses a decision approved by whoever proposed it.
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("proposed_by")),
                                   name="decision_four_eyes"),
            models.CheckConstraint(condition=Q(status__in=[D.PROPOSED, D.REVOKED]) | Q(approved_by__isnull=False),
                                   name="decision_approved_has_approver"),
            models.CheckConstraint(condition=~Q(status=D.REVOKED) | ~Q(revocation_reason=""),
                                   name="decision_revoked_has_reason"),
            models.CheckConstraint(
                condition=Q(concession_end__isnull=True) | Q(concession_start__isnull=True)
                | Q(concession_end__gt=F("concession_start")),
                name="decision_concession_ends_after_start"),
            # One live decision per asset at a time (a revoked one makes room for the next).
            models.UniqueConstraint(fields=["asset"], condition=Q(asset__isnull=False) & ~Q(status=D.REVOKED),
                                    name="decision_one_live_per_asset"),
        ]
        permissions = [
            ("approve_dispositiondecision", _("Can approve a disposition decision (not one's own)")),
            ("execute_dispositiondecision", _("Can execute an approved disposition decision")),
            ("revoke_dispositiondecision", _("Can revoke a disposition decision")),
            ("complete_dispositiondecision", _("Can complete a disposition decision")),
        ]

    def __str__(self) -> str:
        subject = self.asset.reference if self.asset_id else f"{self.amount} {self.currency}"
        return f"#{self.pk} {self.get_kind_display()} — {subject}"

    @property
    def over_proceeds(self) -> bool:
        return self.asset_id is None

    # ---- the table of allowed moves ---------------------------------------------------------

    @transition(field=status, source=D.PROPOSED, target=D.APPROVED,
                permission="disposition.approve_dispositiondecision")
    def approve(self) -> None:
        self.approved_at = timezone.now()

    @transition(field=status, source=D.APPROVED, target=D.EXECUTED,
                permission="disposition.execute_dispositiondecision")
    def execute(self) -> None:
        self.executed_at = timezone.now()

    @transition(field=status, source=D.EXECUTED, target=D.MONITORING)
    def start_monitoring(self) -> None:
        pass

    @transition(field=status, source=[D.EXECUTED, D.MONITORING], target=D.COMPLETED,
                permission="disposition.complete_dispositiondecision")
    def complete(self) -> None:
        self.completed_at = timezone.now()

    @transition(field=status, source=list(LIVE_STATES), target=D.REVOKED,
                permission="disposition.revoke_dispositiondecision")
    def revoke(self) -> None:
        self.revoked_at = timezone.now()


# --------------------------------------------------------------------------------------------
# The money trail
# --------------------------------------------------------------------------------------------


class PayeeType(models.TextChoices):
    VICTIM = "victim", _("Victims")
    SOCIAL_REUSE = "social_reuse", _("Social-reuse project")
    PUBLIC_BODY = "public_body", _("Public body")
    FOREIGN_STATE = "foreign_state", _("Foreign state")


class Allocation(models.Model):
    """An amount of a decision's proceeds assigned to one payee. The payee's name and bank details
    are private (a victim is a person); the public record shows amounts by payee type."""

    decision = models.ForeignKey(DispositionDecision, on_delete=models.PROTECT, related_name="allocations",
                                 verbose_name=_("decision"))
    payee_type = models.CharField(_("payee type"), max_length=16, choices=PayeeType.choices)
    payee_name = models.CharField(_("payee"), max_length=255)
    payee_account = models.CharField(_("payee's bank account"), max_length=64, blank=True)
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("beneficiary"))
    amount = models.DecimalField(_("amount allocated"), **MONEY)
    currency = CurrencyField(_("currency"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("allocated by"))
    created_at = models.DateTimeField(_("allocated"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["decision", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive")]
        permissions = [("pay_allocation", _("Can pay an allocation"))]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_payee_type_display()}: {self.amount} {self.currency}"


class AllocationPayment(models.Model):
    """One payment of an allocation: a ledger transfer from what the decision assigned to the bank."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="payments",
                                   verbose_name=_("allocation"))
    amount = models.DecimalField(_("amount paid"), **MONEY)
    currency = CurrencyField(_("currency"))
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("bank reference"), max_length=140)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("recorded by"))
    journal_entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("journal entry"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("allocation payment")
        verbose_name_plural = _("allocation payments")
        ordering = ["allocation", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_payment_positive")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.paid_on:%Y-%m-%d})"


# --------------------------------------------------------------------------------------------
# Calls for projects
# --------------------------------------------------------------------------------------------


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed, applications being scored")
    AWARDED = "awarded", _("Awarded")


class CallForProjects(ConcurrentTransitionMixin, models.Model):
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"))
    assets = models.ManyToManyField(Asset, related_name="calls_for_projects", verbose_name=_("assets offered"))
    deadline = models.DateTimeField(_("deadline for applications"))
    status = StateField(_("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT,
                        protected=True)
    winner = models.ForeignKey("Application", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("winning application"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    opened_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("awarded"), null=True, blank=True)

    class Meta:
        verbose_name = _("call for projects")
        verbose_name_plural = _("calls for projects")
        ordering = ["-deadline", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(status=CallStatus.AWARDED) | Q(winner__isnull=False),
                                              name="call_awarded_has_winner")]
        permissions = [("run_callforprojects", _("Can publish, close and award a call for projects"))]

    def __str__(self) -> str:
        return self.title

    @transition(field=status, source=CallStatus.DRAFT, target=CallStatus.OPEN,
                permission="disposition.run_callforprojects")
    def open(self) -> None:
        self.opened_at = timezone.now()

    @transition(field=status, source=CallStatus.OPEN, target=CallStatus.CLOSED,
                permission="disposition.run_callforprojects")
    def close(self) -> None:
        self.closed_at = timezone.now()

    @transition(field=status, source=CallStatus.CLOSED, target=CallStatus.AWARDED,
                permission="disposition.run_callforprojects")
    def award(self) -> None:
        self.awarded_at = timezone.now()


class Application(models.Model):
    """A beneficiary's application to a call, received by staff, scored with notes (staff only)."""

    call = models.ForeignKey(CallForProjects, on_delete=models.PROTECT, related_name="applications",
                             verbose_name=_("call"))
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="applications",
                                    verbose_name=_("applicant"))
    project_summary = models.TextField(_("project"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))])
    notes = models.TextField(_("assessment notes"), blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("scored by"))
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "-score", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "beneficiary"], name="application_once_per_call"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                                   name="application_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary} → {self.call}"


# --------------------------------------------------------------------------------------------
# Social-reuse projects and their monitoring
# --------------------------------------------------------------------------------------------


class ReuseProject(models.Model):
    """What an executed reuse (or public-use) decision became: a villa turned into a youth centre."""

    decision = models.OneToOneField(DispositionDecision, on_delete=models.PROTECT, related_name="project",
                                    verbose_name=_("decision"))
    purpose = models.CharField(_("used for"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    start_date = models.DateField(_("started"))
    report_every_months = models.PositiveSmallIntegerField(_("report every (months)"), default=12,
                                                           validators=[MinValueValidator(1)])
    next_report_due = models.DateField(_("next report due"))
    overdue_alerted_for = models.DateField(_("overdue alert sent for"), null=True, blank=True, editable=False,
                                           help_text=_("The due date whose overdue report staff were told of."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("social-reuse project")
        verbose_name_plural = _("social-reuse projects")
        ordering = ["next_report_due", "id"]
        constraints = [models.CheckConstraint(condition=Q(report_every_months__gte=1),
                                              name="project_report_interval_positive")]

    def __str__(self) -> str:
        return self.purpose


class ReportKind(models.TextChoices):
    DESK_REVIEW = "desk_review", _("Desk review")
    SITE_VISIT = "site_visit", _("Site visit")


class Assessment(models.TextChoices):
    IN_USE = "in_use", _("In use as agreed")
    PARTLY_USED = "partly_used", _("Partly used")
    UNUSED = "unused", _("Unused")
    MISUSED = "misused", _("Misused")


class UnusedReason(models.TextChoices):
    UNDIVIDED_SHARES = "undivided_shares", _("Undivided shares")
    OCCUPATION = "occupation", _("Occupied")
    STRUCTURAL_STATE = "structural_state", _("Structural state")
    CREDITOR_CLAIMS = "creditor_claims", _("Pending creditor claims")
    OTHER = "other", _("Other")


FAILING_ASSESSMENTS = (Assessment.UNUSED, Assessment.MISUSED)


class MonitoringReport(models.Model):
    project = models.ForeignKey(ReuseProject, on_delete=models.PROTECT, related_name="reports",
                                verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices)
    date = models.DateField(_("date"))
    findings = models.TextField(_("findings"))
    assessment = models.CharField(_("assessment"), max_length=12, choices=Assessment.choices)
    reasons_unused = ArrayField(models.CharField(max_length=20, choices=UnusedReason.choices), default=list,
                                blank=True, verbose_name=_("reasons it stands unused"))
    publishable = models.BooleanField(_("may be published"), default=False)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))
    written_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}: {self.get_assessment_display()}"

    @property
    def failing(self) -> bool:
        return self.assessment in FAILING_ASSESSMENTS


class ReusePhoto(models.Model):
    """A photo of a project (or of one of its site visits), re-encoded without its metadata."""

    project = models.ForeignKey(ReuseProject, on_delete=models.CASCADE, related_name="photos",
                                verbose_name=_("project"))
    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="photos", verbose_name=_("monitoring report"))
    image = models.ImageField(storage=private_storage, upload_to="reuse/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("project photo")
        verbose_name_plural = _("project photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or f"Photo {self.pk}"


# --------------------------------------------------------------------------------------------
# The audit trail
# --------------------------------------------------------------------------------------------


class DispositionEvent(models.Model):
    """One step of a decision, call, application, allocation or project: who, when, from, to, why."""

    subject = models.CharField(_("record"), max_length=16)
    object_id = models.PositiveBigIntegerField(_("record id"))
    decision = models.ForeignKey(DispositionDecision, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="events", verbose_name=_("decision"))
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("why / notes"), blank=True)

    class Meta:
        verbose_name = _("disposition event")
        verbose_name_plural = _("disposition events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject", "object_id"], name="disposition_event_record")]

    def __str__(self) -> str:
        return f"{self.subject}:{self.object_id} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Disposition events are never changed.")
        super().save(*args, **kwargs)
