"""Collection of a paid lot: the times the custodian publishes at a store, the buyer's booking, the
handover (the custody chain records it, the assets become sold or disposed), and the storage fees
that accrue, one row per invoice and day, when the lot is not collected by its deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import CurrencyField
from custody.models import StorageLocation
from custody.storage import private_storage

from .settlement import MONEY, Invoice


class CollectionSlot(models.Model):
    """A time the custodian is at a store to hand lots over, for up to `capacity` buyers."""

    location = models.ForeignKey(StorageLocation, on_delete=models.PROTECT, related_name="collection_slots",
                                 verbose_name=_("storage location"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("buyers per slot"), default=1)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("collection slot")
        verbose_name_plural = _("collection slots")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["location", "starts_at"], name="collection_slot_location_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="collection_slot_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="collection_slot_capacity_positive"),
        ]

    def __str__(self) -> str:
        from common.formats import format_moment

        return f"{self.location} {format_moment(self.starts_at)}"


class CollectionBooking(models.Model):
    """A buyer's place in a slot. At most one live (not cancelled) booking per invoice: booking
    another slot cancels the previous one."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="collection_bookings",
                                verbose_name=_("invoice"))
    slot = models.ForeignKey(CollectionSlot, on_delete=models.PROTECT, related_name="bookings",
                             verbose_name=_("slot"))
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("booked by"))
    booked_at = models.DateTimeField(_("booked"), default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("collection booking")
        verbose_name_plural = _("collection bookings")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice"], condition=Q(cancelled_at__isnull=True),
                                    name="collection_one_live_booking_per_invoice"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} @ {self.slot}"


class IdDocument(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    ID_CARD = "id_card", _("Identity card")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")


class Handover(models.Model):
    """The custodian handing a paid lot to whoever collects it, identity checked. The identity
    document's number is kept here (personal data, staff only), never in the custody chain, which is
    append-only and read by every staff role."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="handover",
                                   verbose_name=_("invoice"))
    booking = models.ForeignKey(CollectionBooking, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("booking"))
    location = models.ForeignKey(StorageLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("storage location"))
    handed_at = models.DateTimeField(_("handed over"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("custodian"))
    collected_by = models.CharField(_("collected by"), max_length=255)
    identity_checked = models.BooleanField(_("identity checked"), default=False)
    id_document_type = models.CharField(_("identity document"), max_length=20, choices=IdDocument.choices)
    id_document_number = models.CharField(_("document number"), max_length=64)
    condition = models.CharField(_("condition"), max_length=64)
    image = models.ImageField(_("signature or photo"), storage=private_storage, upload_to="handovers/%Y/%m/")
    image_sha256 = models.CharField(max_length=64, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-handed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(identity_checked=True), name="handover_identity_checked"),
            models.CheckConstraint(condition=~Q(collected_by="") & ~Q(id_document_number=""),
                                   name="handover_names_who_collected"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice}: {self.collected_by}"


class StorageFeeAccrual(models.Model):
    """One day's storage fee on an invoice not collected by its deadline: once per invoice and day,
    posted to the ledger (Dr buyers' balances, Cr storage fee income)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="storage_fee_accruals",
                                verbose_name=_("invoice"))
    day = models.DateField(_("day"))
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = CurrencyField(_("currency"))
    journal_entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("posted as"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("storage fee")
        verbose_name_plural = _("storage fees")
        ordering = ["invoice", "day"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "day"], name="storage_fee_once_per_invoice_and_day"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="storage_fee_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.day}"
