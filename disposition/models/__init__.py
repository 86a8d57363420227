"""Settlement's data, one module per concept: awards, invoices and payments (settlement.py); defaults,
refunds and second-chance offers (defaults.py)."""

from .settlement import (  # noqa: F401
    CLOSED_AWARD_STATES,
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

# defaults: a buyer's default, refunds, second-chance offers
from .defaults import (  # noqa: F401
    BuyerDefault,
    DefaultStatus,
    OfferStatus,
    Refund,
    RefundMethod,
    RefundStatus,
    SecondChanceOffer,
)

# isort: split
# reuse: the final disposition of assets and proceeds, calls, projects and monitoring (reuse.py)
from .reuse import (  # noqa: F401
    ASSET_KINDS,
    BENEFICIARY_KINDS,
    FAILING_ASSESSMENTS,
    LIVE_STATES,
    PROCEEDS_KINDS,
    Allocation,
    AllocationPayment,
    Application,
    Assessment,
    Beneficiary,
    BeneficiaryKind,
    CallForProjects,
    CallStatus,
    DecisionKind,
    DecisionStatus,
    DispositionDecision,
    DispositionEvent,
    MonitoringReport,
    PayeeType,
    ReportKind,
    ReusePhoto,
    ReuseProject,
    Sector,
    UnusedReason,
)

# isort: split
# claims of third parties and victims, and the public notices that invite them (claims.py)
from .claims import (  # noqa: F401
    GRANTING_OUTCOMES,
    PAYMENT_RANK,
    UNDECIDED_STATES,
    Claim,
    ClaimantAccount,
    ClaimantType,
    ClaimChannel,
    ClaimDocument,
    ClaimOutcome,
    ClaimStatus,
    ClaimSubject,
    DeficiencyNotice,
    NoticeStatus,
    PublicNotice,
)

# isort: split
# consultation: the public's say on a proposed reuse or return decision (consultation.py)
from .consultation import (  # noqa: F401
    CommentStatus,
    Consultation,
    ConsultationComment,
    ConsultationStatus,
    ConsultationVersion,
    Position,
    VersionKind,
)

# isort: split
# cooperation: requests, foreign orders, assets frozen abroad, sharing agreements (cooperation.py)
from .cooperation import (  # noqa: F401
    AgreementKind,
    AgreementShare,
    AgreementStatus,
    AgreementTransfer,
    AssetFrozenAbroad,
    Channel,
    CheckKind,
    CooperationBasis,
    CooperationRequest,
    Direction,
    ForeignOrder,
    ForeignOrderCheck,
    ForeignOrderItem,
    ForeignOrderStatus,
    ForeignOrderType,
    ForeignStage,
    RequestKind,
    RequestStatus,
    SharingAgreement,
)
