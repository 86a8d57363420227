"""Demo data for settlement: a closed auction whose lots show the whole path after the hammer, each
step taken by the real services in the order the agency takes them.

- a lot paid by bank transfer (recorded by finance, confirmed by an approver: four eyes), booked for
  collection and handed over: its asset is sold, the proceeds sit in the case's escrow;
- a lot paid and booked, awaiting collection;
- a lot whose buyer did not pay: defaulted, offered to the next bidder (second chance), who accepted
  and paid; the default settled against the next sale;
- a lot defaulted, with a second-chance offer still open.

No card is involved (Stripe's stand-in need not be running while seeding). The auction's dates, the
defaulted invoices' dates and the handed-over lot's slot are set in the past, as they would be a
few days after such a sale; everything else happens now. The ledger is then reconciled, and the
result printed: it must be clean."""

from __future__ import annotations

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from auctions import demo as auctions_demo
from auctions.models import Auction, Bid, Lot, TermsAcceptance
from auctions.services import bidding, closing
from ledger.reconciliation import ledger_reconcile

from .models import Award, CollectionSlot, Invoice
from .services import collection, defaults, second_chance, transfers
from .services.collection import invoice_location

DEMO_SLUG = "demo-settled-sale"
SPEC = {
    "slug": DEMO_SLUG, "title": "Closed sale: vans, scooters and workshop equipment",
    "description": "Closed a few days ago. Shows what happens after the hammer: invoices, bank transfers, "
                   "a default and a second-chance offer, collection and handover.",
    "opens": datetime.timedelta(hours=-1), "closes": datetime.timedelta(days=1), "stagger_seconds": 120,
    "lots": [("Renault Master van 2018, 96,000 km", "vehicle", "16000", "8000.00", None, (240, 240, 235)),
             ("Yamaha outboard engine 150 hp, 2020", "other", "9000", "4000.00", None, (30, 60, 120)),
             ("Vespa GTS 300 scooter 2021, 7,800 km", "vehicle", "5500", "2500.00", None, (150, 30, 40)),
             ("Makita workshop tool set, 48 pieces", "other", "2500", "900.00", None, (0, 130, 140))],
}
# Per lot: (bidder index, maximum) in the order the bids were placed; the last highest wins.
BIDS = [[(1, "9000"), (0, "9500")], [(2, "4500"), (0, "5000")], [(2, "3000"), (1, "3400")],
        [(0, "1100"), (2, "1250")]]


def _users(*names: str) -> list:
    found = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    return [found.get(name) for name in names]


def _signature() -> SimpleUploadedFile:
    """What the custodian photographs at the handover: the collector's signature on the release."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 200), (255, 255, 255))
    ImageDraw.Draw(image).line([(40, 150), (160, 60), (260, 140), (380, 50), (560, 120)], fill=(20, 20, 90), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("signature.png", out.getvalue(), content_type="image/png")


def _pay_by_transfer(invoice: Invoice, *, finance, approver, received_on: datetime.date) -> None:
    payment = transfers.payment_transfer_record(actor=finance, invoice_id=invoice.pk, amount=invoice.amount_owed,
                                                reference=f"SEPA {invoice.number}", received_on=received_on)
    transfers.payment_transfer_confirm(actor=approver, payment_id=payment.pk)


def _back_in_time(auction: Auction, now: datetime.datetime) -> None:
    """The sale ran last week: opened ten days ago, its lots ended four days ago, the bids in between."""
    opened = now - datetime.timedelta(days=10)
    Auction.objects.filter(pk=auction.pk).update(opens_at=opened, closes_at=now - datetime.timedelta(days=4),
                                                 published_at=opened - datetime.timedelta(days=2))
    for n, lot in enumerate(auction.lots.order_by("number")):
        ends = now - datetime.timedelta(days=4) + n * datetime.timedelta(seconds=SPEC["stagger_seconds"])
        Lot.objects.filter(pk=lot.pk).update(ends_at=ends, original_ends_at=ends)
        for k, bid in enumerate(Bid.objects.filter(lot=lot).order_by("seq")):
            Bid.objects.filter(pk=bid.pk).update(placed_at=opened + datetime.timedelta(days=2, hours=3 * k))


def seed(command, options) -> None:
    """The settled auction, then what became of confiscated assets and proceeds (demo_reuse)."""
    from . import demo_cooperation, demo_reuse

    _seed_settlement(command, options)
    demo_reuse.seed(command, options)
    # Cooperation's return to Nigeria (July 2026) comes before the claims filed from September 2026: seeded
    # the other way round, the claims' reserve on the fund would refuse a decision taken before they existed.
    demo_cooperation.seed(command, options)
    from . import demo_claims  # claims of third parties and victims, after the reuse demo

    demo_claims.seed(command, options)
    from . import demo_consultation  # a public consultation on a proposed reuse decision, with its response

    demo_consultation.seed(command, options)


def _seed_settlement(command, options) -> None:
    if Auction.objects.filter(slug=DEMO_SLUG).exists():
        return
    bidders = [u for u in _users("bidder1", "bidder2", "bidder3") if u is not None]
    officer, approver, approver2, manager, custodian, finance = _users(
        "officer", "approver", "approver2", "auctions", "custodian", "finance")
    if len(bidders) < 3 or None in (officer, approver, approver2, manager, custodian, finance):
        command.stdout.write("Settlement demo skipped: it needs three demo bidders (--bidders 3 or more).")
        return

    auction = auctions_demo.seed_auction(SPEC, officer=officer, approver=approver, approver2=approver2,
                                         manager=manager, custodian=custodian, photos=not options.get("bulk"))
    for bidder in bidders:
        TermsAcceptance.objects.get_or_create(bidder=bidder, auction=auction)
    lots = list(auction.lots.order_by("number"))
    for lot, bids in zip(lots, BIDS, strict=True):
        for who, amount in bids:
            bidding.lot_place_bid(lot_id=lot.pk, bidder=bidders[who], max_amount=amount)

    now = timezone.now()
    _back_in_time(auction, now)
    closing.lots_close_due(now=now)  # the sweep closes them: awards and invoices
    invoices = [Invoice.objects.get(award__lot=lot) for lot in lots]
    paid_van, paid_engine, defaulted_scooter, defaulted_tools = invoices
    today = timezone.localdate(now)

    # Two buyers paid by bank transfer, confirmed by a second person.
    for invoice in (paid_van, paid_engine):
        _pay_by_transfer(invoice, finance=finance, approver=approver, received_on=today - datetime.timedelta(days=1))

    # Both book a collection at the store that holds their lot; the van was handed over this morning.
    for invoice, days in ((paid_van, 1), (paid_engine, 2)):
        invoice.refresh_from_db()
        starts = (now + datetime.timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)
        slot = collection.collection_slot_publish(actor=custodian, location=invoice_location(invoice),
                                                  starts_at=starts, ends_at=starts + datetime.timedelta(hours=1),
                                                  capacity=2)
        collection.collection_book(buyer=invoice.buyer, invoice_number=invoice.number, slot_id=slot.pk)
    CollectionSlot.objects.filter(bookings__invoice=paid_van).update(
        starts_at=now - datetime.timedelta(hours=3), ends_at=now - datetime.timedelta(hours=2))
    collection.handover_record(
        actor=custodian, invoice_id=paid_van.pk, collected_by=paid_van.buyer_name, identity_checked=True,
        id_document_type="id_card", id_document_number="DEMO-591-204", condition="As seen at viewing; two keys.",
        image=_signature())

    # Two buyers did not pay by their deadline (their invoices were issued a fortnight ago).
    for invoice in (defaulted_scooter, defaulted_tools):
        Invoice.objects.filter(pk=invoice.pk).update(issued_at=now - datetime.timedelta(days=14),
                                                     due_on=today - datetime.timedelta(days=4))
    defaults.invoices_default_due(now=now)
    # The scooter went to the next bidder at their own maximum; they accepted and paid.
    scooter_award = Award.objects.get(pk=defaulted_scooter.award_id)
    offer = second_chance.second_chance_offer_create(actor=manager, award_id=scooter_award.pk)
    new_award = second_chance.second_chance_offer_accept(offer_id=offer.pk, user=offer.bidder)
    second_invoice = Invoice.objects.get(award=new_award)
    _pay_by_transfer(second_invoice, finance=finance, approver=approver2, received_on=today)
    defaults.default_settle(default_id=defaulted_scooter.buyer_default.pk, next_invoice_id=second_invoice.pk,
                            actor=finance)
    # The tool set's offer to the next bidder is still open.
    second_chance.second_chance_offer_create(actor=manager, award_id=defaulted_tools.award_id)

    report = ledger_reconcile()
    command.stdout.write(
        f"Closed auction /auctions/sales/{DEMO_SLUG}/: invoices {paid_van.number} (paid, collected), "
        f"{paid_engine.number} (paid, collection booked), {defaulted_scooter.number} (defaulted; second chance "
        f"paid as {second_invoice.number}), {defaulted_tools.number} (defaulted; offer open).")
    command.stdout.write(f"Ledger reconciliation: {'clean' if report.ok else 'MISMATCH'} "
                         f"({report.entries} entries, {report.postings} postings)")
    for line in report.mismatches:
        command.stdout.write(f"  - {line}")
