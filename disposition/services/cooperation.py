"""International cooperation: requests sent and received, foreign orders registered here, assets
frozen abroad for our cases, and sharing and return agreements with the transfers made under them.

Each step locks its row, runs the django-fsm transition (common.transitions), writes its audit row
(events.reuse_event_write: who, when, from, to, why) and saves, in one transaction.

- A request: recorded (open) → acknowledged → answered or refused (with reasons), or withdrawn.
- A foreign order: received → its four checks recorded (final; the person had a chance to defend;
  the property is here; a certified copy) → registered, only when all four passed (the register's
  record of the order is made, and the assets it covers are registered under our case through
  custody's `asset_register`, covered by that record, their origin the foreign case) → notice
  served (the set-aside period starts) → enforceable once the period is over (a freezing order
  restrains its assets), or challenged (then upheld: enforceable, or set aside); refused with
  reasons at any step before the notice's period ends.
- An asset frozen abroad: frozen → confiscation proceedings → confiscated abroad → return
  negotiated → returned; or released abroad.
- An agreement: negotiated → in force (signed) → closed. A transfer under it is the payment of an
  allocation to a foreign state party to it (services/allocations.allocation_pay: a ledger transfer
  from what is owed to foreign states to the bank), never more than an amount agreed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from common.currencies import validate_currency
from common.exceptions import DomainError, TransitionRefused
from common.transitions import check_expected_status, require_perm, save_or_conflict, transition_run
from custody.models import Asset, AssetCategory, Case, OrderType
from custody.services import asset_register, asset_transition, court_order_record

from ..events import reuse_event_write
from ..models import (
    AgreementKind,
    AgreementShare,
    AgreementStatus,
    AgreementTransfer,
    Allocation,
    AssetFrozenAbroad,
    Channel,
    CheckKind,
    CooperationBasis,
    CooperationRequest,
    DecisionKind,
    Direction,
    ForeignOrder,
    ForeignOrderCheck,
    ForeignOrderItem,
    ForeignOrderStatus,
    ForeignOrderType,
    ForeignStage,
    PayeeType,
    RequestKind,
    SharingAgreement,
)
from .allocations import allocation_pay
from .decisions import parse_amount

ZERO = Decimal("0.00")


def _text(value, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


def _choice(value, choices, *, field: str, message: str) -> str:
    if value not in choices.values:
        raise DomainError(message, field=field)
    return value


def _country(value, *, field: str) -> str:
    code = str(value or "").upper()
    if code not in countries:
        raise DomainError(_("Choose the state."), field=field)
    return code


def _past_day(value, *, field: str, not_before: datetime.date | None = None, before_label: str = "") -> datetime.date:
    if not isinstance(value, datetime.date):
        raise DomainError(_("Give the date."), field=field)
    if value > timezone.localdate():
        raise DomainError(_("This date is in the future."), field=field)
    if not_before is not None and value < not_before:
        raise DomainError(_("This date is before %(what)s (%(day)s).") % {"what": before_label,
                                                                          "day": not_before.isoformat()}, field=field)
    return value


# --------------------------------------------------------------------------------------------
# Requests sent and received
# --------------------------------------------------------------------------------------------


@transaction.atomic
def request_record(
    *, actor, direction: str, kind: str, counterpart_state: str, counterpart_authority: str, legal_basis: str,
    channel: str, reference: str, subject: str, sent_on: datetime.date, treaty: str = "", their_reference: str = "",
    case_ids: list[int] | None = None, asset_ids: list[int] | None = None,
) -> CooperationRequest:
    """Record a request sent to another state or received from one (open, not yet acknowledged)."""
    require_perm(actor, "disposition.add_cooperationrequest", _("Your role does not allow recording requests."))
    request = CooperationRequest(
        direction=_choice(direction, Direction, field="direction", message=_("Sent or received?")),
        kind=_choice(kind, RequestKind, field="kind", message=_("Choose what is requested.")),
        counterpart_state=_country(counterpart_state, field="counterpart_state"),
        counterpart_authority=_text(counterpart_authority, field="counterpart_authority",
                                    message=_("Name the counterpart authority.")),
        legal_basis=_choice(legal_basis, CooperationBasis, field="legal_basis", message=_("Choose the legal basis.")),
        treaty=(treaty or "").strip(),
        channel=_choice(channel, Channel, field="channel", message=_("Choose the channel.")),
        reference=_text(reference, field="reference", message=_("Give our reference.")),
        their_reference=(their_reference or "").strip(),
        subject=_text(subject, field="subject", message=_("Say what is asked.")),
        sent_on=_past_day(sent_on, field="sent_on"), created_by=actor)
    if request.legal_basis == CooperationBasis.BILATERAL_TREATY and not request.treaty:
        raise DomainError(_("Name the bilateral treaty."), field="treaty")
    if CooperationRequest.objects.filter(reference=request.reference).exists():
        raise DomainError(_("Another request has this reference."), field="reference")
    request.save()
    if case_ids:
        request.cases.set(Case.objects.filter(pk__in=case_ids))
    if asset_ids:
        request.assets.set(Asset.objects.filter(pk__in=asset_ids))
    reuse_event_write(subject="request", obj=request, action="record", actor=actor)
    return request


def _request_locked(request_id: int) -> CooperationRequest:
    request = CooperationRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise DomainError(_("There is no such request."))
    return request


@transaction.atomic
def request_acknowledge(*, actor, request_id: int, on: datetime.date,
                        expected_status: str | None = None) -> CooperationRequest:
    require_perm(actor, "disposition.handle_cooperationrequest", _("Your role does not allow this step."))
    request = _request_locked(request_id)
    check_expected_status(request, expected_status)
    request.acknowledged_on = _past_day(on, field="on", not_before=request.sent_on,
                                        before_label=_("the day the request was sent"))
    moved = transition_run(request, "acknowledge", actor=actor, label=_("acknowledge"))
    reuse_event_write(subject="request", obj=request, action="acknowledge", moved=moved, actor=actor)
    return request


@transaction.atomic
def request_reply(*, actor, request_id: int, refused: bool, on: datetime.date, outcome: str,
                  expected_status: str | None = None) -> CooperationRequest:
    """The answer to a pending request (`refused`: a refusal, whose reasons are required)."""
    require_perm(actor, "disposition.handle_cooperationrequest", _("Your role does not allow this step."))
    request = _request_locked(request_id)
    check_expected_status(request, expected_status)
    outcome = (outcome or "").strip()
    if refused and not outcome:
        raise DomainError(_("Give the reasons for the refusal."), field="outcome")
    request.answered_on = _past_day(on, field="on", not_before=request.acknowledged_on or request.sent_on,
                                    before_label=_("the request was sent or acknowledged"))
    request.outcome = outcome
    name, label = ("refuse", _("refuse")) if refused else ("answer", _("answer"))
    moved = transition_run(request, name, actor=actor, label=label)
    reuse_event_write(subject="request", obj=request, action=name, moved=moved, actor=actor, note=outcome)
    return request


@transaction.atomic
def request_withdraw(*, actor, request_id: int, reason: str, expected_status: str | None = None) -> CooperationRequest:
    require_perm(actor, "disposition.handle_cooperationrequest", _("Your role does not allow this step."))
    reason = _text(reason, field="reason", message=_("Say why the request is withdrawn."))
    request = _request_locked(request_id)
    check_expected_status(request, expected_status)
    moved = transition_run(request, "withdraw", actor=actor, label=_("withdraw"))
    reuse_event_write(subject="request", obj=request, action="withdraw", moved=moved, actor=actor, note=reason)
    return request


# --------------------------------------------------------------------------------------------
# Foreign orders registered here
# --------------------------------------------------------------------------------------------


@transaction.atomic
def foreign_order_receive(
    *, actor, order_type: str, issuing_state: str, issuing_authority: str, foreign_case_reference: str,
    foreign_order_reference: str, issued_on: datetime.date, received_on: datetime.date, case_id: int,
    request_id: int | None = None, summary: str = "", set_aside_days: int | None = None,
) -> ForeignOrder:
    """Record a foreign freezing or confiscation order as received, under our case opened on it."""
    require_perm(actor, "disposition.add_foreignorder", _("Your role does not allow recording foreign orders."))
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise DomainError(_("Choose our case."), field="case")
    issued_on = _past_day(issued_on, field="issued_on")
    order = ForeignOrder(
        order_type=_choice(order_type, ForeignOrderType, field="order_type", message=_("Freezing or confiscation?")),
        issuing_state=_country(issuing_state, field="issuing_state"),
        issuing_authority=_text(issuing_authority, field="issuing_authority",
                                message=_("Name the authority that issued the order.")),
        foreign_case_reference=_text(foreign_case_reference, field="foreign_case_reference",
                                     message=_("Give the foreign case's reference.")),
        foreign_order_reference=_text(foreign_order_reference, field="foreign_order_reference",
                                      message=_("Give the order's reference.")),
        issued_on=issued_on,
        received_on=_past_day(received_on, field="received_on", not_before=issued_on,
                              before_label=_("the day the order was issued")),
        case=case, summary=(summary or "").strip(), created_by=actor)
    if request_id is not None:
        order.request = CooperationRequest.objects.filter(pk=request_id, direction=Direction.RECEIVED).first()
        if order.request is None:
            raise DomainError(_("Choose a request received from abroad."), field="request")
    if set_aside_days is not None:
        if not 1 <= int(set_aside_days) <= 365:
            raise DomainError(_("Between 1 and 365 days."), field="set_aside_days")
        order.set_aside_days = int(set_aside_days)
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        raise DomainError(_("An order of this state with this reference is already recorded."),
                          field="foreign_order_reference") from None
    reuse_event_write(subject="forder", obj=order, action="receive", actor=actor)
    return order


def _order_locked(order_id: int) -> ForeignOrder:
    order = ForeignOrder.objects.select_for_update(of=("self",)).select_related("case").filter(pk=order_id).first()
    if order is None:
        raise DomainError(_("There is no such foreign order."))
    return order


@transaction.atomic
def foreign_order_item_add(*, actor, order_id: int, category: str, title: str, description: str = "",
                           declared_value=None, currency: str = "") -> ForeignOrderItem:
    """Describe an asset the order covers (before it is registered)."""
    require_perm(actor, "disposition.handle_foreignorder", _("Your role does not allow this step."))
    order = _order_locked(order_id)
    if order.status != ForeignOrderStatus.RECEIVED:
        raise TransitionRefused(_("The assets an order covers are described before it is registered."))
    item = ForeignOrderItem(
        order=order, category=_choice(category, AssetCategory, field="category", message=_("Choose the category.")),
        title=_text(title, field="title", message=_("Describe the asset.")), description=(description or "").strip())
    if declared_value not in (None, ""):
        item.declared_value = parse_amount(declared_value, field="declared_value")
        try:
            validate_currency(currency)
        except Exception:
            raise DomainError(_("Choose the currency of the amount."), field="currency") from None
        item.currency = currency
    item.save()
    reuse_event_write(subject="forder", obj=order, action="describe_asset", actor=actor, note=item.title)
    return item


@transaction.atomic
def foreign_order_check(*, actor, order_id: int, kind: str, passed: bool, note: str) -> ForeignOrderCheck:
    """Record one of the four checks of a received order (once each)."""
    require_perm(actor, "disposition.handle_foreignorder", _("Your role does not allow this step."))
    kind = _choice(kind, CheckKind, field="kind", message=_("Choose the check."))
    note = _text(note, field="note", message=_("Say what was looked at."))
    order = _order_locked(order_id)
    if order.status != ForeignOrderStatus.RECEIVED:
        raise TransitionRefused(_("An order is checked before it is registered; this one is “%(status)s”.")
                                % {"status": order.get_status_display()})
    if order.checks.filter(kind=kind).exists():
        raise DomainError(_("This check is already recorded."), field="kind")
    check = ForeignOrderCheck.objects.create(order=order, kind=kind, passed=bool(passed), note=note, checked_by=actor)
    reuse_event_write(subject="forder", obj=order, action=f"check_{kind}", actor=actor,
                      note=f"{'✓' if passed else '✗'} {note}")
    return check


def register_refusal(order: ForeignOrder) -> str | None:
    """Why the order cannot be registered (yet), or None."""
    if order.status != ForeignOrderStatus.RECEIVED:
        return _("Only a received order is registered; this one is “%(status)s”.") % {
            "status": order.get_status_display()}
    checks = {c.kind: c for c in order.checks.all()}
    failed = [str(CheckKind(k).label) for k, c in checks.items() if not c.passed]
    if failed:
        return _("A check failed (%(checks)s): refuse the order, with reasons.") % {"checks": ", ".join(failed)}
    missing = [c.label for c in CheckKind if c.value not in checks]
    if missing:
        return _("Still to check: %(checks)s.") % {"checks": ", ".join(str(m) for m in missing)}
    if not order.items.exists():
        return _("Describe the assets the order covers before registering it.")
    return None


@transaction.atomic
def foreign_order_register(*, actor, order_id: int, expected_status: str | None = None) -> ForeignOrder:
    """Register a checked order: the register records it as an order of our case, and each asset it
    covers is registered under the case (custody's asset_register), covered by that order, with the
    foreign case as its origin."""
    require_perm(actor, "disposition.handle_foreignorder", _("Your role does not allow this step."))
    order = _order_locked(order_id)
    check_expected_status(order, expected_status)
    if why := register_refusal(order):
        raise TransitionRefused(why)
    state = order.issuing_state.name
    origin = _("Origin: foreign case %(case)s (%(state)s), %(type)s %(ref)s of %(authority)s.") % {
        "case": order.foreign_case_reference, "state": state, "type": order.get_order_type_display().lower(),
        "ref": order.foreign_order_reference, "authority": order.issuing_authority}
    assets = []
    for item in order.items.select_for_update().order_by("pk"):
        fields = {"description": "\n\n".join(part for part in (item.description, origin) if part)}
        if item.declared_value is not None:
            fields.update(declared_value=item.declared_value, currency=item.currency)
        asset = asset_register(actor=actor, case=order.case, category=item.category, title=item.title, **fields)
        item.asset = asset
        item.save(update_fields=["asset"])
        assets.append(asset)
    order.court_order = court_order_record(
        actor=actor, case=order.case,
        order_type=OrderType.RESTRAINT if order.order_type == ForeignOrderType.FREEZING else OrderType.CONFISCATION,
        reference=order.foreign_order_reference, issued_on=order.issued_on,
        issuing_court=f"{order.issuing_authority} ({state})", assets=assets,
        summary=_("Foreign order registered here. %(origin)s") % {"origin": origin})
    order.assets.set(assets)
    moved = transition_run(order, "register", actor=actor, label=_("register"))
    reuse_event_write(subject="forder", obj=order, action="register", moved=moved, actor=actor,
                      note=", ".join(a.reference for a in assets))
    return order


@transaction.atomic
def foreign_order_serve_notice(*, actor, order_id: int, served_on: datetime.date,
                               expected_status: str | None = None) -> ForeignOrder:
    """The person concerned was served notice: the period to apply to set the order aside starts."""
    require_perm(actor, "disposition.handle_foreignorder", _("Your role does not allow this step."))
    order = _order_locked(order_id)
    check_expected_status(order, expected_status)
    order.notice_served_on = _past_day(served_on, field="served_on", not_before=order.received_on,
                                       before_label=_("the day the order was received"))
    order.set_aside_until = order.notice_served_on + datetime.timedelta(days=order.set_aside_days)
    moved = transition_run(order, "serve_notice", actor=actor, label=_("serve notice"))
    reuse_event_write(subject="forder", obj=order, action="serve_notice", moved=moved, actor=actor,
                      note=_("Set-aside period until %(day)s.") % {"day": order.set_aside_until.isoformat()})
    return order


@transaction.atomic
def foreign_order_challenge(*, actor, order_id: int, lodged_on: datetime.date, note: str = "",
                            expected_status: str | None = None) -> ForeignOrder:
    """An application to set the order aside was lodged within the period."""
    require_perm(actor, "disposition.handle_foreignorder", _("Your role does not allow this step."))
    order = _order_locked(order_id)
    check_expected_status(order, expected_status)
    if order.status == ForeignOrderStatus.NOTICE_SERVED:
        lodged_on = _past_day(lodged_on, field="lodged_on", not_before=order.notice_served_on,
                              before_label=_("the day notice was served"))
        if lodged_on > order.set_aside_until:
            raise DomainError(_("The period to apply ended on %(day)s: the application is late.")
                              % {"day": order.set_aside_until.isoformat()}, field="lodged_on")
        order.challenge_lodged_on = lodged_on
    moved = transition_run(order, "challenge", actor=actor, label=_("record an application to set aside"))
    reuse_event_write(subject="forder", obj=order, action="challenge", moved=moved, actor=actor, note=note)
    return order


def enforceable_refusal(order: ForeignOrder, today: datetime.date | None = None) -> str | None:
    """Why the order cannot be declared enforceable now, or None."""
    if order.status == ForeignOrderStatus.NOTICE_SERVED and not order.set_aside_period_over(today):
        return _("The period to apply to set the order aside runs until %(day)s.") % {
            "day": order.set_aside_until.isoformat()}
    if order.status not in (ForeignOrderStatus.NOTICE_SERVED, ForeignOrderStatus.CHALLENGED):
        return _("Notice must be served, and the period to set it aside be over, first.")
    return None


def _restrain_assets(order: ForeignOrder, *, actor) -> None:
    reason = _("Foreign freezing order %(ref)s (%(state)s) enforceable") % {
        "ref": order.foreign_order_reference, "state": order.issuing_state.name}
    for asset in order.assets.filter(status="identified"):
        asset_transition(asset_id=asset.pk, transition="restrain", actor=actor, reason=reason,
                         order_id=order.court_order_id)


@transaction.atomic
def foreign_order_enforce(*, actor, order_id: int, note: str = "",
                          expected_status: str | None = None) -> ForeignOrder:
    """Declare the order enforceable: once the set-aside period is over without an application, or
    after an application was dismissed (`note` says how). A freezing order restrains its assets."""
    require_perm(actor, "disposition.handle_foreignorder", _("Your role does not allow this step."))
    order = _order_locked(order_id)
    check_expected_status(order, expected_status)
    if why := enforceable_refusal(order):
        raise TransitionRefused(why)
    if order.status == ForeignOrderStatus.CHALLENGED and not (note or "").strip():
        raise DomainError(_("Say how the application to set aside was decided."), field="note")
    moved = transition_run(order, "make_enforceable", actor=actor, label=_("declare enforceable"))
    if order.order_type == ForeignOrderType.FREEZING:
        _restrain_assets(order, actor=actor)
    reuse_event_write(subject="forder", obj=order, action="enforceable", moved=moved, actor=actor, note=note)
    return order


@transaction.atomic
def foreign_order_set_aside(*, actor, order_id: int, reason: str,
                            expected_status: str | None = None) -> ForeignOrder:
    """The application succeeded: the order is set aside here."""
    require_perm(actor, "disposition.handle_foreignorder", _("Your role does not allow this step."))
    reason = _text(reason, field="reason", message=_("Give the court's reasons."))
    order = _order_locked(order_id)
    check_expected_status(order, expected_status)
    moved = transition_run(order, "set_aside", actor=actor, label=_("set aside"))
    reuse_event_write(subject="forder", obj=order, action="set_aside", moved=moved, actor=actor, note=reason)
    return order


@transaction.atomic
def foreign_order_refuse(*, actor, order_id: int, reasons: str, expected_status: str | None = None) -> ForeignOrder:
    """Refuse to recognise the order, with reasons (a failed check, a ground for refusal)."""
    require_perm(actor, "disposition.handle_foreignorder", _("Your role does not allow this step."))
    reasons = _text(reasons, field="reasons", message=_("Give the reasons for the refusal."))
    order = _order_locked(order_id)
    check_expected_status(order, expected_status)
    if order.status == ForeignOrderStatus.NOTICE_SERVED and order.set_aside_period_over():
        raise TransitionRefused(_("The set-aside period is over: the order is to be declared enforceable."))
    order.refusal_reasons = reasons
    moved = transition_run(order, "refuse", actor=actor, label=_("refuse"))
    reuse_event_write(subject="forder", obj=order, action="refuse", moved=moved, actor=actor, note=reasons)
    return order


# --------------------------------------------------------------------------------------------
# Assets frozen abroad for our cases
# --------------------------------------------------------------------------------------------

@transaction.atomic
def frozen_abroad_record(*, actor, case_id: int, country: str, asset_type: str, description: str, amount,
                         currency: str, frozen_on: datetime.date, next_step: str = "", blocker: str = "",
                         request_id: int | None = None, agreement_id: int | None = None) -> AssetFrozenAbroad:
    require_perm(actor, "disposition.add_assetfrozenabroad", _("Your role does not allow this."))
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise DomainError(_("Choose the case."), field="case")
    try:
        validate_currency(currency)
    except Exception:
        raise DomainError(_("Choose the currency of the amount."), field="currency") from None
    frozen_on = _past_day(frozen_on, field="frozen_on")
    item = AssetFrozenAbroad.objects.create(
        case=case, country=_country(country, field="country"),
        asset_type=_choice(asset_type, AssetCategory, field="asset_type", message=_("Choose the asset type.")),
        description=_text(description, field="description", message=_("Describe the asset.")),
        amount=parse_amount(amount), currency=currency, frozen_on=frozen_on, stage_changed_on=frozen_on,
        next_step=(next_step or "").strip(), blocker=(blocker or "").strip(),
        request=CooperationRequest.objects.filter(pk=request_id).first() if request_id else None,
        agreement=SharingAgreement.objects.filter(pk=agreement_id).first() if agreement_id else None,
        created_by=actor)
    reuse_event_write(subject="frozen", obj=item, action="record", actor=actor,
                      note=f"{item.country.name}: {item.amount} {item.currency}")
    return item


@transaction.atomic
def frozen_abroad_update(*, actor, item_id: int, next_step: str = "", blocker: str = "",
                         agreement_id: int | None = None) -> AssetFrozenAbroad:
    """What comes next, what blocks it, the agreement it depends on."""
    require_perm(actor, "disposition.change_assetfrozenabroad", _("Your role does not allow this."))
    item = AssetFrozenAbroad.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise DomainError(_("There is no such record."))
    item.next_step, item.blocker = (next_step or "").strip(), (blocker or "").strip()
    item.agreement = SharingAgreement.objects.filter(pk=agreement_id).first() if agreement_id else None
    item.save(update_fields=["next_step", "blocker", "agreement"])
    reuse_event_write(subject="frozen", obj=item, action="update", actor=actor,
                      note=" / ".join(part for part in (item.next_step, item.blocker) if part))
    return item


FROZEN_STEPS = {"start_proceedings", "confiscate", "negotiate_return", "repatriate", "release"}


@transaction.atomic
def frozen_abroad_step(*, actor, item_id: int, step: str, on: datetime.date, note: str = "",
                       next_step: str | None = None, blocker: str | None = None,
                       expected_status: str | None = None) -> AssetFrozenAbroad:
    """Record a step of the foreign procedure (on the day it happened there)."""
    require_perm(actor, "disposition.follow_assetfrozenabroad", _("Your role does not allow this."))
    if step not in FROZEN_STEPS:
        raise TransitionRefused(_("Unknown action."))
    item = AssetFrozenAbroad.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise DomainError(_("There is no such record."))
    check_expected_status(item, expected_status, field="stage")
    on = _past_day(on, field="on", not_before=item.stage_changed_on, before_label=_("the previous step"))
    if step == "release" and not (note or "").strip():
        raise DomainError(_("Say why the asset was released abroad."), field="note")
    moved = transition_run(item, step, actor=actor, save=False)
    item.stage_changed_on = on
    if item.stage in (ForeignStage.RETURNED, ForeignStage.RELEASED):
        item.ended_on = on
    if next_step is not None:
        item.next_step = next_step.strip()
    if blocker is not None:
        item.blocker = blocker.strip()
    save_or_conflict(item)
    reuse_event_write(subject="frozen", obj=item, action=step, moved=moved, actor=actor, note=note)
    return item


# --------------------------------------------------------------------------------------------
# Sharing and return agreements
# --------------------------------------------------------------------------------------------

AGREEMENT_FIELDS = ("title", "kind", "legal_basis", "case", "conditions_on_use", "monitoring", "publishable",
                    "counterpart_contact", "internal_notes")


def _agreement_values(fields: dict) -> dict:
    values = dict(fields)
    values["title"] = _text(values.get("title"), field="title", message=_("Give the agreement's title."))
    values["kind"] = _choice(values.get("kind"), AgreementKind, field="kind", message=_("Sharing or return?"))
    values["legal_basis"] = _text(values.get("legal_basis"), field="legal_basis", message=_("Give the legal basis."))
    for name in ("conditions_on_use", "monitoring", "counterpart_contact", "internal_notes"):
        values[name] = (values.get(name) or "").strip()
    values["publishable"] = bool(values.get("publishable"))
    return values


@transaction.atomic
def agreement_create(*, actor, **fields) -> SharingAgreement:
    require_perm(actor, "disposition.add_sharingagreement", _("Your role does not allow recording agreements."))
    agreement = SharingAgreement.objects.create(created_by=actor, **_agreement_values(
        {k: v for k, v in fields.items() if k in AGREEMENT_FIELDS}))
    reuse_event_write(subject="agreement", obj=agreement, action="record", actor=actor)
    return agreement


@transaction.atomic
def agreement_update(*, actor, agreement_id: int, **fields) -> SharingAgreement:
    require_perm(actor, "disposition.change_sharingagreement", _("Your role does not allow changing agreements."))
    agreement = SharingAgreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise DomainError(_("There is no such agreement."))
    for name, value in _agreement_values({k: v for k, v in fields.items() if k in AGREEMENT_FIELDS}).items():
        setattr(agreement, name, value)
    agreement.save()
    reuse_event_write(subject="agreement", obj=agreement, action="update", actor=actor)
    return agreement


@transaction.atomic
def agreement_share_set(*, actor, agreement_id: int, state: str, percent=None, amount=None,
                        currency: str = "") -> AgreementShare:
    """What one state gets: a percentage, or an amount (while the agreement is being negotiated)."""
    require_perm(actor, "disposition.change_sharingagreement", _("Your role does not allow changing agreements."))
    agreement = SharingAgreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise DomainError(_("There is no such agreement."))
    if agreement.status != AgreementStatus.DRAFT:
        raise TransitionRefused(_("The shares are fixed once the agreement is signed."))
    state = _country(state, field="state")
    if (percent in (None, "")) == (amount in (None, "")):
        raise DomainError(_("Give a percentage or an amount, not both nor neither."), field="percent")
    share = AgreementShare.objects.filter(agreement=agreement, state=state).first() or AgreementShare(
        agreement=agreement, state=state)
    share.percent, share.amount, share.currency = None, None, ""
    if percent not in (None, ""):
        percent = Decimal(str(percent))
        if not 0 < percent <= 100:
            raise DomainError(_("A share is more than 0 % and at most 100 %."), field="percent")
        others = (agreement.shares.exclude(state=state).aggregate(total=Sum("percent"))["total"] or ZERO)
        if others + percent > 100:
            raise DomainError(_("The shares would add up to more than 100 %."), field="percent")
        share.percent = percent
    else:
        share.amount = parse_amount(amount)
        try:
            validate_currency(currency)
        except Exception:
            raise DomainError(_("Choose the currency of the amount."), field="currency") from None
        share.currency = currency
    share.save()
    reuse_event_write(subject="agreement", obj=agreement, action="share", actor=actor, note=str(share))
    return share


def sign_refusal(agreement: SharingAgreement) -> str | None:
    if agreement.status == AgreementStatus.DRAFT and not agreement.shares.exists():
        return _("Say what each state gets before recording the signature.")
    return None


@transaction.atomic
def agreement_sign(*, actor, agreement_id: int, signed_on: datetime.date,
                   expected_status: str | None = None) -> SharingAgreement:
    require_perm(actor, "disposition.sign_sharingagreement", _("Your role does not allow this."))
    agreement = SharingAgreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise DomainError(_("There is no such agreement."))
    check_expected_status(agreement, expected_status)
    if why := sign_refusal(agreement):
        raise TransitionRefused(why)
    agreement.signed_on = _past_day(signed_on, field="signed_on")
    moved = transition_run(agreement, "sign", actor=actor, label=_("record the signature"))
    reuse_event_write(subject="agreement", obj=agreement, action="sign", moved=moved, actor=actor)
    return agreement


@transaction.atomic
def agreement_close(*, actor, agreement_id: int, note: str = "",
                    expected_status: str | None = None) -> SharingAgreement:
    require_perm(actor, "disposition.sign_sharingagreement", _("Your role does not allow this."))
    agreement = SharingAgreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise DomainError(_("There is no such agreement."))
    check_expected_status(agreement, expected_status)
    moved = transition_run(agreement, "close", actor=actor, label=_("close"))
    reuse_event_write(subject="agreement", obj=agreement, action="close", moved=moved, actor=actor, note=note)
    return agreement


def agreement_transferred(agreement: SharingAgreement, state: str | None = None) -> dict[str, Decimal]:
    """What was transferred under the agreement (to `state`, or to all), per currency."""
    transfers = agreement.transfers.all()
    if state:
        transfers = transfers.filter(state=state)
    totals: dict[str, Decimal] = {}
    for row in transfers.values("payment__currency").annotate(total=Sum("payment__amount")):
        totals[row["payment__currency"]] = row["total"]
    return totals


def transferable_allocations(agreement: SharingAgreement):
    """The allocations to a foreign state party to the agreement, out of a return decision."""
    states = [str(s) for s in agreement.shares.values_list("state", flat=True)]
    return (Allocation.objects.filter(payee_type=PayeeType.FOREIGN_STATE, decision__kind=DecisionKind.FOREIGN_RETURN,
                                      decision__recipient_state__in=states)
            .select_related("decision").order_by("pk"))


@transaction.atomic
def agreement_transfer(*, actor, agreement_id: int, allocation_id: int, amount, reference: str,
                       paid_on: datetime.date | None = None) -> AgreementTransfer:
    """Pay a transfer to a foreign state under an agreement in force: a payment of an allocation to
    that state (a ledger transfer, services/allocations.allocation_pay), never more than the amount
    agreed for it."""
    require_perm(actor, "disposition.transfer_sharingagreement", _("Your role does not allow paying transfers."))
    agreement = SharingAgreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise DomainError(_("There is no such agreement."))
    if agreement.status != AgreementStatus.IN_FORCE:
        raise TransitionRefused(_("Transfers are made under an agreement in force; this one is “%(status)s”.")
                                % {"status": agreement.get_status_display()})
    allocation = transferable_allocations(agreement).filter(pk=allocation_id).first()
    if allocation is None:
        raise DomainError(_("Choose an allocation to a state party to the agreement, out of a return decision."),
                          field="allocation")
    state = str(allocation.decision.recipient_state)
    amount = parse_amount(amount)
    share = agreement.shares.get(state=state)
    if share.amount is not None:
        if share.currency != allocation.currency:
            raise DomainError(_("The agreement gives %(state)s an amount in %(cur)s.") % {
                "state": share.state.name, "cur": share.currency}, field="allocation")
        done = agreement_transferred(agreement, state).get(share.currency, ZERO)
        if done + amount > share.amount:
            raise DomainError(_("%(amount)s %(cur)s is more than the %(left)s %(cur)s left of what the agreement "
                                "gives %(state)s.") % {"amount": amount, "cur": share.currency,
                                                       "left": share.amount - done, "state": share.state.name},
                              field="amount")
    payment = allocation_pay(actor=actor, allocation_id=allocation.pk, amount=amount, paid_on=paid_on,
                             reference=reference)
    transfer = AgreementTransfer.objects.create(agreement=agreement, state=state, payment=payment)
    reuse_event_write(subject="agreement", obj=agreement, action="transfer", actor=actor,
                      note=f"{share.state.name}: {amount} {allocation.currency}")
    return transfer
