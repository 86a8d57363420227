"""The public side of claims: a notice read by anyone (public facts only), a claimant opening an account
and confirming their address, filing a claim with documents (checked by parsing them, errors beside
their fields), answering a deficiency notice and asking for reconsideration on their claim's page."""

import datetime
import re
from urllib.parse import quote

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from disposition.models import Claim, ClaimantAccount, ClaimStatus
from disposition.services import claims
from tests.disposition.claims_helpers import (
    CLAIMANT_ADDRESS,
    CLAIMANT_NAME,
    claimant,
    fake_pdf,
    file_claim,
    notice_for,
    png,
    to_decided,
)
from tests.disposition.reuse_helpers import confiscated_asset
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-2026!"


@pytest.fixture
def villa(case, case_officer):
    asset = confiscated_asset(case, case_officer, title="Villa of the defendant Mr Secretname")
    type(asset).objects.filter(pk=asset.pk).update(public_area="Mechelen")
    return asset


@pytest.fixture
def notice(villa, case_officer):
    return notice_for(case_officer, villa)


def _form(villa, **overrides):
    data = {"claimant_type": "victim", "claimant_name": CLAIMANT_NAME, "claimant_address": CLAIMANT_ADDRESS,
            "subject": "proceeds", "assets": [str(villa.pk)], "basis": "I lent him 5,000 euros.",
            "amount": "5,000.00", "currency": "EUR", "documents": [png()]}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_anyone_reads_a_published_notice_with_public_facts_only(client, notice, villa, case_officer):
    # Given a published notice over a villa, and a draft one
    draft = notice_for(case_officer, villa, publish=False, title="Draft notice not yet public")
    # When a visitor opens the list and the notice
    listing = client.get(reverse("disposition:notices")).content.decode()
    page = client.get(reverse("disposition:notice", args=[notice.pk]))
    html = page.content.decode()
    # Then they see the notice, its deadline, the asset's category and area, and how to claim
    assert notice.title in listing and "Draft notice not yet public" not in listing
    assert page.status_code == 200
    assert "Real estate" in html and "Mechelen" in html and "File your claim online" in html
    assert "File a claim online" in html
    # And never the asset's title (it names a person), its reference or the case's
    assert "Secretname" not in html and villa.reference not in html and villa.case.reference not in html
    # And a draft is not found
    assert client.get(reverse("disposition:notice", args=[draft.pk])).status_code == 404


def test_a_claimant_opens_an_account_confirms_the_address_and_files(client, notice, villa, mailoutbox,
                                                                    django_capture_on_commit_callbacks):
    new = reverse("disposition:claim_new", args=[notice.pk])
    # A visitor who is not signed in is sent to sign in first
    response = client.get(new)
    assert response.status_code == 302 and "next=" in response["Location"]
    # They open an account from the notice: told to check their e-mail, then sign in to go on to it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{reverse('disposition:claimant_sign_up')}?next={new}", {
            "username": "hortensia", "email": "hortensia@example.net", "password1": PASSWORD,
            "password2": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:3000]
    done = client.get(response["Location"]).content.decode()
    assert "Check your e-mail" in done and f"next={quote(new, safe='')}" in done
    # Signed in, until the address is confirmed, filing is refused with a way to get the link again
    assert client.login(username="hortensia", password=PASSWORD)
    response = client.get(new)
    assert response.status_code == 403 and "Confirm your e-mail address" in response.content.decode()
    # They follow the link from the e-mail
    link = re.search(r"https?://\S+/claims/account/verify/\S+/", mailoutbox[-1].body).group(0)
    response = client.get(link[link.index("/claims/"):])
    assert response.status_code == 302
    # And file their claim with a scanned document
    response = client.post(new, _form(villa))
    assert response.status_code == 302, response.content.decode()[:3000]
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.FILED and claim.claimant_email == "hortensia@example.net"
    assert claim.documents.count() == 1 and claim.amount_claimed == 5000
    page = client.get(response["Location"]).content.decode()
    assert claim.number in page and "Filed" in page


def test_signing_up_with_a_taken_address_answers_as_a_new_sign_up_and_tells_the_owner(
        client, django_capture_on_commit_callbacks):
    # Given an account that holds nora@example.org
    owner = UserFactory(username="nora", email="nora@example.org", is_staff=False)
    sign_up = reverse("disposition:claimant_sign_up")

    def post(username, email):
        client.cookies.clear()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(sign_up, {"username": username, "email": email, "password1": PASSWORD,
                                             "password2": PASSWORD})
        return response, set(client.cookies.keys()), client.get(response["Location"]).content

    # When one person signs up with a free address and another with hers (written otherwise)
    fresh, fresh_cookies, fresh_page = post("fresh", "fresh@example.org")
    taken, taken_cookies, taken_page = post("intruder", "NORA@example.org")

    # Then both get the same answer and page, and neither is signed in
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert taken_cookies == fresh_cookies and SESSION_KEY not in client.session
    assert taken_page == fresh_page and b"Check your e-mail" in taken_page
    # And no account is made for her address, while she alone is told by e-mail how to sign in
    assert not get_user_model().objects.filter(username="intruder").exists()
    assert get_user_model().objects.filter(email__iexact="nora@example.org").count() == 1
    assert not ClaimantAccount.objects.filter(user=owner).exists()
    (notice,) = mail.outbox
    assert notice.to == ["nora@example.org"]
    assert "already belongs to your account" in notice.body and "nora" in notice.body
    assert "file claims" in notice.body and reverse("auctions:password_reset") in notice.body
    assert "/claims/account/verify/" not in notice.body
    # But a taken user name is said: people choose it, and must choose another
    again = client.post(sign_up, {"username": "nora", "email": "other@example.org", "password1": PASSWORD,
                                  "password2": PASSWORD})
    assert again.status_code == 400 and "already exists" in again.content.decode()


def test_the_form_refuses_a_fake_pdf_and_missing_fields_beside_them(client, notice, villa):
    user = claimant()
    client.force_login(user)
    new = reverse("disposition:claim_new", args=[notice.pk])
    # A file named .pdf that no PDF parser opens
    response = client.post(new, _form(villa, documents=[fake_pdf()]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "not a readable PDF" in html and "fake.pdf" in html
    # An empty basis and an amount that is not one
    response = client.post(new, _form(villa, basis="", amount="lots"))
    assert response.status_code == 400
    errors = re.findall(r'<p class="field-error" role="alert">([^<]+)</p>', response.content.decode())
    assert len(errors) >= 2
    # What was typed is kept
    assert CLAIMANT_NAME in response.content.decode()
    assert not Claim.objects.exists()


def test_a_claimant_answers_the_deficiency_notice_on_the_claims_page(client, notice, villa, case_officer):
    user = claimant()
    claim = file_claim(user, notice, villa)
    claims.claim_start_review(actor=case_officer, claim_id=claim.pk)
    claims.claim_request_information(actor=case_officer, claim_id=claim.pk, request="Send your loan contract.",
                                     answer_by=timezone.now() + datetime.timedelta(days=10))
    client.force_login(user)
    page_url = reverse("disposition:my_claim", args=[claim.pk])
    page = client.get(page_url).content.decode()
    assert "Send your loan contract." in page and "Answer by" in page
    # An empty answer is refused beside its field
    response = client.post(page_url, {"step": "answer", "answer-answer": ""})
    assert response.status_code == 400 and "field-error" in response.content.decode()
    response = client.post(page_url, {"step": "answer", "answer-answer": "Attached.",
                                       "answer-documents": [png("contract.png")]})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW and claim.documents.count() == 2


def test_a_claimant_asks_for_reconsideration_and_sees_no_one_elses_claim(
        client, notice, villa, case_officer, approver):
    user = claimant()
    claim = file_claim(user, notice, villa)
    to_decided(claim, case_officer, approver, outcome="denied")
    other = claimant(username="nosy", email="nosy@example.net")
    client.force_login(other)
    assert client.get(reverse("disposition:my_claim", args=[claim.pk])).status_code == 404
    client.force_login(user)
    page_url = reverse("disposition:my_claim", args=[claim.pk])
    page = client.get(page_url).content.decode()
    assert "Denied" in page and "Ask for reconsideration" in page
    response = client.post(page_url, {"step": "reconsider", "reconsider-grounds": "New evidence."})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW
