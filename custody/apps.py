from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustodyConfig(AppConfig):
    name = "custody"
    verbose_name = _("Custody register")
    default_auto_field = "django.db.models.BigAutoField"
