"""What every app needs and no domain owns: the kit below custody, ledger, valuation, auctions,
disposition and cms. It imports none of them."""
