"""Every change to the ledger goes through these functions.

`ledger_post` is the only writer of journal entries. The escrow helpers below it are the
use cases the apps above need: sale proceeds into a case's escrow, and out of it again to the
state on confiscation or back to the owner on release.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import DomainError
from custody.models import Asset, Case

from .models import Account, AccountKind, AccountPurpose, JournalEntry, Posting

CENT = Decimal("0.01")


class LedgerError(DomainError):
    code = "ledger_refused"
    status = 400


@dataclass(frozen=True)
class Line:
    """One side of an entry: a positive amount debits the account, a negative one credits it."""

    account: Account
    amount: Decimal
    currency: str | None = None


def _money(amount) -> Decimal:
    if isinstance(amount, float):
        raise LedgerError(_("Amounts must be decimals, never floating-point numbers."))
    value = Decimal(amount)
    if value != value.quantize(CENT):
        raise LedgerError(_("Amounts are recorded to the cent: %(amount)s has too many decimals.") % {"amount": value})
    return value.quantize(CENT)


@transaction.atomic
def ledger_post(
    *, memo: str, lines: Iterable[Line | tuple[Account, Decimal]], actor=None, idempotency_key: str,
    source: str = "", case: Case | None = None, asset: Asset | None = None, occurred_at: datetime | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Record a balanced journal entry, once.

    Refuses an entry with fewer than two lines, a zero line, a line whose currency differs from its
    account's, or postings that do not sum to zero in every currency. Posting again with the same
    idempotency key returns the entry already recorded (and refuses if it was a different entry).
    """
    if not idempotency_key:
        raise LedgerError(_("A journal entry needs an idempotency key."))
    existing = JournalEntry.objects.filter(idempotency_key=idempotency_key).first()
    normalised: list[Line] = []
    for raw in lines:
        line = raw if isinstance(raw, Line) else Line(raw[0], raw[1])
        amount = _money(line.amount)
        currency = line.currency or line.account.currency
        if currency != line.account.currency:
            raise LedgerError(
                _("Account %(code)s is kept in %(acc)s; it cannot take an amount in %(cur)s.")
                % {"code": line.account.code, "acc": line.account.currency, "cur": currency}
            )
        if amount == 0:
            raise LedgerError(_("A posting of zero records nothing."))
        normalised.append(Line(line.account, amount, currency))
    if len(normalised) < 2:
        raise LedgerError(_("A journal entry needs at least two postings."))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in normalised:
        totals[line.currency] += line.amount
    unbalanced = {cur: total for cur, total in totals.items() if total != 0}
    if unbalanced:
        raise LedgerError(
            _("The entry does not balance: %(diff)s.")
            % {"diff": ", ".join(f"{total:+} {cur}" for cur, total in sorted(unbalanced.items()))}
        )
    if existing is not None:
        return _same_entry_or_refuse(existing, normalised)
    if asset is not None and case is None:
        case = asset.case
    entry = JournalEntry(memo=memo[:255], source=source[:96], case=case, asset=asset, idempotency_key=idempotency_key,
                         actor=actor if actor is not None and actor.pk else None,
                         occurred_at=occurred_at or timezone.now(), reverses=reverses)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # Someone else recorded the same entry a moment ago.
        return _same_entry_or_refuse(JournalEntry.objects.get(idempotency_key=idempotency_key), normalised)
    Posting.objects.bulk_create(
        [Posting(entry=entry, account=line.account, amount=line.amount, currency=line.currency) for line in normalised]
    )
    return entry


def _same_entry_or_refuse(entry: JournalEntry, lines: list[Line]) -> JournalEntry:
    recorded = sorted((p.account_id, p.amount, p.currency) for p in entry.postings.all())
    asked = sorted((line.account.pk, line.amount, line.currency) for line in lines)
    if recorded != asked:
        raise LedgerError(_("A different entry was already recorded under this idempotency key."))
    return entry


# --------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------

_GLOBAL_ACCOUNTS = {
    AccountPurpose.BANK: (AccountKind.ASSET, "BANK", _("Agency bank account")),
    AccountPurpose.STATE_PROCEEDS: (AccountKind.INCOME, "STATE-PROCEEDS", _("Confiscated proceeds due to the state")),
    AccountPurpose.STORAGE_EXPENSE: (AccountKind.EXPENSE, "STORAGE-COSTS", _("Storage and upkeep costs")),
    AccountPurpose.ACCRUED_COSTS: (AccountKind.LIABILITY, "ACCRUED-STORAGE", _("Accrued storage costs payable")),
    AccountPurpose.RECEIVABLE: (AccountKind.ASSET, "RECEIVABLE", _("Buyers' balances (invoiced, less paid)")),
    AccountPurpose.PREMIUM_INCOME: (AccountKind.INCOME, "PREMIUM", _("Buyer's premium earned")),
    AccountPurpose.VAT_PAYABLE: (AccountKind.LIABILITY, "VAT-PAYABLE", _("VAT payable on sales")),
    AccountPurpose.SALE_COSTS: (AccountKind.INCOME, "SALE-COSTS", _("Costs of sale recovered from the proceeds")),
    AccountPurpose.STORAGE_FEE_INCOME: (AccountKind.INCOME, "STORAGE-FEES", _("Storage fees charged to buyers")),
    AccountPurpose.DEFAULT_DAMAGES: (AccountKind.INCOME, "DEFAULT-DAMAGES", _("Deposits kept for a buyer's default")),
    AccountPurpose.VICTIM_COMPENSATION: (AccountKind.LIABILITY, "VICTIMS-OWED", _("Compensation owed to victims")),
    AccountPurpose.SOCIAL_REUSE_GRANTS: (AccountKind.LIABILITY, "REUSE-GRANTS-OWED", _("Social-reuse grants owed")),
    AccountPurpose.PUBLIC_BODIES: (AccountKind.LIABILITY, "PUBLIC-BODIES-OWED", _("Proceeds owed to public bodies")),
    AccountPurpose.FOREIGN_STATES: (AccountKind.LIABILITY, "FOREIGN-STATES-OWED",
                                    _("Proceeds owed to foreign states")),
}
_CASE_ACCOUNTS = {
    AccountPurpose.ESCROW: (AccountKind.LIABILITY, "ESCROW", _("Sale proceeds in escrow")),
    AccountPurpose.OWNER_REFUND: (AccountKind.LIABILITY, "OWNER-REFUND", _("Proceeds to return to the owner")),
}


def account_for(*, purpose: str, currency: str, case: Case | None = None) -> Account:
    """The account for a purpose (and case, for per-case accounts), opened on first use."""
    if purpose in _CASE_ACCOUNTS:
        if case is None:
            raise LedgerError(_("This account is kept per case."))
        kind, prefix, name = _CASE_ACCOUNTS[purpose]
        code, label = f"{prefix}-{case.reference}-{currency}", f"{name} — {case.reference}"
    elif purpose in _GLOBAL_ACCOUNTS:
        kind, prefix, name = _GLOBAL_ACCOUNTS[purpose]
        code, label, case = f"{prefix}-{currency}", str(name), None
    else:
        raise LedgerError(_("Unknown account purpose."))
    account = Account.objects.filter(purpose=purpose, case=case, currency=currency).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(code=code, name=label[:255], kind=kind, purpose=purpose,
                                          currency=currency, case=case)
    except IntegrityError:
        return Account.objects.get(purpose=purpose, case=case, currency=currency)


def account_balance(account: Account) -> Decimal:
    return account.postings.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


# --------------------------------------------------------------------------------------------
# Escrow of sale proceeds
# --------------------------------------------------------------------------------------------


def proceeds_to_escrow(*, asset: Asset, amount: Decimal, currency: str, source: str, actor=None,
                       memo: str = "") -> JournalEntry:
    """Money received for an asset sold before the final decision, held in its case's escrow for
    whoever wins the case. `source` names the sale (e.g. direct_sale:12); posting it twice is a no-op."""
    amount = _money(amount)
    if amount <= 0:
        raise LedgerError(_("Sale proceeds must be a positive amount."))
    case = asset.case
    bank = account_for(purpose=AccountPurpose.BANK, currency=currency)
    escrow = account_for(purpose=AccountPurpose.ESCROW, currency=currency, case=case)
    return ledger_post(
        memo=memo or _("Proceeds of %(asset)s held in escrow for case %(ref)s")
        % {"asset": asset.reference, "ref": case.reference},
        lines=[Line(bank, amount), Line(escrow, -amount)], actor=actor, case=case, asset=asset, source=source,
        idempotency_key=f"escrow-in:{source}",
    )


def escrow_held_for_asset(asset: Asset) -> dict[str, Decimal]:
    """What the case's escrow still holds for this asset, per currency (credit balance, positive)."""
    rows = (Posting.objects.filter(account__purpose=AccountPurpose.ESCROW, account__case_id=asset.case_id,
                                   entry__asset=asset)
            .values("currency").annotate(total=Sum("amount")).order_by("currency"))
    return {row["currency"]: -row["total"] for row in rows if row["total"]}


def _escrow_out(*, asset: Asset, purpose: str, source: str, actor, memo: str, key: str) -> list[JournalEntry]:
    case = asset.case
    # Serialise movements out of this case's escrow.
    list(Account.objects.select_for_update().filter(case=case, purpose=AccountPurpose.ESCROW))
    entries = []
    for currency, held in escrow_held_for_asset(asset).items():
        if held <= 0:
            continue
        escrow = account_for(purpose=AccountPurpose.ESCROW, currency=currency, case=case)
        target = account_for(purpose=purpose, currency=currency, case=case)
        entries.append(ledger_post(
            memo=memo, lines=[Line(escrow, held), Line(target, -held)], actor=actor, case=case, asset=asset,
            source=source, idempotency_key=f"{key}:{asset.pk}:{source}:{currency}",
        ))
    return entries


def escrow_to_state_proceeds(*, asset: Asset, source: str, actor=None) -> list[JournalEntry]:
    """Confiscation of an asset sold early: its escrowed proceeds become the state's proceeds."""
    return _escrow_out(asset=asset, purpose=AccountPurpose.STATE_PROCEEDS, source=source, actor=actor,
                       memo=_("Escrowed proceeds of %(asset)s confiscated") % {"asset": asset.reference},
                       key="escrow-state")


def escrow_to_owner_refund(*, asset: Asset, source: str, actor=None) -> list[JournalEntry]:
    """Release of an asset sold early: its escrowed proceeds are owed back to the owner."""
    return _escrow_out(asset=asset, purpose=AccountPurpose.OWNER_REFUND, source=source, actor=actor,
                       memo=_("Escrowed proceeds of %(asset)s to be returned to the owner")
                       % {"asset": asset.reference},
                       key="escrow-owner")


def storage_cost_post(*, asset: Asset, amount: Decimal, currency: str, source: str, memo: str, actor=None,
                      occurred_at: datetime | None = None) -> JournalEntry:
    """Post an accrued storage/upkeep cost as an expense owed to the storage provider."""
    amount = _money(amount)
    if amount <= 0:
        raise LedgerError(_("A cost must be a positive amount."))
    expense = account_for(purpose=AccountPurpose.STORAGE_EXPENSE, currency=currency)
    payable = account_for(purpose=AccountPurpose.ACCRUED_COSTS, currency=currency)
    return ledger_post(memo=memo, lines=[Line(expense, amount), Line(payable, -amount)], actor=actor, asset=asset,
                       source=source, idempotency_key=f"cost:{source}", occurred_at=occurred_at)


# --------------------------------------------------------------------------------------------
# Corrections
# --------------------------------------------------------------------------------------------


@transaction.atomic
def entry_reverse(*, entry_id: int, actor, reason: str) -> JournalEntry:
    """Correct an entry by posting its mirror image (every posting with the opposite sign), linked
    to it. Entries are never edited; an entry is reversed once at most, and a reversal is never
    reversed itself (post the right entry again instead)."""
    reason = (reason or "").strip()
    if not reason:
        raise LedgerError(_("Say why the entry is reversed."), field="reason")
    try:
        # Lock the entry so that two finance officers cannot reverse it at the same moment.
        entry = JournalEntry.objects.select_for_update().get(pk=entry_id)
    except JournalEntry.DoesNotExist:
        raise LedgerError(_("There is no such journal entry.")) from None
    if entry.reverses_id is not None:
        raise LedgerError(_("Entry #%(id)s is itself a reversal; it cannot be reversed.") % {"id": entry.pk})
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise LedgerError(_("Entry #%(id)s has already been reversed.") % {"id": entry.pk})
    postings = list(entry.postings.select_related("account"))
    reversal = ledger_post(
        memo=_("Reversal of #%(id)s: %(reason)s") % {"id": entry.pk, "reason": reason},
        lines=[Line(p.account, -p.amount, p.currency) for p in postings], actor=actor,
        idempotency_key=f"reversal:{entry.pk}", source=f"entry:{entry.pk}", case=entry.case, asset=entry.asset,
        reverses=entry,
    )
    return reversal
