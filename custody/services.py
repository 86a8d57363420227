"""Every change to the custody register goes through these functions."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed
from PIL import Image, ImageOps

from common.exceptions import NotPermitted, TransitionConflict, TransitionRefused
from common.transitions import require_perm
from common.versions import refuse_stale, version_token

from .events import custody_event_append
from .models import (
    FOUR_EYES_TRANSITIONS,
    GENESIS_HASH,
    HASHED_FIELDS,
    ORDER_REQUIRED,
    Asset,
    AssetIdentifier,
    AssetPhoto,
    AssetStatus,
    Case,
    CaseStatus,
    CourtOrder,
    CustodyEndRequest,
    CustodyEndStatus,
    CustodyEvent,
    CustodyEventKind,
    DispositionMethod,
    OrderType,
    Party,
    RecordChange,
    StorageLocation,
    category_rule,
    custody_hash,
)
from .signals import asset_status_changed, asset_transition_applied

# The transitions staff may trigger by name; anything else is refused before getattr.
TRANSITIONS = (
    "restrain", "seize", "request_early_sale", "reject_early_sale", "authorise_early_sale",
    "put_up_for_sale", "withdraw_from_sale", "record_sale", "confiscate", "refer_for_disposition",
    "dispose", "release", "return_to_state", "destroy", "declare_lost",
)
# Transitions that always need a written reason.
REASON_REQUIRED = {"reject_early_sale", "release", "destroy", "declare_lost", "withdraw_from_sale", "dispose",
                   "take_back"}


# --------------------------------------------------------------------------------------------
# Cases, parties, orders
# --------------------------------------------------------------------------------------------


def _as_id(value: Any, message: str, *, field: str | None = None) -> int:
    """An id from a form or a URL; anything that is not a positive integer is refused, not a 500."""
    if isinstance(value, bool):
        raise TransitionRefused(message, field=field)
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise TransitionRefused(message, field=field) from None
    if pk <= 0 or str(pk) != str(value).strip():
        raise TransitionRefused(message, field=field)
    return pk


@transaction.atomic
def case_create(*, actor, **fields: Any) -> Case:
    require_perm(actor, "custody.add_case")
    case = Case(**fields)
    if case.case_officer_id is None:
        case.case_officer = actor
    case.full_clean()
    case.save()
    return case


# What an edit may change on a case. Not its reference: asset references are built from it and
# court documents cite it.
CASE_EDITABLE_FIELDS = ("title", "court", "jurisdiction", "legal_basis", "offence_type", "country_of_origin",
                        "requesting_state", "status", "expected_decision_date", "notes")


def _check_editable(fields: dict[str, Any], editable: tuple[str, ...]) -> None:
    unknown = set(fields) - set(editable)
    if unknown:
        raise TransitionRefused(_("These fields cannot be changed here: %(fields)s")
                                % {"fields": ", ".join(sorted(unknown))})


def _set_fields(obj, fields: dict[str, Any], editable: tuple[str, ...]) -> None:
    _check_editable(fields, editable)
    for name, value in fields.items():
        setattr(obj, name, value)


# --------------------------------------------------------------------------------------------
# Corrections: each edit of a case, an asset or an order is one RecordChange with its diff
# --------------------------------------------------------------------------------------------


def _history_value(value: Any) -> Any:
    """A field's value as the history keeps it (JSON): people and files by name, dates in ISO."""
    if isinstance(value, models.Model):
        if hasattr(value, "get_full_name"):
            return value.get_full_name() or value.get_username()
        return str(value)
    if isinstance(value, FieldFile):
        return value.name.rsplit("/", 1)[-1] if value else ""
    if isinstance(value, date | Decimal):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, list | tuple):
        return [_history_value(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # a country, a phone number ...: by its code


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    if isinstance(old, FieldFile) or isinstance(new, FieldFile):
        return new is None or new == old  # no upload: the document stays
    if old in (None, "") and new in (None, ""):
        return True
    return old == new


def _diff(obj, fields: dict[str, Any]) -> list[dict]:
    """[{"field", "from", "to"}] for each of `fields` whose value differs from `obj`'s."""
    return [{"field": name, "from": _history_value(getattr(obj, name)), "to": _history_value(value)}
            for name, value in fields.items() if not _same(getattr(obj, name), value)]


def _refuse_locked(changes: list[dict], locked: dict[str, str]) -> None:
    refused = {c["field"]: locked[c["field"]] for c in changes if c["field"] in locked}
    if refused:
        raise ValidationError(refused)


def _change_record(*, actor, changes: list[dict], reason: str, **record: Any) -> RecordChange | None:
    if not changes:
        return None
    return RecordChange.objects.create(actor=actor, changes=changes, reason=(reason or "").strip(), **record)


def case_locked_fields(*, case: Case) -> dict[str, str]:
    """The fields of `case` an edit may not change now, each with why. A closed case keeps its
    particulars; its status (to reopen it) and notes stay open."""
    if case.status == CaseStatus.CLOSED:
        why = _("The case is closed: reopen it (its status) to correct this.")
        return {name: why for name in CASE_EDITABLE_FIELDS if name not in ("status", "notes")}
    return {}


def _case_values(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in CASE_EDITABLE_FIELDS}


def case_version(case: Case) -> str:
    """The version of `case` an edit form is opened on (common.versions): its editable fields."""
    return version_token(_case_values(case))


@transaction.atomic
def case_update(*, case_id: int, actor, reason: str = "", expected_version: str | None = None,
                **fields: Any) -> Case:
    """Correct a case's particulars (CASE_EDITABLE_FIELDS but those `case_locked_fields` names),
    recording who changed what, from and to, in its history. With `expected_version` (the
    `case_version` the edit form was opened on), refuses if someone changed the case since."""
    require_perm(actor, "custody.change_case")
    case = Case.objects.select_for_update().filter(pk=_as_id(case_id, _("This case does not exist."))).first()
    if case is None:
        raise TransitionRefused(_("This case does not exist."))
    refuse_stale(expected_version=expected_version, model=Case, values=_case_values(case),
                 message=_("Someone else changed this case while you were editing it: %(fields)s. "
                           "Review their change and save again."))
    _check_editable(fields, CASE_EDITABLE_FIELDS)
    changes = _diff(case, fields)
    _refuse_locked(changes, case_locked_fields(case=case))
    _set_fields(case, fields, CASE_EDITABLE_FIELDS)
    case.full_clean()
    case.save()
    _change_record(actor=actor, changes=changes, reason=reason, case=case)
    return case


@transaction.atomic
def party_add(*, actor, case: Case, **fields: Any) -> Party:
    require_perm(actor, "custody.add_party")
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
    require_perm(actor, "custody.add_courtorder")
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
    # Checked before saving, so that a refused order leaves no document behind in storage.
    foreign = [a.reference for a in assets or [] if a.case_id != case.pk]
    if foreign:
        raise ValidationError(_("These assets belong to another case: %(refs)s") % {"refs": ", ".join(foreign)})
    order.save()
    if assets:
        order.assets.set(assets)
    return order


# What an edit may change on a court order (not its case: record the order under the right case).
ORDER_EDITABLE_FIELDS = ("order_type", "reference", "issued_on", "issuing_court", "assets", "document",
                         "publishable", "recipient_state", "summary")
# What the custody log cites once an asset's step has relied on the order.
ORDER_CITED_FIELDS = ("order_type", "reference", "issued_on", "issuing_court", "recipient_state")


def court_order_locked_fields(*, order: CourtOrder) -> dict[str, str]:
    """The fields of `order` an edit may not change now, each with why: its signed document once
    attached, and what identifies it once a step of an asset's life cycle cited it."""
    locked = {}
    if CustodyEvent.objects.filter(order=order).exists():
        why = _("A step of an asset's life cycle cites this order: the custody log names it as it is.")
        locked.update(dict.fromkeys(ORDER_CITED_FIELDS, why))
    if order.document:
        locked["document"] = _("The signed document is kept as it was attached; record a corrected order "
                               "if the court issued one.")
    return locked


def _order_values(order: CourtOrder) -> dict[str, Any]:
    return {name: (sorted(order.assets.values_list("pk", flat=True)) if name == "assets" else getattr(order, name))
            for name in ORDER_EDITABLE_FIELDS}


def court_order_version(order: CourtOrder) -> str:
    """The version of `order` an edit form is opened on (common.versions): its editable fields and
    the assets it covers."""
    return version_token(_order_values(order))


@transaction.atomic
def court_order_update(*, order_id: int, actor, reason: str = "", expected_version: str | None = None,
                       **fields: Any) -> CourtOrder:
    """Correct a court order (ORDER_EDITABLE_FIELDS but those `court_order_locked_fields` names;
    `assets`, the assets it covers, may not drop one whose step cited it), recording who changed
    what, from and to, in its history. With `expected_version` (the `court_order_version` the edit
    form was opened on), refuses if someone changed the order since."""
    require_perm(actor, "custody.change_courtorder")
    order = (CourtOrder.objects.select_for_update()
             .filter(pk=_as_id(order_id, _("This court order does not exist."))).first())
    if order is None:
        raise TransitionRefused(_("This court order does not exist."))
    refuse_stale(expected_version=expected_version, model=CourtOrder, values=_order_values(order),
                 message=_("Someone else changed this court order while you were editing it: %(fields)s. "
                           "Review their change and save again."))
    _check_editable(fields, ORDER_EDITABLE_FIELDS)
    assets = fields.pop("assets", None)
    if fields.get("document") is None:
        fields.pop("document", None)  # no new upload: the document stays
    changes = _diff(order, fields)
    if assets is not None:
        before = sorted(order.assets.values_list("reference", flat=True))
        after = sorted(a.reference for a in assets)
        if before != after:
            changes.append({"field": "assets", "from": before, "to": after})
    _refuse_locked(changes, court_order_locked_fields(order=order))
    if assets is not None:
        foreign = [a.reference for a in assets if a.case_id != order.case_id]
        if foreign:
            raise ValidationError({"assets": _("These assets belong to another case: %(refs)s")
                                   % {"refs": ", ".join(foreign)}})
        cited = (Asset.objects.filter(custody_events__order=order).exclude(pk__in=[a.pk for a in assets])
                 .values_list("reference", flat=True).distinct())
        if cited:
            raise ValidationError({"assets": _("A step of these assets' life cycle cites this order, which must "
                                               "keep covering them: %(refs)s") % {"refs": ", ".join(sorted(cited))}})
    if "issued_on" in fields and fields["issued_on"] and fields["issued_on"] > timezone.localdate():
        raise ValidationError({"issued_on": _("An order cannot be dated in the future.")})
    for name, value in fields.items():
        setattr(order, name, value)
    order.full_clean(exclude=["created_by"])  # who recorded it is not an edit's business (older orders: none)
    order.save()
    if assets is not None:
        order.assets.set(assets)
    _change_record(actor=actor, changes=changes, reason=reason, order=order)
    return order


# --------------------------------------------------------------------------------------------
# Storage locations
# --------------------------------------------------------------------------------------------

STORAGE_LOCATION_FIELDS = ("name", "kind", "address", "public_area", "daily_rate", "currency", "active")


@transaction.atomic
def storage_location_create(*, actor, **fields: Any) -> StorageLocation:
    require_perm(actor, "custody.add_storagelocation")
    location = StorageLocation()
    _set_fields(location, fields, STORAGE_LOCATION_FIELDS)
    location.full_clean()
    location.save()
    return location


@transaction.atomic
def storage_location_update(*, location_id: int, actor, **fields: Any) -> StorageLocation:
    """Change a storage location; an inactive one takes no new assets (registration, moves)."""
    require_perm(actor, "custody.change_storagelocation")
    location = (StorageLocation.objects.select_for_update()
                .filter(pk=_as_id(location_id, _("This storage location does not exist."))).first())
    if location is None:
        raise TransitionRefused(_("This storage location does not exist."))
    _set_fields(location, fields, STORAGE_LOCATION_FIELDS)
    location.full_clean()
    location.save()
    return location


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


# Set only by the life cycle, never at registration.
_LIFE_CYCLE_FIELDS = {"status", "confiscated_at", "disposition_method", "status_changed_at", "created_at"}


@transaction.atomic
def asset_register(
    *, actor, case: Case, category: str, title: str, identifiers: list[tuple[str, str]] | None = None,
    reference: str = "", **fields: Any,
) -> Asset:
    """Register an asset as identified; the first entry of its custody chain records who did."""
    require_perm(actor, "custody.add_asset")
    forbidden = _LIFE_CYCLE_FIELDS & fields.keys()
    if forbidden:
        raise TransitionRefused(
            _("A new asset starts as identified; its life cycle moves only through court orders (%(fields)s).")
            % {"fields": ", ".join(sorted(forbidden))}
        )
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
    custody_event_append(asset=asset, actor=actor, kind=CustodyEventKind.STATUS_CHANGE, to_state=asset.status,
                         transition="register", reason=_("Registered in the custody register"))
    return asset


# What an edit may change on an asset (besides its identifiers). Not its case or reference (the
# custody log and the orders name them), nor its location (a move is a custody event), nor
# anything its life cycle sets.
ASSET_EDITABLE_FIELDS = ("category", "title", "description", "quantity", "unit", "custodian", "perishable",
                         "declared_value", "currency", "public_area")
# What makes the asset the thing a court ordered about: fixed once a court confiscated it, while
# bidders are offered it, and once it was sold or left the agency's hands.
ASSET_IDENTITY_FIELDS = ("category", "quantity", "unit", "identifiers")


def asset_locked_fields(*, asset: Asset) -> dict[str, str]:
    """The fields of `asset` an edit may not change now, each with why."""
    if asset.confiscated_at is not None:
        why = _("Fixed since the asset was confiscated: the confiscation order names it as it is.")
    elif asset.status in (AssetStatus.FOR_SALE, AssetStatus.SOLD) or asset.is_final:
        why = _("Fixed since the asset was “%(status)s”.") % {"status": asset.get_status_display()}
    else:
        return {}
    return dict.fromkeys(ASSET_IDENTITY_FIELDS, why)


def _identifier_pairs(pairs) -> list[list[str]]:
    """Identifiers as the history keeps them: [scheme, value] pairs, in a stable order."""
    return sorted([scheme, value] for scheme, value in pairs)


def _asset_values(asset: Asset) -> dict[str, Any]:
    return {**{name: getattr(asset, name) for name in ASSET_EDITABLE_FIELDS},
            "identifiers": _identifier_pairs(asset.identifiers.values_list("scheme", "value"))}


def asset_version(asset: Asset) -> str:
    """The version of `asset` an edit form is opened on (common.versions): its editable fields and
    identifiers."""
    return version_token(_asset_values(asset))


@transaction.atomic
def asset_update(*, asset_id: int, actor, reason: str = "", identifiers: list[tuple[str, str]] | None = None,
                 expected_version: str | None = None, **fields: Any) -> Asset:
    """Correct an asset's particulars (ASSET_EDITABLE_FIELDS) and identifiers (all of them, when
    given), but not those `asset_locked_fields` names, recording who changed what, from and to,
    in its history. With `expected_version` (the `asset_version` the edit form was opened on),
    refuses if someone changed the asset since."""
    require_perm(actor, "custody.change_asset")
    asset = _locked_asset(asset_id, None)
    refuse_stale(expected_version=expected_version, model=Asset, values=_asset_values(asset),
                 labels={"identifiers": _("identifiers")},
                 message=_("Someone else changed this asset while you were editing it: %(fields)s. "
                           "Review their change and save again."))
    _check_editable(fields, ASSET_EDITABLE_FIELDS)
    changes = _diff(asset, fields)
    new_identifiers = None
    if identifiers is not None:
        current = list(asset.identifiers.values_list("scheme", "value"))
        new_identifiers = [(scheme, value.strip()) for scheme, value in identifiers]
        if sorted(current) != sorted(new_identifiers):
            changes.append({"field": "identifiers", "from": _identifier_pairs(current),
                            "to": _identifier_pairs(new_identifiers)})
        else:
            new_identifiers = None
    _refuse_locked(changes, asset_locked_fields(asset=asset))
    for name, value in fields.items():
        setattr(asset, name, value)
    asset.full_clean(exclude=["status"])
    asset.save()
    if new_identifiers is not None:
        asset.identifiers.all().delete()
        for scheme, value in new_identifiers:
            ident = AssetIdentifier(asset=asset, scheme=scheme, value=value)
            try:
                ident.full_clean()
            except ValidationError as exc:
                raise ValidationError({"identifiers": exc.messages}) from None
            ident.save()
    _change_record(actor=actor, changes=changes, reason=reason, asset=asset)
    return asset


@dataclass(frozen=True)
class AvailableTransition:
    name: str
    label: str
    target: Any
    needs_order: str | None
    needs_reason: bool


# Lazy: the module is imported once, the labels are read in each user's language.
TRANSITION_LABELS = {
    "restrain": gettext_lazy("Restrain"),
    "seize": gettext_lazy("Seize into custody"),
    "request_early_sale": gettext_lazy("Request early sale"),
    "reject_early_sale": gettext_lazy("Reject early sale"),
    "authorise_early_sale": gettext_lazy("Record early-sale authorisation"),
    "put_up_for_sale": gettext_lazy("Put up for sale"),
    "withdraw_from_sale": gettext_lazy("Withdraw from sale"),
    "record_sale": gettext_lazy("Record sale"),
    "confiscate": gettext_lazy("Confiscate"),
    "refer_for_disposition": gettext_lazy("Refer for disposition"),
    "dispose": gettext_lazy("Dispose (social reuse / public use)"),
    "release": gettext_lazy("Release to owner"),
    "return_to_state": gettext_lazy("Return to requesting state"),
    "destroy": gettext_lazy("Destroy"),
    "declare_lost": gettext_lazy("Declare lost or damaged"),
    "take_back": gettext_lazy("Take back (concession revoked)"),
}

# Transitions with their own workflow service (they need more than an order and a reason).
WORKFLOW_TRANSITIONS = {"request_early_sale", "reject_early_sale", "authorise_early_sale", "record_sale"}
# The steps a disposition decision takes when it is executed or revoked (`asset_disposition_step`);
# `take_back` is offered nowhere else: only the revocation of a decision brings an asset back.
DISPOSITION_STEPS = {"refer_for_disposition", "dispose", "put_up_for_sale", "withdraw_from_sale",
                     "return_to_state", "destroy", "take_back"}


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
        if t.name in WORKFLOW_TRANSITIONS or t.name == "take_back":
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
    asset_id = _as_id(asset_id, _("This asset does not exist."))
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
    needed = ORDER_REQUIRED.get(transition) or FOUR_EYES_TRANSITIONS.get(transition)
    if not needed:
        return None
    if (order_id is None or order_id == "") and transition in FOUR_EYES_TRANSITIONS:
        return None  # the order is optional: a second approver's approval stands in for it
    if order_id is None or order_id == "":
        raise TransitionRefused(
            _("This action needs a court order of type “%(type)s”.") % {"type": OrderType(needed).label}
        )
    order_id = _as_id(order_id, _("Cite a “%(type)s” order of this case.") % {"type": OrderType(needed).label})
    order = CourtOrder.objects.filter(pk=order_id, case_id=asset.case_id).first()
    if order is None or order.order_type != needed:
        raise TransitionRefused(_("Cite a “%(type)s” order of this case.") % {"type": OrderType(needed).label})
    if not order.assets.filter(pk=asset.pk).exists():
        raise TransitionRefused(_("Order %(ref)s does not cover this asset.") % {"ref": order.reference})
    return order


def _category_refusal(asset: Asset, method, label) -> TransitionRefused | None:
    """The refusal when the asset's category does not allow this move (CATEGORY_RULES), else None."""
    meta = method._django_fsm
    transition = meta.get_transition(asset.status)
    if transition is None:
        return None
    if all(c(asset) for c in transition.conditions if c.__name__.startswith("category_")):
        return None
    return TransitionRefused(
        _("“%(action)s” is not possible for an asset of the category “%(category)s”.")
        % {"action": label, "category": asset.get_category_display()})


def asset_category_refusal(*, asset: Asset, transition: str, label: str) -> str | None:
    """Why the asset's category does not allow this step now (CATEGORY_RULES), or None: for the
    screens, which word a refusal as the service would."""
    method = getattr(asset, transition, None)
    if method is None or not hasattr(method, "_django_fsm"):
        return None
    refusal = _category_refusal(asset, method, label)
    return str(refusal) if refusal else None


def _not_possible(asset: Asset, label: str) -> TransitionRefused:
    return TransitionRefused(
        _("“%(action)s” is not possible while the asset is “%(status)s”.")
        % {"action": label, "status": asset.get_status_display()}
    )


# Checks that apps above the register add to a transition without the register knowing them, e.g.
# valuation: the owner and claimants must have been told before the court's early-sale authorisation
# is recorded. Each check takes the locked asset and raises a DomainError to refuse.
_PRECONDITIONS: dict[str, list[Callable[[Asset], None]]] = {}


def transition_precondition_register(*, transition: str, check: Callable[[Asset], None]) -> None:
    """Add a check that every `transition` of an asset must pass (called from an AppConfig.ready)."""
    if transition not in TRANSITIONS:
        raise ValueError(f"unknown transition {transition!r}")
    checks = _PRECONDITIONS.setdefault(transition, [])
    if check not in checks:
        checks.append(check)


def _apply(asset: Asset, transition: str, *, actor, reason: str, order_id: int | None = None,
           system_step: bool = False, **kwargs: Any) -> Asset:
    """Check, in this order, that the move exists from the current state, that the user's role
    allows it (not for a system step: see `asset_record_sale`), the reason, the cited order and the
    other conditions; run the transition on the locked row; save; append the custody log entry;
    announce the change after commit."""
    method = getattr(asset, transition)
    label = TRANSITION_LABELS.get(transition, transition)
    if not method._django_fsm.has_transition(asset.status):
        raise _not_possible(asset, label)
    if not system_step and not _may(method, actor):
        raise NotPermitted(_("Your role does not allow “%(action)s”.") % {"action": label})
    if refusal := _category_refusal(asset, method, label):
        raise refusal
    reason = (reason or "").strip()
    if transition in REASON_REQUIRED and not reason:
        raise TransitionRefused(_("Give a reason for this action."))
    order = _cited_order(asset, transition, order_id)
    asset._cited_order = order
    if transition in FOUR_EYES_TRANSITIONS and order is None and getattr(asset, "_end_approval", None) is None:
        raise NotPermitted(_four_eyes_message(transition))
    if not can_proceed(method):
        raise _not_possible(asset, label)
    for check in _PRECONDITIONS.get(transition, ()):
        check(asset)
    from_state = asset.status
    try:
        method(**kwargs)
        asset.status_changed_at = timezone.now()
        asset.save()
    except ConcurrentTransition:
        raise TransitionConflict() from None
    except TransitionNotAllowed as exc:
        raise TransitionRefused(str(exc)) from None
    custody_event_append(asset=asset, actor=actor, kind=CustodyEventKind.STATUS_CHANGE, from_state=from_state,
                         to_state=asset.status, transition=transition, order=order, reason=reason)
    _custody_end_requests_lapse(asset, transition)
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
    Steps of a larger workflow (the early sale, recording a sale) go through
    `asset_workflow_transition` and `asset_record_sale`, called by the apps that own them.
    """
    if transition not in TRANSITIONS or transition in WORKFLOW_TRANSITIONS:
        raise TransitionRefused(_("Unknown action."))
    kwargs = {}
    if transition == "dispose":
        if disposition not in (DispositionMethod.SOCIAL_REUSE, DispositionMethod.PUBLIC_USE):
            raise TransitionRefused(_("Choose social reuse or transfer to a public body."))
        kwargs["disposition"] = disposition
    asset = _locked_asset(asset_id, expected_status)
    if transition == "dispose" and disposition not in category_rule(asset.category).dispositions:
        raise ValidationError({"disposition": _("“%(disposition)s” is not possible for an asset of the category "
                                                "“%(category)s”.") % {
            "disposition": DispositionMethod(disposition).label, "category": asset.get_category_display()}})
    return _apply(asset, transition, actor=actor, reason=reason, order_id=order_id, **kwargs)


@transaction.atomic
def asset_workflow_transition(
    *, asset_id: int, transition: str, actor, reason: str = "", order_id: int | None = None,
    expected_status: str | None = None,
) -> Asset:
    """Take one of the WORKFLOW_TRANSITIONS for the app that owns its workflow: valuation's early-sale
    services request an early sale, reject it and record the court's authorisation through this,
    after their own checks. The same checks as `asset_transition` (the state the user saw, role,
    reason, cited order, conditions and the registered preconditions), the same log entry and signals.
    """
    if transition not in WORKFLOW_TRANSITIONS:
        raise TransitionRefused(_("Unknown action."))
    asset = _locked_asset(asset_id, expected_status)
    return _apply(asset, transition, actor=actor, reason=reason, order_id=order_id)


@transaction.atomic
def asset_disposition_step(
    *, asset_id: int, transition: str, actor, reason: str, order_id: int | None = None,
    disposition: str | None = None, expected_status: str | None = None,
) -> Asset:
    """Take one of the DISPOSITION_STEPS for disposition's decisions: executing an approved decision
    (refer, dispose, put up for sale, return, destroy) or revoking one (withdraw from sale, take back).

    The decision's own four-eyes approval is the authority, so the actor's role is not asked for the
    custody permission (as for `asset_record_sale(system_step=True)`); every other check holds (the
    state, the category's rules, the reason, the cited court order, the conditions), the chain names
    the actor, and the signals are sent."""
    if transition not in DISPOSITION_STEPS:
        raise TransitionRefused(_("Unknown action."))
    asset = _locked_asset(asset_id, expected_status)
    kwargs = {}
    if transition == "dispose":
        if disposition not in category_rule(asset.category).dispositions:
            raise TransitionRefused(_("“%(disposition)s” is not possible for an asset of the category "
                                      "“%(category)s”.") % {
                "disposition": DispositionMethod(disposition).label if disposition in DispositionMethod.values
                else disposition, "category": asset.get_category_display()})
        kwargs["disposition"] = disposition
    if transition in FOUR_EYES_TRANSITIONS:
        asset._end_approval = ApprovedElsewhere(transition)  # the decision was approved by a second person
    return _apply(asset, transition, actor=actor, reason=reason, order_id=order_id, system_step=True, **kwargs)


@transaction.atomic
def asset_record_sale(*, asset_id: int, actor, reason: str, expected_status: str | None = None,
                      system_step: bool = False) -> Asset:
    """Record that an asset for sale has been sold. Called by the sale routes (auction settlement,
    direct sale), which post the proceeds to the ledger in the same transaction.

    `system_step=True`: the sale route has already established the sale's authority itself (the
    settlement of an auction: the award decided, the invoice paid by a verified payment) and the
    sale is recorded as a step of it when the asset leaves the store. `actor` is then who carried
    it out (the custodian who handed it over), named in the chain, and their role is not asked for
    `sell_asset`, which would also let them put assets up for sale; every other check holds."""
    asset = _locked_asset(asset_id, expected_status)
    return _apply(asset, "record_sale", actor=actor, reason=reason, system_step=system_step)


# --------------------------------------------------------------------------------------------
# Four eyes on the end of custody without a sale: a request by one approver, approval by another
# (FOUR_EYES_TRANSITIONS; the database refuses the same person), or the court's order in one step.
# The pattern of valuation's early-sale endorsement and auctions' publication.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovedElsewhere:
    """The second person's approval given by another workflow (disposition's decisions, approved by a
    second approver before they are executed through `asset_disposition_step`)."""

    step: str
    is_approved: bool = True


def _four_eyes_message(transition: str) -> str:
    label = TRANSITION_LABELS.get(transition, transition)
    order_type = FOUR_EYES_TRANSITIONS[transition]
    if order_type:
        return _("“%(action)s” needs a second approver (ask for it, another approver approves) or the court's "
                 "order (“%(type)s”).") % {"action": label, "type": OrderType(order_type).label}
    return _("“%(action)s” needs a second approver: ask for it, another approver approves.") % {"action": label}


def custody_end_open_request(*, asset_id: int) -> CustodyEndRequest | None:
    """The request awaiting a second approver for this asset, if any."""
    return (CustodyEndRequest.objects.filter(asset_id=asset_id, status=CustodyEndStatus.REQUESTED)
            .select_related("requested_by").first())


def custody_end_decision_refusal(*, actor, request: CustodyEndRequest) -> str | None:
    """Why `actor` may not approve or refuse this request whatever their role, or None: nobody decides
    on what they asked for themselves (four eyes)."""
    if request.requested_by_id == actor.pk:
        return _("You cannot decide on your own request: another approver must decide on it (four eyes).")
    return None


@transaction.atomic
def custody_end_request(*, asset_id: int, transition: str, actor, reason: str, order_id: int | None = None,
                        disposition: str | None = None, expected_status: str | None = None
                        ) -> CustodyEndRequest | None:
    """An approver asks to declare the asset lost or damaged, or to dispose of it. Citing the court's order
    (a finding of loss or damage) takes the step at once and returns None; otherwise the request waits
    for another approver (`custody_end_approve`). Every check of the step itself is made now (state,
    role, category, reason, disposition), so a request that could never be approved is refused."""
    if transition not in FOUR_EYES_TRANSITIONS:
        raise TransitionRefused(_("Unknown action."))
    reason = (reason or "").strip()
    if order_id not in (None, ""):
        if not FOUR_EYES_TRANSITIONS[transition]:
            raise TransitionRefused(_("No court order stands in for a second approver here."), field="order")
        asset_transition(asset_id=asset_id, transition=transition, actor=actor, reason=reason, order_id=order_id,
                         expected_status=expected_status, disposition=disposition)
        return None
    asset = _locked_asset(asset_id, expected_status)
    method = getattr(asset, transition)
    label = TRANSITION_LABELS[transition]
    if not method._django_fsm.has_transition(asset.status):
        raise _not_possible(asset, label)
    if not _may(method, actor):
        raise NotPermitted(_("Your role does not allow “%(action)s”.") % {"action": label})
    if refusal := _category_refusal(asset, method, label):
        raise refusal
    if not reason:
        raise TransitionRefused(_("Give a reason for this action."), field="reason")
    if transition == "dispose":
        if disposition not in category_rule(asset.category).dispositions:
            raise ValidationError({"disposition": _("Choose a disposition this asset's category allows.")})
    else:
        disposition = ""
    if CustodyEndRequest.objects.filter(asset=asset, status=CustodyEndStatus.REQUESTED).exists():
        raise TransitionRefused(_("A request for this asset already awaits a second approver."))
    request = CustodyEndRequest.objects.create(asset=asset, step=transition, disposition=disposition or "",
                                               reason=reason, requested_by=actor)
    custody_event_append(asset=asset, actor=actor, kind=CustodyEventKind.STATUS_CHANGE, from_state=asset.status,
                         to_state=asset.status, transition=f"request_{transition}",
                         reason=reason)
    return request


def _open_end_request(asset: Asset, expected_status: str | None) -> CustodyEndRequest:
    request = (CustodyEndRequest.objects.select_for_update()
               .filter(asset=asset, status=CustodyEndStatus.REQUESTED).first())
    if request is None:
        raise TransitionRefused(_("No request for this asset awaits a second approver."))
    return request


@transaction.atomic
def custody_end_approve(*, asset_id: int, actor, note: str = "", expected_status: str | None = None) -> Asset:
    """A second approver (never the requester) approves the open request: the step is taken now, in
    their name, with the requester's reason."""
    asset = _locked_asset(asset_id, expected_status)
    request = _open_end_request(asset, expected_status)
    if refusal := custody_end_decision_refusal(actor=actor, request=request):
        raise NotPermitted(refusal)
    require_perm(actor, "custody.dispose_asset", _("Only an approver can approve this request."))
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), (note or "").strip()
    request.approve()
    request.save()
    asset._end_approval = request
    kwargs = {"disposition": request.disposition} if request.step == "dispose" else {}
    reason = request.reason if not request.decision_note else f"{request.reason} — {request.decision_note}"
    return _apply(asset, request.step, actor=actor, reason=reason, **kwargs)


@transaction.atomic
def custody_end_refuse(*, asset_id: int, actor, reason: str, expected_status: str | None = None) -> CustodyEndRequest:
    """A second approver (never the requester) refuses the open request, saying why; the asset stays."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused(_("Say why the request is refused."), field="reason")
    asset = _locked_asset(asset_id, expected_status)
    request = _open_end_request(asset, expected_status)
    if refusal := custody_end_decision_refusal(actor=actor, request=request):
        raise NotPermitted(refusal)
    require_perm(actor, "custody.dispose_asset", _("Only an approver can refuse this request."))
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), reason
    request.refuse()
    request.save()
    custody_event_append(asset=asset, actor=actor, kind=CustodyEventKind.STATUS_CHANGE, from_state=asset.status,
                         to_state=asset.status, transition=f"refuse_{request.step}", reason=reason)
    return request


def _custody_end_requests_lapse(asset: Asset, transition: str) -> None:
    """The asset moved another way while a request awaited its second approver: the request lapses."""
    for request in CustodyEndRequest.objects.select_for_update().filter(asset=asset,
                                                                        status=CustodyEndStatus.REQUESTED):
        request.decision_note = str(_("Lapsed: the asset was “%(status)s”.") % {"status": asset.get_status_display()})
        request.lapse()
        request.save()


# --------------------------------------------------------------------------------------------
# The chain of custody
# --------------------------------------------------------------------------------------------


@transaction.atomic
def custody_event_record(
    *, asset_id: int, actor, kind: str, reason: str = "", location_id: int | None = None,
    handed_to: str = "", condition: str = "",
) -> CustodyEvent:
    """Record a physical custody event: received, moved, inspected, condition report, handed over."""
    require_perm(actor, "custody.record_custody_event")
    reason, handed_to, condition = (reason or "").strip(), (handed_to or "").strip(), (condition or "").strip()
    if kind not in {CustodyEventKind.RECEIVED, CustodyEventKind.MOVED, CustodyEventKind.INSPECTED,
                    CustodyEventKind.CONDITION_REPORT, CustodyEventKind.HANDED_OVER}:
        raise TransitionRefused(_("Unknown custody event."))
    asset = _locked_asset(asset_id, None)
    if asset.is_final:
        raise TransitionRefused(_("This asset has left the agency's custody; no further events can be recorded."))
    location = None
    if kind in (CustodyEventKind.RECEIVED, CustodyEventKind.MOVED):
        if location_id is None or location_id == "":
            raise TransitionRefused(_("Say where the asset now is."), field="location")
        location_id = _as_id(location_id, _("Choose an active storage location."), field="location")
        location = StorageLocation.objects.filter(pk=location_id, active=True).first()
        if location is None:
            raise TransitionRefused(_("Choose an active storage location."), field="location")
        if kind == CustodyEventKind.MOVED and asset.location_id == location.pk:
            raise TransitionRefused(_("The asset is already at %(loc)s.") % {"loc": location.name}, field="location")
    if kind == CustodyEventKind.HANDED_OVER and not handed_to:
        raise TransitionRefused(_("Say to whom the asset was handed over."), field="handed_to")
    if kind == CustodyEventKind.CONDITION_REPORT and not (condition or reason):
        raise TransitionRefused(_("Describe the asset's condition."), field="condition")
    event = custody_event_append(asset=asset, actor=actor, kind=kind, location=location, handed_to=handed_to,
                                 condition=condition, reason=reason)
    if location is not None:
        Asset.objects.filter(pk=asset.pk).update(location=location, updated_at=timezone.now())
    return event


@dataclass(frozen=True)
class ChainBreak:
    asset_id: int
    asset_reference: str
    seq: int
    event_id: int | None
    problem: str


@dataclass
class ChainReport:
    entries: int = 0
    chains: int = 0
    breaks: list[ChainBreak] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks


def custody_chain_check(*, asset_ids: list[int] | None = None, chunk: int = 10_000) -> ChainReport:
    """Recompute every entry's hash and check that it links to its predecessor, that no entry is
    missing (sequence gaps, an asset without any entry) and that the last status change agrees
    with the asset's status (a deleted tail). Reads the log once in (asset, seq) order through a
    server-side cursor, without building model instances, so memory stays flat on millions of
    entries. Reports the first broken entry of each broken chain."""
    report = ChainReport()
    events = CustodyEvent.objects.order_by("asset_id", "seq")
    assets = Asset.objects.all()
    if asset_ids is not None:
        events, assets = events.filter(asset_id__in=asset_ids), assets.filter(pk__in=asset_ids)
    rows = events.values_list("id", "entry_hash", *HASHED_FIELDS).iterator(chunk_size=chunk)
    breaks: list[tuple[int, int, int | None, str]] = []
    last_status: dict[int, str] = {}  # asset -> to_state of its last status change, checked in batches

    def check_statuses() -> None:
        actual = dict(Asset.objects.filter(pk__in=list(last_status)).values_list("pk", "status"))
        for asset_id, to_state in last_status.items():
            if actual.get(asset_id) != to_state:
                breaks.append((asset_id, 0, None, str(_(
                    "the asset's status (%(actual)s) is not the last status change recorded (%(logged)s): "
                    "entries are missing at the end") % {"actual": actual.get(asset_id), "logged": to_state})))
        last_status.clear()

    current, broken, expected_prev, expected_seq, status = None, False, GENESIS_HASH, 1, None
    for row in rows:
        event_id, entry_hash, asset_id, seq, kind, to_state = row[0], row[1], row[2], row[3], row[4], row[8]
        report.entries += 1
        if asset_id != current:
            if current is not None and not broken and status is not None:
                last_status[current] = status
                if len(last_status) >= chunk:
                    check_statuses()
            current, broken, expected_prev, expected_seq, status = asset_id, False, GENESIS_HASH, 1, None
            report.chains += 1
        if broken:
            continue
        problem = None
        if seq != expected_seq:
            problem = str(_("missing (deleted?): the next entry found is #%(found)d") % {"found": seq})
            event_id, seq = None, expected_seq
        elif row[15] != expected_prev:
            problem = str(_("does not link to the previous entry (the previous entry was altered, or this one)"))
        elif custody_hash(*row[2:]) != entry_hash:
            problem = str(_("its content does not match its hash (altered)"))
        if problem:
            broken = True
            breaks.append((asset_id, seq, event_id, problem))
            continue
        if kind == CustodyEventKind.STATUS_CHANGE:
            status = to_state
        expected_prev, expected_seq = entry_hash, seq + 1
    if current is not None and not broken and status is not None:
        last_status[current] = status
    check_statuses()
    # An asset whose whole chain is gone.
    for asset_id in (assets.filter(~Exists(CustodyEvent.objects.filter(asset_id=OuterRef("pk"))))
                     .values_list("pk", flat=True).iterator(chunk_size=chunk)):
        breaks.append((asset_id, 1, None, str(_("missing: the asset has no custody log at all"))))
    breaks.sort(key=lambda b: (b[0], b[1]))
    refs = dict(Asset.objects.filter(pk__in=[b[0] for b in breaks]).values_list("pk", "reference")) if breaks else {}
    report.breaks = [ChainBreak(a, refs.get(a, "?"), seq, ev, problem) for a, seq, ev, problem in breaks]
    return report


def custody_chain_verify(*, asset_ids: list[int] | None = None, chunk: int = 10_000) -> list[ChainBreak]:
    """The first broken entry of each broken chain, in asset order; an empty list means all is intact."""
    return custody_chain_check(asset_ids=asset_ids, chunk=chunk).breaks


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
def asset_photo_add(*, asset_id: int, upload, actor, caption: str = "", public: bool = False) -> AssetPhoto:
    """Validate an uploaded photo (type by content, bytes, pixels, decompression bombs), re-encode it
    without its metadata (EXIF can carry GPS positions and camera serials), and make renditions.
    `public`: the photo may appear on the asset's public record page (never by default)."""
    from .validators import open_checked_image

    require_perm(actor, "custody.add_assetphoto")
    asset = Asset.objects.filter(pk=_as_id(asset_id, _("This asset does not exist."))).first()
    if asset is None:
        raise TransitionRefused(_("This asset does not exist."))
    image = open_checked_image(upload)
    image = ImageOps.exif_transpose(image)  # keep the orientation the camera meant, then drop EXIF
    if image.mode == "P":  # a palette would not survive the copy below; keep the colours
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):  # CMYK, 16-bit ...
        image = image.convert("RGB")
    fmt = "PNG" if image.mode in ("RGBA", "LA") else "JPEG"
    ext = "png" if fmt == "PNG" else "jpg"
    # A fresh image built from the pixels alone carries no EXIF, XMP or ICC metadata.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    original = _encode(clean, fmt)
    digest = hashlib.sha256(original).hexdigest()
    photo = AssetPhoto(asset=asset, caption=caption.strip()[:255], sha256=digest, uploaded_by=actor,
                       public=bool(public))
    photo.image.save(f"{asset.pk}-{digest[:16]}.{ext}", ContentFile(original), save=False)
    for rendition, size in (("thumbnail", THUMB_SIZE), ("medium", MEDIUM_SIZE)):
        copy = clean.copy()
        copy.thumbnail(size, Image.Resampling.LANCZOS)
        getattr(photo, rendition).save(f"{asset.pk}-{digest[:16]}-{rendition}.{ext}", ContentFile(_encode(copy, fmt)),
                                   save=False)
    # Django 5.2 reads the dimensions from the spent ContentFile and gets None; we know them.
    photo.width, photo.height = clean.size
    photo.save()
    return photo
