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

        # A user's API tokens die with their password (changed, reset, or set by staff, whichever
        # form did it) and with their account's deactivation.
        from django.db.models.signals import pre_save

        from .services.tokens import api_tokens_revoke_all

        def _note_credentials_change(sender, instance, update_fields=None, raw=False, **kwargs):
            instance._revoke_api_tokens = False
            if raw or instance.pk is None or (update_fields is not None
                                              and not {"password", "is_active"} & set(update_fields)):
                return
            if (update_fields is not None and set(update_fields) == {"password"}
                    and getattr(instance, "_password", None) is None):
                # check_password re-hashing the same password with a newer hasher on sign-in (it
                # clears the raw password set_password keeps until saved): not a change of password
                return
            before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
            instance._revoke_api_tokens = before is not None and (
                before["password"] != instance.password or (before["is_active"] and not instance.is_active))

        def _revoke_api_tokens(sender, instance, raw=False, **kwargs):
            if not raw and getattr(instance, "_revoke_api_tokens", False):
                instance._revoke_api_tokens = False
                api_tokens_revoke_all(user=instance)

        user_model = get_user_model()
        pre_save.connect(_note_credentials_change, sender=user_model, dispatch_uid="auctions_tokens_user_pre_save",
                         weak=False)
        post_save.connect(_revoke_api_tokens, sender=user_model, dispatch_uid="auctions_tokens_user_saved",
                          weak=False)
