"""The audit trail auditors search: Wagtail's log ("Site history" report, /admin/reports/site-history/).

Every staff change through the admin writes an entry there, in the change's transaction
(common.admin.viewsets: create, edit, delete; common.admin.actions and common.transitions: each
life-cycle step, with its reason; common.admin.listings: a step on a whole listing, such as recomputing
the early-sale candidates; common.security.services: a superuser unlocking a locked-out sign-in).
tests/common/test_audit_trail.py fails for an admin view that is none of these and is not declared
read-only. The report lists and filters them by user, action, type and date, and exports them.

Who may read it: the roles holding AUDIT_TRAIL_PERMISSION (the auditors, custody.roles) and
superusers; anyone else on staff gets the 403 page and no menu entry (Wagtail itself would show it
to every admin user, filtered to the types they may touch). The two report URLs are answered here,
ahead of Wagtail's own (config/urls.py), with Wagtail's view.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import require_admin_access
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports.audit_logging import (
    LogEntriesView,
    SiteHistoryReportFilterSet,
    get_users_for_filter,
)
from wagtail.log_actions import LogFormatter

from common.security.services import SIGN_IN_UNLOCK_LOG_ACTION, TWO_FACTOR_OFF_LOG_ACTION
from common.transitions import ACTION_LOG_ACTION, TRANSITION_LOG_ACTION

from .policies import AUDIT_TRAIL_PERMISSION
from .responses import forbidden


def may_read_audit_trail(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(AUDIT_TRAIL_PERMISSION))


def _for_readers(view):
    """Wagtail's sign-in for visitors and its refusal of non-staff; the 403 page for staff who may not read."""
    admin_view = require_admin_access(view)

    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not may_read_audit_trail(request.user) \
                and request.user.has_perm("wagtailadmin.access_admin"):
            return forbidden(request)
        return admin_view(request, *args, **kwargs)

    return wrapped


class AuditTrailFilterSet(SiteHistoryReportFilterSet):
    """Wagtail's site-history filters, with the user filter offering everyone whose entries the reader may
    see: Wagtail 7 takes that list from page log entries alone, so a filter on a staff member who changed
    records but no page was refused as invalid, and the report showed everyone's entries."""

    def get_users_queryset(self):
        return get_users_for_filter(self.request.user)


class AuditTrailView(LogEntriesView):
    filterset_class = AuditTrailFilterSet


_view = _for_readers(AuditTrailView.as_view())
_results = _for_readers(AuditTrailView.as_view(results_only=True))

# Included at /admin/reports/ before Wagtail's admin (config/urls.py).
urlpatterns = [
    path("site-history/", _view, name="audit_trail"),
    path("site-history/results/", _results, name="audit_trail_results"),
]


class AuditTrailMenuItem(MenuItem):
    def is_shown(self, request):
        return may_read_audit_trail(request.user)


def audit_trail_menu_item() -> MenuItem:
    return AuditTrailMenuItem(_("Site history"), reverse("wagtailadmin_reports:site_history"),
                              name="audit-trail", icon_name="history", order=1000)


def register_log_actions(actions) -> None:
    """The project's own entries in Wagtail's log, as the report shows them."""

    @actions.register_action(TRANSITION_LOG_ACTION)
    class TransitionFormatter(LogFormatter):
        label = _("Life-cycle step")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            message = _("%(step)s: from “%(from)s” to “%(to)s”") % {
                "step": str(data.get("transition", "")).replace("_", " ").capitalize(),
                "from": data.get("from", ""), "to": data.get("to", "")}
            return f"{message} — {data['reason']}" if data.get("reason") else message

        def format_comment(self, log_entry):
            return (log_entry.data or {}).get("reason", "")

    @actions.register_action(ACTION_LOG_ACTION)
    class ActionFormatter(LogFormatter):
        label = _("Staff action")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            message = data.get("label", "") or _("Staff action")
            return f"{message} — {data['reason']}" if data.get("reason") else message

        def format_comment(self, log_entry):
            return (log_entry.data or {}).get("reason", "")

    @actions.register_action(TWO_FACTOR_OFF_LOG_ACTION)
    class TwoFactorOffFormatter(LogFormatter):
        label = _("Two-factor authentication turned off")

        def format_message(self, log_entry):
            return _("Turned off their two-factor authentication (%(username)s's authenticator is forgotten)") % {
                "username": (log_entry.data or {}).get("username", "")}

    @actions.register_action(SIGN_IN_UNLOCK_LOG_ACTION)
    class SignInUnlockFormatter(LogFormatter):
        label = _("Sign-in unlocked")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            what = _("username") if data.get("kind") == "username" else _("address")
            return _("Unlocked the %(what)s “%(value)s”: %(failures)s failed attempts of “%(username)s” from "
                     "%(address)s forgotten") % {"what": what, "value": data.get("value", ""),
                                                 "failures": data.get("failures", ""),
                                                 "username": data.get("username", ""),
                                                 "address": data.get("ip_address", "")}
