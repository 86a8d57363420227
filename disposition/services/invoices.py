"""Invoices: the number (an unbroken sequence per year), the insert both channels share
(`invoice_create`), and the issue of a won lot's invoice (a direct sale's: direct_sales.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from auctions.models import BidderProfile, Deposit, DepositStatus
from custody.models import AssetCategory

from ..amounts import ZERO, InvoiceAmounts, invoice_amounts, payment_deadline
from ..models import Award, Invoice, InvoiceCounter


def invoice_number_next(*, year: int) -> tuple[int, str]:
    """The next number of `year` ("2026-000001"). Must run inside the transaction that inserts the
    invoice: the year's counter row stays locked until it commits, and a rollback takes the number
    back with the invoice, so numbers have neither gap nor duplicate."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_number_next must run inside the invoice's transaction")
    # One statement (measured: 1 round trip instead of 3 per invoice in the closing sweep): the
    # upsert creates the year's row or takes its lock and increments it; the lock holds until commit.
    table = connection.ops.quote_name(InvoiceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (year, last) VALUES (%s, 1) "
                       f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last", [year])
        (last,) = cursor.fetchone()
    return last, f"{year}-{last:06d}"


def invoice_deadline(*, issued_on: date, real_estate: bool) -> date:
    """The payment deadline of an invoice issued on `issued_on`, from the settings."""
    return payment_deadline(issued_on=issued_on, real_estate=real_estate,
                            business_days=settings.DISPOSITION_PAYMENT_BUSINESS_DAYS,
                            real_estate_days=settings.DISPOSITION_REAL_ESTATE_PAYMENT_DAYS)


def invoice_create(*, amounts: InvoiceAmounts, real_estate: bool, buyer_name: str, buyer_address: str,
                   now: datetime | None = None, **sold: Any) -> Invoice:
    """Number and insert an invoice, for either channel: `sold` is `award=` (with `buyer_id=`) or
    `direct_sale=`. The number is taken in this transaction (see `invoice_number_next`); the
    caller holds the award or the sale locked and tells the buyer once it commits."""
    issued_at = now or timezone.now()
    issued_on = timezone.localdate(issued_at)
    due_on = invoice_deadline(issued_on=issued_on, real_estate=real_estate)
    with transaction.atomic():
        sequence, number = invoice_number_next(year=issued_on.year)
        return Invoice.objects.create(
            number=number, year=issued_on.year, sequence=sequence, buyer_name=buyer_name, buyer_address=buyer_address,
            currency=amounts.currency, hammer_price=amounts.hammer_price, premium_percent=amounts.premium_percent,
            premium=amounts.premium, tax_percent=amounts.tax_percent, tax=amounts.tax, total=amounts.total,
            deposit=amounts.deposit, amount_due=amounts.amount_due, issued_at=issued_at, due_on=due_on, **sold)


def invoice_issue(*, award: Award, now: datetime | None = None) -> Invoice:
    """Issue the invoice of an award the caller holds locked (same transaction): the amounts from
    the auction's premium, the agency's VAT rate and the buyer's deposit held for the auction; the
    deadline from the settings (business days, or calendar days for real estate). The buyer is
    sent the link once it commits."""
    lot = award.lot
    auction = lot.auction
    deposit = (Deposit.objects.filter(bidder_id=award.buyer_id, auction_id=auction.pk, status=DepositStatus.HELD,
                                      currency=award.currency)
               .values_list("amount", flat=True).first())
    amounts = invoice_amounts(hammer_price=award.hammer_price, currency=award.currency,
                              premium_percent=auction.buyers_premium_percent,
                              tax_percent=settings.DISPOSITION_VAT_PERCENT,
                              deposit=deposit if deposit is not None else ZERO)
    profile = BidderProfile.objects.filter(user_id=award.buyer_id).order_by("-created_at").first()
    invoice = invoice_create(amounts=amounts, real_estate=lot.category == AssetCategory.REAL_ESTATE,
                             buyer_name=profile.legal_name if profile else "",
                             buyer_address=profile.address if profile else "", now=now,
                             award=award, buyer_id=award.buyer_id)
    from .. import tasks

    invoice_id = invoice.pk
    transaction.on_commit(lambda: tasks.invoice_notify.delay(invoice_id=invoice_id))
    # The deposit is captured toward it, or the saved card charged (card_payments.invoice_collect).
    transaction.on_commit(lambda: tasks.invoice_collect.delay(invoice_id=invoice_id))
    return invoice
