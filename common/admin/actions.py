"""Life-cycle steps as action views of a viewset.

An `Action` describes one step a record's page offers (submit, approve, publish, cancel ...): who
may see it at all (a Django permission), when it is offered to a user (`available`: the FSM's
own source states, role permission and conditions, or the service's rule), why it is shown but
not offered (`blocked`: the four-eyes rule), the form it asks for, and the service call that
takes the step. `ActionView` is the page behind the button:

- GET shows the form, with the record's status as the user sees it (`expected_status`);
- POST refuses a stale form (someone changed the record since: a conflict, nothing done) and a
  step not offered now (a message on the record's page, as for GET), then calls the service. An
  invalid form, a ValidationError or a refusal (DomainError) shows the form again with what was
  typed and the error beside its field (the DomainError's `field`) or on top (400); success is a
  message on the record's page.

The viewset (common.admin.viewsets.RecordViewSet) adds one URL per action and shows, on the
record's page, a button for exactly the actions the user may take now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from common.exceptions import DomainError
from common.forms import apply_validation_error
from common.transitions import action_log, staff_change, status_label


class ActionForm(forms.Form):
    """The base of every action form: the status the user saw, for the stale-form check."""

    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, instance: models.Model | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)


class ReasonForm(ActionForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             help_text=gettext_lazy("Recorded with the change, for the audit trail."))


class RequiredReasonForm(ActionForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("Recorded with the change, for the audit trail."))


def _always(user, obj) -> bool:
    return True


def _never(user, obj) -> str | None:
    return None


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    call: Callable[[HttpRequest, Any, dict], Any]
    """Takes the step: calls the service with the request's user and the form's cleaned data."""
    permission: str | tuple[str, ...] = ()
    """Django permission(s) needed to open the action at all (else 403)."""
    available: Callable[[Any, Any], bool] = _always
    """Whether the step is offered to this user on this record now."""
    blocked: Callable[[Any, Any], str | None] = _never
    """Why the user's role would allow the step but not now, or not them (shown beside the buttons)."""
    form_class: type[ActionForm] = ActionForm
    success: str | Callable[[Any], str] = ""
    intro: str = ""
    danger: bool = False
    status_field: str = "status"
    multipart: bool = False

    @property
    def permissions(self) -> tuple[str, ...]:
        return (self.permission,) if isinstance(self.permission, str) else tuple(self.permission)

    def may_open(self, user) -> bool:
        return user.is_authenticated and user.has_perms(self.permissions)

    def is_offered(self, user, obj) -> bool:
        return self.may_open(user) and bool(self.available(user, obj))

    def success_message(self, obj) -> str:
        if callable(self.success):
            return self.success(obj)
        return str(self.success or _("Done."))


class ActionView(WagtailAdminTemplateMixin, FormView):
    """The page of one action on one record (see the module docstring)."""

    template_name = "common/admin/action_form.html"
    model: type[models.Model] | None = None
    action: Action | None = None
    queryset_getter: Callable[[], models.QuerySet] | None = None
    record_url: Callable[[Any], str] | None = None
    index_url_name: str | None = None
    header_icon = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        queryset = self.queryset_getter() if self.queryset_getter else self.model._default_manager.all()
        try:
            self.object = queryset.get(pk=kwargs["pk"])
        except (self.model.DoesNotExist, ValueError):
            raise Http404 from None

    def dispatch(self, request, *args, **kwargs):
        if not self.action.may_open(request.user):
            raise PermissionDenied
        if request.method not in ("GET", "POST"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        if request.method == "GET" and not self.action.is_offered(request.user, self.object):
            messages.error(request, self.not_possible_message())
            return redirect(self.record_url(self.object))
        return super().dispatch(request, *args, **kwargs)

    def not_possible_message(self) -> str:
        why = self.action.blocked(self.request.user, self.object)
        if why:
            return str(why)
        return _("“%(action)s” is not possible while the status is “%(status)s”.") % {
            "action": self.action.label, "status": status_label(self.object, self.action.status_field)}

    # ---- the form ------------------------------------------------------------------------

    def get_form_class(self):
        return self.action.form_class

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def get_initial(self):
        return {"expected_status": getattr(self.object, self.action.status_field, "")}

    def post(self, request, *args, **kwargs):
        seen = request.POST.get("expected_status")
        current = str(getattr(self.object, self.action.status_field, ""))
        if seen and seen != current:
            messages.error(request, _("Someone else changed this while you were looking at it: it is now "
                                      "“%(status)s”. Review it and try again.")
                           % {"status": status_label(self.object, self.action.status_field)})
            return redirect(self.record_url(self.object))
        if not self.action.is_offered(request.user, self.object):
            messages.error(request, self.not_possible_message())
            return redirect(self.record_url(self.object))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        reason = str(data.get("reason") or data.get("note") or "")
        try:
            # The audit trail: the transitions the service takes are logged in the user's name; a
            # step that is no transition (a photo, a party, an order) is logged as the action itself.
            with transaction.atomic(), staff_change(actor=self.request.user, reason=reason) as change:
                self.action.call(self.request, self.object, data)
                if not change.logged and self.object.pk is not None:
                    action_log(self.object, name=self.action.name, label=self.action.label, actor=self.request.user,
                               reason=reason)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        except DomainError as exc:
            # Shown with the form, which keeps what was typed: a redirect would throw it away.
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            return self.form_invalid(form)
        self.object.refresh_from_db()
        messages.success(self.request, self.action.success_message(self.object))
        return redirect(self.record_url(self.object))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    # ---- the page ------------------------------------------------------------------------

    @cached_property
    def record_label(self) -> str:
        return str(self.object)

    def get_page_title(self):
        return self.action.label

    def get_page_subtitle(self):
        return self.record_label

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        if self.index_url_name:
            from django.urls import reverse
            from django.utils.text import capfirst

            items.append({"url": reverse(self.index_url_name), "label": capfirst(self.model._meta.verbose_name_plural)})
        items.append({"url": self.record_url(self.object), "label": self.record_label})
        items.append({"url": "", "label": self.action.label})
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({
            "object": self.object, "action": self.action, "cancel_url": self.record_url(self.object),
            "status_text": status_label(self.object, self.action.status_field)
            if hasattr(self.object, self.action.status_field) else "",
        })
        return context


def action_buttons(actions: list[Action], user, obj, url: Callable[[Action], str]) -> tuple[list[dict], list[dict]]:
    """The actions offered to `user` on `obj` now (label, url, danger), and those blocked (label, why)."""
    offered, blocked = [], []
    for action in actions:
        if not action.may_open(user):
            continue
        if action.available(user, obj):
            offered.append({"name": action.name, "label": action.label, "url": url(action), "danger": action.danger})
        elif why := action.blocked(user, obj):
            blocked.append({"name": action.name, "label": action.label, "why": why})
    return offered, blocked
