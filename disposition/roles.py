"""disposition's share of each staff role (granted by the app's data migration through sync_roles)."""

from __future__ import annotations

from custody import roles

_VIEW_ALL = ["view_award", "view_invoice"]

DISPOSITION_ROLE_PERMISSIONS: dict[str, list[str]] = {
    # The auction manager decides awards held on a screening hit (release or refuse, with a reason).
    roles.AUCTION_MANAGER: _VIEW_ALL + ["decide_award"],
    roles.FINANCE_OFFICER: list(_VIEW_ALL),
    roles.AUDITOR: list(_VIEW_ALL),
}
