"""Settlement's checks in the nightly reconciliation (registered into ledger.reconciliation from
DispositionConfig.ready, since the ledger may not import the apps above it).

- Every paid (or collected) invoice has exactly one sale entry per asset it sold (`sale:<invoice>:
  <asset>`, not reversed), their debits to buyers' balances add up to the invoice's total, and no
  sale entry belongs to an invoice that is not paid.
- Every confirmed payment (transfer or card) has exactly one posting (`payment:<payment>`), the one
  it links to, bringing its amount into the bank; no payment entry belongs to a payment that is not
  confirmed.
- Every verified Stripe `payment_intent.succeeded` event that names an invoice (metadata invoice_id)
  or a captured deposit has a confirmed payment (and so one posting).
- What each case's escrow should hold from invoices: the net of the sale share of every asset sold
  early (not confiscated when the invoice was paid), computed from the invoice with the same rule
  that posted it (disposition.services.postings), never read back from the escrow postings.

Each check reads in a few aggregate queries; only invoices of several assets are shared out one by
one (their shares depend on the assets' valuations). The costs of sale are recomputed with the
current DISPOSITION_SALE_COST_PERCENT: a change of that rate shows here as a mismatch on escrow for
the invoices paid before it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from auctions.models import Deposit, DepositStatus, LotAsset, StripeEvent
from ledger.models import AccountPurpose, JournalEntry, Posting
from ledger.reconciliation import CheckResult, register_check

from .amounts import ZERO, sale_costs
from .models import Invoice, InvoiceStatus, Payment, PaymentMethod, PaymentStatus
from .services import postings

PAID_STATES = [InvoiceStatus.PAID, InvoiceStatus.COLLECTED]


def _key_ids(key: str) -> tuple[int, ...]:
    """The ids after the kind in an idempotency key, up to two (`sale:12:40` -> (12, 40),
    `payment:7:again` -> (7,)); empty when none."""
    ids = []
    for part in key.split(":")[1:3]:
        if not part.isdigit():
            break
        ids.append(int(part))
    return tuple(ids)


def _entry_sums(prefix: str, purposes: list[str]) -> tuple[dict[int, dict], set[int]]:
    """The entries whose key starts with `prefix` (reversals excluded): per entry, its key and the sum
    of its postings to each of `purposes`; and the ids of those that were reversed."""
    entries: dict[int, dict] = {}
    rows = (Posting.objects.filter(entry__idempotency_key__startswith=prefix)
            .values("entry_id", "entry__idempotency_key", "account__purpose").annotate(total=Sum("amount"))
            .order_by())
    for row in rows:
        entry = entries.setdefault(row["entry_id"], {"key": row["entry__idempotency_key"]})
        if row["account__purpose"] in purposes:
            entry[row["account__purpose"]] = entry.get(row["account__purpose"], ZERO) + row["total"]
    reversed_ids = set(JournalEntry.objects.filter(reverses__idempotency_key__startswith=prefix)
                       .values_list("reverses_id", flat=True))
    return entries, reversed_ids


def _sold_assets(invoices: dict[int, dict]) -> dict[int, list[dict]]:
    """Per paid invoice, the assets it sold, in the lot's order: id, reference, case, confiscated_at."""
    by_lot: dict[int, list[dict]] = defaultdict(list)
    lot_ids = {inv["award__lot_id"] for inv in invoices.values() if inv["award__lot_id"]}
    for row in (LotAsset.objects.filter(lot_id__in=lot_ids)
                .values("lot_id", "asset_id", "asset__reference", "asset__case_id", "asset__confiscated_at")
                .order_by("lot_id", "position", "id")):
        if row["lot_id"] in lot_ids:
            by_lot[row["lot_id"]].append({"id": row["asset_id"], "reference": row["asset__reference"],
                                          "case_id": row["asset__case_id"],
                                          "confiscated_at": row["asset__confiscated_at"]})
    sold = {}
    for pk, inv in invoices.items():
        if inv["award__lot_id"]:
            sold[pk] = by_lot.get(inv["award__lot_id"], [])
        else:
            sold[pk] = [{"id": inv["direct_sale__asset_id"], "reference": inv["direct_sale__asset__reference"],
                         "case_id": inv["direct_sale__asset__case_id"],
                         "confiscated_at": inv["direct_sale__asset__confiscated_at"]}]
    return sold


def _nets(invoice: dict, assets: list[dict]) -> list[tuple[dict, Decimal, Decimal]]:
    """(asset, share of the total, net proceeds) per asset, as `postings.sale_shares` computes them."""
    if len(assets) == 1:
        return [(assets[0], invoice["total"], invoice["hammer_price"] - sale_costs(invoice["hammer_price"]))]
    shares = {s.asset.pk: s for s in postings.sale_shares(Invoice.objects.get(pk=invoice["id"]))}
    return [(a, shares[a["id"]].total, shares[a["id"]].net) for a in assets if a["id"] in shares]


def check_paid_invoices() -> CheckResult:
    result = CheckResult(checked=_("Checked: every paid invoice has one sale entry per asset it sold, adding up to "
                                   "its total; every confirmed payment has one posting of its amount; every "
                                   "succeeded Stripe charge for an invoice or a deposit has a confirmed payment."))
    found = result.mismatches
    invoices = {row["id"]: row for row in Invoice.objects.filter(status__in=PAID_STATES).values(
        "id", "number", "total", "hammer_price", "currency", "paid_at", "award__lot_id", "direct_sale__asset_id",
        "direct_sale__asset__reference", "direct_sale__asset__case_id", "direct_sale__asset__confiscated_at")}
    result.counts["paid invoices"] = len(invoices)
    entries, reversed_ids = _entry_sums("sale:", [AccountPurpose.RECEIVABLE])
    by_sale: dict[tuple[int, int], list[int]] = defaultdict(list)
    charged: dict[int, Decimal] = defaultdict(Decimal)
    for entry_id, entry in sorted(entries.items()):
        ids = _key_ids(entry["key"])
        if len(ids) != 2:
            found.append(_("Entry #%(id)s is a sale entry whose key %(key)s names no invoice and asset.")
                         % {"id": entry_id, "key": entry["key"]})
            continue
        if entry_id in reversed_ids:
            continue
        by_sale[ids].append(entry_id)
        charged[ids[0]] += entry.get(AccountPurpose.RECEIVABLE, ZERO)
    sold = _sold_assets(invoices)
    for pk, invoice in sorted(invoices.items(), key=lambda item: item[1]["number"]):
        number, cur = invoice["number"], invoice["currency"]
        for asset, share_total, net in _nets(invoice, sold[pk]):
            if share_total == 0:
                continue
            posted = by_sale.get((pk, asset["id"]), [])
            if not posted:
                found.append(_("Invoice %(number)s is paid, but the sale of asset %(asset)s has no entry "
                               "(sale:%(inv)s:%(aid)s).") % {"number": number, "asset": asset["reference"],
                                                              "inv": pk, "aid": asset["id"]})
            elif len(posted) > 1:
                found.append(_("Invoice %(number)s: the sale of asset %(asset)s is posted %(n)s times (entries "
                               "%(ids)s).") % {"number": number, "asset": asset["reference"], "n": len(posted),
                                               "ids": ", ".join(f"#{i}" for i in posted)})
            confiscated = asset["confiscated_at"]
            if confiscated is None or (invoice["paid_at"] is not None and confiscated > invoice["paid_at"]):
                result.escrow_expected[(asset["case_id"], cur)] = \
                    result.escrow_expected.get((asset["case_id"], cur), ZERO) + net
        if charged.get(pk, ZERO) != invoice["total"]:
            found.append(_("Invoice %(number)s: its sale entries charge %(charged)s %(cur)s to buyers' balances, but "
                           "its total is %(total)s %(cur)s.") % {"number": number, "charged": charged.get(pk, ZERO),
                                                                 "total": invoice["total"], "cur": cur})
    unpaid = {inv for inv, _asset in by_sale} - set(invoices)
    for number, status in Invoice.objects.filter(pk__in=unpaid).values_list("number", "status"):
        found.append(_("Invoice %(number)s is %(status)s, but its sale is posted.") % {"number": number,
                                                                                   "status": status})
    for pk in sorted(unpaid - set(Invoice.objects.filter(pk__in=unpaid).values_list("pk", flat=True))):
        found.append(_("A sale is posted for invoice id %(id)s, which does not exist.") % {"id": pk})
    return result


def check_payments() -> CheckResult:
    result = CheckResult()
    found = result.mismatches
    confirmed = {row["id"]: row for row in Payment.objects.filter(status=PaymentStatus.CONFIRMED).values(
        "id", "method", "amount", "currency", "journal_entry_id", "invoice__number", "reference",
        "stripe_payment_intent_id")}
    result.counts["payments"] = len(confirmed)
    result.counts["transfers"] = sum(1 for p in confirmed.values() if p["method"] == PaymentMethod.TRANSFER)
    entries, reversed_ids = _entry_sums("payment:", [AccountPurpose.BANK])
    by_payment: dict[int, list[int]] = defaultdict(list)
    for entry_id, entry in sorted(entries.items()):
        ids = _key_ids(entry["key"])
        if not ids:
            found.append(_("Entry #%(id)s is a payment entry whose key %(key)s names no payment.")
                         % {"id": entry_id, "key": entry["key"]})
        elif entry_id not in reversed_ids:
            by_payment[ids[0]].append(entry_id)
    methods = dict(PaymentMethod.choices)
    for pk, payment in sorted(confirmed.items()):
        what = _("Payment %(id)s (%(method)s, %(amount)s %(cur)s toward invoice %(number)s)") % {
            "id": pk, "method": methods.get(payment["method"], payment["method"]), "amount": payment["amount"],
            "cur": payment["currency"], "number": payment["invoice__number"]}
        posted = by_payment.get(pk, [])
        if not posted:
            found.append(_("%(what)s is confirmed but not posted.") % {"what": what})
            continue
        if len(posted) > 1:
            found.append(_("%(what)s is posted %(n)s times (entries %(ids)s).") % {
                "what": what, "n": len(posted), "ids": ", ".join(f"#{i}" for i in posted)})
        elif payment["journal_entry_id"] != posted[0]:
            found.append(_("%(what)s links to entry #%(linked)s, but its posting is entry #%(entry)s.") % {
                "what": what, "linked": payment["journal_entry_id"], "entry": posted[0]})
        banked = sum((entries[i].get(AccountPurpose.BANK, ZERO) for i in posted), ZERO)
        if len(posted) == 1 and banked != payment["amount"]:
            found.append(_("%(what)s: its posting brings %(banked)s %(cur)s into the bank.") % {
                "what": what, "banked": banked, "cur": payment["currency"]})
    for pk in sorted(set(by_payment) - set(confirmed)):
        found.append(_("Entries %(ids)s post payment %(id)s, which is not a confirmed payment.") % {
            "ids": ", ".join(f"#{i}" for i in by_payment[pk]), "id": pk})
    return result


def check_stripe_charges() -> CheckResult:
    result = CheckResult()
    events = (StripeEvent.objects.filter(verified=True, type="payment_intent.succeeded")
              .annotate(intent=KT("payload__data__object__id"),
                        invoice_ref=KT("payload__data__object__metadata__invoice_id"))
              .values_list("event_id", "intent", "invoice_ref").order_by("received_at", "id"))
    charges: dict[str, tuple[str, str]] = {}
    for event_id, intent, invoice_ref in events:
        if intent and intent not in charges:
            charges[intent] = (event_id, invoice_ref or "")
    deposits = set(Deposit.objects.filter(status=DepositStatus.CAPTURED, payment_intent_id__in=list(charges))
                   .values_list("payment_intent_id", flat=True))
    ours = {intent: seen for intent, seen in charges.items() if seen[1] or intent in deposits}
    result.counts["Stripe charges"] = len(ours)
    paid = set(Payment.objects.filter(status=PaymentStatus.CONFIRMED, stripe_payment_intent_id__in=list(ours))
               .values_list("stripe_payment_intent_id", flat=True))
    for intent, (event_id, invoice_ref) in sorted(ours.items()):
        if intent not in paid:
            towards = (_("invoice id %(id)s") % {"id": invoice_ref}) if invoice_ref else _("a captured deposit")
            result.mismatches.append(
                _("Stripe charge %(intent)s (event %(event)s, for %(towards)s) succeeded, but no confirmed payment "
                  "records it, so it is not posted.") % {"intent": intent, "event": event_id, "towards": towards})
    return result


def register() -> None:
    register_check("disposition.paid_invoices", check_paid_invoices)
    register_check("disposition.payments", check_payments)
    register_check("disposition.stripe_charges", check_stripe_charges)
