"""The chain-of-custody verification in the staff admin (Register → Chain of custody): whoever may
read the custody log runs the check from a button and reads the result on the page, intact or the
first broken entry of each broken chain with a link to its asset."""

import re

import pytest
from django.urls import reverse

from tests.custody.test_chain import assets, behind_the_applications_back, driver, event  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/admin/register/chain/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("role", ["auditor", "approver", "case_officer"])
def test_the_register_menu_offers_the_check_to_who_reads_the_log(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert URL in client.get(reverse("wagtailadmin_home")).content.decode()
    page = client.get(URL)
    assert page.status_code == 200
    assert "Verify the chain of custody now" in page.content.decode()


def test_an_intact_register_is_reported_intact(client, assets, auditor):  # noqa: F811
    client.force_login(auditor)
    html = client.post(URL).content.decode()
    assert 'data-chain-result="intact"' in html
    assert "Intact: 9 entries in 3 chains." in text(html)


def test_a_tampered_entry_is_named_with_its_asset(client, assets, auditor):  # noqa: F811
    _, b, _ = assets
    behind_the_applications_back("UPDATE custody_custodyevent SET reason = %s WHERE id = %s",
                                 ["Nothing happened here", event(b, 2).pk])
    client.force_login(auditor)
    html = client.post(URL).content.decode()
    assert 'data-chain-result="broken"' in html
    assert "1 broken chain among 3 (9 entries checked)." in text(html)
    assert html.count("data-chain-break") == 1
    row = text(html.split("data-chain-break", 1)[1].split("</tr>")[0])
    assert b.reference in row and "#2" in row and "its content does not match its hash" in row
    assert f'href="{reverse("custody_asset_detail", args=[b.pk])}"' in html


def test_staff_who_cannot_read_the_log_are_refused(client, editor):
    client.force_login(editor)
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403
    assert URL not in client.get(reverse("wagtailadmin_home")).content.decode()
