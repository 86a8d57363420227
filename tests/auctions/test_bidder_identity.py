"""A bidder's identity data is checked with the libraries made for it: countries (django-countries),
phone numbers (phonenumbers), identity card numbers (python-stdnum) and plausible birth dates; bidders
must be adults, at sign-up and when an auction manager approves them."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from auctions.exceptions import TransitionRefused
from auctions.models import BidderProfile
from auctions.services import bidders
from tests.auctions.test_public_accounts import PASSWORD, sign_up_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def field_errors(html: str, name: str) -> list[str]:
    """The error messages shown right after the input named `name` (before the next field)."""
    start = html.index(f'name="{name}"')
    following = html[start:]
    end = following.find('<div class="field', 1)
    block = following if end == -1 else following[:end]
    return re.findall(r'<p class="field-error" role="alert">(.*?)</p>', block, re.S)


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def sign_up(client, **overrides):
    """Sign up through the form, then sign in (the sign-up itself signs nobody in)."""
    response = client.post(reverse("auctions:sign_up"), sign_up_data(**overrides))
    if response.status_code == 302:
        client.login(username="newbidder", password=PASSWORD)
    return response


@pytest.mark.parametrize("born,message", [
    ("2030-05-01", "This date is in the future."),
    ("1850-01-01", "Give a date after"),
    ("", "This field is required."),
])
def test_sign_up_refuses_an_implausible_or_missing_birth_date(client, born, message):
    response = sign_up(client, date_of_birth=born)
    assert response.status_code == 400
    assert any(message in e for e in field_errors(response.content.decode(), "date_of_birth"))
    assert not get_user_model().objects.filter(username="newbidder").exists()


def test_sign_up_refuses_a_child_and_accepts_an_adult(client):
    response = sign_up(client, date_of_birth=years_ago(6).isoformat())
    assert response.status_code == 400
    errors = field_errors(response.content.decode(), "date_of_birth")
    assert errors == ["The bidder is 6 years old: bidders must be at least 18."]
    assert not BidderProfile.objects.exists()

    response = sign_up(client, date_of_birth=years_ago(18, days=-1).isoformat())  # 18 tomorrow
    assert response.status_code == 400
    assert "17 years old" in field_errors(response.content.decode(), "date_of_birth")[0]

    response = sign_up(client, date_of_birth=years_ago(18).isoformat())  # 18 today
    assert response.status_code == 302
    assert BidderProfile.objects.get().date_of_birth == years_ago(18)


def test_minimum_age_is_a_setting(client, settings):
    settings.BIDDER_MINIMUM_AGE = 21
    response = sign_up(client, date_of_birth=years_ago(20).isoformat())
    assert "bidders must be at least 21" in field_errors(response.content.decode(), "date_of_birth")[0]


@pytest.mark.parametrize("country", ["XX", "ZZ", "be", "B1"])
def test_sign_up_refuses_a_country_iso_3166_does_not_know(client, country):
    response = sign_up(client, country=country)
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "country") == ["Choose a country from the list."]


@pytest.mark.parametrize("language,belgium,germany", [("en", "Belgium", "Germany"), ("fr", "Belgique", "Allemagne"),
                                                      ("es", "Bélgica", "Alemania")])
def test_countries_are_named_in_the_visitor_language(client, language, belgium, germany):
    html = client.get(reverse("auctions:sign_up"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    select = html[html.index('name="country"'):]
    select = select[:select.index("</select>")]
    assert f'<option value="BE">{belgium}</option>' in select
    assert f'<option value="DE">{germany}</option>' in select


def test_phone_is_stored_in_e164_and_an_impossible_number_is_refused(client):
    response = sign_up(client, phone="+32 2 000 00 00")  # no such Brussels number
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "phone") == ["Enter a phone number, e.g. +32 2 555 12 12."]

    response = sign_up(client, phone="02 555 12 12")  # a Belgian number without the prefix
    assert response.status_code == 302
    profile = BidderProfile.objects.get()
    assert profile.phone == "+3225551212"
    assert "+32 2 555 12 12" in client.get(reverse("auctions:profile")).content.decode()


def test_a_belgian_identity_card_number_is_checked_and_stored_compact(client, auction_manager):
    response = sign_up(client, id_document_number="591-1234567-89")  # the check digits of 591-1234567-53 are 53
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "id_document_number") == [
        "This is not a valid identity card number for this country: check it for a typing mistake."]

    assert sign_up(client, id_document_number="591-1234567-53").status_code == 302
    profile = BidderProfile.objects.get()
    assert profile.id_document_number == "591123456753"
    client.force_login(auction_manager)  # the reviewer reads it as printed on the card
    html = client.get(reverse("auctions_bidders:inspect", args=[profile.pk])).content.decode()
    assert "591-1234567-53" in html


def test_other_documents_and_countries_without_a_known_scheme_stay_free_text(client):
    assert sign_up(client, id_document_type="passport", id_document_number="EM 123456").status_code == 302
    assert BidderProfile.objects.get().id_document_number == "EM 123456"


def test_a_profile_correction_cannot_make_the_bidder_a_minor(client):
    sign_up(client)
    form = {k: v for k, v in sign_up_data().items() if k not in ("username", "email", "password1", "password2")}
    response = client.post(reverse("auctions:profile"), {**form, "date_of_birth": years_ago(12).isoformat()})
    assert response.status_code == 400
    assert "12 years old" in field_errors(response.content.decode(), "date_of_birth")[0]
    assert BidderProfile.objects.get().date_of_birth == datetime.date(1985, 3, 2)


# ---- the auction manager's review ---------------------------------------------------------


@pytest.fixture
def child_profile(db):
    """A profile recorded before birth dates were checked: six years old."""
    return BidderProfile.objects.create(
        user=UserFactory(username="kid", is_staff=False), legal_name="Kim Kid", address="1 School Street",
        phone="+3225551212", id_document_type="passport", id_document_number="K0000001",
        date_of_birth=years_ago(6))


def test_the_approval_service_refuses_a_minor(auction_manager, child_profile):
    with pytest.raises(TransitionRefused, match="6 years old"):
        bidders.bidder_profile_approve(profile_id=child_profile.pk, actor=auction_manager)
    assert BidderProfile.objects.get(pk=child_profile.pk).status == "pending"


@pytest.mark.parametrize("born,message", [(None, "date of birth is missing"), ("2030-05-01", "in the future")])
def test_the_approval_service_refuses_a_profile_without_a_possible_birth_date(auction_manager, child_profile, born,
                                                                               message):
    BidderProfile.objects.filter(pk=child_profile.pk).update(date_of_birth=born)
    with pytest.raises(TransitionRefused, match=message):
        bidders.bidder_profile_approve(profile_id=child_profile.pk, actor=auction_manager)


def test_the_manager_sees_why_a_minor_cannot_be_approved(client, auction_manager, child_profile):
    client.force_login(auction_manager)
    html = client.get(reverse("auctions_bidders:inspect", args=[child_profile.pk])).content.decode()
    assert "The bidder is 6 years old: bidders must be at least 18." in html
    assert "The profile cannot be approved." in html
    assert reverse("auctions_bidders:action_approve", args=[child_profile.pk]) not in html

    client.post(reverse("auctions_bidders:action_approve", args=[child_profile.pk]))
    assert BidderProfile.objects.get(pk=child_profile.pk).status == "pending"
    # Rejecting stays possible.
    client.post(reverse("auctions_bidders:action_reject", args=[child_profile.pk]), {"reason": "Under age."})
    assert BidderProfile.objects.get(pk=child_profile.pk).status == "rejected"


# ---- the auction's currency -----------------------------------------------------------------


def test_an_auction_in_an_unknown_currency_is_refused_beside_the_field(client, auction_manager):
    from auctions.models import Auction
    from tests.auctions.test_admin_screens import _auction_form

    client.force_login(auction_manager)
    response = client.post(reverse("auctions_auctions:add"), _auction_form(currency="ZZZ"))
    assert response.status_code == 400
    assert response.context["form"].errors["currency"]
    assert not Auction.objects.exists()
    html = client.get(reverse("auctions_auctions:add"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<option value="EUR" selected>EUR — euro</option>' in html


def test_the_migration_stores_readable_phones_in_e164_and_blanks_unknown_countries(child_profile):
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("auctions.migrations.0008_bidder_country_phone_currency")
    with connection.cursor() as cursor:  # as sign-up stored them before: free text
        cursor.execute("UPDATE auctions_bidderprofile SET phone = %s, country = %s WHERE id = %s",
                       ["02 555 12 12", "XX", child_profile.pk])
    other = BidderProfile.objects.create(
        user=UserFactory(username="other", is_staff=False), legal_name="O. Ther", address="x", phone="+3225550000",
        id_document_type="passport", id_document_number="O1", date_of_birth=datetime.date(1970, 1, 1))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE auctions_bidderprofile SET phone = %s, country = %s WHERE id = %s",
                       ["call me", "be", other.pk])
    migration.bidders_to_iso(apps, None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, phone, country FROM auctions_bidderprofile WHERE id IN (%s, %s) ORDER BY id",
                       [child_profile.pk, other.pk])
        rows = cursor.fetchall()
    assert rows == [(child_profile.pk, "+3225551212", ""), (other.pk, "call me", "BE")]


def test_a_screening_entry_birth_date_must_be_plausible(client, auction_manager):
    from auctions.models import ScreeningEntry

    client.force_login(auction_manager)
    response = client.post(reverse("auctions_screening:add"), {
        "name": "Future Person", "date_of_birth": "2030-01-01", "reason": "Typing mistake"})
    assert response.status_code == 400
    assert "This date is in the future." in response.context["form"].errors["date_of_birth"]
    assert not ScreeningEntry.objects.exists()
