"""The valuation panel on the custody asset page (through the custody_asset_panels hook): the
appraisal history as a chart drawn on the server (inline SVG, no script), the appraisals with
their review buttons, and the early-sale steps with what is still missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from custody.models import Asset, AssetStatus

from . import depreciation, selectors
from .models import AppraisalStatus, DepreciationProfile, DirectSaleStatus, EarlySaleCandidate

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 220, 90, 20, 16, 36


@dataclass
class Chart:
    svg_points: str
    projection: str
    dots: list[dict]
    y_labels: list[dict]
    x_labels: list[dict]
    width: int = W
    height: int = H


def _chart(points: list[tuple[date, Decimal, str]], projection: list[tuple[date, Decimal]], currency: str) -> Chart:
    every = [(d, v) for d, v, _s in points] + projection
    d0 = min(d for d, _v in every)
    d1 = max(d for d, _v in every)
    span_days = max((d1 - d0).days, 1)
    top = max(v for _d, v in every) or Decimal(1)

    def xy(d: date, v: Decimal) -> tuple[float, float]:
        x = PAD_L + (W - PAD_L - PAD_R) * (d - d0).days / span_days
        y = PAD_T + (H - PAD_T - PAD_B) * (1 - float(v / top))
        return round(x, 1), round(y, 1)

    approved = [(d, v) for d, v, s in points if s == AppraisalStatus.APPROVED]
    line = " ".join(f"{x},{y}" for x, y in (xy(d, v) for d, v in approved))
    proj = " ".join(f"{x},{y}" for x, y in (xy(d, v) for d, v in projection))
    dots = []
    for d, v, s in points:
        x, y = xy(d, v)
        dots.append({"x": x, "y": y, "status": s, "title": f"{formats.date_format(d, 'SHORT_DATE_FORMAT')}: "
                     f"{formats.number_format(v, 2, use_l10n=True, force_grouping=True)} {currency}"})
    y_labels = [{"y": round(PAD_T + (H - PAD_T - PAD_B) * (1 - f), 1),
                 "text": formats.number_format(top * Decimal(str(f)), 0, use_l10n=True, force_grouping=True)}
                for f in (0.0, 0.5, 1.0)]
    x_labels = [{"x": PAD_L, "text": formats.date_format(d0, "SHORT_DATE_FORMAT"), "anchor": "start"},
                {"x": W - PAD_R, "text": formats.date_format(d1, "SHORT_DATE_FORMAT"), "anchor": "end"}]
    return Chart(line, proj, dots, y_labels, x_labels)


class ValuationPanel:
    def __init__(self, request, asset: Asset):
        self.request = request
        self.asset = asset
        self.title = _("Valuation and early sale")

    def render_html(self) -> str:
        user, asset = self.request.user, self.asset
        appraisals = list(selectors.asset_appraisals(asset.pk))
        current = selectors.asset_current_valuation(asset.pk)
        today = timezone.localdate()
        chart = None
        charted = [a for a in appraisals if a.status in (AppraisalStatus.APPROVED, AppraisalStatus.SUBMITTED)]
        if charted:
            projection = []
            if current:
                profile = depreciation.Profile.of(DepreciationProfile.objects.filter(category=asset.category).first())
                until = asset.case.expected_decision_date or today + timedelta(days=365)
                held = timezone.localdate(asset.created_at)
                steps = 12
                span = max((until - current.value_date).days, 1)
                projection = [(current.value_date + timedelta(days=span * i // steps),
                               depreciation.project_value(profile, amount=current.amount, value_date=current.value_date,
                                                          on=current.value_date + timedelta(days=span * i // steps),
                                                          held_since=held))
                              for i in range(steps + 1)]
            chart = _chart(sorted((a.value_date, a.amount, a.status) for a in charted), projection,
                           current.currency if current else asset.currency)
        due = selectors.early_sale_due_process(asset)
        sales = list(selectors.direct_sales_for_asset(asset.pk))
        candidate = EarlySaleCandidate.objects.filter(asset=asset).first()
        context = {
            "asset": asset, "appraisals": appraisals, "current": current, "chart": chart, "due": due,
            "sales": sales, "candidate": candidate, "user": user, "request": self.request,
            "may_appraise": user.has_perm("valuation.add_appraisal"),
            "may_review": user.has_perm("valuation.review_appraisal"),
            "may_notify": user.has_perm("valuation.add_earlysalenotification") and due.request is not None,
            "may_authorise": (user.has_perm("custody.request_early_sale")
                              and asset.status == AssetStatus.EARLY_SALE_REQUESTED and due.request is not None
                              and due.request.status == "endorsed"),
            "may_route": asset.status == AssetStatus.EARLY_SALE_AUTHORISED,
            "may_auction": user.has_perm("custody.sell_asset"),
            "may_propose": user.has_perm("valuation.add_directsale"),
            "may_approve_sale": user.has_perm("valuation.approve_directsale"),
            "may_complete_sale": user.has_perm("valuation.complete_directsale"),
            "DirectSaleStatus": DirectSaleStatus, "AppraisalStatus": AppraisalStatus,
        }
        return render_to_string("valuation/admin/asset_panel.html", context, request=self.request)
