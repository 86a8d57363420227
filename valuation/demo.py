"""Demo data for valuation: depreciation profiles for every category, approved appraisals for the
demo assets (through the services: valuer drafts with evidence, another approver approves), some
running costs, early sales of a few assets in custody at each stage of the workflow (requested,
endorsed, rejected, authorised, at auction, sold directly: all through the services), and one run
of the early-sale recommendation. Idempotent; with --bulk the appraisals are written with bulk_create."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from custody import services as custody_services
from custody.demo import Clock
from custody.models import HELD_STATES, Asset, AssetCategory, AssetStatus, CustodyEvent, CustodyEventKind

from . import selectors, services
from .models import (
    Appraisal,
    AppraisalStatus,
    AssetCost,
    CurrentValuation,
    DepreciationProfile,
    EarlySaleReason,
    EarlySaleRequest,
    RunTrigger,
)

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
    AssetCategory.PRECIOUS_METALS: {"notes": "Bullion keeps its value; sold at the market price if at all."},
    AssetCategory.BANK_ACCOUNT: {},
}

def _pdf() -> bytes:
    """A one-page PDF: the evidence validator opens uploads with pypdf, so it must be a real one."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_PDF = _pdf()


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
        clock = Clock()
        for asset in assets:
            drafted, approved = appraisal_moments(asset, rng)
            with clock.at(drafted):
                appraisal_at_seizure(asset, valuer=valuer, approver=None, rng=rng)
            with clock.at(approved):
                appraisal = asset.appraisals.get(status=AppraisalStatus.SUBMITTED)
                services.appraisal_approve(actor=approver, appraisal_id=appraisal.pk)
            if asset.category in (AssetCategory.VEHICLE, AssetCategory.VESSEL, AssetCategory.JEWELLERY_ART) \
                    and not AssetCost.objects.filter(asset=asset).exists():
                AssetCost.objects.create(asset=asset, kind="insurance", daily_amount=Decimal(rng.randint(2, 25)),
                                         currency=asset.currency, starts_on=timezone.localdate(asset.created_at))
    requested = _early_sales(rng, today)
    run = services.early_sale_recommendation_run(trigger=RunTrigger.COMMAND, notify=False)
    command.stdout.write(f"valuation: {len(assets)} assets appraised; {requested} early sales requested; "
                         f"{run.candidate_count} early-sale candidates among {run.assets_considered} assets "
                         "in custody.")


def appraisal_moments(asset: Asset, rng) -> tuple[datetime.datetime, datetime.datetime]:
    """When the valuer appraised the asset (days after its seizure, before its next step) and when an
    approver approved it (a day or two later, still before the next step)."""
    changes = list(CustodyEvent.objects.filter(asset=asset, kind=CustodyEventKind.STATUS_CHANGE)
                   .order_by("seq").values_list("to_state", "at"))
    seized = next((at for state, at in changes if state == AssetStatus.IN_CUSTODY), asset.created_at)
    following = next((at for _state, at in changes if at > seized), timezone.now())
    room = following - seized
    drafted = seized + min(datetime.timedelta(days=rng.randint(2, 20), hours=rng.randint(1, 6)), room / 3)
    return drafted, drafted + min(datetime.timedelta(days=rng.randint(1, 3)), room / 3)


def appraisal_at_seizure(asset: Asset, *, valuer, approver, rng) -> Appraisal:
    """The valuer's appraisal of the asset as of today (run it under the demo's clock), submitted;
    approved too when `approver` is given."""
    factor = Decimal(rng.randint(80, 110)) / 100
    appraisal = services.appraisal_create(
        actor=valuer, asset_id=asset.pk, method=rng.choice(["market", "expert", "price_list"]),
        amount=(asset.declared_value * factor).quantize(Decimal("0.01")), currency=asset.currency,
        value_date=timezone.localdate(), notes="Demo appraisal",
        evidence=[(SimpleUploadedFile("report.pdf", _PDF), "Valuation report")])
    services.appraisal_submit(actor=valuer, appraisal_id=appraisal.pk)
    if approver is not None:
        services.appraisal_approve(actor=approver, appraisal_id=appraisal.pk)
    return appraisal


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


# The stages of the workflow, in order. The demo's early sales stop at one each, in the order of
# EARLY_SALE_STAGES (the most telling first, as a small demo has few candidates; then more of some).
_STAGE_ORDER = ["requested", "rejected", "endorsed", "authorised", "at_auction", "direct_sale_proposed",
                "direct_sale_approved"]
EARLY_SALE_STAGES = ["requested", "endorsed", "authorised", "direct_sale_approved", "at_auction",
                     "direct_sale_proposed", "rejected", "direct_sale_approved", "requested", "authorised",
                     "direct_sale_approved", "at_auction"]


def _early_sales(rng, today: datetime.date) -> int:
    """Take the assets the recommendation puts first (urgent, then what selling now preserves; at most
    half of the candidates, so that the listing keeps some) through the early sale, each to its stage,
    as staff would. Once only: nothing is added when early-sale requests exist."""
    users = {name: _user(name) for name in ("officer", "officer2", "approver", "approver2", "auctions")}
    if EarlySaleRequest.objects.exists() or not all(users.values()):
        return 0
    rows = sorted(selectors.early_sale_rows(as_of=today), key=lambda r: (not r["urgent"], -r["net_benefit"]))
    ids = [r["asset_id"] for r in rows][:min(len(EARLY_SALE_STAGES), len(rows) // 2)]
    by_id = Asset.objects.filter(pk__in=ids, current_valuation__isnull=False).select_related("case").in_bulk()
    assets = [by_id[pk] for pk in ids if pk in by_id]
    for asset, stage in zip(assets, EARLY_SALE_STAGES, strict=False):
        _early_sale(asset, _STAGE_ORDER.index(stage), users, rng, today)
    return len(assets)


def _early_sale(asset: Asset, stop: int, users: dict, rng, today: datetime.date) -> None:
    officer = asset.case.case_officer if asset.case.case_officer_id else users["officer"]
    approver = users[rng.choice(["approver", "approver2"])]

    def reached(stage: str) -> bool:
        return stop >= _STAGE_ORDER.index(stage)

    services.early_sale_request(
        actor=officer, asset_id=asset.pk,
        reason=EarlySaleReason.PERISHABLE if asset.perishable else EarlySaleReason.DEPRECIATION,
        justification="Perishable goods: they will be worthless before the trial ends." if asset.perishable
        else "Loses value quickly and storage costs more than the depreciation allows.")
    if stop == _STAGE_ORDER.index("rejected"):
        services.early_sale_reject(actor=approver, asset_id=asset.pk, reason="Value is stable; no need to sell early.")
        return
    if not reached("endorsed"):
        return
    services.early_sale_endorse(actor=approver, asset_id=asset.pk, note="Endorsed: the value is at risk.")
    if not reached("authorised"):
        return
    services.early_sale_parties_notify(actor=officer, asset_id=asset.pk, means="registered_letter",
                                       notified_on=today, reference=f"RR-{asset.pk:06d}")
    order = custody_services.court_order_record(
        actor=officer, case=asset.case, order_type="early_sale", reference=f"EAR/{asset.reference}",
        issued_on=today, issuing_court=asset.case.court, assets=[asset],
        summary="The court authorises the sale of the asset before the final decision.")
    services.early_sale_authorise(actor=officer, asset_id=asset.pk, order_id=order.pk)
    if stop == _STAGE_ORDER.index("at_auction"):
        services.early_sale_route_to_auction(actor=users["auctions"], asset_id=asset.pk)
        return
    if not reached("direct_sale_proposed"):
        return
    value = selectors.asset_current_valuation(asset.pk)
    sale = services.direct_sale_propose(
        actor=officer, asset_id=asset.pk, buyer_name=rng.choice(["Garage Dupont", "Fresh Foods NV", "Marina Ostend"]),
        buyer_contact="sales@buyer.example.org, +32 2 555 01 23", price=value.amount, currency=value.currency,
        justification="The buyer takes it now, at the approved valuation; an auction would come too late.")
    if not reached("direct_sale_approved"):
        return
    # Approved, awaiting its invoice: settlement (disposition) invoices it, and the handover sells it.
    services.direct_sale_approve(actor=approver, sale_id=sale.pk, note="Price at the approved valuation.")
