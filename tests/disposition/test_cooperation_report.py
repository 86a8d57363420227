"""The yearly report per counterpart state, its figures against a hand-computed fixture: requests
sent and received in the year, answered, refused, pending, and the median days to answer. The staff
page and its CSV show the same; other roles get a 403."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from disposition.selectors_cooperation import cooperation_yearly_report
from disposition.services import cooperation
from tests.disposition.coop_helpers import request

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def fixture_2025(case_officer):
    """Requests sent in 2025 (and one in 2024, which the 2025 report leaves out):

    Switzerland  sent 10 Jan, answered 10 Mar (59 days)     Nigeria  received 1 Feb, answered 3 Feb (2 days)
                 sent 1 Feb, refused 1 Jun (120 days)                sent 1 Mar, answered 31 Mar (30 days)
                 received 5 May, answered 9 May (4 days)             sent 1 Apr, acknowledged, pending
                 sent 1 Dec, pending                                  received 1 Jul, withdrawn
    France       sent 15 Jun, pending                        (Switzerland, sent 1 Dec 2024, answered: not 2025)

    Switzerland: sent 3, received 1, answered 2, refused 1, pending 1, median of 59, 120, 4 = 59.
    Nigeria: sent 2, received 2, answered 2, refused 0, pending 1, median of 2, 30 = 16.
    France: sent 1, received 0, answered 0, refused 0, pending 1, median none.
    All: sent 6, received 3, answered 4, refused 1, pending 3, median of 2, 4, 30, 59, 120 = 30.
    """
    officer = case_officer
    rows = [
        ("CH", "sent", D(2025, 1, 10), ("answer", D(2025, 3, 10))),
        ("CH", "sent", D(2025, 2, 1), ("refuse", D(2025, 6, 1))),
        ("CH", "received", D(2025, 5, 5), ("answer", D(2025, 5, 9))),
        ("CH", "sent", D(2025, 12, 1), None),
        ("NG", "received", D(2025, 2, 1), ("answer", D(2025, 2, 3))),
        ("NG", "sent", D(2025, 3, 1), ("answer", D(2025, 3, 31))),
        ("NG", "sent", D(2025, 4, 1), ("acknowledge", D(2025, 4, 10))),
        ("NG", "received", D(2025, 7, 1), ("withdraw", None)),
        ("FR", "sent", D(2025, 6, 15), None),
        ("CH", "sent", D(2024, 12, 1), ("answer", D(2025, 1, 5))),
    ]
    for n, (state, direction, sent_on, step) in enumerate(rows):
        r = request(officer, ref=f"R-{n}", state=state, direction=direction, sent_on=sent_on)
        if step is None:
            continue
        name, on = step
        if name == "acknowledge":
            cooperation.request_acknowledge(actor=officer, request_id=r.pk, on=on)
        elif name == "withdraw":
            cooperation.request_withdraw(actor=officer, request_id=r.pk, reason="Settled")
        else:
            cooperation.request_reply(actor=officer, request_id=r.pk, refused=name == "refuse", on=on,
                                      outcome="Reasons" if name == "refuse" else "")


def figures(row):
    return (row.state, row.sent, row.received, row.answered, row.refused, row.pending, row.median_days)


def test_the_yearly_report_matches_the_hand_computed_figures(fixture_2025):
    report = cooperation_yearly_report(year=2025)
    assert [figures(row) for row in report.rows] == [
        ("FR", 1, 0, 0, 0, 1, None),
        ("NG", 2, 2, 2, 0, 1, 16),
        ("CH", 3, 1, 2, 1, 1, 59),
    ]
    assert figures(report.total)[1:] == (6, 3, 4, 1, 3, 30)
    # the request sent in 2024 is in the 2024 report only
    assert [figures(row) for row in cooperation_yearly_report(year=2024).rows] == [("CH", 1, 0, 1, 0, 0, 35)]


def test_the_staff_page_and_its_csv_show_the_same_figures(client, fixture_2025, auditor, custodian):
    client.force_login(auditor)
    page = client.get(reverse("cooperation_report:index"), {"year": "2025"}).content.decode()
    assert 'data-state="CH"' in page and "Switzerland" in page and "Nigeria" in page
    response = client.get(reverse("cooperation_report:csv"), {"year": "2025"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["state"], r["sent"], r["received"], r["answered"], r["refused"], r["pending"],
             r["median_days_to_answer"]) for r in rows] == [
        ("FR", "1", "0", "0", "0", "1", ""), ("NG", "2", "2", "2", "0", "1", "16"),
        ("CH", "3", "1", "2", "1", "1", "59"), ("ALL", "6", "3", "4", "1", "3", "30")]
    # a year typed wrong falls back to the newest; a role without access gets 403
    assert client.get(reverse("cooperation_report:index"), {"year": "abc"}).status_code == 200
    client.force_login(custodian)
    assert client.get(reverse("cooperation_report:index")).status_code == 403
    assert client.get(reverse("cooperation_report:csv")).status_code == 403
