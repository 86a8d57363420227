"""The money trail of a decision over proceeds (allocated, paid, remaining; never over-paid, even by
two finance officers at the same moment) and the monitoring of reuse projects (reports, photos,
overdue alerts sent once, a failing report leading to revocation)."""

import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from common.exceptions import DomainError, TransitionRefused
from custody import roles
from custody.models import AssetStatus
from disposition.models import AllocationPayment, DecisionStatus, ReusePhoto
from disposition.services import allocations, decisions, monitoring
from disposition.tasks import reuse_reports_overdue
from ledger.models import AccountPurpose, JournalEntry
from ledger.selectors import trial_balance
from tests.disposition.reuse_helpers import beneficiary, confiscated_asset, fund
from tests.factories import UserFactory

D = Decimal


def executed_proceeds_decision(officer, approver, amount="1000.00"):
    fund(amount)
    decision = decisions.decision_propose(actor=officer, kind="victim_compensation", amount=amount, currency="EUR",
                                          legal_basis="Judgment 2026/14")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    return decisions.decision_execute(actor=approver, decision_id=decision.pk)


@pytest.mark.django_db
def test_allocations_and_payments_show_allocated_paid_and_remaining(case_officer, approver, finance_officer):
    decision = executed_proceeds_decision(case_officer, approver)
    first = allocations.allocation_create(actor=case_officer, decision_id=decision.pk, payee_type="victim",
                                          payee_name="Jane Victim-Private", amount="600.00")
    with pytest.raises(DomainError, match="400.00 EUR of the decision still unallocated"):
        allocations.allocation_create(actor=case_officer, decision_id=decision.pk, payee_type="victim",
                                      payee_name="John Other", amount="400.01")
    allocations.allocation_create(actor=case_officer, decision_id=decision.pk, payee_type="victim",
                                  payee_name="John Other", amount="400.00")
    payment = allocations.allocation_pay(actor=finance_officer, allocation_id=first.pk, amount="250.00",
                                         reference="SEPA-1")
    assert payment.journal_entry.source == f"allocation:{first.pk}"
    postings = {p.account.purpose: p.amount for p in payment.journal_entry.postings.select_related("account")}
    assert postings == {AccountPurpose.VICTIM_COMPENSATION: D("250.00"), AccountPurpose.BANK: D("-250.00")}
    with pytest.raises(DomainError, match="350.00 EUR still to pay"):
        allocations.allocation_pay(actor=finance_officer, allocation_id=first.pk, amount="350.01", reference="X")
    trail = allocations.decision_money(decision)
    assert (trail.amount, trail.allocated, trail.unallocated, trail.paid, trail.remaining) == (
        D("1000.00"), D("1000.00"), D("0.00"), D("250.00"), D("750.00"))
    with pytest.raises(TransitionRefused, match="750.00 EUR of the decision is still to be paid"):
        decisions.decision_complete(actor=approver, decision_id=decision.pk)
    assert all(total == 0 for total in trial_balance().values())


@pytest.mark.django_db
def test_only_finance_pays_and_only_once_executed(case_officer, approver, finance_officer):
    fund("100.00")
    decision = decisions.decision_propose(actor=case_officer, kind="victim_compensation", amount="100.00",
                                          currency="EUR", legal_basis="Judgment")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    allocation = allocations.allocation_create(actor=case_officer, decision_id=decision.pk, payee_type="victim",
                                               payee_name="V", amount="100.00")
    with pytest.raises(DomainError, match="once the decision is executed"):
        allocations.allocation_pay(actor=finance_officer, allocation_id=allocation.pk, amount="1", reference="R")
    with pytest.raises(DomainError, match="Your role"):
        allocations.allocation_pay(actor=case_officer, allocation_id=allocation.pk, amount="1", reference="R")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_finance_officers_paying_at_once_never_over_pay(case_officer, approver, finance_officer):
    decision = executed_proceeds_decision(case_officer, approver)
    allocation = allocations.allocation_create(actor=case_officer, decision_id=decision.pk, payee_type="victim",
                                               payee_name="V", amount="1000.00")
    other = UserFactory(username="finance2", role=roles.FINANCE_OFFICER)
    barrier = threading.Barrier(2)
    outcomes = []

    def pay(actor, ref):
        try:
            barrier.wait(5)
            allocations.allocation_pay(actor=actor, allocation_id=allocation.pk, amount="700.00", reference=ref)
            outcomes.append("paid")
        except DomainError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(u, f"R{n}")) for n, u in enumerate([finance_officer, other])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes)[-1] == "paid" and "300.00 EUR still to pay" in sorted(outcomes)[0]
    assert sum(p.amount for p in AllocationPayment.objects.all()) == D("700.00")
    assert JournalEntry.objects.filter(source=f"allocation:{allocation.pk}").count() == 1


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, format="JPEG")
    return SimpleUploadedFile("visit.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def monitored(case, case_officer, approver):
    villa = confiscated_asset(case, case_officer)
    decision = decisions.decision_propose(actor=case_officer, kind="social_reuse", asset_id=villa.pk,
                                          beneficiary_id=beneficiary().pk, legal_basis="Art. 48")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_execute(actor=approver, decision_id=decision.pk)
    return monitoring.project_record(actor=case_officer, decision_id=decision.pk, purpose="Youth centre",
                                     people_served=120, start_date=datetime.date(2025, 1, 15))


@pytest.mark.django_db
def test_a_project_puts_the_decision_under_monitoring_and_reports_follow_the_schedule(monitored, custodian):
    assert monitored.decision.status == DecisionStatus.MONITORING
    assert monitored.next_report_due == datetime.date(2026, 1, 15)
    with pytest.raises(DomainError, match="Say why the asset stands unused"):
        monitoring.report_write(actor=custodian, project_id=monitored.pk, kind="site_visit",
                                date=datetime.date.today(), findings="Closed", assessment="unused")
    with pytest.raises(DomainError, match="not a valid image"):
        monitoring.report_write(actor=custodian, project_id=monitored.pk, kind="site_visit",
                                date=datetime.date.today(), findings="Open", assessment="in_use",
                                photos=[SimpleUploadedFile("x.jpg", b"not an image at all")])
    report = monitoring.report_write(actor=custodian, project_id=monitored.pk, kind="site_visit",
                                     date=datetime.date.today(), findings="Open every afternoon",
                                     assessment="in_use", publishable=True, photos=[_jpeg()])
    monitored.refresh_from_db()
    assert monitored.next_report_due == datetime.date.today().replace(year=datetime.date.today().year + 1)
    assert ReusePhoto.objects.filter(report=report).count() == 1


@pytest.mark.django_db
def test_overdue_reports_alert_staff_once_per_due_date(monitored, case_officer, custodian,
                                                       django_capture_on_commit_callbacks):
    # Given the report due on 15 January 2026 was never written (today is later)
    with django_capture_on_commit_callbacks(execute=True):
        assert reuse_reports_overdue() == 1
    assert len(mail.outbox) == 1 and "Youth centre" in mail.outbox[0].subject
    assert case_officer.email in mail.outbox[0].to
    # When the beat task runs again, nobody is told twice
    with django_capture_on_commit_callbacks(execute=True):
        assert reuse_reports_overdue() == 0
    assert len(mail.outbox) == 1
    # And once a report is written, the next due date is a year on: nothing is overdue
    monitoring.report_write(actor=custodian, project_id=monitored.pk, kind="desk_review",
                            date=datetime.date.today(), findings="Accounts received", assessment="in_use")
    with django_capture_on_commit_callbacks(execute=True):
        assert reuse_reports_overdue() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_misused_asset_is_revoked_citing_the_report(monitored, custodian, approver):
    report = monitoring.report_write(actor=custodian, project_id=monitored.pk, kind="site_visit",
                                     date=datetime.date.today(), findings="Rented out as a bar",
                                     assessment="misused")
    replacement = decisions.decision_revoke(actor=approver, decision_id=monitored.decision_id,
                                            reason="Misused", report_id=report.pk)
    monitored.decision.refresh_from_db()
    assert monitored.decision.status == DecisionStatus.REVOKED and "Misused" in monitored.decision.revocation_reason
    assert "monitoring report" in monitored.decision.revocation_reason
    replacement.asset.refresh_from_db()
    assert replacement.asset.status == AssetStatus.AWAITING_DISPOSITION
    with pytest.raises(TransitionRefused, match="no longer monitored"):
        monitoring.report_write(actor=custodian, project_id=monitored.pk, kind="desk_review",
                                date=datetime.date.today(), findings="x", assessment="in_use")
