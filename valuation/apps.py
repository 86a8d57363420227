from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuationConfig(AppConfig):
    name = "valuation"
    verbose_name = _("Valuation and early sale")
    default_auto_field = "django.db.models.BigAutoField"
