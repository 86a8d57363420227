"""Drive an asset through its life cycle with the real services, the way staff would.

`Driver.bring_to(asset, key)` reaches a state by the shortest lawful path (with the court orders
each step needs); `Driver.do(asset, step, actor=...)` takes one step through the service that
staff use for it (the early-sale steps through valuation's services, which own that workflow).
FOR_SALE is reachable two ways (early sale, or after confiscation), so the state
keys name both.
"""

from __future__ import annotations

import datetime

from custody import services
from custody.models import FOUR_EYES_TRANSITIONS, ORDER_REQUIRED, Asset, AssetStatus, CourtOrder
from tests.custody.four_eyes import end_custody
from valuation import services as valuation_services
from valuation.models import EarlySaleRequest, EarlySaleStatus

S = AssetStatus

# state key -> (status, steps from a freshly registered asset)
_IN_CUSTODY = ["restrain", "seize"]
_EARLY = [*_IN_CUSTODY, "request_early_sale", "endorse", "authorise_early_sale"]
_CONFISCATED = [*_IN_CUSTODY, "confiscate"]
_AWAITING = [*_CONFISCATED, "refer_for_disposition"]
STATES: dict[str, tuple[str, list[str]]] = {
    "identified": (S.IDENTIFIED, []),
    "restrained": (S.RESTRAINED, ["restrain"]),
    "in_custody": (S.IN_CUSTODY, _IN_CUSTODY),
    "early_sale_requested": (S.EARLY_SALE_REQUESTED, [*_IN_CUSTODY, "request_early_sale"]),
    "early_sale_authorised": (S.EARLY_SALE_AUTHORISED, _EARLY),
    "for_sale_early": (S.FOR_SALE, [*_EARLY, "put_up_for_sale"]),
    "sold": (S.SOLD, [*_EARLY, "put_up_for_sale", "record_sale"]),
    "confiscated": (S.CONFISCATED, _CONFISCATED),
    "awaiting_disposition": (S.AWAITING_DISPOSITION, _AWAITING),
    "for_sale_after_confiscation": (S.FOR_SALE, [*_AWAITING, "put_up_for_sale"]),
    "disposed": (S.DISPOSED, [*_AWAITING, "dispose"]),
    "released": (S.RELEASED, ["restrain", "release"]),
    "returned": (S.RETURNED, [*_CONFISCATED, "return_to_state"]),
    "destroyed": (S.DESTROYED, [*_IN_CUSTODY, "destroy"]),
    "lost": (S.LOST, [*_IN_CUSTODY, "declare_lost"]),
}

TRANSITION_NAMES = list(services.TRANSITIONS)

# What a reasonable user types as the reason for each step.
REASONS = {
    "reject_early_sale": "The asset keeps its value; no need to sell early",
    "release": "Acquitted on appeal",
    "destroy": "Counterfeit goods, destruction ordered",
    "declare_lost": "Stolen from the yard; police report 2026/881",
    "withdraw_from_sale": "Reserve price not reached",
    "dispose": "Given to a youth centre",
    "record_sale": "Sold at auction, lot 12",
}


class Driver:
    """Takes steps as the staff member whose role allows each one, unless told otherwise."""

    def __init__(self, *, requester, endorser, officer, approver, seller):
        self.requester = requester  # asks for an early sale
        self.endorser = endorser  # endorses it (four eyes: never the requester)
        self.officer = officer  # orders-driven steps
        self.approver = approver  # disposition, destruction, loss
        self.seller = seller  # auction manager

    def default_actor(self, step: str):
        if step in {"request_early_sale", "authorise_early_sale"}:
            return self.requester
        if step in {"endorse"}:
            return self.endorser
        if step in {"reject_early_sale", "dispose", "destroy", "declare_lost"}:
            return self.approver
        if step in {"put_up_for_sale", "withdraw_from_sale", "record_sale"}:
            return self.seller
        return self.officer

    def notify_parties(self, asset: Asset) -> None:
        """Due process before the court's authorisation is recorded (valuation checks it): tell the
        owner and claimants, or give a public notice. Only where an open request exists, so refused
        moves are refused by custody for their own reason."""
        if EarlySaleRequest.objects.filter(asset=asset, status=EarlySaleStatus.ENDORSED).exists():
            valuation_services.early_sale_parties_notify(actor=self.officer, asset_id=asset.pk,
                                                         means="registered_letter", notified_on=datetime.date.today())

    @staticmethod
    def order(asset: Asset, order_type: str) -> CourtOrder:
        """A court order of this case covering this asset."""
        order = CourtOrder.objects.create(
            case=asset.case, order_type=order_type, reference=f"{order_type.upper()}-{asset.pk}-"
            f"{CourtOrder.objects.count() + 1}", issued_on=datetime.date(2026, 3, 1),
            issuing_court="Regional Court of Example", recipient_state="FR" if order_type == "return" else "",
        )
        order.assets.add(asset)
        return order

    def do(self, asset: Asset, step: str, *, actor=None, reason: str | None = None, with_order: bool = True,
           **extra):
        actor = actor or self.default_actor(step)
        reason = REASONS.get(step, "") if reason is None else reason
        if step == "endorse":
            return valuation_services.early_sale_endorse(asset_id=asset.pk, actor=actor, note="Depreciates fast")
        if step == "request_early_sale":
            return valuation_services.early_sale_request(asset_id=asset.pk, actor=actor, reason="depreciation",
                                                         justification="Loses a third of its value each year",
                                                         **extra)
        if step == "reject_early_sale":
            return valuation_services.early_sale_reject(asset_id=asset.pk, actor=actor, reason=reason)
        # (a loss is declared citing the court's finding, in one step; see test_four_eyes_loss for two approvers)
        order_type = ORDER_REQUIRED.get(step) or FOUR_EYES_TRANSITIONS.get(step)
        order_id = self.order(asset, order_type).pk if with_order and order_type else None
        if step == "authorise_early_sale":
            self.notify_parties(asset)
            return valuation_services.early_sale_authorise(asset_id=asset.pk, actor=actor, order_id=order_id,
                                                           **extra)
        if step == "record_sale":
            return services.asset_record_sale(asset_id=asset.pk, actor=actor, reason=reason, **extra)
        if step == "dispose":
            extra.setdefault("disposition", "social_reuse")
        if step in FOUR_EYES_TRANSITIONS and order_id is None:  # one approver asks, a second approves
            return end_custody(asset_id=asset.pk, transition=step, actor=actor, reason=reason, **extra)
        return services.asset_transition(asset_id=asset.pk, transition=step, actor=actor, reason=reason,
                                         order_id=order_id, **extra)

    def bring_to(self, asset: Asset, key: str) -> Asset:
        status, steps = STATES[key]
        for step in steps:
            self.do(asset, step)
        asset.refresh_from_db()
        assert asset.status == status, (key, asset.status)
        return asset
