"""Staff views of the custody register in the Wagtail admin, and the permission-checked file views.

Every view states who may see it (the `custody.*` permission it requires) and stays thin: it parses
a form, calls a service from `custody.services`, and turns the outcome into a page. Domain errors
(`custody.exceptions.DomainError`) become an error message and a redirect back to the page the user
came from; a service's `ValidationError` becomes form errors. Nothing here decides a business rule.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView

from common.exceptions import DomainError, TransitionConflict

from . import selectors, services
from .forms import (
    AssetFilterSet,
    AssetRegisterForm,
    CaseForm,
    CourtOrderForm,
    CustodyEventForm,
    PartyForm,
    PhotoUploadForm,
    TransitionForm,
    apply_validation_error,
)
from .models import Asset, AssetPhoto, Case, CourtOrder

ASSET_PANELS_HOOK = "custody_asset_panels"
ASSET_ACTIONS_HOOK = "custody_asset_actions"

PER_PAGE_CHOICES = (25, 50, 100)
DEFAULT_PER_PAGE = 50


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def require_perm(request: HttpRequest, *perms: str) -> None:
    """403 unless the user holds every one of `perms`."""
    if not request.user.is_authenticated or not request.user.has_perms(perms):
        raise PermissionDenied


def forbidden(request: HttpRequest) -> HttpResponse:
    """A plain 403 page inside the admin (Wagtail would otherwise turn the refusal into a redirect
    to the dashboard, which hides from scripts and auditors that the request was refused)."""
    title = _("Not allowed")
    return render(request, "custody/forbidden.html", {
        "page_title": title, "header_title": title, "header_icon": "lock",
        "breadcrumbs_items": _register_crumbs(("", title)),
    }, status=403)


def refuse_with_403(view: Callable) -> Callable:
    """Wrap an admin view so that PermissionDenied becomes a 403 response."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)

    return wrapped


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
    return [(reverse("custody_asset_index"), _("Assets")),
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


# --------------------------------------------------------------------------------------------
# Asset listing: custody.view_asset
# --------------------------------------------------------------------------------------------


class AssetIndexView(IndexView):
    """Assets, searchable by reference, title and identifier value, filtered, ordered and paginated
    (`?page=N&per_page=25|50|100`). Rows come from `selectors.asset_list`: one query whatever the page size.
    Who: anyone holding custody.view_asset."""

    model = Asset
    permission_required = "view"
    any_permission_required = None
    index_url_name = "custody_asset_index"
    index_results_url_name = "custody_asset_index_results"
    add_url_name = "custody_asset_register"
    template_name = "custody/asset_index.html"
    results_template_name = "custody/asset_index_results.html"
    filterset_class = AssetFilterSet
    page_kwarg = "page"
    search_fields = ["reference", "title"]  # enables the search box; the selector does the searching
    search_backend_name = None
    default_ordering = "-created_at"
    header_icon = "folder-inverse"
    page_title = gettext_lazy("Assets")
    add_item_label = gettext_lazy("Register an asset")

    @cached_property
    def is_searchable(self) -> bool:
        return True

    @cached_property
    def columns(self):
        """The listing's columns: their labels and sort keys head the table (custody/includes/asset_table.html
        renders the rows itself, in one template) and say which orderings are valid."""
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

    def get_paginate_by(self, queryset) -> int:
        try:
            per_page = int(self.request.GET.get("per_page", DEFAULT_PER_PAGE))
        except ValueError:
            return DEFAULT_PER_PAGE
        return per_page if per_page in PER_PAGE_CHOICES else DEFAULT_PER_PAGE

    def get_queryset(self):
        kwargs = self.filters.selector_kwargs() if self.filters else {}
        return selectors.asset_list(search=self.search_query, ordering=self.ordering or "", **kwargs)

    def get_list_more_buttons(self, instance):
        return []

    def asset_columns(self) -> list[dict]:
        """Header cells of the listing: label, and for sortable ones the ordering a click applies."""
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
        context["per_page"] = self.get_paginate_by(None)
        context["per_page_choices"] = PER_PAGE_CHOICES
        return context


# --------------------------------------------------------------------------------------------
# Asset page: custody.view_asset; actions need their own permission
# --------------------------------------------------------------------------------------------


@dataclass
class AssetPanel:
    """A panel that an app above custody adds to the asset page (see custody.wagtail_hooks)."""

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


@require_GET
def asset_detail(request, pk: int) -> HttpResponse:
    """Who: custody.view_asset. Action buttons only for what the user's role may do now."""
    require_perm(request, "custody.view_asset")
    try:
        asset = selectors.asset_detail(asset_id=pk)
    except Asset.DoesNotExist:
        raise Http404 from None
    user = request.user
    transitions = [
        {"name": t.name, "label": t.label, "url": reverse("custody_asset_transition", args=[asset.pk, t.name]),
         "danger": t.name in {"destroy", "declare_lost", "release"}}
        for t in services.asset_available_transitions(asset=asset, user=user)
    ]
    can_record_event = user.has_perm("custody.record_custody_event") and not asset.is_final
    can_add_photo = user.has_perm("custody.add_assetphoto")
    events = list(asset.custody_events.all())
    return _page(
        request, "custody/asset_detail.html", title=f"{asset.reference} — {asset.title}",
        crumbs=[(reverse("custody_asset_index"), _("Assets"))], icon="folder-inverse",
        asset=asset, identifiers=list(asset.identifiers.all()), photos=list(asset.photos.all()),
        orders=list(asset.orders.all()), events=events,
        transition_events=[e for e in events if e.kind == "status_change"],
        transitions=transitions,
        can_record_event=can_record_event, can_add_photo=can_add_photo,
        can_view_orders=user.has_perm("custody.view_courtorder"),
        can_add_order=user.has_perm("custody.add_courtorder"),
        event_form=CustodyEventForm() if can_record_event else None,
        photo_form=PhotoUploadForm() if can_add_photo else None,
        panels=asset_panels(request, asset), extra_actions=asset_actions(request, asset),
        read_only=not (transitions or can_record_event or can_add_photo),
    )


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


def _show_again(request) -> Callable[[DomainError], None]:
    def refused(exc: DomainError) -> None:
        messages.error(request, str(exc))

    return refused


def _transition_permission(asset: Asset, name: str) -> str | None:
    for t in asset.get_all_status_transitions():
        if t.name == name:
            return t.permission
    raise Http404


def asset_transition(request, pk: int, name: str) -> HttpResponse:
    """One life-cycle move. Who: the transition's own permission (e.g. custody.confiscate_asset)."""
    require_perm(request, "custody.view_asset")
    asset = get_object_or_404(Asset.objects.select_related("case"), pk=pk)
    if name not in services.TRANSITIONS or name in services.WORKFLOW_TRANSITIONS:
        raise Http404
    if perm := _transition_permission(asset, name):
        require_perm(request, perm)
    if request.method != "POST" and name not in {
            t.name for t in services.asset_available_transitions(asset=asset, user=request.user)}:
        messages.error(request, _("“%(action)s” is not possible while the asset is “%(status)s”.")
                       % {"action": services.TRANSITION_LABELS.get(name, name), "status": asset.get_status_display()})
        return redirect("custody_asset_detail", asset.pk)
    form = TransitionForm(**_bound(request), asset=asset, transition=name)

    def call(d: dict) -> Asset:
        return services.asset_transition(
            asset_id=asset.pk, transition=name, actor=request.user, reason=d.get("reason", ""),
            order_id=d["order"].pk if d.get("order") else None, expected_status=d["expected_status"],
            disposition=d.get("disposition") or None,
        )

    def done() -> str:
        asset.refresh_from_db(fields=["status"])
        return _("%(action)s: the asset is now “%(status)s”.") % {
            "action": form.label, "status": asset.get_status_display()}

    if response := _asset_submit(request, asset, form, call, done):
        return response
    return _page(request, "custody/asset_action_form.html", title=str(form.label), crumbs=_asset_crumbs(asset),
                 asset=asset, form=form, submit_label=form.label,
                 danger=name in {"destroy", "declare_lost", "release"}, status=400 if form.errors else 200)


def _action_form(request, asset: Asset, form, *, title: str, submit_label: str, intro: str = "") -> HttpResponse:
    return _page(request, "custody/asset_action_form.html", title=title, crumbs=_asset_crumbs(asset), asset=asset,
                 form=form, submit_label=submit_label, intro=intro, status=400 if form.errors else 200)


def custody_event_record(request, pk: int) -> HttpResponse:
    """Received / moved / inspected / condition report / handed over. Who: custody.record_custody_event."""
    require_perm(request, "custody.view_asset", "custody.record_custody_event")
    asset = get_object_or_404(Asset, pk=pk)
    form = CustodyEventForm(**_bound(request))
    response = _asset_submit(request, asset, form, lambda d: services.custody_event_record(
        asset_id=asset.pk, actor=request.user, kind=d["kind"], reason=d["reason"],
        location_id=d["location"].pk if d.get("location") else None, handed_to=d["handed_to"],
        condition=d["condition"],
    ), _("Custody event recorded."))
    return response or _action_form(request, asset, form, title=_("Record a custody event"),
                                    submit_label=_("Record event"))


def photo_add(request, pk: int) -> HttpResponse:
    """Who: custody.add_assetphoto. The file is checked (type by content, size, pixels) and re-encoded."""
    require_perm(request, "custody.view_asset", "custody.add_assetphoto")
    asset = get_object_or_404(Asset, pk=pk)
    form = PhotoUploadForm(**_bound(request))
    response = _asset_submit(request, asset, form, lambda d: services.asset_photo_add(
        asset_id=asset.pk, upload=d["image"], actor=request.user, caption=d["caption"]), _("Photo added."))
    return response or _action_form(request, asset, form, title=_("Add a photo"), submit_label=_("Upload"))


def _form_page(request, form, *, title: str, crumbs: list[tuple[str, str]], submit_label: str,
               **context: Any) -> HttpResponse:
    return _page(request, "custody/form_page.html", title=title, crumbs=crumbs, form=form, submit_label=submit_label,
                 status=400 if form.errors else 200, **context)


def _created(request, message: str, url_name: str) -> Callable[[Any], HttpResponse]:
    """On success: say what was created (`message` has %(ref)s) and open its page."""

    def success(obj) -> HttpResponse:
        messages.success(request, message % {"ref": obj.reference})
        return redirect(url_name, obj.pk)

    return success


def asset_register(request) -> HttpResponse:
    """Register an asset as identified. Who: custody.add_asset (case officer)."""
    require_perm(request, "custody.view_asset", "custody.add_asset")
    initial = {"case": case_id} if (case_id := request.GET.get("case", "")).isdigit() else {}
    form = AssetRegisterForm(**_bound(request), initial=initial)
    response = _submit(request, form, lambda d: services.asset_register(actor=request.user, **form.service_kwargs()),
                       success=_created(request, _("Asset %(ref)s registered."), "custody_asset_detail"),
                       refused=_show_again(request))
    return response or _form_page(request, form, title=_("Register an asset"),
                                  crumbs=[(reverse("custody_asset_index"), _("Assets"))],
                                  submit_label=_("Register asset"))


# --------------------------------------------------------------------------------------------
# Cases: custody.view_case
# --------------------------------------------------------------------------------------------


CASE_ASSETS_SHOWN = 50


@require_GET
def case_detail(request, pk: int) -> HttpResponse:
    """Who: custody.view_case. Parties (personal data) need custody.view_party."""
    require_perm(request, "custody.view_case")
    try:
        case = selectors.case_detail(case_id=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    user = request.user
    assets = selectors.case_assets(case=case)
    shown = list(assets[:CASE_ASSETS_SHOWN]) if user.has_perm("custody.view_asset") else []
    return _page(
        request, "custody/case_detail.html", title=f"{case.reference} — {case.title}",
        crumbs=[(reverse("custody_cases:index"), _("Cases"))], icon="folder-open-inverse",
        case=case, parties=list(case.parties.all()) if user.has_perm("custody.view_party") else None,
        orders=list(case.orders.all()) if user.has_perm("custody.view_courtorder") else None,
        assets=shown, assets_total=assets.count() if shown else 0,
        assets_url=reverse("custody_asset_index") + f"?case={case.pk}",
        can_add_party=user.has_perm("custody.add_party"), can_add_order=user.has_perm("custody.add_courtorder"),
        can_add_asset=user.has_perm("custody.add_asset"),
    )


def case_create(request) -> HttpResponse:
    """Who: custody.add_case (case officer)."""
    require_perm(request, "custody.view_case", "custody.add_case")
    form = CaseForm(**_bound(request))
    response = _submit(request, form, lambda d: services.case_create(actor=request.user, **d),
                       success=_created(request, _("Case %(ref)s opened."), "custody_case_detail"),
                       refused=_show_again(request))
    return response or _form_page(request, form, title=_("Open a case"),
                                  crumbs=[(reverse("custody_cases:index"), _("Cases"))], submit_label=_("Open case"))


def _case_crumbs(case: Case) -> list[tuple[str, str]]:
    return [(reverse("custody_cases:index"), _("Cases")),
            (reverse("custody_case_detail", args=[case.pk]), case.reference)]


def _back_to_case(request, case: Case, message: str, anchor: str = "") -> Callable[[Any], HttpResponse]:
    def success(_obj) -> HttpResponse:
        messages.success(request, message)
        return redirect(reverse("custody_case_detail", args=[case.pk]) + anchor)

    return success


def party_add(request, pk: int) -> HttpResponse:
    """Who: custody.add_party (case officer)."""
    require_perm(request, "custody.view_case", "custody.add_party")
    case = get_object_or_404(Case, pk=pk)
    form = PartyForm(**_bound(request))
    response = _submit(request, form, lambda d: services.party_add(actor=request.user, case=case, **d),
                       success=_back_to_case(request, case, _("Party added."), "#parties"),
                       refused=_show_again(request))
    return response or _form_page(request, form, title=_("Add a party"), crumbs=_case_crumbs(case),
                                  submit_label=_("Add party"))


def court_order_record(request, pk: int) -> HttpResponse:
    """Who: custody.add_courtorder (case officer)."""
    require_perm(request, "custody.view_case", "custody.add_courtorder")
    case = get_object_or_404(Case, pk=pk)
    initial = {"issuing_court": case.court}
    if (asset_id := request.GET.get("asset", "")).isdigit():
        initial["assets"] = [int(asset_id)]
    form = CourtOrderForm(**_bound(request), case=case, initial=initial)
    response = _submit(request, form, lambda d: services.court_order_record(
        actor=request.user, case=case, order_type=d["order_type"], reference=d["reference"],
        issued_on=d["issued_on"], issuing_court=d["issuing_court"], assets=list(d["assets"]),
        document=d.get("document"), publishable=d["publishable"], recipient_state=d.get("recipient_state") or "",
        summary=d["summary"],
    ), success=_back_to_case(request, case, _("Court order recorded."), "#orders"), refused=_show_again(request))
    return response or _form_page(request, form, title=_("Record a court order"), crumbs=_case_crumbs(case),
                                  submit_label=_("Record order"))


# --------------------------------------------------------------------------------------------
# Private files (mounted under /custody/): never served straight from storage
# --------------------------------------------------------------------------------------------

PHOTO_RENDITIONS = {"thumbnail", "medium", "original"}
_DOCUMENT_TYPES = ((b"%PDF-", "application/pdf", "pdf"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
                   (b"\xff\xd8\xff", "image/jpeg", "jpg"))


def _refuse(request, perm: str) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return None


def _file_response(fieldfile, content_type: str, *, attachment_name: str | None = None,
                   cache: str = "private, max-age=600") -> FileResponse:
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=attachment_name is not None,
                            filename=attachment_name or "")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def photo_file(request, pk: int, rendition: str) -> HttpResponse:
    """A photo rendition. Who: custody.view_asset."""
    if (refused := _refuse(request, "custody.view_asset")) is not None:
        return refused
    if rendition not in PHOTO_RENDITIONS:
        raise Http404
    photo = get_object_or_404(AssetPhoto, pk=pk)
    fieldfile = getattr(photo, "image" if rendition == "original" else rendition)
    if not fieldfile:
        raise Http404
    content_type = mimetypes.guess_type(fieldfile.name)[0] or "application/octet-stream"
    if content_type not in {"image/jpeg", "image/png", "image/webp"}:
        content_type = "application/octet-stream"
    return _file_response(fieldfile, content_type)


@require_GET
def order_document(request, pk: int) -> HttpResponse:
    """A court order's document, as a download. Who: custody.view_courtorder."""
    if (refused := _refuse(request, "custody.view_courtorder")) is not None:
        return refused
    order = get_object_or_404(CourtOrder, pk=pk)
    if not order.document:
        raise Http404
    try:
        with order.document.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise Http404 from None
    content_type, ext = "application/octet-stream", "bin"
    for signature, ctype, extension in _DOCUMENT_TYPES:
        if head.startswith(signature):
            content_type, ext = ctype, extension
            break
    safe_ref = "".join(c if c.isalnum() or c in "-_." else "-" for c in order.reference) or f"order-{order.pk}"
    return _file_response(order.document, content_type, attachment_name=f"{safe_ref}.{ext}",
                          cache="private, no-store")


def action_button(label: str, url: str, *, danger: bool = False) -> SafeString:
    """A button for apps adding actions through the custody_asset_actions hook."""
    classes = "button button-small" + (" no" if danger else " button-secondary")
    return format_html('<a class="{}" href="{}">{}</a>', classes, url, label)
