"""What settlement posts to the ledger, and the one place it is computed.

- A confirmed payment: Dr bank, Cr buyers' balances (source: the Stripe event, or the transfer).
- A paid invoice, once per asset sold: Dr buyers' balances for the asset's share of the total; Cr
  buyer's premium, Cr VAT, Cr costs of sale (DISPOSITION_SALE_COST_PERCENT of the hammer price), and
  Cr the net proceeds: into the case's escrow when the asset was sold early (its case still open),
  or into the confiscated-proceeds fund when it had been confiscated. The memo names the gross.

A lot of several assets is shared between them in proportion to their current valuations (equally
when one has none, or they are valued in another currency); the last asset takes the cents that
rounding leaves, so the shares add up to the invoice exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from custody.models import Asset
from ledger.models import AccountPurpose, JournalEntry
from ledger.services import Line, account_for, ledger_post
from valuation.selectors import asset_current_valuation

from ..amounts import ZERO, cents, sale_costs
from ..models import Invoice, Payment, PaymentMethod


def invoice_assets(invoice: Invoice) -> list[Asset]:
    """The assets an invoice sells, in the lot's order."""
    if invoice.award_id is not None:
        return list(invoice.award.lot.assets.select_related("case").order_by("lot_assets__position",
                                                                                "lot_assets__id"))
    return [Asset.objects.select_related("case").get(pk=invoice.direct_sale.asset_id)]


def invoice_case(invoice: Invoice):
    """The case an invoice's entries belong to, when all its assets are of one case."""
    cases = {asset.case_id: asset.case for asset in invoice_assets(invoice)}
    return next(iter(cases.values())) if len(cases) == 1 else None


def payment_post(*, payment: Payment, actor=None) -> JournalEntry:
    """The entry of a confirmed payment: the money is in the agency's bank, the buyer owes less."""
    invoice = payment.invoice
    bank = account_for(purpose=AccountPurpose.BANK, currency=payment.currency)
    receivable = account_for(purpose=AccountPurpose.RECEIVABLE, currency=payment.currency)
    if payment.method == PaymentMethod.TRANSFER:
        source = f"transfer:{payment.pk}"
    else:
        source = f"stripe_event:{payment.stripe_event_id}" if payment.stripe_event_id else \
            f"stripe_charge:{payment.stripe_payment_intent_id}"
    return ledger_post(
        memo=_("%(method)s toward invoice %(number)s") % {"method": payment.get_method_display(),
                                                          "number": invoice.number},
        lines=[Line(bank, payment.amount), Line(receivable, -payment.amount)], actor=actor,
        idempotency_key=f"payment:{payment.pk}", source=source[:96], case=invoice_case(invoice))


@dataclass(frozen=True)
class SaleShare:
    """One asset's share of a paid invoice, as posted."""

    asset: Asset
    total: Decimal
    premium: Decimal
    tax: Decimal
    costs: Decimal
    net: Decimal

    @property
    def gross(self) -> Decimal:
        return self.costs + self.net


def _weights(assets: list[Asset], currency: str) -> list[Decimal]:
    values = []
    for asset in assets:
        valuation = asset_current_valuation(asset.pk)
        if valuation is None or valuation.currency != currency or valuation.amount <= 0:
            return [Decimal(1)] * len(assets)
        values.append(valuation.amount)
    return values


def _split(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    total_weight = sum(weights)
    shares = [cents(amount * w / total_weight) for w in weights[:-1]]
    return [*shares, amount - sum(shares, ZERO)]


def sale_shares(invoice: Invoice) -> list[SaleShare]:
    """How a paid invoice is shared between the assets it sold (pure; posted by `sale_post`)."""
    assets = invoice_assets(invoice)
    weights = _weights(assets, invoice.currency)
    costs_total = sale_costs(invoice.hammer_price)
    hammers = _split(invoice.hammer_price, weights)
    premiums = _split(invoice.premium, weights)
    taxes = _split(invoice.tax, weights)
    costs = _split(costs_total, weights)
    return [SaleShare(asset=asset, total=hammer + premium + tax, premium=premium, tax=tax, costs=cost,
                      net=hammer - cost)
            for asset, hammer, premium, tax, cost in zip(assets, hammers, premiums, taxes, costs, strict=True)]


def proceeds_purpose(asset: Asset) -> str:
    """Where an asset's net proceeds go: the state's fund once confiscated, else the case's escrow."""
    return AccountPurpose.STATE_PROCEEDS if asset.confiscated_at else AccountPurpose.ESCROW


def sale_post(*, invoice: Invoice, actor=None) -> list[JournalEntry]:
    """Post the sale of a paid invoice, one entry per asset (idempotent: `sale:<invoice>:<asset>`)."""
    currency = invoice.currency
    receivable = account_for(purpose=AccountPurpose.RECEIVABLE, currency=currency)
    entries = []
    for share in sale_shares(invoice):
        if share.total == 0:
            continue  # an asset sold for nothing moves no money
        asset = share.asset
        purpose = proceeds_purpose(asset)
        proceeds = account_for(purpose=purpose, currency=currency,
                               case=asset.case if purpose == AccountPurpose.ESCROW else None)
        lines = [Line(receivable, share.total),
                 Line(account_for(purpose=AccountPurpose.PREMIUM_INCOME, currency=currency), -share.premium),
                 Line(account_for(purpose=AccountPurpose.VAT_PAYABLE, currency=currency), -share.tax),
                 Line(account_for(purpose=AccountPurpose.SALE_COSTS, currency=currency), -share.costs),
                 Line(proceeds, -share.net)]
        where = _("held in escrow for case %(ref)s") % {"ref": asset.case.reference} \
            if purpose == AccountPurpose.ESCROW else _("to the confiscated-proceeds fund")
        memo = _("Sale of %(asset)s (invoice %(number)s): gross %(gross)s, premium %(premium)s, VAT %(tax)s, "
                 "costs %(costs)s, net %(net)s %(cur)s %(where)s") % {
            "asset": asset.reference, "number": invoice.number, "gross": share.gross, "premium": share.premium,
            "tax": share.tax, "costs": share.costs, "net": share.net, "cur": currency, "where": where}
        entries.append(ledger_post(
            memo=memo, lines=[line for line in lines if line.amount != 0], actor=actor, asset=asset,
            source=f"invoice:{invoice.pk}", idempotency_key=f"sale:{invoice.pk}:{asset.pk}"))
    return entries
