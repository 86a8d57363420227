"""Nobody learns from the public forms whether an e-mail address has an account here: sign-up, a
changed address and a forgotten password answer the same either way, and the address's owner is
told by e-mail instead. A taken user name is said (people choose it, and must choose another)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from auctions.models import BidderProfile
from tests.auctions.test_public_accounts import PASSWORD, sign_up_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return UserFactory(username="nora", email="nora@example.org", is_staff=False)


def test_signing_up_with_a_taken_address_answers_as_a_new_sign_up_and_tells_the_owner(
        client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fresh = client.post(reverse("auctions:sign_up"), sign_up_data(username="fresh", email="fresh@example.org"))
    fresh_cookies = set(client.cookies.keys())
    client.cookies.clear()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(reverse("auctions:sign_up"), sign_up_data(username="intruder", email="NORA@example.org"))

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert set(client.cookies.keys()) == fresh_cookies  # signed in in neither case
    assert client.get(taken["Location"]).content == client.get(fresh["Location"]).content
    assert not get_user_model().objects.filter(username="intruder").exists()
    assert BidderProfile.objects.filter(user=owner).count() == 0
    (notice,) = mail.outbox
    assert notice.to == ["nora@example.org"]
    assert "already belongs to your account" in notice.body and "nora" in notice.body
    assert reverse("auctions:password_reset") in notice.body


def test_changing_to_a_taken_address_answers_as_usual_and_sends_no_link(client, owner,
                                                                        django_capture_on_commit_callbacks):
    UserFactory(username="newbidder", email="new.bidder@example.org", password=PASSWORD, is_staff=False)
    client.login(username="newbidder", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(reverse("auctions:email_change"), {"new_email": "nora@example.org", "password": PASSWORD})
    taken_page = client.get(reverse("auctions:profile")).content.decode()
    (notice,) = mail.outbox
    assert notice.to == ["nora@example.org"] and "/account/email/" not in notice.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        free = client.post(reverse("auctions:email_change"), {"new_email": "free@example.org", "password": PASSWORD})
    free_page = client.get(reverse("auctions:profile")).content.decode()

    assert taken.status_code == free.status_code == 302
    assert "We sent a link to nora@example.org." in taken_page
    assert "We sent a link to free@example.org." in free_page
    assert get_user_model().objects.get(username="newbidder").email == "new.bidder@example.org"
    assert mail.outbox[0].to == ["free@example.org"]


def test_the_forgotten_password_form_answers_the_same_for_known_and_unknown_addresses(client, owner):
    known = client.post(reverse("auctions:password_reset"), {"email": "nora@example.org"})
    unknown = client.post(reverse("auctions:password_reset"), {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["nora@example.org"]]
