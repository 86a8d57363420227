"""Calls for projects: draft → open (published on /calls/) → closed (at its deadline; applications
scored) → awarded (the winning application opens a proposed social-reuse decision per asset)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import DomainError, TransitionRefused
from common.formats import format_moment
from common.transitions import check_expected_status, require_perm, transition_run
from custody.models import Asset

from ..events import reuse_event_write
from ..models import Application, Beneficiary, CallForProjects, CallStatus, DecisionKind
from .decisions import _kind_refusal, asset_decision_refusal, decision_propose


def _check_assets(assets: list[Asset]) -> None:
    if not assets:
        raise DomainError(_("Offer at least one asset."), field="assets")
    for asset in assets:
        why = asset_decision_refusal(asset) or _kind_refusal(asset, DecisionKind.SOCIAL_REUSE)
        if why:
            raise DomainError(why, field="assets")


@transaction.atomic
def call_create(*, actor, title: str, description: str, deadline: datetime, assets: list[Asset]) -> CallForProjects:
    require_perm(actor, "disposition.add_callforprojects", _("Your role does not allow preparing calls."))
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise DomainError(_("Give the call a title."), field="title")
    if not description:
        raise DomainError(_("Describe what the call is for."), field="description")
    assets = list(assets or [])
    _check_assets(assets)
    call = CallForProjects.objects.create(title=title, description=description, deadline=deadline, created_by=actor)
    call.assets.set(assets)
    reuse_event_write(subject="call", obj=call, action="create", actor=actor)
    return call


def _call_locked(call_id: int) -> CallForProjects:
    call = CallForProjects.objects.select_for_update().filter(pk=call_id).first()
    if call is None:
        raise DomainError(_("There is no such call."))
    return call


@transaction.atomic
def call_update(*, actor, call_id: int, title: str, description: str, deadline: datetime,
                assets: list[Asset]) -> CallForProjects:
    require_perm(actor, "disposition.change_callforprojects", _("Your role does not allow changing calls."))
    call = _call_locked(call_id)
    if call.status != CallStatus.DRAFT:
        raise TransitionRefused(_("A published call is not changed: its applicants read it as it was."))
    assets = list(assets or [])
    _check_assets(assets)
    call.title, call.description, call.deadline = title.strip(), description.strip(), deadline
    call.save()
    call.assets.set(assets)
    return call


@transaction.atomic
def call_open(*, actor, call_id: int, expected_status: str | None = None) -> CallForProjects:
    """Publish the call: it appears on the public list of calls until its deadline."""
    require_perm(actor, "disposition.run_callforprojects", _("Your role does not allow publishing calls."))
    call = _call_locked(call_id)
    check_expected_status(call, expected_status)
    if call.status == CallStatus.DRAFT and call.deadline <= timezone.now():
        raise TransitionRefused(_("The deadline has passed: set a later one before publishing."), field="deadline")
    if call.status == CallStatus.DRAFT:
        _check_assets(list(call.assets.all()))
    moved = transition_run(call, "open", actor=actor, label=_("publish"))
    reuse_event_write(subject="call", obj=call, action="open", moved=moved, actor=actor)
    return call


@transaction.atomic
def call_close(*, actor, call_id: int, expected_status: str | None = None) -> CallForProjects:
    require_perm(actor, "disposition.run_callforprojects", _("Your role does not allow closing calls."))
    call = _call_locked(call_id)
    check_expected_status(call, expected_status)
    if call.status == CallStatus.OPEN and call.deadline > timezone.now():
        raise TransitionRefused(_("Applications are open until %(deadline)s.") % {
            "deadline": format_moment(call.deadline)})
    moved = transition_run(call, "close", actor=actor, label=_("close"))
    reuse_event_write(subject="call", obj=call, action="close", moved=moved, actor=actor)
    return call


@transaction.atomic
def application_record(*, actor, call_id: int, beneficiary_id: int, project_summary: str,
                       received_at: datetime | None = None) -> Application:
    """Record an application received for an open call, before its deadline."""
    require_perm(actor, "disposition.add_application", _("Your role does not allow recording applications."))
    call = _call_locked(call_id)
    received_at = received_at or timezone.now()
    if call.status != CallStatus.OPEN:
        raise TransitionRefused(_("The call is “%(status)s”: it takes no applications.") % {
            "status": call.get_status_display()})
    if received_at > call.deadline:
        raise DomainError(_("Received after the deadline (%(deadline)s).") % {
            "deadline": format_moment(call.deadline)}, field="received_at")
    beneficiary = Beneficiary.objects.filter(pk=beneficiary_id).first()
    if beneficiary is None:
        raise DomainError(_("There is no such beneficiary."), field="beneficiary")
    project_summary = (project_summary or "").strip()
    if not project_summary:
        raise DomainError(_("Describe the project proposed."), field="project_summary")
    try:
        with transaction.atomic():
            application = Application.objects.create(call=call, beneficiary=beneficiary, recorded_by=actor,
                                                     project_summary=project_summary, received_at=received_at)
    except IntegrityError:
        raise DomainError(_("%(name)s has already applied to this call.") % {"name": beneficiary.name},
                          field="beneficiary") from None
    reuse_event_write(subject="application", obj=application, action="receive", actor=actor)
    return application


@transaction.atomic
def application_score(*, actor, application_id: int, score, notes: str = "") -> Application:
    require_perm(actor, "disposition.change_application", _("Your role does not allow scoring applications."))
    application = Application.objects.select_for_update().select_related("call").filter(pk=application_id).first()
    if application is None:
        raise DomainError(_("There is no such application."))
    if application.call.status == CallStatus.AWARDED:
        raise TransitionRefused(_("The call is awarded: its scores are final."))
    try:
        score = Decimal(str(score).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("A score is a number from 0 to 100."), field="score") from None
    if not score.is_finite() or not (0 <= score <= 100):
        raise DomainError(_("A score is a number from 0 to 100."), field="score")
    application.score, application.notes = score.quantize(Decimal("0.01")), (notes or "").strip()
    application.scored_by, application.scored_at = actor, timezone.now()
    application.save()
    reuse_event_write(subject="application", obj=application, action="score", actor=actor, note=str(score))
    return application


@transaction.atomic
def call_award(*, actor, call_id: int, application_id: int, expected_status: str | None = None) -> CallForProjects:
    """Award a closed call to one application: a proposed social-reuse decision is opened for each
    asset it offered, naming the applicant, for an approver to approve."""
    require_perm(actor, "disposition.run_callforprojects", _("Your role does not allow awarding calls."))
    call = _call_locked(call_id)
    check_expected_status(call, expected_status)
    application = Application.objects.select_related("beneficiary").filter(pk=application_id, call=call).first()
    if application is None:
        raise DomainError(_("Choose an application to this call."), field="application")
    if call.status == CallStatus.CLOSED and application.score is None:
        raise DomainError(_("Score the application before awarding the call to it."), field="application")
    call.winner = application
    moved = transition_run(call, "award", actor=actor, label=_("award"))
    for asset in call.assets.order_by("pk"):
        decision_propose(actor=actor, kind=DecisionKind.SOCIAL_REUSE, asset_id=asset.pk,
                         beneficiary_id=application.beneficiary_id, call=call,
                         legal_basis=_("Awarded after the call for projects “%(title)s”") % {"title": call.title},
                         conditions=application.project_summary)
    reuse_event_write(subject="call", obj=call, action="award", moved=moved, actor=actor,
                      note=application.beneficiary.name)
    return call
