"""The money trail of a decision over proceeds: amounts allocated to payees, and each payment.

A payment is a ledger transfer (Dr what the decision assigned to the payees, Cr the agency's bank),
with source `allocation:<id>`. Allocations never exceed the decision's amount, payments never exceed
their allocation, and neither takes what claims need of the decision's money (claims.decision_claims_hold:
what pending or granted unpaid claims keep aside beyond what the fund holds outside the decision). Each
check runs on rows locked in one order (the decision, then the allocation, then the fund's account), so
two officers allocating or paying at the same moment cannot both get through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import DomainError
from common.transitions import require_perm
from ledger.models import AccountPurpose
from ledger.services import Line, account_for, ledger_post

from ..events import reuse_event_write
from ..models import Allocation, AllocationPayment, Beneficiary, DecisionStatus, DispositionDecision, PayeeType
from .claims import claims_hold_message, decision_claims_hold
from .decisions import PAYABLE_PURPOSE, _fund_lock, decision_locked, parse_amount

ZERO = Decimal("0.00")
ALLOCATABLE_STATES = (DecisionStatus.APPROVED, DecisionStatus.EXECUTED, DecisionStatus.MONITORING)
PAYABLE_STATES = (DecisionStatus.EXECUTED, DecisionStatus.MONITORING)


@dataclass(frozen=True)
class MoneyTrail:
    """A decision's figures: its amount, allocated (to payees), paid, unallocated and still to pay."""

    currency: str
    amount: Decimal
    allocated: Decimal
    paid: Decimal

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated

    @property
    def remaining(self) -> Decimal:
        """What is still to be paid of the decision's amount."""
        return self.amount - self.paid


def decision_money(decision: DispositionDecision) -> MoneyTrail:
    allocated = decision.allocations.aggregate(total=Sum("amount"))["total"] or ZERO
    paid = AllocationPayment.objects.filter(allocation__decision=decision).aggregate(total=Sum("amount"))["total"]
    return MoneyTrail(currency=decision.currency, amount=decision.amount or ZERO, allocated=allocated,
                      paid=paid or ZERO)


def allocatable(decision: DispositionDecision) -> Decimal:
    """What may be allocated of the decision now: its unallocated money, less what claims need of it."""
    return max(decision_money(decision).unallocated - decision_claims_hold(decision).amount, ZERO)


def allocation_paid(allocation: Allocation) -> Decimal:
    return allocation.payments.aggregate(total=Sum("amount"))["total"] or ZERO


def allocate_refusal(decision: DispositionDecision) -> str | None:
    if not decision.over_proceeds:
        return _("Only a decision over proceeds allocates money.")
    if decision.status not in ALLOCATABLE_STATES:
        return _("Money is allocated once the decision is approved; this one is “%(status)s”.") % {
            "status": decision.get_status_display()}
    return None


@transaction.atomic
def allocation_create(*, actor, decision_id: int, payee_type: str, payee_name: str, amount,
                      beneficiary_id: int | None = None, payee_account: str = "") -> Allocation:
    """Allocate part of a decision's amount to one payee (never more than is unallocated)."""
    require_perm(actor, "disposition.add_allocation", _("Your role does not allow allocating proceeds."))
    if payee_type not in PayeeType.values:
        raise DomainError(_("Choose the type of payee."), field="payee_type")
    payee_name = (payee_name or "").strip()
    if not payee_name:
        raise DomainError(_("Name the payee."), field="payee_name")
    amount = parse_amount(amount)
    decision = decision_locked(decision_id)
    if why := allocate_refusal(decision):
        raise DomainError(why)
    beneficiary = Beneficiary.objects.filter(pk=beneficiary_id).first() if beneficiary_id else None
    trail = decision_money(decision)
    if amount > trail.unallocated:
        raise DomainError(_("%(amount)s %(cur)s is more than the %(left)s %(cur)s of the decision still unallocated.")
                          % {"amount": amount, "cur": decision.currency, "left": trail.unallocated}, field="amount")
    _fund_lock(decision.currency)  # what the claims need of the decision stays true until this commits
    hold = decision_claims_hold(decision)
    if amount > trail.unallocated - hold.amount:
        raise DomainError(claims_hold_message(hold, currency=decision.currency, left=trail.unallocated - hold.amount),
                          field="amount")
    allocation = Allocation.objects.create(
        decision=decision, payee_type=payee_type, payee_name=payee_name, payee_account=(payee_account or "").strip(),
        beneficiary=beneficiary, amount=amount, currency=decision.currency, created_by=actor)
    reuse_event_write(subject="allocation", obj=allocation, action="allocate", actor=actor, decision=decision,
                      note=f"{amount} {decision.currency} ({allocation.get_payee_type_display()})")
    return allocation


def pay_refusal(allocation: Allocation) -> str | None:
    decision = allocation.decision
    if decision.status not in PAYABLE_STATES:
        return _("Allocations are paid once the decision is executed; it is “%(status)s”.") % {
            "status": decision.get_status_display()}
    if allocation_paid(allocation) >= allocation.amount:
        return _("This allocation is paid in full.")
    return None


@transaction.atomic
def allocation_pay(*, actor, allocation_id: int, amount, paid_on: date | None = None,
                   reference: str) -> AllocationPayment:
    """Record a payment of an allocation (finance): posted at once, never above what remains of it."""
    require_perm(actor, "disposition.pay_allocation", _("Your role does not allow paying allocations."))
    amount = parse_amount(amount)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(_("Give the bank's reference of the payment."), field="reference")
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise DomainError(_("A payment cannot be dated in the future."), field="paid_on")
    decision_id = Allocation.objects.filter(pk=allocation_id).values_list("decision_id", flat=True).first()
    if decision_id is None:
        raise DomainError(_("There is no such allocation."))
    decision = decision_locked(decision_id)  # the decision first, then the allocation: one lock order
    allocation = Allocation.objects.select_for_update().get(pk=allocation_id)
    allocation.decision = decision
    if why := pay_refusal(allocation):
        raise DomainError(why)
    left = allocation.amount - allocation_paid(allocation)
    if amount > left:
        raise DomainError(_("%(amount)s %(cur)s is more than the %(left)s %(cur)s still to pay on this allocation.")
                          % {"amount": amount, "cur": allocation.currency, "left": left}, field="amount")
    _fund_lock(decision.currency)
    hold = decision_claims_hold(decision)
    remaining = decision_money(decision).remaining
    if amount > remaining - hold.amount:
        raise DomainError(claims_hold_message(hold, currency=decision.currency, left=remaining - hold.amount,
                                              paying=True), field="amount")
    number = allocation.payments.count() + 1
    owed = account_for(purpose=PAYABLE_PURPOSE[decision.kind], currency=allocation.currency)
    bank = account_for(purpose=AccountPurpose.BANK, currency=allocation.currency)
    entry = ledger_post(
        memo=_("Decision #%(id)s: payment %(n)s of allocation #%(alloc)s to %(type)s (%(ref)s)") % {
            "id": decision.pk, "n": number, "alloc": allocation.pk, "type": allocation.get_payee_type_display(),
            "ref": reference},
        lines=[Line(owed, amount), Line(bank, -amount)], actor=actor, asset=decision.proceeds_asset,
        source=f"allocation:{allocation.pk}", idempotency_key=f"allocation:{allocation.pk}:{number}")
    payment = AllocationPayment.objects.create(allocation=allocation, amount=amount, currency=allocation.currency,
                                               paid_on=paid_on, reference=reference, paid_by=actor,
                                               journal_entry=entry)
    reuse_event_write(subject="allocation", obj=allocation, action="pay", actor=actor, decision=decision,
                      note=f"{amount} {allocation.currency} {reference}")
    return payment
