"""Forms of the staff UI. They parse and validate input; the custody services decide."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from wagtail.admin.filters import WagtailFilterSet

from common.admin.actions import ActionForm
from common.forms import AmountField, NumberField
from common.identifiers import identifier_clean

from . import selectors
from .models import (
    FOUR_EYES_TRANSITIONS,
    ORDER_REQUIRED,
    Asset,
    AssetCategory,
    AssetIdentifier,
    AssetStatus,
    Case,
    CaseStatus,
    CourtOrder,
    CustodyEventKind,
    DispositionMethod,
    LegalBasis,
    OffenceType,
    OrderType,
    Party,
    StorageLocation,
    category_rule,
)
from .services import (
    ASSET_EDITABLE_FIELDS,
    CASE_EDITABLE_FIELDS,
    ORDER_EDITABLE_FIELDS,
    REASON_REQUIRED,
    asset_locked_fields,
    case_locked_fields,
    court_order_locked_fields,
)
from .validators import open_checked_image, validate_document


class AssetFilterSet(WagtailFilterSet):
    """The asset listing's filters (Wagtail's filter panel). The filtering itself is done by
    selectors.asset_list with `selector_kwargs()`, so the rows keep their joins."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=AssetStatus.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=AssetCategory.choices)
    case = django_filters.CharFilter(label=_("Case reference"))
    location = django_filters.ModelChoiceFilter(label=_("Storage location"),
                                                queryset=lambda request: StorageLocation.objects.order_by("name"))
    custodian = django_filters.ModelChoiceFilter(label=_("Custodian"), queryset=lambda request: selectors.custodians())
    perishable = django_filters.BooleanFilter(label=_("Perishable"))
    unstored = django_filters.BooleanFilter(label=_("Held with no storage site recorded"))

    class Meta:
        model = Asset
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["custodian"].label_from_instance = lambda u: u.get_full_name() or u.username

    def selector_kwargs(self) -> dict:
        """Arguments for selectors.asset_list from the valid part of the input."""
        data = self.form.cleaned_data if self.is_valid() else {}
        case = (data.get("case") or "").strip()
        kwargs = {
            "status": data.get("status") or "",
            "category": data.get("category") or "",
            "location_id": data["location"].pk if data.get("location") else None,
            "custodian_id": data["custodian"].pk if data.get("custodian") else None,
            "perishable": data.get("perishable"),
            "unstored": bool(data.get("unstored")),
        }
        if case.isdigit():
            kwargs["case_id"] = int(case)
        elif case:
            kwargs["case_reference"] = case
        return kwargs


class CaseFilterSet(WagtailFilterSet):
    """The case listing's filters; "past decision date" is the dashboard's overdue queue."""

    overdue = django_filters.BooleanFilter(label=_("Past the expected decision date"), method="filter_overdue")

    class Meta:
        model = Case
        fields = ["status", "legal_basis", "offence_type", "country_of_origin", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = selectors.cases_past_decision_date(today=timezone.localdate())
        return queryset.filter(pk__in=overdue.values("pk")) if value else queryset.exclude(pk__in=overdue.values("pk"))


class TransitionForm(ActionForm):
    """One move of the life cycle (`transition`, see `transition_form`): the court order it cites,
    the disposition, the reason. Carries the status the user saw (the stale-status check)."""

    transition = ""
    order = forms.ModelChoiceField(label=_("Court order"), queryset=CourtOrder.objects.none(), required=False)
    disposition = forms.ChoiceField(
        label=_("Disposition"), required=False,
        choices=[(DispositionMethod.SOCIAL_REUSE, DispositionMethod.SOCIAL_REUSE.label),
                 (DispositionMethod.PUBLIC_USE, DispositionMethod.PUBLIC_USE.label)],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, instance: Asset, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        asset, transition = instance, self.transition
        self.needs_order = ORDER_REQUIRED.get(transition)
        self.needs_reason = transition in REASON_REQUIRED
        self.has_orders = True
        if self.needs_order:
            field = self.fields["order"]
            field.queryset = selectors.orders_covering_asset(asset=asset, order_type=self.needs_order)
            field.required = True
            field.help_text = _("Orders of type “%(type)s” of this case that cover this asset.") % {
                "type": OrderType(self.needs_order).label}
            self.has_orders = field.queryset.exists()
            field.empty_label = None if self.has_orders else _("No such order recorded yet")
        elif FOUR_EYES_TRANSITIONS.get(transition):
            # Optional: the court's order stands in for the second approver (custody_end_request).
            order_type = FOUR_EYES_TRANSITIONS[transition]
            field = self.fields["order"]
            field.queryset = selectors.orders_covering_asset(asset=asset, order_type=order_type)
            field.empty_label = _("None: another approver must approve")
            field.help_text = _("Cite the court's order (“%(type)s”) to take the step now; without it, the request "
                                "waits for a second approver.") % {"type": OrderType(order_type).label}
        else:
            del self.fields["order"]
        if transition == "dispose":
            allowed = category_rule(asset.category).dispositions
            field = self.fields["disposition"]
            field.required = True
            field.choices = [(value, label) for value, label in field.choices if value in allowed]
        else:
            del self.fields["disposition"]
        self.fields["reason"].required = self.needs_reason


def transition_form(transition: str) -> type[TransitionForm]:
    """The form of one transition of the asset life cycle."""
    name = "".join(part.title() for part in transition.split("_")) + "Form"
    return type(name, (TransitionForm,), {"transition": transition, "__module__": __name__})


PHYSICAL_EVENTS = [
    (CustodyEventKind.RECEIVED, CustodyEventKind.RECEIVED.label),
    (CustodyEventKind.MOVED, CustodyEventKind.MOVED.label),
    (CustodyEventKind.INSPECTED, CustodyEventKind.INSPECTED.label),
    (CustodyEventKind.CONDITION_REPORT, CustodyEventKind.CONDITION_REPORT.label),
    (CustodyEventKind.HANDED_OVER, CustodyEventKind.HANDED_OVER.label),
]


class CustodyEndDecisionForm(ActionForm):
    """Approve (note optional) or refuse (reason required) the request awaiting a second approver."""

    reason = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             help_text=_("Recorded with the decision, for the audit trail."))


class CustodyEndRefusalForm(CustodyEndDecisionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Recorded with the decision, for the audit trail."))


class CustodyEventForm(ActionForm):
    expected_status = None  # a physical event does not depend on the life-cycle status
    kind = forms.ChoiceField(label=_("Event"), choices=PHYSICAL_EVENTS)
    location = forms.ModelChoiceField(
        label=_("Storage location"), queryset=StorageLocation.objects.none(), required=False,
        help_text=_("Where the asset now is (received, moved)."),
    )
    handed_to = forms.CharField(label=_("Handed over to"), max_length=255, required=False)
    condition = forms.CharField(label=_("Condition"), max_length=64, required=False)
    reason = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = StorageLocation.objects.filter(active=True).order_by("name")


class PhotoUploadForm(ActionForm):
    expected_status = None
    image = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG or WebP. Metadata (EXIF, GPS) is removed."))
    caption = forms.CharField(label=_("Caption"), max_length=255, required=False)

    def clean_image(self):
        upload = self.cleaned_data["image"]
        open_checked_image(upload)  # type by content, size, pixels, decompression bombs
        upload.seek(0)
        return upload


IDENTIFIER_ROWS = 3


class AssetRegisterForm(forms.ModelForm):
    """Registration: the asset's particulars and up to three identifiers (VIN, IBAN ...), which
    services.asset_register records with it."""

    identifier_rows = IDENTIFIER_ROWS

    class Meta:
        model = Asset
        fields = ["case", "category", "title", "description", "quantity", "unit", "location", "custodian",
                  "perishable", "declared_value", "currency", "public_area"]
        field_classes = {"declared_value": AmountField, "quantity": NumberField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.exclude(status=CaseStatus.CLOSED).order_by("reference")
        self.fields["location"].queryset = StorageLocation.objects.filter(active=True).order_by("name")
        self.fields["custodian"].queryset = selectors.custodians()
        self.fields["custodian"].label_from_instance = lambda u: u.get_full_name() or u.username
        for i in range(1, self.identifier_rows + 1):
            self.fields[f"identifier_{i}_scheme"] = forms.ChoiceField(
                label=_("Identifier %(n)d") % {"n": i}, required=False,
                choices=[("", "—"), *AssetIdentifier.Scheme.choices])
            self.fields[f"identifier_{i}_value"] = forms.CharField(
                label=_("Value"), max_length=128, required=False)

    def clean(self):
        data = super().clean()
        identifiers = []
        for i in range(1, self.identifier_rows + 1):
            scheme, value = data.get(f"identifier_{i}_scheme"), (data.get(f"identifier_{i}_value") or "").strip()
            if scheme and not value:
                self.add_error(f"identifier_{i}_value", _("Give the identifier's value."))
            elif value and not scheme:
                self.add_error(f"identifier_{i}_scheme", _("Say what kind of identifier this is."))
            elif scheme and value:
                try:
                    identifiers.append((scheme, identifier_clean(scheme, value)))
                except forms.ValidationError as exc:
                    self.add_error(f"identifier_{i}_value", exc)
        data["identifiers"] = identifiers
        return data

    def service_kwargs(self) -> dict:
        """The arguments of services.asset_register."""
        return {name: self.cleaned_data[name] for name in [*self.Meta.fields, "identifiers"]}


class CourtOrderForm(ActionForm):
    """A court order of a case (`instance`), or of an asset's case (`instance` an asset, then
    covering that asset unless unticked)."""

    expected_status = None
    order_type = forms.ChoiceField(label=_("Type"), choices=OrderType.choices)
    reference = forms.CharField(label=_("Order reference"), max_length=128)
    issued_on = forms.DateField(label=_("Date issued"), widget=forms.DateInput(attrs={"type": "date"}))
    issuing_court = forms.CharField(label=_("Issuing court"), max_length=255)
    assets = forms.ModelMultipleChoiceField(label=_("Assets covered"), queryset=Asset.objects.none(),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    document = forms.FileField(label=_("Document"), required=False, validators=[validate_document],
                               help_text=_("The signed order as PDF (or a scan as PNG/JPEG)."))
    publishable = forms.BooleanField(label=_("May be published"), required=False,
                                     help_text=_("Only orders marked publishable ever appear on public pages."))
    recipient_state = CountryField(blank=True, blank_label="—").formfield(
        label=_("Recipient state"), help_text=_("For a return order: the state the asset goes to."),
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, instance: Case | Asset, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.case = instance.case if isinstance(instance, Asset) else instance
        self.fields["issuing_court"].initial = self.case.court
        if isinstance(instance, Asset):
            self.fields["assets"].initial = [instance.pk]
        self.fields["assets"].queryset = Asset.objects.filter(case=self.case).order_by("reference")
        self.fields["assets"].label_from_instance = lambda a: f"{a.reference} — {a.title}"

    def clean(self):
        data = super().clean()
        if data.get("order_type") == OrderType.RETURN and not data.get("recipient_state"):
            self.add_error("recipient_state", _("A return order must name the recipient state."))
        return data


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["reference", "title", "court", "jurisdiction", "legal_basis", "offence_type", "country_of_origin",
                  "requesting_state", "status", "expected_decision_date", "notes"]
        widgets = {"expected_decision_date": forms.DateInput(attrs={"type": "date"}),
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].choices = LegalBasis.choices
        self.fields["offence_type"].choices = OffenceType.choices


class LockedFieldsMixin:
    """An edit form whose fields the service will not change now (`locked_fields(instance)` gives
    them, each with why) are shown disabled with the reason beside them; a crafted POST that
    changes one anyway gets that reason as the field's error (and the service refuses it too).
    Adds the reason for the change, recorded with it in the record's history."""

    def locked_fields(self, instance) -> dict[str, str]:
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = self.locked_fields(self.instance)
        for name, field in self.fields.items():
            why = self.locked.get("identifiers" if name.startswith("identifier_") else name)
            if why:
                field.disabled = True
                field.help_text = why
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Recorded with the change in the history."))

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if not field.disabled or (key not in self.data and key not in self.files):
                continue  # a browser does not send a disabled field
            posted = field.widget.value_from_datadict(self.data, self.files, key)
            field.disabled = False
            try:
                changed = field.has_changed(self.get_initial_for_field(field, name), posted)
            finally:
                field.disabled = True
            if changed:
                self.add_error(name, field.help_text)
        return data


class CaseEditForm(LockedFieldsMixin, CaseForm):
    """A case's particulars after it was opened: all but its reference (services.case_update)."""

    class Meta(CaseForm.Meta):
        fields = list(CASE_EDITABLE_FIELDS)

    def locked_fields(self, instance) -> dict[str, str]:
        return case_locked_fields(case=instance)


class AssetEditForm(LockedFieldsMixin, AssetRegisterForm):
    """An asset's particulars and identifiers (services.asset_update). Its case and location are
    shown, not changed: a move is a custody event."""

    class Meta(AssetRegisterForm.Meta):
        fields = ["case", "location", *ASSET_EDITABLE_FIELDS]

    def __init__(self, *args, instance: Asset, **kwargs):
        self.current_identifiers = list(instance.identifiers.order_by("id").values_list("scheme", "value"))
        self.identifier_rows = max(IDENTIFIER_ROWS, len(self.current_identifiers) + 1)
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["case"].queryset = Case.objects.filter(pk=instance.case_id)
        self.fields["location"].queryset = StorageLocation.objects.all()
        if instance.custodian_id:  # still shown (and kept) if they no longer hold the custodian role
            custodian = self.fields["custodian"]
            custodian.queryset = custodian.queryset.model.objects.filter(
                Q(pk__in=selectors.custodians().values("pk")) | Q(pk=instance.custodian_id))
        for name, why in (("case", _("An asset stays in the case it was registered in.")),
                          ("location", _("Record a custody event (received, moved) to change where it is."))):
            self.fields[name].disabled, self.fields[name].required, self.fields[name].help_text = True, False, why
        for i, (scheme, value) in enumerate(self.current_identifiers, start=1):
            self.initial[f"identifier_{i}_scheme"], self.initial[f"identifier_{i}_value"] = scheme, value

    def locked_fields(self, instance) -> dict[str, str]:
        return asset_locked_fields(asset=instance)

    def service_kwargs(self) -> dict:
        """The arguments of services.asset_update (identifiers left out while they are locked)."""
        kwargs = {name: self.cleaned_data[name] for name in ASSET_EDITABLE_FIELDS if name not in self.locked}
        if "identifiers" not in self.locked:
            kwargs["identifiers"] = self.cleaned_data["identifiers"]
        return {**kwargs, "reason": self.cleaned_data["reason"]}


class CourtOrderEditForm(LockedFieldsMixin, forms.ModelForm):
    """A court order's particulars and the assets it covers (services.court_order_update)."""

    class Meta:
        model = CourtOrder
        fields = list(ORDER_EDITABLE_FIELDS)
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}), "assets": forms.CheckboxSelectMultiple,
                   "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assets"].queryset = Asset.objects.filter(case_id=self.instance.case_id).order_by("reference")
        self.fields["assets"].label_from_instance = lambda a: f"{a.reference} — {a.title}"
        if "document" in self.fields and not self.fields["document"].disabled:
            self.fields["document"].help_text = _("The signed order as PDF (or a scan as PNG/JPEG).")

    def locked_fields(self, instance) -> dict[str, str]:
        return court_order_locked_fields(order=instance)

    def clean(self):
        data = super().clean()
        if data.get("order_type") == OrderType.RETURN and not data.get("recipient_state"):
            self.add_error("recipient_state", _("A return order must name the recipient state."))
        return data

    def service_kwargs(self) -> dict:
        """The arguments of services.court_order_update (a document only when one was uploaded)."""
        kwargs = {name: self.cleaned_data.get(name) for name in ORDER_EDITABLE_FIELDS if name not in self.locked}
        if not self.files.get(self.add_prefix("document")):
            kwargs.pop("document", None)
        return {**kwargs, "reason": self.cleaned_data["reason"]}


PARTY_FIELDS = ["role", "name", "identity_number", "identity_country", "date_of_birth", "address", "email",
                "claim_description", "claim_amount", "claim_currency"]


class PartyForm(ActionForm):
    """A party of a case (`instance`): the Party model's own fields and validators."""

    expected_status = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Party, fields=PARTY_FIELDS, field_classes={
            "claim_amount": AmountField}, widgets={
            "date_of_birth": forms.DateInput(attrs={"type": "date"}), "address": forms.Textarea(attrs={"rows": 2}),
            "claim_description": forms.Textarea(attrs={"rows": 3})}))

    def clean(self):
        data = super().clean()
        if data.get("claim_amount") is not None and not data.get("claim_currency"):
            self.add_error("claim_currency", _("Give the currency of the claimed amount."))
        return data
