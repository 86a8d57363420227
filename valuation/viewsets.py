"""valuation in the staff admin: one viewset per model, on the shared kit (common.admin).

- Early-sale candidates: the latest recommendation, sortable, with "my cases" and "recompute now".
- Early-sale requests: the one early-sale screen. The request itself is an action on the asset
  (`request/<asset>/`); endorse, reject, record a notification, record the court's authorisation
  and sell at auction are actions on the request. Direct sales have their own viewset.
- Appraisals (drafted with their evidence, submitted, reviewed by another approver), direct sales
  (proposed, approved by another approver, completed) and depreciation profiles.

Every change goes through valuation.services; the four-eyes rules live there too, and the buttons
ask the services' `*_refusal` functions why a step is not offered to someone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusFlagColumn, StatusTagColumn, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup

from common.admin.actions import Action, ActionView, RequiredReasonForm
from common.admin.columns import DateTimeColumn
from common.admin.display import FormattedInspectView, MoneyColumn, person_name
from common.admin.listings import ListingAction, ListingActionsMixin, ListingIndexView
from common.admin.viewsets import RecordViewSet, ServiceCreateView
from common.formats import format_day, format_moment
from common.money import format_money
from custody.models import Asset, AssetCategory, AssetStatus, SaleChannel, category_rule

from . import selectors, services
from .forms import (
    AppraisalForm,
    AuthoriseForm,
    DepreciationProfileForm,
    DirectSaleForm,
    EarlySaleRequestForm,
    NoteForm,
    NotificationForm,
)
from .models import (
    Appraisal,
    AppraisalStatus,
    DepreciationProfile,
    DirectSale,
    DirectSaleStatus,
    EarlySaleCandidate,
    EarlySaleRequest,
    EarlySaleRun,
    EarlySaleStatus,
    RunTrigger,
)

# The register's page of an asset (custody's admin). valuation links to it by name only.
ASSET_PAGE_URL_NAME = "custody_asset_detail"


def asset_page_url(asset_id: int) -> str:
    """The asset's page in the register; empty where custody's admin is not installed."""
    try:
        return reverse(ASSET_PAGE_URL_NAME, args=[asset_id])
    except NoReverseMatch:
        return ""


class AssetLinkInspectView(FormattedInspectView):
    """A record's page whose asset links to the asset's page in the register."""

    def get_asset_display_value(self):
        asset = self.object.asset
        url = asset_page_url(asset.pk)
        return format_html('<a href="{}">{}</a>', url, asset) if url else str(asset)


class AssetCreateView(ServiceCreateView):
    """A create view opened from an asset's page (`?asset=<pk>`): the asset is filled in, and so are
    the defaults that depend on it (`initial_for_asset`)."""

    initial_for_asset = None

    def get_initial(self):
        initial = super().get_initial()
        asset_id = self.request.GET.get("asset", "")
        asset = Asset.objects.filter(pk=asset_id).first() if asset_id.isdigit() else None
        if asset is not None:
            initial["asset"] = asset
            initial.update(self.initial_for_asset(asset) if self.initial_for_asset else {})
        return initial


# --------------------------------------------------------------------------------------------
# Early sale: the request (an action on the asset) and the steps of the request
# --------------------------------------------------------------------------------------------


def _expected(data: dict) -> str | None:
    return data.get("expected_status") or None


REQUEST = Action(
    name="request", label=gettext_lazy("Request early sale"), permission="custody.request_early_sale",
    available=lambda user, asset: asset.status == AssetStatus.IN_CUSTODY and category_rule(asset.category).early_sale,
    form_class=EarlySaleRequestForm,
    call=lambda request, asset, d: services.early_sale_request(
        actor=request.user, asset_id=asset.pk, reason=d["reason"], justification=d["justification"],
        expected_status=_expected(d)),
    success=gettext_lazy("Early sale requested; an approver must now endorse it."),
    intro=gettext_lazy("An approver other than you endorses the request; the owner and claimants are told of "
                       "it; then the court's authorisation is recorded."),
)


def _decision_blocked(user, req: EarlySaleRequest) -> str | None:
    return services.early_sale_decision_refusal(actor=user, request=req) if req.is_open else None


ENDORSE = Action(
    name="endorse", label=gettext_lazy("Endorse early sale"), permission="custody.endorse_early_sale",
    available=lambda user, req: (req.status == EarlySaleStatus.REQUESTED
                                 and req.asset.status == AssetStatus.EARLY_SALE_REQUESTED
                                 and not services.early_sale_decision_refusal(actor=user, request=req)),
    blocked=lambda user, req: _decision_blocked(user, req) if req.status == EarlySaleStatus.REQUESTED else None,
    form_class=NoteForm,
    call=lambda request, req, d: services.early_sale_endorse(
        actor=request.user, asset_id=req.asset_id, note=d["note"], expected_status=_expected(d)),
    success=gettext_lazy("Early sale endorsed."),
)
REJECT = Action(
    name="reject", label=gettext_lazy("Reject early sale"), permission="custody.endorse_early_sale",
    available=lambda user, req: req.is_open and not services.early_sale_decision_refusal(actor=user, request=req),
    blocked=_decision_blocked, form_class=RequiredReasonForm, danger=True,
    call=lambda request, req, d: services.early_sale_reject(
        actor=request.user, asset_id=req.asset_id, reason=d["reason"], expected_status=_expected(d)),
    success=gettext_lazy("Early sale rejected; the asset stays in custody."),
)
NOTIFY = Action(
    name="notify", label=gettext_lazy("Record a notification"), permission="valuation.add_earlysalenotification",
    available=lambda user, req: req.status in (EarlySaleStatus.REQUESTED, EarlySaleStatus.ENDORSED,
                                               EarlySaleStatus.AUTHORISED),
    form_class=NotificationForm,
    call=lambda request, req, d: services.early_sale_notification_record(
        actor=request.user, asset_id=req.asset_id, party_id=d["party"].pk if d["party"] else None,
        means=d["means"], notified_on=d["notified_on"], reference=d["reference"]),
    success=gettext_lazy("Notification recorded."),
    intro=gettext_lazy("The owner and every third-party claimant must be told of the request before the court's "
                       "authorisation is recorded; with none known, a public notice."),
)
AUTHORISE = Action(
    name="authorise", label=gettext_lazy("Record the court's authorisation"),
    permission="custody.request_early_sale",
    available=lambda user, req: req.status == EarlySaleStatus.ENDORSED,
    blocked=lambda user, req: (_("An approver must endorse the request first.")
                               if req.status == EarlySaleStatus.REQUESTED else None),
    form_class=AuthoriseForm,
    call=lambda request, req, d: services.early_sale_authorise(
        actor=request.user, asset_id=req.asset_id, order_id=d["order"].pk, expected_status=_expected(d)),
    success=gettext_lazy("The court's authorisation is recorded; the asset may now be sold."),
    intro=gettext_lazy("Cite the court's early-sale authorisation. It is refused until the owner and every "
                       "claimant were told of the request."),
)
AUCTION = Action(
    name="auction", label=gettext_lazy("Sell at public auction"), permission="custody.sell_asset",
    available=lambda user, req: (req.status == EarlySaleStatus.AUTHORISED
                                 and req.asset.status == AssetStatus.EARLY_SALE_AUTHORISED
                                 and not services.sale_channel_refusal(req.asset, SaleChannel.AUCTION)),
    call=lambda request, req, d: services.early_sale_route_to_auction(actor=request.user, asset_id=req.asset_id),
    success=gettext_lazy("The asset is for sale; it appears as a draft lot for the auction manager."),
)


def may_propose_direct_sale(user, req: EarlySaleRequest) -> bool:
    return (user.has_perm("valuation.add_directsale") and req.status == EarlySaleStatus.AUTHORISED
            and req.asset.status == AssetStatus.EARLY_SALE_AUTHORISED
            and not services.sale_channel_refusal(req.asset, SaleChannel.DIRECT))


def direct_sale_add_url(asset_id: int) -> str:
    return reverse("valuation_direct_sales:add") + f"?asset={asset_id}"


class EarlySaleRequestViewSet(RecordViewSet):
    model = EarlySaleRequest
    name = "valuation_early_sale"
    url_prefix = "valuation/early-sale/requests"
    icon = "time"
    menu_label = gettext_lazy("Early-sale requests")
    policy_actions = ("view",)
    queryset = staticmethod(selectors.early_sale_request_list)
    actions = [ENDORSE, REJECT, NOTIFY, AUTHORISE, AUCTION]
    list_filter = ["status", "reason"]
    search_fields = ["asset__reference", "asset__title", "asset__case__reference"]
    list_display = [
        TitleColumn("asset", label=gettext_lazy("Asset"), accessor="asset.reference", sort_key="asset__reference",
                    get_url=lambda r: reverse("valuation_early_sale:inspect", args=[r.pk])),
        Column("title", label=gettext_lazy("Title"), accessor="asset.title"),
        StatusTagColumn("status", label=gettext_lazy("Status"), accessor="get_status_display", sort_key="status",
                        primary=lambda r: r.is_open),
        Column("reason", label=gettext_lazy("Ground"), accessor="get_reason_display"),
        Column("requested_by", label=gettext_lazy("Requested by"), accessor=lambda r: person_name(r.requested_by)),
        DateTimeColumn("requested_at", label=gettext_lazy("Requested"), sort_key="requested_at"),
        Column("decided_by", label=gettext_lazy("Decided by"), accessor=lambda r: person_name(r.decided_by)),
    ]
    inspect_view_class = AssetLinkInspectView
    inspect_view_fields = ["asset", "status", "reason", "justification", "requested_by", "requested_at",
                           "decided_by", "decided_at", "decision_note", "order"]
    inspect_template_name = "valuation/admin/request_inspect.html"

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(default_ordering="-requested_at", **kwargs)

    def inspect_context(self, request, obj) -> dict:
        return {"asset_url": asset_page_url(obj.asset_id), "due": selectors.early_sale_due_process(obj.asset),
                "sales": list(selectors.direct_sales_for_asset(obj.asset_id)),
                "propose_url": direct_sale_add_url(obj.asset_id) if may_propose_direct_sale(request.user, obj) else ""}

    def request_url(self, asset_id: int) -> str:
        return reverse(self.get_url_name("request"), args=[asset_id])

    def get_urlpatterns(self):
        request_view = self.construct_view(
            ActionView, model=Asset, action=REQUEST, queryset_getter=lambda: Asset.objects.select_related("case"),
            record_url=lambda asset: asset_page_url(asset.pk), index_url_name=None, header_icon=self.icon)
        return [*super().get_urlpatterns(), path("request/<int:pk>/", request_view, name="request")]


# --------------------------------------------------------------------------------------------
# Early-sale candidates
# --------------------------------------------------------------------------------------------


class CandidateFilterSet(WagtailFilterSet):
    mine = django_filters.ChoiceFilter(label=gettext_lazy("Cases"), choices=[("1", gettext_lazy("My cases only"))],
                                       empty_label=gettext_lazy("All cases"), method="filter_mine",
                                       widget=forms.RadioSelect)
    urgent = django_filters.BooleanFilter(label=gettext_lazy("Perishable, urgent"))
    appraised = django_filters.BooleanFilter(label=gettext_lazy("From an approved appraisal"))

    class Meta:
        model = EarlySaleCandidate
        fields = ["mine", "urgent", "appraised"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(case_officer=self.request.user) if value == "1" else queryset


def _value_today(c: EarlySaleCandidate) -> str:
    value = format_money(c.value_today, c.currency)
    return value if c.appraised else _("%(value)s (declared, not appraised)") % {"value": value}


def _decision(c: EarlySaleCandidate) -> str:
    return _("%(date)s (in %(days)s days)") % {"date": format_day(c.decision_date),
                                               "days": c.days_to_decision}


def _recompute(request) -> EarlySaleRun:
    return services.early_sale_recommendation_run(trigger=RunTrigger.ADMIN, actor=request.user)


def _recomputed(run: EarlySaleRun) -> str:
    return _("The recommendation has been recomputed: %(n)d candidates among %(total)d assets in custody.") % {
        "n": run.candidate_count, "total": run.assets_considered}


class CandidateInspectView(AssetLinkInspectView):
    """A candidate's figures, and the early-sale request for its asset where the user may make it."""

    @cached_property
    def action_buttons(self):
        offered, blocked = super().action_buttons
        if REQUEST.is_offered(self.request.user, self.object.asset):
            offered = [*offered, {"name": "early_sale_request", "label": REQUEST.label, "danger": False,
                                  "url": reverse("valuation_early_sale:request", args=[self.object.asset_id])}]
        return offered, blocked


class CandidateIndexView(ListingIndexView):
    """Each row's menu also opens the asset's page, and the early-sale request where the user may make it."""

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if url := asset_page_url(instance.asset_id):
            buttons.append(MenuItem(_("The asset's page"), url=url, icon_name="folder-inverse", priority=40))
        if REQUEST.is_offered(self.request.user, instance.asset):
            buttons.append(MenuItem(REQUEST.label, url=reverse("valuation_early_sale:request",
                                                               args=[instance.asset_id]), icon_name="time",
                                    priority=50))
        return buttons


class EarlySaleCandidateViewSet(ListingActionsMixin, RecordViewSet):
    model = EarlySaleCandidate
    name = "valuation_candidates"
    url_prefix = "valuation/early-sale/candidates"
    icon = "warning"
    menu_label = gettext_lazy("Early-sale candidates")
    policy_actions = ("view",)
    queryset = staticmethod(selectors.early_sale_candidates)
    index_view_class = CandidateIndexView
    filterset_class = CandidateFilterSet
    search_fields = ["asset__reference", "asset__title", "case__reference"]
    listing_actions = [ListingAction(name="run", label=gettext_lazy("Recompute now"), call=_recompute,
                                     success=_recomputed, permission="valuation.run_recommendation")]
    list_display = [
        "asset",  # the record's page; its row menu opens the asset's page (CandidateIndexView)
        StatusFlagColumn("urgent", label=gettext_lazy("Urgent"), true_label=gettext_lazy("Perishable"),
                         sort_key="urgent"),
        Column("value_today", label=gettext_lazy("Value today"), accessor=_value_today, sort_key="value_today"),
        Column("decision_date", label=gettext_lazy("Expected decision"), accessor=_decision,
               sort_key="decision_date"),
        MoneyColumn("projected_value", label=gettext_lazy("Value at decision"), sort_key="projected_value"),
        MoneyColumn("accrued_costs", label=gettext_lazy("Costs until decision"), sort_key="accrued_costs"),
        MoneyColumn("net_benefit", label=gettext_lazy("Preserved by selling now"), sort_key="net_benefit"),
    ]
    inspect_view_class = CandidateInspectView
    inspect_view_fields = ["asset", "case", "case_officer", "urgent", "shelf_days_left", "value_today", "appraised",
                           "decision_date", "days_to_decision", "projected_value", "daily_cost", "accrued_costs",
                           "sale_cost", "net_benefit", "run"]
    money_fields = {f: "currency" for f in ("value_today", "projected_value", "daily_cost", "accrued_costs",
                                            "sale_cost", "net_benefit")}

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(default_ordering="-net_benefit", **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(money_fields=self.money_fields, **kwargs)

    def listing_notes(self, request) -> list[str]:
        last = EarlySaleRun.objects.filter(finished_at__isnull=False).first()
        if last:
            ran = _("Last computed %(when)s: %(n)d candidates among %(total)d assets in custody.") % {
                "when": format_moment(last.finished_at), "n": last.candidate_count,
                "total": last.assets_considered}
        else:
            ran = _("The recommendation has not been computed yet.")
        return [ran, _("Preserved by selling now = value today − value at the expected decision + costs until then "
                       "− cost of selling now. Perishable goods within their urgency window are always listed.")]



# --------------------------------------------------------------------------------------------
# Appraisals
# --------------------------------------------------------------------------------------------


def _submit_blocked(user, appraisal: Appraisal) -> str | None:
    if appraisal.status != AppraisalStatus.DRAFT:
        return None
    return services.appraisal_submit_refusal(actor=user, appraisal=appraisal)


def _review_blocked(user, appraisal: Appraisal) -> str | None:
    if appraisal.status != AppraisalStatus.SUBMITTED:
        return None
    return services.appraisal_review_refusal(actor=user, appraisal=appraisal)


SUBMIT_APPRAISAL = Action(
    name="submit", label=gettext_lazy("Submit for review"), permission="valuation.change_appraisal",
    available=lambda user, a: a.status == AppraisalStatus.DRAFT and not _submit_blocked(user, a),
    blocked=_submit_blocked,
    call=lambda request, a, d: services.appraisal_submit(actor=request.user, appraisal_id=a.pk),
    success=gettext_lazy("Appraisal submitted for review."),
    intro=gettext_lazy("Another approver reviews it; it can no longer be changed."),
)
APPROVE_APPRAISAL = Action(
    name="approve", label=gettext_lazy("Approve"), permission="valuation.review_appraisal",
    available=lambda user, a: a.status == AppraisalStatus.SUBMITTED and not _review_blocked(user, a),
    blocked=_review_blocked,
    call=lambda request, a, d: services.appraisal_approve(actor=request.user, appraisal_id=a.pk),
    success=gettext_lazy("Appraisal approved."),
)
REJECT_APPRAISAL = Action(
    name="reject", label=gettext_lazy("Reject"), permission="valuation.review_appraisal",
    available=lambda user, a: a.status == AppraisalStatus.SUBMITTED and not _review_blocked(user, a),
    blocked=_review_blocked, form_class=RequiredReasonForm, danger=True,
    call=lambda request, a, d: services.appraisal_reject(actor=request.user, appraisal_id=a.pk,
                                                         reason=d["reason"]),
    success=gettext_lazy("Appraisal rejected."),
)


def _create_appraisal(request, form) -> Appraisal:
    d = form.cleaned_data
    return services.appraisal_create(
        actor=request.user, asset_id=d["asset"].pk, method=d["method"], amount=d["amount"], currency=d["currency"],
        value_date=d["value_date"], notes=d["notes"], evidence=[(d["evidence"], d["evidence_description"])])


class AppraisalViewSet(RecordViewSet):
    model = Appraisal
    name = "valuation_appraisals"
    url_prefix = "valuation/appraisals"
    icon = "doc-full"
    menu_label = gettext_lazy("Appraisals")
    policy_actions = ("add", "view")
    queryset = staticmethod(selectors.appraisal_list)
    actions = [SUBMIT_APPRAISAL, APPROVE_APPRAISAL, REJECT_APPRAISAL]
    create_service = staticmethod(_create_appraisal)
    add_view_class = AssetCreateView
    list_filter = ["status", "method", "currency"]
    search_fields = ["asset__reference", "asset__title", "notes"]
    list_display = [
        "asset",
        Column("method", label=gettext_lazy("Method"), accessor="get_method_display"),
        MoneyColumn("amount", label=gettext_lazy("Value"), sort_key="amount"),
        Column("value_date", label=gettext_lazy("Value as of"), sort_key="value_date",
               accessor=lambda a: format_day(a.value_date)),
        Column("valuer", label=gettext_lazy("Valuer"), accessor=lambda a: person_name(a.valuer)),
        StatusTagColumn("status", label=gettext_lazy("Status"), accessor="get_status_display", sort_key="status",
                        primary=lambda a: a.status == AppraisalStatus.SUBMITTED),
    ]
    inspect_view_class = AssetLinkInspectView
    inspect_view_fields = ["asset", "status", "method", "amount", "value_date", "notes", "evidence", "valuer",
                           "submitted_at", "reviewed_by", "reviewed_at", "rejection_reason", "created_at"]

    def get_form_class(self, for_update=False):
        return AppraisalForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(default_ordering="-value_date", **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(money_fields={"amount": "currency"}, **kwargs)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(
            initial_for_asset=lambda asset: {"currency": asset.currency},
            submit_button_label=gettext_lazy("Save draft"),
            success_message=gettext_lazy("Appraisal drafted. Submit it for review when it is complete."), **kwargs)


# --------------------------------------------------------------------------------------------
# Direct sales
# --------------------------------------------------------------------------------------------


def _sale_blocked(user, sale: DirectSale) -> str | None:
    if sale.status not in (DirectSaleStatus.PROPOSED, DirectSaleStatus.APPROVED):
        return None
    return services.direct_sale_decision_refusal(actor=user, sale=sale)


APPROVE_SALE = Action(
    name="approve", label=gettext_lazy("Approve"), permission="valuation.approve_directsale",
    available=lambda user, s: s.status == DirectSaleStatus.PROPOSED and not _sale_blocked(user, s),
    blocked=lambda user, s: _sale_blocked(user, s) if s.status == DirectSaleStatus.PROPOSED else None,
    form_class=NoteForm,
    call=lambda request, s, d: services.direct_sale_approve(actor=request.user, sale_id=s.pk, note=d["note"]),
    success=gettext_lazy("Direct sale approved."),
)
REJECT_SALE = Action(
    name="reject", label=gettext_lazy("Reject"), permission="valuation.approve_directsale",
    available=lambda user, s: (s.status in (DirectSaleStatus.PROPOSED, DirectSaleStatus.APPROVED)
                               and not _sale_blocked(user, s)),
    blocked=_sale_blocked, form_class=RequiredReasonForm, danger=True,
    call=lambda request, s, d: services.direct_sale_reject(actor=request.user, sale_id=s.pk, reason=d["reason"]),
    success=gettext_lazy("Direct sale rejected."),
)
# Further steps on a direct sale belong to the apps above (the settlement app issues its invoice):
# they register their actions here, before the admin's URLs are built.
DIRECT_SALE_ACTIONS: list[Action] = [APPROVE_SALE, REJECT_SALE]


def direct_sale_action_register(action: Action) -> None:
    """Offer `action` on the direct sale's page (called by a higher app's wagtail_hooks)."""
    if all(existing.name != action.name for existing in DIRECT_SALE_ACTIONS):
        DIRECT_SALE_ACTIONS.append(action)


def _propose_sale(request, form) -> DirectSale:
    d = form.cleaned_data
    return services.direct_sale_propose(
        actor=request.user, asset_id=d["asset"].pk, buyer_name=d["buyer_name"], buyer_contact=d["buyer_contact"],
        price=d["price"], currency=d["currency"], justification=d["justification"])


def _sale_defaults(asset: Asset) -> dict[str, Any]:
    current = selectors.asset_current_valuation(asset.pk)
    return {"currency": current.currency, "price": current.amount} if current else {"currency": asset.currency}


class DirectSaleViewSet(RecordViewSet):
    model = DirectSale
    name = "valuation_direct_sales"
    url_prefix = "valuation/direct-sales"
    icon = "tag"
    menu_label = gettext_lazy("Direct sales")
    policy_actions = ("add", "view")
    queryset = staticmethod(selectors.direct_sale_list)
    actions = DIRECT_SALE_ACTIONS
    create_service = staticmethod(_propose_sale)
    add_view_class = AssetCreateView
    list_filter = ["status", "currency"]
    search_fields = ["buyer_name", "asset__reference", "asset__title"]
    list_display = [
        "asset",
        Column("buyer_name", label=gettext_lazy("Buyer")),
        MoneyColumn("price", label=gettext_lazy("Price"), sort_key="price"),
        StatusTagColumn("status", label=gettext_lazy("Status"), accessor="get_status_display", sort_key="status",
                        primary=lambda s: s.status in (DirectSaleStatus.PROPOSED, DirectSaleStatus.APPROVED,
                                                       DirectSaleStatus.INVOICED)),
        Column("requested_by", label=gettext_lazy("Proposed by"), accessor=lambda s: person_name(s.requested_by)),
        DateTimeColumn("requested_at", label=gettext_lazy("Proposed"), sort_key="requested_at"),
    ]
    inspect_view_class = AssetLinkInspectView
    inspect_view_fields = ["asset", "status", "buyer_name", "buyer_contact", "price", "valuation", "justification",
                           "requested_by", "requested_at", "approved_by", "decided_at", "decision_note",
                           "completed_by", "completed_at", "journal_entry"]

    def get_form_class(self, for_update=False):
        return DirectSaleForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(default_ordering="-requested_at", **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(money_fields={"price": "currency"}, **kwargs)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(
            initial_for_asset=_sale_defaults, submit_button_label=gettext_lazy("Propose"),
            success_message=gettext_lazy("Direct sale proposed; another approver must approve it."), **kwargs)


# --------------------------------------------------------------------------------------------
# Depreciation profiles: one per asset category
# --------------------------------------------------------------------------------------------


def _save_profile(request, form, profile: DepreciationProfile | None = None) -> DepreciationProfile:
    d = form.cleaned_data
    return services.depreciation_profile_save(
        actor=request.user, category=profile.category if profile else d["category"],
        yearly_rate_percent=d["yearly_rate_percent"], shelf_life_days=d["shelf_life_days"],
        daily_upkeep=d["daily_upkeep"], currency=d["currency"], notes=d["notes"])


def categories_without_profile() -> list[tuple[str, str]]:
    have = set(DepreciationProfile.objects.values_list("category", flat=True))
    return [(c, label) for c, label in AssetCategory.choices if c not in have]


class ProfileIndexView(ListingIndexView):
    def get_add_url(self):
        return super().get_add_url() if categories_without_profile() else None


class ProfileCreateView(ServiceCreateView):
    """`?category=<code>` opens the category's profile: this form for a category without one, the
    edit form for one that has it; an unknown category is not found."""

    def get(self, request, *args, **kwargs):
        category = request.GET.get("category")
        if category is not None:
            if category not in AssetCategory.values:
                raise Http404
            existing = DepreciationProfile.objects.filter(category=category).first()
            if existing is not None:
                return redirect(self.edit_url_name, existing.pk)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {**super().get_initial(), "category": self.request.GET.get("category", "")}


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{number_format(value, use_l10n=True)} %"


class DepreciationProfileViewSet(ListingActionsMixin, RecordViewSet):
    model = DepreciationProfile
    name = "valuation_profiles"
    url_prefix = "valuation/profiles"
    icon = "cogs"
    menu_label = gettext_lazy("Depreciation profiles")
    policy_actions = ("add", "change", "view")
    queryset = staticmethod(selectors.profile_list)
    create_service = staticmethod(_save_profile)
    update_service = staticmethod(_save_profile)
    index_view_class = ProfileIndexView
    add_view_class = ProfileCreateView
    list_filter = ["currency"]
    search_fields = ["notes"]
    list_display = [
        "category",
        Column("yearly_rate_percent", label=gettext_lazy("Yearly depreciation"),
               accessor=lambda p: _percent(p.yearly_rate_percent), sort_key="yearly_rate_percent"),
        Column("shelf_life_days", label=gettext_lazy("Shelf life"), sort_key="shelf_life_days",
               accessor=lambda p: _("%(d)s days") % {"d": p.shelf_life_days} if p.shelf_life_days else "—"),
        MoneyColumn("daily_upkeep", label=gettext_lazy("Daily upkeep per unit"), sort_key="daily_upkeep"),
        DateTimeColumn("updated_at", label=gettext_lazy("Last changed"), sort_key="updated_at"),
        Column("updated_by", label=gettext_lazy("By"), accessor=lambda p: person_name(p.updated_by)),
    ]
    inspect_view_class = FormattedInspectView
    inspect_view_fields = ["category", "yearly_rate_percent", "shelf_life_days", "daily_upkeep", "notes",
                           "updated_by", "updated_at"]

    def get_form_class(self, for_update=False):
        return DepreciationProfileForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(default_ordering="category", **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(money_fields={"daily_upkeep": "currency"}, **kwargs)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(success_message=gettext_lazy("Profile saved."),
                                           submit_button_label=gettext_lazy("Save"), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(success_message=gettext_lazy("Profile saved."),
                                            submit_button_label=gettext_lazy("Save"), **kwargs)

    def listing_notes(self, request) -> list[str]:
        notes = [_("How each category of asset loses value and what it costs to keep. The nightly early-sale "
                   "recommendation uses these.")]
        if missing := categories_without_profile():
            may_add = request.user.has_perm("valuation.add_depreciationprofile")
            add = reverse(self.get_url_name("add"))
            names = [format_html('<a href="{}?category={}">{}</a>', add, c, label) if may_add else label
                     for c, label in missing]
            notes.append(format_html("{} {}", _("No profile (keeps its value at no upkeep):"),
                                     format_html(", ".join(["{}"] * len(names)), *names)))
        return notes


class ValuationGroup(ViewSetGroup):
    menu_label = gettext_lazy("Valuation")
    menu_name = "valuation"  # not the label's slug, which follows the first request's language
    menu_icon = "doc-full"
    menu_order = 310
    items = (EarlySaleCandidateViewSet, EarlySaleRequestViewSet, DirectSaleViewSet, AppraisalViewSet,
             DepreciationProfileViewSet)
