"""The public record's asset pages, through the page tree and their rendered HTML: made when an asset
is confiscated (or sold early), figures that follow the data, unpublished when the asset is released;
the asset index and its drill-down filters."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.models import AssetIndexPage, AssetPage
from cms.record import asset_page_sync
from cms.tasks import asset_page_sync_task
from common.money import format_money
from custody.models import Asset, AssetStatus
from ledger.models import AccountPurpose
from ledger.services import account_balance, account_for, storage_cost_post
from tests.factories import AssetFactory, CaseFactory
from tests.valuation.factories import approved_appraisal

from .record_helpers import confiscate, release, sell_early
from .test_pages import html_of, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block commits as a real commit would (the page sync runs after the transition)."""

    def run(step, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args, **kwargs)

    return run


@pytest.fixture
def people(case_officer, approver, second_approver, valuer, auction_manager):
    return {"case_officer": case_officer, "approver": approver, "second_approver": second_approver,
            "valuer": valuer, "auction_manager": auction_manager}


def page_of(asset) -> AssetPage:
    return AssetPage.objects.get(asset=asset)


def test_the_asset_index_is_at_assets_under_the_home_page(home, client):
    index = AssetIndexPage.objects.get()
    assert index.get_parent().specific == home and index.live
    assert index.url == "/assets/"
    assert "Confiscated assets" in html_of(client, "/assets/")


def test_confiscation_publishes_the_assets_page_with_its_figures(client, case, case_officer, committed):
    # Given a seized car in Ghent, declared at 20,000
    asset = AssetFactory(case=case, actor=case_officer, public_area="Ghent", declared_value=Decimal("20000.00"))
    committed(confiscate, asset, case_officer)

    # Then its page is live under /assets/, its slug naming no reference
    page = page_of(asset)
    assert page.live and page.url == f"/assets/vehicle-{asset.pk}/"
    assert asset.reference not in page.url and case.reference not in page.url
    html = html_of(client, page.url)
    text = text_of(html)
    assert "Vehicle" in text and "Ghent" in text and "Belgium" in text
    assert format_money(Decimal("20000.00"), "EUR") in text and "value declared at seizure" in text
    assert "Seized" in text and "Confiscated" in text
    assert "In custody" in text  # days in each stage
    assert page.title in text_of(html_of(client, "/assets/"))


def test_a_page_shows_no_area_when_none_is_set(client, case, case_officer, committed):
    asset = AssetFactory(case=case, actor=case_officer)
    committed(confiscate, asset, case_officer)
    assert "Area" not in text_of(html_of(client, page_of(asset).url))


def test_the_value_at_seizure_follows_the_first_approved_valuation(client, case, case_officer, valuer, approver,
                                                                    committed):
    asset = AssetFactory(case=case, actor=case_officer, declared_value=Decimal("20000.00"))
    committed(confiscate, asset, case_officer)
    url = page_of(asset).url
    assert format_money(Decimal("20000.00"), "EUR") in text_of(html_of(client, url))

    # When a valuer's appraisal is approved, the page shows it at once: nothing was copied into the page
    approved_appraisal(asset, valuer, approver, amount="17500.00")
    text = text_of(html_of(client, url))
    assert format_money(Decimal("17500.00"), "EUR") in text and "first approved valuation" in text
    assert format_money(Decimal("20000.00"), "EUR") not in text

    # And a later valuation does not change the value at seizure
    approved_appraisal(asset, valuer, approver, amount="9000.00")
    assert format_money(Decimal("17500.00"), "EUR") in text_of(html_of(client, url))


def test_management_costs_come_from_the_ledger(client, case, case_officer, committed):
    asset = AssetFactory(case=case, actor=case_officer)
    committed(confiscate, asset, case_officer)
    url = page_of(asset).url
    assert "None recorded" in text_of(html_of(client, url))

    for month in (1, 2):
        storage_cost_post(asset=Asset.objects.get(pk=asset.pk), amount=Decimal("312.50"), currency="EUR",
                          source=f"test-storage:{asset.pk}:{month}", memo="Storage")
    assert format_money(Decimal("625.00"), "EUR") in text_of(html_of(client, url))


def test_an_asset_sold_early_gets_its_page_with_the_price_and_the_escrow(client, case, case_officer, people,
                                                                          committed):
    asset = AssetFactory(case=case, actor=case_officer)
    invoice = committed(sell_early, asset, **people)

    page = page_of(asset)
    assert page.live
    text = text_of(html_of(client, page.url))
    assert "Sold" in text
    assert format_money(invoice.hammer_price, "EUR") in text  # sale price
    escrow = account_for(purpose=AccountPurpose.ESCROW, currency="EUR", case=case)
    held = -account_balance(escrow)
    assert held > 0
    assert "Held in escrow" in text and format_money(held, "EUR") in text

    # When the court confiscates it, the money shows as the State's
    committed(confiscate_sold, asset, case_officer)
    text = text_of(html_of(client, page.url))
    assert "Paid to the State" in text and format_money(held, "EUR") in text
    assert "Held in escrow" not in text


def confiscate_sold(asset, officer):
    from custody import services as custody_services
    from tests.valuation.factories import order_for

    return custody_services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=officer,
                                             order_id=order_for(asset, "confiscation").pk)


def test_release_to_the_owner_unpublishes_the_page(client, case, case_officer, people, committed):
    asset = AssetFactory(case=case, actor=case_officer)
    committed(sell_early, asset, **people)
    page = page_of(asset)
    assert client.get(page.url).status_code == 200

    committed(release, asset, case_officer)

    page.refresh_from_db()
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.RELEASED
    assert not page.live
    assert client.get(page.url).status_code == 404
    assert page.title not in text_of(html_of(client, "/assets/"))


def test_a_stale_live_page_of_a_released_asset_answers_404_before_the_sync(client, case, case_officer, people,
                                                                            committed):
    asset = AssetFactory(case=case, actor=case_officer)
    committed(sell_early, asset, **people)
    release(asset, case_officer)  # not committed: the sync has not run
    assert page_of(asset).live
    assert client.get(page_of(asset).url).status_code == 404


def test_the_sync_task_is_safe_twice_and_keeps_the_editors_story(case, case_officer):
    asset = AssetFactory(case=case, actor=case_officer)
    confiscate(asset, case_officer)  # the on-commit sync never ran
    assert not AssetPage.objects.filter(asset=asset).exists()

    asset_page_sync_task(asset.pk)
    page = page_of(asset)
    page.title = "A villa that became a school"
    page.save_revision().publish()
    asset_page_sync_task(asset.pk)

    assert AssetPage.objects.filter(asset=asset).count() == 1
    assert page_of(asset).title == "A villa that became a school" and page_of(asset).live


def test_the_sync_command_brings_every_page_in_line(case, case_officer, people):
    confiscated = AssetFactory(case=case, actor=case_officer)
    confiscate(confiscated, case_officer)
    sold_then_released = AssetFactory(case=case, actor=case_officer)
    sell_early(sold_then_released, **people)
    asset_page_sync(asset_id=sold_then_released.pk)
    release(sold_then_released, case_officer)
    private = AssetFactory(case=case, actor=case_officer)

    out = StringIO()
    call_command("public_record_sync", stdout=out)

    assert page_of(confiscated).live
    assert not page_of(sold_then_released).live
    assert not AssetPage.objects.filter(asset=private).exists()
    assert "1 asset pages live, 1 unpublished" in out.getvalue()


# --------------------------------------------------------------------------------------------
# The index and its drill-down filters
# --------------------------------------------------------------------------------------------


@pytest.fixture
def record(case_officer, people):
    """Four public assets: a Belgian car and a Nigerian villa confiscated, a Nigerian boat confiscated
    last year, a Belgian car sold early; and one seized asset that is not public."""
    belgian, nigerian = CaseFactory(country_of_origin="BE"), CaseFactory(country_of_origin="NG")
    made = {
        "car": AssetFactory(case=belgian, actor=case_officer),
        "villa": AssetFactory(case=nigerian, actor=case_officer, category="real_estate"),
        "boat": AssetFactory(case=nigerian, actor=case_officer, category="vessel"),
        "sold": AssetFactory(case=belgian, actor=case_officer),
    }
    for name in ("car", "villa", "boat"):
        confiscate(made[name], case_officer)
    sell_early(made["sold"], **people)
    last_year = timezone.now() - datetime.timedelta(days=400)
    Asset.objects.filter(pk=made["boat"].pk).update(confiscated_at=last_year)
    made["seized"] = AssetFactory(case=belgian, actor=case_officer)
    for asset in made.values():
        asset_page_sync(asset_id=asset.pk)
    return {name: AssetPage.objects.filter(asset=asset).first() for name, asset in made.items()}


def listed(client, query: str = "") -> set[str]:
    html = html_of(client, f"/assets/{query}")
    return {name for name, title in TITLES.items() if title and title in html}


TITLES: dict[str, str] = {}


@pytest.fixture
def titles(record):
    TITLES.clear()
    TITLES.update({name: page.title if page else "" for name, page in record.items()})
    return TITLES


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"car", "villa", "boat", "sold"}),
    ("?category=real_estate", {"villa"}),
    ("?country=NG", {"villa", "boat"}),
    ("?country=ng&category=vessel", {"boat"}),
    ("?stage=sold", {"sold"}),
    ("?stage=confiscated&country=BE", {"car"}),
    (f"?year={timezone.now().year - 1}", {"boat"}),
    ("?category=not-a-category&year=abc&country=XX", {"car", "villa", "boat", "sold"}),  # ignored, never a 500
])
def test_the_index_filters_by_stage_category_country_and_year(client, titles, query, expected):
    assert record_is_not_public_when_seized(titles)
    assert listed(client, query) == expected


def record_is_not_public_when_seized(titles) -> bool:
    return titles["seized"] == ""


def test_the_index_counts_each_filters_values(client, titles):
    text = text_of(html_of(client, "/assets/?country=NG"))
    assert "2 assets" in text
    # Counts beside each value, given the other filters: two Nigerian assets, one villa and one vessel
    assert "Real estate (1)" in text and "Vessel (1)" in text
    # The country facet still offers Belgium, with its own count
    assert "Belgium (2)" in text and "Nigeria (2)" in text


def test_the_index_pages_through_many_assets(client, case, case_officer, settings):
    for _ in range(27):
        asset = AssetFactory(case=case, actor=case_officer)
        Asset.objects.filter(pk=asset.pk).update(confiscated_at=timezone.now(), status=AssetStatus.CONFISCATED)
        asset_page_sync(asset_id=asset.pk)
    first, second = html_of(client, "/assets/?category=vehicle"), html_of(client, "/assets/?category=vehicle&page=2")
    assert "27 assets" in text_of(first) and "Page 1 of 2" in text_of(first)
    assert 'href="?category=vehicle&amp;page=2"' in first
    assert "Page 2 of 2" in text_of(second)


def test_the_home_page_links_to_the_public_record(client, home):
    html = html_of(client, "/")
    for href in ('href="/assets/"', 'href="/statistics/"', 'href="/published-documents/"', 'href="/search/"'):
        assert href in html
