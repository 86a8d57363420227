"""Claims of third parties and victims, and the public notices that invite them.

A case officer drafts a public notice for a case (its assets, how and until when to claim) and
publishes it; anyone may read it at /notices/. A member of the public with an account whose e-mail
address is verified files a claim against it with their documents (each opened by the parser of its
format), or staff record a paper claim. A case officer reviews it, may ask for more information (a
deficiency notice with a deadline: the claimant answers on the site and the claim is back under
review; unanswered by then, staff resume the review), and recommends; an approver who did not
recommend decides (granted, partly granted with an amount, or denied, with reasons; the database
refuses a claim decided by its recommender too). Within RECONSIDERATION_DAYS of the decision, the
claimant (or staff, for a request on paper) may ask for reconsideration: the claim is back under
review. Finance pays a granted claim: a ledger transfer from the confiscated-proceeds fund to the
claimant's bank (source `claim:<id>`).

Priority (`claim_priority_refusal`): no disposition decision over an asset, or over the proceeds of
an asset, is approved while a claim on it is undecided or granted and unpaid; a decision over the
fund's money leaves what such claims ask for (or were granted) in the fund; an allocation of a
decision's money, and its payment, leave what such claims need of it (`decision_claims_hold`,
checked by services/allocations.py under the fund's lock). Granted claims are paid in order
(`claim_payment_order_refusal`): bona fide owners, then victims (and civil parties), then creditors
and foreign states, among the claims on the same assets.

Every step writes a DispositionEvent (subject "claim"): who, when, from, to, why.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from common.accounts import sign_up_email_taken
from common.currencies import validate_currency
from common.exceptions import DomainError, NotPermitted, TransitionRefused
from common.transitions import check_expected_status, require_perm, save_or_conflict, transition_run
from common.urls import absolute_reverse
from custody.models import Asset, Case
from custody.validators import validate_document
from ledger.models import AccountPurpose
from ledger.services import Line, account_for, ledger_post

from ..events import reuse_event_write
from ..models import (
    GRANTING_OUTCOMES,
    PAYMENT_RANK,
    UNDECIDED_STATES,
    Claim,
    ClaimantAccount,
    ClaimantType,
    ClaimChannel,
    ClaimDocument,
    ClaimOutcome,
    ClaimStatus,
    ClaimSubject,
    DecisionStatus,
    DeficiencyNotice,
    DispositionDecision,
    NoticeStatus,
    PublicNotice,
)
from .decisions import _fund_lock, parse_amount, proceeds_available

RECONSIDERATION_DAYS = 30
DEFICIENCY_DEFAULT_DAYS = 30
MAX_DOCUMENTS = 10
VERIFY_SALT = "disposition.claimant-email-verification"
VERIFY_MAX_AGE_SECONDS = 3 * 24 * 3600
ZERO = Decimal("0.00")


def _event(claim: Claim, action: str, *, actor=None, moved=None, note: str = "") -> None:
    reuse_event_write(subject="claim", obj=claim, action=action, moved=moved, actor=actor, note=note)


def _text(value, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


# --------------------------------------------------------------------------------------------
# Public notices
# --------------------------------------------------------------------------------------------


def _notice_assets(case: Case, asset_ids: Iterable[int]) -> list[Asset]:
    ids = {int(pk) for pk in asset_ids}
    if not ids:
        raise DomainError(_("Choose the assets the notice is about."), field="assets")
    assets = list(Asset.objects.filter(pk__in=ids, case=case))
    if len(assets) != len(ids):
        raise DomainError(_("A notice names only assets of its own case (%(case)s).") % {"case": case.reference},
                          field="assets")
    return assets


def _notice_fields(*, title: str, summary: str, how_to_claim: str, claims_until: datetime.datetime) -> dict:
    fields = {
        "title": _text(title, field="title", message=_("Give the notice a title.")),
        "summary": _text(summary, field="summary", message=_("Say what the notice is about.")),
        "how_to_claim": _text(how_to_claim, field="how_to_claim", message=_("Say how to claim.")),
    }
    if claims_until is None:
        raise DomainError(_("Say until when claims are accepted."), field="claims_until")
    fields["claims_until"] = claims_until
    return fields


@transaction.atomic
def notice_create(*, actor, case_id: int, title: str, summary: str, how_to_claim: str, asset_ids: Iterable[int],
                  claims_until: datetime.datetime) -> PublicNotice:
    """Draft a case's public notice (published by `notice_publish`)."""
    require_perm(actor, "disposition.add_publicnotice", _("Your role does not allow drafting public notices."))
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise DomainError(_("There is no such case."), field="case")
    fields = _notice_fields(title=title, summary=summary, how_to_claim=how_to_claim, claims_until=claims_until)
    if claims_until <= timezone.now():
        raise DomainError(_("The deadline for claims must be in the future."), field="claims_until")
    assets = _notice_assets(case, asset_ids)
    notice = PublicNotice.objects.create(case=case, created_by=actor, **fields)
    notice.assets.set(assets)
    reuse_event_write(subject="notice", obj=notice, action="draft", actor=actor)
    return notice


def _notice_locked(notice_id: int) -> PublicNotice:
    notice = PublicNotice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None:
        raise DomainError(_("There is no such notice."))
    return notice


@transaction.atomic
def notice_update(*, actor, notice_id: int, title: str, summary: str, how_to_claim: str,
                  asset_ids: Iterable[int], claims_until: datetime.datetime) -> PublicNotice:
    """Correct a notice while it is a draft or published (a deadline may be extended, never shortened
    once published: people may be relying on it)."""
    require_perm(actor, "disposition.change_publicnotice", _("Your role does not allow changing public notices."))
    notice = _notice_locked(notice_id)
    if notice.status == NoticeStatus.CLOSED:
        raise TransitionRefused(_("A closed notice is not changed."))
    fields = _notice_fields(title=title, summary=summary, how_to_claim=how_to_claim, claims_until=claims_until)
    if notice.status == NoticeStatus.PUBLISHED and claims_until < notice.claims_until:
        raise DomainError(_("A published deadline may be extended, never shortened."), field="claims_until")
    assets = _notice_assets(notice.case, asset_ids)
    for name, value in fields.items():
        setattr(notice, name, value)
    save_or_conflict(notice)
    notice.assets.set(assets)
    reuse_event_write(subject="notice", obj=notice, action="edit", actor=actor)
    return notice


@transaction.atomic
def notice_publish(*, actor, notice_id: int, expected_status: str | None = None) -> PublicNotice:
    require_perm(actor, "disposition.publish_publicnotice", _("Your role does not allow publishing notices."))
    notice = _notice_locked(notice_id)
    check_expected_status(notice, expected_status)
    if notice.status == NoticeStatus.DRAFT and notice.claims_until <= timezone.now():
        raise TransitionRefused(_("The deadline for claims has passed: set a later one before publishing."))
    moved = transition_run(notice, "publish", actor=actor, label=_("publish"))
    reuse_event_write(subject="notice", obj=notice, action="publish", moved=moved, actor=actor)
    return notice


@transaction.atomic
def notice_close(*, actor, notice_id: int, reason: str = "", expected_status: str | None = None) -> PublicNotice:
    """Close a published notice: it stays on the site, marked closed, and takes no more claims."""
    require_perm(actor, "disposition.publish_publicnotice", _("Your role does not allow closing notices."))
    notice = _notice_locked(notice_id)
    check_expected_status(notice, expected_status)
    moved = transition_run(notice, "close", actor=actor, label=_("close"))
    reuse_event_write(subject="notice", obj=notice, action="close", moved=moved, actor=actor, note=reason)
    return notice


# --------------------------------------------------------------------------------------------
# Claimants' accounts: sign-up with a verified e-mail address
# --------------------------------------------------------------------------------------------


def claimant_verified(user) -> bool:
    """Whether `user` may file: a claimant account with a verified e-mail address, or a bidder's
    profile whose address the auction site verified."""
    if user is None or not user.is_authenticated or user.is_staff:
        return False
    account = ClaimantAccount.objects.filter(user=user).first()
    if account is not None and account.email_verified:
        return True
    from auctions.models import BidderProfile

    return BidderProfile.objects.filter(user=user, email_verified_at__isnull=False).exists()


def claimant_account_for(user) -> ClaimantAccount:
    """The user's claimant account (made for a verified bidder on first use)."""
    account, _created = ClaimantAccount.objects.get_or_create(user=user)
    if not account.email_verified and claimant_verified(user):
        account.email_verified_at = timezone.now()
        account.save(update_fields=["email_verified_at"])
    return account


def _send_verification(*, user_id: int) -> None:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)
    url = absolute_reverse("disposition:claimant_verify", token)
    with override(settings.LANGUAGE_CODE):
        send_mail(
            _("Confirm your e-mail address"),
            _("You opened an account to file claims with %(agency)s.\n\nConfirm your e-mail address by opening "
              "this link within three days:\n\n%(url)s\n\nIf you did not sign up, ignore this message.")
            % {"agency": settings.AGENCY_NAME, "url": url},
            settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)


def claimant_verification_send(*, user) -> None:
    """(Re)send the verification link once the transaction commits."""
    user_id = user.pk
    transaction.on_commit(lambda: _send_verification(user_id=user_id))


@transaction.atomic
def claimant_sign_up(*, username: str, email: str, password: str):
    """Open a claimant's account: a site user, not staff, whose address we ask them to confirm.

    An address that already has an account gets no second one, and the answer does not tell (see
    common.accounts): nothing is made, the address's owner is told by e-mail, and None is returned,
    which the caller answers exactly as a sign-up ("check your e-mail")."""
    User = get_user_model()
    email = User.objects.normalize_email((email or "").strip())
    if sign_up_email_taken(email=email, password=password, purpose=gettext_lazy("to file claims with %(agency)s"),
                           login_url=absolute_reverse("auctions:login"),
                           reset_url=absolute_reverse("auctions:password_reset")):
        return None
    user = User(username=(username or "").strip(), email=email, is_staff=False, is_superuser=False)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    ClaimantAccount.objects.create(user=user)
    claimant_verification_send(user=user)
    return user


@transaction.atomic
def claimant_email_confirm(*, token: str):
    """Follow the link: the account's address is verified. Refuses a bad, expired or outdated link."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise TransitionRefused(_("This link has expired. Sign in and ask for a new one.")) from None
    except signing.BadSignature:
        raise TransitionRefused(_("This link is not valid.")) from None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None or user.email != data.get("e"):
        raise TransitionRefused(_("This link is not valid."))
    account, _created = ClaimantAccount.objects.select_for_update().get_or_create(user=user)
    if account.email_verified_at is None:
        account.email_verified_at = timezone.now()
        account.save(update_fields=["email_verified_at"])
    return user


# --------------------------------------------------------------------------------------------
# Filing
# --------------------------------------------------------------------------------------------


def documents_check(uploads: Iterable) -> list:
    """Each upload opened by its format's parser (custody.validators.validate_document); a
    ValidationError on the field `documents` names the file refused."""
    uploads = [u for u in uploads or [] if u]
    if len(uploads) > MAX_DOCUMENTS:
        raise ValidationError({"documents": _("Send at most %(n)s documents.") % {"n": MAX_DOCUMENTS}})
    for upload in uploads:
        try:
            validate_document(upload)
        except ValidationError as exc:
            raise ValidationError({"documents": _("%(name)s: %(error)s") % {
                "name": getattr(upload, "name", "?"), "error": " ".join(exc.messages)}}) from None
        upload.seek(0)
    return uploads


def _documents_save(claim: Claim, uploads: list, *, deficiency: DeficiencyNotice | None = None) -> None:
    for upload in uploads:
        name = (getattr(upload, "name", "") or "document")[-255:]
        ClaimDocument.objects.create(claim=claim, deficiency=deficiency, file=upload, name=name)


def _claim_fields(*, claimant_type: str, claimant_name: str, subject: str, basis: str, amount, currency: str,
                  case: Case, asset_ids: Iterable[int], allowed_assets=None) -> tuple[dict, list[Asset]]:
    if claimant_type not in ClaimantType.values:
        raise DomainError(_("Say who claims: a victim, a bona fide owner, a creditor, a civil party or a foreign "
                            "state."), field="claimant_type")
    if subject not in ClaimSubject.values:
        raise DomainError(_("Say whether the assets or their proceeds are claimed."), field="subject")
    fields = {
        "claimant_type": claimant_type, "subject": subject,
        "claimant_name": _text(claimant_name, field="claimant_name", message=_("Give the claimant's name.")),
        "basis": _text(basis, field="basis", message=_("Say on what the claim rests.")),
        "amount_claimed": parse_amount(amount, field="amount"),
    }
    try:
        validate_currency(currency)
    except Exception:
        raise DomainError(_("Choose the currency of the amount."), field="currency") from None
    fields["currency"] = currency
    ids = {int(pk) for pk in asset_ids or []}
    if not ids:
        raise DomainError(_("Choose the assets claimed (or whose proceeds are claimed)."), field="assets")
    qs = allowed_assets if allowed_assets is not None else Asset.objects.filter(case=case)
    assets = list(qs.filter(pk__in=ids))
    if len(assets) != len(ids):
        raise DomainError(_("Choose among the assets of the notice or case."), field="assets")
    return fields, assets


@transaction.atomic
def claim_file(*, user, notice_id: int, claimant_type: str, claimant_name: str, claimant_address: str = "",
               subject: str, asset_ids: Iterable[int], basis: str, amount, currency: str,
               documents: Iterable = ()) -> Claim:
    """A member of the public files a claim in answer to a published notice, before its deadline,
    from an account with a verified e-mail address, with their supporting documents."""
    if not claimant_verified(user):
        raise NotPermitted(_("Confirm your e-mail address (the link we sent you) before filing a claim."))
    notice = PublicNotice.objects.filter(pk=notice_id).select_related("case").first()
    if notice is None or notice.status == NoticeStatus.DRAFT:
        raise DomainError(_("There is no such notice."))
    if not notice.open_for_claims:
        raise TransitionRefused(_("This notice no longer takes claims (the deadline was %(date)s).")
                                % {"date": timezone.localtime(notice.claims_until).strftime("%Y-%m-%d %H:%M")})
    uploads = documents_check(documents)
    fields, assets = _claim_fields(claimant_type=claimant_type, claimant_name=claimant_name, subject=subject,
                                   basis=basis, amount=amount, currency=currency, case=notice.case,
                                   asset_ids=asset_ids, allowed_assets=notice.assets.all())
    account = claimant_account_for(user)
    claim = Claim.objects.create(case=notice.case, notice=notice, channel=ClaimChannel.ONLINE, account=account,
                                 claimant_email=user.email, claimant_address=(claimant_address or "").strip(),
                                 **fields)
    claim.assets.set(assets)
    _documents_save(claim, uploads)
    _event(claim, "file", actor=user, note=_("Filed online with %(n)s document(s).") % {"n": len(uploads)})
    _notify(claim, _("Your claim %(number)s was received") % {"number": claim.number},
            _("We received your claim %(number)s. We will review it and write to you."))
    return claim


@transaction.atomic
def claim_record_paper(*, actor, case_id: int, claimant_type: str, claimant_name: str, subject: str,
                       asset_ids: Iterable[int], basis: str, amount, currency: str, claimant_email: str = "",
                       claimant_address: str = "", notice_id: int | None = None,
                       filed_at: datetime.datetime | None = None, documents: Iterable = ()) -> Claim:
    """Staff record a claim received on paper (its date of receipt, the scans of its documents)."""
    require_perm(actor, "disposition.add_claim", _("Your role does not allow recording claims."))
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise DomainError(_("There is no such case."), field="case")
    notice = None
    if notice_id is not None:
        notice = PublicNotice.objects.filter(pk=notice_id, case=case).first()
        if notice is None:
            raise DomainError(_("That notice is not about this case."), field="notice")
    if filed_at is not None and filed_at > timezone.now():
        raise DomainError(_("A claim cannot be received in the future."), field="filed_at")
    uploads = documents_check(documents)
    fields, assets = _claim_fields(claimant_type=claimant_type, claimant_name=claimant_name, subject=subject,
                                   basis=basis, amount=amount, currency=currency, case=case, asset_ids=asset_ids)
    claim = Claim.objects.create(case=case, notice=notice, channel=ClaimChannel.PAPER, recorded_by=actor,
                                 claimant_email=(claimant_email or "").strip(),
                                 claimant_address=(claimant_address or "").strip(),
                                 filed_at=filed_at or timezone.now(), **fields)
    claim.assets.set(assets)
    _documents_save(claim, uploads)
    _event(claim, "file", actor=actor, note=_("Paper claim recorded with %(n)s document(s).") % {"n": len(uploads)})
    return claim


# --------------------------------------------------------------------------------------------
# Review, deficiency notices, recommendation, decision, reconsideration
# --------------------------------------------------------------------------------------------


def _recipient(claim: Claim) -> str:
    if claim.account_id:
        return claim.account.user.email or claim.claimant_email
    return claim.claimant_email


def _notify(claim: Claim, subject: str, body: str) -> None:
    """An e-mail to the claimant, once the step is committed (never if it rolls back)."""
    to = _recipient(claim)
    if not to:
        return
    url = absolute_reverse("disposition:my_claim", claim.pk) if claim.account_id else ""
    text = body + (("\n\n" + url) if url else "")

    def send() -> None:
        with override(settings.LANGUAGE_CODE):
            send_mail(str(subject), str(text), settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)

    transaction.on_commit(send)


def claim_locked(claim_id: int) -> Claim:
    claim = (Claim.objects.select_for_update(of=("self",)).select_related("account__user", "case")
             .filter(pk=claim_id).first())
    if claim is None:
        raise DomainError(_("There is no such claim."))
    return claim


@transaction.atomic
def claim_start_review(*, actor, claim_id: int, note: str = "", expected_status: str | None = None) -> Claim:
    require_perm(actor, "disposition.review_claim", _("Your role does not allow reviewing claims."))
    claim = claim_locked(claim_id)
    check_expected_status(claim, expected_status)
    moved = transition_run(claim, "start_review", actor=actor, label=_("start the review"))
    _event(claim, "review", actor=actor, moved=moved, note=note)
    return claim


def open_deficiency(claim: Claim) -> DeficiencyNotice | None:
    return claim.deficiencies.filter(answered_at__isnull=True, lapsed_at__isnull=True).order_by("-sent_at").first()


@transaction.atomic
def claim_request_information(*, actor, claim_id: int, request: str, answer_by: datetime.datetime,
                              expected_status: str | None = None) -> DeficiencyNotice:
    """A deficiency notice: what is missing and by when to send it. The claimant is told by e-mail."""
    require_perm(actor, "disposition.review_claim", _("Your role does not allow reviewing claims."))
    request = _text(request, field="request", message=_("Say what is missing."))
    if answer_by is None or answer_by <= timezone.now():
        raise DomainError(_("The deadline to answer must be in the future."), field="answer_by")
    claim = claim_locked(claim_id)
    check_expected_status(claim, expected_status)
    moved = transition_run(claim, "request_information", actor=actor, label=_("ask for more information"))
    deficiency = DeficiencyNotice.objects.create(claim=claim, request=request, answer_by=answer_by, sent_by=actor)
    _event(claim, "request_information", actor=actor, moved=moved,
           note=_("%(request)s (answer by %(date)s)") % {
               "request": request, "date": timezone.localtime(answer_by).strftime("%Y-%m-%d %H:%M")})
    _notify(claim, _("Your claim %(number)s: more information needed") % {"number": claim.number},
            _("To review your claim %(number)s we need the following, by %(date)s:\n\n%(request)s\n\n"
              "Answer from your claim's page.") % {
                "number": claim.number, "request": request,
                "date": timezone.localtime(answer_by).strftime("%Y-%m-%d %H:%M")})
    return deficiency


@transaction.atomic
def claim_answer(*, user, claim_id: int, answer: str, documents: Iterable = ()) -> Claim:
    """The claimant answers the open deficiency notice of their own claim, before its deadline: the
    claim is back under review."""
    claim = claim_locked(claim_id)
    if claim.account_id is None or claim.account.user_id != getattr(user, "pk", None):
        raise NotPermitted(_("This is not your claim."))
    deficiency = open_deficiency(claim)
    if claim.status != ClaimStatus.INFO_REQUESTED or deficiency is None:
        raise TransitionRefused(_("No information is asked of you on this claim now."))
    if timezone.now() > deficiency.answer_by:
        raise TransitionRefused(_("The deadline to answer was %(date)s: it has passed. Write to us if you still "
                                  "wish to send something.") % {
            "date": timezone.localtime(deficiency.answer_by).strftime("%Y-%m-%d %H:%M")})
    answer = _text(answer, field="answer", message=_("Write your answer."))
    uploads = documents_check(documents)
    deficiency.answer, deficiency.answered_at = answer, timezone.now()
    deficiency.save(update_fields=["answer", "answered_at"])
    _documents_save(claim, uploads, deficiency=deficiency)
    moved = transition_run(claim, "resume_review", label=_("answer"))
    _event(claim, "answer", actor=user, moved=moved,
           note=_("Answered with %(n)s document(s).") % {"n": len(uploads)})
    return claim


@transaction.atomic
def claim_resume_review(*, actor, claim_id: int, note: str = "", expected_status: str | None = None) -> Claim:
    """Staff take the review up again once the deadline passed unanswered (the notice lapses)."""
    require_perm(actor, "disposition.review_claim", _("Your role does not allow reviewing claims."))
    claim = claim_locked(claim_id)
    check_expected_status(claim, expected_status)
    deficiency = open_deficiency(claim)
    if deficiency is not None and timezone.now() <= deficiency.answer_by:
        raise TransitionRefused(_("The claimant has until %(date)s to answer: the review resumes with their answer "
                                  "or after that.") % {
            "date": timezone.localtime(deficiency.answer_by).strftime("%Y-%m-%d %H:%M")})
    if deficiency is not None:
        deficiency.lapsed_at = timezone.now()
        deficiency.save(update_fields=["lapsed_at"])
    moved = transition_run(claim, "resume_review", actor=actor, label=_("resume the review"))
    _event(claim, "resume_review", actor=actor, moved=moved,
           note=note or _("The deadline passed without an answer."))
    return claim


def _outcome_amount(claim: Claim, outcome: str, amount) -> Decimal | None:
    if outcome not in ClaimOutcome.values:
        raise DomainError(_("Choose the outcome."), field="outcome")
    if outcome == ClaimOutcome.DENIED:
        return None
    if outcome == ClaimOutcome.GRANTED:
        return claim.amount_claimed if amount in (None, "") else parse_amount(amount)
    granted = parse_amount(amount)
    if granted >= claim.amount_claimed:
        raise DomainError(_("A claim partly granted is granted less than the %(amount)s %(cur)s claimed.")
                          % {"amount": claim.amount_claimed, "cur": claim.currency}, field="amount")
    return granted


@transaction.atomic
def claim_recommend(*, actor, claim_id: int, outcome: str, recommendation: str, amount=None,
                    expected_status: str | None = None) -> Claim:
    require_perm(actor, "disposition.review_claim", _("Your role does not allow reviewing claims."))
    recommendation = _text(recommendation, field="recommendation", message=_("Give the reasons of the "
                                                                             "recommendation."))
    claim = claim_locked(claim_id)
    check_expected_status(claim, expected_status)
    claim.recommended_amount = _outcome_amount(claim, outcome, amount)
    claim.recommended_outcome, claim.recommendation, claim.recommended_by = outcome, recommendation, actor
    moved = transition_run(claim, "recommend", actor=actor, label=_("recommend"))
    _event(claim, "recommend", actor=actor, moved=moved,
           note=f"{ClaimOutcome(outcome).label}: {recommendation}")
    return claim


def decide_refusal(user, claim: Claim) -> str | None:
    """Why `user` may not decide this claim (four eyes), or None."""
    if user is not None and claim.recommended_by_id == user.pk:
        return _("You recommended this claim: another approver decides it (four eyes).")
    return None


@transaction.atomic
def claim_decide(*, actor, claim_id: int, outcome: str, reasons: str, amount=None,
                 expected_status: str | None = None) -> Claim:
    """Decide a recommended claim (never by the recommender): granted (the amount claimed, or the
    amount given), partly granted (less than claimed) or denied, with reasons. The claimant is told,
    and may ask for reconsideration within RECONSIDERATION_DAYS."""
    require_perm(actor, "disposition.decide_claim", _("Your role does not allow deciding claims."))
    reasons = _text(reasons, field="reasons", message=_("Give the reasons of the decision."))
    claim = claim_locked(claim_id)
    check_expected_status(claim, expected_status)
    if claim.status == ClaimStatus.RECOMMENDED and (why := decide_refusal(actor, claim)):
        raise NotPermitted(why)
    claim.amount_granted = _outcome_amount(claim, outcome, amount)
    claim.outcome, claim.reasons, claim.decided_by = outcome, reasons, actor
    moved = transition_run(claim, "decide", actor=actor, label=_("decide"))
    claim.reconsider_until = claim.decided_at + datetime.timedelta(days=RECONSIDERATION_DAYS)
    claim.save(update_fields=["reconsider_until"])
    granted = f" ({claim.amount_granted} {claim.currency})" if claim.amount_granted else ""
    _event(claim, "decide", actor=actor, moved=moved, note=f"{ClaimOutcome(outcome).label}{granted}: {reasons}")
    _notify(claim, _("Your claim %(number)s is decided") % {"number": claim.number},
            _("Your claim %(number)s is decided: %(outcome)s%(granted)s.\n\n%(reasons)s\n\nYou may ask us to "
              "reconsider it until %(date)s.") % {
                "number": claim.number, "outcome": ClaimOutcome(outcome).label.lower(), "granted": granted,
                "reasons": reasons, "date": timezone.localtime(claim.reconsider_until).strftime("%Y-%m-%d")})
    return claim


def reconsider_refusal(claim: Claim) -> str | None:
    if claim.status != ClaimStatus.DECIDED:
        return _("Only a decided claim, not yet paid, may be reconsidered.")
    if not claim.reconsideration_open:
        return _("Reconsideration could be asked until %(date)s: that time has passed.") % {
            "date": timezone.localtime(claim.reconsider_until).strftime("%Y-%m-%d %H:%M")
            if claim.reconsider_until else "—"}
    return None


@transaction.atomic
def claim_reconsider(*, claim_id: int, grounds: str, user=None, actor=None,
                     expected_status: str | None = None) -> Claim:
    """Ask for reconsideration of a decided claim within its window: by the claimant (`user`, their
    own claim) or by staff recording a request received on paper (`actor`). Back under review."""
    if actor is not None:
        require_perm(actor, "disposition.review_claim", _("Your role does not allow reviewing claims."))
    grounds = _text(grounds, field="grounds", message=_("Say why the decision should be reconsidered."))
    claim = claim_locked(claim_id)
    if actor is None and (claim.account_id is None or claim.account.user_id != getattr(user, "pk", None)):
        raise NotPermitted(_("This is not your claim."))
    check_expected_status(claim, expected_status)
    if why := reconsider_refusal(claim):
        raise TransitionRefused(why)
    claim.reconsideration_grounds = grounds
    moved = transition_run(claim, "reconsider", label=_("ask for reconsideration"))
    _event(claim, "reconsider", actor=actor or user, moved=moved, note=grounds)
    return claim


# --------------------------------------------------------------------------------------------
# Priority, and payment
# --------------------------------------------------------------------------------------------


def blocking_claims():
    """Claims that come before any other use of what they claim: not yet decided, or granted and
    not yet paid."""
    return Claim.objects.filter(Q(status__in=UNDECIDED_STATES)
                                | Q(status=ClaimStatus.DECIDED, outcome__in=GRANTING_OUTCOMES))


def _claim_line(claim: Claim) -> str:
    return _("%(number)s (%(type)s, %(status)s)") % {"number": claim.number, "type": claim.get_claimant_type_display(),
                                                     "status": claim.get_status_display().lower()}


def _reserved(claim: Claim) -> Decimal:
    if claim.status == ClaimStatus.DECIDED:
        return claim.amount_granted or ZERO
    return claim.amount_claimed


def claims_reserve(*, currency: str, asset: Asset | None = None) -> tuple[list[Claim], Decimal]:
    """The claims that keep money of the fund aside in `currency`, oldest first, and what they keep
    (what an undecided claim asks for, what a granted unpaid one was granted): every such claim, as
    the fund pays them all, or only those on `asset`."""
    claims = blocking_claims().filter(currency=currency)
    if asset is not None:
        claims = claims.filter(assets=asset)
    pending = list(claims.order_by("filed_at", "pk"))
    return pending, sum((_reserved(c) for c in pending), ZERO)


def _claims_named(claims: list[Claim]) -> str:
    return ", ".join(_claim_line(c) for c in claims[:5]) + ("…" if len(claims) > 5 else "")


@dataclass(frozen=True)
class ClaimsHold:
    """What claims hold back of a decision's money: `amount`, for `claims` (oldest first)."""

    claims: list[Claim]
    amount: Decimal


def decision_claims_hold(decision: DispositionDecision) -> ClaimsHold:
    """How much of an approved or executed decision over proceeds claims hold back: what they keep
    aside (on the fund in the decision's currency, and on the sold asset whose proceeds it assigns)
    beyond what the fund, or that asset's proceeds, hold outside this decision. That part of the
    decision is neither allocated nor paid while the claims are pending or granted and unpaid.

    The figures come from the fund: callers that act on them hold the fund's lock (decisions._fund_lock)."""
    # An approved decision's amount is still in the fund (proceeds_available counts it as pending);
    # an executed one's has left it for what is owed to the payees.
    own = decision.amount if decision.status == DecisionStatus.APPROVED else ZERO
    claims, reserved = claims_reserve(currency=decision.currency)
    outside = max(proceeds_available(currency=decision.currency, exclude_decision_id=decision.pk) - own, ZERO)
    hold = reserved - outside
    if decision.proceeds_asset_id:
        on_asset, reserved_on_asset = claims_reserve(currency=decision.currency, asset=decision.proceeds_asset)
        outside_asset = max(proceeds_available(currency=decision.currency, proceeds_asset_id=decision.proceeds_asset_id,
                                               exclude_decision_id=decision.pk) - own, ZERO)
        if reserved_on_asset - outside_asset > hold:
            claims, hold = on_asset, reserved_on_asset - outside_asset
    return ClaimsHold(claims=claims, amount=max(hold, ZERO))


def claims_hold_message(hold: ClaimsHold, *, currency: str, left: Decimal, paying: bool = False) -> str:
    """The refusal of an allocation (or a payment) that would take what `hold` keeps for claims."""
    if paying:
        text = _("Claims come first: %(claims)s need %(held)s %(cur)s of this decision that the fund cannot cover "
                 "otherwise, which leaves %(left)s %(cur)s of it to pay.")
    else:
        text = _("Claims come first: %(claims)s need %(held)s %(cur)s of this decision that the fund cannot cover "
                 "otherwise, which leaves %(left)s %(cur)s of it to allocate.")
    return text % {"claims": _claims_named(hold.claims), "held": hold.amount, "cur": currency,
                   "left": max(left, ZERO)}


def claim_priority_refusal(*, asset: Asset | None = None, proceeds_asset: Asset | None = None, amount=None,
                           currency: str = "", exclude_decision_id: int | None = None) -> str | None:
    """Why a disposition of `asset`, or of the proceeds of `proceeds_asset`, or of `amount` of the
    fund's money in `currency`, may not be approved now because claims come first; or None.

    An asset or an asset's proceeds: while a claim on that asset is undecided, or granted and unpaid.
    The fund: when the amount would take what such claims in that currency ask for (or were granted)."""
    claims = blocking_claims().order_by("filed_at", "pk")
    subject = asset or proceeds_asset
    if subject is not None:
        first = claims.filter(assets=subject).first()
        if first is None:
            return None
        return _("Claim %(claim)s on %(asset)s comes first: it must be decided, and paid if granted, before the "
                 "asset or its proceeds are disposed of.") % {"claim": _claim_line(first), "asset": subject.reference}
    if amount in (None, "") or not currency:
        return None
    pending, reserved = claims_reserve(currency=currency)
    if not pending:
        return None
    available = proceeds_available(currency=currency, exclude_decision_id=exclude_decision_id)
    if Decimal(amount) <= available - reserved:
        return None
    return _("Claims come first: %(claims)s ask for %(reserved)s %(cur)s of the %(available)s %(cur)s available, "
             "which leaves %(left)s %(cur)s for this decision.") % {
        "claims": _claims_named(pending),
        "reserved": reserved, "available": available, "cur": currency, "left": max(available - reserved, ZERO)}


def decision_priority_refusal(decision) -> str | None:
    """claim_priority_refusal for a disposition decision (disposition.services.decisions)."""
    if decision.asset_id:
        return claim_priority_refusal(asset=decision.asset)
    if decision.proceeds_asset_id:
        return claim_priority_refusal(proceeds_asset=decision.proceeds_asset)
    return claim_priority_refusal(amount=decision.amount, currency=decision.currency,
                                  exclude_decision_id=decision.pk)


def claim_payment_order_refusal(claim: Claim) -> str | None:
    """Why this granted claim is not paid yet: a claim ranked before it (bona fide owners, then
    victims, then creditors and foreign states) on one of the same assets is undecided, or granted
    and unpaid."""
    rank = PAYMENT_RANK[claim.claimant_type]
    before = [t for t, r in PAYMENT_RANK.items() if r < rank]
    if not before:
        return None
    ahead = (blocking_claims().filter(claimant_type__in=before, assets__in=claim.assets.all()).exclude(pk=claim.pk)
             .distinct().order_by("filed_at", "pk").first())
    if ahead is None:
        return None
    return _("Claim %(claim)s on the same assets is paid first (bona fide owners, then victims, then creditors and "
             "foreign states).") % {"claim": _claim_line(ahead)}


def pay_refusal(claim: Claim) -> str | None:
    if claim.status != ClaimStatus.DECIDED or not claim.granted:
        return _("Only a granted claim, not yet paid, is paid.")
    return claim_payment_order_refusal(claim)


@transaction.atomic
def claim_pay(*, actor, claim_id: int, reference: str, expected_status: str | None = None) -> Claim:
    """Pay a granted claim (finance): a ledger transfer of the amount granted from the
    confiscated-proceeds fund to the bank (Dr fund, Cr bank; source `claim:<id>`), in payment order."""
    require_perm(actor, "disposition.pay_claim", _("Your role does not allow paying claims."))
    reference = _text(reference, field="reference", message=_("Give the bank's reference of the payment."))
    claim = claim_locked(claim_id)
    check_expected_status(claim, expected_status)
    if why := pay_refusal(claim):
        raise TransitionRefused(why)
    _fund_lock(claim.currency)
    available = proceeds_available(currency=claim.currency)
    if claim.amount_granted > available:
        raise DomainError(_("The fund holds %(available)s %(cur)s free of decisions: not enough to pay %(amount)s "
                            "%(cur)s.") % {"available": available, "amount": claim.amount_granted,
                                           "cur": claim.currency})
    fund = account_for(purpose=AccountPurpose.STATE_PROCEEDS, currency=claim.currency)
    bank = account_for(purpose=AccountPurpose.BANK, currency=claim.currency)
    claim.journal_entry = ledger_post(
        memo=_("Claim %(number)s: payment to a claimant (%(type)s), %(ref)s") % {
            "number": claim.number, "type": claim.get_claimant_type_display().lower(), "ref": reference},
        lines=[Line(fund, claim.amount_granted), Line(bank, -claim.amount_granted)], actor=actor,
        source=f"claim:{claim.pk}", idempotency_key=f"claim:{claim.pk}")
    claim.paid_by, claim.payment_reference = actor, reference
    moved = transition_run(claim, "pay", actor=actor, label=_("pay"))
    _event(claim, "pay", actor=actor, moved=moved, note=f"{claim.amount_granted} {claim.currency} {reference}")
    _notify(claim, _("Your claim %(number)s is paid") % {"number": claim.number},
            _("We transferred %(amount)s %(cur)s for your claim %(number)s (reference %(ref)s).") % {
                "amount": claim.amount_granted, "cur": claim.currency, "number": claim.number, "ref": reference})
    return claim


def claim_paid_total(currency: str) -> Decimal:
    return Claim.objects.filter(status=ClaimStatus.PAID, currency=currency).aggregate(
        total=Sum("amount_granted"))["total"] or ZERO
