"""Forms of valuation's staff screens. They parse and validate input; the services decide and save."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from common.admin.actions import ActionForm
from common.forms import AmountField
from custody import selectors as custody_selectors
from custody.models import Asset, OrderType, Party
from custody.validators import validate_document

from . import selectors
from .models import Appraisal, DepreciationProfile, DirectSale, EarlySaleReason, NotificationMeans


class AssetReferenceField(forms.ModelChoiceField):
    """An asset named by its reference, typed (a register holds far too many for a list)."""

    default_error_messages = {"invalid_choice": _("No asset has this reference.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Asset reference"))
        super().__init__(queryset=Asset.objects.all(), to_field_name="reference", widget=forms.TextInput,
                         **kwargs)


# --------------------------------------------------------------------------------------------
# Create and edit forms (saved by the services, never by the form)
# --------------------------------------------------------------------------------------------


class AppraisalForm(WagtailAdminModelForm):
    asset = AssetReferenceField()
    evidence = forms.FileField(label=_("Evidence (PDF, PNG or JPEG)"), validators=[validate_document])
    evidence_description = forms.CharField(label=_("What the evidence is"), max_length=255, required=False)

    class Meta:
        model = Appraisal
        fields = ["asset", "method", "amount", "currency", "value_date", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value_date"].initial = timezone.localdate


class DepreciationProfileForm(WagtailAdminModelForm):
    class Meta:
        model = DepreciationProfile
        fields = ["category", "yearly_rate_percent", "shelf_life_days", "daily_upkeep", "currency", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # a profile belongs to its category for good
            self.fields["category"].disabled = True
        else:  # one profile per category
            have = set(DepreciationProfile.objects.values_list("category", flat=True))
            self.fields["category"].choices = [c for c in self.fields["category"].choices if c[0] not in have]


class DirectSaleForm(WagtailAdminModelForm):
    asset = AssetReferenceField()
    price = AmountField(label=_("Price"), max_digits=16, decimal_places=2)

    class Meta:
        model = DirectSale
        fields = ["asset", "buyer_name", "buyer_contact", "price", "currency", "justification"]
        widgets = {"buyer_contact": forms.Textarea(attrs={"rows": 2}),
                   "justification": forms.Textarea(attrs={"rows": 3})}


# --------------------------------------------------------------------------------------------
# Action forms (common.admin.actions): each carries the status the user saw
# --------------------------------------------------------------------------------------------


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class EarlySaleRequestForm(ActionForm):
    reason = forms.ChoiceField(label=_("Ground"), choices=EarlySaleReason.choices)
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the asset should be sold before the final decision (the court will read this)."))


class NotificationForm(ActionForm):
    party = forms.ModelChoiceField(label=_("Party notified"), queryset=Party.objects.none(), required=False,
                                   help_text=_("Leave empty for a public notice to unknown owners."))
    means = forms.ChoiceField(label=_("Means"), choices=NotificationMeans.choices)
    notified_on = forms.DateField(label=_("Notified on"), initial=timezone.localdate,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), max_length=255, required=False,
                                help_text=_("Postal tracking number, bailiff's report, e-mail acknowledgement ..."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        due = selectors.early_sale_due_process(self.instance.asset)
        self.fields["party"].queryset = Party.objects.filter(pk__in=[p.pk for p in due.missing]).order_by(
            "role", "name")


class AuthoriseForm(ActionForm):
    order = forms.ModelChoiceField(label=_("Court's early-sale authorisation"), queryset=None,
                                   help_text=_("Record the order on the case page first if it is not listed."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = custody_selectors.orders_covering_asset(
            asset=self.instance.asset, order_type=OrderType.EARLY_SALE)
