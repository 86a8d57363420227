from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Ledger")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from custody.signals import asset_transition_applied

        from .receivers import move_escrow_on_final_decision

        asset_transition_applied.connect(move_escrow_on_final_decision, dispatch_uid="ledger.escrow_on_final_decision")
