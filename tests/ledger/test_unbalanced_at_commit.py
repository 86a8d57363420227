"""The database itself refuses an unbalanced entry: raw INSERTs that bypass the service are let
through statement by statement (the trigger is deferred, so an entry may be written posting by
posting), and the whole transaction is refused at COMMIT. A transactional test: nothing is rolled
back for us, so what the commit refused must be absent afterwards."""

import pytest
from django.db import IntegrityError, connection, transaction

from ledger import services
from ledger.models import AccountPurpose, JournalEntry, Posting

pytestmark = pytest.mark.django_db(transaction=True)


def _raw_entry(cursor, key: str, lines: list[tuple[int, str]]) -> None:
    cursor.execute("INSERT INTO ledger_journalentry (occurred_at, memo, source, idempotency_key, created_at) "
                   "VALUES (now(), 'Raw', '', %s, now()) RETURNING id", [key])
    entry_id = cursor.fetchone()[0]
    for account_id, amount in lines:
        cursor.execute("INSERT INTO ledger_posting (entry_id, account_id, amount, currency) VALUES (%s, %s, %s, 'EUR')",
                       [entry_id, account_id, amount])


def test_an_unbalanced_entry_inserted_raw_is_refused_at_commit():
    bank = services.account_for(purpose=AccountPurpose.BANK, currency="EUR")
    costs = services.account_for(purpose=AccountPurpose.STORAGE_EXPENSE, currency="EUR")
    # When an entry whose postings do not sum to zero is inserted with plain SQL, every statement passes ...
    with pytest.raises(IntegrityError, match="does not balance in EUR"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                _raw_entry(cursor, "raw:unbalanced", [(bank.pk, "100.00"), (costs.pk, "-99.99")])
            # ... until the commit, which the deferred trigger refuses
    # Then nothing of it was written
    assert not JournalEntry.objects.filter(idempotency_key="raw:unbalanced").exists()
    assert not Posting.objects.exists()


def test_a_balanced_entry_inserted_raw_commits():
    bank = services.account_for(purpose=AccountPurpose.BANK, currency="EUR")
    costs = services.account_for(purpose=AccountPurpose.STORAGE_EXPENSE, currency="EUR")
    with transaction.atomic(), connection.cursor() as cursor:
        _raw_entry(cursor, "raw:balanced", [(bank.pk, "100.00"), (costs.pk, "-100.00")])
    assert services.account_balance(bank) == 100
