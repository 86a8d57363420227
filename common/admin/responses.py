"""One way to refuse in the staff admin: a 403 page.

Wagtail turns a PermissionDenied into a redirect to the dashboard with a message, which hides from
scripts and auditors that the request was refused. Every staff view of this project answers 403
instead: viewsets wrap their views (common.admin.viewsets), and plain admin views use
`refuse_with_403`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _


def forbidden(request: HttpRequest) -> HttpResponse:
    title = _("Not allowed")
    return render(request, "common/admin/forbidden.html", {
        "page_title": title, "header_title": title, "header_icon": "lock",
        "breadcrumbs_items": [{"url": reverse("wagtailadmin_home"), "label": _("Home")}, {"url": "", "label": title}],
    }, status=403)


def refuse_with_403(view: Callable) -> Callable:
    """Wrap an admin view so that PermissionDenied becomes the 403 page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)

    return wrapped


def require_perms(request: HttpRequest, *perms: str) -> None:
    """PermissionDenied (a 403 page) unless the signed-in user holds every one of `perms`."""
    if not request.user.is_authenticated or not request.user.has_perms(perms):
        raise PermissionDenied
