"""Django's own admin (/django-admin/) is for superusers only. Staff work in Wagtail's admin (/admin/):
the models registered here for them (images, documents, tags) are managed there, and the roles'
permissions on them are Wagtail's, so they are not offered this one: signed in, they get a 404, and
its login page sends everyone to the staff admin's sign-in."""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse


class AgencyAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.is_superuser

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404
        return redirect_to_login(request.GET.get("next") or reverse("admin:index", current_app=self.name),
                                 login_url="wagtailadmin_login")
