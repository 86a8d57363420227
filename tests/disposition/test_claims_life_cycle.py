"""A claim's life cycle: filed, reviewed, more information asked (with a deadline), recommended,
decided by another person, reconsidered within its window, paid as a ledger transfer; and each
refusal on the way."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.exceptions import DomainError, NotPermitted, TransitionRefused
from disposition.models import Claim, ClaimStatus, DispositionEvent, NoticeStatus
from disposition.services import claims
from ledger.models import AccountPurpose, Posting
from tests.disposition.claims_helpers import (
    claimant,
    file_claim,
    notice_for,
    paper_claim,
    png,
    to_decided,
    to_recommended,
)
from tests.disposition.reuse_helpers import confiscated_asset, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def villa(case, case_officer):
    return confiscated_asset(case, case_officer)


@pytest.fixture
def notice(villa, case_officer):
    return notice_for(case_officer, villa)


def steps(claim):
    return list(DispositionEvent.objects.filter(subject="claim", object_id=claim.pk).order_by("pk")
                .values_list("action", "from_state", "to_state"))


def test_a_granted_claim_goes_from_filing_to_payment_and_every_step_is_recorded(
        villa, notice, case_officer, approver, finance_officer, django_capture_on_commit_callbacks, mailoutbox):
    # Given a claimant with a verified address files a claim with a document
    user = claimant()
    fund("20000.00")
    with django_capture_on_commit_callbacks(execute=True):
        claim = file_claim(user, notice, villa)
    assert claim.status == ClaimStatus.FILED and claim.documents.count() == 1
    assert mailoutbox[-1].to == [user.email] and claim.number in mailoutbox[-1].subject
    # When staff review, ask for a bank statement, and the claimant answers in time
    claims.claim_start_review(actor=case_officer, claim_id=claim.pk)
    answer_by = timezone.now() + datetime.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_request_information(actor=case_officer, claim_id=claim.pk, request="Send the bank statement.",
                                         answer_by=answer_by)
    assert "Send the bank statement." in mailoutbox[-1].body
    claims.claim_answer(user=user, claim_id=claim.pk, answer="Here it is.", documents=[png("statement.png")])
    # And a case officer recommends, an approver decides and finance pays
    claims.claim_recommend(actor=case_officer, claim_id=claim.pk, outcome="partly_granted", amount="3000.00",
                           recommendation="Only part of the loss is proven.")
    claims.claim_decide(actor=approver, claim_id=claim.pk, outcome="partly_granted", amount="3000.00",
                        reasons="The statement proves 3,000 of the 5,000 claimed.")
    claims.claim_pay(actor=finance_officer, claim_id=claim.pk, reference="SEPA-2026-0001")
    # Then the claim is paid, the ledger moved the amount from the fund to the bank
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and claim.amount_granted == Decimal("3000.00")
    assert claim.documents.count() == 2
    postings = {p.account.purpose: p.amount for p in Posting.objects.filter(entry__source=f"claim:{claim.pk}")}
    assert postings == {AccountPurpose.STATE_PROCEEDS: Decimal("3000.00"), AccountPurpose.BANK: Decimal("-3000.00")}
    # And every step is in the audit trail with who took it
    assert steps(claim) == [
        ("file", "filed", "filed"), ("review", "filed", "under_review"),
        ("request_information", "under_review", "info_requested"), ("answer", "info_requested", "under_review"),
        ("recommend", "under_review", "recommended"), ("decide", "recommended", "decided"),
        ("pay", "decided", "paid")]
    assert DispositionEvent.objects.get(subject="claim", object_id=claim.pk, action="decide").actor == approver


def test_the_recommender_may_not_decide_and_the_database_refuses_it_too(villa, case_officer, approver):
    approver.groups.add(*case_officer.groups.all())  # an approver who also reviews
    claim = paper_claim(case_officer, villa)
    claims.claim_start_review(actor=approver, claim_id=claim.pk)
    claims.claim_recommend(actor=approver, claim_id=claim.pk, outcome="denied", recommendation="No proof.")
    with pytest.raises(NotPermitted, match="four eyes"):
        claims.claim_decide(actor=approver, claim_id=claim.pk, outcome="denied", reasons="No proof.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(decided_by=approver)


def test_steps_out_of_order_and_missing_reasons_are_refused(villa, case_officer, approver, finance_officer):
    claim = paper_claim(case_officer, villa)
    with pytest.raises(TransitionRefused):
        claims.claim_recommend(actor=case_officer, claim_id=claim.pk, outcome="granted", recommendation="Fine.")
    to_recommended(claim, case_officer, outcome="denied")
    with pytest.raises(DomainError) as refused:
        claims.claim_decide(actor=approver, claim_id=claim.pk, outcome="denied", reasons=" ")
    assert refused.value.field == "reasons"
    with pytest.raises(DomainError) as refused:
        claims.claim_decide(actor=approver, claim_id=claim.pk, outcome="partly_granted", amount="9000.00",
                            reasons="More than claimed")
    assert refused.value.field == "amount"
    with pytest.raises(NotPermitted):
        claims.claim_decide(actor=case_officer, claim_id=claim.pk, outcome="denied", reasons="Not my role")
    claims.claim_decide(actor=approver, claim_id=claim.pk, outcome="denied", reasons="No loss is shown.")
    with pytest.raises(TransitionRefused, match="granted"):
        claims.claim_pay(actor=finance_officer, claim_id=claim.pk, reference="X")


def test_the_claimant_may_not_answer_after_the_deadline_and_staff_then_resume(
        villa, notice, case_officer):
    user = claimant()
    claim = file_claim(user, notice, villa)
    claims.claim_start_review(actor=case_officer, claim_id=claim.pk)
    deficiency = claims.claim_request_information(actor=case_officer, claim_id=claim.pk, request="Proof of loss",
                                                  answer_by=timezone.now() + datetime.timedelta(days=7))
    # Staff may not resume before the deadline
    with pytest.raises(TransitionRefused, match="has until"):
        claims.claim_resume_review(actor=case_officer, claim_id=claim.pk)
    # When the deadline passes
    type(deficiency).objects.filter(pk=deficiency.pk).update(sent_at=timezone.now() - datetime.timedelta(days=8),
                                                            answer_by=timezone.now() - datetime.timedelta(hours=1))
    # Then the claimant's late answer is refused, saying when the deadline was
    with pytest.raises(TransitionRefused, match="has passed"):
        claims.claim_answer(user=user, claim_id=claim.pk, answer="Late")
    # And staff take the review up again, the notice marked lapsed
    claims.claim_resume_review(actor=case_officer, claim_id=claim.pk)
    claim.refresh_from_db()
    deficiency.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW and deficiency.lapsed_at is not None
    assert ("resume_review", "info_requested", "under_review") in steps(claim)


def test_a_deficiency_deadline_in_the_past_is_refused(villa, case_officer):
    claim = paper_claim(case_officer, villa)
    claims.claim_start_review(actor=case_officer, claim_id=claim.pk)
    with pytest.raises(DomainError) as refused:
        claims.claim_request_information(actor=case_officer, claim_id=claim.pk, request="x",
                                         answer_by=timezone.now() - datetime.timedelta(days=1))
    assert refused.value.field == "answer_by"


def test_reconsideration_within_the_window_reopens_the_review_and_after_it_is_refused(
        villa, notice, case_officer, approver):
    user = claimant()
    claim = file_claim(user, notice, villa)
    to_decided(claim, case_officer, approver, outcome="denied")
    claim.refresh_from_db()
    assert claim.reconsider_until.date() == (claim.decided_at + datetime.timedelta(days=30)).date()
    # Someone else may not ask for it
    other = claimant(username="other", email="other@example.net")
    with pytest.raises(NotPermitted):
        claims.claim_reconsider(user=other, claim_id=claim.pk, grounds="Not mine")
    # The claimant asks within the window: the claim is back under review, then decided again
    claims.claim_reconsider(user=user, claim_id=claim.pk, grounds="A new witness statement.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW and claim.reconsideration_grounds == "A new witness statement."
    claims.claim_recommend(actor=case_officer, claim_id=claim.pk, outcome="denied", recommendation="Still no proof")
    claims.claim_decide(actor=approver, claim_id=claim.pk, outcome="denied", reasons="The statement is not enough.")
    # Once the window has passed, a new request is refused
    Claim.objects.filter(pk=claim.pk).update(reconsider_until=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(TransitionRefused, match="has passed"):
        claims.claim_reconsider(user=user, claim_id=claim.pk, grounds="Again")


def test_filing_needs_a_verified_address_and_an_open_notice(villa, notice, case_officer):
    with pytest.raises(NotPermitted, match="Confirm your e-mail"):
        file_claim(claimant(verified=False), notice, villa)
    claims.notice_close(actor=case_officer, notice_id=notice.pk)
    with pytest.raises(TransitionRefused, match="no longer takes claims"):
        file_claim(claimant(username="late", email="late@example.net"), notice, villa)


def test_a_notice_is_drafted_published_and_closed_and_names_only_its_cases_assets(
        villa, case_officer, auditor, approver):
    notice = notice_for(case_officer, villa, publish=False)
    assert notice.status == NoticeStatus.DRAFT
    with pytest.raises(NotPermitted):
        claims.notice_publish(actor=auditor, notice_id=notice.pk)
    claims.notice_publish(actor=case_officer, notice_id=notice.pk)
    claims.notice_close(actor=case_officer, notice_id=notice.pk, reason="Deadline reached")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED and notice.published_at and notice.closed_at
    from tests.factories import AssetFactory, CaseFactory

    elsewhere = AssetFactory(case=CaseFactory(case_officer=case_officer), actor=case_officer)
    with pytest.raises(DomainError) as refused:
        claims.notice_create(actor=case_officer, case_id=villa.case_id, title="T", summary="S", how_to_claim="H",
                             asset_ids=[elsewhere.pk], claims_until=timezone.now() + datetime.timedelta(days=3))
    assert refused.value.field == "assets"
