"""Balances are sums of postings, computed by the database."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .models import Account, AccountPurpose, JournalEntry, Posting


def accounts_with_balances() -> QuerySet[Account]:
    return (Account.objects.select_related("case")
            .annotate(balance=Coalesce(Sum("postings__amount"), Value(Decimal("0.00")),
                                       output_field=DecimalField(max_digits=18, decimal_places=2)))
            .order_by("code"))


def trial_balance() -> dict[str, Decimal]:
    """Sum of every posting per currency: zero in every currency when the books balance."""
    rows = Posting.objects.values("currency").annotate(total=Sum("amount")).order_by("currency")
    return {row["currency"]: row["total"] for row in rows}


def case_escrow_balances(case_id: int) -> dict[str, Decimal]:
    """Money held in escrow for a case, per currency (positive = held)."""
    rows = (Account.objects.filter(case_id=case_id, purpose=AccountPurpose.ESCROW)
            .annotate(total=Sum("postings__amount")).values_list("currency", "total"))
    return {currency: -(total or Decimal("0")) for currency, total in rows}


def journal_entries() -> QuerySet[JournalEntry]:
    return JournalEntry.objects.select_related("case", "asset", "actor").order_by("-occurred_at", "-id")


def entry_postings(entry_id: int) -> QuerySet[Posting]:
    return Posting.objects.filter(entry_id=entry_id).select_related("account").order_by("id")


def account_postings(account_id: int, *, limit: int = 100) -> list[Posting]:
    """The account's latest postings, newest first."""
    return list(Posting.objects.filter(account_id=account_id).select_related("entry")
                .order_by("-entry__occurred_at", "-id")[:limit])
