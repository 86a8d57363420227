"""The staff admin's building block: one `RecordViewSet` per model.

A RecordViewSet is Wagtail's ModelViewSet with this project's rules built in:

- Who may do what comes from a `RolePermissionPolicy` on the model (the roles' Django
  permissions; `policy_actions` says which of add/change/delete/view the admin offers at all) and
  every refusal is a 403 page, never Wagtail's silent redirect to the dashboard.
- The listing (filters, search, ordering, pagination) links each row to the record's page, the
  inspect view, which shows its fields and a button for exactly the life-cycle actions the user
  may take now (`actions`, see common.admin.actions), and says why others are blocked.
- Create and edit forms save through services (`create_service`, `update_service`), never
  around them: a service's ValidationError shows beside the form's fields, a DomainError on top.
  Without a service, the generic view is not offered (records that change only through their
  life cycle have no edit form). With a `record_version` (common.versions), an edit form carries
  the version its editor opened and the service refuses it once someone else changed the record:
  the form comes back with what was typed, the refusal on top and beside the fields concerned.
  Deleting goes through `delete_service` where one is given.
- Wagtail's own history and usage views are off: each app keeps its audit trail (events.py).

Declare it like any ModelViewSet (model, icon, menu_label, list_display, list_filter or
filterset_class, search_fields or listing_search, inspect_view_fields, form_fields or form_class) plus the above;
group viewsets with Wagtail's ViewSetGroup in the app's wagtail_hooks.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permissions import policy_registry, register_permission_policy

from common.exceptions import DomainError
from common.formats import format_value
from common.forms import NumberField, apply_validation_error
from common.search import ListingSearch
from common.versions import VERSION_FIELD, StaleEditError

from .actions import Action, ActionView, action_buttons
from .policies import ALL_ACTIONS, RolePermissionPolicy
from .responses import refuse_with_403


class RecordIndexView(generic.IndexView):
    """Rows open the record's page (inspect), where its actions are; editing is one click further.
    With a `listing_search` (common.search), the search box finds records through it."""

    listing_search: ListingSearch | None = None

    @cached_property
    def is_searchable(self):
        return super().is_searchable or (self.listing_search is not None
                                          and bool(self.index_results_url or self.search_url))

    def search_queryset(self, queryset):
        if self.listing_search is None or not self.is_searching:
            return super().search_queryset(queryset)
        return self.listing_search.apply(queryset, self.search_query, user=self.request.user,
                                         by_relevance=not self.is_explicitly_ordered)

    def _get_title_column(self, field_name, column_class=generic.models.TitleColumn, **kwargs):
        column = super()._get_title_column(field_name, column_class, **kwargs)
        column._get_url_func = lambda instance: self.get_inspect_url(instance) or self.get_edit_url(instance)
        return column


class RecordInspectView(generic.InspectView):
    """The record's page: its fields, and a button for each action the user may take now."""

    template_name = "common/admin/inspect.html"
    actions: list[Action] = []
    action_url_name: Callable[[Action], str] | None = None
    queryset_getter: Callable[[], models.QuerySet] | None = None
    record_context: Callable[[Any, Any], dict] | None = None

    def get_object(self, queryset=None):
        queryset = self.queryset_getter() if self.queryset_getter else self.model._default_manager.all()
        return get_object_or_404(queryset, pk=self.pk)

    def get_page_title(self):
        return str(self.object)

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        if self.index_url_name:
            items.append({"url": reverse(self.index_url_name), "label": capfirst(self.model._meta.verbose_name_plural)})
        items.append({"url": "", "label": str(self.object)})
        return items

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        # Dates, times (in the agency's time zone), yes/no and numbers as every page shows them.
        shown = format_value(value)
        if shown is not None:
            return shown
        if value is None or value == "":
            return "—"
        return value

    @cached_property
    def action_buttons(self) -> tuple[list[dict], list[dict]]:
        return action_buttons(self.actions, self.request.user, self.object,
                              lambda action: reverse(self.action_url_name(action), args=[self.object.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offered, blocked = self.action_buttons
        context.update({"offered_actions": offered, "blocked_actions": blocked})
        if self.record_context is not None:
            context.update(self.record_context(self.request, self.object))
        return context


class ServiceFormMixin:
    """A create or edit view whose valid form is handed to a service (`service`), which saves."""

    service: Callable[..., Any] | None = None
    inspect_url_name: str | None = None  # (declared, so that the viewset can pass it: the record's page)

    def call_service(self, form):
        raise NotImplementedError

    log_action = ""
    """What Wagtail's log (the audit trail) records for a saved form: wagtail.create or wagtail.edit."""

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = self.call_service(form)
                if self.log_action and getattr(self.object, "pk", None) is not None:
                    log(instance=self.object, action=self.log_action, user=self.request.user, content_changed=True,
                        data={"reason": str(form.cleaned_data.get("reason") or "")})
        except StaleEditError as exc:
            return self.stale(form, exc)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response

    def stale(self, form, exc: StaleEditError):
        """Someone else changed the record since the form was opened (409): the form again, with
        what was typed, the refusal on top and beside the fields concerned, and the version now."""
        form.add_error(None, exc.messages[0])
        current = type(self.object)._default_manager.filter(pk=self.object.pk).first()
        for name in exc.fields:
            if name in form.fields and current is not None:
                form.add_error(name, _("Changed by someone else since you opened this form, to “%(value)s”.")
                               % {"value": _shown(form.fields[name], getattr(current, name, None))})
        form.data = form.data.copy()
        form.data[form.add_prefix(VERSION_FIELD)] = exc.version
        self.produced_error_message = self.get_error_message()
        response = self.form_invalid(form)
        response.status_code = 409
        return response

    def form_invalid(self, form):
        if not hasattr(self, "produced_error_message"):  # the service refused, not the form
            self.produced_error_message = self.get_error_message()
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def _shown(field: forms.Field, value: Any) -> str:
    """A record's value as its form field offers it (choices by label, people by name), short."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        shown = ", ".join(str(field.label_from_instance(obj)) for obj in value.all()) if value is not None else ""
    elif isinstance(field, forms.ModelChoiceField):
        shown = str(field.label_from_instance(value)) if value is not None else ""
    elif isinstance(field, forms.ChoiceField):
        labels = {}
        for key, label in field.choices:
            labels.update({str(k): lab for k, lab in label} if isinstance(label, list | tuple) else {str(key): label})
        shown = str(labels.get(str(value if value is not None else ""), value or ""))
    else:
        shown = format_value(value) or ("" if value is None else str(value))
    return Truncator(shown).chars(80) if shown else "—"


class ServiceCreateView(ServiceFormMixin, generic.CreateView):
    log_action = "wagtail.create"

    def call_service(self, form):
        return self.service(self.request, form)

    def get_success_url(self):
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=[self.object.pk])
        return super().get_success_url()

    def get_success_buttons(self):
        # Records without an edit form (they change through their life cycle, or not at all) get
        # no "Edit" button in the success message.
        return super().get_success_buttons() if self.edit_url_name else []


class ServiceEditView(ServiceFormMixin, generic.EditView):
    """With a `record_version` (record -> token), the form carries the version it was opened on in a
    hidden field (`VERSION_FIELD`, in the form's cleaned_data for the service); a StaleEditError from
    the service shows the form again with what was typed, and with the record's current version,
    so that saving again (once the editor has read the message) is possible."""

    record_version: Callable[[Any], str] | None = None
    log_action = "wagtail.edit"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.record_version is not None:
            form.fields[VERSION_FIELD] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=self.record_version(self.object))
        return form

    def call_service(self, form):
        return self.service(self.request, form, self.object)

    def get_success_url(self):
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=[self.object.pk])
        return super().get_success_url()


class ServiceDeleteView(generic.DeleteView):
    """Wagtail's confirm-then-delete page whose POST hands the record to a service (`service`),
    which removes it (and writes whatever audit the app keeps); a refusal is a message."""

    service: Callable[..., Any] | None = None

    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
            self.service(self.request, self.object)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:
            messages.error(self.request, str(exc))
            return redirect(self.get_success_url())


class RecordViewSet(ModelViewSet):
    index_view_class = RecordIndexView
    inspect_view_class = RecordInspectView
    add_view_class = ServiceCreateView
    edit_view_class = ServiceEditView
    action_view_class = ActionView

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    search_backend_name = None
    list_per_page = 50

    policy_actions: Iterable[str] = ALL_ACTIONS
    """What the admin offers at all for this model (a role must also hold the permission)."""
    actions: list[Action] = []
    create_service: Callable[..., Any] | None = None
    """(request, form) -> the new record, made by the app's service."""
    update_service: Callable[..., Any] | None = None
    """(request, form, record) -> the record, changed by the app's service."""
    record_version: Callable[[Any], str] | None = None
    """record -> the version token its edit form carries (common.versions); the update service gets
    it as `form.cleaned_data[VERSION_FIELD]` and refuses a stale one. Without it, no check."""
    delete_service: Callable[..., Any] | None = None
    """(request, record) -> None, removed by the app's service; without it, "delete" in
    `policy_actions` uses Wagtail's own delete."""
    queryset: Callable[[], models.QuerySet] | None = None
    """The records' queryset for the listing, the record page and the actions (a selector)."""
    listing_search: ListingSearch | None = None
    """What the listing's search box looks through (common.search); without it, `search_fields`."""

    # ---- permissions and refusals --------------------------------------------------------

    def register_permissions(self):
        if policy_registry.get_by_type(self.model, fallback=False) is None:
            register_permission_policy(self.model, RolePermissionPolicy(self.model, actions=self.policy_actions))
        super().register_permissions()

    def construct_view(self, view_class, **kwargs):
        return refuse_with_403(super().construct_view(view_class, **kwargs))

    def formfield_for_dbfield(self, db_field, **kwargs):
        """Decimals (amounts, rates) typed in the staff member's language (common.money)."""
        if isinstance(db_field, models.DecimalField) and not db_field.choices:
            kwargs.setdefault("form_class", NumberField)
        return super().formfield_for_dbfield(db_field, **kwargs)

    # ---- views ----------------------------------------------------------------------------

    @property
    def offers_add(self) -> bool:
        return self.create_service is not None and "add" in self.policy_actions

    @property
    def offers_edit(self) -> bool:
        return self.update_service is not None and "change" in self.policy_actions

    @property
    def offers_delete(self) -> bool:
        return "delete" in self.policy_actions

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs["history_url_name"] = None
        view_kwargs["usage_url_name"] = None
        if not self.offers_add:
            view_kwargs["add_url_name"] = None
        if not self.offers_edit:
            view_kwargs["edit_url_name"] = None
        if not self.offers_delete:
            view_kwargs["delete_url_name"] = None
        return view_kwargs

    def get_index_view_kwargs(self, **kwargs):
        if self.queryset is not None:
            kwargs.setdefault("queryset", self.queryset())
        if self.listing_search is not None:
            kwargs.setdefault("listing_search", self.listing_search)
        return super().get_index_view_kwargs(**kwargs)

    def inspect_context(self, request, obj) -> dict:
        """What the record's page shows besides its fields (for the sections of its template)."""
        return {}

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            actions=self.actions, action_url_name=self.action_url_name, queryset_getter=self.queryset,
            record_context=self.inspect_context, **kwargs)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(service=type(self).create_service, **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(service=type(self).update_service,
                                            record_version=type(self).record_version, **kwargs)

    @property
    def delete_view(self):
        if self.delete_service is None:
            return super().delete_view
        view_class = self.delete_view_class if issubclass(self.delete_view_class, ServiceDeleteView) \
            else ServiceDeleteView
        return self.construct_view(view_class, **self.get_delete_view_kwargs(service=type(self).delete_service))

    def action_url_name(self, action: Action) -> str:
        return self.get_url_name(f"action_{action.name}")

    def record_url(self, obj) -> str:
        return reverse(self.get_url_name("inspect"), args=[obj.pk])

    def action_view(self, action: Action):
        return self.construct_view(
            self.action_view_class, model=self.model, action=action, queryset_getter=self.queryset,
            record_url=self.record_url, index_url_name=self.get_url_name("index"), header_icon=self.icon)

    def get_urlpatterns(self):
        conv = self.pk_path_converter
        patterns = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
            # The record's own URL is its page.
            path(f"<{conv}:pk>/", lambda request, pk: redirect(self.get_url_name("inspect"), pk),
                 name="record"),
        ]
        if self.offers_add:
            patterns.append(path("new/", self.add_view, name="add"))
        if self.offers_edit:
            patterns.append(path(f"edit/<{conv}:pk>/", self.edit_view, name="edit"))
            # The address people type after the record's own: its edit form.
            patterns.append(path(f"<{conv}:pk>/edit/", lambda request, pk: redirect(self.get_url_name("edit"), pk)))
        if self.offers_delete:
            patterns.append(path(f"delete/<{conv}:pk>/", self.delete_view, name="delete"))
        for action in self.actions:
            patterns.append(path(f"{action.name}/<{conv}:pk>/", self.action_view(action),
                                 name=f"action_{action.name}"))
        return patterns
