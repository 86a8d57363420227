from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _early_sale_requests_lapse(sender, *, asset, transition, from_state, **kwargs) -> None:
    from .services import early_sale_requests_lapse

    early_sale_requests_lapse(asset=asset, transition=transition, from_state=from_state)


def _direct_sale_complete(sender, *, asset_id, transition, actor_id=None, **kwargs) -> None:
    if transition == "record_sale":
        from .services import direct_sale_complete

        direct_sale_complete(asset_id=asset_id, actor_id=actor_id)


class ValuationConfig(AppConfig):
    name = "valuation"
    verbose_name = _("Valuation and early sale")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from custody.models import Asset
        from custody.services import transition_precondition_register
        from custody.signals import asset_transition_applied

        from .services import early_sale_authorisation_check

        # The early-sale workflow is valuation's; the asset's moves are the register's. However the
        # court's authorisation is recorded, it needs an endorsed request whose parties were told,
        # and an open request lapses when the asset leaves the early-sale branch another way.
        transition_precondition_register(transition="authorise_early_sale", check=early_sale_authorisation_check)
        asset_transition_applied.connect(_early_sale_requests_lapse, sender=Asset,
                                         dispatch_uid="valuation.early_sale_requests_lapse")
        # A direct sale is settled by disposition (invoice, payment, handover); when its asset is
        # recorded sold at the handover, the sale is complete.
        asset_transition_applied.connect(_direct_sale_complete, sender=Asset,
                                         dispatch_uid="valuation.direct_sale_complete")
