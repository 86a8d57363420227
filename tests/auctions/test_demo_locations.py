"""The demo sale's lots are stored somewhere: the catalogue offers their towns as locations."""

from __future__ import annotations

import random
import re
from io import StringIO

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class _Command:
    def __init__(self):
        self.stdout = StringIO()


def test_the_demo_catalogue_offers_the_towns_of_its_lots(client):
    from auctions import demo

    demo.seed(_Command(), {"password": "demo-test-pass", "rng": random.Random(7), "bulk": True, "bidders": 0})
    html = client.get(reverse("auctions:catalogue")).content.decode()
    menu = re.search(r'<select name="location".*?</select>', html, re.S)
    antwerp = re.search(r"Antwerp \((\d+)\)", menu.group(0)) if menu else None
    assert antwerp and int(antwerp.group(1)) >= 3  # the vehicles' yard, with its open lots counted
    assert "Vehicle yard" not in html  # the site itself is not public
    html = client.get(reverse("auctions:catalogue"), {"q": "antwerp"}).content.decode()
    assert "Toyota Land Cruiser" in html and "Diamond necklace" not in html
