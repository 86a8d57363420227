"""The staff dashboard (Wagtail's admin home): each app shows the work waiting for the user.

Each app contributes one `QueuePanel` from its own `dashboard.py`, registered in its
wagtail_hooks.py on Wagtail's `construct_homepage_panels` hook with `queue_panel_hook`. A panel
lists queues (a label, a count, a link to the listing filtered to those records) and shows only the
queues the user's role may work on; a panel with none is left out, so each role's home shows its
own work and nothing else::

    def queues(user) -> list[Queue]:
        if not user.has_perm("valuation.review_appraisal"):
            return []
        return [Queue(_("Appraisals to review"), selectors.appraisals_to_review().count(),
                      reverse("valuation_appraisals:index") + "?status=submitted")]

    @hooks.register("construct_homepage_panels")
    def valuation_dashboard(request, panels):
        queue_panel_hook(request, panels, name="valuation", title=_("Valuation"), order=120,
                         queues=dashboard.queues)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str


class QueuePanel(Component):
    template_name = "common/admin/dashboard_panel.html"

    def __init__(self, *, name: str, title: str, order: int, queues: list[Queue]):
        self.name = name
        self.title = title
        self.order = order
        self.queues = queues

    def get_context_data(self, parent_context=None):
        return {"panel": self, "queues": self.queues, "total": sum(q.count for q in self.queues)}


def queue_panel_hook(request: HttpRequest, panels: list, *, name: str, title: str, order: int,
                     queues: Callable[[object], list[Queue]]) -> None:
    """Add the app's panel to the dashboard when the user may work on any of its queues."""
    mine = queues(request.user)
    if mine:
        panels.append(QueuePanel(name=name, title=title, order=order, queues=mine))


class NothingWaitingPanel(Component):
    """Said on the dashboard of a user none of whose queues applies (an auditor, say)."""

    name = "nothing_waiting"
    order = 100

    def render_html(self, parent_context=None):
        return format_html("<p data-nothing-waiting>{}</p>", _("Nothing is waiting for you."))


def nothing_waiting_hook(request: HttpRequest, panels: list) -> None:
    """Runs after the apps' hooks: the dashboard says so when no app added a queue panel."""
    if not any(isinstance(panel, QueuePanel) for panel in panels):
        panels.append(NothingWaitingPanel())
