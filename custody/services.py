"""Every change to the custody register goes through these functions."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed
from PIL import Image, ImageOps

from .exceptions import NotPermitted, TransitionConflict, TransitionRefused
from .models import (
    GENESIS_HASH,
    ORDER_REQUIRED,
    Asset,
    AssetIdentifier,
    AssetPhoto,
    AssetStatus,
    Case,
    CourtOrder,
    CustodyEvent,
    CustodyEventKind,
    DispositionMethod,
    EarlySaleRequest,
    EarlySaleStatus,
    OrderType,
    Party,
    StorageLocation,
)
from .signals import asset_status_changed, asset_transition_applied

# The transitions staff may trigger by name; anything else is refused before getattr.
TRANSITIONS = (
    "restrain", "seize", "request_early_sale", "reject_early_sale", "authorise_early_sale",
    "put_up_for_sale", "withdraw_from_sale", "record_sale", "confiscate", "refer_for_disposition",
    "dispose", "release", "return_to_state", "destroy", "declare_lost",
)
# Transitions that always need a written reason.
REASON_REQUIRED = {"reject_early_sale", "release", "destroy", "declare_lost", "withdraw_from_sale", "dispose"}


# --------------------------------------------------------------------------------------------
# Cases, parties, orders
# --------------------------------------------------------------------------------------------


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise NotPermitted()


@transaction.atomic
def case_create(*, actor, **fields: Any) -> Case:
    _require(actor, "custody.add_case")
    case = Case(**fields)
    if case.case_officer_id is None:
        case.case_officer = actor
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def party_add(*, actor, case: Case, **fields: Any) -> Party:
    _require(actor, "custody.add_party")
    party = Party(case=case, **fields)
    party.full_clean()
    party.save()
    return party


@transaction.atomic
def court_order_record(
    *, actor, case: Case, order_type: str, reference: str, issued_on: date, issuing_court: str,
    assets: list[Asset] | None = None, document=None, publishable: bool = False,
    recipient_state: str = "", summary: str = "",
) -> CourtOrder:
    _require(actor, "custody.add_courtorder")
    order = CourtOrder(
        case=case, order_type=order_type, reference=reference, issued_on=issued_on,
        issuing_court=issuing_court, publishable=publishable, recipient_state=recipient_state,
        summary=summary, created_by=actor,
    )
    if document is not None:
        order.document = document
    order.full_clean()
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("An order cannot be dated in the future.")})
    order.save()
    if assets:
        foreign = [a.reference for a in assets if a.case_id != case.pk]
        if foreign:
            raise ValidationError(_("These assets belong to another case: %(refs)s") % {"refs": ", ".join(foreign)})
        order.assets.set(assets)
    return order


# --------------------------------------------------------------------------------------------
# Assets
# --------------------------------------------------------------------------------------------


def _next_asset_reference(case: Case) -> str:
    count = Asset.objects.filter(case=case).count()
    while True:
        count += 1
        ref = f"{case.reference}/A{count:04d}"
        if not Asset.objects.filter(reference=ref).exists():
            return ref


@transaction.atomic
def asset_register(
    *, actor, case: Case, category: str, title: str, identifiers: list[tuple[str, str]] | None = None,
    reference: str = "", **fields: Any,
) -> Asset:
    """Register an asset as identified; the first entry of its custody chain records who did."""
    _require(actor, "custody.add_asset")
    # Lock the case so that concurrent registrations get distinct references.
    case = Case.objects.select_for_update().get(pk=case.pk)
    asset = Asset(case=case, category=category, title=title,
                  reference=reference or _next_asset_reference(case), **fields)
    asset.full_clean(exclude=["status"])
    asset.save()
    for scheme, value in identifiers or []:
        ident = AssetIdentifier(asset=asset, scheme=scheme, value=value.strip())
        ident.full_clean()
        ident.save()
    _append_event(asset=asset, actor=actor, kind=CustodyEventKind.STATUS_CHANGE, to_state=asset.status,
                  transition="register", reason=_("Registered in the custody register"))
    return asset


@dataclass(frozen=True)
class AvailableTransition:
    name: str
    label: str
    target: Any
    needs_order: str | None
    needs_reason: bool


TRANSITION_LABELS = {
    "restrain": _("Restrain"),
    "seize": _("Seize into custody"),
    "request_early_sale": _("Request early sale"),
    "reject_early_sale": _("Reject early sale"),
    "authorise_early_sale": _("Record early-sale authorisation"),
    "put_up_for_sale": _("Put up for sale"),
    "withdraw_from_sale": _("Withdraw from sale"),
    "record_sale": _("Record sale"),
    "confiscate": _("Confiscate"),
    "refer_for_disposition": _("Refer for disposition"),
    "dispose": _("Dispose (social reuse / public use)"),
    "release": _("Release to owner"),
    "return_to_state": _("Return to requesting state"),
    "destroy": _("Destroy"),
    "declare_lost": _("Declare lost or damaged"),
}

# Transitions with their own workflow service (they need more than an order and a reason).
WORKFLOW_TRANSITIONS = {"request_early_sale", "reject_early_sale", "authorise_early_sale", "record_sale"}


def _may(bound_method, user) -> bool:
    """Whether the user's role allows this transition from the current state (conditions apart)."""
    meta = bound_method._django_fsm
    instance = bound_method.__self__
    state = meta.field.get_state(instance)
    return bool(meta.has_transition(state) and meta.has_transition_perm(instance, state, user))


def asset_available_transitions(*, asset: Asset, user) -> list[AvailableTransition]:
    """The transitions this user may take on this asset from its current state, ignoring conditions
    that depend on what they will cite (the order): the form asks for it."""
    result = []
    for t in asset.get_all_status_transitions():
        if t.source != asset.status and t.source != "*":
            continue
        if t.name in WORKFLOW_TRANSITIONS:
            continue
        method = getattr(asset, t.name)
        if not _may(method, user):
            continue
        # Conditions other than the cited order must hold now (e.g. early sale endorsed).
        other = [c for c in t.conditions if not c.__name__.startswith("cites_")]
        if not all(c(asset) for c in other):
            continue
        if any(r.name == t.name for r in result):
            continue
        result.append(AvailableTransition(
            name=t.name, label=str(TRANSITION_LABELS.get(t.name, t.name)), target=t.target,
            needs_order=ORDER_REQUIRED.get(t.name), needs_reason=t.name in REASON_REQUIRED,
        ))
    return result


def _locked_asset(asset_id: int, expected_status: str | None) -> Asset:
    try:
        asset = Asset.objects.select_for_update().get(pk=asset_id)
    except Asset.DoesNotExist:
        raise TransitionRefused(_("This asset does not exist.")) from None
    if expected_status is not None and asset.status != expected_status:
        raise TransitionConflict(
            _("This asset was changed by someone else in the meantime: it is now “%(status)s”. "
              "Review it and try again.") % {"status": asset.get_status_display()}
        )
    return asset


def _cited_order(asset: Asset, transition: str, order_id: int | None) -> CourtOrder | None:
    needed = ORDER_REQUIRED.get(transition)
    if not needed:
        return None
    if order_id is None:
        raise TransitionRefused(
            _("This action needs a court order of type “%(type)s”.") % {"type": OrderType(needed).label}
        )
    order = CourtOrder.objects.filter(pk=order_id, case_id=asset.case_id).first()
    if order is None or order.order_type != needed:
        raise TransitionRefused(_("Cite a “%(type)s” order of this case.") % {"type": OrderType(needed).label})
    if not order.assets.filter(pk=asset.pk).exists():
        raise TransitionRefused(_("Order %(ref)s does not cover this asset.") % {"ref": order.reference})
    return order


def _apply(asset: Asset, transition: str, *, actor, reason: str, order_id: int | None = None,
           **kwargs: Any) -> Asset:
    """Check permission, reason, order and conditions; run the transition on the locked row; save;
    append the custody log entry; announce the change after commit."""
    method = getattr(asset, transition)
    label = TRANSITION_LABELS.get(transition, transition)
    if not _may(method, actor):
        raise NotPermitted(_("Your role does not allow “%(action)s”.") % {"action": label})
    reason = (reason or "").strip()
    if transition in REASON_REQUIRED and not reason:
        raise TransitionRefused(_("Give a reason for this action."))
    order = _cited_order(asset, transition, order_id)
    asset._cited_order = order
    if not can_proceed(method):
        raise TransitionRefused(
            _("“%(action)s” is not possible while the asset is “%(status)s”.")
            % {"action": label, "status": asset.get_status_display()}
        )
    from_state = asset.status
    try:
        method(**kwargs)
        asset.status_changed_at = timezone.now()
        asset.save()
    except ConcurrentTransition:
        raise TransitionConflict() from None
    except TransitionNotAllowed as exc:
        raise TransitionRefused(str(exc)) from None
    _append_event(asset=asset, actor=actor, kind=CustodyEventKind.STATUS_CHANGE, from_state=from_state,
                  to_state=asset.status, transition=transition, order=order, reason=reason)
    to_state = asset.status
    asset_transition_applied.send(
        sender=Asset, asset=asset, asset_id=asset.pk, transition=transition, from_state=from_state,
        to_state=to_state, actor_id=actor.pk, order_id=order.pk if order else None,
    )
    transaction.on_commit(lambda: asset_status_changed.send(
        sender=Asset, asset_id=asset.pk, transition=transition, from_state=from_state,
        to_state=to_state, actor_id=actor.pk, order_id=order.pk if order else None,
    ))
    return asset


@transaction.atomic
def asset_transition(
    *, asset_id: int, transition: str, actor, reason: str = "", order_id: int | None = None,
    expected_status: str | None = None, disposition: str | None = None,
) -> Asset:
    """Move an asset through its life cycle.

    Locks the asset row, checks that it is still in the state the user saw (`expected_status`),
    that the user holds the transition's permission and that its conditions hold (an order of the
    right type cited where one is required), then applies it, appends the custody log entry and
    saves. Raises TransitionConflict, NotPermitted or TransitionRefused with a readable message.
    Steps of a larger workflow (early sale, recording a sale) have services of their own.
    """
    if transition not in TRANSITIONS or transition in WORKFLOW_TRANSITIONS:
        raise TransitionRefused(_("Unknown action."))
    kwargs = {}
    if transition == "dispose":
        if disposition not in (DispositionMethod.SOCIAL_REUSE, DispositionMethod.PUBLIC_USE):
            raise TransitionRefused(_("Choose social reuse or transfer to a public body."))
        kwargs["disposition"] = disposition
    asset = _locked_asset(asset_id, expected_status)
    return _apply(asset, transition, actor=actor, reason=reason, order_id=order_id, **kwargs)


# --------------------------------------------------------------------------------------------
# Early sale: request, endorsement (four eyes), court authorisation. The sale routes (auction,
# direct sale) and the escrow of proceeds live in the apps above.
# --------------------------------------------------------------------------------------------


@transaction.atomic
def early_sale_request(*, asset_id: int, actor, reason: str, justification: str,
                       expected_status: str | None = None) -> EarlySaleRequest:
    justification = (justification or "").strip()
    if not justification:
        raise TransitionRefused(_("Explain why the asset should be sold before the final decision."))
    asset = _locked_asset(asset_id, expected_status)
    _apply(asset, "request_early_sale", actor=actor, reason=justification)
    req = EarlySaleRequest(asset=asset, reason=reason, justification=justification, requested_by=actor)
    req.full_clean(exclude=["status"])
    req.save()
    return req


def _open_request(asset: Asset) -> EarlySaleRequest:
    req = (EarlySaleRequest.objects.select_for_update()
           .filter(asset=asset, status__in=[EarlySaleStatus.REQUESTED, EarlySaleStatus.ENDORSED]).first())
    if req is None:
        raise TransitionRefused(_("There is no open early-sale request for this asset."))
    return req


@transaction.atomic
def early_sale_endorse(*, asset_id: int, actor, note: str = "") -> EarlySaleRequest:
    """An approver endorses the request. Nobody approves what they themselves requested."""
    asset = _locked_asset(asset_id, None)
    req = _open_request(asset)
    if req.requested_by_id == actor.pk:
        raise NotPermitted(_("You cannot endorse your own request: another approver must do it."))
    req.decided_by, req.decided_at, req.decision_note = actor, timezone.now(), note.strip()
    if not _may(req.endorse, actor):
        raise NotPermitted(_("Only an approver can endorse an early sale."))
    if not can_proceed(req.endorse):
        raise TransitionRefused(_("This request has already been decided."))
    req.endorse()
    req.save()
    _append_event(asset=asset, actor=actor, kind=CustodyEventKind.STATUS_CHANGE,
                  from_state=asset.status, to_state=asset.status, transition="endorse_early_sale",
                  reason=note.strip() or str(_("Early sale endorsed")))
    return req


@transaction.atomic
def early_sale_reject(*, asset_id: int, actor, reason: str) -> EarlySaleRequest:
    asset = _locked_asset(asset_id, None)
    req = _open_request(asset)
    if req.requested_by_id == actor.pk:
        raise NotPermitted(_("You cannot decide your own request: another approver must do it."))
    req.decided_by, req.decided_at, req.decision_note = actor, timezone.now(), (reason or "").strip()
    if not _may(req.reject, actor):
        raise NotPermitted(_("Only an approver can reject an early sale."))
    _apply(asset, "reject_early_sale", actor=actor, reason=reason)
    req.reject()
    req.save()
    return req


@transaction.atomic
def early_sale_authorise(*, asset_id: int, actor, order_id: int | None,
                         expected_status: str | None = None) -> EarlySaleRequest:
    """Attach the court's early-sale authorisation to an endorsed request; the asset may then be
    put up for sale."""
    asset = _locked_asset(asset_id, expected_status)
    req = _open_request(asset)
    if req.status != EarlySaleStatus.ENDORSED:
        raise TransitionRefused(_("An approver must endorse the request before the court's authorisation is recorded."))
    _apply(asset, "authorise_early_sale", actor=actor, reason=str(_("Court authorised early sale")),
           order_id=order_id)
    req.order_id = order_id
    req.mark_authorised()
    req.save()
    return req


@transaction.atomic
def asset_record_sale(*, asset_id: int, actor, reason: str) -> Asset:
    """Record that an asset for sale has been sold. Called by the sale routes (auction settlement,
    direct sale), which post the proceeds to the ledger in the same transaction."""
    asset = _locked_asset(asset_id, AssetStatus.FOR_SALE)
    return _apply(asset, "record_sale", actor=actor, reason=reason)


# --------------------------------------------------------------------------------------------
# The chain of custody
# --------------------------------------------------------------------------------------------


def _append_event(*, asset: Asset, actor, kind: str, from_state: str = "", to_state: str = "",
                  transition: str = "", order: CourtOrder | None = None,
                  location: StorageLocation | None = None, handed_to: str = "", condition: str = "",
                  reason: str = "") -> CustodyEvent:
    """Append one entry to the asset's chain. The caller holds the asset row lock (or has just
    created the asset), so entries of one asset are appended one at a time."""
    last = (CustodyEvent.objects.filter(asset_id=asset.pk).order_by("-seq")
            .values_list("seq", "entry_hash").first())
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    event = CustodyEvent(
        asset_id=asset.pk, seq=seq, kind=kind, at=timezone.now(), actor=actor, from_state=from_state,
        to_state=to_state, transition=transition, order=order, location=location, handed_to=handed_to,
        condition=condition, reason=reason, prev_hash=prev_hash,
    )
    event.entry_hash = event.compute_hash()
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        raise TransitionConflict() from None
    return event


@transaction.atomic
def custody_event_record(
    *, asset_id: int, actor, kind: str, reason: str = "", location_id: int | None = None,
    handed_to: str = "", condition: str = "",
) -> CustodyEvent:
    """Record a physical custody event: received, moved, inspected, condition report, handed over."""
    _require(actor, "custody.record_custody_event")
    if kind not in {CustodyEventKind.RECEIVED, CustodyEventKind.MOVED, CustodyEventKind.INSPECTED,
                    CustodyEventKind.CONDITION_REPORT, CustodyEventKind.HANDED_OVER}:
        raise TransitionRefused(_("Unknown custody event."))
    asset = Asset.objects.select_for_update().get(pk=asset_id)
    if asset.is_final:
        raise TransitionRefused(_("This asset has left the agency's custody; no further events can be recorded."))
    location = None
    if kind in (CustodyEventKind.RECEIVED, CustodyEventKind.MOVED):
        if location_id is None:
            raise TransitionRefused(_("Say where the asset now is."))
        location = StorageLocation.objects.filter(pk=location_id, active=True).first()
        if location is None:
            raise TransitionRefused(_("Choose an active storage location."))
        if kind == CustodyEventKind.MOVED and asset.location_id == location.pk:
            raise TransitionRefused(_("The asset is already at %(loc)s.") % {"loc": location.name})
    if kind == CustodyEventKind.HANDED_OVER and not handed_to.strip():
        raise TransitionRefused(_("Say to whom the asset was handed over."))
    if kind == CustodyEventKind.CONDITION_REPORT and not (condition.strip() or reason.strip()):
        raise TransitionRefused(_("Describe the asset's condition."))
    event = _append_event(asset=asset, actor=actor, kind=kind, location=location, handed_to=handed_to.strip(),
                          condition=condition.strip(), reason=reason.strip())
    if location is not None:
        Asset.objects.filter(pk=asset.pk).update(location=location, updated_at=timezone.now())
    return event


@dataclass(frozen=True)
class ChainBreak:
    asset_id: int
    asset_reference: str
    seq: int
    event_id: int
    problem: str


def custody_chain_verify(*, asset_ids: list[int] | None = None, chunk: int = 5000) -> list[ChainBreak]:
    """Recompute every entry's hash and check that it links to its predecessor. Returns the first
    broken entry of each broken chain (in asset, seq order); an empty list means all is intact."""
    qs = CustodyEvent.objects.order_by("asset_id", "seq")
    if asset_ids is not None:
        qs = qs.filter(asset_id__in=asset_ids)
    breaks: list[ChainBreak] = []
    current_asset = None
    expected_prev = GENESIS_HASH
    expected_seq = 1
    broken_asset = None
    for event in qs.iterator(chunk_size=chunk):
        if event.asset_id != current_asset:
            current_asset, expected_prev, expected_seq, broken_asset = event.asset_id, GENESIS_HASH, 1, None
        if broken_asset == event.asset_id:
            continue
        problem = None
        if event.seq != expected_seq:
            problem = f"entry #{expected_seq} is missing (found #{event.seq})"
        elif event.prev_hash != expected_prev:
            problem = "does not link to the previous entry (previous entry changed, or this one altered)"
        elif event.compute_hash() != event.entry_hash:
            problem = "its content does not match its hash (altered)"
        if problem:
            broken_asset = event.asset_id
            breaks.append(ChainBreak(event.asset_id, "", event.seq, event.pk, problem))
        expected_prev, expected_seq = event.entry_hash, event.seq + 1
    if breaks:
        refs = dict(Asset.objects.filter(pk__in=[b.asset_id for b in breaks]).values_list("pk", "reference"))
        breaks = [ChainBreak(b.asset_id, refs.get(b.asset_id, "?"), b.seq, b.event_id, b.problem) for b in breaks]
    return breaks


# --------------------------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------------------------

THUMB_SIZE = (320, 320)
MEDIUM_SIZE = (1280, 1280)


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    else:
        image.save(out, fmt)
    return out.getvalue()


@transaction.atomic
def asset_photo_add(*, asset_id: int, upload, actor, caption: str = "") -> AssetPhoto:
    """Validate an uploaded photo (type by content, bytes, pixels, decompression bombs), re-encode it
    without its metadata (EXIF can carry GPS positions and camera serials), and make renditions."""
    from .validators import open_checked_image

    _require(actor, "custody.add_assetphoto")
    asset = Asset.objects.get(pk=asset_id)
    image = open_checked_image(upload)
    image = ImageOps.exif_transpose(image)  # keep the orientation the camera meant, then drop EXIF
    fmt = "PNG" if image.mode in ("RGBA", "LA", "P") else "JPEG"
    ext = "png" if fmt == "PNG" else "jpg"
    # A fresh image built from the pixels alone carries no EXIF, XMP or ICC metadata.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    original = _encode(clean, fmt)
    digest = hashlib.sha256(original).hexdigest()
    photo = AssetPhoto(asset=asset, caption=caption.strip()[:255], sha256=digest, uploaded_by=actor)
    photo.image.save(f"{asset.pk}-{digest[:16]}.{ext}", ContentFile(original), save=False)
    for field, size in (("thumbnail", THUMB_SIZE), ("medium", MEDIUM_SIZE)):
        copy = clean.copy()
        copy.thumbnail(size, Image.Resampling.LANCZOS)
        getattr(photo, field).save(f"{asset.pk}-{digest[:16]}-{field}.{ext}", ContentFile(_encode(copy, fmt)),
                                   save=False)
    photo.save()
    return photo


def money(amount: Decimal | None, currency: str) -> str:
    """Plain formatting helper for logs and e-mails (templates use the locale-aware filter)."""
    return "—" if amount is None else f"{amount:,.2f} {currency}"

