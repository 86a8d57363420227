"""The pages of international cooperation.

Staff (in the Wagtail admin, "Cooperation" menu, admin_cooperation.py):
- the yearly report per counterpart state, and its CSV: for whoever may read requests
  (disposition.view_cooperationrequest; else 403);
- the status map of assets frozen abroad: a world map by country and stage (pygal_maps_world: plain
  SVG drawn on the server, no tiles, no script) with the same figures in a table beside it; for
  whoever may read assets frozen abroad (disposition.view_assetfrozenabroad; else 403).

Public (anyone): /agreements/ and /agreements/<id>/, the sharing and return agreements marked
publishable once signed: parties, legal basis, shares, conditions on use, monitoring promised and
transfers made (amounts and dates). Never a contact, an internal note or a bank reference; a draft
or unpublished agreement is not found (404).
"""

from __future__ import annotations

import csv
import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from pygal.style import Style
from pygal_maps_world.maps import WORLD_MAP, World
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from common.admin.responses import require_perms
from common.money import format_money

from .models import ForeignStage
from .selectors_cooperation import (
    agreements_public,
    cooperation_yearly_report,
    cooperation_years,
    frozen_abroad_by_country,
)
from .services.cooperation import agreement_transferred

REPORT_PERMISSION = "disposition.view_cooperationrequest"
MAP_PERMISSION = "disposition.view_assetfrozenabroad"


# --------------------------------------------------------------------------------------------
# The yearly report
# --------------------------------------------------------------------------------------------


def _year(request: HttpRequest, years: list[int]) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 1900 <= int(raw) <= 2999 else years[0]


class YearlyReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "disposition/cooperation/report.html"
    page_title = gettext_lazy("Cooperation: yearly report")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        require_perms(request, REPORT_PERMISSION)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        years = cooperation_years()
        year = _year(self.request, years)
        return super().get_context_data(report=cooperation_yearly_report(year=year), years=years, year=year,
                                        **kwargs)


def yearly_report_csv(request: HttpRequest) -> HttpResponse:
    """The yearly report as CSV: one row per counterpart state (ISO code and name), then the total."""
    require_perms(request, REPORT_PERMISSION)
    year = _year(request, cooperation_years())
    report = cooperation_yearly_report(year=year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cooperation-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(["year", "state", "state_name", "sent", "received", "answered", "refused", "pending",
                     "withdrawn", "median_days_to_answer"])
    for row in [*report.rows, report.total]:
        writer.writerow([year, row.state or "ALL", row.name if row.state else _("All states"), row.sent,
                         row.received, row.answered, row.refused, row.pending, row.withdrawn,
                         "" if row.median_days is None else row.median_days])
    return response


# --------------------------------------------------------------------------------------------
# The status map
# --------------------------------------------------------------------------------------------

STAGE_COLOURS = {
    ForeignStage.FROZEN: "#0a5796",
    ForeignStage.CONFISCATION_PROCEEDINGS: "#7a3e9d",
    ForeignStage.CONFISCATED: "#b35c00",
    ForeignStage.RETURN_NEGOTIATION: "#2e7d32",
    ForeignStage.RETURNED: "#6b7b8c",
    ForeignStage.RELEASED: "#9aa5b1",
}
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_SVG_NAMESPACE = ' xmlns="http://www.w3.org/2000/svg"'


class _World(World):
    """pygal_maps_world's map, read without the SVG namespace its file declares. Read with it, each
    country is written out with whatever prefix this process last registered for that namespace in
    ElementTree's table, which is global: qrcode registers `svg` whenever it draws a QR code (a staff
    member setting up two-factor authentication), after which the map came out as `<svg:g>`
    elements, which a browser reading the page's HTML does not draw. Pygal's own <svg> around the
    map declares the namespace for all of it."""

    svg_map = WORLD_MAP.replace(_SVG_NAMESPACE, "", 1)


def status_map_svg(rows) -> SafeString:
    """A world map of the countries where assets are frozen, coloured by the least advanced stage of
    their assets there (one series per stage), each country's value the number of its assets."""
    stages = [s for s in ForeignStage if any(row.earliest_stage == s for row in rows)]
    style = Style(background="transparent", plot_background="transparent", foreground="#1d2733",
                  foreground_strong="#1d2733", foreground_subtle="#c9d1da",
                  colors=tuple(STAGE_COLOURS[s] for s in stages) or ("#0a5796",),
                  font_family="system-ui, sans-serif", legend_font_size=16)
    # the legend is the page's own (HTML, readable at a phone's width), beside the map
    chart = _World(style=style, js=[], disable_xml_declaration=True, show_legend=False, margin=4, width=1000,
                   height=520, tooltip_fancy_mode=False)
    for stage in stages:
        chart.add(str(stage.label),
                  {row.country.lower(): len(row.items) for row in rows if row.earliest_stage == stage})
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    # the table beside the map says the same to a screen reader
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" data-status-map ', 1)
    return mark_safe(svg)  # noqa: S308 - pygal's SVG of our own counts and labels (escaped by pygal)


class StatusMapView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "disposition/cooperation/status_map.html"
    page_title = gettext_lazy("Assets frozen abroad: status map")
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        require_perms(request, MAP_PERMISSION)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        rows = frozen_abroad_by_country()
        table = [{"country": row, "stage": ForeignStage(row.earliest_stage).label,
                  "stages": [(ForeignStage(s).label, n) for s, n in row.per_stage.items()],
                  "amounts": [format_money(amount, currency) for currency, amount in row.amounts.items()],
                  "items": [{"item": i, "amount": format_money(i.amount, i.currency), "days": i.days_frozen()}
                            for i in row.items]}
                 for row in rows]
        shown = {row.earliest_stage for row in rows}
        return super().get_context_data(svg=status_map_svg(rows) if rows else "", table=table,
                                         colours={str(s.label): c for s, c in STAGE_COLOURS.items() if s in shown},
                                         **kwargs)


# --------------------------------------------------------------------------------------------
# The public record of agreements
# --------------------------------------------------------------------------------------------


def _agreement_facts(agreement) -> dict:
    return {
        "agreement": agreement,
        "shares": [{"state": share.state.name,
                    "share": f"{share.percent} %" if share.percent is not None
                    else format_money(share.amount, share.currency)} for share in agreement.shares.all()],
        "transfers": [{"state": t.state.name, "amount": format_money(t.payment.amount, t.payment.currency),
                       "paid_on": t.payment.paid_on} for t in agreement.transfers.all()],
        "transferred": [format_money(total, currency)
                        for currency, total in sorted(agreement_transferred(agreement).items())],
    }


def agreement_list(request: HttpRequest) -> HttpResponse:
    """Public: every agreement marked publishable, once signed."""
    rows = [_agreement_facts(a) for a in agreements_public()]
    response = render(request, "disposition/cooperation/agreement_list.html", {"rows": rows})
    response["Cache-Control"] = "public, max-age=60"
    return response


def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Public: one publishable, signed agreement (any other is not found)."""
    agreement = agreements_public().filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404
    response = render(request, "disposition/cooperation/agreement_detail.html", _agreement_facts(agreement))
    response["Cache-Control"] = "public, max-age=60"
    return response
