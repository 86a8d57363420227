from django.apps import AppConfig


class AuctionsConfig(AppConfig):
    name = "auctions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import IncrementTier
        from .selectors import forget_increment_tiers

        def _forget(sender, instance, **kwargs):
            forget_increment_tiers(instance.table_id)

        post_save.connect(_forget, sender=IncrementTier, dispatch_uid="auctions_tiers_saved", weak=False)
        post_delete.connect(_forget, sender=IncrementTier, dispatch_uid="auctions_tiers_deleted", weak=False)
