"""Forms of the public auction site and of the staff screens. They parse and check input; the
rules themselves live in `auctions.services`."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm, UsernameField
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.formfields import PhoneNumberField

from common.admin.actions import ActionForm
from common.dates import validate_past_date
from common.forms import AmountField, NumberField
from common.money import currency_places, format_money, read_as
from custody.models import Asset, AssetCategory, AssetStatus, Case, categories_where, category_rule
from custody.validators import validate_document

from .models import Auction, AuctionStatus, BidderProfile, IdentityDocumentType, IncrementTable, LotStatus
from .search import MAX_QUERY

# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    """The catalogue's query string. Invalid values are reported beside their field and not applied,
    never a 500. The category and location menus offer only what open lots have (`categories`,
    `locations`: (value, label) pairs from selectors.catalogue_options)."""

    SORTS = [
        ("relevance", _("Best match")),
        ("ending", _("Ending soon")),
        ("newest", _("Newest")),
        ("price_asc", _("Price: low to high")),
        ("price_desc", _("Price: high to low")),
    ]

    q = forms.CharField(
        label=_("Search"), required=False, max_length=MAX_QUERY,
        error_messages={"max_length": _("Search with at most %(limit_value)d characters (this text has "
                                        "%(show_value)d).")},
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Car, watch, flat…")}))
    category = forms.ChoiceField(label=_("Category"), required=False)
    location = forms.ChoiceField(label=_("Location"), required=False)
    min_price = AmountField(label=_("Price from"), required=False)
    max_price = AmountField(label=_("Price to"), required=False)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORTS)

    def __init__(self, *args, categories: list[tuple[str, str]] = (), locations: list[tuple[str, str]] = (),
                 **kwargs):
        super().__init__(*args, **kwargs)
        categories = list(categories)
        # A category that may be auctioned but no open lot has now (an old link) is still a valid choice:
        # it finds nothing.
        asked = self.data.get("category", "") if self.is_bound else ""
        if asked in AssetCategory.values and category_rule(asked).auctioned and asked not in dict(categories):
            categories.append((asked, AssetCategory(asked).label))
        self.fields["category"].choices = [("", _("All categories"))] + categories
        self.fields["location"].choices = [("", _("All locations"))] + list(locations)

    def clean_q(self):
        return " ".join((self.cleaned_data.get("q") or "").split())

    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", _("“Price to” is lower than “Price from”: the price range is not applied."))
            self.add_error("min_price", _("“Price from” is higher than “Price to”."))
        return data

    def filters(self) -> dict:
        """The valid filters only (so a bad price does not hide all other filters)."""
        data = getattr(self, "cleaned_data", {}) or {}
        errors = self.errors
        return {name: data.get(name) for name in ("q", "category", "location", "min_price", "max_price", "sort")
                if name not in errors}


# --------------------------------------------------------------------------------------------
# Bidding
# --------------------------------------------------------------------------------------------


class BidForm(forms.Form):
    """A bidder's maximum on a lot, typed in the page's language (`common.money.parse_amount`).

    A maximum far above the current price (more than AUCTIONS_CONFIRM_MAX_MULTIPLE times it) is a
    typing slip more often than an intent: it is taken only with `confirm_amount` ticked, whose value
    is that very amount ("Yes, I mean 1,000,000,000.00 EUR"), so a box ticked for one amount never
    confirms another."""

    max_amount = AmountField(
        label=_("Your maximum bid"),
        help_text=_("We bid for you, one increment at a time, up to this amount."))
    confirm_amount = forms.CharField(required=False, max_length=24, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, lot, **kwargs):
        super().__init__(*args, **kwargs)
        self.lot = lot
        self.fields["max_amount"].currency = lot.currency
        self.fields["max_amount"].decimal_places = currency_places(lot.currency)  # 0 for JPY
        self.to_confirm: Decimal | None = None  # the amount the bidder is asked to confirm

    def clean(self):
        data = super().clean()
        amount = data.get("max_amount")
        multiple = settings.AUCTIONS_CONFIRM_MAX_MULTIPLE
        price = self.lot.current_price or self.lot.starting_price
        if amount is not None and multiple > 0 and amount > price * multiple \
                and data.get("confirm_amount") != f"{amount:.2f}":
            self.to_confirm = amount
            self.add_error("max_amount", _(
                "%(read)s: more than %(n)s times the current price of %(price)s. If you mean it, tick the box "
                "and place the bid again.") % {"read": read_as(amount, self.lot.currency), "n": multiple,
                                               "price": format_money(price, self.lot.currency)})
        return data

    @property
    def confirm_label(self) -> str:
        return _("Yes, I mean %(amount)s") % {"amount": format_money(self.to_confirm, self.lot.currency)}


class TermsForm(forms.Form):
    accept = forms.BooleanField(label=_("I have read and accept the terms and conditions of this auction."))


class DepositForm(forms.Form):
    TEST_CARDS = [
        ("pm_card_visa", _("Test card: Visa, accepted")),
        ("pm_card_chargeCustomerFail", _("Test card: Visa, declined")),
    ]
    payment_method = forms.ChoiceField(label=_("Card"), choices=TEST_CARDS)
    confirm = forms.BooleanField(label=_("I authorise a hold of this amount on my card."))


# --------------------------------------------------------------------------------------------
# Bidder accounts
# --------------------------------------------------------------------------------------------


class ProfileFieldsMixin(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=255,
                                 help_text=_("As it appears on your identity document."))
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 3}))
    country = CountryField(blank_label="—").formfield(
        label=_("Country of residence"), required=True,
        error_messages={"invalid_choice": _("Choose a country from the list."),
                        "required": _("Choose your country of residence.")})
    phone = PhoneNumberField(
        label=_("Phone"), widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("With the country prefix (+33 …) unless it is a Belgian number."),
        error_messages={"invalid": _("Enter a phone number, e.g. +32 2 555 12 12.")})
    date_of_birth = forms.DateField(label=_("Date of birth"), validators=[validate_past_date],
                                    help_text=_("Bidders must be adults."),
                                    widget=forms.DateInput(attrs={"type": "date"}))
    id_document_type = forms.ChoiceField(label=_("Identity document"), choices=IdentityDocumentType.choices)
    id_document_number = forms.CharField(label=_("Document number"), max_length=64)
    id_document_file = forms.FileField(
        label=_("Copy of the identity document"), required=False,
        help_text=_("PDF, JPEG or PNG, at most 20 MB. Only the agency's auction staff can see it."),
        validators=[validate_document],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))

    PROFILE_FIELDS = ("legal_name", "address", "country", "phone", "date_of_birth", "id_document_type",
                      "id_document_number")

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PROFILE_FIELDS}


class SignUpForm(ProfileFieldsMixin, forms.Form):
    username = UsernameField(label=_("Username"), max_length=150,
                             help_text=_("Letters, digits and @/./+/-/_ only."))
    email = forms.EmailField(label=_("E-mail address"))
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    consent = forms.BooleanField(
        label=_("I accept the terms of sale and the privacy notice."),
        error_messages={"required": _("Accept the terms of sale and the privacy notice to register.")})
    field_order = ["username", "email", "password1", "password2"]

    def clean_username(self):
        # A taken user name is said: people choose it and sign in with it, so they must pick another
        # (and it is not personal data the way an address is). A taken e-mail address is not said
        # (bidders.bidder_sign_up answers it as any sign-up and tells the address's owner).
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken."))
        return username

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(p1, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class BidderPasswordResetForm(PasswordResetForm):
    """Django's reset form, for bidders only: staff reset their password in the staff admin."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if not user.is_staff)


class _CurrentPasswordMixin:
    """A form that the signed-in `user` confirms with their current password (its `password` field)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data.get("password") or ""
        if not self.user.check_password(password):
            raise ValidationError(_("This is not your password."))
        return password


class EmailChangeForm(_CurrentPasswordMixin, forms.Form):
    new_email = forms.EmailField(label=_("New e-mail address"))
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               help_text=_("So that nobody else can change it from a computer you left signed in."))



class EraseAccountForm(_CurrentPasswordMixin, forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(label=_("I understand that my account is closed and cannot be restored."),
                                 error_messages={"required": _("Tick the box to confirm.")})



class ProfileForm(ProfileFieldsMixin, forms.Form):
    @classmethod
    def for_profile(cls, profile: BidderProfile, data=None, files=None) -> ProfileForm:
        initial = {name: getattr(profile, name) for name in cls.PROFILE_FIELDS}
        return cls(data=data, files=files, initial=initial)


# --------------------------------------------------------------------------------------------
# Staff forms
# --------------------------------------------------------------------------------------------


def _time_zone_choices():
    return [(tz, tz) for tz in sorted(available_timezones()) if "/" in tz or tz == "UTC"]


class AuctionForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)

    class Meta:
        model = Auction
        fields = ["title", "slug", "description", "terms", "opens_at", "closes_at", "time_zone", "currency",
                  "buyers_premium_percent", "deposit_rule", "deposit_amount", "deposit_percent", "pickup_info",
                  "viewing_info", "soft_close_minutes", "soft_close_cap_minutes", "stagger_seconds"]
        field_classes = {"deposit_amount": AmountField, "buyers_premium_percent": NumberField,
                         "deposit_percent": NumberField}
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "terms": forms.Textarea(attrs={"rows": 6}),
            "pickup_info": forms.Textarea(attrs={"rows": 3}),
            "viewing_info": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The auction must close after it opens."))
        rule = data.get("deposit_rule")
        if rule == "fixed" and not data.get("deposit_amount"):
            self.add_error("deposit_amount", _("Give the amount of the fixed deposit."))
        if rule == "percent" and not data.get("deposit_percent"):
            self.add_error("deposit_percent", _("Give the deposit percentage."))
        soft, cap = data.get("soft_close_minutes"), data.get("soft_close_cap_minutes")
        if soft is not None and cap is not None and cap < soft:
            self.add_error("soft_close_cap_minutes", _("The cap must be at least the soft-close period."))
        return data


class AssetChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Asset) -> str:
        return f"{obj.reference} — {obj.title}"


def for_sale_assets():
    """The asset chooser: assets for sale that no live lot holds."""
    from .models import LotAsset

    busy = LotAsset.objects.exclude(lot__status__in=[LotStatus.UNSOLD, LotStatus.CANCELLED]).values("asset_id")
    return (Asset.objects.filter(status=AssetStatus.FOR_SALE, category__in=categories_where(lambda r: r.auctioned))
            .exclude(pk__in=busy)
            .only("id", "reference", "title").order_by("reference"))


class LotForm(forms.Form):
    """A new lot: a draft auction, the assets for sale it holds, and its prices (auctions.lot_create)."""

    auction = forms.ModelChoiceField(label=_("Auction (drafts only)"), queryset=Auction.objects.none())
    assets = AssetChoiceField(
        label=_("Assets for sale"), queryset=Asset.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Only assets in the status “for sale” that are in no other lot are offered. The lot's photos "
                    "are the assets' photos."))
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    starting_price = AmountField(label=_("Starting price"))
    reserve_price = AmountField(label=_("Reserve price (hidden)"), required=False,
                               help_text=_("Never shown to bidders. Below it the lot is not sold."))
    increment_table = forms.ModelChoiceField(label=_("Increment table"), queryset=IncrementTable.objects.all(),
                                             required=False, empty_label=_("The default table"))

    def __init__(self, *args, instance=None, auctions=None, assets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["auction"].queryset = (auctions if auctions is not None else
                                           Auction.objects.filter(status=AuctionStatus.DRAFT).order_by("-opens_at"))
        self.fields["assets"].queryset = assets if assets is not None else for_sale_assets()

    def clean(self):
        data = super().clean()
        start, reserve = data.get("starting_price"), data.get("reserve_price")
        if start is not None and reserve is not None and reserve < start:
            self.add_error("reserve_price", _("The reserve cannot be below the starting price."))
        return data


class IncrementTierForm(forms.Form):
    up_to = AmountField(label=_("Price below"), required=False,
                       help_text=_("Leave empty for the top tier."))
    increment = AmountField(label=_("Increment"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("up_to") is not None and data.get("increment") is None:
            self.add_error("increment", _("Give the increment for this tier."))
        return data


IncrementTierFormSet = forms.formset_factory(IncrementTierForm, extra=3, max_num=20, validate_max=True)

STARTER_TIERS = [{"up_to": Decimal("500.00"), "increment": Decimal("10.00")},
                 {"up_to": Decimal("1000.00"), "increment": Decimal("25.00")},
                 {"up_to": None, "increment": Decimal("50.00")}]


class IncrementTableForm(forms.Form):
    """An increment table and its tiers (the formset `tiers`), for auctions.increment_table_save."""

    name = forms.CharField(label=_("Name"), max_length=100)
    is_default = forms.BooleanField(label=_("Default table for new lots"), required=False)

    def __init__(self, data=None, *args, instance: IncrementTable | None = None, **kwargs):
        self.instance = instance
        if instance is not None and instance.pk:
            kwargs["initial"] = {"name": instance.name, "is_default": instance.is_default,
                                 **(kwargs.get("initial") or {})}
            tiers = [{"up_to": t.up_to, "increment": t.increment} for t in instance.tiers.all()]
        else:
            tiers = STARTER_TIERS
        super().__init__(data, *args, **kwargs)
        self.tiers = IncrementTierFormSet(data, prefix="tiers", initial=None if data is not None else tiers)

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.tiers.is_valid()])

    def cleaned_tiers(self) -> list[tuple[Decimal | None, Decimal]]:
        """The rows that give an increment (an empty row is dropped)."""
        return [(f.cleaned_data.get("up_to"), f.cleaned_data.get("increment")) for f in self.tiers
                if f.cleaned_data and f.cleaned_data.get("increment") is not None]


class ScreeningEntryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    identity_number = forms.CharField(label=_("Identity number"), max_length=64, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    case = forms.ModelChoiceField(label=_("Case"), queryset=Case.objects.only("id", "reference", "title"),
                                  required=False, empty_label=_("All lots (no specific case)"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance

    def clean(self):
        data = super().clean()
        if not (data.get("identity_number") or "").strip() and not data.get("date_of_birth"):
            raise ValidationError(_("Give an identity number or a date of birth, so that the person can be matched."))
        return data


class RejectBidderForm(ActionForm):
    reason = forms.CharField(label=_("Reason (sent to the bidder)"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class CancelForm(ActionForm):
    reason = forms.CharField(label=_("Reason (kept in the log)"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)
