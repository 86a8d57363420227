"""The custody register in the Wagtail admin: a "Register" menu (cases, assets, court orders, storage
locations) and the asset page.

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
"""

from __future__ import annotations

from django.urls import path, reverse, reverse_lazy
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views, selectors
from .models import Case, CourtOrder, StorageLocation

# --------------------------------------------------------------------------------------------
# Listing-only viewsets: rows link to the register's own pages; changes go through services.
# --------------------------------------------------------------------------------------------


class RegisterIndexView(IndexView):
    """A Wagtail listing whose rows open the register's own page (`detail_url`) and whose "add"
    button leads to the register's own form (`create_url_name`, shown to holders of `create_perm`)."""

    detail_url = None
    create_url_name: str | None = None
    create_perm: str | None = None
    base_queryset = None
    list_per_page = 50

    def get_base_queryset(self):
        return self.base_queryset() if self.base_queryset else super().get_base_queryset()

    def get_edit_url(self, instance):
        return self.detail_url(instance) if self.detail_url else None

    def get_inspect_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_add_url(self):
        if self.create_url_name and self.request.user.has_perm(self.create_perm):
            return reverse(self.create_url_name)
        return None

    def get_list_more_buttons(self, instance):
        return []


class RefuseWith403Mixin:
    """Views of the register answer 403 to a user without the permission (see admin_views.forbidden)."""

    def construct_view(self, view_class, **kwargs):
        return admin_views.refuse_with_403(super().construct_view(view_class, **kwargs))


class ListingOnlyViewSet(RefuseWith403Mixin, ModelViewSet):
    """Only the listing (and its results fragment) of a model; no generic create/edit/delete that
    would bypass the custody services."""

    index_view_class = RegisterIndexView
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    search_backend_name = None
    list_per_page = 50

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, "history_url_name": None,
               "usage_url_name": None, **kwargs})


class CaseViewSet(ListingOnlyViewSet):
    model = Case
    name = "custody_cases"
    url_prefix = "register/cases"
    icon = "folder-open-inverse"
    menu_label = _("Cases")
    search_fields = ["reference", "title", "court"]
    list_filter = ["status", "legal_basis", "offence_type", "country_of_origin"]
    list_display = [
        TitleColumn("reference", label=_("Reference"), sort_key="reference",
                    get_url=lambda c: reverse("custody_case_detail", args=[c.pk])),
        Column("title", label=_("Title"), sort_key="title"),
        Column("court", label=_("Court"), sort_key="court"),
        Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
        Column("legal_basis", label=_("Legal basis"), accessor="get_legal_basis_display"),
        Column("offence_type", label=_("Offence"), accessor="get_offence_type_display"),
        Column("country_of_origin", label=_("Origin"), sort_key="country_of_origin"),
        DateColumn("created_at", label=_("Opened"), sort_key="created_at"),
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            detail_url=lambda c: reverse("custody_case_detail", args=[c.pk]), create_url_name="custody_case_create",
            create_perm="custody.add_case", base_queryset=selectors.case_list, default_ordering="-created_at",
            add_item_label=_("Open a case"), **kwargs)


def _order_document_link(order: CourtOrder) -> str:
    return reverse("custody:order_document", args=[order.pk]) if order.document else ""


class DocumentColumn(Column):
    cell_template_name = "custody/includes/document_cell.html"


class CourtOrderViewSet(ListingOnlyViewSet):
    model = CourtOrder
    name = "custody_orders"
    url_prefix = "register/orders"
    icon = "doc-full"
    menu_label = _("Court orders")
    search_fields = ["reference", "issuing_court", "case__reference"]
    list_filter = ["order_type", "publishable"]
    list_display = [
        TitleColumn("reference", label=_("Order reference"), sort_key="reference",
                    get_url=lambda o: reverse("custody_case_detail", args=[o.case_id]) + "#orders"),
        Column("order_type", label=_("Type"), accessor="get_order_type_display", sort_key="order_type"),
        Column("case", label=_("Case"), accessor="case.reference"),
        Column("issued_on", label=_("Date issued"), sort_key="issued_on",
               accessor=lambda o: date_format(o.issued_on, "DATE_FORMAT")),
        Column("issuing_court", label=_("Issuing court")),
        BooleanColumn("publishable", label=_("May be published")),
        DocumentColumn("document", label=_("Document"), accessor=_order_document_link),
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            detail_url=lambda o: reverse("custody_case_detail", args=[o.case_id]) + "#orders",
            base_queryset=selectors.court_order_list, default_ordering="-issued_on", **kwargs)


class StorageLocationViewSet(RefuseWith403Mixin, ModelViewSet):
    """Storage locations have no business rules beyond their fields: Wagtail's generic views, with
    add/change for the custodian role and read-only inspection for the rest of the staff."""

    model = StorageLocation
    name = "custody_storage"
    url_prefix = "register/storage"
    icon = "home"
    menu_label = _("Storage locations")
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    search_fields = ["name", "address"]
    search_backend_name = None
    list_filter = ["kind", "active"]
    list_per_page = 50
    form_fields = ["name", "kind", "address", "public_area", "daily_rate", "currency", "active"]
    list_display = ["name", "kind", "daily_rate", "currency", BooleanColumn("active", label=_("Active"))]
    inspect_view_fields = ["name", "kind", "address", "public_area", "daily_rate", "currency", "active"]


class AssetMenuViewSet(ViewSet):
    """The "Assets" entry of the Register menu; the views are registered below with plain URL names."""

    name = "custody_assets"
    icon = "folder-inverse"
    menu_label = _("Assets")
    menu_url = reverse_lazy("custody_asset_index")

    @property
    def menu_item_class(self):
        class AssetMenuItem(MenuItem):
            def is_shown(self, request):
                return request.user.has_perm("custody.view_asset")

        return AssetMenuItem


class RegisterGroup(ViewSetGroup):
    menu_label = _("Register")
    menu_icon = "folder-open-inverse"
    menu_order = 150
    items = (CaseViewSet, AssetMenuViewSet, CourtOrderViewSet, StorageLocationViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return RegisterGroup()


@hooks.register("register_admin_urls")
def register_admin_urls():
    v = admin_views
    asset_index = v.AssetIndexView.as_view()
    asset_results = v.AssetIndexView.as_view(results_only=True)
    urls = [
        path("register/assets/", asset_index, name="custody_asset_index"),
        path("register/assets/results/", asset_results, name="custody_asset_index_results"),
        path("register/assets/new/", v.asset_register, name="custody_asset_register"),
        path("register/assets/<int:pk>/", v.asset_detail, name="custody_asset_detail"),
        path("register/assets/<int:pk>/transition/<str:name>/", v.asset_transition, name="custody_asset_transition"),
        path("register/assets/<int:pk>/custody-event/", v.custody_event_record, name="custody_event_record"),
        path("register/assets/<int:pk>/photos/new/", v.photo_add, name="custody_photo_add"),
        path("register/cases/new/", v.case_create, name="custody_case_create"),
        path("register/cases/<int:pk>/", v.case_detail, name="custody_case_detail"),
        path("register/cases/<int:pk>/parties/new/", v.party_add, name="custody_party_add"),
        path("register/cases/<int:pk>/orders/new/", v.court_order_record, name="custody_order_record"),
    ]
    for url in urls:
        url.callback = v.refuse_with_403(url.callback)
    return urls



