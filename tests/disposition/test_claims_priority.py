"""Claims come first: a disposition decision is not approved while a claim on its asset or proceeds is
undecided or granted and unpaid (the refusal names the claim); a decision over the fund leaves what
claims ask for; an allocation of a decision's money, and its payment, leave what claims filed after
the decision need of it (even two officers allocating at once); granted claims are paid in order
(bona fide owners, then victims, then creditors)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from common.exceptions import DomainError, TransitionRefused
from custody import roles
from disposition.models import Allocation, DecisionStatus
from disposition.services import allocations, claims, decisions
from tests.disposition.claims_helpers import paper_claim, to_decided
from tests.disposition.reuse_helpers import beneficiary, confiscated_asset, fund
from tests.factories import UserFactory

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


def decision_over_proceeds(officer, approver, amount, *, executed=True, proceeds_asset=None):
    decision = decisions.decision_propose(actor=officer, kind="victim_compensation", amount=amount, currency="EUR",
                                          legal_basis="Judgment 2026/14",
                                          proceeds_asset_id=proceeds_asset.pk if proceeds_asset else None)
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    if executed:
        decisions.decision_execute(actor=approver, decision_id=decision.pk)
    return decision


def allocate(officer, decision, amount, name="Victims' association"):
    return allocations.allocation_create(actor=officer, decision_id=decision.pk, payee_type="victim",
                                         payee_name=name, amount=amount)


@pytest.mark.parametrize("executed", [False, True], ids=["approved", "executed"])
def test_an_allocation_leaves_what_a_claim_filed_after_the_decision_needs(villa, case_officer, approver, executed):
    # Given 10,000 in the fund, a decision giving 6,000 to victims, then a claim of 5,000 on proceeds
    fund("10000.00")
    decision = decision_over_proceeds(case_officer, approver, "6000.00", executed=executed)
    claim = paper_claim(case_officer, villa, amount="5000.00")
    # When 5,000.01 of the decision is allocated, it is refused beside the amount, naming the claim: the
    # fund's other 4,000 leave 1,000 of the claim to this decision
    with pytest.raises(DomainError, match=claim.number) as refused:
        allocate(case_officer, decision, "5000.01")
    assert refused.value.field == "amount" and "5000.00 EUR of it to allocate" in str(refused.value)
    allocate(case_officer, decision, "5000.00")
    with pytest.raises(DomainError, match="Claims come first"):
        allocate(case_officer, decision, "0.01", name="Another victim")
    # Then, once the claim is denied, the rest is allocated
    to_decided(claim, case_officer, approver, outcome="denied")
    allocate(case_officer, decision, "1000.00", name="Another victim")
    assert allocations.decision_money(decision).unallocated == Decimal("0.00")


def test_a_payment_leaves_what_claims_need_of_money_allocated_before_they_were_filed(
        villa, case_officer, approver, finance_officer):
    # Given 6,000 of the fund's 10,000 allocated to victims, then a claim of 5,000
    fund("10000.00")
    decision = decision_over_proceeds(case_officer, approver, "6000.00")
    allocation = allocate(case_officer, decision, "6000.00")
    claim = paper_claim(case_officer, villa, amount="5000.00")
    # When finance pays the whole allocation, it is refused: 1,000 of it is the claim's
    with pytest.raises(DomainError, match=claim.number) as refused:
        allocations.allocation_pay(actor=finance_officer, allocation_id=allocation.pk, amount="6000.00",
                                   reference="SEPA-1")
    assert refused.value.field == "amount" and "5000.00 EUR of it to pay" in str(refused.value)
    allocations.allocation_pay(actor=finance_officer, allocation_id=allocation.pk, amount="5000.00",
                               reference="SEPA-1")
    # Then, once the claim is granted 4,000 and paid from the fund, the last 1,000 is paid too
    to_decided(claim, case_officer, approver, outcome="partly_granted", amount="4000.00")
    claims.claim_pay(actor=finance_officer, claim_id=claim.pk, reference="SEPA-C")
    allocations.allocation_pay(actor=finance_officer, allocation_id=allocation.pk, amount="1000.00",
                               reference="SEPA-2")
    assert allocations.decision_money(decision).remaining == Decimal("0.00")


def test_a_claim_on_a_sold_asset_holds_what_its_own_proceeds_do_not_cover(case, case_officer, approver):
    # Given a yacht sold for 10,000, 8,000 of which went to victims, and 50,000 more in the fund
    yacht = confiscated_asset(case, case_officer, title="Yacht")
    fund("10000.00", asset=yacht)
    fund("50000.00")
    decision = decision_over_proceeds(case_officer, approver, "8000.00", proceeds_asset=yacht)
    # When a bona fide owner claims 5,000 of the yacht's proceeds, only 2,000 of them are left outside
    # the decision: 3,000 of the decision is theirs until the claim is decided
    claim = paper_claim(case_officer, yacht, claimant_type="bona_fide_owner", amount="5000.00")
    with pytest.raises(DomainError, match=claim.number):
        allocate(case_officer, decision, "5000.01")
    allocate(case_officer, decision, "5000.00")


def test_the_allocation_form_shows_the_refusal_beside_the_amount(client, villa, case_officer, approver):
    fund("10000.00")
    decision = decision_over_proceeds(case_officer, approver, "6000.00")
    claim = paper_claim(case_officer, villa, amount="5000.00")
    client.force_login(case_officer)
    url = reverse("disposition_decisions:action_allocate", args=[decision.pk])
    assert "may be allocated while claims are pending" in client.get(url).content.decode()
    response = client.post(url, {"payee_type": "victim", "payee_name": "Victims' association", "amount": "6000.00"})
    assert response.status_code == 400
    assert claim.number in " ".join(response.context["form"].errors["amount"])
    assert not Allocation.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_allocating_at_once_leave_what_the_claim_needs(villa, case_officer, approver):
    # Given 6,000 of the fund's 10,000 to victims and a claim of 5,000: 5,000 of the decision may be allocated
    fund("10000.00")
    decision = decision_over_proceeds(case_officer, approver, "6000.00")
    paper_claim(case_officer, villa, amount="5000.00")
    other = UserFactory(username="officer2", role=roles.CASE_OFFICER)
    barrier = threading.Barrier(2)
    outcomes = []

    def allocate_at_once(actor, name):
        try:
            barrier.wait(5)
            allocate(actor, decision, "3000.00", name=name)
            outcomes.append("allocated")
        except DomainError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    # When two officers allocate 3,000 each at the same moment, one of them is refused
    threads = [threading.Thread(target=allocate_at_once, args=(u, f"Victim {n}"))
               for n, u in enumerate([case_officer, other])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcomes.count("allocated") == 1 and any("Claims come first" in o for o in outcomes), outcomes
    assert sum(a.amount for a in Allocation.objects.all()) == Decimal("3000.00")
