"""Disposition decisions: what becomes of a confiscated asset or of an amount of confiscated proceeds.

proposed → approved (four eyes: never by the proposer; the database refuses it too) → executed (the
asset moves to its final state through the custody life cycle; money is assigned in the ledger:
Dr confiscated-proceeds fund, Cr what is owed to the decision's payees) → monitoring (a reuse
project is recorded, services/monitoring.py) → completed; or revoked with a reason, at any live
step: an asset given for use is taken back (custody's `take_back`) and a new proposed decision is
opened for it; the unpaid part of assigned money goes back to the fund.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from common.currencies import validate_currency
from common.exceptions import DomainError, NotPermitted, TransitionRefused
from common.transitions import check_expected_status, require_perm, transition_run
from custody.models import Asset, AssetStatus, DispositionMethod, category_rule
from custody.services import asset_disposition_step
from ledger.models import Account, AccountPurpose, JournalEntry, Posting
from ledger.services import Line, account_for, ledger_post

from ..events import reuse_event_write
from ..models import (
    BENEFICIARY_KINDS,
    LIVE_STATES,
    PROCEEDS_KINDS,
    AllocationPayment,
    Beneficiary,
    BeneficiaryKind,
    DecisionKind,
    DecisionStatus,
    DispositionDecision,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DECIDABLE_ASSET_STATES = (AssetStatus.CONFISCATED, AssetStatus.AWAITING_DISPOSITION)
PENDING_STATES = (DecisionStatus.PROPOSED, DecisionStatus.APPROVED)

# Where money assigned by each kind of decision waits for its payees (a liability until paid).
PAYABLE_PURPOSE = {
    DecisionKind.VICTIM_COMPENSATION: AccountPurpose.VICTIM_COMPENSATION,
    DecisionKind.SOCIAL_REUSE: AccountPurpose.SOCIAL_REUSE_GRANTS,
    DecisionKind.PUBLIC_USE: AccountPurpose.PUBLIC_BODIES,
    DecisionKind.FOREIGN_RETURN: AccountPurpose.FOREIGN_STATES,
}
_DISPOSE_METHOD = {DecisionKind.SOCIAL_REUSE: DispositionMethod.SOCIAL_REUSE,
                   DecisionKind.PUBLIC_USE: DispositionMethod.PUBLIC_USE}


def parse_amount(value, *, field: str = "amount") -> Decimal:
    """A positive amount to the cent; a float, a word or a fraction of a cent is refused."""
    if isinstance(value, float):
        raise DomainError(_("Amounts are decimals, never floating-point numbers."), field=field)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("We could not read “%(text)s” as an amount.") % {"text": value}, field=field) from None
    if not amount.is_finite() or amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field=field)
    if amount != amount.quantize(CENT):
        raise DomainError(_("Amounts are in cents: %(amount)s has too many decimals.") % {"amount": amount},
                          field=field)
    return amount.quantize(CENT)


# --------------------------------------------------------------------------------------------
# What proceeds are available
# --------------------------------------------------------------------------------------------


def _fund_lock(currency: str) -> Account:
    """The confiscated-proceeds fund's account in `currency`, locked: every decision over proceeds in
    that currency is checked against it one at a time."""
    account = account_for(purpose=AccountPurpose.STATE_PROCEEDS, currency=currency)
    return Account.objects.select_for_update().get(pk=account.pk)


def proceeds_available(*, currency: str, proceeds_asset_id: int | None = None,
                       exclude_decision_id: int | None = None) -> Decimal:
    """What may still be assigned: the fund's balance in `currency` (or, for one sold asset, what its
    sale and confiscation brought into the fund, less what decisions already took from it), less the
    amounts of decisions proposed or approved but not yet executed."""
    fund_postings = Posting.objects.filter(account__purpose=AccountPurpose.STATE_PROCEEDS, currency=currency)
    pending = DispositionDecision.objects.filter(asset__isnull=True, currency=currency, status__in=PENDING_STATES)
    if exclude_decision_id:
        pending = pending.exclude(pk=exclude_decision_id)
    fund = -(fund_postings.aggregate(total=Sum("amount"))["total"] or ZERO)
    available = fund - (pending.aggregate(total=Sum("amount"))["total"] or ZERO)
    if proceeds_asset_id:
        own = -(fund_postings.filter(entry__asset_id=proceeds_asset_id).aggregate(total=Sum("amount"))["total"]
                or ZERO)
        own -= pending.filter(proceeds_asset_id=proceeds_asset_id).aggregate(total=Sum("amount"))["total"] or ZERO
        available = min(available, own)
    return max(available, ZERO)


def _refuse_over_available(decision: DispositionDecision) -> None:
    _fund_lock(decision.currency)
    available = proceeds_available(currency=decision.currency, proceeds_asset_id=decision.proceeds_asset_id,
                                   exclude_decision_id=decision.pk)
    if decision.amount > available:
        source = (_("the proceeds of %(asset)s") % {"asset": decision.proceeds_asset.reference}
                  if decision.proceeds_asset_id else _("the confiscated-proceeds fund"))
        raise DomainError(_("%(amount)s %(cur)s is more than the %(available)s %(cur)s available from %(source)s.")
                          % {"amount": decision.amount, "cur": decision.currency, "available": available,
                             "source": source}, field="amount")


# --------------------------------------------------------------------------------------------
# Proposal
# --------------------------------------------------------------------------------------------


def _kind_refusal(asset: Asset, kind: str) -> str | None:
    """Why the asset's category (custody.CATEGORY_RULES) does not allow this kind of decision."""
    rule = category_rule(asset.category)
    allowed = {
        DecisionKind.SALE: rule.auctioned,
        DecisionKind.SOCIAL_REUSE: DispositionMethod.SOCIAL_REUSE in rule.dispositions,
        DecisionKind.PUBLIC_USE: DispositionMethod.PUBLIC_USE in rule.dispositions,
        DecisionKind.DESTRUCTION: rule.destroy,
        DecisionKind.FOREIGN_RETURN: True,
    }
    if kind not in allowed:
        return _("“%(kind)s” is decided over money, not over an asset: sell the asset first.") % {
            "kind": DecisionKind(kind).label}
    if not allowed[kind]:
        return _("“%(kind)s” is not possible for an asset of the category “%(category)s”.") % {
            "kind": DecisionKind(kind).label, "category": asset.get_category_display()}
    return None


def asset_decision_refusal(asset: Asset) -> str | None:
    """Why no decision may be proposed for this asset now (its state, or a live decision)."""
    if asset.status not in DECIDABLE_ASSET_STATES:
        return _("Asset %(ref)s is “%(status)s”: only a confiscated asset awaiting its disposition can be decided "
                 "on.") % {"ref": asset.reference, "status": asset.get_status_display()}
    live = DispositionDecision.objects.filter(asset=asset).exclude(status=DecisionStatus.REVOKED).first()
    if live is not None:
        return _("Asset %(ref)s already has a decision (#%(id)s, “%(status)s”): revoke it before proposing "
                 "another.") % {"ref": asset.reference, "id": live.pk, "status": live.get_status_display()}
    return None


def _beneficiary_refusal(kind: str, beneficiary: Beneficiary | None) -> str | None:
    if kind in BENEFICIARY_KINDS and beneficiary is None:
        return _("Name the beneficiary of a “%(kind)s” decision.") % {"kind": DecisionKind(kind).label}
    if kind == DecisionKind.PUBLIC_USE and beneficiary is not None and beneficiary.kind not in (
            BeneficiaryKind.MUNICIPALITY, BeneficiaryKind.PUBLIC_BODY):
        return _("Institutional use is for a municipality or a public body; %(name)s is a “%(kind)s”.") % {
            "name": beneficiary.name, "kind": beneficiary.get_kind_display()}
    return None


@transaction.atomic
def decision_propose(
    *, actor, kind: str, legal_basis: str, asset_id: int | None = None, amount=None, currency: str = "",
    proceeds_asset_id: int | None = None, beneficiary_id: int | None = None, recipient_state: str = "",
    conditions: str = "", concession_start: date | None = None, concession_end: date | None = None,
    order_id: int | None = None, call=None, previous: DispositionDecision | None = None,
) -> DispositionDecision:
    """Propose a decision for one confiscated asset (`asset_id`) or for an amount of proceeds
    (`amount`, `currency`, from `proceeds_asset_id`'s proceeds or from the fund)."""
    require_perm(actor, "disposition.add_dispositiondecision", _("Your role does not allow proposing decisions."))
    if kind not in DecisionKind.values:
        raise DomainError(_("Choose what the decision is."), field="kind")
    legal_basis = (legal_basis or "").strip()
    if not legal_basis:
        raise DomainError(_("Give the legal basis of the decision."), field="legal_basis")
    if (asset_id is None) == (amount in (None, "")):
        raise DomainError(_("A decision is about one asset or about an amount of proceeds, not both nor neither."))
    if concession_start and concession_end and concession_end <= concession_start:
        raise DomainError(_("The concession must end after it starts."), field="concession_end")
    beneficiary = None
    if beneficiary_id is not None:
        beneficiary = Beneficiary.objects.filter(pk=beneficiary_id).first()
        if beneficiary is None:
            raise DomainError(_("There is no such beneficiary."), field="beneficiary")
    if previous is None and (why := _beneficiary_refusal(kind, beneficiary)):
        raise DomainError(why, field="beneficiary")
    if kind == DecisionKind.FOREIGN_RETURN and not recipient_state:
        raise DomainError(_("Name the state the asset or money is returned to."), field="recipient_state")
    decision = DispositionDecision(
        kind=kind, legal_basis=legal_basis, beneficiary=beneficiary, recipient_state=recipient_state or "",
        conditions=(conditions or "").strip(), concession_start=concession_start, concession_end=concession_end,
        order_id=order_id, call=call, previous=previous, proposed_by=actor)
    if asset_id is not None:
        asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
        if asset is None:
            raise DomainError(_("This asset does not exist."), field="asset")
        if why := asset_decision_refusal(asset):
            raise DomainError(why, field="asset")
        if why := _kind_refusal(asset, kind):
            raise DomainError(why, field="kind")
        decision.asset = asset
    else:
        if kind not in PROCEEDS_KINDS:
            raise DomainError(_("Money can go to social reuse, a public body, victims or a foreign state; not to "
                                "“%(kind)s”.") % {"kind": DecisionKind(kind).label}, field="kind")
        decision.amount = parse_amount(amount)
        try:
            validate_currency(currency)
        except Exception:
            raise DomainError(_("Choose the currency of the amount."), field="currency") from None
        decision.currency = currency
        if proceeds_asset_id is not None:
            source = Asset.objects.filter(pk=proceeds_asset_id).first()
            if source is None:
                raise DomainError(_("This asset does not exist."), field="proceeds_asset")
            decision.proceeds_asset = source
        _refuse_over_available(decision)
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise DomainError(_("This asset already has a live decision."), field="asset") from None
    note = _("Reopened after decision #%(id)s was revoked.") % {"id": previous.pk} if previous else ""
    reuse_event_write(subject="decision", obj=decision, action="propose", actor=actor, decision=decision, note=note)
    return decision


# --------------------------------------------------------------------------------------------
# Approval, execution, completion, revocation
# --------------------------------------------------------------------------------------------


def decision_locked(decision_id: int) -> DispositionDecision:
    decision = (DispositionDecision.objects.select_for_update(of=("self",))
                .select_related("asset", "proceeds_asset", "beneficiary").filter(pk=decision_id).first())
    if decision is None:
        raise DomainError(_("There is no such decision."))
    return decision


def approve_refusal(user, decision: DispositionDecision) -> str | None:
    """Why `user` may not approve this decision (four eyes; claims first; a public consultation open or
    unanswered), or None."""
    if user is not None and decision.proposed_by_id == user.pk:
        return _("You proposed this decision: another approver approves it (four eyes).")
    from .claims import decision_priority_refusal  # claims on the asset or proceeds come first
    from .consultation import consultation_approve_refusal  # the public consultation, if open or unanswered

    return decision_priority_refusal(decision) or consultation_approve_refusal(decision)


@transaction.atomic
def decision_approve(*, actor, decision_id: int, expected_status: str | None = None) -> DispositionDecision:
    require_perm(actor, "disposition.approve_dispositiondecision", _("Your role does not allow approving decisions."))
    decision = decision_locked(decision_id)
    check_expected_status(decision, expected_status)
    if decision.status == DecisionStatus.PROPOSED and (why := approve_refusal(actor, decision)):
        raise NotPermitted(why)
    if decision.status == DecisionStatus.PROPOSED and (why := _beneficiary_refusal(decision.kind,
                                                                                     decision.beneficiary)):
        raise TransitionRefused(why)
    if decision.status == DecisionStatus.PROPOSED and decision.over_proceeds:
        _refuse_over_available(decision)
    decision.approved_by = actor
    moved = transition_run(decision, "approve", actor=actor, label=_("approve"))
    reuse_event_write(subject="decision", obj=decision, action="approve", moved=moved, actor=actor, decision=decision)
    return decision


def _execute_asset(decision: DispositionDecision, *, actor, order_id: int | None) -> None:
    asset = decision.asset
    reason = _("Disposition decision #%(id)s: %(kind)s") % {"id": decision.pk, "kind": decision.get_kind_display()}
    if decision.beneficiary_id:
        reason += f" — {decision.beneficiary.name}"
    if decision.kind in (DecisionKind.SOCIAL_REUSE, DecisionKind.PUBLIC_USE, DecisionKind.SALE) \
            and asset.status == AssetStatus.CONFISCATED:
        asset = asset_disposition_step(asset_id=asset.pk, transition="refer_for_disposition", actor=actor,
                                       reason=reason)
    if decision.kind in _DISPOSE_METHOD:
        asset_disposition_step(asset_id=asset.pk, transition="dispose", actor=actor, reason=reason,
                               disposition=_DISPOSE_METHOD[decision.kind])
    elif decision.kind == DecisionKind.SALE:
        # Handed to the sale channels: the asset is for sale at the public auction, where the auction
        # manager lots it; the sale itself is recorded by settlement.
        asset_disposition_step(asset_id=asset.pk, transition="put_up_for_sale", actor=actor, reason=reason)
    elif decision.kind == DecisionKind.FOREIGN_RETURN:
        asset_disposition_step(asset_id=asset.pk, transition="return_to_state", actor=actor, reason=reason,
                               order_id=order_id or decision.order_id)
    elif decision.kind == DecisionKind.DESTRUCTION:
        asset_disposition_step(asset_id=asset.pk, transition="destroy", actor=actor, reason=reason,
                               order_id=order_id or decision.order_id)
    if order_id:
        decision.order_id = order_id


def _execute_proceeds(decision: DispositionDecision, *, actor) -> JournalEntry:
    _refuse_over_available(decision)
    fund = account_for(purpose=AccountPurpose.STATE_PROCEEDS, currency=decision.currency)
    owed = account_for(purpose=PAYABLE_PURPOSE[decision.kind], currency=decision.currency)
    source = (_("the proceeds of %(asset)s") % {"asset": decision.proceeds_asset.reference}
              if decision.proceeds_asset_id else _("the confiscated-proceeds fund"))
    return ledger_post(
        memo=_("Decision #%(id)s: %(amount)s %(cur)s of %(source)s for %(kind)s") % {
            "id": decision.pk, "amount": decision.amount, "cur": decision.currency, "source": source,
            "kind": decision.get_kind_display().lower()},
        lines=[Line(fund, decision.amount), Line(owed, -decision.amount)], actor=actor,
        asset=decision.proceeds_asset, source=f"decision:{decision.pk}", idempotency_key=f"disposition:{decision.pk}")


@transaction.atomic
def decision_execute(*, actor, decision_id: int, order_id: int | None = None,
                     expected_status: str | None = None) -> DispositionDecision:
    """Carry out an approved decision: the asset moves to its final state in the register (social
    reuse and public use: disposed; sale: for sale at auction; return: returned, citing the return
    order; destruction: destroyed, citing the destruction order), or the money is assigned in the
    ledger (Dr the fund, Cr what is owed to the payees)."""
    require_perm(actor, "disposition.execute_dispositiondecision", _("Your role does not allow executing decisions."))
    decision = decision_locked(decision_id)
    check_expected_status(decision, expected_status)
    if decision.status != DecisionStatus.APPROVED:
        raise TransitionRefused(_("Only an approved decision can be executed; this one is “%(status)s”.")
                                % {"status": decision.get_status_display()})
    if decision.over_proceeds:
        decision.journal_entry = _execute_proceeds(decision, actor=actor)
    else:
        _execute_asset(decision, actor=actor, order_id=order_id)
    decision.executed_by = actor
    moved = transition_run(decision, "execute", actor=actor, label=_("execute"))
    reuse_event_write(subject="decision", obj=decision, action="execute", moved=moved, actor=actor, decision=decision)
    return decision


def money_paid(decision: DispositionDecision) -> Decimal:
    return (AllocationPayment.objects.filter(allocation__decision=decision).aggregate(total=Sum("amount"))["total"]
            or ZERO)


def complete_refusal(decision: DispositionDecision) -> str | None:
    """Why the decision cannot be completed yet, or None."""
    if decision.status not in (DecisionStatus.EXECUTED, DecisionStatus.MONITORING):
        return None
    if decision.over_proceeds:
        remaining = decision.amount - money_paid(decision)
        if remaining > 0:
            return _("%(remaining)s %(cur)s of the decision is still to be paid.") % {
                "remaining": remaining, "cur": decision.currency}
        return None
    if decision.kind in BENEFICIARY_KINDS and decision.status == DecisionStatus.EXECUTED:
        return _("Record the project and monitor it before completing the decision.")
    if decision.kind == DecisionKind.SALE and decision.asset.status != AssetStatus.DISPOSED:
        return _("The asset is still “%(status)s”: the decision is complete once it is sold.") % {
            "status": decision.asset.get_status_display()}
    return None


@transaction.atomic
def decision_complete(*, actor, decision_id: int, note: str = "",
                      expected_status: str | None = None) -> DispositionDecision:
    require_perm(actor, "disposition.complete_dispositiondecision",
                 _("Your role does not allow completing decisions."))
    decision = decision_locked(decision_id)
    check_expected_status(decision, expected_status)
    if why := complete_refusal(decision):
        raise TransitionRefused(why)
    moved = transition_run(decision, "complete", actor=actor, label=_("complete"))
    reuse_event_write(subject="decision", obj=decision, action="complete", moved=moved, actor=actor,
                      decision=decision, note=note)
    return decision


def _take_back(decision: DispositionDecision, *, actor, reason: str) -> None:
    asset = decision.asset
    if asset.status == AssetStatus.DISPOSED and decision.kind in _DISPOSE_METHOD:
        asset_disposition_step(asset_id=asset.pk, transition="take_back", actor=actor, reason=reason)
    elif asset.status == AssetStatus.FOR_SALE and decision.kind == DecisionKind.SALE:
        asset_disposition_step(asset_id=asset.pk, transition="withdraw_from_sale", actor=actor, reason=reason)
    else:
        raise TransitionRefused(_("Asset %(ref)s is “%(status)s”: that cannot be undone, so the decision cannot be "
                                  "revoked.") % {"ref": asset.reference, "status": asset.get_status_display()})


def _release_unpaid(decision: DispositionDecision, *, actor, reason: str) -> None:
    unpaid = decision.amount - money_paid(decision)
    if unpaid <= 0:
        return
    fund = account_for(purpose=AccountPurpose.STATE_PROCEEDS, currency=decision.currency)
    owed = account_for(purpose=PAYABLE_PURPOSE[decision.kind], currency=decision.currency)
    ledger_post(memo=_("Decision #%(id)s revoked: %(amount)s %(cur)s unpaid back to the fund (%(reason)s)") % {
        "id": decision.pk, "amount": unpaid, "cur": decision.currency, "reason": reason},
        lines=[Line(owed, unpaid), Line(fund, -unpaid)], actor=actor, asset=decision.proceeds_asset,
        source=f"decision:{decision.pk}", idempotency_key=f"disposition-release:{decision.pk}")


def revoke_refusal(decision: DispositionDecision) -> str | None:
    """Why an executed decision cannot be revoked (what it did cannot be undone), or None."""
    if decision.over_proceeds or decision.status not in (DecisionStatus.EXECUTED, DecisionStatus.MONITORING):
        return None
    if decision.kind in (DecisionKind.FOREIGN_RETURN, DecisionKind.DESTRUCTION) or (
            decision.kind == DecisionKind.SALE and decision.asset.status != AssetStatus.FOR_SALE):
        return _("Asset %(ref)s is “%(status)s”: that cannot be undone, so the decision cannot be revoked.") % {
            "ref": decision.asset.reference, "status": decision.asset.get_status_display()}
    return None


@transaction.atomic
def decision_revoke(*, actor, decision_id: int, reason: str, expected_status: str | None = None,
                    report_id: int | None = None) -> DispositionDecision | None:
    """Revoke a live decision, with the reason (a failing monitoring report, `report_id`, may be
    cited). An asset already given for use is taken back and a new proposed decision is opened for it
    (returned); the unpaid part of money already assigned goes back to the fund."""
    require_perm(actor, "disposition.revoke_dispositiondecision", _("Your role does not allow revoking decisions."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the decision is revoked."), field="reason")
    decision = decision_locked(decision_id)
    check_expected_status(decision, expected_status)
    if decision.status not in LIVE_STATES:
        raise TransitionRefused(_("A decision that is “%(status)s” cannot be revoked.")
                                % {"status": decision.get_status_display()})
    if why := revoke_refusal(decision):
        raise TransitionRefused(why)
    if report_id is not None:
        from ..models import MonitoringReport

        report = MonitoringReport.objects.filter(pk=report_id, project__decision=decision).first()
        if report is None:
            raise DomainError(_("That monitoring report is not about this decision."))
        reason = _("%(reason)s (monitoring report of %(date)s: %(assessment)s)") % {
            "reason": reason, "date": report.date.isoformat(), "assessment": report.get_assessment_display()}
    executed = decision.status in (DecisionStatus.EXECUTED, DecisionStatus.MONITORING)
    if executed and decision.over_proceeds:
        _release_unpaid(decision, actor=actor, reason=reason)
    elif executed:
        _take_back(decision, actor=actor, reason=reason)
    decision.revoked_by, decision.revocation_reason = actor, reason
    moved = transition_run(decision, "revoke", actor=actor, label=_("revoke"))
    reuse_event_write(subject="decision", obj=decision, action="revoke", moved=moved, actor=actor, decision=decision,
                      note=reason)
    if decision.over_proceeds:
        return None
    replacement = DispositionDecision.objects.create(
        asset=decision.asset, kind=decision.kind, legal_basis=decision.legal_basis, conditions=decision.conditions,
        recipient_state=decision.recipient_state, previous=decision, proposed_by=actor)
    reuse_event_write(subject="decision", obj=replacement, action="propose", actor=actor, decision=replacement,
                      note=_("Reopened after decision #%(id)s was revoked.") % {"id": decision.pk})
    return replacement


def decision_start_monitoring(*, decision: DispositionDecision, actor) -> None:
    """The project is recorded: the decision is being monitored (called by services/monitoring.py,
    on the decision it holds locked)."""
    moved = transition_run(decision, "start_monitoring", label=_("start monitoring"))
    reuse_event_write(subject="decision", obj=decision, action="monitor", moved=moved, actor=actor, decision=decision)

