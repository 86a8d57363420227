"""Settlement's part of a bidder's data rights (auctions.services.privacy): their invoices, payments
and claims go into their export, and an unpaid invoice stops an erasure. Invoices, payments and
claims are kept on erasure (accounting law; claims are part of court proceedings). When an erased
account's invoice is past retention, the name and address printed on it and the bank references of
its payments and refunds are cut; the rows stay, for the ledger's postings point to them."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from auctions.services.privacy import (
    ERASED_NAME,
    bidder_erase_refusals,
    bidder_export_collect,
    bidder_records_expired,
    iso,
    money_json,
    stripe_events_forget,
)

from .models import UNPAID_STATES, Award, AwardStatus, Claim, Invoice, Payment, Refund


def export_sections(sender, *, user, **kwargs) -> dict:
    invoices = list(Invoice.objects.filter(buyer=user).order_by("issued_at"))
    payments = Payment.objects.filter(invoice__buyer=user).select_related("invoice").order_by("recorded_at")
    return {
        "invoices": [{"number": i.number, "buyer_name": i.buyer_name, "buyer_address": i.buyer_address,
                      "total": money_json(i.total, i.currency), "amount_due": money_json(i.amount_due, i.currency),
                      "paid": money_json(i.amount_paid, i.currency), "status": i.status,
                      "issued_at": iso(i.issued_at), "due_on": iso(i.due_on), "paid_at": iso(i.paid_at)}
                     for i in invoices],
        "payments": [{"invoice": p.invoice.number, "method": p.method, **money_json(p.amount, p.currency),
                      "status": p.status, "received_on": iso(p.received_on), "recorded_at": iso(p.recorded_at)}
                     for p in payments],
        "claims": [{"filed_at": iso(c.filed_at), "claimant_name": c.claimant_name, "claimant_email": c.claimant_email,
                    "claimant_address": c.claimant_address, "subject": c.subject, "basis": c.basis,
                    "amount_claimed": money_json(c.amount_claimed, c.currency), "status": c.status}
                   for c in Claim.objects.filter(account__user=user).order_by("filed_at")],
    }


def erase_refusals(sender, *, user, **kwargs) -> list[str]:
    reasons = []
    if Invoice.objects.filter(buyer=user, status__in=UNPAID_STATES).exists():
        reasons.append(_("You have an unpaid invoice: pay it first."))
    if Award.objects.filter(buyer=user, status=AwardStatus.SCREENING_HOLD).exists():
        reasons.append(_("A lot you won is not invoiced yet: wait for its invoice and pay it first."))
    return reasons


def records_expired(sender, *, users: QuerySet, cutoff: datetime, **kwargs) -> dict[str, int]:
    """The erased accounts' invoices (paid, or cancelled) issued, and for a lot sold, before `cutoff`,
    their payments and refunds: what they still hold of the person is cut, once."""
    invoices = (Invoice.objects.filter(buyer__in=users, issued_at__lt=cutoff).exclude(status__in=UNPAID_STATES)
                .exclude(award__lot__ends_at__gte=cutoff))
    payments = Payment.objects.filter(invoice__in=invoices)
    refunds = Refund.objects.filter(payment__in=payments)
    intents = {*invoices.values_list("payment_intent_id", flat=True),
               *payments.values_list("stripe_payment_intent_id", flat=True)}
    return {
        "invoice_stripe_events": stripe_events_forget(object_ids=intents),
        "invoices": invoices.filter(~Q(buyer_name=ERASED_NAME) | ~Q(buyer_address="")).update(
            buyer_name=ERASED_NAME, buyer_address=""),
        "payments": payments.exclude(reference="").update(reference=""),
        "refunds": refunds.exclude(reference="", error="").update(reference="", error=""),
    }


def connect() -> None:
    bidder_export_collect.connect(export_sections, dispatch_uid="disposition_bidder_export", weak=False)
    bidder_erase_refusals.connect(erase_refusals, dispatch_uid="disposition_bidder_erase_refusals", weak=False)
    bidder_records_expired.connect(records_expired, dispatch_uid="disposition_bidder_records_expired", weak=False)
