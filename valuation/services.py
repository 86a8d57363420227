"""Every change to valuations and early sales goes through these functions."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from common.exceptions import DomainError, NotPermitted, TransitionConflict, TransitionRefused
from common.transitions import require_perm, transition_run
from custody import services as custody_services
from custody.events import custody_event_append
from custody.models import HELD_STATES, Asset, AssetStatus, CustodyEventKind, Party, SaleChannel, category_rule
from ledger import services as ledger_services

from . import selectors
from .models import (
    OPEN_EARLY_SALE_STATES,
    Appraisal,
    AppraisalEvidence,
    AppraisalStatus,
    AssetCost,
    CandidateNotice,
    CostComponent,
    CurrentValuation,
    DepreciationProfile,
    DirectSale,
    DirectSaleStatus,
    EarlySaleCandidate,
    EarlySaleNotification,
    EarlySaleReason,
    EarlySaleRequest,
    EarlySaleRun,
    EarlySaleStatus,
    NotificationMeans,
    RunTrigger,
    StorageCostAccrual,
)


class ValuationRefused(DomainError):
    code = "valuation_refused"
    status = 400


def _decimal(value, field: str) -> Decimal:
    if isinstance(value, float):
        raise ValidationError({field: _("Give the amount as a decimal number.")})
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter a valid amount.")}) from None


# --------------------------------------------------------------------------------------------
# Depreciation profiles and running costs
# --------------------------------------------------------------------------------------------


@transaction.atomic
def depreciation_profile_save(
    *, actor, category: str, yearly_rate_percent: Decimal | None = None, shelf_life_days: int | None = None,
    daily_upkeep: Decimal = Decimal("0"), currency: str | None = None, notes: str = "",
) -> DepreciationProfile:
    profile = DepreciationProfile.objects.select_for_update().filter(category=category).first()
    require_perm(actor, "valuation.change_depreciationprofile" if profile else "valuation.add_depreciationprofile")
    profile = profile or DepreciationProfile(category=category)
    profile.yearly_rate_percent = yearly_rate_percent
    profile.shelf_life_days = shelf_life_days
    profile.daily_upkeep = daily_upkeep or Decimal("0")
    profile.currency = currency or profile.currency or settings.DEFAULT_CURRENCY
    profile.notes = notes.strip()
    profile.updated_by = actor
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def asset_cost_add(*, actor, asset_id: int, kind: str, daily_amount: Decimal, currency: str,
                   starts_on: date | None = None, ends_on: date | None = None, note: str = "") -> AssetCost:
    require_perm(actor, "valuation.add_assetcost")
    cost = AssetCost(asset_id=asset_id, kind=kind, daily_amount=_decimal(daily_amount, "daily_amount"),
                     currency=currency, starts_on=starts_on or timezone.localdate(), ends_on=ends_on, note=note.strip())
    cost.full_clean()
    cost.save()
    return cost


# --------------------------------------------------------------------------------------------
# Appraisals: draft -> submitted -> approved | rejected, never approved by their valuer
# --------------------------------------------------------------------------------------------


@transaction.atomic
def appraisal_create(
    *, actor, asset_id: int, method: str, amount: Decimal, currency: str, value_date: date, notes: str = "",
    evidence: list[tuple[Any, str]] | None = None,
) -> Appraisal:
    """A valuer drafts an appraisal, with its evidence files (PDF or scanned images)."""
    require_perm(actor, "valuation.add_appraisal", _("Only a valuer can appraise assets."))
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is None:
        raise ValuationRefused(_("This asset does not exist."))
    if value_date > timezone.localdate():
        raise ValidationError({"value_date": _("An appraisal cannot refer to a future date.")})
    appraisal = Appraisal(asset=asset, method=method, amount=_decimal(amount, "amount"), currency=currency,
                          value_date=value_date, notes=notes.strip(), valuer=actor)
    appraisal.full_clean(exclude=["status"])
    appraisal.save()
    for upload, description in evidence or []:
        appraisal_evidence_add(actor=actor, appraisal_id=appraisal.pk, upload=upload, description=description)
    return appraisal


def _locked_appraisal(appraisal_id: int) -> Appraisal:
    appraisal = Appraisal.objects.select_for_update().filter(pk=appraisal_id).first()
    if appraisal is None:
        raise ValuationRefused(_("This appraisal does not exist."))
    return appraisal


@transaction.atomic
def appraisal_evidence_add(*, actor, appraisal_id: int, upload, description: str = "") -> AppraisalEvidence:
    appraisal = _locked_appraisal(appraisal_id)
    if appraisal.valuer_id != actor.pk:
        raise NotPermitted(_("Only the appraisal's valuer can add evidence to it."))
    if appraisal.status != AppraisalStatus.DRAFT:
        raise ValuationRefused(_("Evidence can only be added while the appraisal is a draft."))
    from custody.validators import validate_document

    validate_document(upload)
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    item = AppraisalEvidence(appraisal=appraisal, description=description.strip()[:255], sha256=digest,
                             uploaded_by=actor)
    item.file.save(getattr(upload, "name", "evidence") or "evidence", upload, save=False)
    item.save()
    return item


def appraisal_submit_refusal(*, actor, appraisal: Appraisal) -> str | None:
    """Why `actor` may not submit this appraisal whatever their role, or None: only its valuer does."""
    if appraisal.valuer_id != actor.pk:
        return _("Only the appraisal's valuer can submit it.")
    return None


@transaction.atomic
def appraisal_submit(*, actor, appraisal_id: int) -> Appraisal:
    appraisal = _locked_appraisal(appraisal_id)
    if appraisal_submit_refusal(actor=actor, appraisal=appraisal) or not actor.has_perm("valuation.change_appraisal"):
        raise NotPermitted(_("Only the appraisal's valuer can submit it."))
    if appraisal.status != AppraisalStatus.DRAFT:
        raise ValuationRefused(_("This appraisal has already been submitted."))
    if not can_proceed(appraisal.submit):
        raise ValuationRefused(_("Attach at least one evidence file before submitting."))
    transition_run(appraisal, "submit")
    return appraisal


def appraisal_review_refusal(*, actor, appraisal: Appraisal) -> str | None:
    """Why `actor` may not approve or reject this appraisal whatever their role, or None: nobody
    reviews their own appraisal (four eyes)."""
    if appraisal.valuer_id == actor.pk:
        return _("You cannot review your own appraisal: another approver must do it.")
    return None


def _review(actor, appraisal: Appraisal) -> None:
    if refusal := appraisal_review_refusal(actor=actor, appraisal=appraisal):
        raise NotPermitted(refusal)
    appraisal.reviewed_by = actor
    if not actor.has_perm("valuation.review_appraisal"):
        raise NotPermitted(_("Only an approver can review appraisals."))
    if appraisal.status != AppraisalStatus.SUBMITTED:
        raise ValuationRefused(_("Only a submitted appraisal can be reviewed; this one is “%(status)s”.")
                               % {"status": appraisal.get_status_display()})


@transaction.atomic
def appraisal_approve(*, actor, appraisal_id: int) -> Appraisal:
    """Approve; the asset's current value becomes this appraisal if it is the latest approved."""
    appraisal = _locked_appraisal(appraisal_id)
    _review(actor, appraisal)
    transition_run(appraisal, "approve")
    latest = selectors.latest_approved_appraisal(appraisal.asset_id)
    CurrentValuation.objects.update_or_create(
        asset_id=appraisal.asset_id,
        defaults={"appraisal": latest, "amount": latest.amount, "currency": latest.currency,
                  "value_date": latest.value_date},
    )
    return appraisal


@transaction.atomic
def appraisal_reject(*, actor, appraisal_id: int, reason: str) -> Appraisal:
    appraisal = _locked_appraisal(appraisal_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValuationRefused(_("Say why the appraisal is rejected."))
    _review(actor, appraisal)
    appraisal.rejection_reason = reason
    transition_run(appraisal, "reject")
    return appraisal


# --------------------------------------------------------------------------------------------
# Early sale: the request and its endorsement (four eyes), due process, the court's authorisation,
# and the two routes (auction, direct sale). The asset's own moves are the register's transitions
# (request_early_sale, reject_early_sale, authorise_early_sale), taken through
# custody.services.asset_workflow_transition.
# --------------------------------------------------------------------------------------------

# The register's transitions that decide an open request themselves (any other move of an asset
# with an open request makes the request lapse: early_sale_requests_lapse).
_EARLY_SALE_STEPS = {"reject_early_sale", "authorise_early_sale"}


@transaction.atomic
def early_sale_request(*, actor, asset_id: int, reason: str, justification: str,
                       expected_status: str | None = None) -> EarlySaleRequest:
    """A case officer asks for an asset in custody to be sold before the final decision."""
    justification = (justification or "").strip()
    if not justification:
        raise TransitionRefused(_("Explain why the asset should be sold before the final decision."))
    if reason not in EarlySaleReason.values:
        raise TransitionRefused(_("Choose why the asset should be sold early: perishable, rapid depreciation or "
                                  "disproportionate cost of keeping."))
    asset = custody_services.asset_workflow_transition(asset_id=asset_id, transition="request_early_sale",
                                                       actor=actor, reason=justification,
                                                       expected_status=expected_status)
    req = EarlySaleRequest(asset=asset, reason=reason, justification=justification, requested_by=actor)
    req.full_clean(exclude=["status"])
    req.save()
    return req


def _locked_asset(asset_id: int) -> Asset:
    asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
    if asset is None:
        raise TransitionRefused(_("This asset does not exist."))
    return asset


def _open_request(asset: Asset) -> EarlySaleRequest:
    req = (EarlySaleRequest.objects.select_for_update()
           .filter(asset=asset, status__in=OPEN_EARLY_SALE_STATES).first())
    if req is None:
        raise TransitionRefused(_("There is no open early-sale request for this asset."))
    return req


def _check_expected(req: EarlySaleRequest, expected_status: str | None) -> None:
    if expected_status and req.status != expected_status:
        raise TransitionConflict(
            _("Someone else changed this while you were looking at it: it is now “%(status)s”. "
              "Review it and try again.") % {"status": req.get_status_display()})


def early_sale_decision_refusal(*, actor, request: EarlySaleRequest) -> str | None:
    """Why `actor` may not endorse or reject this request whatever their role, or None: nobody
    decides on an early sale they requested (four eyes)."""
    if request.requested_by_id == actor.pk:
        return _("You cannot decide on your own request: another approver must decide on it (four eyes).")
    return None


@transaction.atomic
def early_sale_endorse(*, actor, asset_id: int, note: str = "",
                       expected_status: str | None = None) -> EarlySaleRequest:
    """An approver endorses the request. Nobody endorses what they themselves requested."""
    asset = _locked_asset(asset_id)
    if asset.status != AssetStatus.EARLY_SALE_REQUESTED:
        raise TransitionRefused(_("There is no open early-sale request for this asset."))
    req = _open_request(asset)
    _check_expected(req, expected_status)
    if refusal := early_sale_decision_refusal(actor=actor, request=req):
        raise NotPermitted(refusal)
    req.decided_by, req.decided_at, req.decision_note = actor, timezone.now(), (note or "").strip()
    require_perm(actor, "custody.endorse_early_sale", _("Only an approver can endorse an early sale."))
    if req.status != EarlySaleStatus.REQUESTED:
        raise TransitionRefused(_("This request has already been decided."))
    transition_run(req, "endorse")
    custody_event_append(asset=asset, actor=actor, kind=CustodyEventKind.STATUS_CHANGE,
                         from_state=asset.status, to_state=asset.status, transition="endorse_early_sale",
                         reason=req.decision_note or str(_("Early sale endorsed")))
    return req


@transaction.atomic
def early_sale_reject(*, actor, asset_id: int, reason: str, expected_status: str | None = None) -> EarlySaleRequest:
    """An approver (never the requester) rejects the request; the asset is back in custody."""
    asset = _locked_asset(asset_id)
    req = _open_request(asset)
    _check_expected(req, expected_status)
    if refusal := early_sale_decision_refusal(actor=actor, request=req):
        raise NotPermitted(refusal)
    req.decided_by, req.decided_at, req.decision_note = actor, timezone.now(), (reason or "").strip()
    require_perm(actor, "custody.endorse_early_sale", _("Only an approver can reject an early sale."))
    custody_services.asset_workflow_transition(asset_id=asset.pk, transition="reject_early_sale", actor=actor,
                                               reason=reason)
    transition_run(req, "reject")
    return req


def early_sale_authorisation_check(asset: Asset) -> None:
    """Refuse to record the court's authorisation unless an approver endorsed the request and the
    owner and every third-party claimant (or, with none known, the public) were told of it.
    Registered with the register as the precondition of its authorise_early_sale transition
    (ValuationConfig.ready), so it holds however the authorisation is recorded."""
    req = EarlySaleRequest.objects.filter(asset=asset, status__in=OPEN_EARLY_SALE_STATES).first()
    if req is None:
        raise TransitionRefused(_("There is no open early-sale request for this asset."))
    if req.status != EarlySaleStatus.ENDORSED:
        raise TransitionRefused(_("An approver must endorse the request before the court's authorisation is "
                                  "recorded."))
    early_sale_due_process_check(asset)


@transaction.atomic
def early_sale_authorise(*, actor, asset_id: int, order_id: int | None,
                         expected_status: str | None = None) -> EarlySaleRequest:
    """Record the court's early-sale authorisation on an endorsed request whose parties were all
    told; the asset may then be sold (at auction or directly). `expected_status` is the request's
    status the user saw."""
    asset = _locked_asset(asset_id)
    req = _open_request(asset)
    _check_expected(req, expected_status)
    if req.status != EarlySaleStatus.ENDORSED:
        raise TransitionRefused(_("An approver must endorse the request before the court's authorisation is "
                                  "recorded."))
    custody_services.asset_workflow_transition(asset_id=asset.pk, transition="authorise_early_sale", actor=actor,
                                               reason=str(_("Court authorised early sale")), order_id=order_id)
    req.order_id = order_id
    transition_run(req, "mark_authorised")
    return req


def early_sale_requests_lapse(*, asset: Asset, transition: str, from_state: str) -> int:
    """An asset confiscated, released or lost while an early-sale request was open: the request
    lapses. Runs inside the register's transition (its asset_transition_applied signal)."""
    if from_state != AssetStatus.EARLY_SALE_REQUESTED or transition in _EARLY_SALE_STEPS:
        return 0
    lapsed = 0
    for req in EarlySaleRequest.objects.select_for_update().filter(asset=asset, status__in=OPEN_EARLY_SALE_STATES):
        req.decision_note = str(_("Withdrawn: the asset was “%(status)s”.") % {"status": asset.get_status_display()})
        transition_run(req, "withdraw")
        lapsed += 1
    return lapsed


@transaction.atomic
def early_sale_notification_record(
    *, actor, asset_id: int, means: str, notified_on: date, party_id: int | None = None, reference: str = "",
) -> EarlySaleNotification:
    """Record that the owner or a third-party claimant was told of the early-sale request (or, with
    no party known, that a public notice was given)."""
    require_perm(actor, "valuation.add_earlysalenotification")
    asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
    if asset is None:
        raise ValuationRefused(_("This asset does not exist."))
    request = selectors.current_early_sale_request(asset.pk)
    if request is None:
        raise ValuationRefused(_("There is no early-sale request for this asset to notify anyone of."))
    if notified_on > timezone.localdate():
        raise ValidationError({"notified_on": _("A notification cannot be dated in the future.")})
    if notified_on < timezone.localdate(request.requested_at):
        raise ValidationError({"notified_on": _("The parties can only be notified after the request was made.")})
    party = None
    if party_id is not None:
        party = Party.objects.filter(pk=party_id, case_id=asset.case_id).first()
        if party is None:
            raise ValuationRefused(_("That person is not a party to this asset's case."))
        if EarlySaleNotification.objects.filter(request=request, party=party).exists():
            raise ValuationRefused(_("%(name)s has already been recorded as notified.") % {"name": party.name})
    elif means != NotificationMeans.PUBLIC_NOTICE:
        raise ValuationRefused(_("Name the party notified, or record a public notice."))
    note = EarlySaleNotification(request=request, party=party, means=means, notified_on=notified_on,
                                 reference=reference.strip()[:255], recorded_by=actor)
    note.full_clean()
    note.save()
    custody_event_append(
        asset=asset, actor=actor, kind=CustodyEventKind.STATUS_CHANGE,
        from_state=asset.status, to_state=asset.status, transition="early_sale_notice",
        reason=_("%(who)s notified of the early-sale request (%(means)s, %(date)s)")
        % {"who": party.name if party else _("The public"), "means": note.get_means_display(), "date": notified_on},
    )
    return note


@transaction.atomic
def early_sale_parties_notify(*, actor, asset_id: int, means: str, notified_on: date,
                              reference: str = "") -> list[EarlySaleNotification]:
    """Record that everyone not yet told was told by the same means (e.g. one registered letter to
    each); with no owner or claimant known, record a public notice instead."""
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is None:
        raise ValuationRefused(_("This asset does not exist."))
    due = selectors.early_sale_due_process(asset)
    if due.public_notice_needed:
        return [early_sale_notification_record(actor=actor, asset_id=asset_id, means=NotificationMeans.PUBLIC_NOTICE,
                                               notified_on=notified_on, reference=reference)]
    return [early_sale_notification_record(actor=actor, asset_id=asset_id, means=means, notified_on=notified_on,
                                           party_id=party.pk, reference=reference) for party in due.missing]


def early_sale_due_process_check(asset: Asset) -> None:
    """Refuse unless the owner and every third-party claimant (or, with none known, the public) were
    told of the early-sale request (part of early_sale_authorisation_check; the sale routes check it again)."""
    due = selectors.early_sale_due_process(asset)
    if due.request is None:
        raise TransitionRefused(_("There is no early-sale request for this asset."))
    if due.missing:
        raise TransitionRefused(
            _("Due process: record that these parties were notified of the early sale first: %(names)s.")
            % {"names": ", ".join(p.name for p in due.missing)})
    if due.public_notice_needed:
        raise TransitionRefused(_("Due process: the case names no owner or claimant; record a public notice first."))


def _check_authorised_for_sale(asset: Asset) -> None:
    if asset.status != AssetStatus.EARLY_SALE_AUTHORISED:
        raise TransitionRefused(
            _("The court's early-sale authorisation must be recorded first; the asset is “%(status)s”.")
            % {"status": asset.get_status_display()})
    request = selectors.current_early_sale_request(asset.pk)
    if request is None or request.status != EarlySaleStatus.AUTHORISED or request.order_id is None:
        raise TransitionRefused(_("No court order authorises the early sale of this asset."))
    early_sale_due_process_check(asset)


def sale_channel_refusal(asset: Asset, channel: str) -> str | None:
    """Why the asset's category may not be sold through `channel` (custody's CATEGORY_RULES), or None."""
    if channel in category_rule(asset.category).channels:
        return None
    return _("An asset of the category “%(category)s” is not sold through “%(channel)s”.") % {
        "category": asset.get_category_display(), "channel": SaleChannel(channel).label}


def _check_channel(asset: Asset, channel: str) -> None:
    if refusal := sale_channel_refusal(asset, channel):
        raise TransitionRefused(refusal)


@transaction.atomic
def early_sale_route_to_auction(*, actor, asset_id: int, expected_status: str | None = None) -> Asset:
    """Put an authorised asset up for sale at auction: the auctions app offers every asset for sale
    to the auction manager as a draft lot."""
    asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
    if asset is None:
        raise TransitionRefused(_("This asset does not exist."))
    if expected_status and asset.status != expected_status:
        raise TransitionConflict()
    _check_authorised_for_sale(asset)
    _check_channel(asset, SaleChannel.AUCTION)
    pending = [DirectSaleStatus.PROPOSED, DirectSaleStatus.APPROVED, DirectSaleStatus.INVOICED]
    if DirectSale.objects.filter(asset=asset, status__in=pending).exists():
        raise TransitionRefused(_("A direct sale of this asset is pending; reject it before choosing an auction."))
    return custody_services.asset_transition(asset_id=asset.pk, transition="put_up_for_sale", actor=actor,
                                             reason=str(_("Early sale by public auction")),
                                             expected_status=AssetStatus.EARLY_SALE_AUTHORISED)


@transaction.atomic
def direct_sale_propose(
    *, actor, asset_id: int, buyer_name: str, buyer_contact: str, price: Decimal, currency: str, justification: str,
) -> DirectSale:
    """Propose selling an authorised asset directly, at no less than its approved valuation."""
    require_perm(actor, "valuation.add_directsale")
    asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
    if asset is None:
        raise TransitionRefused(_("This asset does not exist."))
    _check_authorised_for_sale(asset)
    _check_channel(asset, SaleChannel.DIRECT)
    price = _decimal(price, "price")
    if not buyer_name.strip() or not buyer_contact.strip():
        raise ValidationError(_("Name the buyer and give their contact details."))
    if not justification.strip():
        raise ValidationError({"justification": _("Explain why this sale cannot wait for an auction.")})
    valuation = _check_price(asset, price, currency)
    if DirectSale.objects.filter(asset=asset, status__in=[DirectSaleStatus.PROPOSED, DirectSaleStatus.APPROVED,
                                                          DirectSaleStatus.INVOICED,
                                                          DirectSaleStatus.COMPLETED]).exists():
        raise TransitionRefused(_("A direct sale of this asset is already under way."))
    sale = DirectSale(asset=asset, valuation=valuation.appraisal, buyer_name=buyer_name.strip(),
                      buyer_contact=buyer_contact.strip(), price=price, currency=currency,
                      justification=justification.strip(), requested_by=actor)
    sale.full_clean(exclude=["status"])
    sale.save()
    return sale


def _check_price(asset: Asset, price: Decimal, currency: str) -> CurrentValuation:
    valuation = selectors.asset_current_valuation(asset.pk)
    if valuation is None:
        raise TransitionRefused(_("A direct sale needs an approved valuation of the asset first."))
    if currency != valuation.currency:
        raise TransitionRefused(_("The price must be in the valuation's currency (%(cur)s).")
                                % {"cur": valuation.currency})
    if price < valuation.amount:
        raise TransitionRefused(
            _("The price (%(price)s) is below the approved valuation (%(value)s %(cur)s).")
            % {"price": price, "value": valuation.amount, "cur": valuation.currency})
    return valuation


def _locked_sale(sale_id: int) -> DirectSale:
    sale = DirectSale.objects.select_for_update().select_related("asset").filter(pk=sale_id).first()
    if sale is None:
        raise TransitionRefused(_("This direct sale does not exist."))
    return sale


def direct_sale_decision_refusal(*, actor, sale: DirectSale) -> str | None:
    """Why `actor` may not approve or reject this sale whatever their role, or None: nobody decides
    on a sale they proposed (four eyes)."""
    if sale.requested_by_id == actor.pk:
        return _("You cannot decide on a sale you proposed: another approver must do it.")
    return None


@transaction.atomic
def direct_sale_approve(*, actor, sale_id: int, note: str = "") -> DirectSale:
    sale = _locked_sale(sale_id)
    if refusal := direct_sale_decision_refusal(actor=actor, sale=sale):
        raise NotPermitted(refusal)
    require_perm(actor, "valuation.approve_directsale", _("Only an approver can approve a direct sale."))
    if sale.status != DirectSaleStatus.PROPOSED:
        raise TransitionRefused(_("This sale has already been decided."))
    # The valuation may have been revised since the proposal.
    _check_price(sale.asset, sale.price, sale.currency)
    sale.approved_by, sale.decision_note = actor, note.strip()
    transition_run(sale, "approve")
    return sale


@transaction.atomic
def direct_sale_reject(*, actor, sale_id: int, reason: str) -> DirectSale:
    sale = _locked_sale(sale_id)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the sale is rejected.")})
    if refusal := direct_sale_decision_refusal(actor=actor, sale=sale):
        raise NotPermitted(refusal)
    require_perm(actor, "valuation.approve_directsale", _("Only an approver can reject a direct sale."))
    if sale.status not in (DirectSaleStatus.PROPOSED, DirectSaleStatus.APPROVED):
        raise TransitionRefused(_("This sale can no longer be rejected."))
    sale.approved_by, sale.decision_note = actor, reason.strip()
    transition_run(sale, "reject")
    return sale


@transaction.atomic
def direct_sale_mark_invoiced(*, actor, sale_id: int) -> DirectSale:
    """The settlement app is issuing the buyer's invoice of an approved sale (disposition's
    `direct_sale_invoice_issue` calls this in its transaction): the authorisation and the price are
    checked again, the asset is put up for sale to this buyer, and the sale is invoiced. The price
    is posted per asset when the invoice is paid, by settlement; nothing is posted here."""
    sale = _locked_sale(sale_id)
    require_perm(actor, "valuation.complete_directsale", _("Only the sales staff can invoice a direct sale."))
    if sale.status != DirectSaleStatus.APPROVED:
        raise TransitionRefused(_("Only an approved direct sale can be invoiced; this one is “%(status)s”.")
                                % {"status": sale.get_status_display()})
    asset = Asset.objects.select_for_update().get(pk=sale.asset_id)
    _check_authorised_for_sale(asset)
    _check_price(asset, sale.price, sale.currency)
    reason = _("Direct sale to %(buyer)s for %(price)s %(cur)s") % {
        "buyer": sale.buyer_name, "price": sale.price, "cur": sale.currency}
    custody_services.asset_transition(asset_id=asset.pk, transition="put_up_for_sale", actor=actor,
                                      reason=reason, expected_status=AssetStatus.EARLY_SALE_AUTHORISED)
    transition_run(sale, "mark_invoiced", actor=actor, label=_("invoice"))
    return sale


@transaction.atomic
def direct_sale_complete(*, asset_id: int, actor_id: int | None = None) -> DirectSale | None:
    """The asset of an invoiced direct sale was handed over and recorded sold (custody's
    `record_sale`, taken by settlement's handover): the sale is completed. A system step that runs
    in the register's transition (its asset_transition_applied signal); it posts nothing, since the
    paid invoice posted the sale. Returns None when the asset has no invoiced direct sale (an
    auction lot's asset)."""
    sale = (DirectSale.objects.select_for_update()
            .filter(asset_id=asset_id, status=DirectSaleStatus.INVOICED).first())
    if sale is None:
        return None
    sale.completed_by_id = actor_id
    transition_run(sale, "complete")
    return sale


# --------------------------------------------------------------------------------------------
# The early-sale recommendation
# --------------------------------------------------------------------------------------------

def _run_parameters() -> dict:
    return {name: str(getattr(settings, name)) for name in (
        "EARLY_SALE_COST_PERCENT", "EARLY_SALE_COST_FIXED", "EARLY_SALE_THRESHOLD_AMOUNT",
        "EARLY_SALE_THRESHOLD_PERCENT", "EARLY_SALE_URGENCY_DAYS", "EARLY_SALE_DEFAULT_HORIZON_DAYS")}


def _lock_runs() -> None:
    """One run at a time: a transaction-level advisory lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x45534331])  # "ESC1"


@transaction.atomic
def early_sale_recommendation_run(*, trigger: str = RunTrigger.SCHEDULE, actor=None, as_of: date | None = None,
                                  notify: bool = True) -> EarlySaleRun:
    """Compute the recommendation for every asset in custody and replace the candidates table with
    the result; then tell each case officer, in one digest e-mail sent after commit, about the
    candidates they have not been told about in the last EARLY_SALE_RENOTIFY_DAYS days."""
    if trigger == RunTrigger.ADMIN:
        require_perm(actor, "valuation.run_recommendation")
    _lock_runs()
    as_of = as_of or timezone.localdate()
    run = EarlySaleRun.objects.create(as_of=as_of, trigger=trigger, triggered_by=actor,
                                      parameters=_run_parameters())
    EarlySaleCandidate.objects.all().delete()
    _insert_from_select(run, as_of)
    with connection.cursor() as cursor:  # the table was just replaced: keep the planner's picture true
        cursor.execute("ANALYZE valuation_earlysalecandidate, valuation_candidatenotice")
    run.candidate_count = EarlySaleCandidate.objects.filter(run=run).count()
    run.assets_considered = Asset.objects.filter(status__in=selectors.RECOMMENDATION_STATES).count()
    run.officers_notified = _record_notices(run) if notify else 0
    run.finished_at = timezone.now()
    run.save(update_fields=["candidate_count", "assets_considered", "officers_notified", "finished_at"])
    return run


def _insert_from_select(run: EarlySaleRun, as_of: date) -> None:
    """INSERT INTO candidates (...) SELECT ...: the database computes and stores in one statement."""
    sql, params = selectors.early_sale_sql(as_of=as_of)
    table = connection.ops.quote_name(EarlySaleCandidate._meta.db_table)
    pairs = selectors.CANDIDATE_COLUMNS
    columns = ", ".join(connection.ops.quote_name(col) for col, _src in [("run_id", ""), *pairs])
    select = ", ".join(["%s::bigint"] + [f"r.{connection.ops.quote_name(src)}" for _col, src in pairs])
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {select} FROM ({sql}) r", [run.pk, *params])


def _record_notices(run: EarlySaleRun) -> int:
    """Which candidates each officer has not heard about recently; recorded now, mailed after commit."""
    since = run.as_of - timedelta(days=settings.EARLY_SALE_RENOTIFY_DAYS - 1)
    # One INSERT ... SELECT: this run's candidates whose officer has not been told about them since
    # `since`; a concurrent run that got there first wins (ON CONFLICT DO NOTHING).
    notice = connection.ops.quote_name(CandidateNotice._meta.db_table)
    candidate = connection.ops.quote_name(EarlySaleCandidate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {notice} (run_id, officer_id, asset_id, notified_on, mailed_at) "
            f"SELECT c.run_id, c.case_officer_id, c.asset_id, %s, NULL FROM {candidate} c "
            f"WHERE c.run_id = %s AND c.case_officer_id IS NOT NULL AND NOT EXISTS ("
            f"SELECT 1 FROM {notice} n WHERE n.officer_id = c.case_officer_id AND n.asset_id = c.asset_id "
            f"AND n.notified_on >= %s) ON CONFLICT DO NOTHING",
            [run.as_of, run.pk, since])
    officers = sorted(set(CandidateNotice.objects.filter(run=run, mailed_at__isnull=True)
                          .values_list("officer_id", flat=True)))
    if officers:
        from .tasks import send_early_sale_digest

        run_id = run.pk
        for officer_id in officers:
            transaction.on_commit(lambda o=officer_id: send_early_sale_digest.delay(run_id, o))
    return len(officers)


@transaction.atomic
def early_sale_digest_send(*, run_id: int, officer_id: int) -> int:
    """Send one officer the digest of the candidates this run told them about. Safe to run twice:
    notices already mailed are not mailed again."""
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    notices = list(CandidateNotice.objects.select_for_update().filter(run_id=run_id, officer_id=officer_id,
                                                                      mailed_at__isnull=True))
    officer = get_user_model().objects.filter(pk=officer_id, is_active=True).first()
    if not notices or officer is None or not officer.email:
        return 0
    candidates = list(EarlySaleCandidate.objects.filter(asset_id__in=[n.asset_id for n in notices])
                      .select_related("asset", "case").order_by("-urgent", "-net_benefit", "asset_id"))
    with translation.override(settings.LANGUAGE_CODE):
        context = {"officer": officer, "candidates": candidates, "base_url": settings.PUBLIC_BASE_URL,
                   "count": len(candidates)}
        subject = render_to_string("valuation/email/digest_subject.txt", context).strip()
        body = render_to_string("valuation/email/digest.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [officer.email])
    CandidateNotice.objects.filter(pk__in=[n.pk for n in notices]).update(mailed_at=timezone.now())
    return len(candidates)


# --------------------------------------------------------------------------------------------
# Storage costs: accrued per asset, component and month; posted to the ledger on demand
# --------------------------------------------------------------------------------------------


@transaction.atomic
def storage_costs_accrue(*, period_start: date, period_end: date) -> int:
    """Record what keeping each held asset cost over the period (storage location rate, running
    costs, profile upkeep × quantity), from the later of the period start and its registration.
    Idempotent: a period already accrued for an asset and component is skipped."""
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."))
    profiles = selectors.profiles_by_category()
    rows: list[StorageCostAccrual] = []
    assets = (Asset.objects.filter(status__in=HELD_STATES).select_related("location")
              .prefetch_related("running_costs").only("pk", "created_at", "category", "quantity", "currency",
                                                     "location__daily_rate", "location__currency"))
    for asset in assets.iterator(chunk_size=2000):
        start = max(period_start, timezone.localdate(asset.created_at))
        if start > period_end:
            continue
        days = (period_end - start).days + 1
        parts: list[tuple[str, Decimal, str]] = []
        if asset.location_id and asset.location.daily_rate:
            parts.append((CostComponent.STORAGE, asset.location.daily_rate, asset.location.currency))
        profile = profiles.get(asset.category)
        if profile and profile.daily_upkeep:
            parts.append((CostComponent.UPKEEP, (profile.daily_upkeep * asset.quantity).quantize(Decimal("0.01")),
                          profile.currency))
        for cost in asset.running_costs.all():
            cost_start, cost_end = max(start, cost.starts_on), min(period_end, cost.ends_on or period_end)
            if cost_end >= cost_start:
                component = cost.kind if cost.kind in CostComponent.values else CostComponent.OTHER
                parts.append((component, cost.daily_amount * ((cost_end - cost_start).days + 1) / days, cost.currency))
        merged: dict[tuple[str, str], Decimal] = {}
        for component, rate, currency in parts:
            merged[(component, currency)] = merged.get((component, currency), Decimal("0")) + rate
        for (component, currency), rate in merged.items():
            rows.append(StorageCostAccrual(asset_id=asset.pk, component=component, period_start=period_start,
                                           period_end=period_end, days=days, daily_rate=rate.quantize(Decimal("0.01")),
                                           amount=(rate * days).quantize(Decimal("0.01")), currency=currency))
    before = StorageCostAccrual.objects.count()
    StorageCostAccrual.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return StorageCostAccrual.objects.count() - before


@transaction.atomic
def storage_cost_accruals_post(*, actor, accrual_ids: list[int]) -> int:
    """Post accruals to the ledger (Dr storage costs, Cr accrued storage payable), each once."""
    require_perm(actor, "valuation.post_storagecostaccrual", _("Only finance can post costs to the ledger."))
    posted = 0
    for accrual in (StorageCostAccrual.objects.select_for_update().select_related("asset")
                    .filter(pk__in=accrual_ids, journal_entry__isnull=True)):
        if accrual.amount <= 0:
            continue
        accrual.journal_entry = ledger_services.storage_cost_post(
            asset=accrual.asset, amount=accrual.amount, currency=accrual.currency, source=f"accrual:{accrual.pk}",
            memo=_("%(component)s of %(asset)s, %(start)s to %(end)s") % {
                "component": accrual.get_component_display(), "asset": accrual.asset.reference,
                "start": accrual.period_start, "end": accrual.period_end}, actor=actor)
        accrual.save(update_fields=["journal_entry"])
        posted += 1
    return posted
