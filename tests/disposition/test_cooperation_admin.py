"""The Cooperation menu of the staff admin: requests, foreign orders, assets frozen abroad and
agreements recorded and moved through their steps on their pages, for the roles that may; 403 for
the others."""

import pytest
from django.urls import reverse

from disposition.models import (
    AgreementStatus,
    AssetFrozenAbroad,
    CooperationRequest,
    ForeignOrder,
    ForeignOrderStatus,
    RequestStatus,
    SharingAgreement,
)
from disposition.services import cooperation
from tests.disposition.coop_helpers import days_ago, describe_and_check, received_order

pytestmark = pytest.mark.django_db


def test_the_menu_and_its_screens_answer_each_role(client, case_officer, auditor, custodian):
    client.force_login(case_officer)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Cooperation" in home
    for name in ("cooperation_requests:index", "cooperation_foreign_orders:index", "cooperation_frozen_abroad:index",
                 "cooperation_agreements:index", "cooperation_report:index", "cooperation_map:index"):
        assert client.get(reverse(name)).status_code == 200, name
    client.force_login(auditor)
    assert client.get(reverse("cooperation_requests:index")).status_code == 200
    assert client.get(reverse("cooperation_requests:add")).status_code == 403
    client.force_login(custodian)
    assert client.get(reverse("cooperation_requests:index")).status_code == 403
    assert "Cooperation" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_request_is_recorded_on_its_form_and_answered_from_its_page(client, case_officer, case):
    client.force_login(case_officer)
    form = {"direction": "sent", "kind": "mla", "counterpart_state": "CH",
            "counterpart_authority": "Federal Office of Justice", "legal_basis": "bilateral", "treaty": "",
            "channel": "central_authority", "reference": "MLA-77", "subject": "Bank records",
            "sent_on": days_ago(20).isoformat(), "cases": [case.pk]}
    response = client.post(reverse("cooperation_requests:add"), form)
    assert response.status_code == 400 and "Name the bilateral treaty." in response.content.decode()
    response = client.post(reverse("cooperation_requests:add"), {**form, "treaty": "BE–CH treaty of 2004"})
    assert response.status_code == 302
    request = CooperationRequest.objects.get(reference="MLA-77")
    page = client.get(reverse("cooperation_requests:inspect", args=[request.pk])).content.decode()
    assert 'data-action="acknowledge"' in page and 'data-action="answer"' in page
    answer = reverse("cooperation_requests:action_answer", args=[request.pk])
    assert client.post(answer, {"expected_status": "open", "on": days_ago(2).isoformat(),
                                "outcome": "Records sent"}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    page = client.get(reverse("cooperation_requests:inspect", args=[request.pk])).content.decode()
    assert 'data-event="answer"' in page and "Records sent" in page and 'data-action="answer"' not in page


def test_a_foreign_order_is_checked_and_registered_from_its_page(client, case_officer, case):
    client.force_login(case_officer)
    response = client.post(reverse("cooperation_foreign_orders:add"), {
        "order_type": "freezing", "issuing_state": "CH", "issuing_authority": "Public Prosecutor of Geneva",
        "foreign_case_reference": "GE-1", "foreign_order_reference": "GE-ORD-1",
        "issued_on": days_ago(10).isoformat(), "received_on": days_ago(9).isoformat(), "case": case.pk,
        "summary": "", "set_aside_days": "30"})
    assert response.status_code == 302, response.content.decode()[:2000]
    order = ForeignOrder.objects.get(foreign_order_reference="GE-ORD-1")
    inspect = reverse("cooperation_foreign_orders:inspect", args=[order.pk])
    page = client.get(inspect).content.decode()
    assert "Still to check" in page and 'data-action="register"' not in page
    item = reverse("cooperation_foreign_orders:action_item", args=[order.pk])
    assert client.post(item, {"expected_status": "received", "category": "vehicle", "title": "Porsche 911",
                              "declared_value": "85000", "currency": "EUR"}).status_code == 302
    check = reverse("cooperation_foreign_orders:action_check", args=[order.pk])
    for kind in ("final", "defence", "property_here", "certified_copy"):
        assert client.post(check, {"expected_status": "received", "kind": kind, "passed": "yes",
                                   "note": "Seen in the file"}).status_code == 302
    page = client.get(inspect).content.decode()
    assert 'data-action="register"' in page and page.count("data-check>") == 4
    register = reverse("cooperation_foreign_orders:action_register", args=[order.pk])
    assert client.post(register, {"expected_status": "received"}).status_code == 302
    order.refresh_from_db()
    assert order.status == ForeignOrderStatus.REGISTERED
    asset = order.assets.get()
    page = client.get(inspect).content.decode()
    assert asset.reference in page and reverse("custody_asset_detail", args=[asset.pk]) in page


def test_assets_frozen_abroad_and_agreements_are_recorded_on_their_forms(client, case_officer, approver, case):
    client.force_login(case_officer)
    response = client.post(reverse("cooperation_agreements:add"), {
        "title": "Sharing with Switzerland", "kind": "sharing", "legal_basis": "UNCAC art. 57",
        "conditions_on_use": "", "monitoring": "", "publishable": "on", "counterpart_contact": "",
        "internal_notes": ""})
    assert response.status_code == 302
    agreement = SharingAgreement.objects.get(title="Sharing with Switzerland")
    share = reverse("cooperation_agreements:action_share", args=[agreement.pk])
    assert client.post(share, {"expected_status": "draft", "state": "CH", "percent": "50"}).status_code == 302
    response = client.post(reverse("cooperation_frozen_abroad:add"), {
        "case": case.pk, "country": "CH", "asset_type": "bank_account", "description": "Geneva account",
        "amount": "1,250,000.00", "currency": "CHF", "frozen_on": days_ago(700).isoformat(), "next_step": "",
        "blocker": "Awaiting the Swiss judgment", "agreement": agreement.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    item = AssetFrozenAbroad.objects.get()
    assert str(item.amount) == "1250000.00" and item.agreement == agreement
    page = client.get(reverse("cooperation_frozen_abroad:inspect", args=[item.pk])).content.decode()
    assert "700" in page and 'data-action="start_proceedings"' in page
    client.force_login(approver)
    sign = reverse("cooperation_agreements:action_sign", args=[agreement.pk])
    assert client.post(sign, {"expected_status": "draft", "signed_on": days_ago(1).isoformat()}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    page = client.get(reverse("cooperation_agreements:inspect", args=[agreement.pk])).content.decode()
    assert "data-public-link" in page


def test_an_enforceable_refusal_is_shown_on_the_order_page(client, case_officer, case):
    order = received_order(case_officer, case)
    describe_and_check(case_officer, order)
    cooperation.foreign_order_register(actor=case_officer, order_id=order.pk)
    cooperation.foreign_order_serve_notice(actor=case_officer, order_id=order.pk, served_on=days_ago(1))
    client.force_login(case_officer)
    page = client.get(reverse("cooperation_foreign_orders:inspect", args=[order.pk])).content.decode()
    assert 'data-blocked-action="enforce"' in page and "period to apply" in page
