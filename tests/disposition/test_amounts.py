"""The invoice's figures and deadline, computed in one place (pure functions)."""

import datetime
from decimal import Decimal

import pytest

from disposition.amounts import add_business_days, invoice_amounts, payment_deadline

D = Decimal


def test_premium_tax_and_deposit():
    amounts = invoice_amounts(hammer_price=D("1000.00"), currency="EUR", premium_percent=D("12.5"),
                              tax_percent=D("21"), deposit=D("200.00"))
    assert amounts.premium == D("125.00")
    assert amounts.tax == D("236.25")  # 21 % of 1,125.00
    assert amounts.total == D("1361.25")
    assert amounts.amount_due == D("1161.25")
    assert amounts.currency == "EUR"


def test_each_figure_is_rounded_half_up_to_the_cent_and_the_total_adds_the_rounded_figures():
    amounts = invoice_amounts(hammer_price=D("10.10"), currency="EUR", premium_percent=D("15"),
                              tax_percent=D("21"))
    assert amounts.premium == D("1.52")  # 1.515
    assert amounts.tax == D("2.44")  # 21 % of 11.62 = 2.4402
    assert amounts.total == amounts.hammer_price + amounts.premium + amounts.tax == D("14.06")


def test_no_premium_no_tax_no_deposit_the_hammer_price_is_due():
    amounts = invoice_amounts(hammer_price=D("300"), currency="EUR", premium_percent=D("0"), tax_percent=D("0"))
    assert (amounts.total, amounts.deposit, amounts.amount_due) == (D("300.00"), D("0.00"), D("300.00"))


def test_a_deposit_above_the_total_leaves_nothing_due():
    amounts = invoice_amounts(hammer_price=D("100"), currency="EUR", premium_percent=D("0"), tax_percent=D("0"),
                              deposit=D("500"))
    assert amounts.amount_due == D("0.00")


def test_float_is_refused():
    with pytest.raises(TypeError):
        invoice_amounts(hammer_price=100.0, currency="EUR", premium_percent=D("0"), tax_percent=D("0"))


@pytest.mark.parametrize(("start", "days", "expected"), [
    (datetime.date(2026, 12, 1), 2, datetime.date(2026, 12, 3)),  # Tuesday -> Thursday
    (datetime.date(2026, 12, 3), 2, datetime.date(2026, 12, 7)),  # Thursday -> Monday
    (datetime.date(2026, 12, 4), 2, datetime.date(2026, 12, 8)),  # Friday -> Tuesday
    (datetime.date(2026, 12, 5), 2, datetime.date(2026, 12, 8)),  # Saturday -> Tuesday
    (datetime.date(2026, 12, 6), 1, datetime.date(2026, 12, 7)),  # Sunday -> Monday
])
def test_business_days_skip_the_weekend(start, days, expected):
    assert add_business_days(start, days) == expected


def test_real_estate_has_thirty_calendar_days():
    friday = datetime.date(2026, 12, 4)
    assert payment_deadline(issued_on=friday, real_estate=True, business_days=2,
                            real_estate_days=30) == datetime.date(2027, 1, 3)
    assert payment_deadline(issued_on=friday, real_estate=False, business_days=2,
                            real_estate_days=30) == datetime.date(2026, 12, 8)
