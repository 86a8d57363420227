"""Helpers for valuation and early-sale tests: every step goes through the services, as in real use."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from custody import services as custody_services
from custody.models import PartyRole
from tests.factories import CourtOrderFactory, pdf_bytes
from valuation import services


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def order_for(asset, order_type: str):
    return CourtOrderFactory(case=asset.case, order_type=order_type, assets=[asset])


def into_custody(asset, officer):
    custody_services.asset_transition(asset_id=asset.pk, transition="seize", actor=officer,
                                      order_id=order_for(asset, "seizure").pk)
    asset.refresh_from_db()
    return asset


def approved_appraisal(asset, valuer, approver, amount: str | Decimal = "20000.00", currency: str = "EUR",
                       value_date: datetime.date | None = None, method: str = "market"):
    appraisal = services.appraisal_create(
        actor=valuer, asset_id=asset.pk, method=method, amount=Decimal(amount), currency=currency,
        value_date=value_date or timezone.localdate(), evidence=[(pdf(), "Comparable sales")])
    services.appraisal_submit(actor=valuer, appraisal_id=appraisal.pk)
    return services.appraisal_approve(actor=approver, appraisal_id=appraisal.pk)


def add_owner_and_claimant(case, officer):
    owner = custody_services.party_add(actor=officer, case=case, role=PartyRole.OWNER, name="Owner Oy")
    claimant = custody_services.party_add(actor=officer, case=case, role=PartyRole.THIRD_PARTY, name="Bank Ltd",
                                          claim_description="Lien on the vehicle")
    return owner, claimant


def notify_all(asset, officer, parties):
    for party in parties:
        services.early_sale_notification_record(actor=officer, asset_id=asset.pk, party_id=party.pk,
                                                means="registered_letter", notified_on=timezone.localdate(),
                                                reference=f"RR-{party.pk}")


def authorised_for_early_sale(asset, officer, approver, *, notify: bool = True):
    """In custody -> requested -> endorsed -> parties notified -> court authorisation recorded."""
    if asset.status == "identified":
        into_custody(asset, officer)
    services.early_sale_request(asset_id=asset.pk, actor=officer, reason="depreciation",
                                justification="Loses a third of its value a year")
    services.early_sale_endorse(asset_id=asset.pk, actor=approver)
    parties = add_owner_and_claimant(asset.case, officer)
    if notify:
        notify_all(asset, officer, parties)
    services.early_sale_authorise(actor=officer, asset_id=asset.pk, order_id=order_for(asset, "early_sale").pk)
    asset.refresh_from_db()
    return asset
