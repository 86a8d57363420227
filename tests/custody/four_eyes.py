"""Take a step that ends custody without a sale (custody.models.FOUR_EYES_TRANSITIONS) the lawful
way in tests: one approver asks, a second approver approves."""

from __future__ import annotations

from custody import roles, services
from tests.factories import UserFactory


def second_approver_for(user):
    """Another approver than `user` (the factory gets or creates them by name)."""
    return UserFactory(role=roles.APPROVER, username=f"{user.username}-second")


def end_custody(*, asset_id: int, transition: str, actor, reason: str, disposition: str | None = None,
                second=None, **extra):
    """`actor` asks for the step, a second approver approves it; returns the asset."""
    services.custody_end_request(asset_id=asset_id, transition=transition, actor=actor, reason=reason,
                                 disposition=disposition, **extra)
    return services.custody_end_approve(asset_id=asset_id, actor=second or second_approver_for(actor))
