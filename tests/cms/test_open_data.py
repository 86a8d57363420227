"""The open data (GET /api/v1/open-data/…): streamed CSV and JSON, a Frictionless Data package that
validates, and no personal data anywhere the public record is published."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from frictionless import Package, validate

from cms import open_data, statistics
from tests.cms import statistics_data
from tests.cms.statistics_data import (
    BUYER_NAME,
    EXPECTED_PUBLIC_COUNT,
    EXPECTED_VALUE,
    PLANTED,
)

pytestmark = pytest.mark.django_db

# the record's fixtures
finance_pair = statistics_data.finance_pair
record = statistics_data.record
dispositions = statistics_data.dispositions

RESOURCES = ("assets", "dispositions", "monitoring-reports", "claims", "cooperation", "ledger-flows")


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


def every_public_body(client) -> dict[str, str]:
    """Every public page, feed and export of the public record, by address."""
    bodies = {}
    for name in RESOURCES:
        for fmt in ("csv", "json"):
            address = f"/api/v1/open-data/{name}.{fmt}"
            bodies[address] = body(client.get(address))
    groupings = [f"/api/v1/statistics/?by={by}" for by in statistics.GROUPINGS]
    for address in ["/api/v1/open-data/datapackage.json", "/statistics/", "/statistics/data-dictionary/",
                    "/api/v1/statistics/cooperation/", *groupings]:
        bodies[address] = client.get(address).content.decode()
    for slug in ("by-stage", "by-category", "by-country-of-origin", "by-year", "funnel", "proceeds", "in-use", "claims",
                 "sale-to-value", "cost-share", "median-days", "confiscation-rate", "cooperation-by-country",
                 "cooperation-by-stage"):
        address = f"/statistics/tables/{slug}/"
        bodies[address] = client.get(address).content.decode()
    return bodies


def test_the_exports_are_streamed_and_say_the_same_in_csv_and_json(record, client):
    # When each resource is downloaded in both formats
    for name in RESOURCES:
        as_csv = client.get(f"/api/v1/open-data/{name}.csv")
        as_json = client.get(f"/api/v1/open-data/{name}.json")
        # Then both are streamed, not built whole in memory
        assert as_csv.streaming and as_json.streaming
        assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.DictReader(io.StringIO(body(as_csv))))
        objects = json.loads(body(as_json))
        # And they hold the same rows, with the columns the data package describes
        columns = [c.name for c in open_data.RESOURCE_BY_NAME[name].columns]
        assert body(client.get(f"/api/v1/open-data/{name}.csv")).split("\n", 1)[0] == ",".join(columns)
        assert all(list(o) == columns for o in objects)
        assert [{k: "" if v is None else str(v) for k, v in o.items()} for o in objects] == rows
    assets = json.loads(body(client.get("/api/v1/open-data/assets.json")))
    assert len(assets) == EXPECTED_PUBLIC_COUNT
    assert sum(Decimal(a["value_at_seizure"]) for a in assets if a["value_at_seizure"]) == EXPECTED_VALUE
    # the ledger's flows balance: every entry's debits equal its credits
    flows = json.loads(body(client.get("/api/v1/open-data/ledger-flows.json")))
    assert flows and sum(Decimal(f["net"]) for f in flows) == 0
    assert {f["entry_kind"] for f in flows} >= {"sale", "payment", "cost"}


def test_an_unknown_resource_is_not_found(client, db):
    response = client.get("/api/v1/open-data/parties.csv")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_the_data_package_validates_with_its_data(dispositions, client, tmp_path):
    # Given the data package and its resources (assets, decisions, reports, flows), downloaded side by side
    descriptor = client.get("/api/v1/open-data/datapackage.json").json()
    for resource in descriptor["resources"]:
        (tmp_path / resource["path"]).write_text(body(client.get(f"/api/v1/open-data/{resource['path']}")))
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    # When frictionless checks the descriptor, each Table Schema and every row against it
    report = validate(str(tmp_path / "datapackage.json"))
    # Then it is valid, with a licence and a source, and a schema for every resource
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    assert package.licenses[0]["name"] == "CC-BY-4.0" and package.sources
    assert {r.name for r in package.resources} == set(RESOURCES)
    assert all(r.schema.fields for r in package.resources)
    assert all(len(r.read_rows()) for r in package.resources)  # every resource has rows to check
    # and the data dictionary page explains every column
    dictionary = client.get("/statistics/data-dictionary/").content.decode()
    for resource in open_data.RESOURCES:
        for column in resource.columns:
            assert f"<code>{column.name}</code>" in dictionary


def test_no_personal_data_reaches_any_public_page_or_export(record, client):
    # Given owners, claimants and a buyer with names, identity numbers, addresses and contacts in the record
    # When every public page and export of the public record is read
    bodies = every_public_body(client)
    # Then none of it appears anywhere
    for address, text in bodies.items():
        assert text, address
        for planted in [*PLANTED, BUYER_NAME, "Owner Oy", "Bank Ltd", "State v. "]:
            assert planted not in text, (address, planted)
