"""The custody register in the Wagtail admin: a "Register" menu with one viewset per model (cases,
assets, court orders, storage locations) on the shared kit (common.admin). The early-sale workflow
is valuation's: its section and buttons reach the asset page through the hooks below.

Each record's page is its viewset's inspect view; each life-cycle step is an Action of the viewset
(a button for exactly what the user's role may do now, a form, the stale-status check, the service
call). Forms save through custody.services; who may do what is in custody/roles.py (the auditor
reads everything and changes nothing). The asset listing is the one hand-tuned screen: its rows come
from selectors.asset_list in one query whatever the page size, and render in one template.

Extension points for the apps above custody
-------------------------------------------
custody never imports valuation, auctions or disposition. They add to the asset page through two
Wagtail hooks, registered in their own ``wagtail_hooks.py``::

    from wagtail import hooks

    @hooks.register("custody_asset_panels")
    def valuation_panel(request, asset):
        if not request.user.has_perm("valuation.view_valuation"):
            return None                      # nothing to show to this user
        return ValuationPanel(asset)         # has .title and .render_html()

    @hooks.register("custody_asset_actions")
    def valuation_actions(request, asset):
        from custody.admin_views import action_button
        return action_button(_("Request a valuation"), url)   # a SafeString

``custody_asset_panels``: each function takes ``(request, asset)`` and returns ``None`` (no panel),
an object with a ``.title`` and a ``.render_html()`` method returning HTML (a ``SafeString``, as
``render_to_string`` or a Wagtail ``Component`` gives), or simply an HTML string (a ``SafeString``),
or a list of these. Anything that is not marked safe is escaped, never trusted. Panels are shown below the asset's
own sections, in hook order, under their title.

``custody_asset_actions``: same signature and return values; each result is rendered in the asset
page's action bar (use ``custody.admin_views.action_button`` for a consistent look). The hook decides
who sees its buttons; the view behind each button must check permissions itself.

The asset's and the case's pages are also reachable under the stable URL names
``custody_asset_detail`` and ``custody_case_detail`` (pk as the argument), which the apps above link to.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, DateField, DateTimeField
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from common.admin.actions import Action, ActionView
from common.admin.columns import DayColumn, MoneyColumn, StatusColumn, YesNoColumn
from common.admin.dashboard import queue_panel_hook
from common.admin.pagination import PerPageMixin
from common.admin.viewsets import RecordIndexView, RecordInspectView, RecordViewSet, ServiceCreateView
from common.formats import format_day, format_number, format_value
from common.money import format_money
from common.versions import VERSION_FIELD

from . import dashboard, selectors, services
from .chain_admin import ChainVerificationViewSet
from .forms import (
    PARTY_FIELDS,
    AssetEditForm,
    AssetFilterSet,
    AssetRegisterForm,
    CaseEditForm,
    CaseFilterSet,
    CaseForm,
    CourtOrderEditForm,
    CourtOrderForm,
    CustodyEndDecisionForm,
    CustodyEndRefusalForm,
    CustodyEventForm,
    PartyForm,
    PhotoUploadForm,
    transition_form,
)
from .models import (
    FOUR_EYES_TRANSITIONS,
    Asset,
    AssetIdentifier,
    AssetStatus,
    Case,
    CourtOrder,
    CustodyEventKind,
    StorageLocation,
    category_rule,
)

# --------------------------------------------------------------------------------------------
# Extension points: panels and buttons that apps above custody add to the asset page
# --------------------------------------------------------------------------------------------

ASSET_PANELS_HOOK = "custody_asset_panels"
ASSET_ACTIONS_HOOK = "custody_asset_actions"


@dataclass
class AssetPanel:
    """A panel that an app above custody adds to the asset page."""

    id: str
    title: str
    html: SafeString


def _hook_results(hook_name: str, request, asset: Asset) -> list:
    results = []
    for fn in hooks.get_hooks(hook_name):
        result = fn(request, asset)
        if result is None:
            continue
        results.extend(result if isinstance(result, list | tuple) else [result])
    return results


def _as_html(item) -> SafeString:
    if hasattr(item, "render_html"):
        return conditional_escape(item.render_html())
    return conditional_escape(item)


def asset_panels(request, asset: Asset) -> list[AssetPanel]:
    return [AssetPanel(id=f"extension-{i}", title=str(getattr(p, "title", "") or ""), html=_as_html(p))
            for i, p in enumerate(_hook_results(ASSET_PANELS_HOOK, request, asset), start=1)]


def asset_actions(request, asset: Asset) -> list[SafeString]:
    return [_as_html(a) for a in _hook_results(ASSET_ACTIONS_HOOK, request, asset)]


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else "—"


def _change_value(model, name: str, value) -> str:
    """A value of the history as a person reads it: choices by their label, dates and yes/no in the
    user's language, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    if name == "identifiers":
        schemes = dict(AssetIdentifier.Scheme.choices)
        return ", ".join(f"{schemes.get(scheme, scheme)}: {text}" for scheme, text in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if isinstance(field, BooleanField):
        return format_value(bool(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, DateField) and not isinstance(field, DateTimeField):
        try:
            return format_day(datetime.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _field_label(model, name: str) -> str:
    if name == "identifiers":
        return _("identifiers")
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def record_changes(changes) -> list[dict]:
    """A record's corrections (RecordChange rows, newest first) for custody/admin/changes_panel.html:
    when, who, why, and one line per field ("Changed title from “…” to “…”")."""
    rows = []
    for change in changes:
        model = change.record_model
        rows.append({
            "at": change.at, "actor": _person(change.actor), "reason": change.reason,
            "lines": [_("Changed %(field)s from “%(from)s” to “%(to)s”") % {
                "field": _field_label(model, c["field"]), "from": _change_value(model, c["field"], c["from"]),
                "to": _change_value(model, c["field"], c["to"])} for c in change.changes],
        })
    return rows


def _record_order(request, record: Case | Asset, data: dict) -> CourtOrder:
    """Record a court order of a case, or of an asset's case (from either page)."""
    return services.court_order_record(
        actor=request.user, case=record.case if isinstance(record, Asset) else record,
        order_type=data["order_type"], reference=data["reference"], issued_on=data["issued_on"],
        issuing_court=data["issuing_court"], assets=list(data["assets"]), document=data.get("document"),
        publishable=data["publishable"], recipient_state=data.get("recipient_state") or "", summary=data["summary"])


class RegisterInspectView(RecordInspectView):
    """A record's page in the register (custody/admin/inspect.html): the steps the user may take in
    one bar above the particulars (as every record page of the kit);
    editing stays in the header's menu. Fields in `shown_when_set` are left out while empty."""

    template_name = "custody/admin/inspect.html"
    shown_when_set: tuple[str, ...] = ()

    def get_fields_context(self):
        return [self.get_context_for_field(name) for name in self.fields
                if name not in self.shown_when_set or getattr(self.object, name)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["particulars_heading"] = capfirst(self.model._meta.verbose_name)
        return context


# --------------------------------------------------------------------------------------------
# Cases: custody.view_case; parties (personal data) need custody.view_party
# --------------------------------------------------------------------------------------------

CASE_ASSETS_SHOWN = 50

CASE_ACTIONS = [
    Action(name="party_add", label=gettext_lazy("Add a party"), permission=("custody.view_case", "custody.add_party"),
           call=lambda request, case, data: services.party_add(
               actor=request.user, case=case, **{name: data[name] for name in PARTY_FIELDS}),
           form_class=PartyForm, success=gettext_lazy("Party added.")),
    Action(name="record_order", label=gettext_lazy("Record a court order"),
           permission=("custody.view_case", "custody.add_courtorder"), call=_record_order,
           form_class=CourtOrderForm, multipart=True, success=gettext_lazy("Court order recorded.")),
]


class CaseInspectView(RegisterInspectView):
    shown_when_set = ("requesting_state", "notes")

    def get_case_officer_display_value(self):
        return _person(self.object.case_officer)


class CaseViewSet(RecordViewSet):
    model = Case
    name = "custody_cases"
    url_prefix = "register/cases"
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Cases")
    policy_actions = ("add", "change", "view")
    queryset = staticmethod(selectors.case_list)
    create_service = staticmethod(lambda request, form: services.case_create(actor=request.user,
                                                                              **form.cleaned_data))
    update_service = staticmethod(lambda request, form, case: services.case_update(
        case_id=case.pk, actor=request.user, **form.cleaned_data))  # (with the form's VERSION_FIELD)
    record_version = staticmethod(services.case_version)
    actions = CASE_ACTIONS
    listing_search = selectors.CASE_SEARCH
    filterset_class = CaseFilterSet
    list_display = [
        "reference",
        Column("title", label=gettext_lazy("Title"), sort_key="title"),
        Column("court", label=gettext_lazy("Court"), sort_key="court"),
        StatusColumn("status", label=gettext_lazy("Status")),
        Column("legal_basis", label=gettext_lazy("Legal basis"), accessor="get_legal_basis_display"),
        Column("offence_type", label=gettext_lazy("Offence"), accessor="get_offence_type_display"),
        Column("country_of_origin", label=gettext_lazy("Origin"), sort_key="country_of_origin"),
        DayColumn("created_at", label=gettext_lazy("Opened"), sort_key="created_at"),
    ]
    inspect_view_class = CaseInspectView
    inspect_template_name = "custody/admin/case_inspect.html"
    inspect_view_fields = ["reference", "title", "court", "jurisdiction", "status", "legal_basis", "offence_type",
                           "country_of_origin", "requesting_state", "case_officer", "expected_decision_date",
                           "created_at", "notes"]

    def get_form_class(self, for_update=False):
        return CaseEditForm if for_update else CaseForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(default_ordering="-created_at", add_item_label=gettext_lazy("Open a case"),
                                             **kwargs)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(success_message=gettext_lazy("Case “%(object)s” opened."),
                                           submit_button_label=gettext_lazy("Open case"), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return {**super().get_inspect_view_kwargs(**kwargs), "queryset_getter": selectors.case_pages}

    def inspect_context(self, request, case: Case) -> dict:
        user = request.user
        assets = selectors.case_assets(case=case)
        shown = list(assets[:CASE_ASSETS_SHOWN]) if user.has_perm("custody.view_asset") else []
        return {
            "parties": list(case.parties.all()) if user.has_perm("custody.view_party") else None,
            "orders": list(case.orders.all()) if user.has_perm("custody.view_courtorder") else None,
            "assets": shown, "assets_total": assets.count() if shown else 0,
            "assets_url": reverse("custody_assets:index") + f"?case={case.pk}",
            "register_asset_url": (reverse("custody_assets:add") + f"?case={case.pk}"
                                   if user.has_perm("custody.add_asset") else ""),
            "changes": record_changes(case.changes.select_related("actor")),
        }


# --------------------------------------------------------------------------------------------
# Assets: custody.view_asset; each step needs its own permission
# --------------------------------------------------------------------------------------------

# States that wait on someone's decision: shown as primary status tags.
WAITING_STATES = (AssetStatus.EARLY_SALE_REQUESTED, AssetStatus.EARLY_SALE_AUTHORISED,
                  AssetStatus.AWAITING_DISPOSITION)
# Steps that end the agency's hold on the asset: red buttons.
DANGEROUS_TRANSITIONS = {"destroy", "declare_lost", "release"}
TRANSITION_PERMISSIONS = {t.name: t.permission for t in Asset._meta.get_field("status").get_all_transitions(Asset)}


def _transition_action(name: str) -> Action:
    """One move of the life cycle, offered when services.asset_available_transitions offers it."""
    label = services.TRANSITION_LABELS[name]

    def call(request, asset: Asset, data: dict) -> Asset:
        return services.asset_transition(
            asset_id=asset.pk, transition=name, actor=request.user, reason=data.get("reason", ""),
            order_id=data["order"].pk if data.get("order") else None,
            expected_status=data.get("expected_status") or None, disposition=data.get("disposition") or None)

    def available(user, asset: Asset) -> bool:
        # "For sale" from this page means the public auction (a direct sale is valuation's own step).
        if name == "put_up_for_sale" and not category_rule(asset.category).auctioned:
            return False
        return any(t.name == name for t in services.asset_available_transitions(asset=asset, user=user))

    blocked = _never_blocked
    if name in FOUR_EYES_TRANSITIONS:
        # Asked by one approver, approved by another (or taken at once citing the court's order).
        def call(request, asset: Asset, data: dict):
            return services.custody_end_request(
                asset_id=asset.pk, transition=name, actor=request.user, reason=data.get("reason", ""),
                order_id=data["order"].pk if data.get("order") else None,
                disposition=data.get("disposition") or None, expected_status=data.get("expected_status") or None)

        offered = available

        def available(user, asset: Asset) -> bool:
            return offered(user, asset) and services.custody_end_open_request(asset_id=asset.pk) is None

        def blocked(user, asset: Asset) -> str | None:
            if offered(user, asset) and services.custody_end_open_request(asset_id=asset.pk) is not None:
                return _("A request for this asset already awaits a second approver.")
            return None

    return Action(
        name=name, label=label, call=call, permission=("custody.view_asset", TRANSITION_PERMISSIONS[name]),
        available=available, blocked=blocked,
        form_class=transition_form(name), danger=name in DANGEROUS_TRANSITIONS,
        success=lambda asset: _("%(action)s: the asset is now “%(status)s”.") % {
            "action": label, "status": asset.get_status_display()} if name not in FOUR_EYES_TRANSITIONS
        or asset.is_final else _("%(action)s: asked; another approver must approve it.") % {"action": label})


def _never_blocked(user, asset: Asset) -> str | None:
    return None


def _end_decision_action(name: str, label, *, approve: bool) -> Action:
    """Approve or refuse the request awaiting a second approver: offered to approvers other than the
    requester; the requester sees why not (four eyes)."""

    def available(user, asset: Asset) -> bool:
        request = services.custody_end_open_request(asset_id=asset.pk)
        return request is not None and services.custody_end_decision_refusal(actor=user, request=request) is None

    def blocked(user, asset: Asset) -> str | None:
        request = services.custody_end_open_request(asset_id=asset.pk)
        return services.custody_end_decision_refusal(actor=user, request=request) if request else None

    def call(request, asset: Asset, data: dict):
        if approve:
            return services.custody_end_approve(asset_id=asset.pk, actor=request.user, note=data.get("reason", ""),
                                                expected_status=data.get("expected_status") or None)
        return services.custody_end_refuse(asset_id=asset.pk, actor=request.user, reason=data.get("reason", ""),
                                           expected_status=data.get("expected_status") or None)

    return Action(
        name=name, label=label, call=call, permission=("custody.view_asset", "custody.dispose_asset"),
        available=available, blocked=blocked, danger=approve,
        form_class=CustodyEndDecisionForm if approve else CustodyEndRefusalForm,
        success=(lambda asset: _("Approved: the asset is now “%(status)s”.") % {"status": asset.get_status_display()})
        if approve else gettext_lazy("Refused: the asset stays as it is."))


ASSET_ACTIONS = [
    *(_transition_action(name) for name in services.TRANSITIONS if name not in services.WORKFLOW_TRANSITIONS),
    _end_decision_action("end_approve", gettext_lazy("Approve the request (second approver)"), approve=True),
    _end_decision_action("end_refuse", gettext_lazy("Refuse the request"), approve=False),
    Action(name="custody_event", label=gettext_lazy("Record custody event"),
           permission=("custody.view_asset", "custody.record_custody_event"),
           available=lambda user, asset: not asset.is_final,
           call=lambda request, asset, data: services.custody_event_record(
               asset_id=asset.pk, actor=request.user, kind=data["kind"], reason=data["reason"],
               location_id=data["location"].pk if data.get("location") else None, handed_to=data["handed_to"],
               condition=data["condition"]),
           form_class=CustodyEventForm, success=gettext_lazy("Custody event recorded.")),
    Action(name="photo_add", label=gettext_lazy("Add photo"),
           permission=("custody.view_asset", "custody.add_assetphoto"),
           call=lambda request, asset, data: services.asset_photo_add(
               asset_id=asset.pk, upload=data["image"], actor=request.user, caption=data["caption"]),
           form_class=PhotoUploadForm, multipart=True, success=gettext_lazy("Photo added."),
           intro=gettext_lazy("The photo is checked and stored without its metadata (EXIF, GPS).")),
    Action(name="record_order", label=gettext_lazy("Record a court order"),
           permission=("custody.view_asset", "custody.add_courtorder"), call=_record_order,
           form_class=CourtOrderForm, multipart=True, success=gettext_lazy("Court order recorded."),
           intro=gettext_lazy("An order of this asset's case; tick every asset it covers.")),
]


class AssetIndexView(PerPageMixin, RecordIndexView):
    """Assets, searchable by reference, title, identifiers, case and parties, filtered, ordered and paginated
    (`?p=N&per_page=25|50|100`). Rows come from `selectors.asset_list`: one query whatever the
    page size, rendered in one template (custody/admin/asset_index_results.html)."""

    results_template_name = "custody/admin/asset_index_results.html"
    default_ordering = "-created_at"

    @cached_property
    def add_item_label(self):
        return _("Register an asset")

    @cached_property
    def columns(self):
        """The listing's columns: their labels and sort keys head the table and say which orderings
        are valid; the template renders the cells."""
        return [
            Column("reference", label=_("Reference"), sort_key="reference"),
            Column("title", label=_("Title"), sort_key="title"),
            Column("category", label=_("Category"), sort_key="category"),
            Column("status", label=_("Status"), sort_key="status"),
            Column("case", label=_("Case")),
            Column("location", label=_("Location")),
            Column("declared_value", label=_("Declared value"), sort_key="declared_value"),
            Column("created_at", label=_("Registered"), sort_key="created_at"),
        ]

    def get_queryset(self):
        kwargs = self.filters.selector_kwargs() if self.filters else {}
        return selectors.asset_list(search=self.search_query, ordering=self.ordering or "", user=self.request.user,
                                    by_relevance=not self.is_explicitly_ordered, **kwargs)

    def asset_columns(self) -> list[dict]:
        """Header cells: label, and for sortable ones the ordering a click applies."""
        current = self.ordering or ""
        result = []
        for column in self.columns:
            key = column.sort_key
            direction = "asc" if current == key else "desc" if current == f"-{key}" else ""
            result.append({"label": column.label, "sort_key": key, "direction": direction,
                           "next_ordering": f"-{key}" if direction == "asc" else key})
        return result

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["asset_columns"] = self.asset_columns()
        context["waiting_states"] = WAITING_STATES
        # Each row's link is this prefix and its pk: reversing a namespaced URL per row cost 40 µs,
        # 4 ms of a 100-row page.
        context["asset_url_prefix"] = reverse("custody_assets:inspect", args=[0]).removesuffix("0/")
        return context


class AssetCreateView(ServiceCreateView):
    """Registration, with the case chosen beforehand when opened from a case's page (`?case=`)."""

    def get_initial(self):
        initial = super().get_initial()
        if (case := self.request.GET.get("case", "")).isdigit():
            initial["case"] = int(case)
        return initial


class AssetInspectView(RegisterInspectView):
    shown_when_set = ("confiscated_at", "disposition_method", "description")

    def get_quantity_display_value(self):
        return f"{format_number(self.object.quantity)} {self.object.unit}"

    def get_declared_value_display_value(self):
        return format_html('<span data-money>{}</span>', format_money(self.object.declared_value,
                                                                      self.object.currency))

    def get_case_display_value(self):
        case = self.object.case
        return format_html('<a href="{}">{}</a> — {}', reverse("custody_cases:inspect", args=[case.pk]),
                           case.reference, case.title)

    def get_location_display_value(self):
        asset = self.object
        name = asset.location.name if asset.location else "—"
        return f"{name} ({asset.location_note})" if asset.location_note else name

    def get_custodian_display_value(self):
        return _person(self.object.custodian)


class AssetActionView(ActionView):
    """A step on an asset: the asset's own words for a step not possible now and for a stale form,
    and a way to the order form when a step needs an order not recorded yet."""

    template_name = "custody/admin/asset_action_form.html"

    def not_possible_message(self) -> str:
        if why := self.action.blocked(self.request.user, self.object):
            return str(why)
        if why := services.asset_category_refusal(asset=self.object, transition=self.action.name,
                                                  label=self.action.label):
            return why
        return _("“%(action)s” is not possible while the asset is “%(status)s”.") % {
            "action": self.action.label, "status": self.object.get_status_display()}

    def post(self, request, *args, **kwargs):
        seen = request.POST.get("expected_status")
        if seen and seen != self.object.status:
            messages.error(request, _("Someone else changed this asset while you were looking at it: it is now "
                                      "“%(status)s”. Review it and try again.")
                           % {"status": self.object.get_status_display()})
            return redirect(self.record_url(self.object))
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perms(("custody.view_asset", "custody.add_courtorder")):
            context["record_order_url"] = reverse("custody_assets:action_record_order", args=[self.object.pk])
        return context


class AssetViewSet(RecordViewSet):
    model = Asset
    name = "custody_assets"
    url_prefix = "register/assets"
    icon = "folder-inverse"
    menu_label = gettext_lazy("Assets")
    policy_actions = ("add", "change", "view")
    queryset = staticmethod(lambda: Asset.objects.select_related("case"))
    index_view_class = AssetIndexView
    add_view_class = AssetCreateView
    inspect_view_class = AssetInspectView
    action_view_class = AssetActionView
    filterset_class = AssetFilterSet
    listing_search = selectors.ASSET_SEARCH  # (AssetIndexView hands the search to selectors.asset_list)
    create_service = staticmethod(lambda request, form: services.asset_register(actor=request.user,
                                                                                 **form.service_kwargs()))
    update_service = staticmethod(lambda request, form, asset: services.asset_update(
        asset_id=asset.pk, actor=request.user, expected_version=form.cleaned_data.get(VERSION_FIELD),
        **form.service_kwargs()))
    record_version = staticmethod(services.asset_version)
    actions = ASSET_ACTIONS
    inspect_template_name = "custody/admin/asset_inspect.html"
    inspect_view_fields = ["reference", "title", "category", "quantity", "declared_value", "perishable", "case",
                           "location", "custodian", "created_at", "confiscated_at", "disposition_method",
                           "description"]

    def get_form_class(self, for_update=False):
        return AssetEditForm if for_update else AssetRegisterForm

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(success_message=gettext_lazy("Asset “%(object)s” registered."),
                                           submit_button_label=gettext_lazy("Register asset"), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return {**super().get_inspect_view_kwargs(**kwargs), "queryset_getter": selectors.asset_pages}

    def inspect_context(self, request, asset: Asset) -> dict:
        events = list(asset.custody_events.all())
        return {
            "identifiers": list(asset.identifiers.all()), "photos": list(asset.photos.all()),
            "orders": list(asset.orders.all()), "events": events,
            "transition_events": [e for e in events if e.kind == CustodyEventKind.STATUS_CHANGE],
            "can_view_orders": request.user.has_perm("custody.view_courtorder"),
            "status_tone": "primary" if asset.status in WAITING_STATES else "",
            "panels": asset_panels(request, asset), "extra_actions": asset_actions(request, asset),
            "changes": record_changes(asset.changes.select_related("actor")),
            "end_request": services.custody_end_open_request(asset_id=asset.pk),
        }


# --------------------------------------------------------------------------------------------
# Court orders: custody.view_courtorder; recorded from their case's or asset's page
# --------------------------------------------------------------------------------------------


def _document_link(order: CourtOrder) -> str:
    if not order.document:
        return "—"
    return format_html('<a class="button button-small button-secondary" href="{}" data-document>{}</a>',
                       reverse("custody:order_document", args=[order.pk]), _("Download"))


class CourtOrderInspectView(RegisterInspectView):
    shown_when_set = ("recipient_state", "summary")

    def get_case_display_value(self):
        case = self.object.case
        return format_html('<a href="{}">{}</a> — {}', reverse("custody_cases:inspect", args=[case.pk]),
                           case.reference, case.title)

    def get_document_display_value(self):
        return _document_link(self.object)

    def get_created_by_display_value(self):
        return _person(self.object.created_by)


class CourtOrderViewSet(RecordViewSet):
    model = CourtOrder
    name = "custody_orders"
    url_prefix = "register/orders"
    icon = "doc-full"
    menu_label = gettext_lazy("Court orders")
    policy_actions = ("change", "view")  # recorded from their case's or asset's page
    queryset = staticmethod(selectors.court_order_list)
    update_service = staticmethod(lambda request, form, order: services.court_order_update(
        order_id=order.pk, actor=request.user, expected_version=form.cleaned_data.get(VERSION_FIELD),
        **form.service_kwargs()))
    record_version = staticmethod(services.court_order_version)
    search_fields = ["reference", "issuing_court", "case__reference"]
    list_filter = ["order_type", "publishable"]
    list_display = [
        "reference",
        Column("order_type", label=gettext_lazy("Type"), accessor="get_order_type_display", sort_key="order_type"),
        Column("case", label=gettext_lazy("Case"), accessor="case.reference"),
        Column("issued_on", label=gettext_lazy("Date issued"), sort_key="issued_on",
               accessor=lambda o: format_day(o.issued_on)),
        Column("issuing_court", label=gettext_lazy("Issuing court")),
        YesNoColumn("publishable", label=gettext_lazy("May be published")),
        Column("document", label=gettext_lazy("Document"), accessor=_document_link),
    ]
    inspect_view_class = CourtOrderInspectView
    inspect_template_name = "custody/admin/order_inspect.html"
    inspect_view_fields = ["order_type", "reference", "case", "issued_on", "issuing_court", "document", "publishable",
                           "recipient_state", "summary", "created_by", "created_at"]

    def get_form_class(self, for_update=False):
        return CourtOrderEditForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(default_ordering="-issued_on", **kwargs)

    def inspect_context(self, request, order: CourtOrder) -> dict:
        assets = order.assets.order_by("reference") if request.user.has_perm("custody.view_asset") else []
        return {"covered_assets": list(assets), "changes": record_changes(order.changes.select_related("actor"))}


# --------------------------------------------------------------------------------------------
# Storage locations: read by all staff, added and changed by custodians
# --------------------------------------------------------------------------------------------


class StorageLocationInspectView(RegisterInspectView):
    def get_daily_rate_display_value(self):
        return format_money(self.object.daily_rate, self.object.currency)


class StorageLocationViewSet(RecordViewSet):
    model = StorageLocation
    name = "custody_storage"
    url_prefix = "register/storage"
    icon = "home"
    menu_label = gettext_lazy("Storage locations")
    policy_actions = ("add", "change", "view")
    form_fields = list(services.STORAGE_LOCATION_FIELDS)
    create_service = staticmethod(lambda request, form: services.storage_location_create(
        actor=request.user, **form.cleaned_data))
    update_service = staticmethod(lambda request, form, location: services.storage_location_update(
        location_id=location.pk, actor=request.user, **form.cleaned_data))
    search_fields = ["name", "address", "public_area"]
    list_filter = ["kind", "active"]
    list_display = ["name", Column("kind", label=gettext_lazy("Kind"), accessor="get_kind_display"),
                    Column("public_area", label=gettext_lazy("Area shown to the public")),
                    MoneyColumn("daily_rate", label=gettext_lazy("Daily rate"), sort_key="daily_rate"),
                    YesNoColumn("active", label=gettext_lazy("Active"))]
    inspect_view_class = StorageLocationInspectView
    inspect_view_fields = list(services.STORAGE_LOCATION_FIELDS)


# --------------------------------------------------------------------------------------------
# The Register menu
# --------------------------------------------------------------------------------------------

case_viewset = CaseViewSet()
asset_viewset = AssetViewSet()


class RegisterGroup(ViewSetGroup):
    menu_label = gettext_lazy("Register")
    menu_name = "register"  # not the label's slug, which follows the first request's language
    menu_icon = "folder-open-inverse"
    menu_order = 150
    items = (case_viewset, asset_viewset, CourtOrderViewSet, StorageLocationViewSet, ChainVerificationViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return RegisterGroup()


@hooks.register("construct_homepage_panels")
def register_dashboard_panel(request, panels):
    queue_panel_hook(request, panels, name="register", title=_("Register"), order=100, queues=dashboard.queues)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        # The record pages under stable names, for the apps above (same views as the viewsets' inspect).
        path("register/assets/inspect/<int:pk>/", asset_viewset.inspect_view, name="custody_asset_detail"),
        path("register/cases/inspect/<int:pk>/", case_viewset.inspect_view, name="custody_case_detail"),
    ]
