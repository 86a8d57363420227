"""The staff listings at a common laptop's width (1366 px): every column the listing shows is on the
screen (none cut off behind a sideways scroll), long names wrap instead of widening the table.
Screenshots in test-artifacts/."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.auctions.factories import make_bidder
from tests.browser.conftest import ARTIFACTS
from tests.factories import AssetFactory, CaseFactory, StorageLocationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's default
SCREEN = 1366
# A 1366-pixel screen less the browser's classic vertical scrollbar (headless Chromium draws none).
WIDTH = SCREEN - 17
# A company's registered name as typed, one unbroken word (no space to wrap at).
LONG_LEGAL_NAME = "InversionesYParticipacionesInmobiliariasDelMediterraneoOccidentalSociedadAnonimaUnipersonal"


def prefer(user, language: str) -> None:
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def signed_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/admin/")
    return context, page


def right_edge(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["x"] + box["width"]


def assert_fits(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"admin-{name}-{SCREEN}.png"), full_page=True)
    table = right_edge(page, "table.listing")
    assert table <= WIDTH, f"the {name} listing is {table:.0f}px wide at {WIDTH}px"
    scroll = page.evaluate("Math.max(...[...document.querySelectorAll('table.listing')].map("
                           "t => t.closest('.w-overflow-x-auto, main') ? t.scrollWidth - t.clientWidth : 0))")
    assert scroll <= 1, f"the {name} listing scrolls sideways by {scroll}px"


LONG_STATES = ["early_sale_authorised", "sold", "early_sale_requested", "for_sale"]


@pytest.mark.parametrize("language, registered", [("en", "Registered"), ("fr", None)])
def test_the_register_of_assets_shows_every_column_at_1366px(browser, live_server, case_officer, language,
                                                             registered):
    from custody.models import Asset

    store = StorageLocationFactory(name="Central evidence warehouse, hall B (climate controlled)")
    for n, status in enumerate(LONG_STATES * 2):
        case = CaseFactory(reference=f"PROC-2026-BRU-CORR-{n:06d}")
        asset = AssetFactory(case=case, actor=case_officer, location=store, declared_value=Decimal("12345678.00"),
                             category="jewellery_art" if n % 2 else "perishable",
                             title=f"Mercedes-Benz G 63 AMG Stronger Than Time Edition, black, {n} owners")
        Asset.objects.filter(pk=asset.pk).update(status=status)  # the listing's widest states, as they are
    prefer(case_officer, language)
    context, page = signed_in(browser, live_server, case_officer)
    page.goto(f"{live_server.url}/admin/register/assets/")
    last_header = "table.listing thead th >> nth=-1"
    page.screenshot(path=str(ARTIFACTS / f"admin-assets-{language}-{SCREEN}.png"), full_page=True)
    if registered:
        assert page.locator(last_header).inner_text().strip() == registered
    assert right_edge(page, last_header) <= WIDTH
    assert_fits(page, f"assets-{language}")
    context.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_early_sale_candidates_show_what_selling_now_preserves_at_1366px(browser, live_server, case_officer,
                                                                             language):
    from valuation.models import EarlySaleCandidate, EarlySaleRun

    run = EarlySaleRun.objects.create(as_of=timezone.localdate(), trigger="admin", finished_at=timezone.now(),
                                      assets_considered=5, candidate_count=5)
    for n in range(5):
        asset = AssetFactory(case=CaseFactory(reference=f"PROC-2026-ANT-{n:05d}"), actor=case_officer,
                             title=f"Refrigerated lorry with 22 pallets of frozen seafood, batch {n}")
        EarlySaleCandidate.objects.create(
            run=run, asset=asset, case=asset.case, case_officer=case_officer, currency="EUR",
            value_today=Decimal("1234567.89"), appraised=False, decision_date=timezone.localdate()
            + datetime.timedelta(days=400), days_to_decision=400, projected_value=Decimal("734567.89"),
            daily_cost=Decimal("125.00"), accrued_costs=Decimal("50000.00"), sale_cost=Decimal("12345.67"),
            net_benefit=Decimal("537654.33"), urgent=n % 2 == 0)
    prefer(case_officer, language)
    context, page = signed_in(browser, live_server, case_officer)
    page.goto(f"{live_server.url}/admin/valuation/early-sale/candidates/")
    page.screenshot(path=str(ARTIFACTS / f"admin-candidates-{language}-{SCREEN}.png"), full_page=True)
    if language == "en":
        assert page.locator("table.listing thead th >> nth=-1").inner_text().strip() == "Preserved by selling now"
    assert right_edge(page, "table.listing thead th >> nth=-1") <= WIDTH
    assert_fits(page, f"candidates-{language}")
    context.close()


def test_a_long_legal_name_wraps_in_the_bidders_table(browser, live_server, auction_manager):
    make_bidder(reviewer=auction_manager, approve=False, legal_name=LONG_LEGAL_NAME,
                username="inversiones.participaciones.inmobiliarias.mediterraneo@grupo-empresarial.example.com")
    make_bidder(reviewer=auction_manager, legal_name="Ann Short")
    context, page = signed_in(browser, live_server, auction_manager)
    page.goto(f"{live_server.url}/admin/auctions/bidders/")
    page.screenshot(path=str(ARTIFACTS / f"admin-bidders-{SCREEN}.png"), full_page=True)
    assert page.get_by_text(LONG_LEGAL_NAME).is_visible()
    assert right_edge(page, "table.listing thead th >> nth=-1") <= WIDTH
    assert_fits(page, "bidders")
    context.close()
