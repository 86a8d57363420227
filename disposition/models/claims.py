"""Claims of third parties and victims on confiscated assets and their proceeds.

- `PublicNotice`: what the agency publishes per case so that third parties may come forward: the
  assets concerned (public facts only: category and area), how and until when to claim. Drafted,
  published, closed by staff.
- `ClaimantAccount`: a member of the public who files claims on the site, with a verified e-mail.
- `Claim`: a victim's, bona fide owner's, creditor's, civil party's or foreign state's claim on
  assets or on their proceeds, with its life cycle (the table of transitions below):
  filed → under review ⇄ more information requested (a deficiency notice with a deadline) →
  recommended → decided (granted, partly granted, denied, with reasons; four eyes: never by the
  recommender) → paid; reconsideration on request within a deadline after the decision takes a
  decided claim back under review.
- `DeficiencyNotice` and `ClaimDocument`: what staff asked and the claimant answered; the
  supporting documents (private files, checked by parsing them).

Every step is a `DispositionEvent` (subject "claim"): who, when, from, to, why. The claimant's
name, address, e-mail and documents are private: no public page or export shows them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, transition

from common.fields import CurrencyField, StateField
from custody.models import Asset, Case
from custody.storage import private_storage
from custody.validators import validate_document

from .settlement import MONEY

# --------------------------------------------------------------------------------------------
# Public notices
# --------------------------------------------------------------------------------------------


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class PublicNotice(ConcurrentTransitionMixin, models.Model):
    """A case's notice to third parties. Everything on it is public once published: staff write
    its title and texts for the public, and the assets show only their category and area."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="claim_notices", verbose_name=_("case"))
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("what the notice is about"),
                               help_text=_("Public text: the court's decision and the property concerned, without "
                                           "naming any person."))
    how_to_claim = models.TextField(_("how to claim"),
                                    help_text=_("Public text: who may claim, what to send, and how."))
    assets = models.ManyToManyField(Asset, related_name="claim_notices", verbose_name=_("assets concerned"))
    claims_until = models.DateTimeField(_("claims accepted until"))
    status = StateField(_("status"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT,
                        protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("drafted by"))
    created_at = models.DateTimeField(_("drafted"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title="") & ~Q(how_to_claim=""), name="notice_titled_and_explained"),
            models.CheckConstraint(condition=Q(status=NoticeStatus.DRAFT) | Q(published_at__isnull=False),
                                   name="notice_published_has_date"),
        ]
        permissions = [("publish_publicnotice", _("Can publish and close a public notice"))]

    def __str__(self) -> str:
        return self.title

    @property
    def open_for_claims(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED and self.claims_until > timezone.now()

    @transition(field=status, source=NoticeStatus.DRAFT, target=NoticeStatus.PUBLISHED,
                permission="disposition.publish_publicnotice")
    def publish(self) -> None:
        self.published_at = timezone.now()

    @transition(field=status, source=NoticeStatus.PUBLISHED, target=NoticeStatus.CLOSED,
                permission="disposition.publish_publicnotice")
    def close(self) -> None:
        self.closed_at = timezone.now()


# --------------------------------------------------------------------------------------------
# Claimants' accounts on the public site
# --------------------------------------------------------------------------------------------


class ClaimantAccount(models.Model):
    """A member of the public who files claims: their sign-in is a site user; their e-mail address
    must be verified (the link we send) before they may file."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claimant",
                                verbose_name=_("user"))
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("claimant account")
        verbose_name_plural = _("claimant accounts")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


# --------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------


class ClaimantType(models.TextChoices):
    BONA_FIDE_OWNER = "bona_fide_owner", _("Bona fide owner")
    VICTIM = "victim", _("Victim")
    CIVIL_PARTY = "civil_party", _("Civil party")
    CREDITOR = "creditor", _("Creditor")
    FOREIGN_STATE = "foreign_state", _("Foreign state")


# Who is paid first out of the same assets or proceeds (lower first): bona fide owners, then victims
# (and victims constituted as civil parties), then creditors and foreign states; the state's fund and
# social reuse come after every granted claim (services/claims.py).
PAYMENT_RANK = {
    ClaimantType.BONA_FIDE_OWNER: 0,
    ClaimantType.VICTIM: 1,
    ClaimantType.CIVIL_PARTY: 1,
    ClaimantType.CREDITOR: 2,
    ClaimantType.FOREIGN_STATE: 2,
}


class ClaimSubject(models.TextChoices):
    ASSETS = "assets", _("The assets themselves")
    PROCEEDS = "proceeds", _("The proceeds of the assets")


class ClaimChannel(models.TextChoices):
    ONLINE = "online", _("Filed online")
    PAPER = "paper", _("Paper claim recorded by staff")


class ClaimStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    UNDER_REVIEW = "under_review", _("Under review")
    INFO_REQUESTED = "info_requested", _("More information requested")
    RECOMMENDED = "recommended", _("Recommended")
    DECIDED = "decided", _("Decided")
    PAID = "paid", _("Paid")


class ClaimOutcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    DENIED = "denied", _("Denied")


GRANTING_OUTCOMES = (ClaimOutcome.GRANTED, ClaimOutcome.PARTLY_GRANTED)
# Not yet decided: what stops an approval over the same assets or proceeds (with granted, unpaid ones).
UNDECIDED_STATES = (ClaimStatus.FILED, ClaimStatus.UNDER_REVIEW, ClaimStatus.INFO_REQUESTED, ClaimStatus.RECOMMENDED)
C = ClaimStatus


class Claim(ConcurrentTransitionMixin, models.Model):
    """A claim on assets of a case, or on their proceeds. The claimant's identity and contact, the
    basis and the documents are private (staff with the claims roles only)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="claims", verbose_name=_("case"))
    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="claims",
                               verbose_name=_("in answer to the notice"))
    channel = models.CharField(_("channel"), max_length=8, choices=ClaimChannel.choices, default=ClaimChannel.ONLINE)
    account = models.ForeignKey(ClaimantAccount, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="claims", verbose_name=_("claimant's account"))
    claimant_type = models.CharField(_("claimant"), max_length=16, choices=ClaimantType.choices)
    claimant_name = models.CharField(_("claimant's name"), max_length=255)
    claimant_email = models.EmailField(_("claimant's e-mail"), blank=True)
    claimant_address = models.TextField(_("claimant's address"), blank=True)
    subject = models.CharField(_("claim on"), max_length=10, choices=ClaimSubject.choices)
    assets = models.ManyToManyField(Asset, related_name="claims", verbose_name=_("assets claimed"))
    basis = models.TextField(_("basis of the claim"))
    amount_claimed = models.DecimalField(_("amount claimed"), **MONEY)
    currency = CurrencyField(_("currency"))
    status = StateField(_("status"), max_length=16, choices=ClaimStatus.choices, default=C.FILED, protected=True)
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("paper claim recorded by"))
    # the recommendation, then the decision (four eyes)
    recommended_outcome = models.CharField(_("recommended outcome"), max_length=16, choices=ClaimOutcome.choices,
                                           blank=True)
    recommended_amount = models.DecimalField(_("amount recommended"), **MONEY, null=True, blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("recommended by"))
    recommended_at = models.DateTimeField(_("recommended"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ClaimOutcome.choices, blank=True)
    amount_granted = models.DecimalField(_("amount granted"), **MONEY, null=True, blank=True)
    reasons = models.TextField(_("reasons of the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    first_decided_at = models.DateTimeField(_("first decided"), null=True, blank=True, editable=False)
    reconsider_until = models.DateTimeField(_("reconsideration may be asked until"), null=True, blank=True)
    reconsideration_requested_at = models.DateTimeField(_("reconsideration asked"), null=True, blank=True)
    reconsideration_grounds = models.TextField(_("grounds for reconsideration"), blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("paid by"))
    payment_reference = models.CharField(_("bank reference"), max_length=140, blank=True)
    journal_entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("payment posted as"))

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["status", "claimant_type"], name="claim_status_type")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_claimed__gt=0), name="claim_amount_positive"),
            # Four eyes: the database refuses a claim decided by whoever recommended it.
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("recommended_by")),
                                   name="claim_four_eyes"),
            models.CheckConstraint(
                condition=~Q(status__in=[C.DECIDED, C.PAID]) | (~Q(outcome="") & ~Q(reasons="")),
                name="claim_decided_has_outcome_and_reasons"),
            models.CheckConstraint(
                condition=~Q(outcome__in=["granted", "partly_granted"]) | Q(amount_granted__gt=0),
                name="claim_granted_has_amount"),
            models.CheckConstraint(condition=~Q(status=C.PAID) | Q(outcome__in=["granted", "partly_granted"]),
                                   name="claim_paid_only_if_granted"),
            models.CheckConstraint(condition=Q(channel=ClaimChannel.PAPER) | Q(account__isnull=False),
                                   name="claim_online_has_account"),
        ]
        permissions = [
            ("review_claim", _("Can review a claim, ask for more information and recommend")),
            ("decide_claim", _("Can decide a claim (not one's own recommendation)")),
            ("pay_claim", _("Can pay a granted claim")),
        ]

    def __str__(self) -> str:
        return _("Claim %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"CL-{self.filed_at:%Y}-{self.pk:05d}" if self.pk else "CL-?"

    @property
    def granted(self) -> bool:
        return self.outcome in GRANTING_OUTCOMES

    @property
    def reconsideration_open(self) -> bool:
        return (self.status == C.DECIDED and self.reconsider_until is not None
                and timezone.now() <= self.reconsider_until)

    # ---- the table of allowed moves ---------------------------------------------------------

    @transition(field=status, source=C.FILED, target=C.UNDER_REVIEW, permission="disposition.review_claim")
    def start_review(self) -> None:
        pass

    @transition(field=status, source=C.UNDER_REVIEW, target=C.INFO_REQUESTED, permission="disposition.review_claim")
    def request_information(self) -> None:
        pass

    # The claimant answers (no staff permission), or staff resume once the deadline passed unanswered.
    @transition(field=status, source=C.INFO_REQUESTED, target=C.UNDER_REVIEW)
    def resume_review(self) -> None:
        pass

    @transition(field=status, source=C.UNDER_REVIEW, target=C.RECOMMENDED, permission="disposition.review_claim")
    def recommend(self) -> None:
        self.recommended_at = timezone.now()

    @transition(field=status, source=C.RECOMMENDED, target=C.DECIDED, permission="disposition.decide_claim")
    def decide(self) -> None:
        self.decided_at = timezone.now()
        self.first_decided_at = self.first_decided_at or self.decided_at

    # The claimant asks (no staff permission) within the deadline; or staff record a paper request.
    @transition(field=status, source=C.DECIDED, target=C.UNDER_REVIEW)
    def reconsider(self) -> None:
        self.reconsideration_requested_at = timezone.now()

    @transition(field=status, source=C.DECIDED, target=C.PAID, permission="disposition.pay_claim",
                conditions=[lambda claim: claim.outcome in GRANTING_OUTCOMES])
    def pay(self) -> None:
        self.paid_at = timezone.now()


class DeficiencyNotice(models.Model):
    """What staff asked the claimant to add, by when; and the claimant's answer."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="deficiencies", verbose_name=_("claim"))
    request = models.TextField(_("what is missing"))
    answer_by = models.DateTimeField(_("answer by"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("sent by"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    lapsed_at = models.DateTimeField(_("lapsed unanswered"), null=True, blank=True)

    class Meta:
        verbose_name = _("deficiency notice")
        verbose_name_plural = _("deficiency notices")
        ordering = ["sent_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(answer_by__gt=F("sent_at")),
                                              name="deficiency_deadline_after_sending")]

    def __str__(self) -> str:
        return _("Deficiency notice of %(date)s") % {"date": f"{self.sent_at:%Y-%m-%d}"}

    @property
    def open(self) -> bool:
        return self.answered_at is None and self.lapsed_at is None


class ClaimDocument(models.Model):
    """A supporting document (PDF or scan, checked by parsing it), kept in private storage."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents", verbose_name=_("claim"))
    deficiency = models.ForeignKey(DeficiencyNotice, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="documents", verbose_name=_("sent with the answer to"))
    file = models.FileField(_("document"), storage=private_storage, upload_to="claims/%Y/%m/",
                            validators=[validate_document])
    name = models.CharField(_("file name"), max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
