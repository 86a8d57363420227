"""Staff pages in the Wagtail admin: early-sale candidates, depreciation profiles, appraisals and the
early-sale steps. Thin: parse, call a service, show the result. Each view states who may use it."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.exceptions import DomainError
from custody.models import Asset, AssetCategory

from . import selectors, services
from .forms import AppraisalForm, AuthoriseForm, DepreciationProfileForm, DirectSaleForm, NotificationForm, RejectForm
from .models import Appraisal, DepreciationProfile, DirectSale, EarlySaleRun, RunTrigger

SORTABLE = {
    "net": "net_benefit", "value": "value_today", "projected": "projected_value", "costs": "accrued_costs",
    "daily": "daily_cost", "days": "days_to_decision", "decision": "decision_date", "urgent": "urgent",
    "asset": "asset__reference",
}


def asset_url(asset_id: int) -> str:
    """The asset's admin page (built by the custody admin); empty if it is not installed."""
    try:
        return reverse("custody_asset_detail", args=[asset_id])
    except NoReverseMatch:
        return ""


class Forbidden(Exception):
    pass


def _require(request: HttpRequest, *perms: str) -> None:
    if not request.user.is_authenticated or not request.user.has_perms(perms):
        raise Forbidden


def staff_view(view):
    """A plain 403 page when the role does not allow the action (Wagtail would otherwise turn the
    refusal into a silent redirect to the dashboard)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Forbidden:
            return _page(request, "valuation/admin/message.html", title=_("Not allowed"), status=403,
                         message=_("Your role does not allow this."))

    return wrapped


def _page(request, template: str, *, title: str, status: int = 200, **context: Any) -> HttpResponse:
    context.update({"page_title": title, "header_title": title, "header_icon": "doc-full",
                    "breadcrumbs_items": [{"url": reverse("wagtailadmin_home"), "label": _("Home")},
                                          {"url": "", "label": title}]})
    return render(request, template, context, status=status)


def _form_page(request, form, *, title: str, submit: str, asset: Asset | None = None) -> HttpResponse:
    return _page(request, "valuation/admin/form.html", title=title, form=form, submit_label=submit, asset=asset,
                 back_url=asset_url(asset.pk) if asset else "", status=400 if form.errors else 200)


def _back(asset_id: int):
    url = asset_url(asset_id)
    return redirect(url) if url else redirect("valuation_candidates")


def _attempt(request, form, fn, success: str):
    """Run a service; on a refusal put its message on the form (or the page) instead of a 500."""
    try:
        result = fn()
    except ValidationError as exc:
        if form is None:
            messages.error(request, " ".join(exc.messages))
            return None, False
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None, False
    except DomainError as exc:
        if form is None:
            messages.error(request, str(exc))
        else:
            form.add_error(None, str(exc))
        return None, False
    messages.success(request, success)
    return result, True


# --------------------------------------------------------------------------------------------
# Early-sale candidates
# --------------------------------------------------------------------------------------------


@staff_view
def candidates(request: HttpRequest) -> HttpResponse:
    """Who: anyone with valuation.view_earlysalecandidate (all staff roles, read-only for auditors)."""
    _require(request, "valuation.view_earlysalecandidate")
    key = request.GET.get("sort", "net")
    descending = request.GET.get("dir", "desc") != "asc"
    field = SORTABLE.get(key, "net_benefit")
    ordering = ("-" if descending else "") + field
    qs = selectors.early_sale_candidates(ordering=ordering)
    if request.GET.get("mine") == "1":
        qs = qs.filter(case_officer=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("p"))
    rows = [{"c": c, "url": asset_url(c.asset_id)} for c in page.object_list]
    return _page(request, "valuation/admin/candidates.html", title=_("Early-sale candidates"), page=page, rows=rows,
                 sort=key, direction="desc" if descending else "asc", mine=request.GET.get("mine") == "1",
                 last_run=EarlySaleRun.objects.filter(finished_at__isnull=False).first(),
                 may_run=request.user.has_perm("valuation.run_recommendation"))


@staff_view
@require_POST
def candidates_run(request: HttpRequest) -> HttpResponse:
    """Who: valuation.run_recommendation (case officers, finance, approvers)."""
    _require(request, "valuation.run_recommendation")
    run, ok = _attempt(request, None, lambda: services.early_sale_recommendation_run(
        trigger=RunTrigger.ADMIN, actor=request.user), _("The recommendation has been recomputed."))
    if ok:
        messages.info(request, _("%(n)d candidates among %(total)d assets in custody.")
                      % {"n": run.candidate_count, "total": run.assets_considered})
    return redirect("valuation_candidates")


# --------------------------------------------------------------------------------------------
# Depreciation profiles
# --------------------------------------------------------------------------------------------


@staff_view
def profiles(request: HttpRequest) -> HttpResponse:
    """Who: valuation.view_depreciationprofile; editing needs change_depreciationprofile (valuer, finance)."""
    _require(request, "valuation.view_depreciationprofile")
    existing = selectors.profiles_by_category()
    rows = [{"category": c, "label": label, "profile": existing.get(c)} for c, label in AssetCategory.choices]
    return _page(request, "valuation/admin/profiles.html", title=_("Depreciation profiles"), rows=rows,
                 may_edit=request.user.has_perm("valuation.change_depreciationprofile"))


@staff_view
def profile_edit(request: HttpRequest, category: str) -> HttpResponse:
    _require(request, "valuation.change_depreciationprofile", "valuation.add_depreciationprofile")
    if category not in AssetCategory.values:
        return _page(request, "valuation/admin/message.html", title=_("Not found"), status=404,
                     message=_("There is no such asset category."))
    instance = DepreciationProfile.objects.filter(category=category).first() or DepreciationProfile(category=category)
    form = DepreciationProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        _result, ok = _attempt(request, form, lambda: services.depreciation_profile_save(
            actor=request.user, category=category, yearly_rate_percent=d["yearly_rate_percent"],
            shelf_life_days=d["shelf_life_days"], daily_upkeep=d["daily_upkeep"], currency=d["currency"],
            notes=d["notes"]), _("Profile saved."))
        if ok:
            return redirect("valuation_profiles")
    return _form_page(request, form, title=_("Depreciation profile: %(c)s") % {"c": AssetCategory(category).label},
                      submit=_("Save"))


# --------------------------------------------------------------------------------------------
# Appraisals
# --------------------------------------------------------------------------------------------


@staff_view
def appraisal_add(request: HttpRequest, asset_id: int) -> HttpResponse:
    """Who: valuation.add_appraisal (valuers)."""
    _require(request, "valuation.add_appraisal")
    asset = get_object_or_404(Asset, pk=asset_id)
    form = AppraisalForm(request.POST or None, request.FILES or None, initial={"currency": asset.currency})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        _result, ok = _attempt(request, form, lambda: services.appraisal_create(
            actor=request.user, asset_id=asset.pk, method=d["method"], amount=d["amount"], currency=d["currency"],
            value_date=d["value_date"], notes=d["notes"], evidence=[(d["evidence"], d["evidence_description"])]),
            _("Appraisal drafted. Submit it for review when it is complete."))
        if ok:
            return _back(asset.pk)
    return _form_page(request, form, title=_("Appraise %(ref)s") % {"ref": asset.reference}, submit=_("Save draft"),
                      asset=asset)


@staff_view
@require_POST
def appraisal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Who: the appraisal's valuer."""
    _require(request, "valuation.change_appraisal")
    appraisal = get_object_or_404(Appraisal, pk=pk)
    _attempt(request, None, lambda: services.appraisal_submit(actor=request.user, appraisal_id=pk),
             _("Appraisal submitted for review."))
    return _back(appraisal.asset_id)


@staff_view
@require_POST
def appraisal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Who: valuation.review_appraisal (approvers), never the appraisal's valuer."""
    _require(request, "valuation.review_appraisal")
    appraisal = get_object_or_404(Appraisal, pk=pk)
    _attempt(request, None, lambda: services.appraisal_approve(actor=request.user, appraisal_id=pk),
             _("Appraisal approved."))
    return _back(appraisal.asset_id)


@staff_view
def appraisal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "valuation.review_appraisal")
    appraisal = get_object_or_404(Appraisal, pk=pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _result, ok = _attempt(request, form, lambda: services.appraisal_reject(
            actor=request.user, appraisal_id=pk, reason=form.cleaned_data["reason"]), _("Appraisal rejected."))
        if ok:
            return _back(appraisal.asset_id)
    return _form_page(request, form, title=_("Reject appraisal"), submit=_("Reject"), asset=appraisal.asset)


# --------------------------------------------------------------------------------------------
# Early sale: notifications, authorisation, routes
# --------------------------------------------------------------------------------------------


@staff_view
def notification_add(request: HttpRequest, asset_id: int) -> HttpResponse:
    """Who: valuation.add_earlysalenotification (case officers)."""
    _require(request, "valuation.add_earlysalenotification")
    asset = get_object_or_404(Asset, pk=asset_id)
    form = NotificationForm(request.POST or None, asset=asset)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        _result, ok = _attempt(request, form, lambda: services.early_sale_notification_record(
            actor=request.user, asset_id=asset.pk, party_id=d["party"].pk if d["party"] else None,
            means=d["means"], notified_on=d["notified_on"], reference=d["reference"]), _("Notification recorded."))
        if ok:
            return _back(asset.pk)
    return _form_page(request, form, title=_("Record a party notified of the early sale"), submit=_("Record"),
                      asset=asset)


@staff_view
def authorise(request: HttpRequest, asset_id: int) -> HttpResponse:
    """Who: custody.request_early_sale (case officers); refused until the parties were notified."""
    _require(request, "custody.request_early_sale")
    asset = get_object_or_404(Asset, pk=asset_id)
    form = AuthoriseForm(request.POST or None, asset=asset)
    if request.method == "POST" and form.is_valid():
        _result, ok = _attempt(request, form, lambda: services.early_sale_authorise(
            actor=request.user, asset_id=asset.pk, order_id=form.cleaned_data["order"].pk),
            _("The court's authorisation is recorded; the asset may now be sold."))
        if ok:
            return _back(asset.pk)
    return _form_page(request, form, title=_("Record the court's early-sale authorisation"), submit=_("Record"),
                      asset=asset)


@staff_view
@require_POST
def route_to_auction(request: HttpRequest, asset_id: int) -> HttpResponse:
    """Who: custody.sell_asset (auction managers)."""
    _require(request, "custody.sell_asset")
    _attempt(request, None, lambda: services.early_sale_route_to_auction(actor=request.user, asset_id=asset_id),
             _("The asset is for sale; it appears as a draft lot for the auction manager."))
    return _back(asset_id)


@staff_view
def direct_sale_add(request: HttpRequest, asset_id: int) -> HttpResponse:
    """Who: valuation.add_directsale (case officers, auction managers)."""
    _require(request, "valuation.add_directsale")
    asset = get_object_or_404(Asset, pk=asset_id)
    current = selectors.asset_current_valuation(asset.pk)
    form = DirectSaleForm(request.POST or None, initial={
        "currency": current.currency if current else asset.currency, "price": current.amount if current else None})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        _result, ok = _attempt(request, form, lambda: services.direct_sale_propose(
            actor=request.user, asset_id=asset.pk, buyer_name=d["buyer_name"], buyer_contact=d["buyer_contact"],
            price=d["price"], currency=d["currency"], justification=d["justification"]),
            _("Direct sale proposed; another approver must approve it."))
        if ok:
            return _back(asset.pk)
    return _form_page(request, form, title=_("Propose a direct sale of %(ref)s") % {"ref": asset.reference},
                      submit=_("Propose"), asset=asset)


@staff_view
@require_POST
def direct_sale_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """approve / reject: valuation.approve_directsale (approvers, not the proposer);
    complete: valuation.complete_directsale and custody.sell_asset (auction managers)."""
    sale = get_object_or_404(DirectSale, pk=pk)
    if decision == "approve":
        _require(request, "valuation.approve_directsale")
        _attempt(request, None, lambda: services.direct_sale_approve(actor=request.user, sale_id=pk),
                 _("Direct sale approved."))
    elif decision == "reject":
        _require(request, "valuation.approve_directsale")
        _attempt(request, None, lambda: services.direct_sale_reject(
            actor=request.user, sale_id=pk, reason=request.POST.get("reason", "")), _("Direct sale rejected."))
    elif decision == "complete":
        _require(request, "valuation.complete_directsale")
        _attempt(request, None, lambda: services.direct_sale_complete(actor=request.user, sale_id=pk),
                 _("Sale completed; the price is held in escrow for the case."))
    else:
        return _page(request, "valuation/admin/message.html", title=_("Not found"), status=404,
                     message=_("Unknown action."))
    return _back(sale.asset_id)
