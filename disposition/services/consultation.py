"""Public consultation before a social-reuse or return decision is approved.

draft (prepared by a case officer: the decision, the comment period and the proposal's text, version
1) → open (published on /consultations/; anyone may comment between `opens_at` and `closes_at`) →
closed (after `closes_at`, by staff or by the periodic task `consultations_close_due`; every
confirmed comment is published or rejected) → responded (the agency's response to the points
raised, published); or withdrawn with a reason before the response.
The proposal may be revised until the response and the response afterwards: each revision is a new
version, and every version is kept and shown.

A comment is taken through the public form with the commenter's name and e-mail (private: never
shown in public); a signed link goes to that address after commit, and only a comment whose link
was opened (confirmed) reaches the moderation queue, where it is published under a neutral label
("Contribution 3") or rejected with a reason.

While a consultation is open or awaiting its response, its decision cannot be approved
(`consultation_approve_refusal`, called by services/decisions.py approve_refusal).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from common.exceptions import DomainError, TransitionRefused
from common.formats import format_moment
from common.transitions import check_expected_status, require_perm, transition_run
from common.urls import absolute_reverse

from ..events import reuse_event_write
from ..models import (
    CommentStatus,
    Consultation,
    ConsultationComment,
    ConsultationStatus,
    ConsultationVersion,
    DecisionKind,
    DecisionStatus,
    DispositionDecision,
    Position,
    VersionKind,
)
from ..models.consultation import BLOCKING_STATES

# The decisions the public is consulted on.
CONSULTED_KINDS = (DecisionKind.SOCIAL_REUSE, DecisionKind.FOREIGN_RETURN)
CONFIRM_SALT = "disposition.consultation-comment"
CONFIRM_MAX_AGE_SECONDS = 7 * 24 * 3600
# Nothing fancy: one address may leave this many comments on one consultation that still await its link.
MAX_UNCONFIRMED_PER_EMAIL = 3
MAX_COMMENT_LENGTH = 5000
S = ConsultationStatus


# --------------------------------------------------------------------------------------------
# The rule the decision's approval obeys
# --------------------------------------------------------------------------------------------


def consultation_approve_refusal(decision: DispositionDecision) -> str | None:
    """Why the decision cannot be approved yet: its consultation is open or awaits its response."""
    consultation = (Consultation.objects.filter(decision_id=decision.pk, status__in=BLOCKING_STATES)
                    .only("id", "status", "title").first())
    if consultation is None:
        return None
    if consultation.status == S.OPEN:
        return _("The public consultation “%(title)s” is open: the decision waits for it to close and for the "
                 "agency's response.") % {"title": consultation.title}
    return _("The public consultation “%(title)s” awaits the agency's response: publish it before approving the "
             "decision.") % {"title": consultation.title}


# --------------------------------------------------------------------------------------------
# Preparing, revising and running a consultation
# --------------------------------------------------------------------------------------------


def consultation_refusal(decision: DispositionDecision) -> str | None:
    """Why the public cannot be consulted on this decision."""
    if decision.kind not in CONSULTED_KINDS:
        return _("The public is consulted on social-reuse and return decisions, not on “%(kind)s”.") % {
            "kind": decision.get_kind_display()}
    if decision.status != DecisionStatus.PROPOSED:
        return _("Decision #%(id)s is “%(status)s”: the public is consulted before a decision is approved.") % {
            "id": decision.pk, "status": decision.get_status_display()}
    return None


def _check_period(opens_at: datetime | None, closes_at: datetime | None) -> None:
    if opens_at is None:
        raise DomainError(_("Say when comments open."), field="opens_at")
    if closes_at is None:
        raise DomainError(_("Say when comments close."), field="closes_at")
    if closes_at <= opens_at:
        raise DomainError(_("Comments must close after they open."), field="closes_at")


def _text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


def _version_add(consultation: Consultation, *, kind: str, text: str, actor, note: str = "") -> ConsultationVersion:
    last = consultation.versions.filter(kind=kind).aggregate(n=Max("number"))["n"] or 0
    return ConsultationVersion.objects.create(consultation=consultation, kind=kind, number=last + 1, text=text,
                                              note=(note or "").strip()[:255], written_by=actor)


@transaction.atomic
def consultation_create(*, actor, decision_id: int, title: str, opens_at: datetime, closes_at: datetime,
                        proposal_text: str) -> Consultation:
    """Prepare a consultation (a draft) on a proposed decision, with the proposal's text as version 1."""
    require_perm(actor, "disposition.add_consultation", _("Your role does not allow preparing consultations."))
    decision = DispositionDecision.objects.select_for_update().filter(pk=decision_id).first()
    if decision is None:
        raise DomainError(_("There is no such decision."), field="decision")
    if why := consultation_refusal(decision):
        raise DomainError(why, field="decision")
    title = _text(title, field="title", message=_("Give the consultation a title."))
    proposal_text = _text(proposal_text, field="proposal_text", message=_("Write the proposal put to the public."))
    _check_period(opens_at, closes_at)
    try:
        with transaction.atomic():
            consultation = Consultation.objects.create(decision=decision, title=title, opens_at=opens_at,
                                                       closes_at=closes_at, created_by=actor)
    except IntegrityError:
        raise DomainError(_("Decision #%(id)s already has a consultation: withdraw it before preparing another.")
                          % {"id": decision.pk}, field="decision") from None
    _version_add(consultation, kind=VersionKind.PROPOSAL, text=proposal_text, actor=actor)
    reuse_event_write(subject="consultation", obj=consultation, action="create", actor=actor,
                      note=_("On decision #%(id)s") % {"id": decision.pk})
    return consultation


def consultation_locked(consultation_id: int) -> Consultation:
    consultation = (Consultation.objects.select_for_update(of=("self",)).select_related("decision")
                    .filter(pk=consultation_id).first())
    if consultation is None:
        raise DomainError(_("There is no such consultation."))
    return consultation


@transaction.atomic
def consultation_update(*, actor, consultation_id: int, title: str, opens_at: datetime,
                        closes_at: datetime) -> Consultation:
    """Change a draft's title or comment period (a published consultation's period is not moved)."""
    require_perm(actor, "disposition.change_consultation", _("Your role does not allow changing consultations."))
    consultation = consultation_locked(consultation_id)
    if consultation.status != S.DRAFT:
        raise TransitionRefused(_("A published consultation's title and period are not changed: the public read "
                                  "them as they were."))
    consultation.title = _text(title, field="title", message=_("Give the consultation a title."))
    _check_period(opens_at, closes_at)
    consultation.opens_at, consultation.closes_at = opens_at, closes_at
    consultation.save(update_fields=["title", "opens_at", "closes_at"])
    reuse_event_write(subject="consultation", obj=consultation, action="update", actor=actor)
    return consultation


def revise_proposal_refusal(consultation: Consultation) -> str | None:
    if consultation.status not in (S.DRAFT, S.OPEN, S.CLOSED):
        return _("The proposal is revised until the agency responds; this consultation is “%(status)s”.") % {
            "status": consultation.get_status_display()}
    return None


@transaction.atomic
def consultation_revise_proposal(*, actor, consultation_id: int, text: str, note: str = "") -> ConsultationVersion:
    """A new version of the proposal's text (the earlier ones are kept and shown)."""
    require_perm(actor, "disposition.change_consultation", _("Your role does not allow changing consultations."))
    consultation = consultation_locked(consultation_id)
    if why := revise_proposal_refusal(consultation):
        raise TransitionRefused(why)
    text = _text(text, field="text", message=_("Write the proposal's new text."))
    version = _version_add(consultation, kind=VersionKind.PROPOSAL, text=text, actor=actor, note=note)
    reuse_event_write(subject="consultation", obj=consultation, action="revise_proposal", actor=actor,
                      note=_("Version %(n)s. %(note)s") % {"n": version.number, "note": note or ""})
    return version


@transaction.atomic
def consultation_open(*, actor, consultation_id: int, expected_status: str | None = None) -> Consultation:
    """Publish the consultation: it appears on /consultations/, and takes comments in its period."""
    require_perm(actor, "disposition.run_consultation", _("Your role does not allow publishing consultations."))
    consultation = consultation_locked(consultation_id)
    check_expected_status(consultation, expected_status)
    if consultation.status == S.DRAFT:
        if consultation.closes_at <= timezone.now():
            raise TransitionRefused(_("The comment period is over: set a later closing time before publishing."),
                                    field="closes_at")
        if why := consultation_refusal(consultation.decision):
            raise TransitionRefused(why)
    moved = transition_run(consultation, "open", actor=actor, label=_("publish"))
    reuse_event_write(subject="consultation", obj=consultation, action="open", moved=moved, actor=actor)
    return consultation


@transaction.atomic
def consultation_close(*, actor, consultation_id: int, expected_status: str | None = None) -> Consultation:
    """Close the consultation once its comment period is over."""
    require_perm(actor, "disposition.run_consultation", _("Your role does not allow closing consultations."))
    consultation = consultation_locked(consultation_id)
    check_expected_status(consultation, expected_status)
    if consultation.status == S.OPEN and consultation.closes_at > timezone.now():
        raise TransitionRefused(_("Comments are open until %(closes)s.") % {
            "closes": format_moment(consultation.closes_at)})
    moved = transition_run(consultation, "close", actor=actor, label=_("close"))
    reuse_event_write(subject="consultation", obj=consultation, action="close", moved=moved, actor=actor)
    return consultation


def consultations_close_due(*, now: datetime | None = None) -> list[int]:
    """Close every open consultation whose comment period is over (the periodic task's step, done by
    the system). Safe to run twice: a consultation closed meanwhile is left as it is. Returns the ids of
    the consultations it closed."""
    now = now or timezone.now()
    due = list(Consultation.objects.filter(status=S.OPEN, closes_at__lte=now).order_by("closes_at", "pk")
               .values_list("pk", flat=True))
    return [pk for pk in due if consultation_close_due(consultation_id=pk, now=now) is not None]


@transaction.atomic
def consultation_close_due(*, consultation_id: int, now: datetime | None = None) -> Consultation | None:
    """Close one open consultation at the end of its comment period, as the system (no actor), with the
    reason in its audit row. None if it is no longer open or its period is not over."""
    now = now or timezone.now()
    consultation = consultation_locked(consultation_id)
    if consultation.status != S.OPEN or consultation.closes_at > now:
        return None
    moved = transition_run(consultation, "close", label=_("close"))
    reuse_event_write(subject="consultation", obj=consultation, action="close", moved=moved,
                      note=_("Closed by the system: the comment period ended on %(closes)s.") % {
                          "closes": format_moment(consultation.closes_at)})
    return consultation


def respond_refusal(consultation: Consultation) -> str | None:
    """Why the response cannot be published yet: comments confirmed and not yet moderated."""
    if consultation.status != S.CLOSED:
        return None
    waiting = consultation.comments.filter(status=CommentStatus.CONFIRMED).count()
    if waiting:
        return _("%(n)s confirmed comment(s) await moderation: publish or reject them before responding.") % {
            "n": waiting}
    return None


@transaction.atomic
def consultation_respond(*, actor, consultation_id: int, text: str,
                         expected_status: str | None = None) -> Consultation:
    """Publish the agency's response to the points raised (version 1 of the response)."""
    require_perm(actor, "disposition.run_consultation", _("Your role does not allow responding to consultations."))
    consultation = consultation_locked(consultation_id)
    check_expected_status(consultation, expected_status)
    text = _text(text, field="text", message=_("Write the agency's response to the points raised."))
    if why := respond_refusal(consultation):
        raise TransitionRefused(why)
    moved = transition_run(consultation, "respond", actor=actor, label=_("respond"))
    _version_add(consultation, kind=VersionKind.RESPONSE, text=text, actor=actor)
    reuse_event_write(subject="consultation", obj=consultation, action="respond", moved=moved, actor=actor)
    return consultation


@transaction.atomic
def consultation_revise_response(*, actor, consultation_id: int, text: str, note: str = "") -> ConsultationVersion:
    """A new version of the published response (the earlier ones are kept and shown)."""
    require_perm(actor, "disposition.run_consultation", _("Your role does not allow responding to consultations."))
    consultation = consultation_locked(consultation_id)
    if consultation.status != S.RESPONDED:
        raise TransitionRefused(_("There is no published response to revise."))
    text = _text(text, field="text", message=_("Write the response's new text."))
    version = _version_add(consultation, kind=VersionKind.RESPONSE, text=text, actor=actor, note=note)
    reuse_event_write(subject="consultation", obj=consultation, action="revise_response", actor=actor,
                      note=_("Version %(n)s. %(note)s") % {"n": version.number, "note": note or ""})
    return version


@transaction.atomic
def consultation_withdraw(*, actor, consultation_id: int, reason: str,
                          expected_status: str | None = None) -> Consultation:
    require_perm(actor, "disposition.run_consultation", _("Your role does not allow withdrawing consultations."))
    reason = _text(reason, field="reason", message=_("Say why the consultation is withdrawn."))
    consultation = consultation_locked(consultation_id)
    check_expected_status(consultation, expected_status)
    consultation.withdrawal_reason = reason
    moved = transition_run(consultation, "withdraw", actor=actor, label=_("withdraw"))
    reuse_event_write(subject="consultation", obj=consultation, action="withdraw", moved=moved, actor=actor,
                      note=reason)
    return consultation


# --------------------------------------------------------------------------------------------
# Comments from the public
# --------------------------------------------------------------------------------------------


def comment_confirm_token(comment: ConsultationComment) -> str:
    """A signed, expiring token naming the comment and the address the link was sent to."""
    return signing.dumps({"c": comment.pk, "e": comment.email}, salt=CONFIRM_SALT, compress=True)


def _send_confirmation(comment_id: int) -> None:
    comment = ConsultationComment.objects.select_related("consultation").filter(pk=comment_id).first()
    if comment is None or comment.status != CommentStatus.UNCONFIRMED:
        return
    url = absolute_reverse("disposition:consultation_confirm", comment_confirm_token(comment))
    with override(settings.LANGUAGE_CODE):
        send_mail(
            _("Confirm your comment on “%(title)s”") % {"title": comment.consultation.title},
            _("Thank you for taking part in the public consultation “%(title)s” of %(agency)s.\n\nConfirm your "
              "comment by opening this link within seven days:\n\n%(url)s\n\nOnce confirmed, it is read by the "
              "agency and published without your name or e-mail address. If you did not write it, ignore this "
              "message.") % {"title": comment.consultation.title, "agency": settings.AGENCY_NAME, "url": url},
            settings.DEFAULT_FROM_EMAIL, [comment.email], fail_silently=False,
        )


@transaction.atomic
def comment_submit(*, consultation_id: int, position: str, text: str, author_name: str,
                   email: str) -> ConsultationComment:
    """A member of the public comments on an open consultation, in its period. The comment waits for its
    author to open the link sent to their address (after commit)."""
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None or consultation.status == S.DRAFT:
        raise DomainError(_("There is no such consultation."))
    now = timezone.now()
    if consultation.status != S.OPEN or now >= consultation.closes_at:
        raise TransitionRefused(_("This consultation no longer takes comments."))
    if now < consultation.opens_at:
        raise TransitionRefused(_("Comments open on %(opens)s.") % {"opens": format_moment(consultation.opens_at)})
    if position not in Position.values:
        raise DomainError(_("Say whether you support the proposal, oppose it or raise a concern."), field="position")
    text = _text(text, field="text", message=_("Write your comment."))
    if len(text) > MAX_COMMENT_LENGTH:
        raise DomainError(_("Keep your comment under %(n)s characters.") % {"n": MAX_COMMENT_LENGTH}, field="text")
    author_name = _text(author_name, field="author_name", message=_("Give your name (it is never published)."))[:120]
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Enter a valid e-mail address."), field="email") from None
    waiting = ConsultationComment.objects.filter(consultation=consultation, email__iexact=email,
                                                 status=CommentStatus.UNCONFIRMED).count()
    if waiting >= MAX_UNCONFIRMED_PER_EMAIL:
        raise DomainError(_("Comments from this address await confirmation: open the links we sent first."),
                          field="email")
    comment = ConsultationComment.objects.create(consultation=consultation, position=position, text=text,
                                                 author_name=author_name, email=email)
    reuse_event_write(subject="comment", obj=comment, action="submit")
    comment_id = comment.pk
    transaction.on_commit(lambda: _send_confirmation(comment_id))
    return comment


@transaction.atomic
def comment_confirm(*, token: str) -> ConsultationComment:
    """The link from the confirmation e-mail: the comment reaches the moderation queue. Opening it twice
    does nothing more; a bad, expired or outdated link is refused (TransitionRefused)."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise TransitionRefused(_("This link has expired: comments are confirmed within seven days.")) from None
    except signing.BadSignature:
        raise TransitionRefused(_("This link is not valid.")) from None
    comment = (ConsultationComment.objects.select_for_update(of=("self",)).select_related("consultation")
               .filter(pk=data.get("c")).first() if isinstance(data, dict) else None)
    if comment is None or comment.email != data.get("e"):
        raise TransitionRefused(_("This link is not valid."))
    if comment.status != CommentStatus.UNCONFIRMED:
        return comment
    if comment.consultation.status not in (S.OPEN, S.CLOSED):
        raise TransitionRefused(_("This consultation is “%(status)s”: it takes no more comments.") % {
            "status": comment.consultation.get_status_display()})
    moved = transition_run(comment, "confirm", label=_("confirm"))
    reuse_event_write(subject="comment", obj=comment, action="confirm", moved=moved)
    return comment


def _comment_locked(comment_id: int) -> ConsultationComment:
    comment = ConsultationComment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise DomainError(_("There is no such comment."))
    return comment


def moderate_refusal(comment: ConsultationComment) -> str | None:
    """Why the comment cannot be published or rejected now."""
    if comment.status == CommentStatus.UNCONFIRMED:
        return _("Its author has not confirmed it by e-mail yet: only confirmed comments are moderated.")
    if comment.status != CommentStatus.CONFIRMED:
        return _("This comment is already “%(status)s”.") % {"status": comment.get_status_display()}
    if comment.consultation.status not in (S.OPEN, S.CLOSED):
        return _("The consultation is “%(status)s”: its comments are no longer moderated.") % {
            "status": comment.consultation.get_status_display()}
    return None


@transaction.atomic
def comment_publish(*, actor, comment_id: int, expected_status: str | None = None) -> ConsultationComment:
    """Publish a confirmed comment on the consultation's page, under the next neutral label."""
    require_perm(actor, "disposition.moderate_consultationcomment", _("Your role does not allow moderating comments."))
    comment = _comment_locked(comment_id)
    check_expected_status(comment, expected_status)
    consultation = consultation_locked(comment.consultation_id)  # one number at a time per consultation
    comment.consultation = consultation
    if why := moderate_refusal(comment):
        raise TransitionRefused(why)
    last = consultation.comments.aggregate(n=Max("public_number"))["n"] or 0
    comment.public_number, comment.moderated_by = last + 1, actor
    moved = transition_run(comment, "publish", actor=actor, label=_("publish"))
    reuse_event_write(subject="comment", obj=comment, action="publish", moved=moved, actor=actor)
    return comment


@transaction.atomic
def comment_reject(*, actor, comment_id: int, reason: str, expected_status: str | None = None) -> ConsultationComment:
    """Keep a confirmed comment off the public page, with the reason (abusive, off topic, personal data...)."""
    require_perm(actor, "disposition.moderate_consultationcomment", _("Your role does not allow moderating comments."))
    reason = _text(reason, field="reason", message=_("Say why the comment is not published."))
    comment = _comment_locked(comment_id)
    check_expected_status(comment, expected_status)
    if why := moderate_refusal(comment):
        raise TransitionRefused(why)
    comment.rejection_reason, comment.moderated_by = reason, actor
    moved = transition_run(comment, "reject", actor=actor, label=_("reject"))
    reuse_event_write(subject="comment", obj=comment, action="reject", moved=moved, actor=actor, note=reason)
    return comment
