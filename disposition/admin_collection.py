"""Collection in the staff admin (Settlement menu): the slots custodians publish, the bookings
(today's collections first), the "Record handover" action on a paid invoice, and the release note.

Custodians publish and change slots and record handovers (disposition/roles.py); auction managers,
finance officers and auditors read. The identity document's number is on the handover record
(staff only); the custody chain gets the document's type, never its number.
"""

from __future__ import annotations

from django import forms
from django.db.models import Case, Count, Q, Value, When
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from common.admin.actions import Action, ActionForm
from common.admin.columns import DateTimeColumn
from common.admin.responses import refuse_with_403, require_perms
from common.admin.viewsets import RecordViewSet
from custody.models import StorageLocation
from custody.validators import open_checked_image

from .models import CollectionBooking, CollectionSlot, Handover, IdDocument, InvoiceStatus
from .services import collection
from .views_collection import release_note_response

# --------------------------------------------------------------------------------------------
# Slots
# --------------------------------------------------------------------------------------------


def slots_with_bookings():
    return (CollectionSlot.objects.select_related("location", "published_by")
            .annotate(booked=Count("bookings", filter=Q(bookings__cancelled_at__isnull=True))))


class CollectionSlotForm(forms.ModelForm):
    class Meta:
        model = CollectionSlot
        fields = list(collection.SLOT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = StorageLocation.objects.filter(active=True).order_by("name")


class CollectionSlotViewSet(RecordViewSet):
    model = CollectionSlot
    name = "disposition_slots"
    url_prefix = "settlement/collection-slots"
    icon = "date"
    menu_label = _("Collection slots")
    menu_order = 300
    policy_actions = ("add", "change", "view")
    queryset = staticmethod(slots_with_bookings)
    create_service = staticmethod(lambda request, form: collection.collection_slot_publish(
        actor=request.user, **form.cleaned_data))
    update_service = staticmethod(lambda request, form, slot: collection.collection_slot_update(
        actor=request.user, slot_id=slot.pk, **{k: form.cleaned_data[k] for k in collection.SLOT_FIELDS}))
    list_filter = ["location"]
    list_display = ["__str__", Column("location", label=_("Storage location")),
                    DateTimeColumn("starts_at", label=_("Starts")), DateTimeColumn("ends_at", label=_("Ends")),
                    Column("booked", label=_("Booked"), sort_key="booked"),
                    Column("capacity", label=_("Buyers per slot"), sort_key="capacity")]
    inspect_view_fields = ["location", "starts_at", "ends_at", "capacity", "published_by", "published_at"]

    def get_form_class(self, for_update=False):
        return CollectionSlotForm


# --------------------------------------------------------------------------------------------
# Bookings: today's collections first, then those to come, then the past and cancelled ones
# --------------------------------------------------------------------------------------------


def bookings_today_first():
    today = timezone.localdate()
    return (CollectionBooking.objects.select_related("slot__location", "invoice")
            .annotate(slot_day=TruncDate("slot__starts_at", tzinfo=timezone.get_current_timezone()))
            .annotate(rank=Case(When(cancelled_at__isnull=False, then=Value(3)), When(slot_day=today, then=Value(0)),
                                When(slot_day__gt=today, then=Value(1)), default=Value(2)))
            .order_by("rank", "slot__starts_at", "id"))


class CollectionBookingViewSet(RecordViewSet):
    model = CollectionBooking
    name = "disposition_bookings"
    url_prefix = "settlement/collection-bookings"
    icon = "calendar"
    menu_label = _("Collections booked")
    menu_order = 310
    policy_actions = ("view",)
    queryset = staticmethod(bookings_today_first)
    list_filter = ["slot__location"]
    search_fields = ["invoice__number", "invoice__buyer_name"]
    list_display = ["__str__", DateTimeColumn("slot__starts_at", label=_("Collection"), accessor="slot.starts_at"),
                    Column("location", label=_("Storage location"), accessor="slot.location"),
                    Column("invoice", label=_("Invoice")), Column("buyer", label=_("Buyer"),
                                                                   accessor="invoice.buyer_name"),
                    DateTimeColumn("cancelled_at", label=_("Cancelled"))]
    inspect_view_fields = ["invoice", "slot", "booked_at", "cancelled_at"]


# --------------------------------------------------------------------------------------------
# The handover: an action on the invoice's page
# --------------------------------------------------------------------------------------------


class HandoverForm(ActionForm):
    collected_by = forms.CharField(label=_("Collected by"), max_length=255,
                                   help_text=_("The full name on the identity document."))
    identity_checked = forms.BooleanField(
        label=_("I checked the identity document against the person collecting"), required=False)
    id_document_type = forms.ChoiceField(label=_("Identity document"), choices=IdDocument.choices)
    id_document_number = forms.CharField(label=_("Document number"), max_length=64)
    condition = forms.CharField(label=_("Condition"), max_length=64,
                                help_text=_("As the lot left the store, e.g. “as catalogued”."))
    image = forms.FileField(label=_("Signature or photo"),
                            help_text=_("The collector's signature, or a photo of the handover (JPEG, PNG or WebP)."))
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_image(self):
        upload = self.cleaned_data["image"]
        open_checked_image(upload)  # type by content, size, pixels, decompression bombs
        upload.seek(0)
        return upload


def _paid(user, invoice) -> bool:
    return invoice.status == InvoiceStatus.PAID


def _owed(user, invoice) -> str | None:
    if invoice.status == InvoiceStatus.PAID and invoice.amount_owed > 0:
        from common.money import format_money

        return _("%(owed)s is still owed (storage fees included).") % {
            "owed": format_money(invoice.amount_owed, invoice.currency)}
    return None


INVOICE_ACTIONS = [
    Action(name="handover", label=_("Record handover"), permission="disposition.add_handover",
           call=lambda request, invoice, data: collection.handover_record(
               actor=request.user, invoice_id=invoice.pk, collected_by=data["collected_by"],
               identity_checked=data["identity_checked"], id_document_type=data["id_document_type"],
               id_document_number=data["id_document_number"], condition=data["condition"], image=data["image"],
               notes=data.get("notes", ""), expected_status=data.get("expected_status")),
           available=lambda user, invoice: _paid(user, invoice) and not _owed(user, invoice), blocked=_owed,
           form_class=HandoverForm, multipart=True,
           intro=_("Check the collector's identity document, then record the handover: each asset's custody chain "
                   "records it, the assets are recorded as sold, and the buyer can download the release note."),
           success=_("Handover recorded: the lot is collected.")),
]


def release_note_staff(request: HttpRequest, pk: int) -> HttpResponse:
    """The release note of a collected invoice, for staff who may see invoices."""
    require_perms(request, "disposition.view_invoice")
    handover = get_object_or_404(Handover.objects.select_related("invoice", "recorded_by", "location"), invoice_id=pk)
    return release_note_response(handover)


ADMIN_URLS = [path("settlement/release-notes/<int:pk>/", refuse_with_403(release_note_staff),
                   name="disposition_release_note")]
VIEWSETS = (CollectionSlotViewSet, CollectionBookingViewSet)
