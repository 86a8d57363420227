"""The "Auctions" menu of the Wagtail admin: auctions, lots, bidders, screening list, increment tables.

Each menu item is shown to holders of its view permission; each view checks its own permission
again (auctions.admin_views) and answers 403 without it.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from custody.admin_views import refuse_with_403

from . import admin_views as v


class PermissionMenuItem(MenuItem):
    def __init__(self, label, url_name: str, perm: str, **kwargs):
        self.url_name, self.perm = url_name, perm
        super().__init__(label, "", **kwargs)

    @property
    def url(self):
        return reverse(self.url_name)

    @url.setter
    def url(self, value):
        pass

    def is_shown(self, request):
        return request.user.has_perm(self.perm)


MENU_ITEMS = [
    (_("Auctions"), "auctions_admin_auction_index", "auctions.view_auction", "tag"),
    (_("Lots"), "auctions_admin_lot_index", "auctions.view_lot", "list-ul"),
    (_("Bidders"), "auctions_admin_bidder_index", "auctions.view_bidderprofile", "user"),
    (_("Screening list"), "auctions_admin_screening_index", "auctions.view_screeningentry", "warning"),
    (_("Increment tables"), "auctions_admin_increment_index", "auctions.view_incrementtable", "table"),
]


auctions_menu = Menu(items=[PermissionMenuItem(label, url_name, perm, icon_name=icon, order=i * 100)
                            for i, (label, url_name, perm, icon) in enumerate(MENU_ITEMS)])


class AuctionsSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return any(request.user.has_perm(perm) for _l, _u, perm, _i in MENU_ITEMS)


@hooks.register("register_admin_menu_item")
def register_auctions_menu():
    return AuctionsSubmenu(_("Auctions"), auctions_menu, icon_name="tag", order=250, name="auctions")


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("auctions/auctions/", v.auction_index, name="auctions_admin_auction_index"),
        path("auctions/auctions/new/", v.auction_create, name="auctions_admin_auction_create"),
        path("auctions/auctions/<int:pk>/", v.auction_detail, name="auctions_admin_auction_detail"),
        path("auctions/auctions/<int:pk>/edit/", v.auction_edit, name="auctions_admin_auction_edit"),
        path("auctions/auctions/<int:pk>/<str:name>/", v.auction_action, name="auctions_admin_auction_action"),
        path("auctions/lots/", v.lot_index, name="auctions_admin_lot_index"),
        path("auctions/lots/new/", v.lot_create, name="auctions_admin_lot_create"),
        path("auctions/lots/<int:pk>/", v.lot_detail, name="auctions_admin_lot_detail"),
        path("auctions/lots/<int:pk>/cancel/", v.lot_cancel, name="auctions_admin_lot_cancel"),
        path("auctions/increments/", v.increment_index, name="auctions_admin_increment_index"),
        path("auctions/increments/new/", v.increment_edit, name="auctions_admin_increment_create"),
        path("auctions/increments/<int:pk>/", v.increment_edit, name="auctions_admin_increment_edit"),
        path("auctions/bidders/", v.bidder_index, name="auctions_admin_bidder_index"),
        path("auctions/bidders/<int:pk>/", v.bidder_detail, name="auctions_admin_bidder_detail"),
        path("auctions/bidders/<int:pk>/document/", v.bidder_document, name="auctions_admin_bidder_document"),
        path("auctions/bidders/<int:pk>/<str:decision>/", v.bidder_decide, name="auctions_admin_bidder_decide"),
        path("auctions/screening/", v.screening_index, name="auctions_admin_screening_index"),
        path("auctions/screening/new/", v.screening_add, name="auctions_admin_screening_add"),
        path("auctions/screening/<int:pk>/delete/", v.screening_delete, name="auctions_admin_screening_delete"),
    ]
    for url in urls:
        url.callback = refuse_with_403(url.callback)
    return urls
