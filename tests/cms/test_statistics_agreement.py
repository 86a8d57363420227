"""Agreement to the cent, and the disposition figures: over the record with its disposition decisions,
the asset pages (value at seizure, sale price), the statistics API, the statistics page's tables and
the open data say the same; where the proceeds went and the share of assigned assets in use follow
the decisions, their payments and their monitoring reports."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cms import statistics
from cms.models import AssetPage
from cms.record import public_record_sync
from common.money import format_money
from tests.cms import statistics_data
from tests.cms.statistics_data import ABROAD, FUND, PRIVATE_BENEFICIARY, VICTIMS, VICTIMS_PAID

pytestmark = pytest.mark.django_db

finance_pair = statistics_data.finance_pair
record = statistics_data.record
dispositions = statistics_data.dispositions


def rows_of(client, name: str) -> list[dict]:
    response = client.get(f"/api/v1/open-data/{name}.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def cents(value: str) -> Decimal:
    return Decimal(value) if value else Decimal("0.00")


def table(html: str, figure: str) -> dict[str, str]:
    body = re.search(rf'<table class="table" data-figure="{figure}">(.*?)</table>', html, re.S).group(1)
    return {key: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for key, row in re.findall(r'<tr[^>]*data-key="([^"]*)">(.*?)</tr>', body, re.S)}


def test_asset_pages_statistics_api_page_tables_and_open_data_agree_to_the_cent(dispositions, client):
    # Given the record with its decisions, and the public pages kept in step with it
    public_record_sync()
    assets = {int(r["asset_id"]): r for r in rows_of(client, "assets")}
    # When the statistics API is read for each grouping
    totals = set()
    for by in statistics.GROUPINGS:
        answer = client.get(f"/api/v1/statistics/?by={by}").json()
        totals.add((sum(r["count"] for r in answer["rows"]), sum(Decimal(r["value"]) for r in answer["rows"])))
    # Then every grouping, and the open data, count the same assets and add up to the same cents
    expected_value = sum((cents(r["value_at_seizure"]) for r in assets.values()), Decimal("0.00"))
    assert totals == {(len(assets), expected_value)}
    # And the page's tables show that total in the agency's locale, and its downloads the same cents
    with translation.override(settings.LANGUAGE_CODE):
        html = client.get("/statistics/").content.decode()
        for figure in ("by-stage", "by-category", "by-country-of-origin", "by-year"):
            assert format_money(expected_value, "EUR") in table(html, figure)["total"], figure
            download = list(csv.reader(io.StringIO(client.get(f"/statistics/tables/{figure}/").content.decode())))
            assert download[-1] == ["total", str(len(assets)), f"{expected_value:.2f}"], figure
        # And each asset page shows the open data's value at seizure and sale price
        pages = {p.asset_id: p for p in AssetPage.objects.live()}
        assert set(pages) == set(assets)
        for asset_id, row in assets.items():
            page_html = client.get(pages[asset_id].url).content.decode()
            for column in ("value_at_seizure", "sale_price"):
                if row[column]:
                    assert format_money(Decimal(row[column]), "EUR") in page_html, (asset_id, column)
    # the sale price ÷ value figure sums the open data's sale prices of the assets with a value
    sold = [r for r in assets.values() if r["sale_price"] and r["value_at_seizure"]]
    ratio = statistics.sale_to_value_ratio()
    assert ratio.numerator == sum(cents(r["sale_price"]) for r in sold)
    assert ratio.denominator == sum(cents(r["value_at_seizure"]) for r in sold)


def test_where_the_proceeds_went_follows_the_decisions_and_their_payments(dispositions, client):
    # Given 5,000 in the fund, 3,000 assigned to victims (1,000 paid) and 500 returned to Nigeria
    destinations = {d.key: d for d in statistics.proceeds_destinations()}
    # Then each destination shows what was assigned to it and what was paid out
    assert (destinations["victims"].amount, destinations["victims"].paid) == (VICTIMS, VICTIMS_PAID)
    assert destinations["victims"].outstanding == VICTIMS - VICTIMS_PAID
    assert (destinations["returned_abroad"].amount, destinations["returned_abroad"].paid) == (ABROAD, 0)
    assert destinations["social_reuse"].amount == destinations["public_bodies"].amount == 0
    assert destinations["state_budget"].amount == FUND - VICTIMS - ABROAD  # what no decision has assigned yet
    # And the page's table and its download say the same
    html = client.get("/statistics/").content.decode()
    assert "public_bodies" in table(html, "proceeds")
    download = {row[0]: row for row in csv.reader(io.StringIO(
        client.get("/statistics/tables/proceeds/").content.decode()))}
    assert download["victims"][1:] == [str(VICTIMS), str(VICTIMS_PAID), str(VICTIMS - VICTIMS_PAID)]
    assert download["returned_abroad"][1:] == [str(ABROAD), "0.00", str(ABROAD)]
    # And the open data's dispositions carry the same amounts allocated and paid
    decisions = {int(r["decision_id"]): r for r in rows_of(client, "dispositions")}
    victims = decisions[dispositions.decisions["victims"].pk]
    assert (victims["asset_category"], victims["amount"], victims["allocated"], victims["paid"]) == (
        "proceeds", str(VICTIMS), str(VICTIMS), str(VICTIMS_PAID))


def test_the_share_in_use_is_read_from_the_latest_publishable_report(dispositions, client):
    # Given the villa's latest publishable report finds it in use (a later one, not publishable, misused),
    # and the office has no report yet
    in_use = statistics.assigned_in_use()
    # Then one of the two assets assigned by decisions is in use as agreed
    assert in_use.decisions == 2 and in_use.reported == 1
    assert in_use.counts == {"in_use": 1, "no_report": 1}
    assert in_use.share == Decimal("0.5000")
    html = client.get("/statistics/").content.decode()
    rows = table(html, "in-use")
    assert rows["in_use"].endswith("1") and rows["no_report"].endswith("1") and rows["misused"].endswith("0")
    assert "50 %" in rows["share"] or "50%" in rows["share"]


def test_open_data_of_dispositions_and_monitoring_reports(dispositions, client):
    villa, office = dispositions.villa, dispositions.office
    decisions = {int(r["decision_id"]): r for r in rows_of(client, "dispositions")}
    # Then every decision is there, with its asset, kind, beneficiary type and sector
    reuse = decisions[dispositions.decisions["reuse"].pk]
    assert (reuse["kind"], reuse["status"], reuse["asset_id"], reuse["asset_category"], reuse["country_of_origin"],
            reuse["beneficiary_type"], reuse["beneficiary_sector"], reuse["beneficiary_name"]) == (
        "social_reuse", "monitoring", str(villa.pk), "real_estate", "IT", "ngo", "welfare", "Youth Centre Libera")
    public_use = decisions[dispositions.decisions["public_use"].pk]
    assert public_use["beneficiary_type"] == "public_body" and public_use["beneficiary_name"] == ""
    abroad = decisions[dispositions.decisions["abroad"].pk]
    assert abroad["recipient_state"] == "NG" and abroad["allocated"] == "0.00" and abroad["paid"] == "0.00"
    # And the monitoring reports: the publishable ones only, without findings
    reports = rows_of(client, "monitoring-reports")
    assert [(r["decision_id"], r["assessment"], r["reasons_unused"]) for r in reports] == [
        (str(reuse["decision_id"]), "unused", "occupation"), (str(reuse["decision_id"]), "in_use", "")]
    assert "findings" not in reports[0]
    # And assets.csv says how each asset was disposed of and to what kind of body
    assets = {int(r["asset_id"]): r for r in rows_of(client, "assets")}
    assert (assets[villa.pk]["disposition_kind"], assets[villa.pk]["beneficiary_type"]) == ("social_reuse", "ngo")
    assert (assets[office.pk]["disposition_kind"], assets[office.pk]["beneficiary_type"]) == (
        "public_use", "public_body")
    returned = assets[dispositions.record.assets["returned"].pk]
    assert returned["disposition_kind"] == "foreign_return"  # recorded by the register, before decisions
    # And nothing private: not the payee, nor the hidden body's name, nor a contact
    for name in ("dispositions", "monitoring-reports"):
        text = b"".join(client.get(f"/api/v1/open-data/{name}.json").streaming_content).decode()
        json.loads(text)
        for secret in ("Jane Victim-Private", PRIVATE_BENEFICIARY, "Marta Contact-Privata", "marta.private",
                       "Seen misused", "Seen in_use"):
            assert secret not in text, (name, secret)


def test_the_figures_are_cached_until_the_data_change(record, client, case_officer):
    # Given the page seen once
    client.get("/statistics/")
    before = statistics.numbers("stage").value
    # When it is seen again with nothing changed, the figures come from the cache (a query for the
    # generation, none of the dozen aggregates over the register)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/statistics/").status_code == 200
    aggregates = [q["sql"] for q in queries if "GROUP BY" in q["sql"] or "percentile_cont" in q["sql"]]
    assert aggregates == []
    # And when the record changes, the figures follow at once
    statistics_data._confiscated(record.assets["held"].case, case_officer, "New car", declared_value=Decimal("10.00"))
    after = statistics.numbers("stage").value
    assert statistics.totals(after) == (statistics.totals(before)[0] + 1, statistics.totals(before)[1] + 10)


def test_the_page_works_when_the_cache_fails(record, client, monkeypatch):
    # Given a cache that cannot be reached (Redis down) where the figures are kept
    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        set = get

    monkeypatch.setattr(statistics, "cache", Down())
    # Then the page and the API still answer, computing the figures
    assert client.get("/statistics/").status_code == 200
    assert statistics.totals(statistics.numbers("stage").value)[0] == statistics_data.EXPECTED_PUBLIC_COUNT
    assert client.get("/api/v1/statistics/?by=stage").json()["rows"]


def test_the_figures_computed_together_for_the_page_equal_each_computed_alone(dispositions):
    # Given the record with its decisions, claims and payments
    # When the page's numbers are computed together (sharing their passes over the register and the log)
    together = statistics.compute_all()
    # Then each equals the figure computed on its own, as the API and the tables' downloads compute it
    assert set(together) == set(statistics.NUMBERS)
    for name, compute in statistics.NUMBERS.items():
        assert together[name] == compute(), name
    assert together["stage"] and together["year"]  # not vacuously: the groupings have rows
