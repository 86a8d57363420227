"""valuation on the register's asset page, through custody's hooks: a panel (custody_asset_panels)
with the appraisal history as a chart drawn on the server (inline SVG, no script), the appraisals,
the early-sale requests with what due process still needs, and the direct sales, each with the
buttons of its viewset's actions that the user may take now; and the early-sale buttons in the
page's action bar (custody_asset_actions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from common.admin.actions import action_buttons
from common.formats import format_day
from custody.models import Asset

from . import depreciation, selectors
from .models import AppraisalStatus, DepreciationProfile, EarlySaleCandidate
from .viewsets import (
    AUCTION,
    AUTHORISE,
    ENDORSE,
    NOTIFY,
    REJECT,
    REQUEST,
    AppraisalViewSet,
    DirectSaleViewSet,
    direct_sale_add_url,
    may_propose_direct_sale,
)

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
        dots.append({"x": x, "y": y, "status": s, "title": f"{format_day(d)}: "
                     f"{formats.number_format(v, 2, use_l10n=True, force_grouping=True)} {currency}"})
    y_labels = [{"y": round(PAD_T + (H - PAD_T - PAD_B) * (1 - f), 1),
                 "text": formats.number_format(top * Decimal(str(f)), 0, use_l10n=True, force_grouping=True)}
                for f in (0.0, 0.5, 1.0)]
    x_labels = [{"x": PAD_L, "text": format_day(d0), "anchor": "start"},
                {"x": W - PAD_R, "text": format_day(d1), "anchor": "end"}]
    return Chart(line, proj, dots, y_labels, x_labels)


EARLY_SALE_STEPS = [ENDORSE, REJECT, NOTIFY, AUTHORISE, AUCTION]


def _action_url(viewset_name: str, action_name: str, pk: int) -> str:
    return reverse(f"{viewset_name}:action_{action_name}", args=[pk])


def _projection(asset: Asset, current, today: date) -> list[tuple[date, Decimal]]:
    """The current value carried forward under the category's profile until the expected decision."""
    if not current:
        return []
    profile = depreciation.Profile.of(DepreciationProfile.objects.filter(category=asset.category).first())
    until = asset.case.expected_decision_date or today + timedelta(days=365)
    held = timezone.localdate(asset.created_at)
    steps = 12
    span = max((until - current.value_date).days, 1)
    days = [current.value_date + timedelta(days=span * i // steps) for i in range(steps + 1)]
    return [(d, depreciation.project_value(profile, amount=current.amount, value_date=current.value_date, on=d,
                                           held_since=held)) for d in days]


class ValuationPanel:
    def __init__(self, request, asset: Asset):
        self.request = request
        self.asset = asset
        self.title = _("Valuation and early sale")

    def render_html(self) -> str:
        user, asset = self.request.user, self.asset
        appraisals = list(selectors.asset_appraisals(asset.pk))
        current = selectors.asset_current_valuation(asset.pk)
        charted = [a for a in appraisals if a.status in (AppraisalStatus.APPROVED, AppraisalStatus.SUBMITTED)]
        chart = None
        if charted:
            chart = _chart(sorted((a.value_date, a.amount, a.status) for a in charted),
                           _projection(asset, current, timezone.localdate()),
                           current.currency if current else asset.currency)
        appraisal_rows = [self._row(a, "valuation_appraisals", AppraisalViewSet.actions) for a in appraisals]
        sale_rows = [self._row(s, "valuation_direct_sales", DirectSaleViewSet.actions)
                     for s in selectors.direct_sales_for_asset(asset.pk)]
        request_rows = [{"record": r, "url": reverse("valuation_early_sale:inspect", args=[r.pk])}
                        for r in selectors.asset_early_sale_requests(asset.pk)]
        due = selectors.early_sale_due_process(asset)
        blocked = []
        if due.request is not None:
            due.request.asset = asset
            blocked = action_buttons(EARLY_SALE_STEPS, user, due.request, lambda action: "")[1]
        context = {
            "asset": asset, "appraisals": appraisal_rows, "current": current, "chart": chart, "due": due,
            "early_sale_requests": request_rows, "early_sale_blocked": blocked, "sales": sale_rows,
            "candidate": EarlySaleCandidate.objects.filter(asset=asset).first(),
            "appraise_url": (reverse("valuation_appraisals:add") + f"?asset={asset.pk}"
                             if user.has_perm("valuation.add_appraisal") else ""),
        }
        return render_to_string("valuation/admin/asset_panel.html", context, request=self.request)

    def _row(self, record, viewset_name: str, actions) -> dict:
        """A record with its page and the buttons of its viewset's actions the user may take now."""
        offered, blocked = action_buttons(actions, self.request.user, record,
                                          lambda action: _action_url(viewset_name, action.name, record.pk))
        return {"record": record, "url": reverse(f"{viewset_name}:inspect", args=[record.pk]), "offered": offered,
                "blocked": blocked}


def _button(label: str, url: str, name: str, *, danger: bool = False) -> SafeString:
    classes = "button button-small" + (" no" if danger else " button-secondary")
    return format_html('<a class="{}" href="{}" data-action="{}">{}</a>', classes, url, name, label)


def early_sale_buttons(request, asset: Asset) -> list[SafeString]:
    """The early-sale steps the user may take on this asset now, for the asset page's action bar."""
    user = request.user
    buttons = []
    if REQUEST.is_offered(user, asset):
        buttons.append(_button(REQUEST.label, reverse("valuation_early_sale:request", args=[asset.pk]),
                               "early_sale_request"))
    current = selectors.current_early_sale_request(asset.pk)
    if current is None:
        return buttons
    current.asset = asset
    offered, _blocked = action_buttons(EARLY_SALE_STEPS, user, current,
                                       lambda action: _action_url("valuation_early_sale", action.name, current.pk))
    buttons += [_button(a["label"], a["url"], f"early_sale_{a['name']}", danger=a["danger"]) for a in offered]
    if may_propose_direct_sale(user, current):
        buttons.append(_button(_("Propose a direct sale"), direct_sale_add_url(asset.pk), "direct_sale_propose"))
    return buttons
