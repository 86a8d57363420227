"""Django's admin app with the agency's site (config.admin_site): superusers only, see there."""

from django.contrib.admin.apps import AdminConfig


class AgencyAdminConfig(AdminConfig):
    default_site = "config.admin_site.AgencyAdminSite"
