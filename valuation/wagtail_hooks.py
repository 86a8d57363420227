"""valuation in the Wagtail admin: the Valuation menu of viewsets (valuation.viewsets), and the
panel and early-sale buttons on the register's asset page (valuation.panels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from common.admin.dashboard import queue_panel_hook

from . import dashboard
from .panels import ValuationPanel, early_sale_buttons
from .viewsets import ValuationGroup


@hooks.register("register_admin_viewset")
def register_valuation():
    return ValuationGroup()


@hooks.register("custody_asset_panels")
def valuation_panel(request, asset):
    if not request.user.has_perm("valuation.view_appraisal"):
        return None
    return ValuationPanel(request, asset)


@hooks.register("custody_asset_actions")
def early_sale_actions(request, asset):
    return early_sale_buttons(request, asset)


@hooks.register("construct_homepage_panels")
def valuation_dashboard(request, panels):
    queue_panel_hook(request, panels, name="valuation", title=_("Valuation"), order=110, queues=dashboard.queues)
