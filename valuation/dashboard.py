"""valuation's share of the staff dashboard: early sales, appraisals and direct sales waiting on the
user's role (the same permissions as the steps that take them further)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from common.admin.dashboard import Queue

from . import selectors
from .models import AppraisalStatus, DirectSaleStatus, EarlySaleStatus

# (listing, the permission to see it, status, the permission of the next step, what the queue is called)
QUEUES = [
    ("valuation_early_sale", "valuation.view_earlysalerequest", EarlySaleStatus.REQUESTED,
     "custody.endorse_early_sale", _("Early-sale requests awaiting endorsement")),
    ("valuation_early_sale", "valuation.view_earlysalerequest", EarlySaleStatus.ENDORSED,
     "custody.request_early_sale", _("Endorsed early sales: court orders to attach")),
    ("valuation_appraisals", "valuation.view_appraisal", AppraisalStatus.DRAFT,
     "valuation.change_appraisal", _("Draft appraisals to submit")),
    ("valuation_appraisals", "valuation.view_appraisal", AppraisalStatus.SUBMITTED,
     "valuation.review_appraisal", _("Appraisals to review")),
    ("valuation_direct_sales", "valuation.view_directsale", DirectSaleStatus.PROPOSED,
     "valuation.approve_directsale", _("Direct sales to approve")),
    ("valuation_direct_sales", "valuation.view_directsale", DirectSaleStatus.APPROVED,
     "valuation.complete_directsale", _("Approved direct sales to invoice")),
]

COUNTS = {
    "valuation_early_sale": selectors.early_sale_request_counts,
    "valuation_appraisals": selectors.appraisal_counts,
    "valuation_direct_sales": selectors.direct_sale_counts,
}


def queues(user) -> list[Queue]:
    mine = [q for q in QUEUES if user.has_perm(q[1]) and user.has_perm(q[3])]
    counts = {listing: COUNTS[listing]([q[2] for q in mine if q[0] == listing])
              for listing in {q[0] for q in mine}}
    return [Queue(str(label), counts[listing][status],
                  f"{reverse(f'{listing}:index')}?{urlencode({'status': status})}")
            for listing, _view, status, _next, label in mine]
