"""Claims come first: a disposition decision is not approved while a claim on its asset or proceeds is
undecided or granted and unpaid (the refusal names the claim); a decision over the fund leaves what
claims ask for; granted claims are paid in order (bona fide owners, then victims, then creditors)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from common.exceptions import DomainError, TransitionRefused
from disposition.models import DecisionStatus
from disposition.services import claims, decisions
from tests.disposition.claims_helpers import paper_claim, to_decided
from tests.disposition.reuse_helpers import beneficiary, confiscated_asset, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def villa(case, case_officer):
    return confiscated_asset(case, case_officer)


def propose_reuse(officer, asset):
    return decisions.decision_propose(actor=officer, kind="social_reuse", asset_id=asset.pk,
                                      beneficiary_id=beneficiary().pk, legal_basis="Art. 48")


def test_a_disposition_is_refused_while_a_claim_on_the_asset_is_pending_then_approved_once_paid(
        villa, case_officer, approver, finance_officer):
    # Given a proposed social-reuse decision over the villa and a victim's claim on it
    fund("10000.00")
    decision = propose_reuse(case_officer, villa)
    claim = paper_claim(case_officer, villa, amount="4000.00")
    # When an approver approves, the refusal names the claim
    with pytest.raises(DomainError, match=claim.number):
        decisions.decision_approve(actor=approver, decision_id=decision.pk)
    # Still refused once the claim is granted but unpaid
    to_decided(claim, case_officer, approver)
    with pytest.raises(DomainError, match="comes first"):
        decisions.decision_approve(actor=approver, decision_id=decision.pk)
    # And approved once it is paid
    claims.claim_pay(actor=finance_officer, claim_id=claim.pk, reference="SEPA-1")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED


def test_a_denied_claim_no_longer_blocks(villa, case_officer, approver):
    decision = propose_reuse(case_officer, villa)
    claim = paper_claim(case_officer, villa)
    to_decided(claim, case_officer, approver, outcome="denied")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)


def test_the_decision_page_says_why_the_approval_waits(client, villa, case_officer, approver):
    decision = propose_reuse(case_officer, villa)
    claim = paper_claim(case_officer, villa)
    client.force_login(approver)
    page = client.get(reverse("disposition_decisions:inspect", args=[decision.pk])).content.decode()
    assert 'data-action="approve"' not in page and claim.number in page


def test_a_decision_over_the_fund_leaves_what_claims_ask_for(case_officer, approver, villa):
    # Given 10,000 in the fund and a claim on proceeds asking 4,000
    fund("10000.00")
    claim = paper_claim(case_officer, villa, amount="4000.00")
    big = decisions.decision_propose(actor=case_officer, kind="public_use", amount="7000.00", currency="EUR",
                                     beneficiary_id=beneficiary(kind="public_body").pk, legal_basis="Law")
    # Then 7,000 is refused: only 6,000 is left once the claim is kept aside
    with pytest.raises(DomainError, match=claim.number) as refused:
        decisions.decision_approve(actor=approver, decision_id=big.pk)
    assert "6000.00" in str(refused.value)
    decisions.decision_revoke(actor=approver, decision_id=big.pk, reason="Too much")
    small = decisions.decision_propose(actor=case_officer, kind="victim_compensation", amount="6000.00",
                                       currency="EUR", legal_basis="Law")
    decisions.decision_approve(actor=approver, decision_id=small.pk)


def test_granted_claims_are_paid_bona_fide_owners_first_then_victims(villa, case_officer, approver,
                                                                     finance_officer):
    fund("20000.00")
    victim = paper_claim(case_officer, villa, claimant_type="victim", amount="3000.00")
    owner = paper_claim(case_officer, villa, claimant_type="bona_fide_owner", amount="8000.00", name="Owner")
    to_decided(victim, case_officer, approver)
    # The victim is not paid while the owner's claim on the same villa is undecided
    with pytest.raises(TransitionRefused, match=owner.number):
        claims.claim_pay(actor=finance_officer, claim_id=victim.pk, reference="V-1")
    to_decided(owner, case_officer, approver, outcome="partly_granted", amount="6000.00")
    with pytest.raises(TransitionRefused, match="bona fide owners, then victims"):
        claims.claim_pay(actor=finance_officer, claim_id=victim.pk, reference="V-1")
    # Once the owner is paid, the victim is
    claims.claim_pay(actor=finance_officer, claim_id=owner.pk, reference="O-1")
    claims.claim_pay(actor=finance_officer, claim_id=victim.pk, reference="V-1")
    victim.refresh_from_db()
    owner.refresh_from_db()
    assert (owner.paid_at < victim.paid_at) and owner.amount_granted == Decimal("6000.00")


def test_a_claim_is_not_paid_beyond_what_the_fund_holds(villa, case_officer, approver, finance_officer):
    fund("1000.00")
    claim = paper_claim(case_officer, villa, amount="3000.00")
    to_decided(claim, case_officer, approver)
    with pytest.raises(DomainError, match="not enough"):
        claims.claim_pay(actor=finance_officer, claim_id=claim.pk, reference="X")
