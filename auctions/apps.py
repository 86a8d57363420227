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

        # Whatever decides who may bid where invalidates the cached eligibility at once and again
        # after commit (so that a read racing the transaction cannot keep an old answer cached).
        from django.contrib.auth import get_user_model
        from django.db import transaction

        from custody.models import Party

        from . import models
        from .selectors import bump_eligibility_generation

        def _bump(sender, **kwargs):
            bump_eligibility_generation()
            transaction.on_commit(bump_eligibility_generation)

        for model in (models.IncrementTier, models.BidderProfile, models.TermsAcceptance, models.Deposit,
                      models.ScreeningEntry, models.LotAsset, models.Lot, models.Auction, Party, get_user_model()):
            post_save.connect(_bump, sender=model, dispatch_uid=f"auctions_elig_save_{model._meta.label}", weak=False)
            post_delete.connect(_bump, sender=model, dispatch_uid=f"auctions_elig_del_{model._meta.label}",
                                weak=False)
