"""Collection: the buyer of a paid lot books a slot at the store (capacity held under concurrency),
the custodian records the handover (the custody chain records it, the asset is sold or disposed of,
the invoice collected, a release note for the buyer), and storage fees accrue once per day late,
posted to the ledger, with the handover refused until they are paid."""

import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from common.exceptions import DomainError, NotPermitted, TransitionRefused
from common.formats import format_moment
from custody import roles
from custody.models import AssetStatus, CustodyEvent, CustodyEventKind, DispositionMethod, StorageLocation
from custody.services import custody_chain_verify
from disposition.models import CollectionBooking, Handover, InvoiceStatus, PaymentMethod, StorageFeeAccrual
from disposition.release_note import release_note_pdf
from disposition.services import collection, payments
from ledger.models import AccountPurpose, JournalEntry
from ledger.reconciliation import ledger_reconcile
from ledger.services import account_balance, account_for
from tests.auctions.factories import make_bidder
from tests.disposition.helpers import win

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def store(db):
    return StorageLocation.objects.create(name="North vehicle yard", kind="vehicle_yard",
                                          address="12 Quay Road\nPort Town", public_area="Port Town")


def _at(lot, store):
    lot.assets.update(location=store)
    return lot


def _pay(invoice, amount, intent):
    payments.payment_record_confirmed(invoice_id=invoice.pk, method=PaymentMethod.CARD, amount=D(amount),
                                      currency=invoice.currency, stripe_payment_intent_id=intent,
                                      stripe_event_id=f"evt_{intent}")
    invoice.refresh_from_db()
    return invoice


@pytest.fixture
def paid_invoice(lot, bidder_factory, store):
    invoice = win(_at(lot, store), bidder_factory(), "100").invoice
    return _pay(invoice, invoice.total, "pi_full")


def _slot(custodian, store, *, hours=24, capacity=1):
    start = timezone.now() + datetime.timedelta(hours=hours)
    return collection.collection_slot_publish(actor=custodian, location=store, starts_at=start,
                                              ends_at=start + datetime.timedelta(hours=1), capacity=capacity)


def _signature(name="signature.png"):
    out = io.BytesIO()
    Image.new("RGB", (120, 40), "white").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _handover(invoice, custodian, **overrides):
    fields = {"collected_by": "Jane Buyer", "identity_checked": True, "id_document_type": "passport",
              "id_document_number": "P1234567", "condition": "as catalogued", "image": _signature(),
              "notes": "Keys and papers handed over."}
    fields.update(overrides)
    return collection.handover_record(actor=custodian, invoice_id=invoice.pk, **fields)


# ---- slots and bookings -------------------------------------------------------------------------


def test_only_the_custodian_publishes_slots_and_a_slot_ends_after_it_starts(custodian, auditor, store):
    with pytest.raises(NotPermitted):
        _slot(auditor, store)
    start = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        collection.collection_slot_publish(actor=custodian, location=store, starts_at=start, ends_at=start)
    assert "ends_at" in exc.value.error_dict


def test_only_the_buyer_of_a_paid_invoice_books_and_booking_again_moves_the_booking(
        lot, bidder_factory, store, custodian):
    # Given an invoice not paid yet, and two slots at the store where the lot is
    buyer = bidder_factory()
    invoice = win(_at(lot, store), buyer, "100").invoice
    first, second = _slot(custodian, store), _slot(custodian, store, hours=48)
    # Then nothing can be booked before it is paid
    with pytest.raises(TransitionRefused, match="once the invoice is paid"):
        collection.collection_book(buyer=buyer, invoice_number=invoice.number, slot_id=first.pk)
    _pay(invoice, invoice.total, "pi_1")
    # And someone else is told the invoice does not exist
    with pytest.raises(NotPermitted):
        collection.collection_book(buyer=bidder_factory(), invoice_number=invoice.number, slot_id=first.pk)
    # When the buyer books, then books the other time, only the second booking is live
    collection.collection_book(buyer=buyer, invoice_number=invoice.number, slot_id=first.pk)
    collection.collection_book(buyer=buyer, invoice_number=invoice.number, slot_id=second.pk)
    live = CollectionBooking.objects.filter(invoice=invoice, cancelled_at__isnull=True)
    assert [b.slot_id for b in live] == [second.pk]
    assert CollectionBooking.objects.filter(invoice=invoice, slot=first, cancelled_at__isnull=False).exists()
    # And a slot at another store, or one that has started, is refused beside the choice
    elsewhere = _slot(custodian, StorageLocation.objects.create(name="Vault", kind="vault"))
    with pytest.raises(DomainError) as exc:
        collection.collection_book(buyer=buyer, invoice_number=invoice.number, slot_id=elsewhere.pk)
    assert exc.value.field == "slot"
    past = _slot(custodian, store, hours=48)
    with pytest.raises(DomainError, match="passed"):
        collection.collection_book(buyer=buyer, invoice_number=invoice.number, slot_id=past.pk,
                                   now=past.starts_at)


def test_a_full_slot_is_refused(open_lot_factory, auction_manager, store, custodian):
    auction, lots = open_lot_factory(2)
    buyers = [make_bidder(reviewer=auction_manager, auctions=[auction]) for _ in lots]
    invoices = [_pay(win(_at(lot, store), buyer, "100").invoice, "100", f"pi_{i}")
                for i, (lot, buyer) in enumerate(zip(lots, buyers, strict=True))]
    slot = _slot(custodian, store, capacity=1)
    collection.collection_book(buyer=buyers[0], invoice_number=invoices[0].number, slot_id=slot.pk)
    with pytest.raises(DomainError, match="just been taken"):
        collection.collection_book(buyer=buyers[1], invoice_number=invoices[1].number, slot_id=slot.pk)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_buyers_taking_the_last_place_at_once_one_is_refused(open_lot_factory, auction_manager, store,
                                                                  custodian):
    # Given two paid invoices for lots at one store, and a slot with one place
    auction, lots = open_lot_factory(2)
    buyers = [make_bidder(reviewer=auction_manager, auctions=[auction]) for _ in lots]
    invoices = [_pay(win(_at(lot, store), buyer, "100").invoice, "100", f"pi_{i}")
                for i, (lot, buyer) in enumerate(zip(lots, buyers, strict=True))]
    slot = _slot(custodian, store, capacity=1)
    start = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(i):
        try:
            start.wait()
            collection.collection_book(buyer=buyers[i], invoice_number=invoices[i].number, slot_id=slot.pk)
            result = "booked"
        except DomainError as exc:
            result = str(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    # When both book at the same moment
    threads = [threading.Thread(target=book, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Then one has the place and the other is told it has just been taken
    assert sorted(outcomes) == ["This time has just been taken; choose another.", "booked"]
    assert CollectionBooking.objects.filter(slot=slot, cancelled_at__isnull=True).count() == 1


# ---- the handover -------------------------------------------------------------------------------


def test_the_handover_writes_the_chain_sells_the_asset_and_collects_the_invoice(paid_invoice, custodian, store):
    asset = paid_invoice.award.lot.assets.get()
    assert asset.status == AssetStatus.FOR_SALE
    # When the custodian hands the lot over, identity checked
    handover = _handover(paid_invoice, custodian)
    # Then the chain records the handover and the sale, and still verifies
    asset.refresh_from_db()
    events = list(CustodyEvent.objects.filter(asset=asset).order_by("seq"))
    handed, sold = events[-2], events[-1]
    assert (handed.kind, handed.handed_to, handed.condition, handed.actor) == (
        CustodyEventKind.HANDED_OVER, "Jane Buyer", "as catalogued", custodian)
    assert (sold.kind, sold.transition, sold.to_state, sold.actor) == (
        CustodyEventKind.STATUS_CHANGE, "record_sale", AssetStatus.SOLD, custodian)
    assert paid_invoice.number in sold.reason and "Passport" in sold.reason
    assert not any("P1234567" in (e.reason + e.handed_to) for e in events)  # the document number stays private
    assert custody_chain_verify(asset_ids=[asset.pk]) == []
    # And the asset is sold (proceeds in escrow), the invoice collected
    assert asset.status == AssetStatus.SOLD
    paid_invoice.refresh_from_db()
    assert paid_invoice.status == InvoiceStatus.COLLECTED and paid_invoice.collected_at
    assert handover.location == store and handover.image.name.startswith("handovers/")
    # And the release note names the invoice, the asset, who collected, where and the custodian
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(release_note_pdf(handover))).pages)
    for expected in (paid_invoice.number, asset.reference, asset.title, "Jane Buyer", "North vehicle yard",
                     "12 Quay Road", "as catalogued", custodian.get_full_name(), "Passport"):
        assert expected in text
    assert "P1234567" not in text


def test_a_confiscated_asset_is_disposed_of_by_sale_at_the_handover(lot, bidder_factory, store, custodian):
    asset = lot.assets.get()
    type(asset).objects.filter(pk=asset.pk).update(confiscated_at=lot.ends_at)
    invoice = win(_at(lot, store), bidder_factory(), "100").invoice
    _pay(invoice, invoice.total, "pi_c")
    _handover(invoice, custodian)
    asset.refresh_from_db()
    assert (asset.status, asset.disposition_method) == (AssetStatus.DISPOSED, DispositionMethod.SALE)
    assert custody_chain_verify(asset_ids=[asset.pk]) == []


def test_the_handover_is_refused_without_the_identity_checked_or_before_payment(
        lot, bidder_factory, store, custodian, auditor):
    invoice = win(_at(lot, store), bidder_factory(), "100").invoice
    with pytest.raises(TransitionRefused, match="Only a paid invoice"):
        _handover(invoice, custodian)
    _pay(invoice, invoice.total, "pi_2")
    with pytest.raises(ValidationError) as exc:
        _handover(invoice, custodian, identity_checked=False)
    assert "identity_checked" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        _handover(invoice, custodian, image=SimpleUploadedFile("x.png", b"<script>", content_type="image/png"))
    assert "image" in exc.value.error_dict
    with pytest.raises(NotPermitted):
        _handover(invoice, auditor)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and not Handover.objects.exists()
    assert lot.assets.get().status == AssetStatus.FOR_SALE


# ---- storage fees -------------------------------------------------------------------------------


def test_storage_fees_accrue_once_a_day_after_the_deadline_and_are_paid_before_the_handover(
        paid_invoice, custodian, settings):
    settings.DISPOSITION_STORAGE_FEE_PER_DAY = D("25.00")
    by = paid_invoice.collect_by
    # On the last day to collect, nothing is charged
    assert collection.storage_fees_accrue(today=by) == 0
    # The day after, one day; the same day again, nothing more; two days later, two more
    assert collection.storage_fees_accrue(today=by + datetime.timedelta(days=1)) == 1
    assert collection.storage_fees_accrue(today=by + datetime.timedelta(days=1)) == 0
    assert collection.storage_fees_accrue(today=by + datetime.timedelta(days=3)) == 2
    paid_invoice.refresh_from_db()
    assert paid_invoice.storage_fees == D("75.00") and paid_invoice.amount_owed == D("75.00")
    assert StorageFeeAccrual.objects.filter(invoice=paid_invoice).count() == 3
    # And each day is posted: buyers' balances debited, storage fee income credited
    cur = paid_invoice.currency
    assert account_balance(account_for(purpose=AccountPurpose.STORAGE_FEE_INCOME, currency=cur)) == D("-75.00")
    assert account_balance(account_for(purpose=AccountPurpose.RECEIVABLE, currency=cur)) == D("75.00")
    keys = set(JournalEntry.objects.filter(source=f"invoice:{paid_invoice.pk}",
                                           idempotency_key__startswith="storage-fee:")
               .values_list("idempotency_key", flat=True))
    assert keys == {f"storage-fee:{paid_invoice.pk}:{by + datetime.timedelta(days=n)}" for n in (1, 2, 3)}
    # Then the handover is refused while they are owed
    with pytest.raises(TransitionRefused, match="still owed"):
        _handover(paid_invoice, custodian)
    # And once paid, the lot is handed over, no more fees accrue, and the books reconcile
    _pay(paid_invoice, "75.00", "pi_fees")
    _handover(paid_invoice, custodian)
    assert collection.storage_fees_accrue(today=by + datetime.timedelta(days=9)) == 0
    assert account_balance(account_for(purpose=AccountPurpose.RECEIVABLE, currency=cur)) == D("0.00")
    # (The sale's net in escrow is not yet counted by reconciliation's escrow check, whose only
    # source is escrow-in entries: a gap of the settlement core, left to its owner. Everything
    # else reconciles: the books and each entry balance.)
    assert [m for m in ledger_reconcile().mismatches if "early-sale proceeds" not in m] == []


def test_real_estate_accrues_no_storage_fee(paid_invoice):
    paid_invoice.award.lot.assets.update(category="real_estate")
    assert collection.storage_fees_accrue(today=paid_invoice.collect_by + datetime.timedelta(days=5)) == 0


# ---- pages --------------------------------------------------------------------------------------


def test_the_invoice_page_offers_the_slots_and_shows_the_booking(client, paid_invoice, custodian, bidder_factory):
    slot = _slot(custodian, paid_invoice.award.lot.assets.get().location)
    client.force_login(paid_invoice.buyer)
    url = reverse("disposition:invoice", args=[paid_invoice.number])
    # Given a paid invoice, the page says where to go, what to bring, and offers the slot
    html = client.get(url).content.decode()
    assert "North vehicle yard" in html and "12 Quay Road" in html and "identity document" in html
    assert format_moment(slot.starts_at) in html and f'value="{slot.pk}"' in html
    # When the buyer books it, the page shows the booking
    book = reverse("disposition:collection_booking", args=[paid_invoice.number])
    response = client.post(book, {"slot": slot.pk})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "data-booking" in html and format_moment(slot.starts_at) in html
    # And a choice refused comes back beside the choice (400), not as an error page
    response = client.post(book, {"slot": "nonsense"})
    assert response.status_code == 400 and "data-collection-error" in response.content.decode()
    # And someone else cannot book on it
    client.force_login(bidder_factory())
    assert client.post(book, {"slot": slot.pk}).status_code == 404


def test_the_custodian_records_the_handover_in_the_admin_and_the_buyer_downloads_the_release_note(
        client, paid_invoice, custodian):
    client.force_login(custodian)
    action = reverse("disposition_invoices:action_handover", args=[paid_invoice.pk])
    assert client.get(action).status_code == 200
    # An unchecked identity comes back beside its field
    data = {"expected_status": "paid", "collected_by": "Jane Buyer", "id_document_type": "passport",
            "id_document_number": "P1", "condition": "good", "image": _signature()}
    response = client.post(action, data)
    assert response.status_code == 400 and "Check the collector" in response.content.decode()
    response = client.post(action, {**data, "identity_checked": "on", "image": _signature()})
    assert response.status_code == 302
    paid_invoice.refresh_from_db()
    assert paid_invoice.status == InvoiceStatus.COLLECTED
    staff_pdf = client.get(reverse("disposition_release_note", args=[paid_invoice.pk]))
    assert staff_pdf.status_code == 200 and staff_pdf["Content-Type"] == "application/pdf"
    # The buyer's page links the release note
    client.force_login(paid_invoice.buyer)
    html = client.get(reverse("disposition:invoice", args=[paid_invoice.number])).content.decode()
    assert "data-release-note" in html
    response = client.get(reverse("disposition:release_note", args=[paid_invoice.number]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


def test_the_roles_of_collection():
    custodian = set(Group.objects.get(name=roles.CUSTODIAN).permissions.values_list("codename", flat=True))
    auditor = set(Group.objects.get(name=roles.AUDITOR).permissions.values_list("codename", flat=True))
    assert {"add_collectionslot", "change_collectionslot", "add_handover", "view_invoice"} <= custodian
    assert "sell_asset" not in custodian  # the sale is a system step of the handover
    assert {"view_collectionslot", "view_collectionbooking", "view_handover"} <= auditor
    assert not {"add_handover", "add_collectionslot"} & auditor
