from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from custody.models import CourtOrder, OrderType, Party, PartyRole

from .models import AppraisalMethod, DepreciationProfile, NotificationMeans


class AppraisalForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=AppraisalMethod.choices)
    amount = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2, min_value=0)
    currency = forms.RegexField(label=_("Currency"), regex=r"^[A-Z]{3}$", max_length=3)
    value_date = forms.DateField(label=_("Value as of"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence = forms.FileField(label=_("Evidence (PDF, PNG or JPEG)"))
    evidence_description = forms.CharField(label=_("What the evidence is"), max_length=255, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DepreciationProfileForm(forms.ModelForm):
    class Meta:
        model = DepreciationProfile
        fields = ["yearly_rate_percent", "shelf_life_days", "daily_upkeep", "currency", "notes"]


class NotificationForm(forms.Form):
    party = forms.ModelChoiceField(label=_("Party notified"), queryset=Party.objects.none(), required=False,
                                   help_text=_("Leave empty for a public notice to unknown owners."))
    means = forms.ChoiceField(label=_("Means"), choices=NotificationMeans.choices)
    notified_on = forms.DateField(label=_("Notified on"), initial=timezone.localdate,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), max_length=255, required=False)

    def __init__(self, *args, asset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(
            case_id=asset.case_id, role__in=[PartyRole.OWNER, PartyRole.THIRD_PARTY]).order_by("role", "name")


class AuthoriseForm(forms.Form):
    order = forms.ModelChoiceField(label=_("Court's early-sale authorisation"), queryset=CourtOrder.objects.none())

    def __init__(self, *args, asset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = CourtOrder.objects.filter(case_id=asset.case_id,
                                                                  order_type=OrderType.EARLY_SALE, assets=asset)


class DirectSaleForm(forms.Form):
    buyer_name = forms.CharField(label=_("Buyer"), max_length=255)
    buyer_contact = forms.CharField(label=_("Buyer's contact details"), widget=forms.Textarea(attrs={"rows": 2}))
    price = forms.DecimalField(label=_("Price"), max_digits=16, decimal_places=2, min_value=0)
    currency = forms.RegexField(label=_("Currency"), regex=r"^[A-Z]{3}$", max_length=3)
    justification = forms.CharField(label=_("Why this cannot wait for an auction"),
                                    widget=forms.Textarea(attrs={"rows": 3}))
