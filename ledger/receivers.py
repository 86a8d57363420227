"""The ledger's reaction to the register: when a court decides the fate of an asset that was sold
early, its escrowed proceeds move. Runs inside the transition's transaction, so a failure here
rolls the transition back."""

from __future__ import annotations

from custody.models import AssetStatus

from . import services


def move_escrow_on_final_decision(sender, *, asset, transition: str, from_state: str, actor_id=None,
                                  order_id=None, **kwargs) -> None:
    if from_state != AssetStatus.SOLD:
        return
    source = f"order:{order_id}" if order_id else f"asset:{asset.pk}:{transition}"
    actor = None
    if actor_id is not None:
        from django.contrib.auth import get_user_model

        actor = get_user_model().objects.filter(pk=actor_id).first()
    if transition == "confiscate":
        services.escrow_to_state_proceeds(asset=asset, source=source, actor=actor)
    elif transition == "release":
        services.escrow_to_owner_refund(asset=asset, source=source, actor=actor)
