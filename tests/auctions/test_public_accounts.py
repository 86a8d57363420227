"""Bidder accounts on the public site: sign-up with e-mail verification, sign-in, the profile and
its validation (identity document by content and size)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from auctions.models import BidderProfile
from auctions.services import bidders
from tests.auctions.public_helpers import jpeg_upload, pdf_upload

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-and-unusual-pass-2026"


def sign_up_data(**overrides) -> dict:
    data = {
        "username": "newbidder", "email": "new.bidder@example.org", "password1": PASSWORD, "password2": PASSWORD,
        "legal_name": "Nora Newbidder", "address": "5 Market Square\n1000 Brussels", "country": "BE",
        "phone": "+32 2 555 12 12", "date_of_birth": "1985-03-02", "id_document_type": "id_card",
        "id_document_number": "591-1234567-53", "consent": "on",
    }
    data.update(overrides)
    return data


def _link(message) -> str:
    match = re.search(r"https?://\S+/account/verify/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_sign_up_mails_a_verification_link_after_commit_and_the_link_verifies(client,
                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("auctions:sign_up"), {**sign_up_data(), "id_document_file": pdf_upload()})
    assert response.status_code == 302 and response["Location"] == reverse("auctions:sign_up_done")
    assert mail.outbox == []  # nothing is sent before the account is committed
    for callback in callbacks:
        callback()
    user = get_user_model().objects.get(username="newbidder")
    assert not user.is_staff
    profile = BidderProfile.objects.get(user=user)
    assert profile.status == "pending" and not profile.email_verified
    assert profile.country == "BE" and profile.id_document_file.name.startswith("bidders/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.bidder@example.org"]

    # Nobody is signed in by the sign-up (that would tell a taken address from a new one); once
    # signed in, the profile says what is missing.
    assert client.get(reverse("auctions:profile")).status_code == 302
    assert client.login(username="newbidder", password=PASSWORD)
    page = client.get(reverse("auctions:profile")).content.decode()
    assert "Awaiting review" in page and "not confirmed yet" in page

    response = client.get(_link(mail.outbox[0]))
    assert response.status_code == 302
    assert BidderProfile.objects.get(user=user).email_verified


def test_no_mail_if_the_sign_up_fails(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("auctions:sign_up"), sign_up_data(password2="different"))
    assert response.status_code == 400
    assert "The two passwords differ." in response.content.decode()
    assert not get_user_model().objects.filter(username="newbidder").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("field,value,message", [
    ("email", "not-an-address", "Enter a valid email address."),
    ("phone", "call me", "Enter a phone number"),
    ("country", "B1", "Choose a country from the list."),
    ("country", "", "Choose your country of residence."),
    ("password1", "password", "This password is too common."),
    ("legal_name", "", "This field is required."),
    ("id_document_type", "library_card", "Select a valid choice."),
])
def test_sign_up_validation_errors(client, field, value, message):
    data = sign_up_data(**{field: value})
    if field == "password1":
        data["password2"] = value
    response = client.post(reverse("auctions:sign_up"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="newbidder").exists()


def test_sign_up_refuses_a_taken_username_but_does_not_say_the_address_is_taken(client):
    get_user_model().objects.create_user("newbidder", "someone@example.org", "x")
    response = client.post(reverse("auctions:sign_up"), sign_up_data(email="SOMEONE@example.org"))
    html = response.content.decode()
    assert "This username is taken." in html
    assert "e-mail address already" not in html


def test_identity_document_is_checked_by_content(client):
    fake_pdf = SimpleUploadedFile("passport.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    response = client.post(reverse("auctions:sign_up"), {**sign_up_data(), "id_document_file": fake_pdf})
    assert response.status_code == 400
    assert "Upload the document as a PDF, PNG or JPEG file." in response.content.decode()
    assert not BidderProfile.objects.exists()


def test_identity_document_size_limit(client, settings):
    settings.MAX_DOCUMENT_BYTES = 1024
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * 4096, content_type="application/pdf")
    response = client.post(reverse("auctions:sign_up"), {**sign_up_data(), "id_document_file": big})
    assert response.status_code == 400
    assert "The document is too large" in response.content.decode()


def test_a_jpeg_scan_is_accepted(client):
    response = client.post(reverse("auctions:sign_up"), {**sign_up_data(), "id_document_file": jpeg_upload("id.jpg")})
    assert response.status_code == 302
    assert BidderProfile.objects.get().id_document_file


@pytest.mark.parametrize("token", ["garbage", "a" * 300])
def test_bad_verification_links_say_so(client, token):
    response = client.get(reverse("auctions:verify_email", args=[token]))
    assert response.status_code == 400
    assert "This link is not valid." in response.content.decode()


def test_expired_and_outdated_links_are_refused(client, monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("auctions:sign_up"), sign_up_data())
    link = _link(mail.outbox[0])
    monkeypatch.setattr(bidders, "VERIFY_MAX_AGE_SECONDS", -1)
    response = client.get(link)
    assert response.status_code == 400 and "expired" in response.content.decode()
    monkeypatch.undo()

    user = get_user_model().objects.get(username="newbidder")
    user.email = "changed@example.org"
    user.save()
    assert client.get(link).status_code == 400  # the token names the old address
    assert not BidderProfile.objects.get(user=user).email_verified


def test_resend_verification(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("auctions:sign_up"), sign_up_data())
    client.login(username="newbidder", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("auctions:resend_verification"))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    token = _link(mail.outbox[1]).rstrip("/").rsplit("/", 1)[-1]
    assert signing.loads(token, salt=bidders.VERIFY_SALT)["e"] == "new.bidder@example.org"


def test_sign_in_and_out(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("auctions:sign_up"), sign_up_data())
    client.logout()
    page = client.get(reverse("auctions:login")).content.decode()
    assert 'name="username"' in page and 'name="password"' in page
    response = client.post(reverse("auctions:login"), {"username": "newbidder", "password": "wrong"})
    assert response.status_code == 200 and "correct username and password" in response.content.decode()
    response = client.post(reverse("auctions:login"), {"username": "newbidder", "password": PASSWORD,
                                                       "next": reverse("auctions:my_bids")})
    assert response.status_code == 302 and response["Location"] == reverse("auctions:my_bids")
    response = client.post(reverse("auctions:logout"))
    assert response.status_code == 302
    assert client.get(reverse("auctions:my_bids")).status_code == 302


def test_profile_corrections_while_pending_and_frozen_once_approved(client, auction_manager,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("auctions:sign_up"), sign_up_data())
    client.login(username="newbidder", password=PASSWORD)
    url = reverse("auctions:profile")
    form = {k: v for k, v in sign_up_data().items() if k not in ("username", "email", "password1", "password2")}

    response = client.post(url, {**form, "phone": "??"})
    assert response.status_code == 400 and "Enter a phone number" in response.content.decode()
    response = client.post(url, {**form, "address": "7 New Street", "id_document_file": pdf_upload("new.pdf")})
    assert response.status_code == 302
    profile = BidderProfile.objects.get(user__username="newbidder")
    assert profile.address == "7 New Street" and profile.id_document_file

    bidders.bidder_profile_approve(profile_id=profile.pk, actor=auction_manager)
    page = client.get(url).content.decode()
    assert "Approved" in page and 'name="legal_name"' not in page
    client.post(url, {**form, "legal_name": "Someone Else"})
    assert BidderProfile.objects.get(pk=profile.pk).legal_name == "Nora Newbidder"


def test_rejected_bidder_sees_the_reason(client, auction_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("auctions:sign_up"), sign_up_data())
    client.login(username="newbidder", password=PASSWORD)
    profile = BidderProfile.objects.get(user__username="newbidder")
    bidders.bidder_profile_reject(profile_id=profile.pk, actor=auction_manager, reason="The scan is blurred.")
    page = client.get(reverse("auctions:profile")).content.decode()
    assert "Rejected" in page and "The scan is blurred." in page


def test_identity_document_is_never_public(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("auctions:sign_up"), {**sign_up_data(), "id_document_file": pdf_upload()})
    client.login(username="newbidder", password=PASSWORD)
    profile = BidderProfile.objects.get()
    page = client.get(reverse("auctions:profile")).content.decode()
    assert profile.id_document_file.name not in page
    assert client.get(f"/media/{profile.id_document_file.name}").status_code == 404
