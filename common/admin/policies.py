"""Permission policies built on the roles.

Roles are groups holding Django model permissions (see each app's roles.py): an auditor holds
`view_*` and nothing else, so reads everything and changes nothing. `RolePermissionPolicy` is
Wagtail's model policy on those permissions, limited to the actions the admin may offer at all for
a model: records of the register are never deleted through the admin, whatever a role holds
(superusers included), and records that change only through their life cycle offer no generic edit.
"""

from __future__ import annotations

from collections.abc import Iterable

from wagtail.permission_policies import ModelPermissionPolicy

ALL_ACTIONS = ("add", "change", "delete", "view")

# Reading the audit trail (Wagtail's log, common.admin.audit): Wagtail's own permission on its log model,
# which the roles that audit hold (custody.roles.AUDIT_TRAIL_ROLES).
AUDIT_TRAIL_PERMISSION = "wagtailcore.view_modellogentry"


class RolePermissionPolicy(ModelPermissionPolicy):
    def __init__(self, model, *, actions: Iterable[str] = ALL_ACTIONS, **kwargs):
        super().__init__(model, **kwargs)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a in self.actions])
