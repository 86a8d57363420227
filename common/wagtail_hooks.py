"""The staff admin's frame, for every app: the agency's help menu, without Wagtail's release notes
and editor guide (the templates in common/templates/wagtailadmin/ carry the agency's name and logo),
and the listings' look (common/static/common/admin.css: they fit a 1366-pixel screen)."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from common.admin import audit
from common.admin.dashboard import nothing_waiting_hook

WAGTAIL_HELP_ITEMS = ("whats-new-in-wagtail-", "editor-guide")


@hooks.register("construct_help_menu")
def hide_wagtail_help(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_HELP_ITEMS)]


# After every app's panel (hooks run in `order`, then app order).
hooks.register("construct_homepage_panels", nothing_waiting_hook, order=1000)


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("common/admin.css"))


# ---- sign-in security (common/security): two-factor pages, locked sign-ins ---------------------
@hooks.register("register_admin_urls")
def register_security_urls():
    from django.urls import path

    from common.admin.responses import refuse_with_403
    from common.security import views

    return [
        path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
        path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
        path("two-factor/remove/", views.two_factor_remove, name="two_factor_remove"),
        path("locked-sign-ins/", refuse_with_403(views.LockedSignInsView.as_view()), name="locked_sign_ins"),
        path("locked-sign-ins/unlock/", refuse_with_403(views.unlock_sign_in), name="unlock_sign_in"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_menu_item(request):
    """Account → More actions: two-factor authentication, whether it is on, for every staff member."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django_otp import user_has_device

    on = user_has_device(request.user, confirmed=True)
    return {"url": reverse("two_factor_setup"), "label": _("Two-factor authentication"),
            "help_text": _("On: signing in takes a code from your authenticator app.") if on else
            _("Off: set up an authenticator app, so that signing in takes a code from it as well.")}


@hooks.register("register_settings_menu_item")
def register_locked_sign_ins_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _
    from wagtail.admin.menu import MenuItem

    class SuperuserMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.is_superuser

    return SuperuserMenuItem(_("Locked sign-ins"), reverse("locked_sign_ins"), icon_name="lock", order=900)


# The audit trail (common.admin.audit): the project's log entries, and the report for its readers only.
hooks.register("register_log_actions", audit.register_log_actions)
hooks.register("register_reports_menu_item", audit.audit_trail_menu_item)


@hooks.register("construct_reports_menu")
def audit_trail_replaces_site_history(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name != "site-history"]
