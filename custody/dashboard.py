"""The register's share of the staff dashboard: the assets and cases waiting on the user's role."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.admin.dashboard import Queue

from . import selectors
from .models import AssetStatus

# (status, the permission of the step that moves an asset on from it, what the queue is called)
ASSET_QUEUES = [
    (AssetStatus.IDENTIFIED, "custody.restrain_asset", gettext_lazy("Assets identified, to restrain or seize")),
    (AssetStatus.CONFISCATED, "custody.confiscate_asset", gettext_lazy("Confiscated assets to refer for disposition")),
    (AssetStatus.AWAITING_DISPOSITION, "custody.dispose_asset", gettext_lazy("Assets awaiting disposition")),
    (AssetStatus.EARLY_SALE_AUTHORISED, "custody.sell_asset",
     gettext_lazy("Early sales authorised, to put up for sale")),
]


def _listing(url_name: str, **params) -> str:
    return f"{reverse(url_name)}?{urlencode(params)}"


def queues(user) -> list[Queue]:
    result = []
    if user.has_perm("custody.view_asset"):
        mine = [(status, label) for status, perm, label in ASSET_QUEUES if user.has_perm(perm)]
        counts = selectors.asset_counts_by_status(status for status, _label in mine) if mine else {}
        result += [Queue(str(label), counts[status], _listing("custody_assets:index", status=status))
                   for status, label in mine]
    if user.has_perm("custody.view_asset") and user.has_perm("custody.record_custody_event"):
        result.append(Queue(_("Assets held with no storage site recorded, to receive"),
                            selectors.assets_without_storage().count(),
                            _listing("custody_assets:index", unstored="true")))
    if user.has_perm("custody.view_case") and user.has_perm("custody.change_case"):
        overdue = selectors.cases_past_decision_date(today=timezone.localdate()).count()
        result.append(Queue(_("Cases past their expected decision date"), overdue,
                            _listing("custody_cases:index", overdue="true")))
    return result
