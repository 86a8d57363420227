"""Server time and query count of the public record's disposition pages, next to /healthz (one
`SELECT 1` through the same Django stack) and the asset page without a decision, measured in the same
run: an asset page with its decision, project and twelve monitoring reports; that decision's page;
a decision over proceeds with its allocations; the /dispositions/ index over all of them.

Not part of the suite (`make bench BENCH=tests/benchmarks/test_public_disposition_pages.py`). No timed
assertion: the figures are printed; the query count is checked only to be the same for twelve reports
as for one (the reports are read in one query).
"""

from __future__ import annotations

import datetime
import os

import pytest
from django.db import connection
from django.test import Client

from cms.models import AssetPage, DispositionPage
from disposition.models import MonitoringReport
from disposition.services import allocations, decisions, monitoring
from tests.benchmarks.test_public_asset_page import ROUNDS, _line, _timed
from tests.disposition.reuse_helpers import beneficiary, confiscated_asset, fund

pytestmark = pytest.mark.django_db
DECISIONS_OVER_PROCEEDS = int(os.environ.get("BENCH_DECISIONS", "40"))


def _reuse(case, officer, approver, *, reports: int, number: str):
    villa = confiscated_asset(case, officer)
    decision = decisions.decision_propose(actor=officer, kind="social_reuse", asset_id=villa.pk,
                                          beneficiary_id=beneficiary(number=number).pk, legal_basis="Law")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_execute(actor=approver, decision_id=decision.pk)
    project = monitoring.project_record(actor=officer, decision_id=decision.pk, purpose="Youth centre",
                                        people_served=80, start_date=datetime.date(2025, 1, 1))
    MonitoringReport.objects.bulk_create([
        MonitoringReport(project=project, kind="site_visit", date=datetime.date(2025, 1, 1) + datetime.timedelta(
            days=30 * n), findings=f"Visit {n}", assessment="in_use", publishable=True, written_by=officer)
        for n in range(reports)])
    return villa, decision


def test_public_disposition_pages(case, case_officer, approver, finance_officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plain = confiscated_asset(case, case_officer, title="An asset without a decision")
    with django_capture_on_commit_callbacks(execute=True):
        villa, decision = _reuse(case, case_officer, approver, reports=12, number="BE1")
    with django_capture_on_commit_callbacks(execute=True):
        small, _small_decision = _reuse(case, case_officer, approver, reports=1, number="BE2")
    fund("1000000.00")
    money = None
    for _ in range(DECISIONS_OVER_PROCEEDS):
        with django_capture_on_commit_callbacks(execute=True):
            money = decisions.decision_propose(actor=case_officer, kind="victim_compensation", amount="1000.00",
                                               currency="EUR", legal_basis="Judgment")
            decisions.decision_approve(actor=approver, decision_id=money.pk)
            decisions.decision_execute(actor=approver, decision_id=money.pk)
            for payee in ("victim", "public_body"):
                allocation = allocations.allocation_create(actor=case_officer, decision_id=money.pk,
                                                           payee_type=payee, payee_name="Payee", amount="500.00")
                allocations.allocation_pay(actor=finance_officer, allocation_id=allocation.pk, amount="200.00",
                                           reference="R")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    page = AssetPage.objects.get
    rows = [
        ("reference: /healthz (SELECT 1)", _timed(client, "/healthz")),
        ("reference: asset page without a decision", _timed(client, page(asset=plain).url)),
        ("asset page with decision, 12 reports", _timed(client, page(asset=villa).url)),
        ("asset page with decision, 1 report", _timed(client, page(asset=small).url)),
        ("decision page, 12 reports", _timed(client, DispositionPage.objects.get(decision=decision).url)),
        ("decision over proceeds, 2 allocations", _timed(client, DispositionPage.objects.get(decision=money).url)),
        (f"/dispositions/, {DECISIONS_OVER_PROCEEDS + 2} decisions", _timed(client, "/dispositions/")),
        ("/dispositions/?kind=social_reuse", _timed(client, "/dispositions/?kind=social_reuse")),
    ]
    print(f"\nThe disposition record on {connection.vendor} ({ROUNDS} requests each, test client, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):")
    for name, timings in rows:
        print(_line(name, timings))
    assert rows[2][1][1] == rows[3][1][1]  # as many queries for twelve reports as for one

    if os.environ.get("PROFILE_DISPOSITION_PAGES"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            client.get(page(asset=villa).url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
