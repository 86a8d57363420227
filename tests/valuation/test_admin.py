"""The valuation pages in the Wagtail admin, as each role sees them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import AssetFactory
from valuation import services
from valuation.models import Appraisal, AppraisalStatus, DepreciationProfile, EarlySaleCandidate, EarlySaleRun

from .factories import approved_appraisal, authorised_for_early_sale, into_custody, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(case, case_officer, valuer, approver, finance_officer):
    services.depreciation_profile_save(actor=finance_officer, category="vehicle", yearly_rate_percent=Decimal("40"))
    asset = into_custody(AssetFactory(case=case, actor=case_officer, declared_value=Decimal("50000.00")),
                         case_officer)
    approved_appraisal(asset, valuer, approver, amount="48000.00")
    services.early_sale_recommendation_run()
    return EarlySaleCandidate.objects.get(asset=asset)


@pytest.mark.parametrize("role", ["case_officer", "valuer", "approver", "finance_officer", "auditor", "custodian",
                                  "auction_manager"])
def test_every_staff_role_sees_the_candidates_with_their_numbers(client, request, role, candidate):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("valuation_candidates"), {"sort": "value", "dir": "asc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert candidate.asset.reference in html
    assert "48,000.00" in html or "48000.00" in html
    may_run = role in {"case_officer", "approver", "finance_officer"}
    assert ('action="%s"' % reverse("valuation_candidates_run") in html) == may_run


def test_candidates_link_to_the_asset_page(client, auditor, candidate):
    client.force_login(auditor)
    html = client.get(reverse("valuation_candidates")).content.decode()
    assert reverse("custody_asset_detail", args=[candidate.asset_id]) in html


def test_unknown_sort_and_page_do_not_break_the_page(client, auditor, candidate):
    client.force_login(auditor)
    assert client.get(reverse("valuation_candidates"), {"sort": "password", "p": "x'1"}).status_code == 200


def test_run_button_recomputes_for_permitted_staff_only(client, approver, auditor, candidate):
    client.force_login(auditor)
    assert client.post(reverse("valuation_candidates_run")).status_code == 403
    client.force_login(approver)
    response = client.post(reverse("valuation_candidates_run"))
    assert response.status_code == 302
    assert EarlySaleRun.objects.filter(trigger="admin", triggered_by=approver).exists()


def test_asset_page_shows_the_valuation_history_chart_and_review_buttons(client, asset, valuer, approver):
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    pending = services.appraisal_create(actor=valuer, asset_id=asset.pk, method="expert", amount=Decimal("18000.00"),
                                        currency="EUR", value_date=asset.created_at.date(), evidence=[(pdf(), "")])
    services.appraisal_submit(actor=valuer, appraisal_id=pending.pk)
    client.force_login(approver)
    html = client.get(reverse("custody_asset_detail", args=[asset.pk])).content.decode()
    assert "<svg" in html and "<polyline" in html
    assert reverse("valuation_appraisal_approve", args=[pending.pk]) in html
    client.force_login(valuer)
    html = client.get(reverse("custody_asset_detail", args=[asset.pk])).content.decode()
    assert reverse("valuation_appraisal_approve", args=[pending.pk]) not in html


def test_approve_and_reject_through_the_admin(client, asset, valuer, approver):
    a = services.appraisal_create(actor=valuer, asset_id=asset.pk, method="expert", amount=Decimal("1000.00"),
                                  currency="EUR", value_date=asset.created_at.date(), evidence=[(pdf(), "")])
    services.appraisal_submit(actor=valuer, appraisal_id=a.pk)
    client.force_login(valuer)
    assert client.post(reverse("valuation_appraisal_approve", args=[a.pk])).status_code == 403
    client.force_login(approver)
    response = client.post(reverse("valuation_appraisal_reject", args=[a.pk]), {"reason": ""})
    assert response.status_code == 400
    client.post(reverse("valuation_appraisal_reject", args=[a.pk]), {"reason": "No comparables"})
    a.refresh_from_db()
    assert a.status == AppraisalStatus.REJECTED


def test_valuer_drafts_an_appraisal_with_evidence_and_bad_files_are_refused(client, asset, valuer):
    client.force_login(valuer)
    url = reverse("valuation_appraisal_add", args=[asset.pk])
    data = {"method": "market", "amount": "12500.00", "currency": "EUR", "value_date": "2026-01-15", "notes": ""}
    bad = client.post(url, {**data, "evidence": pdf("x.pdf").__class__("x.pdf", b"GIF89a....", "image/gif")})
    assert bad.status_code == 400 and "PDF, PNG or JPEG" in bad.content.decode()
    assert not Appraisal.objects.exists()
    ok = client.post(url, {**data, "evidence": pdf()})
    assert ok.status_code == 302
    assert Appraisal.objects.get().amount == Decimal("12500.00")


def test_profiles_are_editable_by_finance_not_by_auditors(client, finance_officer, auditor):
    client.force_login(auditor)
    assert client.get(reverse("valuation_profiles")).status_code == 200
    assert client.get(reverse("valuation_profile_edit", args=["vehicle"])).status_code == 403
    client.force_login(finance_officer)
    response = client.post(reverse("valuation_profile_edit", args=["vehicle"]),
                           {"yearly_rate_percent": "150", "daily_upkeep": "0", "currency": "EUR"})
    assert response.status_code == 400
    client.post(reverse("valuation_profile_edit", args=["vehicle"]),
                {"yearly_rate_percent": "22.5", "daily_upkeep": "0", "currency": "EUR"})
    assert DepreciationProfile.objects.get(category="vehicle").yearly_rate_percent == Decimal("22.5")
    assert client.get(reverse("valuation_profile_edit", args=["spaceship"])).status_code == 404


def test_direct_sale_through_the_admin(client, asset, case_officer, approver, second_approver, valuer,
                                       auction_manager):
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    authorised_for_early_sale(asset, case_officer, approver)
    client.force_login(case_officer)
    url = reverse("valuation_direct_sale_add", args=[asset.pk])
    form = {"buyer_name": "Dupont", "buyer_contact": "x@example.org", "currency": "EUR", "justification": "Rots"}
    low = client.post(url, {**form, "price": "100.00"})
    assert low.status_code == 400 and "below the approved valuation" in low.content.decode()
    assert client.post(url, {**form, "price": "20000.00"}).status_code == 302
    sale = asset.direct_sales.get()
    client.force_login(second_approver)
    client.post(reverse("valuation_direct_sale_decide", args=[sale.pk, "approve"]))
    client.force_login(auction_manager)
    client.post(reverse("valuation_direct_sale_decide", args=[sale.pk, "complete"]))
    asset.refresh_from_db()
    assert asset.status == "sold"
