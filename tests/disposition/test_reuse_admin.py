"""The Disposition menu of the staff admin: listing, creating and life-cycle steps for the roles that
may, 403 for the others."""

from decimal import Decimal

import pytest
from django.urls import reverse

from disposition.models import Beneficiary, DecisionStatus, DispositionDecision
from disposition.services import allocations, decisions
from tests.disposition.reuse_helpers import beneficiary, confiscated_asset, fund

pytestmark = pytest.mark.django_db


def test_a_case_officer_registers_a_beneficiary_and_proposes_and_an_approver_approves_and_executes(
        client, case, case_officer, approver):
    villa = confiscated_asset(case, case_officer)
    client.force_login(case_officer)
    # Given the case officer registers a beneficiary
    response = client.post(reverse("disposition_beneficiaries:add"), {
        "name": "Cooperativa Placido Rizzotto", "kind": "social_cooperative", "sector": "employment",
        "registration_number": "IT-PA-1234", "registration_data": "", "country": "IT", "contact_name": "Ada",
        "contact_email": "ada@example.org", "contact_phone": "", "contact_address": "", "public": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    coop = Beneficiary.objects.get(registration_number="IT-PA-1234")
    assert "Cooperativa Placido Rizzotto" in client.get(reverse("disposition_beneficiaries:index")).content.decode()
    # When they propose a decision for the villa, an empty legal basis is refused beside its field
    add = reverse("disposition_decisions:add")
    form = {"asset": villa.pk, "kind": "social_reuse", "beneficiary": coop.pk, "legal_basis": ""}
    response = client.post(add, form)
    assert response.status_code == 400
    response = client.post(add, {**form, "legal_basis": "Art. 48 Anti-Mafia Code"})
    assert response.status_code == 302
    decision = DispositionDecision.objects.get(asset=villa)
    inspect = reverse("disposition_decisions:inspect", args=[decision.pk])
    # Then the proposer is not offered the approval and the page says why
    page = client.get(inspect).content.decode()
    assert "Proposed" in page and 'data-action="approve"' not in page
    # And an approver approves and executes it from the decision's page
    client.force_login(approver)
    page = client.get(inspect).content.decode()
    assert 'data-action="approve"' in page and "four eyes" not in page
    approve = reverse("disposition_decisions:action_approve", args=[decision.pk])
    assert client.post(approve, {"expected_status": "proposed"}).status_code == 302
    execute = reverse("disposition_decisions:action_execute", args=[decision.pk])
    assert client.post(execute, {"expected_status": "approved"}).status_code == 302
    decision.refresh_from_db()
    villa.refresh_from_db()
    assert decision.status == DecisionStatus.EXECUTED and villa.status == "disposed"
    assert "History" in client.get(inspect).content.decode()


def test_the_decision_page_shows_allocated_paid_and_remaining(client, case_officer, approver, finance_officer):
    fund("900.00")
    decision = decisions.decision_propose(actor=case_officer, kind="victim_compensation", amount="900.00",
                                          currency="EUR", legal_basis="Judgment")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_execute(actor=approver, decision_id=decision.pk)
    allocation = allocations.allocation_create(actor=case_officer, decision_id=decision.pk, payee_type="victim",
                                               payee_name="V", amount="500.00")
    client.force_login(finance_officer)
    pay = reverse("disposition_allocations:action_pay", args=[allocation.pk])
    response = client.post(pay, {"amount": "600.00", "paid_on": "2026-12-01", "reference": "R1"})
    assert response.status_code == 400 and "amount" in response.context["form"].errors
    assert client.post(pay, {"amount": "200.00", "paid_on": "2026-12-01", "reference": "R1"}).status_code == 302
    page = client.get(reverse("disposition_decisions:inspect", args=[decision.pk])).content.decode()
    assert "Money trail" in page
    from common.money import format_money

    for figure in ("900", "500", "200", "700"):
        assert format_money(Decimal(figure), "EUR") in page


def test_roles_that_may_not_get_403(client, case, case_officer, custodian, finance_officer, editor):
    villa = confiscated_asset(case, case_officer)
    decision = decisions.decision_propose(actor=case_officer, kind="social_reuse", asset_id=villa.pk,
                                          beneficiary_id=beneficiary().pk, legal_basis="Law")
    client.force_login(finance_officer)
    assert client.get(reverse("disposition_decisions:add")).status_code == 403
    assert client.get(reverse("disposition_decisions:action_approve", args=[decision.pk])).status_code == 403
    assert client.get(reverse("disposition_beneficiaries:add")).status_code == 403
    client.force_login(custodian)
    assert client.get(reverse("disposition_beneficiaries:index")).status_code == 403
    client.force_login(editor)
    assert client.get(reverse("disposition_decisions:index")).status_code == 403
    assert client.get(reverse("disposition_decisions:inspect", args=[decision.pk])).status_code == 403
