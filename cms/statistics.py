"""The public record's figures: one function per figure, each a few aggregate queries computed by
PostgreSQL, shared by the statistics page, the statistics API and the open data so that they agree
to the cent.

Everything one by one starts from `custody.selectors.public_assets()` (confiscated, or sold early with
the proceeds in escrow); restrained and seized assets appear only in the funnel and the medians, in
aggregate. The rules, stated once (the data dictionary page shows them with each figure):

- **Stage** of a public asset (`stage_expression`): sold (sold early with the proceeds in escrow, or
  sold after confiscation), assigned (social reuse or transfer to a public body), returned (to
  another state), destroyed, lost, and otherwise confiscated (held, awaiting or in disposition).
  Assets released to their owner after confiscation (overturned on appeal) leave the public record.
  cms.record's asset index filters by the same expressions.
- **Year** (`year_expression`): of the confiscation, in the agency's time zone; for an asset sold
  early whose confiscation the court has not yet ordered, of the early sale.
- **Value at seizure**: the first approved appraisal in the agency's currency (earliest value date,
  then first recorded), else the value declared at registration when declared in that currency;
  amounts in other currencies are counted but not summed.
- **Sale price**: the asset's share of the hammer price of its paid invoice (the auction's award or
  the direct sale), as settlement posted it to the ledger (costs of sale + net proceeds; a lot of
  several assets is shared by their valuations), net of any reversal.
- **Management costs**: storage and upkeep costs posted to the ledger for the asset, net of reversals.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from custody.models import (
    Asset,
    AssetCategory,
    AssetStatus,
    CustodyEvent,
    CustodyEventKind,
    DispositionMethod,
)
from custody.selectors import public_assets
from ledger.models import AccountPurpose, Posting
from valuation.models import Appraisal, AppraisalStatus

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=18, decimal_places=2)
S = AssetStatus


def agency_currency() -> str:
    return settings.DEFAULT_CURRENCY


def agency_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# ---- the stage of a public asset -------------------------------------------------------------


class Stage(TextChoices):
    CONFISCATED = "confiscated", _("Confiscated")
    SOLD = "sold", _("Sold")
    ASSIGNED = "assigned", _("Assigned (social reuse or public use)")
    RETURNED = "returned", _("Returned to another state")
    DESTROYED = "destroyed", _("Destroyed")
    LOST = "lost", _("Lost or damaged")


def stage_expression() -> Case:
    """The stage of a public asset, from its custody status and disposition (see the module's rules)."""
    return Case(
        When(status=S.SOLD, then=Value(Stage.SOLD.value)),
        When(status=S.DISPOSED, disposition_method=DispositionMethod.SALE, then=Value(Stage.SOLD.value)),
        When(status=S.DISPOSED, then=Value(Stage.ASSIGNED.value)),  # social reuse or a public body
        When(status=S.RETURNED, then=Value(Stage.RETURNED.value)),
        When(status=S.DESTROYED, then=Value(Stage.DESTROYED.value)),
        When(status=S.LOST, then=Value(Stage.LOST.value)),
        default=Value(Stage.CONFISCATED.value), output_field=CharField(),
    )


def year_expression():
    zone = agency_zone()
    return Coalesce(ExtractYear("confiscated_at", tzinfo=zone), ExtractYear("status_changed_at", tzinfo=zone))


# ---- per-asset figures, as lazy aliases --------------------------------------------------------


# Which approved appraisal is the value at seizure: the earliest by value date, then the first recorded
# (the index appraisal_current_idx, read backwards).
FIRST_APPRAISAL_ORDER = ("value_date", "id")


def _approved_appraisals() -> QuerySet[Appraisal]:
    return Appraisal.objects.filter(status=AppraisalStatus.APPROVED, currency=agency_currency())


def _declared_value():
    return Case(When(currency=agency_currency(), then=F("declared_value")), default=None, output_field=MONEY)


def _value_at_seizure():
    """Per asset row, as a subquery: for a list of assets (the open data). The groupings join
    `first_approved_values()` instead, which is the same rule read in one pass."""
    first_approved = _approved_appraisals().filter(asset=OuterRef("pk")).order_by(*FIRST_APPRAISAL_ORDER)
    return Coalesce(Subquery(first_approved.values("amount")[:1], output_field=MONEY), _declared_value(),
                    output_field=MONEY)


def first_approved_values() -> QuerySet[Appraisal]:
    """The value-at-seizure appraisal of every asset that has one: one row per asset (DISTINCT ON)."""
    return (_approved_appraisals().order_by("asset_id", *FIRST_APPRAISAL_ORDER).distinct("asset_id")
            .values("asset_id", "amount"))


def _per_asset(postings: QuerySet[Posting], *, negate: bool = False) -> QuerySet:
    """Postings summed per asset (credits as positive amounts if `negate`)."""
    amount = F("amount") * -1 if negate else F("amount")
    return postings.order_by().values("entry__asset_id").annotate(total=Sum(amount))


def _sale_postings() -> QuerySet[Posting]:
    """The postings of the assets' sales (costs of sale and net proceeds), and of their reversals."""
    return Posting.objects.filter(currency=agency_currency(), account__purpose__in=SALE_PURPOSES).filter(
        Q(entry__idempotency_key__startswith="sale:") | Q(entry__reverses__idempotency_key__startswith="sale:"))


def _cost_postings() -> QuerySet[Posting]:
    return Posting.objects.filter(currency=agency_currency(), account__purpose__in=COST_PURPOSES)


def _posted(per_asset: QuerySet):
    """One asset's sum, as a subquery on its row (for a list of assets: the open data)."""
    return Subquery(per_asset.filter(entry__asset=OuterRef("pk")).values("total"), output_field=MONEY)


SALE_PURPOSES = [AccountPurpose.SALE_COSTS, AccountPurpose.ESCROW, AccountPurpose.STATE_PROCEEDS]
COST_PURPOSES = [AccountPurpose.STORAGE_EXPENSE]


# The milestones of an asset's life cycle: the first custody-log entry (the earliest) matching each.
MILESTONES = {
    "restrained_at": Q(to_state=S.RESTRAINED),
    "seized_at": Q(to_state=S.IN_CUSTODY),
    "sold_at": Q(transition="record_sale"),
    # the end of the life cycle; an early-sold asset's confiscation only confirms its sale
    "disposed_at": Q(to_state__in=[S.DISPOSED, S.RETURNED, S.DESTROYED]) & ~Q(transition="confiscate"),
}


def _status_changes() -> QuerySet[CustodyEvent]:
    return CustodyEvent.objects.filter(kind=CustodyEventKind.STATUS_CHANGE)


def with_milestones(qs: QuerySet[Asset]) -> QuerySet[Asset]:
    """Each asset row with the moments it reached each milestone (a subquery per milestone: for a
    list of assets; `milestones_by_asset` computes them for all assets in one pass)."""
    def first(condition: Q):
        events = _status_changes().filter(condition, asset=OuterRef("pk")).order_by().values("asset")
        return Subquery(events.annotate(first=Min("at")).values("first"))

    return qs.alias(**{name: first(condition) for name, condition in MILESTONES.items()})


def milestones_by_asset() -> QuerySet:
    """One row per asset that has a custody log, with its milestones and confiscation: one GROUP BY
    over the log (for aggregates over all assets)."""
    return _status_changes().order_by().values("asset_id").annotate(
        **{name: Min("at", filter=condition) for name, condition in MILESTONES.items()},
        confiscated_at=Max("asset__confiscated_at"),
    )


class Days(Func):
    """Days (fractional) from the second moment to the first; NULL when either is missing."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0"
    arg_joiner = " - "
    output_field = FloatField()


# The stages whose length is measured, as (key, label, start, end) of the milestones above.
INTERVALS = [
    ("restraint_to_seizure", _("From restraint to seizure"), "restrained_at", "seized_at"),
    ("held_to_confiscation", _("From restraint or seizure to confiscation"), "held_at", "confiscated_at"),
    ("held_to_early_sale", _("From restraint or seizure to an early sale"), "held_at", "early_sold_at"),
    ("confiscation_to_disposal", _("From confiscation to final disposal"), "confiscated_at", "disposed_at"),
]


def _intervals(qs: QuerySet, method: str) -> QuerySet:
    """The days of each interval, from the milestones (as aliases, or annotations for aggregating)."""
    add = getattr(qs, method)
    qs = add(held_at=Coalesce(F("restrained_at"), F("seized_at")),
             early_sold_at=Case(When(Q(confiscated_at__isnull=True) | Q(sold_at__lt=F("confiscated_at")),
                                     then=F("sold_at")), default=None))
    add = getattr(qs, method)
    return add(**{f"days_{key}": Days(F(end), F(start)) for key, _label, start, end in INTERVALS})


def with_intervals(qs: QuerySet[Asset]) -> QuerySet[Asset]:
    return _intervals(with_milestones(qs), "alias")


def public_asset_facts() -> QuerySet[Asset]:
    """`public_assets()` with every per-asset figure as a lazy alias (computed only where used):
    stage, year, country_of_origin, value_at_seizure, sale_price, management_costs, the milestones
    and the days of each interval."""
    qs = public_assets().alias(
        stage=stage_expression(),
        year=year_expression(),
        country_of_origin=F("case__country_of_origin"),
        value_at_seizure=_value_at_seizure(),
        sale_price=_posted(_per_asset(_sale_postings(), negate=True)),
        management_costs=_posted(_per_asset(_cost_postings())),
    )
    return with_intervals(qs)


def local_day(field: str):
    return TruncDate(field, tzinfo=agency_zone())


# ---- counts and values by a grouping ------------------------------------------------------------

GROUPINGS = ("stage", "category", "country_of_origin", "year")
# The /assets/ listing's query parameter that shows the assets behind each grouping's row.
DRILL_PARAMETERS = {"stage": "stage", "category": "category", "country_of_origin": "country", "year": "year"}


@dataclass(frozen=True)
class GroupRow:
    key: str
    label: str
    count: int
    value: Decimal


def _label(by: str, key) -> str:
    if by == "stage":
        return str(Stage(key).label) if key in Stage.values else str(key)
    if by == "category":
        return str(AssetCategory(key).label) if key in AssetCategory.values else str(key)
    if by == "country_of_origin":
        return countries.name(key) or str(key)
    return str(key)


def _order(by: str, rows: list[GroupRow]) -> list[GroupRow]:
    if by == "stage":
        return sorted(rows, key=lambda r: Stage.values.index(r.key) if r.key in Stage.values else 99)
    if by == "category":
        order = AssetCategory.values
        return sorted(rows, key=lambda r: order.index(r.key) if r.key in order else 99)
    if by == "year":
        return sorted(rows, key=lambda r: r.key)
    return sorted(rows, key=lambda r: (-r.count, r.label))


def stage_counts() -> dict[str, int]:
    """How many public assets are at each stage (no values: cheaper than counts_and_values)."""
    rows = public_assets().annotate(stage=stage_expression()).order_by().values("stage").annotate(n=Count("pk"))
    return {row["stage"]: row["n"] for row in rows}


def counts_and_values(by: str) -> list[GroupRow]:
    """How many public assets, and their value at seizure (agency currency), per stage, category,
    country of origin or year: one GROUP BY query. Every grouping counts the same assets.

    The public assets, their key and declared value are the ORM's (public_asset_facts); the first
    approved appraisal is joined in one pass (first_approved_values) rather than looked up asset by
    asset, which took ten times as long over 100,000 assets (tests/benchmarks/test_statistics.py)."""
    if by not in GROUPINGS:
        raise ValueError(f"Unknown grouping {by!r}")
    assets_sql, assets_params = (public_asset_facts().annotate(key=F(by), declared=_declared_value())
                                 .order_by().values("pk", "key", "declared").query.sql_with_params())
    values_sql, values_params = first_approved_values().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.key, count(*), coalesce(sum(coalesce(v.amount, a.declared)), 0) "  # noqa: S608 - ORM's SQL
            f"FROM ({assets_sql}) a LEFT JOIN ({values_sql}) v ON v.asset_id = a.pk GROUP BY a.key",
            [*assets_params, *values_params])
        rows = cursor.fetchall()
    return _order(by, [GroupRow(key=str(key), label=_label(by, key), count=count,
                                value=Decimal(value).quantize(Decimal("0.01"))) for key, count, value in rows])


def totals(rows: list[GroupRow]) -> tuple[int, Decimal]:
    return sum(r.count for r in rows), sum((r.value for r in rows), ZERO)


# ---- the funnel, from restraint to disposal (all assets, in aggregate) ------------------------------


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: int
    stage: str = ""  # the public stage it drills down to, if any


def funnel() -> list[FunnelStep]:
    """How many assets reached each step: restrained (restrained or seized), seized (taken into
    custody), confiscated, and of the public assets sold, assigned and returned. Counted over all
    assets in one query; restrained and seized assets are never shown one by one."""
    counts = _status_changes().aggregate(
        restrained=Count("asset_id", distinct=True, filter=Q(to_state__in=[S.RESTRAINED, S.IN_CUSTODY])),
        seized=Count("asset_id", distinct=True, filter=Q(to_state=S.IN_CUSTODY)),
    )
    counts["confiscated"] = Asset.objects.filter(confiscated_at__isnull=False).count()
    stages = stage_counts()
    return [
        FunnelStep("restrained", str(_("Restrained or seized")), counts["restrained"]),
        FunnelStep("seized", str(_("Seized (taken into custody)")), counts["seized"]),
        FunnelStep("confiscated", str(_("Confiscated")), counts["confiscated"]),
        FunnelStep("sold", str(_("Sold")), stages.get(Stage.SOLD, 0), Stage.SOLD),
        FunnelStep("assigned", str(_("Assigned (social reuse or public use)")), stages.get(Stage.ASSIGNED, 0),
                   Stage.ASSIGNED),
        FunnelStep("returned", str(_("Returned to another state")), stages.get(Stage.RETURNED, 0), Stage.RETURNED),
    ]


def _ratio(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class Ratio:
    numerator: Decimal | int
    denominator: Decimal | int
    ratio: Decimal | None  # None where the denominator is zero
    count: int = 0


def confiscation_rate(steps: list[FunnelStep] | None = None) -> Ratio:
    """Assets confiscated ÷ assets restrained or seized (all assets, ever)."""
    counts = {s.key: s.count for s in (steps or funnel())}
    return Ratio(counts["confiscated"], counts["restrained"], _ratio(counts["confiscated"], counts["restrained"]))


# ---- time in each stage ----------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median of the non-null values."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class StageDuration:
    key: str
    label: str
    count: int  # assets measured
    median_days: float | None


def median_days_per_stage() -> list[StageDuration]:
    """The median number of days assets spent in each interval (INTERVALS), over all assets that
    went through it, from the custody log (percentile_cont, one query)."""
    keys = [key for key, *_rest in INTERVALS]
    qs = _intervals(milestones_by_asset(), "annotate")
    aggregates = {}
    for key in keys:
        measured = Q(**{f"days_{key}__gte": 0})
        aggregates[f"{key}__median"] = Median(f"days_{key}", filter=measured)
        aggregates[f"{key}__count"] = Count("asset_id", filter=measured)
    result = qs.aggregate(**aggregates)
    return [StageDuration(key, str(label), result[f"{key}__count"],
                          None if result[f"{key}__median"] is None else round(result[f"{key}__median"], 1))
            for key, label, *_rest in INTERVALS]


# ---- money -----------------------------------------------------------------------------------


def _sums_over_valued_assets(per_asset: QuerySet, *, only_with: bool) -> tuple[int, Decimal, Decimal]:
    """Over the public assets with a value at seizure (and, if `only_with`, a row in `per_asset`):
    how many, the sum of their `per_asset` totals, the sum of their values. One query, joining the
    rules' querysets (the same the open data reads asset by asset)."""
    assets_sql, assets_params = (public_assets().annotate(declared=_declared_value()).order_by()
                                 .values("pk", "declared").query.sql_with_params())
    values_sql, values_params = first_approved_values().query.sql_with_params()
    totals_sql, totals_params = per_asset.query.sql_with_params()
    join = "JOIN" if only_with else "LEFT JOIN"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(t.total), 0), coalesce(sum(coalesce(v.amount, a.declared)), 0) "
            f"FROM ({assets_sql}) a LEFT JOIN ({values_sql}) v ON v.asset_id = a.pk "  # noqa: S608 - ORM's SQL
            f"{join} ({totals_sql}) t ON t.entry__asset_id = a.pk WHERE coalesce(v.amount, a.declared) > 0",
            [*assets_params, *values_params, *totals_params])
        count, total, values = cursor.fetchone()
    return count, Decimal(total).quantize(Decimal("0.01")), Decimal(values).quantize(Decimal("0.01"))


def sale_to_value_ratio() -> Ratio:
    """Sale price ÷ value at seizure, summed over the public assets that have both (a ratio of sums:
    each euro weighs the same)."""
    count, sales, values = _sums_over_valued_assets(_per_asset(_sale_postings(), negate=True), only_with=True)
    return Ratio(sales, values, _ratio(sales, values), count)


def management_cost_share() -> Ratio:
    """Management (storage and upkeep) costs ÷ value at seizure, summed over the public assets that
    have a value at seizure."""
    count, costs, values = _sums_over_valued_assets(_per_asset(_cost_postings()), only_with=False)
    return Ratio(costs, values, _ratio(costs, values), count)


# Where proceeds went, by the purpose of the ledger account that holds them (its credit balance).
# The purposes the disposition branch will add (victims, social reuse, foreign states) do not exist
# yet: their rows are zero until accounts with those purposes receive money.
DESTINATIONS = [
    ("victims", _("Compensation of victims"), ["victim_compensation"]),
    ("state_budget", _("State budget (confiscated-proceeds fund)"), [AccountPurpose.STATE_PROCEEDS]),
    ("social_reuse", _("Social reuse projects"), ["social_reuse"]),
    ("returned_abroad", _("Returned to foreign states"), ["foreign_return"]),
    ("escrow", _("Held in escrow until the court decides"), [AccountPurpose.ESCROW]),
    ("owners", _("Returned to owners (released by a court)"), [AccountPurpose.OWNER_REFUND]),
]


@dataclass(frozen=True)
class Destination:
    key: str
    label: str
    amount: Decimal


def proceeds_destinations() -> list[Destination]:
    """Net proceeds by destination (agency currency): the credit balance of the accounts of each
    destination's purposes, in one query over the postings."""
    result = Posting.objects.filter(currency=agency_currency()).aggregate(**{
        key: Coalesce(Sum(F("amount") * -1, filter=Q(account__purpose__in=purposes)), ZERO, output_field=MONEY)
        for key, _label, purposes in DESTINATIONS})
    return [Destination(key, str(label), result[key]) for key, label, _purposes in DESTINATIONS]


@dataclass(frozen=True)
class InUse:
    assigned: int
    reported: int
    in_use: int
    share: Decimal | None  # None: no monitoring report yet


def assigned_in_use(stage_rows: list[GroupRow] | None = None) -> InUse:
    """The share of assigned assets found in use as agreed by their latest monitoring report.
    Monitoring is not recorded yet (the disposition branch adds it): no reports, no share."""
    counts = {r.key: r.count for r in stage_rows} if stage_rows is not None else stage_counts()
    assigned = counts.get(Stage.ASSIGNED, 0)
    return InUse(assigned=assigned, reported=0, in_use=0, share=None)
