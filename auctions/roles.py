"""auctions' share of each staff role (granted by the app's data migration through sync_roles)."""

from __future__ import annotations

from custody import roles

_VIEW_ALL = [
    "view_auction", "view_lot", "view_lotasset", "view_incrementtable", "view_incrementtier",
    "view_bidderprofile", "view_termsacceptance", "view_deposit", "view_bid", "view_lotpseudonym",
    "view_screeningentry", "view_auctionlogentry", "view_stripeevent",
]

AUCTIONS_ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Auction managers prepare auctions and lots, keep the increment tables and the screening list,
    # and review bidder profiles. They schedule; an approver publishes.
    roles.AUCTION_MANAGER: _VIEW_ALL + [
        "add_auction", "change_auction", "schedule_auction",
        "add_lot", "change_lot", "cancel_lot", "add_lotasset", "change_lotasset", "delete_lotasset",
        "add_incrementtable", "change_incrementtable", "add_incrementtier", "change_incrementtier",
        "delete_incrementtier",
        "change_bidderprofile", "review_bidder",
        "add_screeningentry", "change_screeningentry", "delete_screeningentry",
    ],
    roles.APPROVER: _VIEW_ALL + ["publish_auction", "cancel_lot"],
    # Case officers know the parties of their cases and may bar them from bidding.
    roles.CASE_OFFICER: ["view_auction", "view_lot", "view_screeningentry", "add_screeningentry"],
    roles.FINANCE_OFFICER: list(_VIEW_ALL),
    roles.AUDITOR: list(_VIEW_ALL),
}
