from django.apps import AppConfig


class DispositionConfig(AppConfig):
    name = "disposition"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Settlement"

    def ready(self) -> None:
        from auctions.signals import lot_won

        from .services.awards import award_create

        def _on_lot_won(sender, *, lot_id: int, winner_id: int, **kwargs) -> None:
            award_create(lot_id=lot_id, winner_id=winner_id)

        lot_won.connect(_on_lot_won, dispatch_uid="disposition_award_on_lot_won", weak=False)

        # Settlement's checks in the ledger's nightly reconciliation (invoices, payments, Stripe charges).
        from .reconciliation import register as register_reconciliation_checks

        register_reconciliation_checks()

        # Stripe events about invoices: registered with the webhook's handlers by event type.
        from . import webhooks  # noqa: F401

        # A bidder's data export and erasure (auctions.services.privacy): invoices, payments, claims.
        from .privacy import connect as connect_privacy

        connect_privacy()
