"""Settlement's data, one module per concept: awards, invoices and payments (settlement.py); defaults,
refunds and second-chance offers (defaults.py)."""

from .settlement import (  # noqa: F401
    MONEY,
    UNPAID_STATES,
    Award,
    AwardStatus,
    Invoice,
    InvoiceCounter,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)

# defaults: a buyer's default, refunds, second-chance offers
from .defaults import (  # noqa: F401, E402
    BuyerDefault,
    DefaultStatus,
    OfferStatus,
    Refund,
    RefundMethod,
    RefundStatus,
    SecondChanceOffer,
)
from .settlement import CLOSED_AWARD_STATES  # noqa: F401, E402
