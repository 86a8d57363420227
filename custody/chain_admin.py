"""The chain-of-custody verification in the staff admin (Register → Chain of custody): the same check
as `manage.py verify_custody_chain` (services.custody_chain_check), run on demand by whoever may read
the custody log (custody.view_custodyevent: every staff role, the auditor included). GET explains and
offers the button; POST runs the check and shows the result: all intact, or the first broken entry of
each broken chain, with its asset."""

from __future__ import annotations

import time

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from common.admin.responses import refuse_with_403, require_perms

from . import services

PERMISSION = "custody.view_custodyevent"


class ChainVerificationView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "custody/admin/chain_verification.html"
    page_title = _("Chain of custody")
    header_icon = "link"

    def dispatch(self, request, *args, **kwargs):
        require_perms(request, PERMISSION)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def post(self, request, *args, **kwargs):
        started = time.monotonic()
        report = services.custody_chain_check()
        elapsed = time.monotonic() - started
        breaks = [{"problem": b.problem, "seq": b.seq, "asset_reference": b.asset_reference,
                   "asset_url": reverse("custody_asset_detail", args=[b.asset_id])} for b in report.breaks]
        return self.render_to_response(self.get_context_data(report=report, breaks=breaks, elapsed=elapsed))


class ChainVerificationMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


class ChainVerificationViewSet(ViewSet):
    name = "custody_chain"
    url_prefix = "register/chain"
    icon = "link"
    menu_label = _("Chain of custody")
    menu_item_class = ChainVerificationMenuItem

    @cached_property
    def menu_url(self):
        return reverse(self.get_url_name("index"))

    def get_urlpatterns(self):
        return [path("", refuse_with_403(ChainVerificationView.as_view()), name="index")]
