"""A citizen reads the public record in a real browser, at a desktop's and a phone's width: the home
page, the statistics, an asset's page and a disposition decision's page each show their key content
and never scroll sideways on the phone. Screenshots land in test-artifacts/."""

from __future__ import annotations

import datetime

import pytest

from cms.models import AssetPage, DispositionPage
from disposition.services import decisions, monitoring
from tests.browser.conftest import ARTIFACTS
from tests.disposition.reuse_helpers import beneficiary, confiscated_asset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def record(case, case_officer, approver):
    """A confiscated villa given to an NGO for social reuse, with its project and a published site visit
    (the services commit for real here: the pages are made by the on-commit syncs)."""
    villa = confiscated_asset(case, case_officer, title="Villa with a garden above the harbour")
    ngo = beneficiary(name="Youth Centre Libera")
    decision = decisions.decision_propose(
        actor=case_officer, kind="social_reuse", asset_id=villa.pk, beneficiary_id=ngo.pk,
        legal_basis="Law 109/1996, art. 48 (assignment of confiscated real estate to social purposes)",
        concession_start=datetime.date(2026, 1, 1), concession_end=datetime.date(2035, 12, 31))
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_execute(actor=approver, decision_id=decision.pk)
    project = monitoring.project_record(actor=case_officer, decision_id=decision.pk,
                                        purpose="Youth centre with after-school classes", people_served=80,
                                        start_date=datetime.date(2026, 1, 10))
    monitoring.report_write(actor=case_officer, project_id=project.pk, kind="site_visit",
                            date=datetime.date.today(), assessment="partly_used", reasons_unused=["occupation"],
                            findings="The ground floor hosts forty pupils a day; the first floor is still occupied.",
                            publishable=True)
    return {"asset": AssetPage.objects.get(asset=villa).url, "decision": DispositionPage.objects.get(
        decision=decision).url}


@pytest.mark.parametrize("size, viewport", SIZES)
def test_a_citizen_reads_the_record_on_a_desktop_and_on_a_phone(browser, live_server, record, size, viewport):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport, is_mobile=size == "phone", device_scale_factor=1)
    page = context.new_page()
    pages = [
        ("record-home", "/", None),
        ("record-statistics", "/statistics/", "Statistics"),
        ("record-asset", record["asset"], "Villa with a garden above the harbour"),
        ("record-decision", record["decision"], "Social reuse"),
        ("record-dispositions", "/dispositions/", "What became of them"),
    ]
    for name, path, heading in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        h1 = page.get_by_role("heading", level=1)
        expect(h1).to_be_visible()
        if heading:
            expect(h1).to_contain_text(heading)
        if name == "record-asset":
            expect(page.get_by_role("heading", name="What became of it")).to_be_visible()
            expect(page.get_by_text("Youth centre with after-school classes")).to_be_visible()
            expect(page.get_by_text("Partly used")).to_be_visible()
            expect(page.get_by_role("link", name="The decision in full")).to_be_visible()
        if name == "record-decision":
            expect(page.get_by_text("Youth Centre Libera")).to_be_visible()
            expect(page.get_by_text("forty pupils a day")).to_be_visible()
            expect(page.get_by_role("link", name="Villa with a garden above the harbour")).to_be_visible()
        if name == "record-statistics":
            expect(page.locator("svg").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} scrolls sideways at {size} size ({width}px)"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)
    context.close()
