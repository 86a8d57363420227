"""valuation in the Wagtail admin: menu items, admin URLs, and the panel on the custody asset page."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views as v
from .panels import ValuationPanel


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, perm: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.perm = perm

    def is_shown(self, request) -> bool:
        return request.user.has_perm(self.perm)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("valuation/early-sale/", v.candidates, name="valuation_candidates"),
        path("valuation/early-sale/run/", v.candidates_run, name="valuation_candidates_run"),
        path("valuation/profiles/", v.profiles, name="valuation_profiles"),
        path("valuation/profiles/<str:category>/", v.profile_edit, name="valuation_profile_edit"),
        path("valuation/assets/<int:asset_id>/appraisals/new/", v.appraisal_add, name="valuation_appraisal_add"),
        path("valuation/appraisals/<int:pk>/submit/", v.appraisal_submit, name="valuation_appraisal_submit"),
        path("valuation/appraisals/<int:pk>/approve/", v.appraisal_approve, name="valuation_appraisal_approve"),
        path("valuation/appraisals/<int:pk>/reject/", v.appraisal_reject, name="valuation_appraisal_reject"),
        path("valuation/assets/<int:asset_id>/early-sale/notify/", v.notification_add,
             name="valuation_notification_add"),
        path("valuation/assets/<int:asset_id>/early-sale/authorise/", v.authorise, name="valuation_authorise"),
        path("valuation/assets/<int:asset_id>/early-sale/auction/", v.route_to_auction,
             name="valuation_route_to_auction"),
        path("valuation/assets/<int:asset_id>/direct-sale/new/", v.direct_sale_add, name="valuation_direct_sale_add"),
        path("valuation/direct-sales/<int:pk>/<str:decision>/", v.direct_sale_decide,
             name="valuation_direct_sale_decide"),
    ]


@hooks.register("register_admin_menu_item")
def candidates_menu_item():
    return PermissionMenuItem(_("Early-sale candidates"), reverse("valuation_candidates"), icon_name="warning",
                              order=310, perm="valuation.view_earlysalecandidate")


@hooks.register("register_admin_menu_item")
def profiles_menu_item():
    return PermissionMenuItem(_("Depreciation profiles"), reverse("valuation_profiles"), icon_name="cogs",
                              order=320, perm="valuation.view_depreciationprofile")


@hooks.register("custody_asset_panels")
def valuation_panel(request, asset):
    if not request.user.has_perm("valuation.view_appraisal"):
        return None
    return ValuationPanel(request, asset)
