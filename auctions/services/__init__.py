"""Every change to auctions, lots, bidders, bids and deposits goes through these functions, one
module per concept: `auctions` (auctions, lots, increment tables), `closing`, `bidders` (sign-up,
profiles, terms, screening list, watchlist), `bidding` (bids and outbid notices), `deposits` (card
holds and Stripe webhooks) and `tokens` (API tokens).

Callers import the concept's module and call through it (`from auctions.services import bidding`,
then `bidding.lot_place_bid(...)`); this package re-exports nothing.
"""
