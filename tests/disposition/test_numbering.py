"""Invoice numbers: an unbroken sequence per year, with no gap after a rollback and no duplicate
when invoices are issued at the same time."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction

from disposition.models import Award, AwardStatus, Invoice, InvoiceCounter
from disposition.services import awards
from disposition.services.invoices import invoice_number_next
from tests.auctions.factories import make_bidder
from tests.disposition.helpers import win


class Boom(Exception):
    pass


@pytest.mark.django_db
def test_no_gap_after_a_rolled_back_issue(open_lot_factory, case, auction_manager):
    from auctions.services import bidding, closing
    from custody.models import Party

    auction, (first, second) = open_lot_factory(2)
    alice = make_bidder(reviewer=auction_manager, auctions=[auction])
    bob = make_bidder(reviewer=auction_manager, auctions=[auction], id_number="D-1")
    # Given a first invoice, and a second lot whose award is held
    year = win(first, alice).invoice.year
    bidding.lot_place_bid(lot_id=second.pk, bidder=bob, max_amount="300")
    Party.objects.create(case=case, role="defendant", name="Someone", identity_number="D1")
    second.refresh_from_db()
    closing.lot_close(lot_id=second.pk, now=second.ends_at)
    held = Award.objects.get(lot=second)
    # When its release fails after the invoice was inserted (the transaction rolls back)
    with pytest.raises(Boom), transaction.atomic():
        awards.award_release(award_id=held.pk, actor=auction_manager, reason="Checked.")
        assert Invoice.objects.filter(award=held).exists()
        raise Boom
    held.refresh_from_db()
    assert held.status == AwardStatus.SCREENING_HOLD and not Invoice.objects.filter(award=held).exists()
    # Then the next invoice takes the number the failed one had: no gap
    awards.award_release(award_id=held.pk, actor=auction_manager, reason="Checked.")
    assert list(Invoice.objects.order_by("sequence").values_list("number", flat=True)) == [
        f"{year}-000001", f"{year}-000002"]


@pytest.mark.django_db
def test_each_year_starts_at_one(lot, case, bidder_factory, auction_manager):
    from tests.disposition.test_awards import _hit

    InvoiceCounter.objects.create(year=2026, last=41)
    _, award = _hit(lot, case, bidder_factory, auction_manager)
    # 23:30 UTC on 31 December is already 1 January in Brussels
    awards.award_release(award_id=award.pk, actor=auction_manager, reason="Checked.",
                         now=datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC))
    assert Invoice.objects.get(award=award).number == "2027-000001"


THREADS = 6
PER_THREAD = 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_issues_get_distinct_numbers_without_gaps():
    # Given several connections taking numbers of the same year at once, every third one rolling back
    start = threading.Barrier(THREADS)
    committed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(PER_THREAD):
                try:
                    with transaction.atomic():
                        sequence, number = invoice_number_next(year=2031)
                        assert number == f"2031-{sequence:06d}"
                        time.sleep(0.005)  # hold the lock a moment, as an invoice insert would
                        if (index + i) % 3 == 0:
                            raise Boom
                except Boom:
                    continue
                with lock:
                    committed.append(sequence)
        except BaseException as exc:  # noqa: BLE001 - report any failure in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # Then no number was given twice, and the committed ones follow each other from 1 with no gap
    assert not errors, errors[:3]
    assert len(committed) == len(set(committed))
    assert sorted(committed) == list(range(1, len(committed) + 1))
    assert InvoiceCounter.objects.get(year=2031).last == len(committed)
