"""The statistics (cms.statistics), their page at /statistics/ and GET /api/v1/statistics/, over a small
public record built through the services: the groupings count the same assets, and the page, the
API and the open data agree to the cent."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.models import Site

from cms import statistics
from cms.models import StatisticsPage
from common.money import format_money
from tests.cms import statistics_data
from tests.cms.statistics_data import (
    EXPECTED_COSTS,
    EXPECTED_PUBLIC_COUNT,
    EXPECTED_SALE_PRICE,
    EXPECTED_VALUE,
    THIS_YEAR,
)

pytestmark = pytest.mark.django_db

# the record's fixtures
finance_pair = statistics_data.finance_pair
record = statistics_data.record


def open_data(client, name: str) -> list[dict]:
    response = client.get(f"/api/v1/open-data/{name}.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def total(rows: list[dict], column: str) -> Decimal:
    return sum((Decimal(r[column]) for r in rows if r[column]), Decimal("0.00"))


def table_rows(html: str, figure: str) -> dict[str, str]:
    """The rows of one figure's table on the page: data-key → the row's text."""
    table = re.search(rf'<table class="table" data-figure="{figure}">(.*?)</table>', html, re.S).group(1)
    return {key: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
            for key, body in re.findall(r'<tr[^>]*data-key="([^"]*)">(.*?)</tr>', table, re.S)}


def test_every_grouping_counts_the_same_assets_and_the_page_api_and_open_data_agree_to_the_cent(record, client):
    # Given the record: six public assets in two countries, one confiscated in 2024, one sold early
    # When each grouping is asked of the selectors and of the API
    for by in statistics.GROUPINGS:
        rows = statistics.counts_and_values(by)
        answer = client.get(f"/api/v1/statistics/?by={by}").json()
        # Then every grouping counts the same assets and adds up to the same value at seizure
        assert statistics.totals(rows) == (EXPECTED_PUBLIC_COUNT, EXPECTED_VALUE), by
        assert answer["currency"] == "EUR"
        assert [(r["key"], r["count"], r["value"]) for r in answer["rows"]] == [
            (r.key, r.count, f"{r.value:.2f}") for r in rows]
        assert sum(Decimal(r["value"]) for r in answer["rows"]) == EXPECTED_VALUE

    stage = {r.key: (r.count, r.value) for r in statistics.counts_and_values("stage")}
    assert stage == {"confiscated": (2, Decimal("30000.10")), "sold": (1, Decimal("20000.00")),
                     "assigned": (1, Decimal("400000.00")), "returned": (1, Decimal("12000.50")),
                     "destroyed": (1, Decimal("1000.00"))}
    # the year of the confiscation, and of the sale for the asset sold early
    assert {r.key: r.count for r in statistics.counts_and_values("year")} == {"2024": 1, str(THIS_YEAR): 5}
    assert {r.key: r.count for r in statistics.counts_and_values("country_of_origin")} == {"IT": 3, "NG": 3}

    # And the open data has one row per public asset, adding up to the same cents
    assets = open_data(client, "assets")
    assert len(assets) == EXPECTED_PUBLIC_COUNT
    assert total(assets, "value_at_seizure") == EXPECTED_VALUE
    assert total(assets, "sale_price") == EXPECTED_SALE_PRICE
    assert total(assets, "management_costs") == EXPECTED_COSTS
    held = next(r for r in assets if r["reference"] == record.assets["held"].reference)
    assert held["value_at_seizure"] == "30000.10"  # the first approved appraisal, not the declared 99,999
    assert held["stage"] == "confiscated" and held["seized_on"] and held["confiscated_on"]

    # And the statistics page shows the same totals, in the agency's locale
    with translation.override(settings.LANGUAGE_CODE):
        expected = format_money(EXPECTED_VALUE, "EUR")
        html = client.get("/statistics/").content.decode()
    for figure in ("by-stage", "by-category", "by-country-of-origin", "by-year"):
        assert expected in table_rows(html, figure)["total"], figure
    assert format_money(Decimal("30000.10"), "EUR") in table_rows(html, "by-stage")["confiscated"]


def test_the_figures_follow_the_record(record, client):
    # Given the record
    steps = {s.key: s.count for s in statistics.funnel()}
    # Then the funnel counts all assets in aggregate: 8 restrained or seized, 7 seized, 5 confiscated
    assert steps == {"restrained": 8, "seized": 7, "confiscated": 5, "sold": 1, "assigned": 1, "returned": 1}
    assert statistics.confiscation_rate().ratio == Decimal("0.6250")
    # Sale price ÷ value at seizure: 21,000 for a car valued 20,000
    sale = statistics.sale_to_value_ratio()
    assert (sale.numerator, sale.denominator, sale.ratio, sale.count) == (
        EXPECTED_SALE_PRICE, Decimal("20000.00"), Decimal("1.0500"), 1)
    # Management costs ÷ value: 150.25 over all the values at seizure
    cost = statistics.management_cost_share()
    assert (cost.numerator, cost.denominator) == (EXPECTED_COSTS, EXPECTED_VALUE)
    # Where the proceeds went: the early sale's net proceeds wait in escrow; nothing to victims yet
    destinations = {d.key: d.amount for d in statistics.proceeds_destinations()}
    costs_of_sale = (EXPECTED_SALE_PRICE * Decimal(settings.DISPOSITION_SALE_COST_PERCENT) / 100).quantize(
        Decimal("0.01"))
    assert destinations["escrow"] == EXPECTED_SALE_PRICE - costs_of_sale
    assert destinations["victims"] == destinations["social_reuse"] == destinations["returned_abroad"] == 0
    # Medians from the custody log: every confiscation measured from its seizure, none negative
    medians = {d.key: d for d in statistics.median_days_per_stage()}
    assert medians["held_to_confiscation"].count >= 4 and medians["held_to_confiscation"].median_days >= 0
    assert medians["held_to_early_sale"].count == 1
    assert medians["restraint_to_seizure"].count == 0 and medians["restraint_to_seizure"].median_days is None
    # The share in use waits for monitoring reports
    assert statistics.assigned_in_use().share is None

    # And the page shows each figure with its chart, its method, its CSV and drill-down links
    html = client.get("/statistics/").content.decode()
    assert html.count('<svg aria-hidden="true"') >= 10 and "<script" not in html.split("<main", 1)[-1]
    assert html.count('class="stat-method"') == 14  # (then claims, and cooperation by state and by stage)
    assert "No monitoring reports yet" in html
    for link in ("/assets/?stage=sold", "/assets/?stage=assigned", "/assets/?category=real_estate",
                 "/assets/?country=NG", "/assets/?year=2024"):
        assert f'href="{link}"' in html, link
    assert "105 %" in html  # sale price ÷ value at seizure, in the locale
    # the download of one table holds the same numbers as its rows
    download = client.get("/statistics/tables/by-country-of-origin/")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(download.content.decode()))) == [
        ["country_of_origin", "count", "value_eur"], ["IT", "3", "432000.50"], ["NG", "3", "31000.10"],
        ["total", "6", str(EXPECTED_VALUE)]]
    assert client.get("/statistics/tables/no-such-figure/").status_code == 404


def test_restrained_and_seized_assets_never_appear_one_by_one(record, client):
    # Given a restrained yacht and a seized lorry
    hidden = [record.assets["restrained"], record.assets["seized"]]
    # When the public record is read every way it is published
    bodies = [b"".join(client.get(f"/api/v1/open-data/assets.{fmt}").streaming_content).decode()
              for fmt in ("csv", "json")]
    bodies.append(client.get("/statistics/").content.decode())
    bodies += [client.get(f"/api/v1/statistics/?by={by}").content.decode() for by in statistics.GROUPINGS]
    # Then neither is named, nor its value counted, anywhere
    for body in bodies:
        for asset in hidden:
            assert asset.reference not in body and asset.title not in body
        assert "500000.00" not in body and "500,000.00" not in body and "80,000.00" not in body
    # though both are counted in the funnel, in aggregate
    assert {s.key: s.count for s in statistics.funnel()}["restrained"] == 8


def test_an_unknown_grouping_is_refused_as_json(client, db):
    response = client.get("/api/v1/statistics/?by=owner")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_parameter" and "by" in response.json()["detail"]


def test_the_statistics_and_open_data_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/statistics/", "/open-data/datapackage.json", "/open-data/{resource}.csv",
            "/open-data/{resource}.json"} <= set(paths)
    grouping = paths["/statistics/"]["get"]["parameters"][0]["schema"]
    assert grouping["enum"] == list(statistics.GROUPINGS)


def test_the_statistics_page_is_in_the_tree_under_the_home_page(client, db):
    page = StatisticsPage.objects.get()
    assert page.get_parent().specific == Site.objects.get(is_default_site=True).root_page.specific
    assert page.url == "/statistics/" and page.live
    # with no assets at all the page still answers, with zeros and dashes
    response = client.get("/statistics/")
    assert response.status_code == 200 and "No monitoring reports yet" in response.content.decode()
    assert client.get("/statistics/data-dictionary/").status_code == 200
