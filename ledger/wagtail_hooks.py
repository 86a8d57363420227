from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


class LedgerMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm("ledger.view_account")


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("ledger/", admin_views.accounts, name="ledger_accounts")]


@hooks.register("register_admin_menu_item")
def ledger_menu_item():
    return LedgerMenuItem(_("Ledger"), reverse("ledger_accounts"), icon_name="form", order=330)
