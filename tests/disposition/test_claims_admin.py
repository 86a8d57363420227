"""The Claims menu of the staff admin: a case officer drafts and publishes a notice and records a paper
claim; the claim's page offers each role exactly its steps (four eyes shown, not offered); documents
are downloaded by those who may see them; others get a 403."""

import re

import pytest
from django.urls import reverse

from disposition.models import Claim, ClaimStatus, NoticeStatus, PublicNotice
from disposition.services import claims
from tests.disposition.claims_helpers import CLAIMANT_NAME, paper_claim, png
from tests.disposition.reuse_helpers import confiscated_asset

pytestmark = pytest.mark.django_db


@pytest.fixture
def villa(case, case_officer):
    return confiscated_asset(case, case_officer)


def test_a_case_officer_drafts_and_publishes_a_notice(client, villa, case_officer):
    client.force_login(case_officer)
    add = reverse("disposition_notices:add")
    form = {"case": villa.case_id, "title": "Notice: villa on the lake", "summary": "Confiscated villa.",
            "how_to_claim": "", "assets": [villa.pk], "claims_until": "2099-01-31T12:00"}
    # An empty "how to claim" is refused beside its field
    response = client.post(add, form)
    assert response.status_code == 400
    response = client.post(add, {**form, "how_to_claim": "Online or by post."})
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = PublicNotice.objects.get()
    inspect = reverse("disposition_notices:inspect", args=[notice.pk])
    assert 'data-action="publish"' in client.get(inspect).content.decode()
    publish = reverse("disposition_notices:action_publish", args=[notice.pk])
    assert client.post(publish, {"expected_status": "draft"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED
    assert reverse("disposition:notice", args=[notice.pk]) in client.get(inspect).content.decode()


def test_a_paper_claim_is_recorded_reviewed_and_decided_by_another_person(
        client, villa, case_officer, approver, auditor):
    client.force_login(case_officer)
    response = client.post(reverse("disposition_claims:add"), {
        "case": villa.case_id, "claimant_type": "bona_fide_owner", "claimant_name": CLAIMANT_NAME,
        "subject": "assets", "assets": [villa.pk], "basis": "Bought the villa in 2015 in good faith.",
        "amount": "250,000.00", "currency": "EUR", "documents": [png("deed.png")]})
    assert response.status_code == 302, response.content.decode()[:3000]
    claim = Claim.objects.get()
    assert claim.channel == "paper" and claim.documents.count() == 1
    inspect = reverse("disposition_claims:inspect", args=[claim.pk])
    page = client.get(inspect).content.decode()
    assert CLAIMANT_NAME in page and 'data-action="review"' in page
    # The officer reviews and recommends; they are not offered the decision
    assert client.post(reverse("disposition_claims:action_review", args=[claim.pk]),
                       {"expected_status": "filed"}).status_code == 302
    assert client.post(reverse("disposition_claims:action_recommend", args=[claim.pk]), {
        "expected_status": "under_review", "outcome": "granted", "amount": "",
        "recommendation": "The deed is authentic."}).status_code == 302
    assert 'data-action="decide"' not in client.get(inspect).content.decode()
    # The approver decides with reasons
    client.force_login(approver)
    decide = reverse("disposition_claims:action_decide", args=[claim.pk])
    response = client.post(decide, {"expected_status": "recommended", "outcome": "granted", "amount": "",
                                    "reasons": ""})
    assert response.status_code == 400
    assert client.post(decide, {"expected_status": "recommended", "outcome": "granted", "amount": "",
                                "reasons": "Good faith proven."}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DECIDED and claim.amount_granted == claim.amount_claimed
    # The auditor reads the claim and its document, and may take no step
    client.force_login(auditor)
    page = client.get(inspect).content.decode()
    assert not re.search(r'data-action="(review|request_information|resume|recommend|decide|reconsider|pay)"', page)
    document = claim.documents.get()
    response = client.get(reverse("disposition_claims:document", args=[document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.post(reverse("disposition_claims:action_pay", args=[claim.pk]),
                       {"reference": "X"}).status_code == 403


def test_the_recommender_sees_why_they_may_not_decide(client, villa, case_officer, approver):
    approver.groups.add(*case_officer.groups.all())
    claim = paper_claim(case_officer, villa)
    claims.claim_start_review(actor=approver, claim_id=claim.pk)
    claims.claim_recommend(actor=approver, claim_id=claim.pk, outcome="denied", recommendation="No proof")
    client.force_login(approver)
    page = client.get(reverse("disposition_claims:inspect", args=[claim.pk])).content.decode()
    assert 'data-action="decide"' not in page and "four eyes" in page


def test_the_listing_filters_and_searches_and_a_bidder_gets_no_admin(client, villa, case_officer):
    paper_claim(case_officer, villa)
    paper_claim(case_officer, villa, name="Someone Else", claimant_type="creditor")
    client.force_login(case_officer)
    listing = client.get(reverse("disposition_claims:index"), {"claimant_type": "creditor"}).content.decode()
    assert "Someone Else" in listing and CLAIMANT_NAME not in listing
    listing = client.get(reverse("disposition_claims:index"), {"q": "Hortensia"}).content.decode()
    assert CLAIMANT_NAME in listing and "Someone Else" not in listing
    from tests.disposition.claims_helpers import claimant

    client.force_login(claimant())
    assert client.get(reverse("disposition_claims:index")).status_code in (302, 403)
