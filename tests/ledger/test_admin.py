"""The ledger in the staff admin: read-only viewsets of accounts and the journal."""

import re
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from ledger import services
from ledger.models import Account, JournalEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def escrowed(asset):
    services.proceeds_to_escrow(asset=asset, amount=Decimal("1234.50"), currency="EUR", source="direct_sale:9")
    return Account.objects.get(code=f"ESCROW-{asset.case.reference}-EUR")


def test_the_accounts_listing_shows_balances_and_the_trial_balance(client, escrowed, auditor):
    client.force_login(auditor)
    html = client.get(reverse("ledger_accounts:index")).content.decode()
    assert escrowed.code in html and "BANK-EUR" in html
    assert "-1,234.50 EUR" in html and "1,234.50 EUR" in html  # escrow credited, bank debited
    assert "0.00 EUR" in html  # the trial balance


def test_an_account_page_lists_its_postings_and_links_the_entry(client, escrowed, finance_officer):
    client.force_login(finance_officer)
    response = client.get(reverse("ledger_accounts:inspect", args=[escrowed.pk]))
    html = response.content.decode()
    entry = JournalEntry.objects.get()
    assert response.status_code == 200
    assert reverse("ledger_entries:inspect", args=[entry.pk]) in html
    assert re.search(r"<td></td>\s*<td>1,234.50 EUR</td>", html)  # credited to escrow


def test_an_entry_page_shows_debits_and_credits(client, escrowed, auditor):
    client.force_login(auditor)
    entry = JournalEntry.objects.get()
    html = client.get(reverse("ledger_entries:inspect", args=[entry.pk])).content.decode()
    assert html.count("1,234.50 EUR") == 2  # one debit, one credit
    assert escrowed.code in html


def test_nobody_edits_or_deletes_the_books_through_the_admin(client, escrowed, finance_officer, admin_user):
    # finance may add journal entries through services, but the admin offers no generic form
    for name in ("add", "edit", "delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"ledger_entries:{name}", args=[] if name == "add" else [1])
    for user in (finance_officer, admin_user):
        client.force_login(user)
        html = client.get(reverse("ledger_accounts:inspect", args=[escrowed.pk])).content.decode()
        assert "/edit/" not in html and "/delete/" not in html


@pytest.mark.parametrize("url", ["ledger_accounts:index", "ledger_entries:index"])
def test_roles_without_ledger_access_get_403(client, custodian, url):
    client.force_login(custodian)
    assert client.get(reverse(url)).status_code == 403


def test_the_ledger_menu_is_shown_only_to_those_who_read_it(client, finance_officer, custodian):
    client.force_login(finance_officer)
    assert reverse("ledger_accounts:index") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(custodian)
    assert reverse("ledger_accounts:index") not in client.get(reverse("wagtailadmin_home")).content.decode()
