"""Demo data for valuation: depreciation profiles for every category, approved appraisals for the
demo assets (through the services: valuer drafts with evidence, another approver approves), some
running costs, and one run of the early-sale recommendation. Idempotent; with --bulk the appraisals
are written with bulk_create."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from custody.models import HELD_STATES, Asset, AssetCategory, AssetStatus

from . import services
from .models import Appraisal, AppraisalStatus, AssetCost, CurrentValuation, DepreciationProfile, RunTrigger

PROFILES = {
    AssetCategory.VEHICLE: {"yearly_rate_percent": Decimal("25"), "notes": "Cars lose about a quarter a year."},
    AssetCategory.VESSEL: {"yearly_rate_percent": Decimal("10"), "daily_upkeep": Decimal("45.00"),
                           "notes": "Mooring, crew checks, antifouling."},
    AssetCategory.AIRCRAFT: {"yearly_rate_percent": Decimal("8"), "daily_upkeep": Decimal("120.00")},
    AssetCategory.LIVESTOCK: {"daily_upkeep": Decimal("3.50"), "notes": "Feed and veterinary care per head."},
    AssetCategory.PERISHABLE: {"shelf_life_days": 60},
    AssetCategory.JEWELLERY_ART: {"notes": "Insured separately per item."},
    AssetCategory.SECURITIES: {"yearly_rate_percent": Decimal("5")},
    AssetCategory.VIRTUAL_ASSETS: {"yearly_rate_percent": Decimal("30"), "notes": "Volatile; sell early."},
    AssetCategory.BUSINESS: {"yearly_rate_percent": Decimal("15"), "daily_upkeep": Decimal("60.00")},
    AssetCategory.OTHER: {"yearly_rate_percent": Decimal("20")},
    AssetCategory.REAL_ESTATE: {},
    AssetCategory.CASH: {},
    AssetCategory.BANK_ACCOUNT: {},
}

_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def seed(command, options) -> None:
    admin, valuer, approver = _user("admin"), _user("valuer"), _user("approver")
    if not (admin and valuer and approver):
        command.stdout.write("valuation: demo staff missing; skipped.")
        return
    for category, fields in PROFILES.items():
        if not DepreciationProfile.objects.filter(category=category).exists():
            services.depreciation_profile_save(actor=admin, category=category, **fields)
    rng = options["rng"]
    today = timezone.localdate()
    assets = list(Asset.objects.filter(status__in=HELD_STATES, appraisals__isnull=True)
                  .exclude(declared_value__isnull=True).order_by("pk"))
    if options.get("bulk") or len(assets) > 500:
        _bulk(assets, valuer, approver, rng, today)
    else:
        for asset in assets:
            factor = Decimal(rng.randint(80, 110)) / 100
            appraisal = services.appraisal_create(
                actor=valuer, asset_id=asset.pk, method=rng.choice(["market", "expert", "price_list"]),
                amount=(asset.declared_value * factor).quantize(Decimal("0.01")), currency=asset.currency,
                value_date=max(today - datetime.timedelta(days=rng.randint(0, 120)),
                               timezone.localdate(asset.created_at)),
                notes="Demo appraisal", evidence=[(SimpleUploadedFile("report.pdf", _PDF), "Valuation report")])
            services.appraisal_submit(actor=valuer, appraisal_id=appraisal.pk)
            services.appraisal_approve(actor=approver, appraisal_id=appraisal.pk)
            if asset.category in (AssetCategory.VEHICLE, AssetCategory.VESSEL, AssetCategory.JEWELLERY_ART) \
                    and not AssetCost.objects.filter(asset=asset).exists():
                AssetCost.objects.create(asset=asset, kind="insurance", daily_amount=Decimal(rng.randint(2, 25)),
                                         currency=asset.currency, starts_on=timezone.localdate(asset.created_at))
    _escrow_for_demo_sales()
    run = services.early_sale_recommendation_run(trigger=RunTrigger.COMMAND, notify=False)
    command.stdout.write(f"valuation: {len(assets)} assets appraised; {run.candidate_count} early-sale candidates "
                         f"among {run.assets_considered} assets in custody.")


def _bulk(assets, valuer, approver, rng, today) -> None:
    now = timezone.now()
    rows = Appraisal.objects.bulk_create(
        (Appraisal(asset=a, method="market", currency=a.currency, valuer=valuer, reviewed_by=approver,
                   status=AppraisalStatus.APPROVED, reviewed_at=now, submitted_at=now,
                   amount=(a.declared_value * Decimal(rng.randint(80, 110)) / 100).quantize(Decimal("0.01")),
                   value_date=max(today - datetime.timedelta(days=rng.randint(0, 120)),
                                  timezone.localdate(a.created_at)),
                   notes="Demo appraisal (bulk)") for a in assets), batch_size=5000)
    CurrentValuation.objects.bulk_create(
        (CurrentValuation(asset_id=r.asset_id, appraisal=r, amount=r.amount, currency=r.currency,
                          value_date=r.value_date) for r in rows), batch_size=5000, ignore_conflicts=True)


def _escrow_for_demo_sales() -> None:
    """Assets the register's demo marks as sold early have their proceeds in escrow, as a real sale
    would have posted them (idempotent: one entry per asset)."""
    from ledger.services import proceeds_to_escrow

    for asset in (Asset.objects.filter(status=AssetStatus.SOLD, journal_entries__isnull=True)
                  .exclude(declared_value__isnull=True).exclude(declared_value=0).select_related("case")):
        proceeds_to_escrow(asset=asset, amount=asset.declared_value, currency=asset.currency,
                           source=f"demo_sale:{asset.pk}", memo=f"Demo: proceeds of {asset.reference} in escrow")
