"""Refusals of the auctions services. Each has a stable `code` and an HTTP `status` for the API,
and a message for the bidder (`str(err)`)."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import DomainError, NotPermitted, TransitionConflict, TransitionRefused

__all__ = ["BidRefused", "DomainError", "NotEligible", "LotNotOpen", "NotPermitted", "TransitionConflict",
           "TransitionRefused", "DepositError", "SavedCardChargeError"]


class BidRefused(DomainError):
    """The bid breaks a bidding rule (malformed amount, below the next minimum ...)."""

    code = "bid_refused"
    status = 400
    default_message = _("The bid was refused.")

    def __init__(self, message=None, *, code: str | None = None, status: int | None = None,
                 extra: dict | None = None):
        super().__init__(message)
        # Fields a client can act on, sent beside "error" and "detail" (e.g. "next_minimum_bid").
        self.extra = extra or {}
        if code:
            self.code = code
        if status:
            self.status = status


class NotEligible(BidRefused):
    """The bidder may not bid on this lot. For a conflict of interest the message says no more."""

    code = "not_eligible"
    status = 403
    default_message = _("You are not eligible to bid on this lot.")


class LotNotOpen(BidRefused):
    code = "lot_not_open"
    status = 409
    default_message = _("This lot is not open for bids.")


class DepositError(DomainError):
    code = "deposit_failed"
    status = 402
    default_message = _("The card hold for the deposit could not be placed.")


class SavedCardChargeError(DomainError):
    """The off-session charge of a saved card needs the buyer: the bank asks them to authenticate
    (`authentication_required`) or the card was declined. The buyer pays on-session instead."""

    code = "saved_card_charge_failed"
    status = 402
    default_message = _("The saved card could not be charged.")

    def __init__(self, message=None, *, code: str | None = None, payment_intent_id: str = ""):
        super().__init__(message)
        if code:
            self.code = code
        self.payment_intent_id = payment_intent_id
