"""Correcting the register: edit screens with their history and locked fields, and forms that keep
what was typed when something is wrong."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from custody.models import CustodyEvent
from tests.factories import StorageLocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _error_beside(html: str, field: str) -> str:
    """The error text Wagtail shows in the field's wrapper (empty when none)."""
    match = re.search(rf'data-field-wrapper[^>]*>(?:(?!data-field-wrapper).)*?name="{field}"', html, re.S)
    assert match, f"no field {field!r} on the page"
    errors = re.findall(r'class="error-message"[^>]*>(.*?)</', match.group(0), re.S)
    return " ".join(e.strip() for e in errors)


# --------------------------------------------------------------------------------------------
# Invalid forms keep their input
# --------------------------------------------------------------------------------------------


def test_a_custody_event_missing_its_location_keeps_the_notes_and_says_so_beside_the_field(client, asset,
                                                                                            custodian):
    StorageLocationFactory(name="North yard")
    client.force_login(custodian)
    url = reverse("custody_assets:action_custody_event", args=[asset.pk])
    events = CustodyEvent.objects.filter(asset=asset).count()
    # When the custodian records a move but forgets to say where to
    response = client.post(url, {"kind": "moved", "reason": "Forklift moved it behind hangar 3 at 14:05"})
    # Then the form comes back, not a redirect, with the notes they typed and the error by the location
    assert response.status_code == 400
    html = response.content.decode()
    assert "Forklift moved it behind hangar 3 at 14:05" in html
    assert "Say where the asset now is." in _error_beside(html, "location")
    assert re.search(r'<option value="moved" selected', html)
    assert CustodyEvent.objects.filter(asset=asset).count() == events


def test_a_handover_without_recipient_says_so_beside_the_recipient(client, asset, custodian):
    client.force_login(custodian)
    response = client.post(reverse("custody_assets:action_custody_event", args=[asset.pk]),
                           {"kind": "handed_over", "condition": "Scratched door"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "to whom" in _error_beside(html, "handed_to")
    assert 'value="Scratched door"' in html
