"""Forms of the staff UI. They parse and validate input; the custody services decide."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from . import selectors
from .models import (
    ORDER_REQUIRED,
    Asset,
    AssetCategory,
    AssetIdentifier,
    AssetStatus,
    Case,
    CaseStatus,
    CustodyEventKind,
    DispositionMethod,
    LegalBasis,
    OffenceType,
    OrderType,
    Party,
    StorageLocation,
)
from .services import REASON_REQUIRED, TRANSITION_LABELS
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
        }
        if case.isdigit():
            kwargs["case_id"] = int(case)
        elif case:
            kwargs["case_reference"] = case
        return kwargs


class TransitionForm(forms.Form):
    """One move of the life cycle: reason, the court order it cites, disposition. Carries the status
    the user saw, so a concurrent change is reported as a conflict rather than applied blindly."""

    expected_status = forms.CharField(widget=forms.HiddenInput)
    order = forms.ModelChoiceField(label=_("Court order"), queryset=None, required=False)
    disposition = forms.ChoiceField(
        label=_("Disposition"), required=False,
        choices=[(DispositionMethod.SOCIAL_REUSE, DispositionMethod.SOCIAL_REUSE.label),
                 (DispositionMethod.PUBLIC_USE, DispositionMethod.PUBLIC_USE.label)],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, asset: Asset, transition: str, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("expected_status", asset.status)
        super().__init__(*args, **kwargs)
        self.asset, self.transition = asset, transition
        self.label = TRANSITION_LABELS.get(transition, transition)
        self.needs_order = ORDER_REQUIRED.get(transition)
        self.needs_reason = transition in REASON_REQUIRED
        if self.needs_order:
            field = self.fields["order"]
            field.queryset = selectors.orders_covering_asset(asset=asset, order_type=self.needs_order)
            field.required = True
            field.help_text = _("Orders of type “%(type)s” of this case that cover this asset.") % {
                "type": OrderType(self.needs_order).label}
            self.has_orders = field.queryset.exists()
            field.empty_label = None if self.has_orders else _("No such order recorded yet")
        else:
            del self.fields["order"]
        if transition == "dispose":
            self.fields["disposition"].required = True
        else:
            del self.fields["disposition"]
        self.fields["reason"].required = self.needs_reason


PHYSICAL_EVENTS = [
    (CustodyEventKind.RECEIVED, CustodyEventKind.RECEIVED.label),
    (CustodyEventKind.MOVED, CustodyEventKind.MOVED.label),
    (CustodyEventKind.INSPECTED, CustodyEventKind.INSPECTED.label),
    (CustodyEventKind.CONDITION_REPORT, CustodyEventKind.CONDITION_REPORT.label),
    (CustodyEventKind.HANDED_OVER, CustodyEventKind.HANDED_OVER.label),
]


class CustodyEventForm(forms.Form):
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


class PhotoUploadForm(forms.Form):
    image = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG or WebP. Metadata (EXIF, GPS) is removed."))
    caption = forms.CharField(label=_("Caption"), max_length=255, required=False)

    def clean_image(self):
        upload = self.cleaned_data["image"]
        open_checked_image(upload)  # type by content, size, pixels, decompression bombs
        upload.seek(0)
        return upload


IDENTIFIER_ROWS = 3


class AssetRegisterForm(forms.Form):
    case = forms.ModelChoiceField(label=_("Case"), queryset=Case.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=AssetCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3, min_value=Decimal("0.001"),
                                  initial=1)
    unit = forms.CharField(label=_("Unit"), max_length=16, initial="item")
    location = forms.ModelChoiceField(label=_("Storage location"), queryset=StorageLocation.objects.none(),
                                      required=False)
    custodian = forms.ModelChoiceField(label=_("Custodian"), queryset=None, required=False)
    perishable = forms.BooleanField(label=_("Perishable"), required=False)
    declared_value = forms.DecimalField(label=_("Declared value"), max_digits=16, decimal_places=2, min_value=0,
                                        required=False)
    currency = forms.RegexField(label=_("Currency"), regex=r"^[A-Z]{3}$", max_length=3,
                                error_messages={"invalid": _("Use a three-letter ISO 4217 currency code.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["case"].queryset = Case.objects.exclude(status=CaseStatus.CLOSED).order_by("reference")
        self.fields["location"].queryset = StorageLocation.objects.filter(active=True).order_by("name")
        self.fields["custodian"].queryset = selectors.custodians()
        self.fields["custodian"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["currency"].initial = settings.DEFAULT_CURRENCY
        for i in range(1, IDENTIFIER_ROWS + 1):
            self.fields[f"identifier_{i}_scheme"] = forms.ChoiceField(
                label=_("Identifier %(n)d") % {"n": i}, required=False,
                choices=[("", "—"), *AssetIdentifier.Scheme.choices])
            self.fields[f"identifier_{i}_value"] = forms.CharField(
                label=_("Value"), max_length=128, required=False)

    def identifier_rows(self) -> list[tuple]:
        return [(self[f"identifier_{i}_scheme"], self[f"identifier_{i}_value"]) for i in range(1, IDENTIFIER_ROWS + 1)]

    def clean(self):
        data = super().clean()
        identifiers = []
        for i in range(1, IDENTIFIER_ROWS + 1):
            scheme, value = data.get(f"identifier_{i}_scheme"), (data.get(f"identifier_{i}_value") or "").strip()
            if scheme and not value:
                self.add_error(f"identifier_{i}_value", _("Give the identifier's value."))
            elif value and not scheme:
                self.add_error(f"identifier_{i}_scheme", _("Say what kind of identifier this is."))
            elif scheme and value:
                identifiers.append((scheme, value))
        data["identifiers"] = identifiers
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "case": d["case"], "category": d["category"], "title": d["title"], "identifiers": d["identifiers"],
            "description": d["description"], "quantity": d["quantity"], "unit": d["unit"],
            "location": d["location"], "custodian": d["custodian"], "perishable": d["perishable"],
            "declared_value": d["declared_value"], "currency": d["currency"],
        }


class CourtOrderForm(forms.Form):
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
    recipient_state = forms.RegexField(
        label=_("Recipient state"), regex=r"^[A-Z]{2}$", max_length=2, required=False,
        help_text=_("For a return order: the two-letter code of the state the asset goes to."),
        error_messages={"invalid": _("Use a two-letter ISO 3166 country code.")},
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["assets"].queryset = Asset.objects.filter(case=case).order_by("reference")
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


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = ["role", "name", "identity_number", "date_of_birth", "address", "email", "claim_description",
                  "claim_amount", "claim_currency"]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"}),
                   "address": forms.Textarea(attrs={"rows": 2}),
                   "claim_description": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("claim_amount") is not None and not data.get("claim_currency"):
            self.add_error("claim_currency", _("Give the currency of the claimed amount."))
        return data


def apply_validation_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
