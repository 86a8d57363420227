"""Public consultation before a disposition decision is approved.

- `Consultation`: the public's say on a proposed social-reuse or return decision. Its life cycle is
  the table of transitions below: draft → open (published, comments taken between `opens_at` and
  `closes_at`) → closed (awaiting the agency's response) → responded; or withdrawn with a reason
  from any step before the response. While it is open or closed, the decision cannot be approved
  (services/consultation.py, consultation_approve_refusal).
- `ConsultationVersion`: every version of the proposal's text and of the agency's response, kept
  (number, text, who, when) and all shown on the public page.
- `ConsultationComment`: a submission from the public (position and text). Its author's name and
  e-mail are private: never on a public page or export. Its life cycle: unconfirmed (the e-mail link
  not yet opened) → confirmed (awaiting moderation) → published or rejected with a reason.

Each step is written to the disposition audit trail (DispositionEvent, subjects "consultation" and
"comment"): who, when, from, to, why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, transition

from common.fields import StateField

from .reuse import DispositionDecision


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for comments")
    CLOSED = "closed", _("Closed, awaiting the agency's response")
    RESPONDED = "responded", _("Responded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


C = ConsultationStatus
# While a consultation is in one of these, its decision waits (it cannot be approved).
BLOCKING_STATES = (C.OPEN, C.CLOSED)
# The public sees a consultation once it was published (a draft is not found).
PUBLIC_STATES = (C.OPEN, C.CLOSED, C.RESPONDED, C.WITHDRAWN)


class Consultation(ConcurrentTransitionMixin, models.Model):
    decision = models.ForeignKey(DispositionDecision, on_delete=models.PROTECT, related_name="consultations",
                                 verbose_name=_("decision consulted on"))
    title = models.CharField(_("title"), max_length=255)
    opens_at = models.DateTimeField(_("comments open"))
    closes_at = models.DateTimeField(_("comments close"))
    status = StateField(_("status"), max_length=10, choices=ConsultationStatus.choices, default=C.DRAFT,
                        protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("prepared by"))
    created_at = models.DateTimeField(_("prepared"), default=timezone.now, editable=False)
    opened_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("public consultation")
        verbose_name_plural = _("public consultations")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="consultation_closes_after_opening"),
            models.CheckConstraint(condition=~Q(status=C.WITHDRAWN) | ~Q(withdrawal_reason=""),
                                   name="consultation_withdrawn_has_reason"),
            # One consultation at a time per decision (a withdrawn one makes room for the next).
            models.UniqueConstraint(fields=["decision"], condition=~Q(status=C.WITHDRAWN),
                                    name="consultation_one_live_per_decision"),
        ]
        permissions = [("run_consultation", _("Can open, close, withdraw and respond to a public consultation"))]

    def __str__(self) -> str:
        return self.title

    def accepts_comments(self, at=None) -> bool:
        """Open, and within its comment period."""
        at = at or timezone.now()
        return self.status == C.OPEN and self.opens_at <= at < self.closes_at

    # ---- the table of allowed moves ---------------------------------------------------------

    @transition(field=status, source=C.DRAFT, target=C.OPEN, permission="disposition.run_consultation")
    def open(self) -> None:
        self.opened_at = timezone.now()

    @transition(field=status, source=C.OPEN, target=C.CLOSED, permission="disposition.run_consultation")
    def close(self) -> None:
        self.closed_at = timezone.now()

    @transition(field=status, source=C.CLOSED, target=C.RESPONDED, permission="disposition.run_consultation")
    def respond(self) -> None:
        self.responded_at = timezone.now()

    @transition(field=status, source=[C.DRAFT, C.OPEN, C.CLOSED], target=C.WITHDRAWN,
                permission="disposition.run_consultation")
    def withdraw(self) -> None:
        self.withdrawn_at = timezone.now()


class VersionKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    RESPONSE = "response", _("Agency's response")


class ConsultationVersion(models.Model):
    """One version of the proposal's text or of the response; never changed, never deleted."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="versions",
                                     verbose_name=_("consultation"))
    kind = models.CharField(_("kind"), max_length=10, choices=VersionKind.choices)
    number = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("text"))
    note = models.CharField(_("what changed"), max_length=255, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))
    written_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("consultation version")
        verbose_name_plural = _("consultation versions")
        ordering = ["consultation", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "kind", "number"], name="consultation_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1) & ~Q(text=""), name="consultation_version_numbered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Consultation versions are never changed.")
        super().save(*args, **kwargs)


class Position(models.TextChoices):
    SUPPORT = "support", _("Support")
    OPPOSE = "oppose", _("Oppose")
    CONCERN = "concern", _("Concern or suggestion")


class CommentStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("E-mail not confirmed")
    CONFIRMED = "confirmed", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class ConsultationComment(ConcurrentTransitionMixin, models.Model):
    """A submission from the public. `author_name` and `email` are private (staff only); the public page
    shows the text, the position and a neutral label ("Contribution 3")."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="comments",
                                     verbose_name=_("consultation"))
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    text = models.TextField(_("comment"))
    author_name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    status = StateField(_("status"), max_length=12, choices=CommentStatus.choices, default=CommentStatus.UNCONFIRMED,
                        protected=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("moderated by"))
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    public_number = models.PositiveIntegerField(_("number shown in public"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("consultation comment")
        verbose_name_plural = _("consultation comments")
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["consultation", "status"], name="consultation_comment_status")]
        constraints = [
            models.CheckConstraint(condition=~Q(status=CommentStatus.REJECTED) | ~Q(rejection_reason=""),
                                   name="consultation_comment_rejected_has_reason"),
            models.CheckConstraint(condition=~Q(status=CommentStatus.PUBLISHED) | Q(public_number__isnull=False),
                                   name="consultation_comment_published_numbered"),
            models.UniqueConstraint(fields=["consultation", "public_number"], name="consultation_comment_number"),
        ]
        permissions = [("moderate_consultationcomment", _("Can publish or reject a consultation comment"))]

    def __str__(self) -> str:
        return _("Comment #%(id)s on “%(title)s”") % {"id": self.pk, "title": self.consultation.title}

    @property
    def public_label(self) -> str:
        return _("Contribution %(n)s") % {"n": self.public_number} if self.public_number else ""

    @transition(field=status, source=CommentStatus.UNCONFIRMED, target=CommentStatus.CONFIRMED)
    def confirm(self) -> None:
        self.confirmed_at = timezone.now()

    @transition(field=status, source=CommentStatus.CONFIRMED, target=CommentStatus.PUBLISHED,
                permission="disposition.moderate_consultationcomment")
    def publish(self) -> None:
        self.moderated_at = timezone.now()

    @transition(field=status, source=CommentStatus.CONFIRMED, target=CommentStatus.REJECTED,
                permission="disposition.moderate_consultationcomment")
    def reject(self) -> None:
        self.moderated_at = timezone.now()
