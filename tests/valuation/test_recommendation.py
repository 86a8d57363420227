"""The nightly early-sale recommendation: who is a candidate, the numbers, and one digest per officer."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from common.exceptions import NotPermitted
from tests.factories import AssetFactory, CaseFactory, StorageLocationFactory
from valuation import services
from valuation.models import CandidateNotice, EarlySaleCandidate, RunTrigger

from .factories import approved_appraisal, into_custody
from .reference import early_sale_figures

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def profiles(finance_officer):
    services.depreciation_profile_save(actor=finance_officer, category="vehicle", yearly_rate_percent=Decimal("30"))
    services.depreciation_profile_save(actor=finance_officer, category="perishable", shelf_life_days=20)
    services.depreciation_profile_save(actor=finance_officer, category="real_estate")


@pytest.fixture
def portfolio(profiles, case_officer, second_case_officer, valuer, approver):
    """A fast-losing car and a flat on officer 1's case; fruit on officer 2's case; a car whose case
    is decided next week."""
    yard = StorageLocationFactory(name="Yard", daily_rate=Decimal("15.00"))
    case1 = CaseFactory(case_officer=case_officer, expected_decision_date=TODAY() + datetime.timedelta(days=730))
    case2 = CaseFactory(case_officer=second_case_officer,
                        expected_decision_date=TODAY() + datetime.timedelta(days=400))
    case3 = CaseFactory(case_officer=case_officer, expected_decision_date=TODAY() + datetime.timedelta(days=7))
    car = into_custody(AssetFactory(case=case1, actor=case_officer, category="vehicle", location=yard,
                                    declared_value=Decimal("40000.00")), case_officer)
    approved_appraisal(car, valuer, approver, amount="38000.00")
    flat = into_custody(AssetFactory(case=case1, actor=case_officer, category="real_estate",
                                     declared_value=Decimal("250000.00")), case_officer)
    fruit = into_custody(AssetFactory(case=case2, actor=second_case_officer, category="perishable", perishable=True,
                                      declared_value=Decimal("800.00")), second_case_officer)
    soon = into_custody(AssetFactory(case=case3, actor=case_officer, category="vehicle",
                                     declared_value=Decimal("9000.00")), case_officer)
    return {"car": car, "flat": flat, "fruit": fruit, "soon": soon}


def test_candidates_are_the_assets_worth_selling_now_with_their_numbers(portfolio):
    run = services.early_sale_recommendation_run(trigger=RunTrigger.COMMAND)

    by_asset = {c.asset_id: c for c in EarlySaleCandidate.objects.all()}
    car, fruit = by_asset[portfolio["car"].pk], by_asset[portfolio["fruit"].pk]
    assert set(by_asset) == {portfolio["car"].pk, portfolio["fruit"].pk}
    assert run.candidate_count == 2 and run.assets_considered == 4
    # The car: 38,000 today, 38,000 × 0.7² = 18,620 in two years, plus 730 days × 15 storage.
    assert car.value_today == Decimal("38000.00") and car.appraised
    assert car.projected_value == Decimal("18620.00")
    assert car.daily_cost == Decimal("15.00") and car.accrued_costs == Decimal("10950.00")
    assert car.sale_cost == Decimal("2150.00")  # 5% + 250
    assert car.net_benefit == Decimal("38000.00") - Decimal("18620.00") + Decimal("10950.00") - Decimal("2150.00")
    # The fruit is listed because it is perishable within its urgency window, whatever the money says.
    assert fruit.urgent and fruit.shelf_days_left == 20
    assert not fruit.appraised and fruit.value_today == Decimal("800.00")


def test_each_candidate_matches_the_per_asset_reference(portfolio):
    services.early_sale_recommendation_run()
    for candidate in EarlySaleCandidate.objects.select_related("asset__case", "asset__location"):
        ref = early_sale_figures(candidate.asset, as_of=TODAY())
        assert (candidate.value_today, candidate.projected_value, candidate.net_benefit) == (
            ref.value_today, ref.projected_value, ref.net_benefit)


@override_settings(EARLY_SALE_THRESHOLD_AMOUNT=Decimal("100000"))
def test_threshold_is_configurable(portfolio):
    services.early_sale_recommendation_run()
    assert list(EarlySaleCandidate.objects.values_list("asset_id", flat=True)) == [portfolio["fruit"].pk]


def test_each_run_replaces_the_candidates(portfolio, case_officer):
    services.early_sale_recommendation_run()
    services.early_sale_request(asset_id=portfolio["car"].pk, actor=case_officer, reason="depreciation",
                                justification="Recommended")
    run = services.early_sale_recommendation_run()
    assert list(EarlySaleCandidate.objects.values_list("asset_id", "run_id")) == [(portfolio["fruit"].pk, run.pk)]


def test_officers_get_one_digest_and_reruns_do_not_repeat_it(portfolio, case_officer, second_case_officer,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.early_sale_recommendation_run()
    assert len(callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([case_officer.email, second_case_officer.email])
    officer_mail = next(m for m in mail.outbox if m.to == [case_officer.email])
    assert portfolio["car"].reference in officer_mail.body
    assert portfolio["fruit"].reference not in officer_mail.body  # not this officer's case
    assert "1 asset" in officer_mail.subject
    # Amounts grouped with their currency, the decision date written as on every page
    assert "Value today: 38,000.00 EUR" in officer_mail.body
    decision = (TODAY() + datetime.timedelta(days=730)).strftime("%d %b %Y")
    assert f"at the expected decision ({decision})" in officer_mail.body

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("compute_early_sale_candidates")
    assert callbacks == []
    assert len(mail.outbox) == 2
    assert CandidateNotice.objects.count() == 2


def test_a_new_candidate_is_notified_the_next_time(portfolio, case_officer, valuer, approver,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.early_sale_recommendation_run()
    mail.outbox.clear()
    # The flat turns out to be in a collapsing building: a revised value makes keeping it costly.
    services.depreciation_profile_save(actor=valuer, category="real_estate",
                                       yearly_rate_percent=Decimal("15"))
    with django_capture_on_commit_callbacks(execute=True):
        services.early_sale_recommendation_run()
    assert len(mail.outbox) == 1
    assert portfolio["flat"].reference in mail.outbox[0].body
    assert portfolio["car"].reference not in mail.outbox[0].body


def test_digest_task_is_safe_to_run_twice(portfolio, case_officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.early_sale_recommendation_run()
    mail.outbox.clear()
    assert services.early_sale_digest_send(run_id=run.pk, officer_id=case_officer.pk) == 0
    assert mail.outbox == []


def test_admin_trigger_needs_the_permission(portfolio, custodian, approver):
    with pytest.raises(NotPermitted):
        services.early_sale_recommendation_run(trigger=RunTrigger.ADMIN, actor=custodian)
    run = services.early_sale_recommendation_run(trigger=RunTrigger.ADMIN, actor=approver)
    assert run.triggered_by == approver


def test_storage_costs_accrue_once_per_period_and_post_to_the_ledger(portfolio, finance_officer, case_officer):
    from ledger import selectors as ledger_selectors
    from valuation.models import StorageCostAccrual

    start, end = TODAY(), TODAY() + datetime.timedelta(days=29)
    assert services.storage_costs_accrue(period_start=start, period_end=end) == 1  # only the car is in a paid yard
    assert services.storage_costs_accrue(period_start=start, period_end=end) == 0
    accrual = StorageCostAccrual.objects.get()
    assert (accrual.days, accrual.amount, accrual.component) == (30, Decimal("450.00"), "storage")
    with pytest.raises(NotPermitted):
        services.storage_cost_accruals_post(actor=case_officer, accrual_ids=[accrual.pk])
    assert services.storage_cost_accruals_post(actor=finance_officer, accrual_ids=[accrual.pk]) == 1
    assert services.storage_cost_accruals_post(actor=finance_officer, accrual_ids=[accrual.pk]) == 0
    assert ledger_selectors.trial_balance() == {"EUR": Decimal("0.00")}


def test_nightly_task_is_scheduled_and_runs_the_recommendation(portfolio, settings):
    from valuation import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["valuation-early-sale-recommendation"]
    assert entry["task"] == tasks.compute_early_sale_candidates.name
    run_id = tasks.compute_early_sale_candidates.delay().get()
    assert EarlySaleCandidate.objects.filter(run_id=run_id).count() == 2


def test_command_reports_what_it_found(portfolio, capsys):
    call_command("compute_early_sale_candidates")
    out = capsys.readouterr().out
    assert "4 assets in custody considered, 2 candidates" in out
