"""The ledger in the staff admin: read-only viewsets of accounts and the journal."""

import csv
import io
import re
from datetime import UTC, datetime
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


# ---- the journal: filters, drill-down from a balance, CSV export ----------------------------


@pytest.fixture
def books(asset, case_officer):
    """Proceeds of two assets of two cases in escrow, and a storage cost, on different days."""
    from tests.factories import AssetFactory, CaseFactory

    other = AssetFactory(case=CaseFactory(reference="OTHER-9"), actor=case_officer)
    first = services.proceeds_to_escrow(asset=asset, amount=Decimal("1234.50"), currency="EUR",
                                        source="direct_sale:9")
    second = services.proceeds_to_escrow(asset=other, amount=Decimal("80.00"), currency="EUR",
                                         source="direct_sale:10")
    cost = services.storage_cost_post(asset=asset, amount=Decimal("12.34"), currency="EUR", source="accrual:1",
                                      memo="=HYPERLINK(\"http://x\")")
    JournalEntry.objects.filter(pk=first.pk).update(occurred_at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC))
    JournalEntry.objects.filter(pk=second.pk).update(occurred_at=datetime(2026, 3, 20, 10, 0, tzinfo=UTC))
    JournalEntry.objects.filter(pk=cost.pk).update(occurred_at=datetime(2026, 4, 2, 10, 0, tzinfo=UTC))
    return first, second, cost, other


def journal(client, **params) -> str:
    response = client.get(reverse("ledger_entries:index"), params)
    assert response.status_code == 200
    return response.content.decode()


def entry_links(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/admin/ledger/entries/inspect/(\d+)/"', html)}


def test_the_journal_lists_what_each_entry_moved(client, books, finance_officer):
    first, second, cost, _other = books
    client.force_login(finance_officer)
    html = journal(client)
    assert entry_links(html) == {first.pk, second.pk, cost.pk}
    assert "1,234.50 EUR" in html and "12.34 EUR" in html
    assert "Sale proceeds into escrow" in html and "Storage and upkeep cost" in html


def test_the_journal_filters_by_dates_account_case_and_kind(client, books, finance_officer, asset):
    first, second, cost, other = books
    client.force_login(finance_officer)
    assert entry_links(journal(client, occurred_at_from="2026-03-01", occurred_at_to="2026-03-31")) == {
        first.pk, second.pk}
    escrow = Account.objects.get(code=f"ESCROW-{asset.case.reference}-EUR")
    assert entry_links(journal(client, account=escrow.pk)) == {first.pk}
    assert entry_links(journal(client, case="other-9")) == {second.pk}
    assert entry_links(journal(client, kind="cost")) == {cost.pk}
    assert entry_links(journal(client, kind="escrow-in", case=asset.case.reference)) == {first.pk}


def test_a_balance_drills_down_to_the_accounts_entries(client, books, auditor, asset):
    first, *_ = books
    client.force_login(auditor)
    escrow = Account.objects.get(code=f"ESCROW-{asset.case.reference}-EUR")
    listing = client.get(reverse("ledger_accounts:index")).content.decode()
    link = re.search(r'<a href="([^"]+)"[^>]*data-balance>-1,234.50 EUR</a>', listing)
    assert link, "the escrow balance links to its entries"
    assert entry_links(client.get(link.group(1).replace("&amp;", "&")).content.decode()) == {first.pk}
    page = client.get(reverse("ledger_accounts:inspect", args=[escrow.pk])).content.decode()
    assert f'href="/admin/ledger/entries/?account={escrow.pk}"' in page


def test_the_filtered_journal_exports_as_csv_with_plain_amounts_and_currencies(client, books, finance_officer):
    first, second, cost, _other = books
    client.force_login(finance_officer)
    html = journal(client, occurred_at_from="2026-03-01")
    assert "export=csv" in html  # the listing offers the download
    response = client.get(reverse("ledger_entries:index"), {"occurred_at_from": "2026-03-15", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="journal.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(r["Entry"]) for r in rows] == [cost.pk, second.pk]
    by_id = {int(r["Entry"]): r for r in rows}
    assert by_id[second.pk]["Amount"] == "80.00" and by_id[second.pk]["Currency"] == "EUR"
    assert by_id[second.pk]["Case"] == "OTHER-9"
    assert by_id[second.pk]["Debited"] == "BANK-EUR"
    assert by_id[second.pk]["Date"] == "2026-03-20T11:00:00+01:00"  # the agency's time zone
    assert by_id[cost.pk]["Amount"] == "12.34"
    assert by_id[cost.pk]["Memo"].startswith("'=")  # never a live formula in a spreadsheet


def test_roles_without_the_ledger_cannot_export_it(client, books, custodian):
    client.force_login(custodian)
    assert client.get(reverse("ledger_entries:index"), {"export": "csv"}).status_code == 403
