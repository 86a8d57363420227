"""The public pages of calls for projects and the public-record selectors: public facts only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from custody.models import StorageLocation
from disposition.selectors import asset_disposition_public, decisions_public
from disposition.services import allocations, calls, decisions, monitoring
from tests.disposition.reuse_helpers import beneficiary, confiscated_asset, fund

pytestmark = pytest.mark.django_db
PRIVATE = ["Marta Contact-Privata", "marta.private@example.org", "Rue Secrète", "+32 470", "Secret Applicant",
           "Jane Victim-Private", "IBAN-PRIVATE", "Scored low: weak budget"]


def _assert_nothing_private(html: str) -> None:
    for needle in PRIVATE:
        assert needle not in html, needle


def test_public_call_pages_show_public_facts_only(client, case, case_officer):
    villa = confiscated_asset(case, case_officer)
    villa.location = StorageLocation.objects.create(name="Villa site, 3 Via Privata", kind="on_site",
                                                    public_area="Corleone")
    villa.save(update_fields=["location"])
    call = calls.call_create(actor=case_officer, title="A villa for the youth of Corleone",
                             description="Projects for young people.", assets=[villa],
                             deadline=timezone.now() + datetime.timedelta(days=30))
    # A draft is not published
    assert client.get(reverse("disposition:call", args=[call.pk])).status_code == 404
    assert "A villa for the youth" not in client.get(reverse("disposition:calls")).content.decode()
    calls.call_open(actor=case_officer, call_id=call.pk)
    winner = beneficiary(name="Libera Youth")
    loser = beneficiary(name="Secret Applicant", public=False, number="BE999")
    for b in (winner, loser):
        calls.application_record(actor=case_officer, call_id=call.pk, beneficiary_id=b.pk,
                                 project_summary="Our plan")
    page = client.get(reverse("disposition:calls")).content.decode()
    assert "A villa for the youth of Corleone" in page and "data-open-calls" in page
    page = client.get(reverse("disposition:call", args=[call.pk])).content.decode()
    assert "Corleone" in page and "Real estate" in page and "Via Privata" not in page
    assert "data-applications" not in page  # the count is told once the call is closed
    # When it closes and is awarded
    type(call).objects.filter(pk=call.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    calls.call_close(actor=case_officer, call_id=call.pk)
    app = call.applications.get(beneficiary=winner)
    calls.application_score(actor=case_officer, application_id=app.pk, score="88")
    calls.application_score(actor=case_officer, application_id=call.applications.get(beneficiary=loser).pk,
                            score="40", notes="Scored low: weak budget")
    calls.call_award(actor=case_officer, call_id=call.pk, application_id=app.pk)
    # Then the page tells how many applied and who won, and nothing private
    page = client.get(reverse("disposition:call", args=[call.pk])).content.decode()
    assert "2 applications received." in page and "Libera Youth" in page
    _assert_nothing_private(page)
    _assert_nothing_private(client.get(reverse("disposition:calls")).content.decode())
    # And the award opened a proposed decision naming the winner
    assert villa.disposition_decisions.get().beneficiary == winner


def test_a_winner_not_marked_public_is_shown_by_type_and_sector(client, case, case_officer):
    villa = confiscated_asset(case, case_officer)
    call = calls.call_create(actor=case_officer, title="Call", description="D", assets=[villa],
                             deadline=timezone.now() + datetime.timedelta(days=1))
    calls.call_open(actor=case_officer, call_id=call.pk)
    hidden = beneficiary(name="Secret Applicant", public=False)
    app = calls.application_record(actor=case_officer, call_id=call.pk, beneficiary_id=hidden.pk,
                                   project_summary="Plan")
    type(call).objects.filter(pk=call.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    calls.call_close(actor=case_officer, call_id=call.pk)
    calls.application_score(actor=case_officer, application_id=app.pk, score="70")
    calls.call_award(actor=case_officer, call_id=call.pk, application_id=app.pk)
    page = client.get(reverse("disposition:call", args=[call.pk])).content.decode()
    assert "Non-governmental organisation" in page and "Welfare" in page
    _assert_nothing_private(page)


def test_closing_before_the_deadline_is_refused(case, case_officer):
    villa = confiscated_asset(case, case_officer)
    call = calls.call_create(actor=case_officer, title="Call", description="D", assets=[villa],
                             deadline=timezone.now() + datetime.timedelta(days=1))
    calls.call_open(actor=case_officer, call_id=call.pk)
    from common.exceptions import TransitionRefused

    with pytest.raises(TransitionRefused, match="open until"):
        calls.call_close(actor=case_officer, call_id=call.pk)


def test_the_public_record_selectors_carry_no_personal_data(case, case_officer, approver, finance_officer):
    villa = confiscated_asset(case, case_officer)
    hidden = beneficiary(public=False)
    decision = decisions.decision_propose(actor=case_officer, kind="social_reuse", asset_id=villa.pk,
                                          beneficiary_id=hidden.pk, legal_basis="Law")
    assert asset_disposition_public(villa.pk) is None  # a proposal is not public
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_execute(actor=approver, decision_id=decision.pk)
    project = monitoring.project_record(actor=case_officer, decision_id=decision.pk, purpose="Youth centre",
                                        people_served=80, start_date=datetime.date(2026, 1, 1))
    monitoring.report_write(actor=case_officer, project_id=project.pk, kind="desk_review",
                            date=datetime.date.today(), findings="Open daily", assessment="in_use", publishable=True)
    monitoring.report_write(actor=case_officer, project_id=project.pk, kind="desk_review",
                            date=datetime.date.today(), findings="Internal only", assessment="in_use")
    # Money from a sold asset's proceeds, paid to a victim
    sold = confiscated_asset(case, case_officer, title="Sold car")
    fund("300.00", asset=sold)
    money = decisions.decision_propose(actor=case_officer, kind="victim_compensation", amount="300.00",
                                       currency="EUR", proceeds_asset_id=sold.pk, legal_basis="Judgment")
    decisions.decision_approve(actor=approver, decision_id=money.pk)
    decisions.decision_execute(actor=approver, decision_id=money.pk)
    allocation = allocations.allocation_create(actor=case_officer, decision_id=money.pk, payee_type="victim",
                                               payee_name="Jane Victim-Private", payee_account="IBAN-PRIVATE",
                                               amount="300.00")
    allocations.allocation_pay(actor=finance_officer, allocation_id=allocation.pk, amount="100.00", reference="R")

    record = asset_disposition_public(villa.pk)
    assert record["decision"]["kind"] == "social_reuse" and record["decision"]["status"] == "monitoring"
    assert record["beneficiary"] == {"kind": "ngo", "kind_label": "Non-governmental organisation",
                                     "sector": "welfare", "sector_label": "Welfare", "name": ""}
    assert record["project"]["purpose"] == "Youth centre" and record["project"]["people_served"] == 80
    assert [r["findings"] for r in record["reports"]] == ["Open daily"]
    _assert_nothing_private(repr(record))
    money_record = asset_disposition_public(sold.pk)
    assert money_record["money"] == [{"payee_type": "victim", "payee_type_label": "Victims", "currency": "EUR",
                                      "allocated": Decimal("300.00"), "paid": Decimal("100.00"),
                                      "remaining": Decimal("200.00")}]
    _assert_nothing_private(repr(money_record))
    rows = list(decisions_public().values("kind", "status", "beneficiary_public_name", "beneficiary__kind"))
    assert {"kind": "social_reuse", "status": "monitoring", "beneficiary_public_name": "",
            "beneficiary__kind": "ngo"} in rows
    _assert_nothing_private(repr(rows))
