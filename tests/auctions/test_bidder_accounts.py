"""A bidder's account, after sign-up: consent to the terms and the privacy notice, a forgotten or
changed password, a changed e-mail address (confirmed from the new address), and every link in an
e-mail on the one configured base URL, whatever host the request that caused it came to."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from auctions import tasks
from auctions.models import BidderProfile
from auctions.services import bidding
from common.formats import format_moment
from tests.auctions.test_public_accounts import PASSWORD, sign_up_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "https://auctions.example.org"
OTHER_HOST = {"HTTP_HOST": "localhost:8000"}  # the request comes to another name than the base URL's


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.PUBLIC_BASE_URL = BASE


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def path_of(url: str) -> str:
    assert url.startswith(BASE + "/"), url
    return url[len(BASE):]


@pytest.fixture
def signed_up(client, django_capture_on_commit_callbacks):
    """A bidder who signed up through the form, and is signed in."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("auctions:sign_up"), sign_up_data(), **OTHER_HOST)
    assert response.status_code == 302
    assert client.login(username="newbidder", password=PASSWORD)  # the sign-up signs nobody in
    mail.outbox.clear()
    return get_user_model().objects.get(username="newbidder")


# --------------------------------------------------------------------------------------------
# Consent
# --------------------------------------------------------------------------------------------


def test_sign_up_needs_consent_to_the_terms_and_privacy_notice(client, settings):
    page = client.get(reverse("auctions:sign_up")).content.decode()
    assert f'href="{settings.INFO_PAGE_PATHS["terms"]}"' in page
    assert f'href="{settings.INFO_PAGE_PATHS["privacy"]}"' in page

    data = sign_up_data()
    del data["consent"]
    response = client.post(reverse("auctions:sign_up"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Accept the terms of sale and the privacy notice to register." in html
    assert 'value="newbidder"' in html  # what was typed is kept
    assert not get_user_model().objects.filter(username="newbidder").exists()


def test_consent_is_recorded_with_its_time_and_version(signed_up, settings):
    profile = BidderProfile.objects.get(user=signed_up)
    assert profile.consent_version == settings.CONSENT_VERSION
    assert profile.consent_at is not None and abs(timezone.now() - profile.consent_at).total_seconds() < 60


def test_the_auction_manager_sees_when_and_which_version_was_accepted(client, signed_up, auction_manager, settings):
    profile = BidderProfile.objects.get(user=signed_up)
    client.force_login(auction_manager)
    html = client.get(reverse("auctions_bidders:inspect", args=[profile.pk])).content.decode()
    assert f"Accepted on {format_moment(profile.consent_at)} (version {settings.CONSENT_VERSION})" in html


# --------------------------------------------------------------------------------------------
# Links in e-mails
# --------------------------------------------------------------------------------------------


def test_the_verification_link_is_on_the_base_url(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("auctions:sign_up"), sign_up_data(), **OTHER_HOST)
    (link,) = links(mail.outbox[0])
    assert link.startswith(f"{BASE}/account/verify/")
    # Following it keeps a signed-in bidder signed in and confirms the address.
    client.login(username="newbidder", password=PASSWORD)
    response = client.get(path_of(link))
    assert response["Location"] == reverse("auctions:profile")
    assert client.get(reverse("auctions:profile")).status_code == 200
    assert BidderProfile.objects.get(user__username="newbidder").email_verified


def test_the_outbid_email_links_to_the_lot_on_the_base_url(lot, bidder_factory):
    alice, bob = bidder_factory(), bidder_factory()
    bidding.lot_place_bid(lot_id=lot.pk, bidder=alice, max_amount="200")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bob, max_amount="300")
    tasks.send_outbid_notices()
    (message,) = [m for m in mail.outbox if m.to == [alice.email]]
    assert links(message) == [f"{BASE}/auctions/lots/{lot.pk}/"]


# --------------------------------------------------------------------------------------------
# Forgotten password
# --------------------------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_through_a_link_on_the_base_url(client, signed_up):
    client.logout()
    login_page = client.get(reverse("auctions:login")).content.decode()
    assert reverse("auctions:password_reset") in login_page

    response = client.post(reverse("auctions:password_reset"), {"email": "new.bidder@example.org"}, **OTHER_HOST)
    assert response.status_code == 302 and response["Location"] == reverse("auctions:password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["new.bidder@example.org"]
    (link,) = links(message)
    assert link.startswith(f"{BASE}/account/password/reset/")

    form_url = client.get(path_of(link))["Location"]  # Django moves the token out of the address
    new_password = "another-Long-pass-2027"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302 and response["Location"] == reverse("auctions:password_reset_complete")
    # The new password signs in (through the sign-in form: django-axes watches every sign-in).
    response = client.post(reverse("auctions:login"), {"username": "newbidder", "password": new_password})
    assert response.status_code == 302 and client.session.get("_auth_user_id")
    # The link works once.
    client.logout()
    page = client.get(path_of(link), follow=True).content.decode()
    assert "This link is not valid" in page


def test_reset_errors_stay_beside_their_field(client, signed_up):
    client.logout()
    response = client.post(reverse("auctions:password_reset"), {"email": "not an address"})
    assert response.status_code == 200 and "Enter a valid email address." in response.content.decode()
    assert mail.outbox == []


def test_the_public_reset_form_sends_nothing_for_staff_or_unknown_addresses(client):
    UserFactory(username="officer9", email="officer9@agency.example.org", is_staff=True)
    for email in ("officer9@agency.example.org", "nobody@example.org"):
        response = client.post(reverse("auctions:password_reset"), {"email": email})
        assert response.status_code == 302  # the same answer: nobody learns which addresses have accounts
    assert mail.outbox == []


# --------------------------------------------------------------------------------------------
# Changing the password
# --------------------------------------------------------------------------------------------


def test_changing_the_password_keeps_the_bidder_signed_in(client, signed_up):
    profile = client.get(reverse("auctions:profile")).content.decode()
    assert reverse("auctions:password_change") in profile
    new_password = "another-Long-pass-2027"
    response = client.post(reverse("auctions:password_change"), {
        "old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302 and response["Location"] == reverse("auctions:profile")
    page = client.get(reverse("auctions:profile")).content.decode()
    assert "Your password is changed." in page
    signed_up.refresh_from_db()
    assert signed_up.check_password(new_password)


def test_a_wrong_old_password_is_refused_beside_its_field(client, signed_up):
    response = client.post(reverse("auctions:password_change"), {
        "old_password": "wrong", "new_password1": "another-Long-pass-2027", "new_password2": "another-Long-pass-2027"})
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()


def test_changing_the_password_needs_a_signed_in_bidder(client):
    response = client.get(reverse("auctions:password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("auctions:login"))


# --------------------------------------------------------------------------------------------
# Changing the e-mail address
# --------------------------------------------------------------------------------------------


def test_the_new_address_changes_only_when_its_link_is_followed_and_the_old_one_is_told(
        client, signed_up, django_capture_on_commit_callbacks):
    assert reverse("auctions:email_change") in client.get(reverse("auctions:profile")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("auctions:email_change"),
                               {"new_email": "nora@example.net", "password": PASSWORD}, **OTHER_HOST)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["nora@example.net"]
    (link,) = links(message)
    assert link.startswith(f"{BASE}/account/email/confirm/")
    signed_up.refresh_from_db()
    assert signed_up.email == "new.bidder@example.org"  # not before the link is followed

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(path_of(link))
    assert response.status_code == 302 and response["Location"] == reverse("auctions:profile")
    page = client.get(reverse("auctions:profile"))
    assert page.status_code == 200  # still signed in
    assert "nora@example.net" in page.content.decode() and "Your e-mail address is changed." in page.content.decode()
    signed_up.refresh_from_db()
    assert signed_up.email == "nora@example.net"
    assert BidderProfile.objects.get(user=signed_up).email_verified
    notice = mail.outbox[1]
    assert notice.to == ["new.bidder@example.org"] and "nora@example.net" in notice.body

    # The link is spent.
    response = client.get(path_of(link))
    assert response.status_code == 400 and "not valid" in response.content.decode()


@pytest.mark.parametrize(("data", "field_error"), [
    ({"new_email": "nora@example.net", "password": "wrong"}, "This is not your password."),
    ({"new_email": "not an address", "password": PASSWORD}, "Enter a valid email address."),
    ({"new_email": "new.bidder@example.org", "password": PASSWORD}, "This is already your e-mail address."),
])
def test_email_change_errors_stay_beside_their_field(client, signed_up, data, field_error,
                                                     django_capture_on_commit_callbacks):
    UserFactory(username="other", email="taken@example.org", is_staff=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("auctions:email_change"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error in html and 'class="field-error"' in html
    assert mail.outbox == []


def test_a_forged_email_change_link_is_refused(client, signed_up):
    response = client.get(reverse("auctions:email_change_confirm", args=["forged-token"]))
    assert response.status_code == 400 and "This link is not valid." in response.content.decode()
    signed_up.refresh_from_db()
    assert signed_up.email == "new.bidder@example.org"
