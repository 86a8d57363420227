"""Running a django-fsm transition the same way in every service.

A service locks the row, calls `transition_run`, writes its audit row (the app's `events.py`) and
returns, all inside its own `transaction.atomic`. `transition_run` checks, in this order, that the
move exists from the current state, that the actor's role allows it, and that its conditions hold;
then it runs the transition and saves with django-fsm's concurrent-transition protection. Each
refusal is a DomainError whose message a person can read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed, has_transition_perm

from .exceptions import NotPermitted, TransitionConflict, TransitionRefused


@dataclass(frozen=True)
class Moved:
    """What a transition did: the state before and after."""

    from_state: str
    to_state: str


def require_perm(user, perm: str, message: str | None = None) -> None:
    """Refuse (NotPermitted) unless the user holds `perm`."""
    if user is None or not user.has_perm(perm):
        raise NotPermitted(message)


def status_label(obj: models.Model, field: str = "status") -> str:
    display = getattr(obj, f"get_{field}_display", None)
    return str(display()) if display else str(getattr(obj, field))


def transition_run(obj: models.Model, name: str, *, actor=None, label: str | None = None, save: bool = True,
                   save_fields: list[str] | None = None, **kwargs: Any) -> Moved:
    """Run the transition `name` of `obj` (a row the caller holds locked) and save it.

    With an actor, the transition's `permission` must allow them (system steps pass no actor).
    `label` names the action in refusals (defaults to the method name). Raises TransitionRefused,
    NotPermitted or TransitionConflict (someone else saved the row since it was read).
    """
    method: Callable = getattr(obj, name)
    meta = method._django_fsm
    label = label or name.replace("_", " ")
    state = meta.field.get_state(obj)
    if not meta.has_transition(state):
        raise TransitionRefused(_("“%(action)s” is not possible while the status is “%(status)s”.")
                                % {"action": label, "status": status_label(obj, meta.field.name)})
    if actor is not None and not has_transition_perm(method, actor):
        raise NotPermitted(_("Your role does not allow “%(action)s”.") % {"action": label})
    if not can_proceed(method):
        raise TransitionRefused(_("“%(action)s” is not possible while the status is “%(status)s”.")
                                % {"action": label, "status": status_label(obj, meta.field.name)})
    try:
        method(**kwargs)
    except TransitionNotAllowed as exc:
        raise TransitionRefused(str(exc)) from None
    moved = Moved(str(state), str(meta.field.get_state(obj)))
    if save:
        save_or_conflict(obj, update_fields=save_fields)
    return moved


def save_or_conflict(obj: models.Model, *, update_fields: list[str] | None = None) -> None:
    """Save a row that went through a transition; a concurrent transition becomes a conflict."""
    try:
        obj.save(update_fields=update_fields)
    except ConcurrentTransition:
        raise TransitionConflict() from None


def check_expected_status(obj: models.Model, expected: str | None, field: str = "status") -> None:
    """The stale-status check: refuse (TransitionConflict) when the row is no longer in the state
    the user saw when they chose the action."""
    if expected and str(getattr(obj, field)) != expected:
        raise TransitionConflict(
            _("Someone else changed this while you were looking at it: it is now “%(status)s”. "
              "Review it and try again.") % {"status": status_label(obj, field)})


def available_transitions(obj: models.Model, user, *, field: str = "status") -> list[str]:
    """The names of the transitions `user` may take on `obj` now: defined from its current state,
    allowed to their role, and whose conditions hold."""
    names = []
    for t in getattr(obj, f"get_available_user_{field}_transitions")(user):
        if t.name not in names:
            names.append(t.name)
    return names


# --------------------------------------------------------------------------------------------
# The audit trail: every transition staff take, mirrored into Wagtail's log
# --------------------------------------------------------------------------------------------
# Each app writes its own audit rows (the custody log, the apps' events.py); what auditors search across
# all of them is Wagtail's log (ModelLogEntry, the "Site history" report). A staff change runs inside
# `staff_change` (the admin's action and form views open it); every django-fsm transition taken inside,
# on whatever model and through whichever service, is written there by `transition_log` (django-fsm's
# post_transition signal, connected in CommonConfig.ready) with the actor, the transition, its states and
# the reason. The entry is written in the service's transaction: a refused or rolled-back step leaves none.
# System steps (Celery, webhooks) run outside any staff change and are not staff changes.

TRANSITION_LOG_ACTION = "common.transition"
ACTION_LOG_ACTION = "common.action"


@dataclass
class StaffChange:
    actor: Any
    reason: str = ""
    logged: list[tuple[str, Any]] = field(default_factory=list)


_staff_change: ContextVar[StaffChange | None] = ContextVar("staff_change", default=None)


@contextmanager
def staff_change(*, actor, reason: str = "") -> Iterator[StaffChange]:
    """The scope of one staff change: transitions taken inside are logged in `actor`'s name."""
    change = StaffChange(actor=actor, reason=(reason or "").strip())
    token = _staff_change.set(change)
    try:
        yield change
    finally:
        _staff_change.reset(token)


def transition_log(obj: models.Model, *, name: str, actor, from_state: str, to_state: str, reason: str = ""):
    """One entry of Wagtail's log for a transition of `obj` (the one helper every model's steps use)."""
    from wagtail.log_actions import log

    return log(instance=obj, action=TRANSITION_LOG_ACTION, user=actor,
               data={"transition": name, "from": str(from_state), "to": str(to_state), "reason": reason})


def action_log(obj: models.Model, *, name: str, label: str, actor, reason: str = ""):
    """One entry of Wagtail's log for a staff step that is no transition (a photo, an order, a
    recomputation): the step's name and label as the admin offers it, and the reason given. Called
    inside the change's transaction (the admin's action and listing views)."""
    from wagtail.log_actions import log

    return log(instance=obj, action=ACTION_LOG_ACTION, user=actor,
               data={"action": name, "label": str(label), "reason": (reason or "").strip()})


def transition_logged(sender, instance, name, source, target, **kwargs) -> None:
    """django-fsm's post_transition: inside a staff change, mirror the step into Wagtail's log."""
    change = _staff_change.get()
    if change is None or instance.pk is None or change.actor is None or kwargs.get("exception"):
        return
    transition_log(instance, name=name, actor=change.actor, from_state=source,
                   to_state=str(target if target is not None else ""), reason=change.reason)
    change.logged.append((name, instance))
