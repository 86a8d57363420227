"""Claims on the statistics page and in the open data: filed, decided, granted, compensation paid and the
median days to decision, against a hand-computed fixture; one row per claim in claims.csv/.json with
no claimant's name, address or basis."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from cms import statistics
from disposition.models import Claim
from disposition.services import claims
from tests.disposition.claims_helpers import CLAIMANT_ADDRESS, CLAIMANT_NAME, paper_claim, to_decided
from tests.disposition.reuse_helpers import confiscated_asset, fund

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def heard(case, case_officer, approver, finance_officer):
    """Four claims: one paid (granted 3,000, decided 10 days after filing), one partly granted (2,000 of
    5,000, 20 days), one denied (30 days), one still filed."""
    villa = confiscated_asset(case, case_officer)
    fund("10000.00")
    now = timezone.now()
    made = []
    hearings = (("granted", None, "3000.00", 10), ("partly_granted", "2000.00", "5000.00", 20),
                ("denied", None, "4000.00", 30))
    for outcome, amount, claimed, days in hearings:
        claim = paper_claim(case_officer, villa, amount=claimed)
        to_decided(claim, case_officer, approver, outcome=outcome, amount=amount)
        Claim.objects.filter(pk=claim.pk).update(filed_at=now - datetime.timedelta(days=days + 1),
                                                 first_decided_at=now - datetime.timedelta(days=1))
        made.append(claim)
    claims.claim_pay(actor=finance_officer, claim_id=made[0].pk, reference="SEPA-9")
    paper_claim(case_officer, villa, amount="1000.00")
    return made


def test_the_claims_figures_match_the_hand_count(heard):
    figures = statistics.claim_figures()
    assert (figures.filed, figures.decided, figures.granted, figures.partly_granted, figures.denied,
            figures.awaiting) == (4, 3, 1, 1, 1, 1)
    assert figures.claimed == Decimal("13000.00")
    assert figures.granted_amount == Decimal("5000.00")
    assert figures.paid == Decimal("3000.00")
    assert figures.median_days == pytest.approx(20.0, abs=0.01)


def test_the_statistics_page_shows_the_claims_section_without_names(heard, client):
    html = client.get("/statistics/").content.decode()
    assert "Claims of third parties and victims" in html and "Compensation paid" in html
    assert CLAIMANT_NAME not in html
    table = client.get("/statistics/tables/claims/").content.decode()
    assert "paid,3000.00" in table and "median_days,20.0" in table


def test_the_claims_export_has_a_row_per_claim_and_no_personal_data(heard, client):
    as_csv = b"".join(client.get("/api/v1/open-data/claims.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert len(rows) == 4
    paid = next(r for r in rows if r["claim_id"] == str(heard[0].pk))
    assert (paid["status"], paid["outcome"], paid["amount_granted"], paid["amount_paid"]) == \
        ("paid", "granted", "3000.00", "3000.00")
    assert paid["days_to_decision"] == "10.00"
    as_json = json.loads(b"".join(client.get("/api/v1/open-data/claims.json").streaming_content))
    assert len(as_json) == 4
    for text in (as_csv, json.dumps(as_json)):
        assert CLAIMANT_NAME not in text and CLAIMANT_ADDRESS not in text and "Letter received" not in text


def test_a_paid_claim_has_its_own_line_where_the_proceeds_went_and_the_totals_still_add_up(heard, client):
    # Given 10,000 in the fund, of which a granted claim was paid 3,000 (the others not paid)
    destinations = {d.key: d for d in statistics.proceeds_destinations()}
    # Then the claimants' line shows the 3,000, all of it paid, and the fund what is left
    assert (destinations["claimants"].amount, destinations["claimants"].paid) == (Decimal("3000.00"),
                                                                                  Decimal("3000.00"))
    assert destinations["claimants"].outstanding == 0
    assert destinations["state_budget"].amount == Decimal("7000.00")
    # and the destinations still add up to every proceed received
    assert sum(d.amount for d in destinations.values()) == Decimal("10000.00")
    # And the page's table and its download say the same
    html = client.get("/statistics/").content.decode()
    assert "Paid to claimants" in html and CLAIMANT_NAME not in html
    download = {row[0]: row for row in csv.reader(io.StringIO(
        client.get("/statistics/tables/proceeds/").content.decode()))}
    assert download["claimants"][1:] == ["3000.00", "3000.00", "0.00"]
    assert download["state_budget"][1] == "7000.00"
    assert download["total"][1:3] == ["10000.00", "3000.00"]
