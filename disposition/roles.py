"""disposition's share of each staff role (granted by the app's data migration through sync_roles)."""

from __future__ import annotations

from custody import roles

_VIEW_ALL = ["view_award", "view_invoice"]

DISPOSITION_ROLE_PERMISSIONS: dict[str, list[str]] = {
    # The auction manager decides awards held on a screening hit (release or refuse, with a reason).
    roles.AUCTION_MANAGER: _VIEW_ALL + ["decide_award", "view_payment"],
    # Finance records bank transfers, and a second finance officer confirms them (four eyes: the
    # database refuses a transfer confirmed by the officer who recorded it).
    roles.FINANCE_OFFICER: _VIEW_ALL + ["view_payment", "record_payment", "confirm_payment"],
    roles.APPROVER: ["view_invoice", "view_payment", "confirm_payment"],
    roles.AUDITOR: _VIEW_ALL + ["view_payment"],
}

# Collection: the custodian publishes collection slots at their stores, sees the invoices and the
# bookings, and records the handover (the custody chain's entry needs custody.record_custody_event,
# which custodians hold); the auditor and the auction manager read.
_COLLECTION_VIEW = ["view_collectionslot", "view_collectionbooking", "view_handover", "view_storagefeeaccrual"]
COLLECTION_ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CUSTODIAN: ["view_invoice", *_COLLECTION_VIEW, "add_collectionslot", "change_collectionslot",
                      "add_handover"],
    roles.AUCTION_MANAGER: list(_COLLECTION_VIEW),
    roles.FINANCE_OFFICER: list(_COLLECTION_VIEW),
    roles.AUDITOR: list(_COLLECTION_VIEW),
}
