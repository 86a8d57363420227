"""The early-sale screens of the register's admin: request, endorse, reject, the court's
authorisation, the early-sale requests listing, and the early-sale section and buttons of the asset
page (through the `custody_asset_panels` / `custody_asset_actions` hooks, like any app above).

Transitional. The early-sale workflow is moving out of custody into valuation (issue 8, section 4).
Everything of it that custody's admin had lives in this one module, with the forms and helpers only
it uses, registered from custody/wagtail_hooks.py; deleting this module, its template
(custody/early_sale/requests_panel.html), tests/custody/test_early_sale_admin.py and the lines of
wagtail_hooks.py that name it removes it from custody's admin. The views are those of custody's former
admin_views.py, moved unchanged but for rendering the kit's action form page.
custody/services.py keeps the early_sale_* services until valuation owns them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from common.admin.responses import refuse_with_403
from common.admin.responses import require_perms as require_perm
from common.exceptions import DomainError, TransitionConflict
from common.forms import apply_validation_error

from . import selectors, services
from .models import Asset, AssetStatus, EarlySaleReason, EarlySaleRequest, EarlySaleStatus, OrderType

# --------------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------------


class EarlySaleRequestForm(forms.Form):
    expected_status = forms.CharField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=gettext_lazy("Ground"), choices=EarlySaleReason.choices)
    justification = forms.CharField(
        label=gettext_lazy("Justification"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Why the asset should be sold before the final decision (the court will read this)."),
    )


class EarlySaleDecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["note"].required = True
            self.fields["note"].label = gettext_lazy("Reason for rejecting")


class EarlySaleAuthoriseForm(forms.Form):
    expected_status = forms.CharField(widget=forms.HiddenInput)
    order = forms.ModelChoiceField(label=gettext_lazy("Early-sale authorisation order"), queryset=None)

    def __init__(self, *args, asset: Asset, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("expected_status", asset.status)
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = selectors.orders_covering_asset(asset=asset, order_type=OrderType.EARLY_SALE)


# --------------------------------------------------------------------------------------------
# Helpers (the part of custody's former admin_views that these views use)
# --------------------------------------------------------------------------------------------


def _register_crumbs(*items: tuple[str, str]) -> list[dict]:
    crumbs = [{"url": reverse("wagtailadmin_home"), "label": _("Home")}]
    crumbs += [{"url": url, "label": label} for url, label in items]
    return crumbs


def _page(request, template: str, *, title: str, crumbs: list[tuple[str, str]], icon: str = "folder-open-inverse",
          status: int = 200, **context: Any) -> HttpResponse:
    context.update({
        "page_title": title, "header_title": title, "header_icon": icon,
        "breadcrumbs_items": _register_crumbs(*crumbs, ("", title)),
    })
    return render(request, template, context, status=status)


def _asset_crumbs(asset: Asset) -> list[tuple[str, str]]:
    return [(reverse("custody_assets:index"), _("Assets")),
            (reverse("custody_asset_detail", args=[asset.pk]), asset.reference)]


def _domain_error(request, exc: DomainError, asset: Asset) -> HttpResponse:
    messages.error(request, str(exc))
    return redirect("custody_asset_detail", asset.pk)


def _conflict(asset: Asset) -> TransitionConflict:
    return TransitionConflict(
        _("Someone else changed this asset while you were looking at it: it is now “%(status)s”. "
          "Review it and try again.") % {"status": asset.get_status_display()}
    )


def _stale(request, asset: Asset) -> bool:
    seen = request.POST.get("expected_status")
    return bool(seen) and seen != asset.status


def _bound(request) -> dict:
    """Form arguments: bound to the request's data on POST (even an empty POST), unbound on GET."""
    if request.method == "POST":
        return {"data": request.POST, "files": request.FILES}
    return {}


def _submit(request, form, call: Callable[[dict], Any], *, success: Callable[[Any], HttpResponse],
            refused: Callable[[DomainError], HttpResponse | None]) -> HttpResponse | None:
    """On a valid POST, call the service. Its domain errors go to `refused` (a redirect, or None to
    show the form again), its ValidationError onto the form. Returns None when the form is to be shown."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except DomainError as exc:
        return refused(exc)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None
    return success(result)


def _asset_submit(request, asset: Asset, form, call: Callable[[dict], Any], message: str | Callable[[], str],
                  ) -> HttpResponse | None:
    """`_submit` for an action on an asset: a stale `expected_status` is a conflict before anything
    else; success and domain errors both lead back to the asset page with a message."""
    if request.method == "POST" and _stale(request, asset):
        return _domain_error(request, _conflict(asset), asset)

    def success(_result) -> HttpResponse:
        messages.success(request, message() if callable(message) else message)
        return redirect("custody_asset_detail", asset.pk)

    return _submit(request, form, call, success=success, refused=lambda exc: _domain_error(request, exc, asset))


def _action_form(request, asset: Asset, form, *, title: str, submit_label: str, intro: str = "") -> HttpResponse:
    """The kit's action form page (custody's own form template went with its viewsets)."""
    return _page(request, "common/admin/action_form.html", title=title, crumbs=_asset_crumbs(asset), object=asset,
                 status_text=asset.get_status_display(), action={"label": submit_label, "intro": intro},
                 cancel_url=reverse("custody_asset_detail", args=[asset.pk]), form=form,
                 status=400 if form.errors else 200)


# --------------------------------------------------------------------------------------------
# The asset page's early-sale buttons, and why some are blocked
# --------------------------------------------------------------------------------------------


@dataclass
class Blocked:
    """An action the user's role would allow, but not now or not them; the page says why."""

    label: str
    why: str


def _early_sale_actions(request, asset: Asset, open_request) -> tuple[list[dict], list[Blocked]]:
    user = request.user
    actions, blocked = [], []
    if (asset.status == AssetStatus.IN_CUSTODY and open_request is None
            and user.has_perm("custody.request_early_sale")):
        actions.append({"name": "early_sale_request", "label": _("Request early sale"),
                        "url": reverse("custody_early_sale_request", args=[asset.pk])})
    if open_request is None or asset.status != AssetStatus.EARLY_SALE_REQUESTED:
        return actions, blocked
    if user.has_perm("custody.endorse_early_sale"):
        if open_request.requested_by_id == user.pk:
            why = _("You requested this early sale; another approver must decide on it (four eyes).")
            if open_request.status == EarlySaleStatus.REQUESTED:
                blocked.append(Blocked(_("Endorse early sale"), why))
            blocked.append(Blocked(_("Reject early sale"), why))
        else:
            if open_request.status == EarlySaleStatus.REQUESTED:
                actions.append({"name": "early_sale_endorse", "label": _("Endorse early sale"),
                                "url": reverse("custody_early_sale_endorse", args=[asset.pk])})
            actions.append({"name": "early_sale_reject", "label": _("Reject early sale"),
                            "url": reverse("custody_early_sale_reject", args=[asset.pk]), "danger": True})
    if user.has_perm("custody.request_early_sale"):
        if open_request.status == EarlySaleStatus.ENDORSED:
            actions.append({"name": "early_sale_authorise", "label": _("Record the court's authorisation"),
                            "url": reverse("custody_early_sale_authorise", args=[asset.pk])})
        else:
            blocked.append(Blocked(_("Record the court's authorisation"),
                                   _("An approver must endorse the request first.")))
    return actions, blocked


@hooks.register("custody_asset_actions")
def early_sale_buttons(request, asset: Asset):
    """The early-sale steps the user may take now, and a line for each one blocked, with why."""
    if not request.user.has_perm("custody.view_asset"):
        return None
    actions, blocked = _early_sale_actions(request, asset, selectors.asset_open_early_sale_request(asset=asset))
    html = [format_html('<a class="button button-small {}" href="{}" data-action="{}">{}</a>',
                        "no" if a.get("danger") else "button-secondary", a["url"], a["name"], a["label"])
            for a in actions]
    html += [format_html('<p class="help w-w-full w-m-0" data-blocked><strong>{}</strong>: {}</p>', b.label, b.why)
             for b in blocked]
    return html


@dataclass
class EarlySalePanel:
    title: str
    requests: list[EarlySaleRequest]

    def render_html(self) -> str:
        return render_to_string("custody/early_sale/requests_panel.html", {"early_sale_requests": self.requests})


@hooks.register("custody_asset_panels")
def early_sale_panel(request, asset: Asset):
    """The asset's early-sale requests (from the asset page's prefetch), if it has any."""
    requests = list(asset.early_sale_requests.all())
    return EarlySalePanel(title=_("Early-sale requests"), requests=requests) if requests else None


# --------------------------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------------------------


def early_sale_request(request, pk: int) -> HttpResponse:
    """Who: custody.request_early_sale (case officer)."""
    require_perm(request, "custody.view_asset", "custody.request_early_sale")
    asset = get_object_or_404(Asset, pk=pk)
    form = EarlySaleRequestForm(**_bound(request), initial={"expected_status": asset.status})
    response = _asset_submit(request, asset, form, lambda d: services.early_sale_request(
        asset_id=asset.pk, actor=request.user, reason=d["reason"], justification=d["justification"],
        expected_status=d["expected_status"],
    ), _("Early sale requested; an approver must now endorse it."))
    return response or _action_form(request, asset, form, title=_("Request early sale"),
                                    submit_label=_("Request early sale"))


def _early_sale_decision(request, pk: int, *, reject: bool) -> HttpResponse:
    require_perm(request, "custody.view_asset", "custody.endorse_early_sale")
    asset = get_object_or_404(Asset, pk=pk)
    form = EarlySaleDecisionForm(**_bound(request), reason_required=reject)
    if reject:
        response = _asset_submit(request, asset, form, lambda d: services.early_sale_reject(
            asset_id=asset.pk, actor=request.user, reason=d["note"]), _("Early sale rejected."))
    else:
        response = _asset_submit(request, asset, form, lambda d: services.early_sale_endorse(
            asset_id=asset.pk, actor=request.user, note=d["note"]), _("Early sale endorsed."))
    title = _("Reject early sale") if reject else _("Endorse early sale")
    return response or _action_form(request, asset, form, title=title, submit_label=title)


def early_sale_endorse(request, pk: int) -> HttpResponse:
    """Who: custody.endorse_early_sale (approver), never the requester (the service refuses)."""
    return _early_sale_decision(request, pk, reject=False)


def early_sale_reject(request, pk: int) -> HttpResponse:
    """Who: custody.endorse_early_sale (approver), never the requester."""
    return _early_sale_decision(request, pk, reject=True)


def early_sale_authorise(request, pk: int) -> HttpResponse:
    """Record the court's early-sale authorisation. Who: custody.request_early_sale (case officer)."""
    require_perm(request, "custody.view_asset", "custody.request_early_sale")
    asset = get_object_or_404(Asset, pk=pk)
    form = EarlySaleAuthoriseForm(**_bound(request), asset=asset)
    response = _asset_submit(request, asset, form, lambda d: services.early_sale_authorise(
        asset_id=asset.pk, actor=request.user, order_id=d["order"].pk, expected_status=d["expected_status"],
    ), _("The court's authorisation is recorded; the asset may be put up for sale."))
    return response or _action_form(
        request, asset, form, title=_("Record the court's authorisation"), submit_label=_("Record authorisation"),
        intro=_("Cite the early-sale authorisation order; record it first on the case page."))


def admin_urls() -> list:
    """The steps' admin URLs (registered by custody/wagtail_hooks.py)."""
    urls = [
        path("register/assets/<int:pk>/early-sale/request/", early_sale_request, name="custody_early_sale_request"),
        path("register/assets/<int:pk>/early-sale/endorse/", early_sale_endorse, name="custody_early_sale_endorse"),
        path("register/assets/<int:pk>/early-sale/reject/", early_sale_reject, name="custody_early_sale_reject"),
        path("register/assets/<int:pk>/early-sale/authorise/", early_sale_authorise,
             name="custody_early_sale_authorise"),
    ]
    for url in urls:
        url.callback = refuse_with_403(url.callback)
    return urls


# --------------------------------------------------------------------------------------------
# The early-sale requests listing (rows open the asset's page)
# --------------------------------------------------------------------------------------------


class EarlySaleRequestIndexView(IndexView):
    """Wagtail's listing, each row opening the asset's page; no add, edit or delete."""

    def get_base_queryset(self):
        return selectors.early_sale_request_list()

    def get_edit_url(self, instance):
        return reverse("custody_asset_detail", args=[instance.asset_id])

    def get_inspect_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_add_url(self):
        return None

    def get_list_more_buttons(self, instance):
        return []


class EarlySaleRequestViewSet(ModelViewSet):
    """Only the listing (and its results fragment); every change goes through the steps above."""

    model = EarlySaleRequest
    name = "custody_early_sale"
    url_prefix = "register/early-sale"
    icon = "time"
    menu_label = gettext_lazy("Early-sale requests")
    index_view_class = EarlySaleRequestIndexView
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    search_backend_name = None
    list_per_page = 50
    search_fields = ["asset__reference", "asset__title"]
    list_filter = ["status", "reason"]
    list_display = [
        TitleColumn("asset", label=gettext_lazy("Asset"), accessor="asset.reference",
                    get_url=lambda r: reverse("custody_asset_detail", args=[r.asset_id])),
        Column("asset_title", label=gettext_lazy("Title"), accessor="asset.title"),
        Column("status", label=gettext_lazy("Status"), accessor="get_status_display", sort_key="status"),
        Column("reason", label=gettext_lazy("Ground"), accessor="get_reason_display"),
        Column("requested_by", label=gettext_lazy("Requested by"),
               accessor=lambda r: r.requested_by.get_full_name() or r.requested_by.username),
        DateColumn("requested_at", label=gettext_lazy("Requested"), sort_key="requested_at"),
        Column("decided_by", label=gettext_lazy("Decided by"),
               accessor=lambda r: (r.decided_by.get_full_name() or r.decided_by.username) if r.decided_by else "—"),
    ]

    def construct_view(self, view_class, **kwargs):
        return refuse_with_403(super().construct_view(view_class, **kwargs))

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, "history_url_name": None,
               "usage_url_name": None, **kwargs})

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(default_ordering="-requested_at", **kwargs)
