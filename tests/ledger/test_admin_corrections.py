"""The ledger admin: reversing an entry from its page, the links between an entry and its reversal,
the entry's source, and a case's statement."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ledger import services
from ledger.models import AccountPurpose, JournalEntry
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proceeds(asset):
    return services.proceeds_to_escrow(asset=asset, amount=Decimal("1234.50"), currency="EUR",
                                       source="direct_sale:9")


def _reverse_url(entry):
    return reverse("ledger_entries:action_reverse", args=[entry.pk])


def test_finance_reverses_an_entry_from_its_page_and_both_pages_link_each_other(client, proceeds, finance_officer):
    client.force_login(finance_officer)
    page = client.get(reverse("ledger_entries:inspect", args=[proceeds.pk])).content.decode()
    assert _reverse_url(proceeds) in page

    response = client.post(_reverse_url(proceeds), {"reason": "Sale cancelled by the buyer"})

    assert response.status_code == 302
    reversal = JournalEntry.objects.get(reverses=proceeds)
    original_page = client.get(reverse("ledger_entries:inspect", args=[proceeds.pk])).content.decode()
    assert "Reversed by" in original_page
    assert reverse("ledger_entries:inspect", args=[reversal.pk]) in original_page
    assert _reverse_url(proceeds) not in original_page
    assert "already been reversed" in original_page
    reversal_page = client.get(reverse("ledger_entries:inspect", args=[reversal.pk])).content.decode()
    assert "Reverses" in reversal_page and reverse("ledger_entries:inspect", args=[proceeds.pk]) in reversal_page
    assert "Sale cancelled by the buyer" in reversal_page
    assert _reverse_url(reversal) not in reversal_page


def test_a_reversal_without_a_reason_shows_the_error_beside_the_field(client, proceeds, finance_officer):
    client.force_login(finance_officer)
    response = client.post(_reverse_url(proceeds), {"reason": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not JournalEntry.objects.filter(reverses=proceeds).exists()


def test_a_second_reversal_through_the_admin_is_refused_with_a_message(client, proceeds, finance_officer):
    client.force_login(finance_officer)
    client.post(_reverse_url(proceeds), {"reason": "Once"})
    response = client.post(_reverse_url(proceeds), {"reason": "Twice"}, follow=True)
    assert "already been reversed" in response.content.decode()
    assert JournalEntry.objects.filter(reverses=proceeds).count() == 1


@pytest.mark.parametrize("role", ["auditor", "case_officer", "approver"])
def test_only_finance_reverses(client, proceeds, role, request):
    client.force_login(request.getfixturevalue(role))
    assert _reverse_url(proceeds) not in client.get(
        reverse("ledger_entries:inspect", args=[proceeds.pk])).content.decode()
    assert client.post(_reverse_url(proceeds), {"reason": "No"}).status_code == 403
    assert not JournalEntry.objects.filter(reverses=proceeds).exists()


def test_an_entry_page_names_its_source(client, proceeds, auditor):
    client.force_login(auditor)
    html = client.get(reverse("ledger_entries:inspect", args=[proceeds.pk])).content.decode()
    assert "direct_sale 9" in html
    assert "Sale proceeds into escrow" in html


# ---- a case's statement -----------------------------------------------------------------


def test_a_case_statement_shows_what_came_in_what_was_spent_and_where_it_went(client, proceeds, asset,
                                                                               finance_officer):
    services.storage_cost_post(asset=asset, amount=Decimal("80.00"), currency="EUR", source="storage:1",
                               memo="Garage, March")
    services.escrow_to_state_proceeds(asset=asset, source="order:3")
    other_case_asset = AssetFactory()
    services.proceeds_to_escrow(asset=other_case_asset, amount=Decimal("999.00"), currency="EUR",
                                source="direct_sale:10")
    client.force_login(finance_officer)

    listing = client.get(reverse("ledger_accounts:index")).content.decode()
    url = reverse("ledger_accounts:case_statement", args=[asset.case_id])
    assert url in listing  # the case's accounts link to its statement

    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert asset.case.reference in html
    rows = {purpose: html.split(f'data-purpose="{purpose}"', 1)[1].split("</tr>", 1)[0]
            for purpose in (AccountPurpose.BANK, AccountPurpose.STORAGE_EXPENSE, AccountPurpose.STATE_PROCEEDS,
                            AccountPurpose.ESCROW)}
    assert "1,234.50 EUR" in rows[AccountPurpose.BANK]  # came in
    assert "80.00 EUR" in rows[AccountPurpose.STORAGE_EXPENSE]  # spent on it
    assert "-1,234.50 EUR" in rows[AccountPurpose.STATE_PROCEEDS]  # where it went
    assert "0.00 EUR" in rows[AccountPurpose.ESCROW]  # nothing left in escrow
    assert "999.00" not in html  # another case's money is not on this statement
    assert "Garage, March" in html


def test_a_case_statement_is_refused_to_roles_without_ledger_access(client, proceeds, asset, custodian):
    client.force_login(custodian)
    assert client.get(reverse("ledger_accounts:case_statement", args=[asset.case_id])).status_code == 403
