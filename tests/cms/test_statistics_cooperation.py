"""International cooperation in the public statistics: requests sent and received, foreign orders received,
assets frozen abroad and returns to other states, counted by state and by stage on the statistics page,
in GET /api/v1/statistics/cooperation/ and in cooperation.csv/.json, agreeing with each other and with
where the proceeds went; and no authority, reference, subject, payee or bank account anywhere."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from cms import statistics
from common.money import format_money
from disposition.services import allocations, cooperation, decisions
from tests.disposition.coop_helpers import days_ago, received_order, request
from tests.disposition.reuse_helpers import fund

pytestmark = pytest.mark.django_db

PLANTED = ["Procureur Privé de Genève", "Secret bank records of Mr Dupont-Privé", "REQ-PRIVATE-7",
           "Refused: the defendant Mr Okafor-Privé is a minor", "Federal Republic payee Privé", "NG-CBN-PRIVATE-99",
           "Chalet of Mr Dupont-Privé"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cooperated(case_officer, approver, finance_officer, case):
    """Two requests sent to Switzerland (one answered, one pending), one received from Nigeria and refused;
    a Swiss freezing order received; a chalet frozen in Switzerland (250,000 EUR) and an account confiscated
    in Nigeria (in USD: counted, not added); 600 EUR of the fund returned to Nigeria, 400 of it paid."""
    answered = request(case_officer, ref="REQ-PRIVATE-7", state="CH", authority=PLANTED[0], subject=PLANTED[1])
    cooperation.request_reply(actor=case_officer, request_id=answered.pk, refused=False, on=days_ago(50),
                              outcome="Records sent")
    request(case_officer, ref="REQ-2", state="CH")
    refused = request(case_officer, ref="REQ-3", state="NG", direction="received")
    cooperation.request_reply(actor=case_officer, request_id=refused.pk, refused=True, on=days_ago(20),
                              outcome=PLANTED[3])
    received_order(case_officer, case, state="CH")
    cooperation.frozen_abroad_record(actor=case_officer, case_id=case.pk, country="CH", asset_type="real_estate",
                                     description=PLANTED[6], amount="250000.00", currency="EUR",
                                     frozen_on=days_ago(400))
    account = cooperation.frozen_abroad_record(actor=case_officer, case_id=case.pk, country="NG",
                                               asset_type="bank_account", description="Account in Lagos",
                                               amount="90000.00", currency="USD", frozen_on=days_ago(400))
    cooperation.frozen_abroad_step(actor=case_officer, item_id=account.pk, step="confiscate", on=days_ago(100))
    fund("1000.00")
    decision = decisions.decision_propose(actor=case_officer, kind="foreign_return", amount="600.00", currency="EUR",
                                          legal_basis="UNCAC art. 57", recipient_state="NG")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_execute(actor=approver, decision_id=decision.pk)
    allocation = allocations.allocation_create(actor=case_officer, decision_id=decision.pk, payee_type="foreign_state",
                                               payee_name=PLANTED[4], amount="600.00", payee_account=PLANTED[5])
    allocations.allocation_pay(actor=finance_officer, allocation_id=allocation.pk, amount="400.00",
                               reference="SWIFT-PRIVATE-1", paid_on=days_ago(1))


def table(html: str, figure: str) -> dict[str, str]:
    body = re.search(rf'<table class="table" data-figure="{figure}">(.*?)</table>', html, re.S).group(1)
    return {key: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for key, row in re.findall(r'<tr[^>]*data-key="([^"]*)">(.*?)</tr>', body, re.S)}


def download(client, slug: str) -> dict[str, list[str]]:
    response = client.get(f"/statistics/tables/{slug}/")
    assert response.status_code == 200
    return {row[0]: row[1:] for row in csv.reader(io.StringIO(response.content.decode()))}


def test_cooperation_is_counted_by_state_and_by_stage_on_the_page_the_api_and_the_open_data(cooperated, client):
    # When the statistics page is read
    with translation.override(settings.LANGUAGE_CODE):
        html = client.get("/statistics/").content.decode()
    # Then it shows international cooperation per state: requests sent and received, foreign orders, assets
    # frozen abroad, returns and what was returned
    by_state = table(html, "cooperation-by-country")
    assert set(by_state) == {"CH", "NG", "total"}
    assert by_state["CH"].startswith("Switzerland") and by_state["NG"].startswith("Nigeria")
    assert format_money(Decimal("400.00"), "EUR") in by_state["NG"]
    assert download(client, "cooperation-by-country") == {
        "country": ["request_sent", "request_received", "foreign_order", "frozen_abroad", "return", "returned_eur"],
        "CH": ["2", "0", "1", "1", "0", "0.00"],
        "NG": ["0", "1", "0", "1", "1", "400.00"],
        "total": ["2", "1", "1", "2", "1", "400.00"]}
    # And by stage, with the amounts frozen (in the agency's currency only) and returned
    by_stage = table(html, "cooperation-by-stage")
    assert "Requests sent: Answered" in by_stage["request_sent:answered"]
    assert format_money(Decimal("250000.00"), "EUR") in by_stage["frozen_abroad:frozen"]
    assert download(client, "cooperation-by-stage") == {
        "record_status": ["count", "amount_eur"],
        "request_sent:open": ["1", ""], "request_sent:answered": ["1", ""],
        "request_received:refused": ["1", ""], "foreign_order:received": ["1", ""],
        "frozen_abroad:frozen": ["1", "250000.00"], "frozen_abroad:confiscated": ["1", "0.00"],
        "return:executed": ["1", "400.00"]}
    assert 'href="/api/v1/open-data/cooperation.csv"' in html

    # And the API gives the rows the tables add up, one per kind of record, state and status
    answer = client.get("/api/v1/statistics/cooperation/").json()
    assert answer["currency"] == "EUR"
    api_rows = {(r["record"], r["country"], r["status"]): (r["count"], r["amount"]) for r in answer["rows"]}
    assert api_rows == {
        ("request_sent", "CH", "answered"): (1, None), ("request_sent", "CH", "open"): (1, None),
        ("request_received", "NG", "refused"): (1, None), ("foreign_order", "CH", "received"): (1, None),
        ("frozen_abroad", "CH", "frozen"): (1, "250000.00"), ("frozen_abroad", "NG", "confiscated"): (1, "0.00"),
        ("return", "NG", "executed"): (1, "400.00")}
    # what was returned is what "where the proceeds went" says was paid to foreign states
    abroad = {d.key: d for d in statistics.proceeds_destinations()}["returned_abroad"]
    assert abroad.paid == Decimal("400.00") == sum(Decimal(r["amount"]) for r in answer["rows"]
                                                   if r["record"] == "return")

    # And the open data has the same rows, in CSV and JSON
    as_csv = list(csv.DictReader(io.StringIO(b"".join(
        client.get("/api/v1/open-data/cooperation.csv").streaming_content).decode())))
    assert {(r["record"], r["country"], r["status"]): (int(r["count"]), r["amount"] or None) for r in as_csv} \
        == api_rows
    assert {r["currency"] for r in as_csv} == {"EUR"}
    as_json = json.loads(b"".join(client.get("/api/v1/open-data/cooperation.json").streaming_content))
    assert len(as_json) == len(as_csv)
    package = client.get("/api/v1/open-data/datapackage.json").json()
    assert "cooperation" in {r["name"] for r in package["resources"]}


def test_no_authority_reference_subject_or_payee_of_cooperation_is_published(cooperated, client):
    # When every public view of the cooperation figures is read
    bodies = {address: client.get(address).content.decode()
              for address in ("/statistics/", "/statistics/tables/cooperation-by-country/",
                              "/statistics/tables/cooperation-by-stage/", "/api/v1/statistics/cooperation/")}
    for fmt in ("csv", "json"):
        address = f"/api/v1/open-data/cooperation.{fmt}"
        bodies[address] = b"".join(client.get(address).streaming_content).decode()
    # Then none of what was written on the records appears, only states, statuses, counts and amounts
    for address, text in bodies.items():
        for planted in PLANTED:
            assert planted not in text, (address, planted)
