"""The ledger in the Wagtail admin: accounts with their balances and the trial balance, and the
journal. Read-only: money moves only through the services of the apps that cause it.
Who: ledger.view_* (finance, case officers, approvers, auditors)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from common.admin.columns import DateTimeColumn, MoneyColumn
from common.admin.listings import ListingActionsMixin
from common.admin.viewsets import RecordViewSet
from common.money import format_money

from . import selectors
from .models import Account, JournalEntry


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
                    Column("case", label=_("Case"), accessor=lambda a: a.case.reference if a.case_id else "—"),
                    MoneyColumn("balance", label=_("Balance (debit +, credit −)"), sort_key="balance")]
    inspect_view_fields = ["code", "name", "kind", "purpose", "currency", "case", "created_at"]
    inspect_template_name = "ledger/admin/postings.html"

    def listing_notes(self, request) -> list[str]:
        totals = "; ".join(format_money(total, currency) for currency, total in selectors.trial_balance().items())
        return [_("Trial balance (sum of all postings, zero when the books balance): %(totals)s")
                % {"totals": totals or "—"}]

    def inspect_context(self, request, obj) -> dict:
        return {"postings": selectors.account_postings(obj.pk), "postings_title": _("Latest postings"),
                "per_entry": True}


class JournalEntryFilterSet(WagtailFilterSet):
    occurred_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = JournalEntry
        fields = ["occurred_at"]


class JournalEntryViewSet(RecordViewSet):
    model = JournalEntry
    name = "ledger_entries"
    url_prefix = "ledger/entries"
    icon = "list-ul"
    menu_label = _("Journal")
    policy_actions = ("view",)
    queryset = staticmethod(selectors.journal_entries)
    filterset_class = JournalEntryFilterSet
    search_fields = ["memo", "source", "case__reference", "asset__reference"]
    list_display = [Column("__str__", label=_("Entry")), DateTimeColumn("occurred_at", label=_("Date")),
                    Column("case", label=_("Case"), accessor=lambda e: e.case.reference if e.case_id else "—"),
                    Column("asset", label=_("Asset"), accessor=lambda e: e.asset.reference if e.asset_id else "—"),
                    "source"]
    inspect_view_fields = ["occurred_at", "memo", "source", "case", "asset", "actor", "created_at"]
    inspect_template_name = "ledger/admin/postings.html"

    def inspect_context(self, request, obj) -> dict:
        return {"postings": list(selectors.entry_postings(obj.pk)), "postings_title": _("Postings")}


class LedgerGroup(ViewSetGroup):
    menu_label = _("Ledger")
    menu_icon = "form"
    menu_order = 330
    items = (AccountViewSet, JournalEntryViewSet)


@hooks.register("register_admin_viewset")
def register_ledger():
    return LedgerGroup()
