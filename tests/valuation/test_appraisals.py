"""Appraisals: draft -> submitted -> approved | rejected, the four-eyes rule, the current value."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.exceptions import NotPermitted
from valuation import selectors, services
from valuation.models import Appraisal, AppraisalStatus
from valuation.services import ValuationRefused

from .factories import approved_appraisal, pdf

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def draft(asset, valuer, amount="18000.00", value_date=None, evidence=True):
    return services.appraisal_create(
        actor=valuer, asset_id=asset.pk, method="expert", amount=Decimal(amount), currency="EUR",
        value_date=value_date or TODAY(), evidence=[(pdf(), "Expert report")] if evidence else [])


def test_valuer_drafts_submits_and_another_approves(asset, valuer, approver):
    appraisal = draft(asset, valuer)
    assert appraisal.status == AppraisalStatus.DRAFT
    services.appraisal_submit(actor=valuer, appraisal_id=appraisal.pk)
    services.appraisal_approve(actor=approver, appraisal_id=appraisal.pk)

    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.APPROVED
    assert appraisal.reviewed_by == approver
    current = selectors.asset_current_valuation(asset.pk)
    assert (current.amount, current.currency, current.appraisal_id) == (Decimal("18000.00"), "EUR", appraisal.pk)


def test_submission_needs_evidence(asset, valuer):
    appraisal = draft(asset, valuer, evidence=False)
    with pytest.raises(ValuationRefused, match="evidence"):
        services.appraisal_submit(actor=valuer, appraisal_id=appraisal.pk)


def test_evidence_is_checked_by_content(asset, valuer):
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(ValidationError, match="PDF, PNG or JPEG"):
        services.appraisal_create(actor=valuer, asset_id=asset.pk, method="expert", amount=Decimal("1.00"),
                                  currency="EUR", value_date=TODAY(), evidence=[(fake, "")])
    assert not Appraisal.objects.exists()  # nothing half-written


def test_valuer_cannot_approve_own_appraisal_even_with_approver_role(asset, make_staff):
    from custody import roles

    both = make_staff(roles.VALUER, username="valuer-approver")
    both.groups.add(*__import__("django.contrib.auth.models", fromlist=["Group"]).Group.objects.filter(
        name=roles.APPROVER))
    appraisal = draft(asset, both)
    services.appraisal_submit(actor=both, appraisal_id=appraisal.pk)
    with pytest.raises(NotPermitted, match="your own"):
        services.appraisal_approve(actor=both, appraisal_id=appraisal.pk)
    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.SUBMITTED


def test_four_eyes_rule_is_a_database_constraint_too(asset, valuer):
    appraisal = draft(asset, valuer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appraisal.objects.filter(pk=appraisal.pk).update(reviewed_by=valuer)


def test_roles_that_may_not_review_or_appraise(asset, valuer, case_officer, auditor):
    with pytest.raises(NotPermitted):
        draft(asset, case_officer)
    with pytest.raises(NotPermitted):
        draft(asset, auditor)
    appraisal = draft(asset, valuer)
    services.appraisal_submit(actor=valuer, appraisal_id=appraisal.pk)
    with pytest.raises(NotPermitted):
        services.appraisal_approve(actor=case_officer, appraisal_id=appraisal.pk)
    with pytest.raises(NotPermitted):
        services.appraisal_approve(actor=auditor, appraisal_id=appraisal.pk)


def test_rejection_needs_a_reason_and_keeps_the_previous_value(asset, valuer, approver):
    approved_appraisal(asset, valuer, approver, amount="20000.00", value_date=TODAY() - datetime.timedelta(days=30))
    appraisal = draft(asset, valuer, amount="5000.00")
    services.appraisal_submit(actor=valuer, appraisal_id=appraisal.pk)
    with pytest.raises(ValuationRefused, match="why"):
        services.appraisal_reject(actor=approver, appraisal_id=appraisal.pk, reason="  ")
    services.appraisal_reject(actor=approver, appraisal_id=appraisal.pk, reason="Comparables are scrap cars")

    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.REJECTED
    assert appraisal.rejection_reason == "Comparables are scrap cars"
    assert selectors.asset_current_valuation(asset.pk).amount == Decimal("20000.00")


def test_current_value_is_the_latest_approved_by_value_date(asset, valuer, approver):
    recent = approved_appraisal(asset, valuer, approver, amount="15000.00", value_date=TODAY())
    # An older report approved later does not displace the newer value.
    approved_appraisal(asset, valuer, approver, amount="21000.00", value_date=TODAY() - datetime.timedelta(days=90))
    current = selectors.asset_current_valuation(asset.pk)
    assert current.appraisal_id == recent.pk
    assert current.amount == Decimal("15000.00")
    assert [a.amount for a in selectors.asset_appraisals(asset.pk)] == [Decimal("15000.00"), Decimal("21000.00")]


def test_decided_appraisals_cannot_be_reviewed_again(asset, valuer, approver, second_approver):
    appraisal = approved_appraisal(asset, valuer, approver)
    with pytest.raises(ValuationRefused, match="submitted"):
        services.appraisal_reject(actor=second_approver, appraisal_id=appraisal.pk, reason="Too high")
    with pytest.raises(ValuationRefused, match="already been submitted"):
        services.appraisal_submit(actor=valuer, appraisal_id=appraisal.pk)


def test_future_value_dates_and_floats_are_refused(asset, valuer):
    with pytest.raises(ValidationError):
        draft(asset, valuer, value_date=TODAY() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError):
        services.appraisal_create(actor=valuer, asset_id=asset.pk, method="expert", amount=12.5, currency="EUR",
                                  value_date=TODAY())
