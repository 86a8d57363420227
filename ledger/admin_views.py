"""The ledger in the Wagtail admin: accounts with their balances and the trial balance. Read-only.
Who: ledger.view_account (finance, case officers, approvers, auditors)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors
from .models import AccountPurpose


def accounts(request: HttpRequest) -> HttpResponse:
    title = _("Ledger")
    context = {"page_title": title, "header_title": title, "header_icon": "doc-full",
               "breadcrumbs_items": [{"url": reverse("wagtailadmin_home"), "label": _("Home")},
                                     {"url": "", "label": title}]}
    if not request.user.has_perm("ledger.view_account"):
        context.update({"page_title": _("Not allowed"), "header_title": _("Not allowed")})
        return render(request, "ledger/admin/forbidden.html", context, status=403)
    qs = selectors.accounts_with_balances()
    purpose = request.GET.get("purpose", "")
    if purpose in AccountPurpose.values:
        qs = qs.filter(purpose=purpose)
    page = Paginator(qs, 50).get_page(request.GET.get("p"))
    context.update({"page": page, "purpose": purpose, "purposes": AccountPurpose.choices,
                    "trial_balance": selectors.trial_balance()})
    return render(request, "ledger/admin/accounts.html", context)
