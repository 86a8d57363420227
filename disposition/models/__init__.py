"""Settlement's data, one module per concept: awards, invoices and payments (settlement.py)."""

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

# isort: split
# Collection: slots, bookings, the handover and storage fees (collection.py).
from .collection import (  # noqa: F401
    CollectionBooking,
    CollectionSlot,
    Handover,
    IdDocument,
    StorageFeeAccrual,
)
