"""The ledger in the Wagtail admin: accounts with their balances and the trial balance, each case's
statement, and the journal. Money moves only through the services of the apps that cause it; the one
change made here is a correction, which reverses an entry (ledger.services.entry_reverse).
Who: ledger.view_* reads (finance, case officers, approvers, auditors); ledger.add_journalentry
(finance) reverses."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup

from common.admin.actions import Action, RequiredReasonForm
from common.admin.columns import DateTimeColumn, MoneyColumn
from common.admin.dashboard import queue_panel_hook
from common.admin.listings import ListingActionsMixin
from common.admin.responses import refuse_with_403, require_perms
from common.admin.viewsets import RecordIndexView, RecordViewSet
from common.money import format_money
from custody.models import Case

from . import dashboard, selectors, services
from .models import Account, EntryKind, JournalEntry


def journal_of_account_url(account_id: int) -> str:
    return f"{reverse('ledger_entries:index')}?{urlencode({'account': account_id})}"


class BalanceColumn(MoneyColumn):
    """An account's balance, linked to the journal's entries on that account (the drill-down)."""

    cell_template_name = "ledger/admin/balance_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        return {**super().get_cell_context_data(instance, parent_context),
                "link_url": journal_of_account_url(instance.pk)}


def case_statement_url(case_id: int) -> str:
    return reverse("ledger_accounts:case_statement", args=[case_id])


class CaseColumn(Column):
    """An account's case, linked to the case's statement."""

    cell_template_name = "ledger/admin/case_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        return {**super().get_cell_context_data(instance, parent_context),
                "link_url": case_statement_url(instance.case_id) if instance.case_id else ""}


class CaseStatementView(WagtailAdminTemplateMixin, TemplateView):
    """A case's statement: what its entries moved per account purpose (what came in, what was spent on
    it, where it went), with its escrow still held, then the entries themselves."""

    template_name = "ledger/admin/case_statement.html"
    header_icon = "form"

    def dispatch(self, request, *args, **kwargs):
        require_perms(request, "ledger.view_account", "ledger.view_journalentry")
        self.case = get_object_or_404(Case, pk=kwargs["case_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Statement of case %(ref)s") % {"ref": self.case.reference}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("ledger_accounts:index"), "label": _("Accounts")},
                {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "case": self.case,
                "rows": selectors.case_statement(self.case.pk),
                "escrow": selectors.case_escrow_balances(self.case.pk),
                "entries": list(selectors.journal_entries().filter(case_id=self.case.pk)),
                "journal_url": f"{reverse('ledger_entries:index')}?{urlencode({'case': self.case.reference})}"}


class AccountViewSet(ListingActionsMixin, RecordViewSet):
    model = Account
    name = "ledger_accounts"
    url_prefix = "ledger/accounts"
    icon = "form"
    menu_label = _("Accounts")
    policy_actions = ("view",)
    queryset = staticmethod(selectors.accounts_with_balances)
    list_filter = ["purpose", "kind", "currency"]
    search_fields = ["code", "name", "case__reference"]
    list_display = ["code", "name", Column("kind", label=_("Kind"), accessor="get_kind_display"),
                    CaseColumn("case", label=_("Case (its statement)"),
                               accessor=lambda a: a.case.reference if a.case_id else "—"),
                    BalanceColumn("balance", label=_("Balance (debit +, credit −)"), sort_key="balance")]
    inspect_view_fields = ["code", "name", "kind", "purpose", "currency", "case", "created_at"]
    inspect_template_name = "ledger/admin/postings.html"

    def listing_notes(self, request) -> list[str]:
        totals = "; ".join(format_money(total, currency) for currency, total in selectors.trial_balance().items())
        return [_("Trial balance (sum of all postings, zero when the books balance): %(totals)s")
                % {"totals": totals or "—"}]

    def inspect_context(self, request, obj) -> dict:
        return {"postings": selectors.account_postings(obj.pk), "postings_title": _("Latest postings"),
                "per_entry": True, "journal_url": journal_of_account_url(obj.pk),
                "statement_url": case_statement_url(obj.case_id) if obj.case_id else ""}

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(),
                path("case/<int:case_id>/statement/", refuse_with_403(CaseStatementView.as_view()),
                     name="case_statement")]


class JournalEntryFilterSet(WagtailFilterSet):
    occurred_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    account = django_filters.ModelChoiceFilter(label=_("Account"), method="filter_account",
                                               queryset=lambda request: Account.objects.order_by("code"))
    case = django_filters.CharFilter(label=_("Case reference"), field_name="case__reference", lookup_expr="iexact")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EntryKind.choices, method="filter_kind")

    class Meta:
        model = JournalEntry
        fields = ["occurred_at", "account", "case", "kind"]

    def filter_account(self, queryset, name, value):
        return selectors.entries_touching_account(queryset, value.pk) if value else queryset

    def filter_kind(self, queryset, name, value):
        return queryset.filter(idempotency_key__startswith=f"{value}:") if value else queryset


def _csv_text(value) -> str:
    """A text cell that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class JournalIndexView(RecordIndexView):
    """The journal; `?export=csv` (or xlsx) gives the filtered entries, one row each, with amounts as
    plain decimals beside their currency and times in the agency's time zone."""

    def to_row_dict(self, entry):
        return {
            "id": entry.pk,
            "occurred_at": timezone.localtime(entry.occurred_at).isoformat(timespec="seconds"),
            "kind": entry.get_kind_display(),
            "memo": _csv_text(entry.memo),
            "case": entry.case.reference if entry.case_id else "",
            "asset": entry.asset.reference if entry.asset_id else "",
            "debit_accounts": entry.debit_accounts or "",
            "credit_accounts": entry.credit_accounts or "",
            "amount": f"{entry.amount:f}" if entry.amount is not None else "",
            "currency": entry.currency or "",
            "source": _csv_text(entry.source),
        }


def _not_reversed(user, entry: JournalEntry) -> bool:
    return entry.reverses_id is None and not JournalEntry.objects.filter(reverses=entry).exists()


def _why_not_reversible(user, entry: JournalEntry) -> str | None:
    if entry.reverses_id is not None:
        return _("This entry is a reversal; post the right entry again instead of reversing it.")
    if JournalEntry.objects.filter(reverses=entry).exists():
        return _("This entry has already been reversed.")
    return None


ENTRY_ACTIONS = [
    Action(name="reverse", label=_("Reverse this entry"), danger=True,
           permission=("ledger.view_journalentry", "ledger.add_journalentry"),
           available=_not_reversed, blocked=_why_not_reversible, form_class=RequiredReasonForm,
           call=lambda request, entry, data: services.entry_reverse(entry_id=entry.pk, actor=request.user,
                                                                    reason=data["reason"]),
           intro=_("Entries are never edited: a reversal posts the mirror image of every posting, linked to "
                   "this entry, so that its effect on every balance is undone. Then post the right entry."),
           success=_("Entry reversed.")),
]


class JournalEntryViewSet(RecordViewSet):
    model = JournalEntry
    name = "ledger_entries"
    url_prefix = "ledger/entries"
    icon = "list-ul"
    menu_label = _("Journal")
    policy_actions = ("view",)
    queryset = staticmethod(selectors.journal_entries)
    index_view_class = JournalIndexView
    filterset_class = JournalEntryFilterSet
    search_fields = ["memo", "source", "case__reference", "asset__reference"]
    list_display = [TitleColumn("__str__", label=_("Entry"), get_url=lambda e: reverse("ledger_entries:inspect",
                                                                                        args=[e.pk])),
                    DateTimeColumn("occurred_at", label=_("Date")),
                    Column("kind", label=_("Kind"), accessor="get_kind_display"),
                    Column("case", label=_("Case"), accessor=lambda e: e.case.reference if e.case_id else "—"),
                    Column("asset", label=_("Asset"), accessor=lambda e: e.asset.reference if e.asset_id else "—"),
                    Column("debit_accounts", label=_("Debited")), Column("credit_accounts", label=_("Credited")),
                    MoneyColumn("amount", label=_("Amount"))]
    list_export = ["id", "occurred_at", "kind", "memo", "case", "asset", "debit_accounts", "credit_accounts",
                   "amount", "currency", "source"]
    export_headings = {"id": _("Entry"), "occurred_at": _("Date"), "kind": _("Kind"), "memo": _("Memo"),
                       "case": _("Case"), "asset": _("Asset"), "debit_accounts": _("Debited"),
                       "credit_accounts": _("Credited"), "amount": _("Amount"), "currency": _("Currency"),
                       "source": _("Source")}
    export_filename = "journal"
    inspect_view_fields = ["occurred_at", "memo", "case", "asset", "actor", "created_at"]
    inspect_template_name = "ledger/admin/postings.html"
    actions = ENTRY_ACTIONS

    def inspect_context(self, request, obj) -> dict:
        reversed_by = JournalEntry.objects.filter(reverses=obj).first()
        return {"postings": list(selectors.entry_postings(obj.pk)), "postings_title": _("Postings"),
                "entry": obj, "reversed_by": reversed_by,
                "statement_url": case_statement_url(obj.case_id) if obj.case_id else ""}


class LedgerGroup(ViewSetGroup):
    menu_label = _("Ledger")
    menu_name = "ledger"  # not the label's slug, which follows the first request's language
    menu_icon = "form"
    menu_order = 330
    items = (AccountViewSet, JournalEntryViewSet)


@hooks.register("register_admin_viewset")
def register_ledger():
    return LedgerGroup()


@hooks.register("construct_homepage_panels")
def ledger_dashboard(request, panels):
    queue_panel_hook(request, panels, name="ledger", title=_("Ledger"), order=130, queues=dashboard.queues)
