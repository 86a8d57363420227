"""Shared makings of the social-reuse tests: a confiscated asset, a beneficiary, money in the fund."""

from __future__ import annotations

from decimal import Decimal

from custody import services as custody
from custody.models import AssetCategory
from disposition.models import Beneficiary, BeneficiaryKind, Sector
from ledger.models import AccountPurpose
from ledger.services import Line, account_for, ledger_post
from tests.factories import AssetFactory, CourtOrderFactory


def order_for(asset, order_type):
    return CourtOrderFactory(case=asset.case, order_type=order_type, assets=[asset])


def confiscated_asset(case, officer, *, category=AssetCategory.REAL_ESTATE, title="Villa on the lake"):
    asset = AssetFactory(case=case, actor=officer, category=category, title=title)
    custody.asset_transition(asset_id=asset.pk, transition="seize", actor=officer,
                             order_id=order_for(asset, "seizure").pk)
    return custody.asset_transition(asset_id=asset.pk, transition="confiscate", actor=officer,
                                    order_id=order_for(asset, "confiscation").pk)


def beneficiary(name="Youth Centre Libera", kind=BeneficiaryKind.NGO, public=True, number="BE0123456789"):
    return Beneficiary.objects.create(
        name=name, kind=kind, sector=Sector.WELFARE, registration_number=number, public=public,
        contact_name="Marta Contact-Privata", contact_email="marta.private@example.org",
        contact_phone="+32 470 12 34 56", contact_address="12 Rue Secrète, 1000 Brussels")


def fund(amount: str, *, asset=None, currency="EUR"):
    """Money in the confiscated-proceeds fund (as a sale after confiscation would bring it)."""
    amount = Decimal(amount)
    bank = account_for(purpose=AccountPurpose.BANK, currency=currency)
    state = account_for(purpose=AccountPurpose.STATE_PROCEEDS, currency=currency)
    return ledger_post(memo="Proceeds", lines=[Line(bank, amount), Line(state, -amount)],
                       asset=asset, idempotency_key=f"test-fund:{amount}:{asset.pk if asset else 0}",
                       source="test")
