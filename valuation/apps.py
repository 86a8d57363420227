from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuationConfig(AppConfig):
    name = "valuation"
    verbose_name = _("Valuation and early sale")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from custody.services import transition_precondition_register

        from .services import early_sale_due_process_check

        transition_precondition_register(transition="authorise_early_sale", check=early_sale_due_process_check)
