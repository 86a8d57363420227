"""The statistics page's figures: for each, its table (as shown, and as downloaded), the chart drawn
from that table, the drill-down link of each row to the assets behind it, and the method note that
the page and the data dictionary show. The numbers all come from cms.statistics, as the API's and
the open data's do."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from common.formats import format_number
from common.money import format_money, format_percent

from . import charts, statistics
from .statistics import DRILL_PARAMETERS, ZERO, Stage

ASSET_INDEX_PATH = "/assets/"  # the public asset pages' index (AssetIndexPage), which filters by these


def drill_down(**filters) -> str:
    query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    return f"{ASSET_INDEX_PATH}?{query}" if query else ASSET_INDEX_PATH


@dataclass(frozen=True)
class Row:
    cells: list[str]  # as shown, in the active locale
    raw: list[str]  # as downloaded: codes, plain numbers, decimal amounts
    link: str = ""  # the assets behind the row
    total: bool = False


@dataclass
class Figure:
    slug: str
    title: str
    method: str
    headers: list[str]
    raw_headers: list[str]
    rows: list[Row]
    chart: str = ""
    summary: str = ""  # one sentence with the figure's headline number
    extra: dict = field(default_factory=dict)
    csv_url: str = ""  # set by the page, which routes the downloads


METHODS = {
    "stage": gettext_lazy(
        "Public assets (confiscated, or sold early by court order) by their stage today. Sold: sold early with "
        "the proceeds in escrow, or sold after confiscation. Assigned: given for social reuse or to a public "
        "body. Confiscated: held or awaiting disposition. Value: the value at seizure, that is the first "
        "approved appraisal, else the value declared when the asset was registered; assets valued in another "
        "currency are counted but their value is not added."),
    "category": gettext_lazy("The same public assets and values by category of asset."),
    "country_of_origin": gettext_lazy(
        "The same public assets and values by the country the assets were taken from, as the case records it."),
    "year": gettext_lazy(
        "The same public assets and values by year of the confiscation (in the agency's time zone); an asset "
        "sold early and not yet confiscated counts in the year of its sale."),
    "funnel": gettext_lazy(
        "All assets the agency has registered, in aggregate: how many were ever restrained or seized, taken into "
        "custody, confiscated, and how many public assets are now sold, assigned or returned (from the custody "
        "log). Sold includes assets sold early that a court has not yet confiscated. Restrained and seized "
        "assets are never listed one by one."),
    "confiscation_rate": gettext_lazy(
        "Assets confiscated divided by assets ever restrained or seized, over all assets registered."),
    "median_days": gettext_lazy(
        "For each interval, the median number of days (half took less, half more) over all assets that went "
        "through it, measured between the first custody-log entries of its start and end (percentile_cont)."),
    "sale_to_value": gettext_lazy(
        "Over the public assets sold with a value at seizure: the sum of their sale prices divided by the sum of "
        "their values at seizure. Sale price: the asset's share of the hammer price of its paid invoice (auction "
        "or direct sale), as posted to the ledger, net of corrections."),
    "cost_share": gettext_lazy(
        "Over the public assets with a value at seizure: storage and upkeep costs posted to the ledger for them "
        "(net of corrections) divided by their values at seizure."),
    "proceeds": gettext_lazy(
        "Where the proceeds of sales and confiscated money are, from the ledger, in the agency's currency. Victims, "
        "social-reuse projects, public bodies and foreign states: assigned is what executed disposition decisions "
        "moved from the confiscated-proceeds fund to what is owed to them (by the decision's kind), less what a "
        "revocation released back; paid out is what the payments of the decisions' allocations transferred to "
        "the payees; still to pay is the difference. Paid to claimants: what the payments of granted claims "
        "(victims, bona fide owners, civil parties, creditors, foreign states) took out of the fund, net of "
        "corrections. State budget, escrow and owners: what the accounts hold today (the fund after what decisions "
        "assigned and claims were paid). The total is every net proceed received, each counted once."),
    "in_use": gettext_lazy(
        "Of the assets assigned by an executed (or monitored, or completed) decision for social reuse or use by "
        "a public body, how many the latest publishable monitoring report of the project found in use as agreed, "
        "partly used, unused or misused, and how many have no published report yet. The share is those in use "
        "as agreed divided by all of them. Assets assigned before the agency recorded decisions count in the "
        "register's line only."),
    "claims": gettext_lazy(
        "Claims of victims, bona fide owners, creditors, civil parties and foreign states on confiscated assets or "
        "their proceeds, filed online or on paper. Decided: decided at least once. Granted, partly granted and "
        "denied: the decision as it stands (after any reconsideration). Amounts in the agency's currency: claimed, "
        "granted, and compensation paid (ledger transfers to the claimants). Median days: from filing to the first "
        "decision, over the claims decided. No claimant is ever named."),
    "cooperation_by_country": gettext_lazy(
        "International cooperation with each state, from the agency's records: requests for cooperation (mutual "
        "legal assistance, freezing, confiscation, asset sharing) sent to it and received from it, foreign freezing "
        "and confiscation orders it issued and the agency received, assets of our cases frozen there, and the "
        "returns of assets or proceeds to it that the public record shows (disposition decisions of kind return, "
        "approved or later). Returned: what the payments of those decisions transferred to the state, each a "
        "ledger transfer, in the agency's currency. No authority, reference, person or asset is named."),
    "cooperation_by_stage": gettext_lazy(
        "The same records by where they stand: requests pending, answered, refused or withdrawn; foreign orders "
        "from receipt to enforcement (or refused, or set aside); assets frozen abroad by the stage of the foreign "
        "procedure, with the amount frozen (in the agency's currency; other currencies are counted, not added); "
        "returns by the status of their decision, with the amount paid to the states."),
}


METHOD_TITLES = {
    "stage": gettext_lazy("Public assets by stage"), "category": gettext_lazy("By category"),
    "country_of_origin": gettext_lazy("By country of origin"), "year": gettext_lazy("By year"),
    "funnel": gettext_lazy("From restraint to disposal"), "confiscation_rate": gettext_lazy("Confiscated ÷ restrained"),
    "median_days": gettext_lazy("Median days per stage"),
    "sale_to_value": gettext_lazy("Sale price ÷ value at seizure"),
    "cost_share": gettext_lazy("Management costs ÷ value at seizure"),
    "proceeds": gettext_lazy("Where the proceeds went"), "in_use": gettext_lazy("Assigned assets actually in use"),
    "claims": gettext_lazy("Claims of third parties and victims"),
    "cooperation_by_country": gettext_lazy("International cooperation by state"),
    "cooperation_by_stage": gettext_lazy("International cooperation by stage"),
}


def method_notes() -> list[tuple[str, str]]:
    """(title, method) of every figure, for the data dictionary."""
    return [(str(METHOD_TITLES[key]), str(text)) for key, text in METHODS.items()]


def _money(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency)


def _share(ratio: Decimal | None) -> str:
    return "—" if ratio is None else format_percent((ratio * 100).quantize(Decimal("0.1")))


def grouping_figure(by: str, titles: dict[str, str], rows: list[statistics.GroupRow] | None = None) -> Figure:
    currency = statistics.agency_currency()
    rows = statistics.numbers(by).value if rows is None else rows
    count, value = statistics.totals(rows)
    parameter = DRILL_PARAMETERS[by]
    table = [Row([r.label, format_number(r.count), _money(r.value, currency)], [r.key, str(r.count), str(r.value)],
                 drill_down(**{parameter: r.key})) for r in rows]
    table.append(Row([_("Total"), format_number(count), _money(value, currency)], ["total", str(count), str(value)],
                     drill_down(), total=True))
    return Figure(
        slug=f"by-{by.replace('_', '-')}", title=titles[by], method=str(METHODS[by]),
        headers=[titles[f"{by}_column"], _("Assets"), _("Value at seizure")],
        raw_headers=[by, "count", f"value_{currency.lower()}"], rows=table,
        chart=charts.bars([(r.label, r.count) for r in rows], format_number),
        summary=_("%(count)s public assets, valued at %(value)s at seizure.") % {
            "count": format_number(count), "value": _money(value, currency)},
        extra={"count": count, "value": value})


def funnel_figure(steps: list[statistics.FunnelStep] | None = None) -> Figure:
    steps = statistics.numbers("funnel").value if steps is None else steps
    links = {"confiscated": drill_down()}
    table = [Row([s.label, format_number(s.count)], [s.key, str(s.count)],
                 drill_down(stage=s.stage) if s.stage else links.get(s.key, "")) for s in steps]
    return Figure(slug="funnel", title=_("From restraint to disposal"), method=str(METHODS["funnel"]),
                  headers=[_("Step"), _("Assets")], raw_headers=["step", "count"], rows=table,
                  chart=charts.bars([(s.label, s.count) for s in steps], format_number))


def confiscation_rate_figure(steps: list[statistics.FunnelStep] | None = None) -> Figure:
    steps = statistics.numbers("funnel").value if steps is None else steps
    rate = statistics.confiscation_rate(steps)
    table = [Row([_("Confiscated"), format_number(rate.numerator)], ["confiscated", str(rate.numerator)],
                 drill_down()),
             Row([_("Restrained or seized"), format_number(rate.denominator)], ["restrained", str(rate.denominator)]),
             Row([_("Confiscated ÷ restrained"), _share(rate.ratio)], ["ratio", str(rate.ratio or "")], total=True)]
    return Figure(slug="confiscation-rate", title=_("Confiscated ÷ restrained"),
                  method=str(METHODS["confiscation_rate"]), headers=[_("Figure"), _("Value")],
                  raw_headers=["figure", "value"], rows=table,
                  chart=charts.bars([(_("Restrained or seized"), rate.denominator),
                                     (_("Confiscated"), rate.numerator)], format_number),
                  summary=_("%(share)s of the assets restrained or seized were confiscated.") % {
                      "share": _share(rate.ratio)}, extra={"ratio": rate.ratio})


def median_days_figure(durations: list[statistics.StageDuration] | None = None) -> Figure:
    durations = statistics.numbers("median_days").value if durations is None else durations

    def days(value: float | None) -> str:
        return "—" if value is None else format_number(Decimal(str(value)), 1)

    table = [Row([d.label, format_number(d.count), days(d.median_days)],
                 [d.key, str(d.count), "" if d.median_days is None else str(d.median_days)]) for d in durations]
    return Figure(slug="median-days", title=_("Median days per stage"), method=str(METHODS["median_days"]),
                  headers=[_("Interval"), _("Assets measured"), _("Median days")],
                  raw_headers=["interval", "assets", "median_days"], rows=table,
                  chart=charts.bars([(d.label, d.median_days or 0) for d in durations],
                                    lambda v: format_number(Decimal(str(v)), 1)))


def _ratio_figure(slug: str, title: str, ratio: statistics.Ratio, labels: tuple[str, str, str],
                  link: str = "") -> Figure:
    currency = statistics.agency_currency()
    count_label, top_label, bottom_label = labels
    table = [Row([count_label, format_number(ratio.count)], ["assets", str(ratio.count)], link),
             Row([top_label, _money(ratio.numerator, currency)], ["numerator", str(ratio.numerator)]),
             Row([bottom_label, _money(ratio.denominator, currency)], ["denominator", str(ratio.denominator)]),
             Row([title, _share(ratio.ratio)], ["ratio", str(ratio.ratio or "")], total=True)]
    key = slug.replace("-", "_")
    return Figure(slug=slug, title=title, method=str(METHODS[key]), headers=[_("Figure"), _("Value")],
                  raw_headers=["figure", "value"], rows=table,
                  chart=charts.bars([(bottom_label, ratio.denominator), (top_label, ratio.numerator)],
                                    lambda v: _money(Decimal(str(v)), currency)),
                  summary=_share(ratio.ratio), extra={"ratio": ratio})


def proceeds_figure(destinations: list[statistics.Destination] | None = None) -> Figure:
    currency = statistics.agency_currency()
    destinations = statistics.numbers("proceeds").value if destinations is None else destinations

    def money(amount: Decimal | None) -> str:
        return "—" if amount is None else _money(amount, currency)

    total = sum((d.amount for d in destinations), Decimal("0.00"))
    paid = sum((d.paid for d in destinations if d.paid is not None), Decimal("0.00"))
    table = [Row([d.label, money(d.amount), money(d.paid), money(d.outstanding)],
                 [d.key, str(d.amount), "" if d.paid is None else str(d.paid),
                  "" if d.outstanding is None else str(d.outstanding)]) for d in destinations]
    table.append(Row([_("Total"), money(total), money(paid), ""], ["total", str(total), str(paid), ""], total=True))
    by_decision = sum((d.amount for d in destinations if d.by_decision), Decimal("0.00"))
    return Figure(slug="proceeds", title=_("Where the proceeds went"), method=str(METHODS["proceeds"]),
                  headers=[_("Destination"), _("Assigned or held"), _("Paid out"), _("Still to pay")],
                  raw_headers=["destination", f"amount_{currency.lower()}", f"paid_{currency.lower()}",
                               f"to_pay_{currency.lower()}"],
                  rows=table, chart=charts.bars([(d.label, d.amount) for d in destinations],
                                                lambda v: _money(Decimal(str(v)), currency)),
                  summary=_("%(assigned)s of %(total)s assigned by disposition decisions, %(paid)s paid out.") % {
                      "assigned": _money(by_decision, currency), "total": _money(total, currency),
                      "paid": _money(paid, currency)},
                  extra={"destinations": destinations})


def in_use_figure(in_use: statistics.InUse | None = None) -> Figure:
    in_use = statistics.numbers("in_use").value if in_use is None else in_use
    share = _share(in_use.share) if in_use.share is not None else _("No monitoring reports yet")
    table = [Row([_("Assets assigned (register)"), format_number(in_use.assigned)],
                 ["assigned", str(in_use.assigned)], drill_down(stage=Stage.ASSIGNED)),
             Row([_("Assigned by an executed decision"), format_number(in_use.decisions)],
                 ["decisions", str(in_use.decisions)])]
    for state in statistics.UseState:
        count = in_use.counts.get(state.value, 0)
        table.append(Row([str(state.label), format_number(count)], [state.value, str(count)]))
    table.append(Row([_("Share in use as agreed"), share], ["share", str(in_use.share or "")], total=True))
    return Figure(slug="in-use", title=_("Assigned assets actually in use"), method=str(METHODS["in_use"]),
                  headers=[_("Figure"), _("Value")], raw_headers=["figure", "value"], rows=table, summary=share,
                  chart=charts.bars([(str(s.label), in_use.counts.get(s.value, 0)) for s in statistics.UseState],
                                    format_number) if in_use.decisions else "",
                  extra={"in_use": in_use})


def claims_figure(figures: statistics.ClaimFigures | None = None) -> Figure:
    currency = statistics.agency_currency()
    c = statistics.numbers("claims").value if figures is None else figures
    days = "—" if c.median_days is None else format_number(Decimal(str(c.median_days)).quantize(Decimal("0.1")), 1)
    counts = [("filed", _("Claims filed"), c.filed), ("decided", _("Decided"), c.decided),
              ("granted", _("Granted"), c.granted), ("partly_granted", _("Partly granted"), c.partly_granted),
              ("denied", _("Denied"), c.denied), ("awaiting", _("Awaiting a decision"), c.awaiting)]
    amounts = [("claimed", _("Amount claimed"), c.claimed), ("granted_amount", _("Amount granted"), c.granted_amount),
               ("paid", _("Compensation paid"), c.paid)]
    table = [Row([label, format_number(n)], [key, str(n)]) for key, label, n in counts]
    table += [Row([label, _money(amount, currency)], [key, str(amount)]) for key, label, amount in amounts]
    table.append(Row([_("Median days to decision"), days],
                     ["median_days", "" if c.median_days is None else str(c.median_days)], total=True))
    return Figure(slug="claims", title=_("Claims of third parties and victims"), method=str(METHODS["claims"]),
                  headers=[_("Figure"), _("Value")], raw_headers=["figure", "value"], rows=table,
                  chart=charts.bars([(label, n) for key, label, n in counts[2:]], format_number) if c.decided else "",
                  summary=_("%(filed)s claims filed, %(decided)s decided; %(paid)s paid in compensation.") % {
                      "filed": format_number(c.filed), "decided": format_number(c.decided),
                      "paid": _money(c.paid, currency)},
                  extra={"claims": c})


def cooperation_by_country_figure(rows: list[statistics.CooperationRow] | None = None) -> Figure:
    """Per state: the records of each kind (CooperationRecord) and the amount returned to it."""
    currency = statistics.agency_currency()
    rows = statistics.numbers("cooperation").value if rows is None else rows
    records = list(statistics.CooperationRecord)
    states: dict[str, dict] = {}
    for row in rows:
        state = states.setdefault(row.country, {"counts": dict.fromkeys(records, 0), "returned": ZERO})
        state["counts"][row.record] += row.count
        if row.record == statistics.CooperationRecord.RETURN:
            state["returned"] += row.amount or ZERO
    ordered = sorted(states.items(), key=lambda item: countries.name(item[0]) or item[0])
    total = {"counts": {record: sum(s["counts"][record] for s in states.values()) for record in records},
             "returned": sum((s["returned"] for s in states.values()), ZERO)}

    def row(key: str, label: str, state: dict, **extra) -> Row:
        counts = [state["counts"][record] for record in records]
        return Row([label, *[format_number(n) for n in counts], _money(state["returned"], currency)],
                   [key, *[str(n) for n in counts], str(state["returned"])], **extra)

    table = [row(code, countries.name(code) or code, state) for code, state in ordered]
    table.append(row("total", _("Total"), total, total=True))
    return Figure(
        slug="cooperation-by-country", title=_("International cooperation by state"),
        method=str(METHODS["cooperation_by_country"]),
        headers=[_("State"), *[str(record.label) for record in records], _("Returned to the state")],
        raw_headers=["country", *[record.value for record in records], f"returned_{currency.lower()}"], rows=table,
        chart=charts.bars([(countries.name(code) or code, sum(state["counts"].values())) for code, state in ordered],
                          format_number) if ordered else "",
        summary=_("%(states)s states; %(returned)s returned to other states.") % {
            "states": format_number(len(ordered)), "returned": _money(total["returned"], currency)},
        extra={"total": total})


def cooperation_by_stage_figure(rows: list[statistics.CooperationRow] | None = None) -> Figure:
    """Per kind of record and status: how many, and the amount (frozen abroad, returned) where there is one."""
    currency = statistics.agency_currency()
    rows = statistics.numbers("cooperation").value if rows is None else rows
    grouped: dict[tuple[str, str], list] = {}
    for r in rows:
        found = grouped.setdefault((r.record, r.status), [r.status_label, 0, None])
        found[1] += r.count
        if r.amount is not None:
            found[2] = (found[2] or ZERO) + r.amount
    table = []
    for record in statistics.CooperationRecord:
        for status in statistics.COOPERATION_STATUSES[record].values:
            if (record.value, status) not in grouped:
                continue
            label, count, amount = grouped[(record.value, status)]
            table.append(Row([f"{record.label}: {label}", format_number(count),
                              "—" if amount is None else _money(amount, currency)],
                             [f"{record.value}:{status}", str(count), "" if amount is None else str(amount)]))
    per_record = [(str(record.label), sum(n for (kind, _s), (_l, n, _a) in grouped.items() if kind == record.value))
                  for record in statistics.CooperationRecord]
    return Figure(
        slug="cooperation-by-stage", title=_("International cooperation by stage"),
        method=str(METHODS["cooperation_by_stage"]),
        headers=[_("Record and stage"), _("Number"), _("Amount")],
        raw_headers=["record_status", "count", f"amount_{currency.lower()}"], rows=table,
        chart=charts.bars(per_record, format_number) if table else "")


def _titles() -> dict[str, str]:
    return {"stage": _("Public assets by stage"), "stage_column": _("Stage"),
            "category": _("By category"), "category_column": _("Category"),
            "country_of_origin": _("By country of origin"), "country_of_origin_column": _("Country of origin"),
            "year": _("By year"), "year_column": _("Year")}


def _sale_to_value(ratio: statistics.Ratio | None = None) -> Figure:
    ratio = statistics.numbers("sale_to_value").value if ratio is None else ratio
    return _ratio_figure("sale-to-value", _("Sale price ÷ value at seizure"), ratio,
                         (_("Assets sold with a value"), _("Sale prices"), _("Values at seizure")),
                         drill_down(stage=Stage.SOLD))


def _cost_share(ratio: statistics.Ratio | None = None) -> Figure:
    ratio = statistics.numbers("cost_share").value if ratio is None else ratio
    return _ratio_figure("cost-share", _("Management costs ÷ value at seizure"), ratio,
                         (_("Assets with a value"), _("Management costs"), _("Values at seizure")), drill_down())


def all_figures_as_of() -> tuple[list[Figure], datetime.datetime]:
    """Every figure of the statistics page, in its order, and when the oldest of their numbers was
    computed: built once per language and data generation (tables and charts; drawing the charts
    alone takes a tenth of a second), and kept in the cache as their numbers are."""
    generation = statistics.data_generation()
    return statistics.cached("page", lambda: _build_figures(generation), generation=generation).value


def _build_figures(generation: str) -> tuple[list[Figure], datetime.datetime]:
    titles = _titles()
    computed = statistics.all_numbers(generation=generation)
    n = {name: c.value for name, c in computed.items()}
    figures = [
        grouping_figure("stage", titles, n["stage"]), grouping_figure("category", titles, n["category"]),
        grouping_figure("country_of_origin", titles, n["country_of_origin"]),
        grouping_figure("year", titles, n["year"]), funnel_figure(n["funnel"]), confiscation_rate_figure(n["funnel"]),
        median_days_figure(n["median_days"]), _sale_to_value(n["sale_to_value"]), _cost_share(n["cost_share"]),
        proceeds_figure(n["proceeds"]), in_use_figure(n["in_use"]), claims_figure(n["claims"]),
        cooperation_by_country_figure(n["cooperation"]), cooperation_by_stage_figure(n["cooperation"]),
    ]
    return figures, min(c.as_of for c in computed.values())


def all_figures() -> list[Figure]:
    return all_figures_as_of()[0]


# Each figure on its own, for its table's download.
FIGURES = {
    "by-stage": lambda: grouping_figure("stage", _titles()),
    "by-category": lambda: grouping_figure("category", _titles()),
    "by-country-of-origin": lambda: grouping_figure("country_of_origin", _titles()),
    "by-year": lambda: grouping_figure("year", _titles()),
    "funnel": lambda: funnel_figure(),
    "confiscation-rate": lambda: confiscation_rate_figure(),
    "median-days": lambda: median_days_figure(),
    "sale-to-value": lambda: _sale_to_value(),
    "cost-share": lambda: _cost_share(),
    "proceeds": lambda: proceeds_figure(),
    "in-use": lambda: in_use_figure(),
    "claims": lambda: claims_figure(),
    "cooperation-by-country": lambda: cooperation_by_country_figure(),
    "cooperation-by-stage": lambda: cooperation_by_stage_figure(),
}


def figure_by_slug(slug: str) -> Figure | None:
    build = FIGURES.get(slug)
    return build() if build else None
