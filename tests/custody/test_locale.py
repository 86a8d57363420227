"""The register's pages write dates, times and quantities one way, in the active language and the
agency's time zone (common.formats): not "12/02/2026" beside "Dec. 2, 2026, 5:03 p.m."
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from custody.models import Asset
from tests.custody.admin_helpers import bring_to
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 12, 2, 16, 3, 55, tzinfo=datetime.UTC)  # 17:03 in Brussels


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cash(case, case_officer, approver):
    asset = AssetFactory(case=case, actor=case_officer, category="cash", title="Cash in a safe",
                         quantity=Decimal("125000"), unit="EUR")
    bring_to(asset, "restrained", officer=case_officer, approver=approver)
    Asset.objects.filter(pk=asset.pk).update(created_at=AT, status_changed_at=AT)
    return asset


@pytest.mark.parametrize("language,moment,day,quantity", [
    ("en", "02 Dec 2026, 17:03", "02 Dec 2026", r"125,000 EUR"),
    ("fr", "2 déc. 2026, 17:03", "2 déc. 2026", r"125(\s|&nbsp;)000 EUR"),
])
def test_the_asset_page_and_listing_write_dates_one_way(client, auditor, cash, language, moment, day, quantity):
    client.force_login(auditor)
    page = client.get(reverse("custody_assets:inspect", args=[cash.pk]),
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()
    # the status line and the particulars
    assert moment in page
    assert re.search(quantity, page)
    assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", page)
    assert "p.m." not in page and "a.m." not in page
    listing = client.get(reverse("custody_assets:index"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert day in listing



def test_yes_and_no_in_listings_not_true_and_false(client, auditor, case, case_officer):
    from tests.custody.admin_helpers import order_for

    order = order_for(AssetFactory(case=case, actor=case_officer), "confiscation")
    order.publishable = True
    order.save()
    client.force_login(auditor)
    html = client.get(reverse("custody_orders:index")).content.decode()
    table = re.search(r"<table class=\"listing.*?</table>", html, re.S).group(0)
    assert "Yes" in table
    assert not re.search(r"\b(True|False)\b", table)
