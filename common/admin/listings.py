"""What a listing offers besides its rows: notes under its header, and steps on the whole listing.

Some work is done on a listing rather than on one record: recompute a recommendation now, accrue
this month's costs, close the lots that are due. A `ListingAction` is such a step: a button under
the listing's header for those whose role allows it, and a POST-only view that calls the service,
says what happened (or why not) and goes back to the listing. Like every staff change, the step is
in the audit trail (common.transitions.action_log): the record it returns (the run it made), in the
user's name, in the service's transaction. `listing_notes(request)` gives the lines shown above the
rows (when the data was last computed, how a figure is worked out ...).

    class CandidateViewSet(ListingActionsMixin, RecordViewSet):
        listing_actions = [ListingAction(name="run", label=_("Recompute now"), call=run_now,
                                         success=lambda run: _("Recomputed."),
                                         permission="valuation.run_recommendation")]

        def listing_notes(self, request):
            return [_("Last computed ...")]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views import View

from common.exceptions import DomainError
from common.transitions import action_log, staff_change

from .viewsets import RecordIndexView


@dataclass(frozen=True)
class ListingAction:
    name: str
    label: str
    call: Callable[[HttpRequest], Any]
    """Takes the step with the request's user; returns the record it made or changed (logged in the
    audit trail), or None for a step that changes nothing (a check)."""
    success: Callable[[Any], str]
    """What to tell the user, from the record `call` returned."""
    permission: str | tuple[str, ...] = ()

    @property
    def permissions(self) -> tuple[str, ...]:
        return (self.permission,) if isinstance(self.permission, str) else tuple(self.permission)

    def may_run(self, user) -> bool:
        return user.is_authenticated and user.has_perms(self.permissions)


class ListingActionView(View):
    """POST only: run the step (403 without the permission), then back to the listing with a message."""

    http_method_names = ["post"]
    action: ListingAction | None = None
    index_url_name: str | None = None

    def post(self, request, *args, **kwargs):
        if not self.action.may_run(request.user):
            raise PermissionDenied
        try:
            # The audit trail: transitions the service takes are logged in the user's name; otherwise
            # the step itself, on the record it made or changed.
            with transaction.atomic(), staff_change(actor=request.user) as change:
                record = self.action.call(request)
                if not change.logged and getattr(record, "pk", None) is not None:
                    action_log(record, name=self.action.name, label=self.action.label, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.action.success(record))
        return redirect(self.index_url_name)


class ListingIndexView(RecordIndexView):
    """A RecordIndexView with notes under its header and a button for each listing action the user may take."""

    template_name = "common/admin/index.html"
    listing_actions: list[ListingAction] = []
    listing_action_url_name: Callable[[ListingAction], str] | None = None
    listing_notes: Callable[[HttpRequest], list[str]] | None = None

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["listing_notes"] = self.listing_notes(self.request) if self.listing_notes else []
        context["listing_actions"] = [
            {"name": a.name, "label": a.label, "url": reverse(self.listing_action_url_name(a))}
            for a in self.listing_actions if a.may_run(self.request.user)]
        return context


class ListingActionsMixin:
    """For a RecordViewSet: `listing_actions`, each at `<name>/` (POST), and `listing_notes`."""

    index_view_class = ListingIndexView
    listing_actions: list[ListingAction] = []

    def listing_notes(self, request: HttpRequest) -> list[str]:
        """Lines shown under the listing's header (strings, or HTML marked safe)."""
        return []

    def listing_action_url_name(self, action: ListingAction) -> str:
        return self.get_url_name(f"listing_{action.name}")

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(listing_actions=self.listing_actions, listing_notes=self.listing_notes,
                                             listing_action_url_name=self.listing_action_url_name, **kwargs)

    def get_urlpatterns(self):
        index = self.get_url_name("index")
        return super().get_urlpatterns() + [
            path(f"{a.name}/", self.construct_view(ListingActionView, action=a, index_url_name=index),
                 name=f"listing_{a.name}")
            for a in self.listing_actions]
