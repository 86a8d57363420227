"""The bidders listing's search box, as auction staff use it: a name with a typo, a document number
or phone however typed, part of an e-mail address."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from auctions.services import bidders
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BIDDERS = reverse("auctions_bidders:index")


@pytest.fixture
def applicants(db):
    def apply(username, name, document, phone):
        user = UserFactory(username=username, email=f"{username}@mail.example", is_staff=False)
        return bidders.bidder_profile_create(
            user=user, legal_name=name, address="1 Main Street", phone=phone, id_document_type="passport",
            id_document_number=document, date_of_birth=datetime.date(1980, 5, 17), country="BE")

    return [apply("em1980", "Élodie Moreau", "EM-482 193", "+32 470 12 34 56"),
            apply("karim", "Karim El Amrani", "KA-900 111", "+32 2 555 00 11")]


def _found(client, q) -> set[str]:
    html = client.get(BIDDERS, {"q": q}).content.decode()
    return {name for name in ("Élodie Moreau", "Karim El Amrani") if name in html}


@pytest.mark.parametrize("q, found", [
    ("moreau elodie", {"Élodie Moreau"}),  # any order, without the accent
    ("elodie", {"Élodie Moreau"}),  # the first name alone, without the accent
    ("Elodi", {"Élodie Moreau"}),  # its start, without the accent
    ("Moreu", {"Élodie Moreau"}),  # a typo
    ("amrani karim", {"Karim El Amrani"}),  # any order
    ("em482193", {"Élodie Moreau"}),  # the document number without its dash and space
    ("470 123 456", {"Élodie Moreau"}),  # the phone number spaced otherwise
    ("karim@mail", {"Karim El Amrani"}),  # part of the e-mail address
])
def test_bidders_are_found_by_name_document_phone_and_email(client, auction_manager, applicants, q, found):
    client.force_login(auction_manager)
    assert _found(client, q) == found
