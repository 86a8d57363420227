"""The disposition decision's life cycle, each refusal, four eyes in the database, execution moving
the asset and posting the ledger, revocation taking the asset back and opening a new decision."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from common.exceptions import DomainError, NotPermitted, TransitionRefused
from custody.models import AssetCategory, AssetStatus, CustodyEvent
from custody.services import custody_chain_verify
from disposition.models import DecisionStatus, DispositionDecision, DispositionEvent
from disposition.services import decisions
from ledger.models import AccountPurpose
from ledger.selectors import trial_balance
from tests.disposition.reuse_helpers import beneficiary, confiscated_asset, fund
from tests.factories import AssetFactory, CourtOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def villa(case, case_officer):
    return confiscated_asset(case, case_officer)


@pytest.fixture
def ngo():
    return beneficiary()


def propose_reuse(officer, asset, ngo, **extra):
    return decisions.decision_propose(actor=officer, kind="social_reuse", asset_id=asset.pk, beneficiary_id=ngo.pk,
                                      legal_basis="Art. 48 Anti-Mafia Code", **extra)


def test_social_reuse_life_cycle_moves_the_asset_and_logs_every_step(villa, ngo, case_officer, approver):
    decision = propose_reuse(case_officer, villa, ngo)
    assert decision.status == DecisionStatus.PROPOSED
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_execute(actor=approver, decision_id=decision.pk)
    decision.refresh_from_db()
    villa.refresh_from_db()
    assert decision.status == DecisionStatus.EXECUTED
    assert villa.status == AssetStatus.DISPOSED and villa.disposition_method == "social_reuse"
    assert list(CustodyEvent.objects.filter(asset=villa).order_by("seq").values_list("to_state", flat=True))[-2:] \
        == ["awaiting_disposition", "disposed"]
    assert custody_chain_verify() == []
    steps = list(DispositionEvent.objects.filter(decision=decision).values_list("action", "from_state", "to_state"))
    assert steps == [("propose", "proposed", "proposed"), ("approve", "proposed", "approved"),
                     ("execute", "approved", "executed")]
    assert DispositionEvent.objects.get(decision=decision, action="approve").actor == approver


def test_approving_ones_own_proposal_is_refused(villa, ngo, approver, second_approver, case_officer):
    approver.groups.add(*case_officer.groups.all())  # an approver who may also propose
    decision = propose_reuse(approver, villa, ngo)
    with pytest.raises(NotPermitted, match="four eyes"):
        decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_approve(actor=second_approver, decision_id=decision.pk)


def test_the_database_refuses_an_approval_by_the_proposer(villa, ngo, case_officer):
    decision = propose_reuse(case_officer, villa, ngo)
    with pytest.raises(IntegrityError), transaction.atomic():
        DispositionDecision.objects.filter(pk=decision.pk).update(approved_by=case_officer)


def test_refusals(case, villa, ngo, case_officer, approver):
    restrained = AssetFactory(case=case, actor=case_officer)
    with pytest.raises(DomainError, match="only a confiscated asset"):
        propose_reuse(case_officer, restrained, ngo)
    decision = propose_reuse(case_officer, villa, ngo)
    with pytest.raises(DomainError, match="already has a decision"):
        propose_reuse(case_officer, villa, ngo)
    with pytest.raises(TransitionRefused, match="Only an approved decision"):
        decisions.decision_execute(actor=approver, decision_id=decision.pk)
    with pytest.raises(NotPermitted):
        decisions.decision_approve(actor=case_officer, decision_id=decision.pk)
    with pytest.raises(DomainError, match="Say why"):
        decisions.decision_revoke(actor=approver, decision_id=decision.pk, reason=" ")
    with pytest.raises(DomainError, match="legal basis"):
        decisions.decision_propose(actor=case_officer, kind="destruction", asset_id=villa.pk, legal_basis="")


def test_category_rules_and_beneficiary_rules(case, case_officer, ngo):
    cash = confiscated_asset(case, case_officer, category=AssetCategory.CASH, title="Cash")
    with pytest.raises(DomainError, match="not possible for an asset of the category"):
        propose_reuse(case_officer, cash, ngo)
    with pytest.raises(DomainError, match="municipality or a public body"):
        decisions.decision_propose(actor=case_officer, kind="public_use", asset_id=cash.pk, beneficiary_id=ngo.pk,
                                   legal_basis="Law")
    with pytest.raises(DomainError, match="beneficiary"):
        decisions.decision_propose(actor=case_officer, kind="social_reuse", asset_id=cash.pk, legal_basis="Law")


def test_return_to_a_foreign_state_cites_the_return_order(case, case_officer, approver):
    jewels = confiscated_asset(case, case_officer, category=AssetCategory.JEWELLERY_ART, title="Necklace")
    decision = decisions.decision_propose(actor=case_officer, kind="foreign_return", asset_id=jewels.pk,
                                          recipient_state="NG", legal_basis="Return agreement 2026")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    with pytest.raises(TransitionRefused, match="court order"):
        decisions.decision_execute(actor=approver, decision_id=decision.pk)
    order = CourtOrderFactory(case=jewels.case, order_type="return", recipient_state="NG", assets=[jewels])
    decisions.decision_execute(actor=approver, decision_id=decision.pk, order_id=order.pk)
    jewels.refresh_from_db()
    assert jewels.status == AssetStatus.RETURNED
    with pytest.raises(TransitionRefused, match="cannot be undone"):
        decisions.decision_revoke(actor=approver, decision_id=decision.pk, reason="Changed our mind")


def test_sale_decision_puts_the_asset_up_for_sale(case, case_officer, approver):
    car = confiscated_asset(case, case_officer, category=AssetCategory.VEHICLE, title="Car")
    decision = decisions.decision_propose(actor=case_officer, kind="sale", asset_id=car.pk, legal_basis="Law")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_execute(actor=approver, decision_id=decision.pk)
    car.refresh_from_db()
    assert car.status == AssetStatus.FOR_SALE
    with pytest.raises(TransitionRefused, match="once it is sold"):
        decisions.decision_complete(actor=approver, decision_id=decision.pk)


def test_revocation_takes_the_asset_back_and_opens_a_new_decision(villa, ngo, case_officer, approver):
    decision = propose_reuse(case_officer, villa, ngo)
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_execute(actor=approver, decision_id=decision.pk)
    replacement = decisions.decision_revoke(actor=approver, decision_id=decision.pk,
                                            reason="The association dissolved")
    decision.refresh_from_db()
    villa.refresh_from_db()
    assert decision.status == DecisionStatus.REVOKED and decision.revocation_reason == "The association dissolved"
    assert villa.status == AssetStatus.AWAITING_DISPOSITION and villa.disposition_method == ""
    last = CustodyEvent.objects.filter(asset=villa).order_by("-seq").first()
    assert (last.transition, last.from_state, last.to_state) == ("take_back", "disposed", "awaiting_disposition")
    assert last.reason == "The association dissolved" and last.actor == approver
    assert replacement.status == DecisionStatus.PROPOSED and replacement.asset == villa
    assert replacement.previous == decision and replacement.beneficiary is None
    assert custody_chain_verify() == []


def test_proceeds_decision_posts_the_ledger_and_refuses_more_than_available(case, case_officer, approver):
    sold = AssetFactory(case=case, actor=case_officer)
    fund("1000.00", asset=sold)
    fund("500.00")
    with pytest.raises(DomainError, match="more than the 1000.00 EUR available from the proceeds of"):
        decisions.decision_propose(actor=case_officer, kind="victim_compensation", amount="1000.01",
                                   currency="EUR", proceeds_asset_id=sold.pk, legal_basis="Court ruling")
    decision = decisions.decision_propose(actor=case_officer, kind="victim_compensation", amount="800.00",
                                          currency="EUR", proceeds_asset_id=sold.pk, legal_basis="Court ruling")
    with pytest.raises(DomainError, match="700.00 EUR available from the confiscated-proceeds fund"):
        decisions.decision_propose(actor=case_officer, kind="social_reuse", amount="700.01", currency="EUR",
                                   beneficiary_id=beneficiary().pk, legal_basis="Law")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_execute(actor=approver, decision_id=decision.pk)
    decision.refresh_from_db()
    postings = {p.account.purpose: p.amount for p in decision.journal_entry.postings.select_related("account")}
    assert postings == {AccountPurpose.STATE_PROCEEDS: Decimal("800.00"),
                        AccountPurpose.VICTIM_COMPENSATION: Decimal("-800.00")}
    assert all(total == 0 for total in trial_balance().values())
    assert decisions.proceeds_available(currency="EUR") == Decimal("700.00")
    with pytest.raises(DomainError, match="sell the asset first"):
        decisions.decision_propose(actor=case_officer, kind="victim_compensation",
                                   asset_id=confiscated_asset(case, case_officer).pk, legal_basis="Law")
