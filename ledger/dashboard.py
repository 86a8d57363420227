"""The ledger's share of the staff dashboard: money waiting to move on, for finance."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from common.admin.dashboard import Queue

from . import selectors
from .models import AccountPurpose

QUEUES = [
    (AccountPurpose.ESCROW, _("Escrow accounts holding sale proceeds")),
    (AccountPurpose.STATE_PROCEEDS, _("Confiscated proceeds to transfer to the state")),
    (AccountPurpose.OWNER_REFUND, _("Proceeds to return to owners")),
    (AccountPurpose.ACCRUED_COSTS, _("Accrued storage costs to pay")),
]


def queues(user) -> list[Queue]:
    if not user.has_perms(["ledger.view_account", "ledger.add_journalentry"]):
        return []
    counts = selectors.open_balance_counts([purpose for purpose, _label in QUEUES])
    index = reverse("ledger_accounts:index")
    return [Queue(str(label), counts[purpose], f"{index}?{urlencode({'purpose': purpose})}")
            for purpose, label in QUEUES]
