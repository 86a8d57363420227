"""Balances are sums of postings, computed by the database."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
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


def _entry_postings(*, debit: bool) -> QuerySet[Posting]:
    return Posting.objects.filter(entry=OuterRef("pk"), **{"amount__gt" if debit else "amount__lt": 0}).order_by()


def journal_entries() -> QuerySet[JournalEntry]:
    """Entries, newest first, each with what it moved: `amount` (its debits' total), `currency`, and
    the codes of the accounts debited and credited (subqueries, so that filtering on postings
    never multiplies the rows)."""
    debits = _entry_postings(debit=True)
    credits = _entry_postings(debit=False)
    return (JournalEntry.objects.select_related("case", "asset", "actor")
            .annotate(
                amount=Subquery(debits.values("entry").annotate(total=Sum("amount")).values("total")[:1],
                                output_field=DecimalField(max_digits=18, decimal_places=2)),
                currency=Subquery(debits.values("currency")[:1]),
                debit_accounts=Subquery(debits.values("entry").annotate(
                    codes=StringAgg("account__code", ", ", order_by="account__code")).values("codes")[:1]),
                credit_accounts=Subquery(credits.values("entry").annotate(
                    codes=StringAgg("account__code", ", ", order_by="account__code")).values("codes")[:1]),
            )
            .order_by("-occurred_at", "-id"))


def entries_touching_account(queryset: QuerySet[JournalEntry], account_id: int) -> QuerySet[JournalEntry]:
    """The entries of `queryset` with a posting to the account (the drill-down from its balance)."""
    return queryset.filter(Exists(Posting.objects.filter(entry=OuterRef("pk"), account_id=account_id)))


def entry_postings(entry_id: int) -> QuerySet[Posting]:
    return Posting.objects.filter(entry_id=entry_id).select_related("account").order_by("id")


def account_postings(account_id: int, *, limit: int = 100) -> list[Posting]:
    """The account's latest postings, newest first."""
    return list(Posting.objects.filter(account_id=account_id).select_related("entry")
                .order_by("-entry__occurred_at", "-id")[:limit])


def open_balance_counts(purposes: list[str]) -> dict[str, int]:
    """How many accounts of each purpose hold a balance (money waiting to move on), in one query."""
    rows = (Account.objects.filter(purpose__in=purposes).order_by()
            .annotate(total=Sum("postings__amount")).exclude(total=0).exclude(total__isnull=True)
            .values_list("purpose", flat=True))
    counts = {purpose: 0 for purpose in purposes}
    for purpose in rows:
        counts[purpose] += 1
    return counts


def case_statement(case_id: int) -> list[dict]:
    """What the entries of a case moved, per account purpose and currency: `debits` (money that came
    into the account: the bank receiving proceeds, a cost spent), `credits` (money that left it: proceeds
    held in escrow, paid to the state) and the `net` (debit +, credit −). Postings to agency-wide
    accounts (bank, costs, state proceeds) count when their entry is the case's."""
    rows = (Posting.objects.filter(entry__case_id=case_id).values("account__purpose", "currency")
            .annotate(debits=Coalesce(Sum("amount", filter=Q(amount__gt=0)), Value(Decimal("0.00"))),
                      credits=Coalesce(-Sum("amount", filter=Q(amount__lt=0)), Value(Decimal("0.00"))),
                      net=Sum("amount"))
            .order_by("account__purpose", "currency"))
    labels = dict(AccountPurpose.choices)
    return [{**row, "purpose": row["account__purpose"], "purpose_label": labels.get(row["account__purpose"], "")}
            for row in rows]
