"""The double-entry ledger: balanced entries only, once per idempotency key, balances by sum."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from ledger import selectors, services
from ledger.models import Account, AccountPurpose, JournalEntry, Posting
from ledger.services import LedgerError, Line

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    return services.account_for(purpose=AccountPurpose.BANK, currency="EUR")


@pytest.fixture
def escrow(case):
    return services.account_for(purpose=AccountPurpose.ESCROW, currency="EUR", case=case)


def test_balanced_entry_is_recorded_and_balances_are_sums(bank, escrow, finance_officer):
    services.ledger_post(memo="Proceeds", lines=[Line(bank, Decimal("1500.00")), Line(escrow, Decimal("-1500.00"))],
                         actor=finance_officer, idempotency_key="t:1")
    services.ledger_post(memo="More", lines=[(bank, Decimal("250.50")), (escrow, Decimal("-250.50"))],
                         idempotency_key="t:2")

    assert services.account_balance(bank) == Decimal("1750.50")
    assert services.account_balance(escrow) == Decimal("-1750.50")
    assert selectors.trial_balance() == {"EUR": Decimal("0.00")}
    balances = {a.code: a.balance for a in selectors.accounts_with_balances()}
    assert balances[bank.code] == Decimal("1750.50")


def test_unbalanced_entry_is_refused_and_nothing_is_written(bank, escrow):
    with pytest.raises(LedgerError, match="does not balance"):
        services.ledger_post(memo="Bad", lines=[Line(bank, Decimal("100.00")), Line(escrow, Decimal("-99.99"))],
                             idempotency_key="t:bad")
    assert not JournalEntry.objects.exists()
    assert not Posting.objects.exists()


def test_each_currency_must_balance_on_its_own(bank, escrow, case):
    usd_bank = services.account_for(purpose=AccountPurpose.BANK, currency="USD")
    usd_escrow = services.account_for(purpose=AccountPurpose.ESCROW, currency="USD", case=case)
    # EUR and USD each off by the same amount in opposite directions: the total is zero, the entry is not.
    with pytest.raises(LedgerError, match="does not balance"):
        services.ledger_post(memo="Bad", idempotency_key="t:fx", lines=[
            Line(bank, Decimal("10.00")), Line(escrow, Decimal("-20.00")),
            Line(usd_bank, Decimal("20.00")), Line(usd_escrow, Decimal("-10.00"))])


def test_line_in_another_currency_than_its_account_is_refused(bank, escrow):
    with pytest.raises(LedgerError, match="kept in EUR"):
        services.ledger_post(memo="Bad", idempotency_key="t:cur", lines=[
            Line(bank, Decimal("10.00"), "USD"), Line(escrow, Decimal("-10.00"), "USD")])


def test_floats_zero_lines_and_single_lines_are_refused(bank, escrow):
    with pytest.raises(LedgerError, match="floating"):
        services.ledger_post(memo="x", idempotency_key="t:f", lines=[Line(bank, 10.0), Line(escrow, -10.0)])
    with pytest.raises(LedgerError, match="zero"):
        services.ledger_post(memo="x", idempotency_key="t:z", lines=[Line(bank, Decimal(0)), Line(escrow, Decimal(0))])
    with pytest.raises(LedgerError, match="two postings"):
        services.ledger_post(memo="x", idempotency_key="t:1l", lines=[Line(bank, Decimal("5.00"))])
    with pytest.raises(LedgerError, match="cent"):
        services.ledger_post(memo="x", idempotency_key="t:c", lines=[Line(bank, Decimal("1.005")),
                                                                     Line(escrow, Decimal("-1.005"))])


def test_same_idempotency_key_posts_once_and_refuses_a_different_entry(bank, escrow):
    lines = [Line(bank, Decimal("40.00")), Line(escrow, Decimal("-40.00"))]
    first = services.ledger_post(memo="Once", lines=lines, idempotency_key="sale:7")
    again = services.ledger_post(memo="Once", lines=lines, idempotency_key="sale:7")
    assert again.pk == first.pk
    assert services.account_balance(bank) == Decimal("40.00")
    with pytest.raises(LedgerError, match="different entry"):
        services.ledger_post(memo="Other", idempotency_key="sale:7",
                             lines=[Line(bank, Decimal("41.00")), Line(escrow, Decimal("-41.00"))])


def test_postings_cannot_be_changed_or_deleted(bank, escrow):
    entry = services.ledger_post(memo="Fixed", idempotency_key="t:ro",
                                 lines=[Line(bank, Decimal("5.00")), Line(escrow, Decimal("-5.00"))])
    posting = entry.postings.first()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - the database refuses (trigger)
        Posting.objects.filter(pk=posting.pk).update(amount=Decimal("6.00"))
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        Posting.objects.filter(pk=posting.pk).delete()
    assert services.account_balance(bank) == Decimal("5.00")


def test_database_refuses_an_unbalanced_entry_written_around_the_service(bank, escrow):
    entry = JournalEntry.objects.create(memo="Raw", idempotency_key="raw:1")
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        Posting.objects.create(entry=entry, account=bank, amount=Decimal("10.00"), currency="EUR")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_zero_posting_refused_by_the_database(bank):
    entry = JournalEntry.objects.create(memo="Raw", idempotency_key="raw:0")
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(entry=entry, account=bank, amount=Decimal("0"), currency="EUR")


def test_accounts_are_opened_once_per_purpose_case_and_currency(case, bank):
    a = services.account_for(purpose=AccountPurpose.ESCROW, currency="EUR", case=case)
    b = services.account_for(purpose=AccountPurpose.ESCROW, currency="EUR", case=case)
    assert a.pk == b.pk
    assert services.account_for(purpose=AccountPurpose.BANK, currency="EUR").pk == bank.pk
    assert Account.objects.filter(purpose=AccountPurpose.ESCROW).count() == 1
    with pytest.raises(LedgerError):
        services.account_for(purpose=AccountPurpose.ESCROW, currency="EUR")


def test_proceeds_to_escrow_and_out_to_the_state(asset):
    services.proceeds_to_escrow(asset=asset, amount=Decimal("9000.00"), currency="EUR", source="direct_sale:1")
    services.proceeds_to_escrow(asset=asset, amount=Decimal("9000.00"), currency="EUR", source="direct_sale:1")
    assert services.escrow_held_for_asset(asset) == {"EUR": Decimal("9000.00")}
    assert selectors.case_escrow_balances(asset.case_id) == {"EUR": Decimal("9000.00")}

    services.escrow_to_state_proceeds(asset=asset, source="order:1")
    services.escrow_to_state_proceeds(asset=asset, source="order:1")  # a second call moves nothing

    state = services.account_for(purpose=AccountPurpose.STATE_PROCEEDS, currency="EUR")
    assert services.account_balance(state) == Decimal("-9000.00")
    assert services.escrow_held_for_asset(asset) == {}
    assert selectors.trial_balance() == {"EUR": Decimal("0.00")}


def test_ledger_page_shows_balances_to_finance_and_refuses_custodians(client, asset, finance_officer, custodian):
    from django.urls import reverse

    services.proceeds_to_escrow(asset=asset, amount=Decimal("1234.50"), currency="EUR", source="direct_sale:9")
    client.force_login(custodian)
    assert client.get(reverse("ledger_accounts:index")).status_code == 403
    client.force_login(finance_officer)
    html = client.get(reverse("ledger_accounts:index"), {"purpose": "escrow"}).content.decode()
    assert f"ESCROW-{asset.case.reference}-EUR" in html
    assert "1,234.50" in html
    assert "BANK-EUR" not in html
