"""Collection of a paid lot: slots, bookings, the handover, and storage fees.

- The custodian publishes collection slots at a store (`collection_slot_publish`), each for up to
  `capacity` buyers.
- The buyer of a paid invoice, owing nothing, books a future slot at the store where the lot's
  assets are (`collection_book`); the slot's row is locked while its live bookings are counted, so
  two buyers taking the last place at once cannot both have it. Booking again moves the booking.
- The custodian records the handover (`handover_record`), in one transaction: for every asset, a
  "handed over" entry in its custody chain and the sale recorded (sold, proceeds in escrow; or
  disposed of by sale, once confiscated); then the invoice is collected.
- Each night, `storage_fees_accrue` charges DISPOSITION_STORAGE_FEE_PER_DAY for every day a paid
  invoice stays uncollected after its deadline, once per invoice and day, posted to the ledger.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from common.exceptions import DomainError, NotPermitted, TransitionRefused
from common.formats import format_moment
from common.money import format_money
from common.transitions import check_expected_status, require_perm, save_or_conflict, transition_run
from custody import services as custody_services
from custody.models import AssetCategory, AssetStatus, CustodyEventKind, StorageLocation
from ledger.models import AccountPurpose, EntryKind
from ledger.services import Line, account_for, ledger_post

from ..events import invoice_log_write
from ..models import (
    CollectionBooking,
    CollectionSlot,
    Handover,
    IdDocument,
    Invoice,
    InvoiceStatus,
    StorageFeeAccrual,
)
from .payments import invoice_locked
from .postings import invoice_assets, invoice_case

ZERO = Decimal("0.00")


# --------------------------------------------------------------------------------------------
# Where a lot is collected
# --------------------------------------------------------------------------------------------


def invoice_location(invoice: Invoice) -> StorageLocation | None:
    """The store the invoice's assets are kept at; None when they have none, or are kept at several
    (the custodian gathers them first: the buyer is told to contact the agency)."""
    locations = {asset.location_id for asset in invoice_assets(invoice)}
    if len(locations) != 1 or None in locations:
        return None
    return StorageLocation.objects.get(pk=locations.pop())


def invoice_is_real_estate(invoice: Invoice) -> bool:
    """Real estate is handed over on site (keys and deeds), not collected from a store."""
    return any(asset.category == AssetCategory.REAL_ESTATE for asset in invoice_assets(invoice))


def slots_open(*, location: StorageLocation, now: datetime | None = None):
    """The future slots at a store that still have room, with `booked` (their live bookings)."""
    now = now or timezone.now()
    return (CollectionSlot.objects.filter(location=location, starts_at__gt=now)
            .annotate(booked=Count("bookings", filter=Q(bookings__cancelled_at__isnull=True)))
            .filter(booked__lt=F("capacity")).order_by("starts_at", "id"))


def booking_live(invoice: Invoice) -> CollectionBooking | None:
    return (CollectionBooking.objects.select_related("slot__location")
            .filter(invoice=invoice, cancelled_at__isnull=True).first())


# --------------------------------------------------------------------------------------------
# Slots
# --------------------------------------------------------------------------------------------

SLOT_FIELDS = ("location", "starts_at", "ends_at", "capacity")


def _check_slot(*, location: StorageLocation | None, starts_at: datetime, ends_at: datetime, capacity: int,
                now: datetime) -> None:
    errors = {}
    if location is None or not location.active:
        errors["location"] = _("Choose an active storage location.")
    if starts_at and starts_at <= now:
        errors["starts_at"] = _("A collection slot starts in the future.")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("The slot ends after it starts.")
    if capacity is None or capacity < 1:
        errors["capacity"] = _("At least one buyer per slot.")
    if errors:
        raise ValidationError(errors)


def collection_slot_publish(*, actor, location: StorageLocation, starts_at: datetime, ends_at: datetime,
                            capacity: int = 1, now: datetime | None = None) -> CollectionSlot:
    """The custodian publishes a time buyers may come to collect at a store."""
    require_perm(actor, "disposition.add_collectionslot")
    _check_slot(location=location, starts_at=starts_at, ends_at=ends_at, capacity=capacity,
                now=now or timezone.now())
    with transaction.atomic():
        return CollectionSlot.objects.create(location=location, starts_at=starts_at, ends_at=ends_at,
                                             capacity=capacity, published_by=actor)


def collection_slot_update(*, actor, slot_id: int, location: StorageLocation, starts_at: datetime,
                           ends_at: datetime, capacity: int, now: datetime | None = None) -> CollectionSlot:
    """Change a slot nobody has booked yet; once booked, only its capacity may grow or shrink to
    what is booked (the buyers were told the time and place)."""
    require_perm(actor, "disposition.change_collectionslot")
    with transaction.atomic():
        slot = CollectionSlot.objects.select_for_update().get(pk=slot_id)
        booked = slot.bookings.filter(cancelled_at__isnull=True).count()
        if booked and (location != slot.location or starts_at != slot.starts_at or ends_at != slot.ends_at):
            raise ValidationError({"starts_at": _("%(n)s buyer(s) booked this slot: its time and place cannot change.")
                                   % {"n": booked}})
        if capacity is not None and capacity < booked:
            raise ValidationError({"capacity": _("%(n)s buyer(s) booked this slot already.") % {"n": booked}})
        if not booked:
            _check_slot(location=location, starts_at=starts_at, ends_at=ends_at, capacity=capacity,
                        now=now or timezone.now())
        slot.location, slot.starts_at, slot.ends_at, slot.capacity = location, starts_at, ends_at, capacity
        slot.save()
    return slot


# --------------------------------------------------------------------------------------------
# Bookings
# --------------------------------------------------------------------------------------------


def _buyers_invoice(*, buyer, invoice_number: str) -> Invoice:
    invoice = (Invoice.objects.select_for_update(of=("self",)).select_related("award__lot", "direct_sale__asset")
               .filter(number=invoice_number, buyer_id=getattr(buyer, "pk", None)).first())
    if invoice is None or not buyer.is_authenticated:
        raise NotPermitted(_("This invoice does not exist."))
    return invoice


def collection_book(*, buyer, invoice_number: str, slot_id: int, now: datetime | None = None) -> CollectionBooking:
    """The buyer books a collection slot for their paid invoice (booking again moves the booking)."""
    now = now or timezone.now()
    try:
        slot_id = int(slot_id)
    except (TypeError, ValueError):
        raise DomainError(_("Choose a time to collect."), field="slot") from None
    with transaction.atomic():
        invoice = _buyers_invoice(buyer=buyer, invoice_number=invoice_number)
        if invoice.status != InvoiceStatus.PAID:
            raise TransitionRefused(_("A collection can be booked once the invoice is paid."), field="slot")
        if invoice.amount_owed > 0:
            raise TransitionRefused(_("Pay the %(owed)s still owed first.") % {
                "owed": format_money(invoice.amount_owed, invoice.currency)}, field="slot")
        location = invoice_location(invoice)
        # The slot row stays locked until this commits: whoever counts its bookings next sees ours.
        slot = CollectionSlot.objects.select_for_update().filter(pk=slot_id).first()
        if slot is None or location is None or slot.location_id != location.pk:
            raise DomainError(_("Choose one of the times offered."), field="slot")
        if slot.starts_at <= now:
            raise DomainError(_("This time has passed; choose another."), field="slot")
        current = CollectionBooking.objects.filter(invoice=invoice, cancelled_at__isnull=True).first()
        if current is not None and current.slot_id == slot.pk:
            return current
        if slot.bookings.filter(cancelled_at__isnull=True).count() >= slot.capacity:
            raise DomainError(_("This time has just been taken; choose another."), field="slot")
        if current is not None:
            current.cancelled_at = now
            current.save(update_fields=["cancelled_at"])
        booking = CollectionBooking.objects.create(invoice=invoice, slot=slot, booked_by=buyer, booked_at=now)
        invoice_log_write(invoice=invoice, action="collection_booked", actor=buyer,
                          note=f"{location.name} {format_moment(slot.starts_at)}")
    return booking


def collection_booking_cancel(*, buyer, invoice_number: str, now: datetime | None = None) -> None:
    """The buyer cancels their booking (the place goes back to the slot)."""
    with transaction.atomic():
        invoice = _buyers_invoice(buyer=buyer, invoice_number=invoice_number)
        booking = CollectionBooking.objects.filter(invoice=invoice, cancelled_at__isnull=True).first()
        if booking is None:
            return
        booking.cancelled_at = now or timezone.now()
        booking.save(update_fields=["cancelled_at"])
        invoice_log_write(invoice=invoice, action="collection_cancelled", actor=buyer,
                          note=format_moment(booking.slot.starts_at))


# --------------------------------------------------------------------------------------------
# The handover
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    ext: str
    sha256: str


def handover_image_clean(upload) -> CleanImage:
    """The signature or photo, parsed by Pillow (type by content, size, pixels, bombs) and re-encoded
    from its pixels alone, without the metadata (EXIF) the camera wrote."""
    from custody.validators import open_checked_image

    try:
        image = open_checked_image(upload)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from None
    image = ImageOps.exif_transpose(image)
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGB")
    fmt = "PNG" if image.mode in ("RGBA", "LA") else "JPEG"
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    else:
        clean.save(out, "PNG")
    data = out.getvalue()
    return CleanImage(content=data, ext="png" if fmt == "PNG" else "jpg", sha256=hashlib.sha256(data).hexdigest())


def handover_record(*, actor, invoice_id: int, collected_by: str, identity_checked: bool, id_document_type: str,
                    id_document_number: str, condition: str, image, notes: str = "",
                    expected_status: str | None = None, now: datetime | None = None) -> Handover:
    """The custodian hands a paid lot over, in one transaction: a "handed over" entry in each asset's
    custody chain, the sale recorded (sold, or disposed of by sale once confiscated), the handover
    row, and the invoice collected. Refused while anything is owed (storage fees too) or unless the
    collector's identity was checked.

    The sale is recorded as a system step of the settlement (custody.services.asset_record_sale):
    its authority is the award and the verified payment; the custodian carries it out and is named
    in the chain, without the `sell_asset` permission (which would let custodians put assets up for
    sale)."""
    require_perm(actor, "disposition.add_handover")
    require_perm(actor, "custody.record_custody_event")
    collected_by = (collected_by or "").strip()
    id_document_number = (id_document_number or "").strip()
    condition = (condition or "").strip()
    errors = {}
    if not identity_checked:
        errors["identity_checked"] = _("Check the collector's identity document before handing anything over.")
    if not collected_by:
        errors["collected_by"] = _("Say who collected.")
    if id_document_type not in IdDocument.values:
        errors["id_document_type"] = _("Choose the identity document you saw.")
    if not id_document_number:
        errors["id_document_number"] = _("Copy the document's number.")
    if not condition:
        errors["condition"] = _("Describe the condition the lot left in.")
    if image is None:
        errors["image"] = _("Add the collector's signature or a photo of the handover.")
    if errors:
        raise ValidationError(errors)
    clean = handover_image_clean(image)  # outside the transaction: decoding takes a while
    now = now or timezone.now()
    with transaction.atomic():
        invoice = invoice_locked(invoice_id)
        check_expected_status(invoice, expected_status)
        if invoice.status != InvoiceStatus.PAID:
            raise TransitionRefused(_("Only a paid invoice is handed over; this one is “%(status)s”.")
                                    % {"status": invoice.get_status_display()})
        if invoice.amount_owed > 0:
            raise TransitionRefused(_("%(owed)s is still owed (storage fees included): the lot is handed over once "
                                      "it is paid.") % {"owed": format_money(invoice.amount_owed, invoice.currency)})
        document = IdDocument(id_document_type).label
        reason = _("Collected under invoice %(number)s by %(who)s, identity checked (%(document)s); handed over by "
                   "%(custodian)s.") % {"number": invoice.number, "who": collected_by, "document": document,
                                        "custodian": actor.get_full_name() or actor.get_username()}
        for asset in sorted(invoice_assets(invoice), key=lambda a: a.pk):
            if asset.status not in (AssetStatus.FOR_SALE, AssetStatus.SOLD):
                raise TransitionRefused(_("%(ref)s is “%(status)s”: it cannot be handed over.")
                                        % {"ref": asset.reference, "status": asset.get_status_display()})
            custody_services.custody_event_record(
                asset_id=asset.pk, actor=actor, kind=CustodyEventKind.HANDED_OVER, handed_to=collected_by,
                condition=condition[:64], reason=reason)
            if asset.status == AssetStatus.FOR_SALE:  # a direct sale recorded its sale already
                custody_services.asset_record_sale(asset_id=asset.pk, actor=actor, reason=reason, system_step=True)
        handover = Handover(
            invoice=invoice, booking=CollectionBooking.objects.filter(invoice=invoice, cancelled_at__isnull=True)
            .first(), location=invoice_location(invoice), handed_at=now, recorded_by=actor, collected_by=collected_by,
            identity_checked=True, id_document_type=id_document_type, id_document_number=id_document_number,
            condition=condition, image_sha256=clean.sha256, notes=(notes or "").strip())
        handover.image.save(f"{invoice.number}-{clean.sha256[:16]}.{clean.ext}", ContentFile(clean.content),
                            save=False)
        handover.save()
        moved = transition_run(invoice, "mark_collected", actor=actor, label=_("record the handover"), save=False)
        invoice.collected_at = now
        save_or_conflict(invoice)
        invoice_log_write(invoice=invoice, action="collected", moved=moved, actor=actor,
                          note=_("handed over to %(who)s") % {"who": collected_by})
    return handover


# --------------------------------------------------------------------------------------------
# Storage fees
# --------------------------------------------------------------------------------------------


def storage_fee_per_day(invoice: Invoice) -> Decimal:
    if invoice_is_real_estate(invoice):
        return ZERO
    return Decimal(settings.DISPOSITION_STORAGE_FEE_PER_DAY).quantize(Decimal("0.01"))


def storage_fees_accrue_invoice(*, invoice_id: int, today: date) -> list[StorageFeeAccrual]:
    """Charge the storage fee for every day late up to `today` not yet charged (idempotent: one row
    and one journal entry per invoice and day)."""
    accrued = []
    with transaction.atomic():
        invoice = invoice_locked(invoice_id)
        if invoice.status != InvoiceStatus.PAID or invoice.collect_by is None or invoice.collect_by >= today:
            return accrued
        fee = storage_fee_per_day(invoice)
        if fee <= 0:
            return accrued
        charged = set(invoice.storage_fee_accruals.values_list("day", flat=True))
        day = invoice.collect_by + timedelta(days=1)
        receivable = account_for(purpose=AccountPurpose.RECEIVABLE, currency=invoice.currency)
        income = account_for(purpose=AccountPurpose.STORAGE_FEE_INCOME, currency=invoice.currency)
        case = invoice_case(invoice)
        while day <= today:
            if day not in charged:
                entry = ledger_post(
                    memo=_("Storage fee for %(day)s, invoice %(number)s not collected by %(by)s") % {
                        "day": day.isoformat(), "number": invoice.number, "by": invoice.collect_by.isoformat()},
                    lines=[Line(receivable, fee), Line(income, -fee)], source=f"invoice:{invoice.pk}", case=case,
                    idempotency_key=f"{EntryKind.STORAGE_FEE}:{invoice.pk}:{day.isoformat()}")
                # The invoice row is locked: runs of this task take their turns, and the unique
                # (invoice, day) and the entry's idempotency key refuse a second charge regardless.
                accrued.append(StorageFeeAccrual.objects.create(
                    invoice=invoice, day=day, amount=fee, currency=invoice.currency, journal_entry=entry))
            day += timedelta(days=1)
        if accrued:
            invoice.storage_fees += sum((a.amount for a in accrued), ZERO)
            save_or_conflict(invoice, update_fields=["storage_fees"])
            invoice_log_write(invoice=invoice, action="storage_fee", note=_("%(days)s day(s): %(amount)s") % {
                "days": len(accrued), "amount": format_money(sum((a.amount for a in accrued), ZERO),
                                                             invoice.currency)})
    return accrued


def storage_fees_accrue(*, today: date | None = None) -> int:
    """Charge the storage fees of every paid invoice not collected by its deadline, up to `today`
    (the agency's date). Safe to run twice. Returns how many days were charged."""
    today = today or timezone.localdate()
    ids = Invoice.objects.filter(status=InvoiceStatus.PAID, collect_by__lt=today).values_list("pk", flat=True)
    return sum(len(storage_fees_accrue_invoice(invoice_id=pk, today=today)) for pk in ids)
