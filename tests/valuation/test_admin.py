"""valuation's staff screens (viewsets on common.admin) and its part of the register's asset page,
as each role sees and uses them: early-sale candidates, the early-sale requests and their steps,
appraisals, direct sales and depreciation profiles."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from custody import roles
from custody.models import AssetStatus, CustodyEvent
from tests.custody.admin_helpers import bring_to
from tests.factories import AssetFactory, UserFactory
from valuation import services
from valuation.models import (
    Appraisal,
    AppraisalStatus,
    DepreciationProfile,
    DirectSale,
    EarlySaleCandidate,
    EarlySaleRequest,
    EarlySaleRun,
)
from valuation.viewsets import asset_page_url

from .factories import approved_appraisal, authorised_for_early_sale, into_custody, order_for, pdf

pytestmark = pytest.mark.django_db

ROLES = ["case_officer", "custodian", "valuer", "auction_manager", "finance_officer", "approver", "auditor"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only


def action_buttons(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def asset_page(client, asset) -> str:
    response = client.get(asset_page_url(asset.pk))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def candidate(case, case_officer, valuer, approver, finance_officer):
    services.depreciation_profile_save(actor=finance_officer, category="vehicle", yearly_rate_percent=Decimal("40"))
    asset = into_custody(AssetFactory(case=case, actor=case_officer, declared_value=Decimal("50000.00")),
                         case_officer)
    approved_appraisal(asset, valuer, approver, amount="48000.00")
    services.early_sale_recommendation_run()
    return EarlySaleCandidate.objects.get(asset=asset)


@pytest.fixture
def no_role_staff(db):
    """On staff and let into the Wagtail admin, but holding no valuation permission."""
    user = UserFactory(username="intern")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


# --------------------------------------------------------------------------------------------
# Who reads what
# --------------------------------------------------------------------------------------------


LISTINGS = ["valuation_candidates:index", "valuation_early_sale:index", "valuation_direct_sales:index",
            "valuation_appraisals:index", "valuation_profiles:index"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", LISTINGS)
def test_every_staff_role_reads_every_listing(request, client, role, name):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", LISTINGS)
def test_staff_without_valuation_permissions_are_refused_with_a_403(client, no_role_staff, name):
    client.force_login(no_role_staff)
    assert client.get(reverse(name)).status_code == 403


def test_the_valuation_menu_lists_its_screens_for_staff(client, auditor, no_role_staff):
    client.force_login(auditor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    for label in ("Valuation", "Early-sale candidates", "Early-sale requests", "Direct sales", "Appraisals",
                  "Depreciation profiles"):
        assert label in html
    client.force_login(no_role_staff)
    assert reverse("valuation_early_sale:index") not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_record_pages_open_for_auditors_and_link_the_asset(client, auditor, asset, case_officer, approver,
                                                           second_approver, valuer, auction_manager):
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    authorised_for_early_sale(asset, case_officer, approver)
    sale = services.direct_sale_propose(actor=case_officer, asset_id=asset.pk, buyer_name="Dupont",
                                        buyer_contact="x@example.org", price=Decimal("20500.00"), currency="EUR",
                                        justification="Rots")
    client.force_login(auditor)
    pages = [reverse("valuation_appraisals:inspect", args=[Appraisal.objects.get().pk]),
             reverse("valuation_direct_sales:inspect", args=[sale.pk]),
             reverse("valuation_early_sale:inspect", args=[EarlySaleRequest.objects.get().pk])]
    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert asset_page_url(asset.pk) in html
        assert not action_buttons(html) - {"appraisal_add"}  # the auditor changes nothing
    html = client.get(pages[1]).content.decode()
    assert "20,500.00 EUR" in html and "Dupont" in html


# --------------------------------------------------------------------------------------------
# Early-sale candidates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_role_sees_the_candidates_with_their_numbers(client, request, role, candidate):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("valuation_candidates:index"), {"ordering": "value_today"})
    assert response.status_code == 200
    html = response.content.decode()
    assert candidate.asset.reference in html
    assert "48,000.00 EUR" in html
    may_run = role in {"case_officer", "approver", "finance_officer"}
    assert ('action="%s"' % reverse("valuation_candidates:listing_run") in html) == may_run


def test_candidates_link_to_the_asset_page_and_their_own(client, auditor, candidate):
    client.force_login(auditor)
    html = client.get(reverse("valuation_candidates:index")).content.decode()
    assert asset_page_url(candidate.asset_id) in html
    assert reverse("valuation_candidates:inspect", args=[candidate.pk]) in html


@pytest.mark.parametrize("params", [{"ordering": "password", "p": "x'1"}, {"sort": "password", "p": "x'1"},
                                    {"ordering": "-net_benefit", "p": "99"}, {"mine": "yes"}])
def test_unknown_sort_and_page_do_not_break_the_page(client, auditor, candidate, params):
    client.force_login(auditor)
    assert client.get(reverse("valuation_candidates:index"), params).status_code == 200


def test_my_cases_only(client, candidate, case_officer, second_case_officer):
    client.force_login(second_case_officer)
    mine = client.get(reverse("valuation_candidates:index"), {"mine": "1"}).content.decode()
    everyone = client.get(reverse("valuation_candidates:index")).content.decode()
    assert candidate.asset.reference in everyone and candidate.asset.reference not in mine
    client.force_login(case_officer)
    assert candidate.asset.reference in client.get(reverse("valuation_candidates:index"),
                                                   {"mine": "1"}).content.decode()


def test_run_button_recomputes_for_permitted_staff_only(client, approver, auditor, candidate):
    client.force_login(auditor)
    assert client.post(reverse("valuation_candidates:listing_run")).status_code == 403
    client.force_login(approver)
    assert client.get(reverse("valuation_candidates:listing_run")).status_code == 405  # a step: POST only
    response = client.post(reverse("valuation_candidates:listing_run"))
    assert response.status_code == 302 and response["Location"] == reverse("valuation_candidates:index")
    assert EarlySaleRun.objects.filter(trigger="admin", triggered_by=approver).exists()
    assert messages_of(response) == ["The recommendation has been recomputed: 1 candidates among 1 assets in "
                                     "custody."]


def test_a_candidate_page_offers_the_early_sale_request_to_its_case_officer(client, candidate, case_officer,
                                                                            auditor):
    url = reverse("valuation_candidates:inspect", args=[candidate.pk])
    request_url = reverse("valuation_early_sale:request", args=[candidate.asset_id])
    client.force_login(case_officer)
    html = client.get(url).content.decode()
    assert request_url in html and "48,000.00 EUR" in html
    assert "From an approved appraisal" in html and ">Yes<" in html.replace("\n", "").replace(" ", "")
    assert case_officer.get_full_name() in html
    client.force_login(auditor)
    assert request_url not in client.get(url).content.decode()


# --------------------------------------------------------------------------------------------
# The early-sale request, step by step (request, four eyes, due process, the court)
# --------------------------------------------------------------------------------------------


def test_early_sale_through_the_admin_with_four_eyes(client, asset, case_officer, approver, second_approver):
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    # The case officer sees "request early sale" on the asset's page and requests it
    client.force_login(case_officer)
    assert "early_sale_request" in action_buttons(asset_page(client, asset))
    response = client.post(reverse("valuation_early_sale:request", args=[asset.pk]), {
        "expected_status": "in_custody", "reason": "depreciation", "justification": "Loses 30% a year"})
    assert response.status_code == 302 and response["Location"] == asset_page_url(asset.pk)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.EARLY_SALE_REQUESTED
    req = EarlySaleRequest.objects.get(asset=asset)
    # Before endorsement the officer is told why the authorisation cannot be recorded yet
    html = asset_page(client, asset)
    assert "early_sale_authorise" not in action_buttons(html)
    assert "An approver must endorse the request first." in html
    # An approver endorses
    client.force_login(approver)
    assert {"early_sale_endorse", "early_sale_reject"} <= action_buttons(asset_page(client, asset))
    assert client.post(reverse("valuation_early_sale:action_endorse", args=[req.pk]),
                       {"expected_status": "requested", "note": "Agreed"}).status_code == 302
    assert EarlySaleRequest.objects.get(asset=asset).status == "endorsed"
    # The officer records the court's authorisation, citing the order
    client.force_login(case_officer)
    assert "early_sale_authorise" in action_buttons(asset_page(client, asset))
    order = order_for(asset, "early_sale")
    url = reverse("valuation_early_sale:action_authorise", args=[req.pk])
    form = client.get(url).content.decode()
    assert 'name="expected_status" value="endorsed"' in form and order.reference in form
    # ... which is refused, with the reason, until the owner and claimants have been told
    response = client.post(url, {"expected_status": "endorsed", "order": order.pk}, follow=True)
    assert "Due process" in response.content.decode()
    asset.refresh_from_db()
    assert asset.status == AssetStatus.EARLY_SALE_REQUESTED
    services.early_sale_parties_notify(actor=case_officer, asset_id=asset.pk, means="registered_letter",
                                       notified_on=datetime.date.today())
    response = client.post(url, {"expected_status": "endorsed", "order": order.pk})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == AssetStatus.EARLY_SALE_AUTHORISED


def test_requester_cannot_endorse_their_own_request_and_is_told_why(client, asset, case_officer, approver):
    # Given someone who is both case officer and approver requested the early sale
    both = UserFactory(username="both", role=roles.CASE_OFFICER)
    both.groups.add(Group.objects.get(name=roles.APPROVER))
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    req = services.early_sale_request(asset_id=asset.pk, actor=both, reason="cost", justification="Storage too dear")
    client.force_login(both)
    # Then neither the asset's page nor the request's offers the decision, and both say why not
    for html in (asset_page(client, asset),
                 client.get(reverse("valuation_early_sale:inspect", args=[req.pk])).content.decode()):
        assert not {"early_sale_endorse", "early_sale_reject", "endorse", "reject"} & action_buttons(html)
        assert "another approver must decide" in html
    # And opening the form, or a crafted POST, is refused with a message, not a 500
    url = reverse("valuation_early_sale:action_endorse", args=[req.pk])
    assert "your own request" in messages_of(client.get(url))[0]
    response = client.post(url, {}, follow=True)
    assert response.status_code == 200
    assert any("your own request" in m for m in messages_of(response)), messages_of(response)
    assert EarlySaleRequest.objects.get(asset=asset).status == "requested"


def test_reject_needs_a_reason(client, asset, case_officer, approver):
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    req = services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="cost", justification="Dear")
    client.force_login(approver)
    url = reverse("valuation_early_sale:action_reject", args=[req.pk])
    assert client.post(url, {"expected_status": "requested", "reason": ""}).status_code == 400
    response = client.post(url, {"expected_status": "requested", "reason": "Keeps its value"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_CUSTODY


def test_a_step_on_a_request_someone_else_decided_meanwhile_does_nothing(client, asset, case_officer, approver,
                                                                         second_approver):
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    req = services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="cost", justification="Dear")
    client.force_login(second_approver)
    seen = client.get(reverse("valuation_early_sale:action_reject", args=[req.pk])).content.decode()
    assert 'value="requested"' in seen
    services.early_sale_endorse(asset_id=asset.pk, actor=approver)  # meanwhile, another approver
    response = client.post(reverse("valuation_early_sale:action_reject", args=[req.pk]),
                           {"expected_status": "requested", "reason": "Too late"})
    assert response.status_code == 302
    assert "Someone else changed this" in messages_of(response)[0]
    assert EarlySaleRequest.objects.get(pk=req.pk).status == "endorsed"
    # ... and a request on an asset that moved on meanwhile likewise
    client.force_login(case_officer)
    response = client.post(reverse("valuation_early_sale:request", args=[asset.pk]),
                           {"expected_status": "in_custody", "reason": "cost", "justification": "x"})
    assert "Someone else changed this" in messages_of(response)[0]
    assert EarlySaleRequest.objects.count() == 1


def test_parties_are_notified_through_the_request_page(client, asset, case_officer, approver):
    from tests.valuation.factories import add_owner_and_claimant

    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    req = services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="cost", justification="Dear")
    owner, claimant = add_owner_and_claimant(asset.case, case_officer)
    client.force_login(case_officer)
    page = client.get(reverse("valuation_early_sale:inspect", args=[req.pk])).content.decode()
    assert "Not yet notified: Owner Oy" in page and "Not yet notified: Bank Ltd" in page
    assert "notify" in action_buttons(page)
    url = reverse("valuation_early_sale:action_notify", args=[req.pk])
    future = {"expected_status": "requested", "party": owner.pk, "means": "registered_letter",
              "notified_on": "2999-01-01"}
    response = client.post(url, future)
    assert response.status_code == 400 and "cannot be dated in the future" in response.content.decode()
    client.post(url, {**future, "notified_on": datetime.date.today().isoformat(), "reference": "RR-1"})
    page = client.get(reverse("valuation_early_sale:inspect", args=[req.pk])).content.decode()
    assert "Not yet notified: Owner Oy" not in page and "RR-1" in page
    assert CustodyEvent.objects.filter(asset=asset, transition="early_sale_notice").count() == 1


def test_sell_at_auction_from_the_request_page(client, asset, case_officer, approver, auction_manager):
    authorised_for_early_sale(asset, case_officer, approver)
    req = EarlySaleRequest.objects.get(asset=asset)
    client.force_login(case_officer)
    assert "early_sale_auction" not in action_buttons(asset_page(client, asset))
    client.force_login(auction_manager)
    assert {"early_sale_auction", "direct_sale_propose"} <= action_buttons(asset_page(client, asset))
    response = client.post(reverse("valuation_early_sale:action_auction", args=[req.pk]),
                           {"expected_status": "authorised"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == AssetStatus.FOR_SALE
    assert "early_sale_auction" not in action_buttons(asset_page(client, asset))


@pytest.mark.parametrize(("step", "data"), [
    ("request", {"expected_status": "in_custody", "reason": "cost", "justification": "x"}),
    ("endorse", {"expected_status": "requested"}),
    ("reject", {"expected_status": "requested", "reason": "x"}),
    ("notify", {"expected_status": "requested", "means": "public_notice", "notified_on": "2026-01-02"}),
    ("authorise", {"expected_status": "requested"}),
    ("auction", {"expected_status": "requested"}),
])
def test_auditor_posts_are_refused(client, asset, case_officer, approver, auditor, step, data):
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    if step == "request":
        url = reverse("valuation_early_sale:request", args=[asset.pk])
    else:
        req = services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="cost", justification="x")
        url = reverse(f"valuation_early_sale:action_{step}", args=[req.pk])
    events = CustodyEvent.objects.filter(asset=asset).count()
    client.force_login(auditor)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert CustodyEvent.objects.filter(asset=asset).count() == events


# --------------------------------------------------------------------------------------------
# Appraisals
# --------------------------------------------------------------------------------------------


def test_asset_page_shows_the_valuation_history_chart_and_review_buttons(client, asset, valuer, approver):
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    pending = services.appraisal_create(actor=valuer, asset_id=asset.pk, method="expert", amount=Decimal("18000.00"),
                                        currency="EUR", value_date=asset.created_at.date(), evidence=[(pdf(), "")])
    services.appraisal_submit(actor=valuer, appraisal_id=pending.pk)
    approve = reverse("valuation_appraisals:action_approve", args=[pending.pk])
    client.force_login(approver)
    html = asset_page(client, asset)
    assert "<svg" in html and "<polyline" in html
    assert approve in html and "20,000.00 EUR" in html
    client.force_login(valuer)
    html = asset_page(client, asset)
    assert approve not in html
    assert reverse("valuation_appraisals:add") + f"?asset={asset.pk}" in html


def test_approve_and_reject_through_the_admin(client, asset, valuer, approver):
    a = services.appraisal_create(actor=valuer, asset_id=asset.pk, method="expert", amount=Decimal("1000.00"),
                                  currency="EUR", value_date=asset.created_at.date(), evidence=[(pdf(), "")])
    services.appraisal_submit(actor=valuer, appraisal_id=a.pk)
    client.force_login(valuer)
    assert client.post(reverse("valuation_appraisals:action_approve", args=[a.pk])).status_code == 403
    client.force_login(approver)
    response = client.post(reverse("valuation_appraisals:action_reject", args=[a.pk]), {"reason": ""})
    assert response.status_code == 400
    client.post(reverse("valuation_appraisals:action_reject", args=[a.pk]), {"reason": "No comparables"})
    a.refresh_from_db()
    assert a.status == AppraisalStatus.REJECTED


def test_nobody_reviews_their_own_appraisal_and_the_page_says_why(client, asset, make_staff):
    both = make_staff(roles.VALUER, username="valuer-approver")
    both.groups.add(Group.objects.get(name=roles.APPROVER))
    a = services.appraisal_create(actor=both, asset_id=asset.pk, method="expert", amount=Decimal("1000.00"),
                                  currency="EUR", value_date=asset.created_at.date(), evidence=[(pdf(), "")])
    services.appraisal_submit(actor=both, appraisal_id=a.pk)
    client.force_login(both)
    html = client.get(reverse("valuation_appraisals:inspect", args=[a.pk])).content.decode()
    assert not {"approve", "reject"} & action_buttons(html)
    assert "another approver must do it" in html
    response = client.post(reverse("valuation_appraisals:action_approve", args=[a.pk]),
                           {"expected_status": "submitted"})
    assert "your own appraisal" in messages_of(response)[0]
    a.refresh_from_db()
    assert a.status == AppraisalStatus.SUBMITTED


def test_valuer_drafts_an_appraisal_with_evidence_submits_it_and_bad_files_are_refused(client, asset, valuer):
    client.force_login(valuer)
    url = reverse("valuation_appraisals:add")
    form = client.get(url, {"asset": asset.pk}).content.decode()
    assert f'value="{asset.reference}"' in form
    data = {"asset": asset.reference, "method": "market", "amount": "12500.00", "currency": "EUR",
            "value_date": "2026-01-15", "notes": ""}
    bad = client.post(url, {**data, "evidence": pdf("x.pdf").__class__("x.pdf", b"GIF89a....", "image/gif")})
    assert bad.status_code == 400 and "PDF, PNG or JPEG" in bad.content.decode()
    assert not Appraisal.objects.exists()
    unknown = client.post(url, {**data, "asset": "NO-SUCH-ASSET", "evidence": pdf()})
    assert unknown.status_code == 400 and "No asset has this reference." in unknown.content.decode()
    ok = client.post(url, {**data, "evidence": pdf()})
    appraisal = Appraisal.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("valuation_appraisals:inspect", args=[appraisal.pk])
    assert appraisal.amount == Decimal("12500.00") and appraisal.evidence.count() == 1
    assert "submit" in action_buttons(client.get(ok["Location"]).content.decode())
    client.post(reverse("valuation_appraisals:action_submit", args=[appraisal.pk]), {"expected_status": "draft"})
    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.SUBMITTED


def test_a_refused_appraisal_is_shown_on_the_form_not_a_500(client, asset, valuer):
    client.force_login(valuer)
    response = client.post(reverse("valuation_appraisals:add"), {
        "asset": asset.reference, "method": "market", "amount": "12500.00", "currency": "EUR",
        "value_date": "2999-01-15", "evidence": pdf()})
    assert response.status_code == 400
    assert "cannot refer to a future date" in response.content.decode()
    assert not Appraisal.objects.exists()


@pytest.mark.parametrize("role", ["case_officer", "approver", "auditor", "custodian"])
def test_only_valuers_open_the_appraisal_form(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("valuation_appraisals:add")).status_code == 403


# --------------------------------------------------------------------------------------------
# Depreciation profiles
# --------------------------------------------------------------------------------------------


def test_profiles_are_editable_by_finance_not_by_auditors(client, finance_officer, auditor):
    client.force_login(auditor)
    listing = client.get(reverse("valuation_profiles:index"))
    assert listing.status_code == 200 and "Vehicle" in listing.content.decode()
    assert client.get(reverse("valuation_profiles:add"), {"category": "vehicle"}).status_code == 403
    assert f'href="{reverse("valuation_profiles:add")}?category=vehicle"' not in listing.content.decode()
    client.force_login(finance_officer)
    listing = client.get(reverse("valuation_profiles:index")).content.decode()
    assert f'href="{reverse("valuation_profiles:add")}?category=vehicle"' in listing
    url = reverse("valuation_profiles:add") + "?category=vehicle"
    response = client.post(url, {"category": "vehicle", "yearly_rate_percent": "150", "daily_upkeep": "0",
                                 "currency": "EUR"})
    assert response.status_code == 400
    client.post(url, {"category": "vehicle", "yearly_rate_percent": "22.5", "daily_upkeep": "0", "currency": "EUR"})
    profile = DepreciationProfile.objects.get(category="vehicle")
    assert profile.yearly_rate_percent == Decimal("22.5") and profile.updated_by == finance_officer
    assert client.get(reverse("valuation_profiles:add"), {"category": "spaceship"}).status_code == 404
    # The category's address now opens its profile's form, which changes it through the service
    edit = reverse("valuation_profiles:edit", args=[profile.pk])
    assert client.get(reverse("valuation_profiles:add"), {"category": "vehicle"})["Location"] == edit
    client.post(edit, {"category": "cash", "yearly_rate_percent": "30", "daily_upkeep": "1.50", "currency": "EUR"})
    profile.refresh_from_db()
    assert (profile.category, profile.yearly_rate_percent, profile.daily_upkeep) == (
        "vehicle", Decimal("30.00"), Decimal("1.50"))
    client.force_login(auditor)
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"yearly_rate_percent": "1", "daily_upkeep": "0", "currency": "EUR"}).status_code == 403


def test_a_category_has_one_profile_and_the_listing_says_which_have_none(client, finance_officer):
    from custody.models import AssetCategory

    for category in AssetCategory.values[1:]:
        services.depreciation_profile_save(actor=finance_officer, category=category)
    client.force_login(finance_officer)
    listing = client.get(reverse("valuation_profiles:index")).content.decode()
    first = AssetCategory.choices[0]
    assert "No profile (keeps its value at no upkeep):" in listing and str(first[1]) in listing
    form = client.get(reverse("valuation_profiles:add")).content.decode()
    assert f'value="{first[0]}"' in form and 'value="vehicle"' not in form
    services.depreciation_profile_save(actor=finance_officer, category=first[0])
    listing = client.get(reverse("valuation_profiles:index")).content.decode()
    assert "No profile" not in listing and reverse("valuation_profiles:add") not in listing


# --------------------------------------------------------------------------------------------
# Direct sales
# --------------------------------------------------------------------------------------------


def test_direct_sale_through_the_admin(client, asset, case_officer, approver, second_approver, valuer,
                                       auction_manager):
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    authorised_for_early_sale(asset, case_officer, approver)
    client.force_login(case_officer)
    url = reverse("valuation_direct_sales:add")
    form = client.get(url, {"asset": asset.pk}).content.decode()
    assert f'value="{asset.reference}"' in form and 'value="20,000.00"' in form
    data = {"asset": asset.reference, "buyer_name": "Dupont", "buyer_contact": "x@example.org", "currency": "EUR",
            "justification": "Rots"}
    low = client.post(url, {**data, "price": "100.00"})
    assert low.status_code == 400 and "below the approved valuation" in low.content.decode()
    assert client.post(url, {**data, "price": "20000.00"}).status_code == 302
    sale = asset.direct_sales.get()
    # The proposer is not offered the approval (four eyes), another approver is
    client.force_login(approver)
    page = reverse("valuation_direct_sales:inspect", args=[sale.pk])
    assert {"approve", "reject"} <= action_buttons(client.get(page).content.decode())
    client.force_login(second_approver)
    client.post(reverse("valuation_direct_sales:action_approve", args=[sale.pk]))
    # The sales staff issue its invoice (settlement's step on this page); the asset is on offer to the buyer
    client.force_login(auction_manager)
    assert "issue_invoice" in action_buttons(client.get(page).content.decode())
    client.post(reverse("valuation_direct_sales:action_issue_invoice", args=[sale.pk]),
                {"expected_status": "approved"})
    asset.refresh_from_db()
    assert asset.status == "for_sale"
    assert DirectSale.objects.get().status == "invoiced"


def test_the_proposer_cannot_approve_their_own_sale(client, asset, case_officer, approver, valuer, make_staff):
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    authorised_for_early_sale(asset, case_officer, approver)
    both = make_staff(roles.CASE_OFFICER, username="officer-approver")
    both.groups.add(Group.objects.get(name=roles.APPROVER))
    sale = services.direct_sale_propose(actor=both, asset_id=asset.pk, buyer_name="Dupont",
                                        buyer_contact="x@example.org", price=Decimal("20000.00"), currency="EUR",
                                        justification="Rots")
    client.force_login(both)
    html = client.get(reverse("valuation_direct_sales:inspect", args=[sale.pk])).content.decode()
    assert not {"approve", "reject"} & action_buttons(html) and "another approver must do it" in html
    response = client.post(reverse("valuation_direct_sales:action_approve", args=[sale.pk]))
    assert "you proposed" in messages_of(response)[0]
    assert DirectSale.objects.get().status == "proposed"


def test_a_direct_sale_needs_the_courts_authorisation(client, asset, case_officer, approver, valuer):
    into_custody(asset, case_officer)
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    client.force_login(case_officer)
    response = client.post(reverse("valuation_direct_sales:add"), {
        "asset": asset.reference, "buyer_name": "Dupont", "buyer_contact": "x", "currency": "EUR",
        "justification": "Rots", "price": "20000.00"})
    assert response.status_code == 400 and "authorisation must be recorded first" in response.content.decode()
    assert not DirectSale.objects.exists()
