"""The "Settlement" menu of the Wagtail admin: awards and invoices, one viewset each on the shared
kit (common.admin).

Who may do what is in disposition/roles.py: auction managers, finance officers and auditors read
both; auction managers decide awards held on a screening hit (release: the invoice is issued; or
refuse), with a reason. Invoices carry the buyer's legal name and address: only roles holding
`view_invoice` see them.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from auctions.models import Auction, AuctionStatus, BidderProfile
from common.admin.actions import Action, ActionForm, RequiredReasonForm
from common.admin.columns import DateTimeColumn, DayColumn, MoneyColumn, StatusColumn, YesNoColumn
from common.admin.responses import refuse_with_403, require_perms
from common.admin.viewsets import RecordViewSet

from . import admin_collection
from .admin_payments import INVOICE_PAYMENT_ACTIONS, PaymentViewSet, invoice_payments_context
from .models import Award, AwardStatus, Invoice
from .selectors import awards_with_lot, invoices_with_lot
from .services import awards, second_chance
from .views import pdf_response


def _held(user, award) -> bool:
    return award.status == AwardStatus.SCREENING_HOLD


AWARD_ACTIONS = [
    Action(name="release", label=_("Release and invoice"), permission="disposition.decide_award",
           call=lambda request, award, data: awards.award_release(
               award_id=award.pk, actor=request.user, reason=data["reason"],
               expected_status=data.get("expected_status")),
           available=_held, form_class=RequiredReasonForm,
           intro=_("The winner matched the screening list or a party of the lot's cases. Release the award if "
                   "they are not the same person, or the match does not bar them: the invoice is issued at once."),
           success=_("Award released: the invoice is issued and the buyer told.")),
    Action(name="refuse", label=_("Refuse the award"), permission="disposition.decide_award",
           call=lambda request, award, data: awards.award_refuse(
               award_id=award.pk, actor=request.user, reason=data["reason"],
               expected_status=data.get("expected_status")),
           available=_held, form_class=RequiredReasonForm, danger=True,
           intro=_("The winner may not buy this lot. No invoice is issued."),
           success=_("Award refused.")),
]


# ---- after a default: a second-chance offer, or relisting -------------------------------------


class RelistForm(ActionForm):
    auction = forms.ModelChoiceField(
        label=_("Auction"), queryset=Auction.objects.none(),
        help_text=_("An auction still being prepared (draft or scheduled). The lot is added to it as a draft."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auction"].queryset = Auction.objects.filter(
            status__in=[AuctionStatus.DRAFT, AuctionStatus.SCHEDULED]).order_by("opens_at", "pk")


def _after_default(user, award) -> bool:
    return second_chance.second_chance_offer_possible(award)


AWARD_ACTIONS += [
    Action(name="second_chance", label=_("Offer to the next bidder"), permission="disposition.decide_award",
           call=lambda request, award, data: second_chance.second_chance_offer_create(
               actor=request.user, award_id=award.pk),
           available=_after_default,
           intro=_("The buyer did not pay. The lot is offered to the bidder with the next-highest maximum, at "
                   "that maximum; they have until the offer's deadline to accept, which issues their invoice."),
           success=_("Offer sent to the next bidder.")),
    Action(name="relist", label=_("Relist"), permission=("disposition.decide_award", "auctions.add_lot"),
           call=lambda request, award, data: second_chance.lot_relist(
               actor=request.user, award_id=award.pk, auction_id=data["auction"].pk),
           available=_after_default, form_class=RelistForm,
           intro=_("The lot is given up and its assets put in a new draft lot of the auction you choose."),
           success=_("Relisted: the new lot is a draft in the chosen auction.")),
]


class AwardViewSet(RecordViewSet):
    model = Award
    name = "disposition_awards"
    url_prefix = "settlement/awards"
    icon = "success"
    menu_label = _("Awards")
    menu_order = 100
    policy_actions = ("view",)
    queryset = staticmethod(awards_with_lot)
    actions = AWARD_ACTIONS
    list_filter = ["status", "screening_hit"]
    search_fields = ["lot__title", "lot__auction__title"]
    list_display = ["__str__", Column("buyer", label=_("Buyer")),
                    StatusColumn(waiting=(AwardStatus.SCREENING_HOLD,)),
                    YesNoColumn("screening_hit", label=_("Screening hit")),
                    MoneyColumn("hammer_price", label=_("Hammer price"), sort_key="hammer_price"),
                    DateTimeColumn("created_at", label=_("Awarded"), sort_key="created_at")]
    inspect_view_fields = ["status", "lot", "buyer", "hammer_price", "currency", "screening_hit", "decided_by",
                           "decided_at", "decision_reason", "created_at"]
    inspect_template_name = "disposition/admin/award_inspect.html"

    def inspect_context(self, request, obj) -> dict:
        invoice = getattr(obj, "invoice", None) if obj.status == AwardStatus.INVOICED else None
        may_see_invoices = request.user.has_perm("disposition.view_invoice")
        profile = BidderProfile.objects.filter(user_id=obj.buyer_id).values_list("pk", flat=True).first()
        return {
            "invoice_url": reverse("disposition_invoices:inspect", args=[invoice.pk])
            if invoice and may_see_invoices else None,
            "bidder_url": reverse("auctions_bidders:inspect", args=[profile])
            if profile and request.user.has_perm("auctions.view_bidderprofile") else None,
        }


def invoice_pdf_staff(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice's PDF for staff who may see invoices."""
    require_perms(request, "disposition.view_invoice")
    return pdf_response(get_object_or_404(invoices_with_lot(), pk=pk))


class InvoiceViewSet(RecordViewSet):
    model = Invoice
    name = "disposition_invoices"
    url_prefix = "settlement/invoices"
    icon = "doc-full"
    menu_label = _("Invoices")
    menu_order = 200
    policy_actions = ("view",)
    queryset = staticmethod(invoices_with_lot)
    actions = [*INVOICE_PAYMENT_ACTIONS]
    list_filter = ["year", "currency"]
    search_fields = ["number", "buyer_name", "award__lot__title", "direct_sale__asset__reference"]
    list_display = ["number", Column("buyer_name", label=_("Buyer")),
                    MoneyColumn("total", label=_("Total"), sort_key="total"),
                    MoneyColumn("amount_due", label=_("Amount due"), sort_key="amount_due"),
                    DateTimeColumn("issued_at", label=_("Issued"), sort_key="issued_at"),
                    DayColumn("due_on", label=_("Payment deadline"), sort_key="due_on")]
    inspect_view_fields = ["number", "award", "direct_sale", "buyer_name", "buyer_address", "hammer_price",
                           "premium_percent",
                           "premium", "tax_percent", "tax", "total", "deposit", "amount_due", "issued_at", "due_on"]
    inspect_template_name = "disposition/admin/invoice_inspect.html"

    def inspect_context(self, request, obj) -> dict:
        return {"pdf_url": reverse(self.get_url_name("pdf"), args=[obj.pk]),
                **invoice_payments_context(request, obj)}

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(),
                path(f"pdf/<{self.pk_path_converter}:pk>/", refuse_with_403(invoice_pdf_staff), name="pdf")]


class SettlementGroup(ViewSetGroup):
    menu_label = _("Settlement")
    menu_name = "settlement"  # not the label's slug, which follows the first request's language
    menu_icon = "tasks"
    menu_order = 260
    items = (AwardViewSet, InvoiceViewSet, PaymentViewSet)


# ---- collection (disposition/admin_collection.py) ------------------------------------------
InvoiceViewSet.actions = [*InvoiceViewSet.actions, *admin_collection.INVOICE_ACTIONS]
SettlementGroup.items = (*SettlementGroup.items, *admin_collection.VIEWSETS)


@hooks.register("register_admin_urls")
def register_collection_urls():
    return admin_collection.ADMIN_URLS


@hooks.register("register_admin_viewset")
def register_settlement():
    return SettlementGroup()


# ---- direct sales: the "Issue the invoice" step on valuation's direct-sale page ------------------
from . import admin_direct_sales  # noqa: E402

admin_direct_sales.register()


# ---- disposition and social reuse: the "Disposition" menu (disposition/admin_reuse.py) ----------
@hooks.register("register_admin_viewset")
def register_disposition():
    from .admin_reuse import DispositionGroup

    return DispositionGroup()


# ---- claims of third parties and victims: the "Claims" menu (disposition/admin_claims.py) --------
@hooks.register("register_admin_viewset")
def register_claims():
    from .admin_claims import ClaimsGroup

    return ClaimsGroup()


# ---- public consultations before a decision: in the "Disposition" menu (disposition/admin_consultation.py) ----
from . import admin_consultation  # noqa: E402

admin_consultation.register()


# ---- international cooperation: the "Cooperation" menu (disposition/admin_cooperation.py) -------
@hooks.register("register_admin_viewset")
def register_cooperation():
    from .admin_cooperation import CooperationGroup

    return CooperationGroup()
