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
- **Value at seizure**: the first approved appraisal (earliest value date, then first recorded) when
  it is in the agency's currency, else the value declared at registration when declared in that currency;
  amounts in other currencies are counted but not summed.
- **Sale price**: the asset's share of the hammer price of its paid invoice (the auction's award or
  the direct sale), as settlement posted it to the ledger (costs of sale + net proceeds; a lot of
  several assets is shared by their valuations), net of any reversal.
- **Management costs**: storage and upkeep costs posted to the ledger for the asset, net of reversals.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
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
from django.utils import timezone, translation
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
from disposition.models import (
    BENEFICIARY_KINDS,
    AllocationPayment,
    AssetFrozenAbroad,
    Claim,
    ClaimOutcome,
    ClaimStatus,
    CooperationRequest,
    DecisionKind,
    DecisionStatus,
    DispositionDecision,
    ForeignOrder,
    ForeignOrderStatus,
    ForeignStage,
    MonitoringReport,
    RequestStatus,
)
from disposition.selectors import decisions_public
from ledger.models import AccountPurpose, Posting

logger = logging.getLogger(__name__)
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
    # one conversion to the agency's zone per row (the year of whichever moment applies)
    return ExtractYear(Coalesce("confiscated_at", "status_changed_at"), tzinfo=agency_zone())


# ---- per-asset figures, as lazy aliases --------------------------------------------------------


def _declared_value():
    return Case(When(currency=agency_currency(), then=F("declared_value")), default=None, output_field=MONEY)


def value_at_seizure():
    """The value at seizure in the agency's currency, on the asset's row: its first approved appraisal
    (kept on the row by the database: custody.Asset.seizure_value) when in that currency, else the value
    declared at registration when in that currency. Read with the asset, it costs a grouping nothing;
    joining the first appraisal of each asset (DISTINCT ON over the appraisals) doubled its time over
    100,000 assets (tests/benchmarks/test_statistics.py)."""
    appraised = Case(When(seizure_value_currency=agency_currency(), then=F("seizure_value")), default=None,
                     output_field=MONEY)
    return Coalesce(appraised, _declared_value(), output_field=MONEY)


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
        value_at_seizure=value_at_seizure(),
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


def _grouping_keys() -> dict:
    return {"stage": stage_expression(), "category": F("category"), "country_of_origin": F("case__country_of_origin"),
            "year": year_expression()}


def counts_by(groupings: tuple[str, ...] | list[str] = GROUPINGS) -> dict[str, list[GroupRow]]:
    """How many public assets, and their value at seizure (agency currency), per stage, category,
    country of origin and/or year: one pass over the public assets' rows (GROUP BY GROUPING SETS, a
    set per grouping; one query for all four instead of four scans). Every grouping counts the same
    assets."""
    if unknown := [by for by in groupings if by not in GROUPINGS]:
        raise ValueError(f"Unknown grouping {unknown[0]!r}")
    keys = _grouping_keys()
    # only what the groupings read: no join to the case unless grouping by country
    assets = (public_assets().annotate(**{f"g_{by}": keys[by] for by in groupings}, g_value=value_at_seizure())
              .order_by().values(*[f"g_{by}" for by in groupings], "g_value"))
    sql, params = assets.query.sql_with_params()
    columns = ", ".join(f"g_{by}" for by in groupings)
    sets = ", ".join(f"(g_{by})" for by in groupings)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT GROUPING({columns}), {columns}, count(*), coalesce(sum(g_value), 0) "  # noqa: S608 - ORM's SQL
            f"FROM ({sql}) a GROUP BY GROUPING SETS ({sets})", params)
        found = cursor.fetchall()
    width = len(groupings)
    result: dict[str, list[GroupRow]] = {by: [] for by in groupings}
    for bits, *values, count, value in found:
        # GROUPING() sets the bit of each column left out of the row's set: the one clear bit is its grouping
        index = next(i for i in range(width) if not bits & (1 << (width - 1 - i)))
        by, key = groupings[index], values[index]
        result[by].append(GroupRow(key=str(key), label=_label(by, key), count=count,
                                   value=Decimal(value).quantize(Decimal("0.01"))))
    return {by: _order(by, rows) for by, rows in result.items()}


def counts_and_values(by: str) -> list[GroupRow]:
    """How many public assets, and their value at seizure, per stage, category, country of origin or year."""
    return counts_by((by,))[by]


def totals(rows: list[GroupRow]) -> tuple[int, Decimal]:
    return sum(r.count for r in rows), sum((r.value for r in rows), ZERO)


# ---- the funnel, from restraint to disposal (all assets, in aggregate) ------------------------------


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: int
    stage: str = ""  # the public stage it drills down to, if any


def funnel(stages: dict[str, int] | None = None, log: dict | None = None) -> list[FunnelStep]:
    """How many assets reached each step: restrained (restrained or seized), seized (taken into
    custody), confiscated, and of the public assets sold, assigned and returned. Counted over all
    assets in aggregate (the custody log's milestones, `custody_log_aggregates`); restrained and seized
    assets are never shown one by one."""
    counts = dict(custody_log_aggregates() if log is None else log)
    counts["confiscated"] = Asset.objects.filter(confiscated_at__isnull=False).count()
    stages = stage_counts() if stages is None else stages
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


def custody_log_aggregates() -> dict:
    """Over the custody log's milestones of every asset, in one pass (one GROUP BY per asset, read
    from the log's covering index of status changes): how many assets were ever restrained or seized
    (`restrained`) and seized (`seized`), and for each interval (INTERVALS) the median of its days
    (percentile_cont) and how many assets went through it."""
    aggregates = {"restrained": Count("asset_id", filter=Q(restrained_at__isnull=False) | Q(seized_at__isnull=False)),
                  "seized": Count("asset_id", filter=Q(seized_at__isnull=False))}
    for key, *_rest in INTERVALS:
        measured = Q(**{f"days_{key}__gte": 0})
        aggregates[f"{key}__median"] = Median(f"days_{key}", filter=measured)
        aggregates[f"{key}__count"] = Count("asset_id", filter=measured)
    return _intervals(milestones_by_asset(), "annotate").aggregate(**aggregates)


def median_days_per_stage(log: dict | None = None) -> list[StageDuration]:
    """The median number of days assets spent in each interval (INTERVALS), over all assets that
    went through it, from the custody log (`custody_log_aggregates`)."""
    result = custody_log_aggregates() if log is None else log
    return [StageDuration(key, str(label), result[f"{key}__count"],
                          None if result[f"{key}__median"] is None else round(result[f"{key}__median"], 1))
            for key, label, *_rest in INTERVALS]


# ---- money -----------------------------------------------------------------------------------


def _sums_over_valued_assets(per_asset: QuerySet, *, only_with: bool) -> tuple[int, Decimal, Decimal]:
    """Over the public assets with a value at seizure (and, if `only_with`, a row in `per_asset`):
    how many, the sum of their `per_asset` totals, the sum of their values. One query, joining the
    rules' querysets (the same the open data reads asset by asset)."""
    assets_sql, assets_params = (public_assets().annotate(value=value_at_seizure()).filter(value__gt=0)
                                 .order_by().values("pk", "value").query.sql_with_params())
    totals_sql, totals_params = per_asset.query.sql_with_params()
    join = "JOIN" if only_with else "LEFT JOIN"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(t.total), 0), coalesce(sum(a.value), 0) "  # noqa: S608 - ORM's SQL
            f"FROM ({assets_sql}) a {join} ({totals_sql}) t ON t.entry__asset_id = a.pk",
            [*assets_params, *totals_params])
        count, total, values = cursor.fetchone()
    return count, Decimal(total).quantize(Decimal("0.01")), Decimal(values).quantize(Decimal("0.01"))


def value_ratios() -> tuple[Ratio, Ratio]:
    """Over the public assets with a value at seizure:
    - sale price ÷ value at seizure, summed over those that were sold (a ratio of sums: each euro
      weighs the same);
    - management (storage and upkeep) costs ÷ value at seizure, summed over all of them.
    Two queries: joining both sums to the assets in one query made PostgreSQL build each hash twice
    in its parallel workers, a sixth slower over 100,000 assets (tests/benchmarks/test_statistics.py)."""
    sold, sales, sold_values = _sums_over_valued_assets(_per_asset(_sale_postings(), negate=True), only_with=True)
    valued, costs, values = _sums_over_valued_assets(_per_asset(_cost_postings()), only_with=False)
    return (Ratio(sales, sold_values, _ratio(sales, sold_values), sold),
            Ratio(costs, values, _ratio(costs, values), valued))


def sale_to_value_ratio() -> Ratio:
    """Sale price ÷ value at seizure, over the public assets sold that have a value (value_ratios)."""
    return value_ratios()[0]


def management_cost_share() -> Ratio:
    """Management costs ÷ value at seizure, over the public assets that have a value (value_ratios)."""
    return value_ratios()[1]


# Where proceeds went, by the purpose of the ledger account that holds them. The disposition
# destinations are the accounts a decision over proceeds credits when executed (what it assigned,
# disposition.services.decisions.PAYABLE_PURPOSE by the decision's kind) and its allocations' payments
# debit (what was paid out); the others hold money not yet assigned by any decision.
PAYMENT_SOURCE = "allocation:"  # the ledger source of an allocation's payment (disposition.services.allocations)
CLAIM_SOURCE = "claim:"  # the ledger source of a claim's payment out of the fund (disposition.services.claims)
DESTINATIONS = [
    ("victims", _("Compensation of victims"), [AccountPurpose.VICTIM_COMPENSATION], True),
    ("social_reuse", _("Social-reuse projects"), [AccountPurpose.SOCIAL_REUSE_GRANTS], True),
    ("public_bodies", _("Public bodies"), [AccountPurpose.PUBLIC_BODIES], True),
    ("returned_abroad", _("Returned to foreign states"), [AccountPurpose.FOREIGN_STATES], True),
    ("claimants", _("Paid to claimants (victims' compensation and third-party claims)"),
     [AccountPurpose.STATE_PROCEEDS], False),
    ("state_budget", _("State budget (confiscated-proceeds fund, not yet assigned)"),
     [AccountPurpose.STATE_PROCEEDS], False),
    ("escrow", _("Held in escrow until the court decides"), [AccountPurpose.ESCROW], False),
    ("owners", _("Returned to owners (released by a court)"), [AccountPurpose.OWNER_REFUND], False),
]


@dataclass(frozen=True)
class Destination:
    key: str
    label: str
    amount: Decimal  # assigned to it (a disposition destination), or held there today (the others)
    paid: Decimal | None = None  # paid out to the payees (disposition destinations only)
    by_decision: bool = False

    @property
    def outstanding(self) -> Decimal | None:
        return None if self.paid is None else self.amount - self.paid


def _claim_payments() -> Q:
    """The postings of claims' payments (Dr fund, Cr bank), and of their reversals."""
    return Q(entry__source__startswith=CLAIM_SOURCE) | Q(entry__reverses__source__startswith=CLAIM_SOURCE)


def proceeds_destinations() -> list[Destination]:
    """Net proceeds by destination (agency currency), in one query over the postings. For the
    destinations of disposition decisions: assigned = what executed decisions credited to the
    destination's account, net of what revocations released back to the fund (= its credit balance
    plus what was paid out); paid = what allocation payments debited. Claimants: what the payments of
    granted claims debited from the fund (net of reversals), all of it paid. For the others, the
    credit balance held there today. Their sum is every proceed received: money assigned or paid to
    a claimant leaves the fund."""
    balance, paid = {}, {}
    for key, _label, purposes, by_decision in DESTINATIONS:
        on = Q(account__purpose__in=purposes)
        if key == "claimants":
            balance[key] = Coalesce(Sum("amount", filter=on & _claim_payments()), ZERO, output_field=MONEY)
            continue
        balance[key] = Coalesce(Sum(F("amount") * -1, filter=on), ZERO, output_field=MONEY)
        if by_decision:
            paid[f"{key}__paid"] = Coalesce(Sum("amount", filter=on & Q(entry__source__startswith=PAYMENT_SOURCE)),
                                            ZERO, output_field=MONEY)
    result = Posting.objects.filter(currency=agency_currency()).aggregate(**balance, **paid)
    return [Destination(key, str(label), result[key] + result[f"{key}__paid"], result[f"{key}__paid"], True)
            if by_decision else Destination(key, str(label), result[key], result[key] if key == "claimants" else None)
            for key, label, _purposes, by_decision in DESTINATIONS]


# ---- assigned assets in use ------------------------------------------------------------------


class UseState(TextChoices):
    IN_USE = "in_use", _("In use as agreed")
    PARTLY_USED = "partly_used", _("Partly used")
    UNUSED = "unused", _("Unused")
    MISUSED = "misused", _("Misused")
    NO_REPORT = "no_report", _("No report yet")


@dataclass(frozen=True)
class InUse:
    assigned: int  # public assets at the stage "assigned" in the register
    decisions: int  # executed social-reuse or public-use decisions over an asset (the denominator)
    counts: dict  # UseState → decisions whose latest publishable report says so
    share: Decimal | None  # in use as agreed ÷ decisions; None: no decision, or no report yet

    @property
    def reported(self) -> int:
        return self.decisions - self.counts.get(UseState.NO_REPORT, 0)

    @property
    def in_use(self) -> int:
        return self.counts.get(UseState.IN_USE, 0)


def assigned_decisions() -> QuerySet:
    """The executed (or monitored, or completed) social-reuse and public-use decisions over an asset
    that the public record shows, with `use`: the assessment of the latest publishable monitoring
    report of their project ("no_report" without one)."""
    latest = (MonitoringReport.objects.filter(project__decision=OuterRef("pk"), publishable=True)
              .order_by("-date", "-pk").values("assessment")[:1])
    return (decisions_public().filter(asset__isnull=False, kind__in=BENEFICIARY_KINDS,
                                      status__in=[DecisionStatus.EXECUTED, DecisionStatus.MONITORING,
                                                  DecisionStatus.COMPLETED])
            .annotate(use=Coalesce(Subquery(latest, output_field=CharField()), Value(UseState.NO_REPORT.value))))


def assigned_in_use(stage_rows: list[GroupRow] | None = None) -> InUse:
    """The share of assets assigned by a decision that the latest publishable monitoring report of
    their project found in use as agreed, out of all such decisions (one without a report counts as
    not shown in use)."""
    stage = {r.key: r.count for r in stage_rows} if stage_rows is not None else stage_counts()
    counts = {row["use"]: row["n"] for row in assigned_decisions().order_by().values("use").annotate(n=Count("pk"))}
    decisions = sum(counts.values())
    reported = decisions - counts.get(UseState.NO_REPORT, 0)
    return InUse(assigned=stage.get(Stage.ASSIGNED, 0), decisions=decisions, counts=counts,
                 share=_ratio(counts.get(UseState.IN_USE, 0), decisions) if reported else None)


# ---- claims of third parties and victims -----------------------------------------------------


@dataclass(frozen=True)
class ClaimFigures:
    """Claims counted and summed, never named: filed, decided at least once, and where they stand."""

    filed: int
    decided: int  # decided at least once (a reconsidered claim counts once)
    granted: int  # granted in full, now (decided or paid)
    partly_granted: int
    denied: int
    awaiting: int  # not yet decided (or under review again after a request for reconsideration)
    claimed: Decimal  # in the agency's currency
    granted_amount: Decimal
    paid: Decimal
    median_days: float | None  # filing to first decision


def claim_figures() -> ClaimFigures:
    currency = agency_currency()
    in_currency = Q(currency=currency)
    decided_now = Q(status__in=[ClaimStatus.DECIDED, ClaimStatus.PAID])
    result = Claim.objects.aggregate(
        filed=Count("pk"), decided=Count("pk", filter=Q(first_decided_at__isnull=False)),
        granted=Count("pk", filter=decided_now & Q(outcome=ClaimOutcome.GRANTED)),
        partly_granted=Count("pk", filter=decided_now & Q(outcome=ClaimOutcome.PARTLY_GRANTED)),
        denied=Count("pk", filter=decided_now & Q(outcome=ClaimOutcome.DENIED)),
        awaiting=Count("pk", filter=~decided_now),
        claimed=Coalesce(Sum("amount_claimed", filter=in_currency), ZERO, output_field=MONEY),
        granted_amount=Coalesce(Sum("amount_granted", filter=in_currency & decided_now), ZERO, output_field=MONEY),
        paid=Coalesce(Sum("amount_granted", filter=in_currency & Q(status=ClaimStatus.PAID)), ZERO,
                      output_field=MONEY),
        median_days=Median(Days(F("first_decided_at"), F("filed_at"))),
    )
    return ClaimFigures(**result)


# ---- international cooperation ---------------------------------------------------------------


class CooperationRecord(TextChoices):
    REQUEST_SENT = "request_sent", _("Requests sent")
    REQUEST_RECEIVED = "request_received", _("Requests received")
    FOREIGN_ORDER = "foreign_order", _("Foreign orders received")
    FROZEN_ABROAD = "frozen_abroad", _("Assets frozen abroad")
    RETURN = "return", _("Returns to other states")


# The statuses (or stages) of each kind of record, in the order of their life cycle.
COOPERATION_STATUSES: dict[str, type[TextChoices]] = {
    CooperationRecord.REQUEST_SENT: RequestStatus, CooperationRecord.REQUEST_RECEIVED: RequestStatus,
    CooperationRecord.FOREIGN_ORDER: ForeignOrderStatus, CooperationRecord.FROZEN_ABROAD: ForeignStage,
    CooperationRecord.RETURN: DecisionStatus,
}


@dataclass(frozen=True)
class CooperationRow:
    """How many records of one kind stand at one status with one state, and for assets frozen abroad
    the amount frozen, for returns the amount paid to the state (agency currency; None: no amount)."""

    record: str
    country: str  # ISO 3166-1 alpha-2: the counterpart, issuing, freezing or receiving state
    status: str
    count: int
    amount: Decimal | None = None

    @property
    def status_label(self) -> str:
        choices = COOPERATION_STATUSES[self.record]
        return str(choices(self.status).label) if self.status in choices.values else self.status


def _cooperation_order(row: CooperationRow) -> tuple:
    statuses = COOPERATION_STATUSES[row.record].values
    return (CooperationRecord.values.index(row.record), countries.name(row.country) or row.country,
            statuses.index(row.status) if row.status in statuses else 99)


def cooperation_rows() -> list[CooperationRow]:
    """International cooperation counted by kind of record, state and status: one GROUP BY per kind.
    Requests sent and received (by counterpart state), foreign orders received (by issuing state),
    assets of our cases frozen abroad (by country and foreign stage, with the amount frozen) and the
    returns to other states that the public record shows (disposition decisions of kind return, by
    recipient state and status, with what their allocations' payments, each a ledger transfer, paid
    to the state). Only states, statuses, counts and amounts: no authority, reference, subject, person
    or asset is named."""
    currency = agency_currency()
    rows = [CooperationRow(f"request_{r['direction']}", r["counterpart_state"], r["status"], r["n"])
            for r in CooperationRequest.objects.order_by().values("direction", "counterpart_state", "status")
            .annotate(n=Count("pk"))]
    rows += [CooperationRow(CooperationRecord.FOREIGN_ORDER, r["issuing_state"], r["status"], r["n"])
             for r in ForeignOrder.objects.order_by().values("issuing_state", "status").annotate(n=Count("pk"))]
    rows += [CooperationRow(CooperationRecord.FROZEN_ABROAD, r["country"], r["stage"], r["n"], r["amount"])
             for r in AssetFrozenAbroad.objects.order_by().values("country", "stage").annotate(
                 n=Count("pk"), amount=Coalesce(Sum("amount", filter=Q(currency=currency)), ZERO,
                                                output_field=MONEY))]
    paid = (AllocationPayment.objects.filter(allocation__decision=OuterRef("pk"), currency=currency).order_by()
            .values("allocation__decision").annotate(total=Sum("amount")).values("total"))
    returns = (DispositionDecision.objects.filter(pk__in=decisions_public().values("pk"),
                                                  kind=DecisionKind.FOREIGN_RETURN)
               .annotate(paid=Coalesce(Subquery(paid, output_field=MONEY), ZERO, output_field=MONEY)))
    by_state: dict[tuple[str, str], list] = {}
    for state, status, amount in returns.values_list("recipient_state", "status", "paid"):
        found = by_state.setdefault((str(state), status), [0, ZERO])
        found[0] += 1
        found[1] += amount
    rows += [CooperationRow(CooperationRecord.RETURN, state, status, n, amount)
             for (state, status), (n, amount) in by_state.items()]
    return sorted(rows, key=_cooperation_order)


# ---- the figures, cached ---------------------------------------------------------------------

# The figures take about a second over 100,000 assets: each is cached (Django's cache; Redis where
# configured, but the figures are computed anyway when it cannot be reached), under the data's
# generation, so that a custody transition, an edit of the register, an appraisal, a ledger entry or
# a step of a disposition shows at once; and for FIGURES_SECONDS at most, for what the generation
# does not see (a monitoring report marked publishable later). The page says when they were computed.
FIGURES_SECONDS = 600
# The append-only logs and tables whose newest row moves whenever a figure can change.
_GENERATION_SQL = """
SELECT (SELECT max(id) FROM custody_asset), (SELECT max(id) FROM custody_custodyevent),
       (SELECT max(id) FROM custody_recordchange), (SELECT max(id) FROM valuation_appraisal),
       (SELECT max(reviewed_at) FROM valuation_appraisal), (SELECT max(id) FROM ledger_journalentry),
       (SELECT max(id) FROM disposition_dispositionevent), (SELECT max(id) FROM disposition_monitoringreport)
"""


def data_generation() -> str:
    """A fingerprint of the data the figures read: the newest row of each log (one query on indexes,
    but for the appraisals' review time: a scan of the appraisals, a few milliseconds)."""
    with connection.cursor() as cursor:
        cursor.execute(_GENERATION_SQL)
        return ":".join("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v))
                        for v in cursor.fetchone())


@dataclass(frozen=True)
class Computed:
    value: object
    as_of: datetime.datetime


def _cache_key(name: str, generation: str) -> str:
    return f"cms:figures:v2:{name}:{translation.get_language() or ''}:{generation}"


def cached(name: str, compute: Callable[[], object], *, generation: str | None = None) -> Computed:
    """`compute()`, cached under `name`, the active language (labels are translated) and the data's
    generation; computed afresh when the cache fails (it is only a cache)."""
    generation = data_generation() if generation is None else generation
    key = _cache_key(name, generation)
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down or unreadable entry: compute, as without a cache
        logger.warning("Statistics cache unreadable; computing %s", name, exc_info=True)
        found = None
    if isinstance(found, Computed):
        return found
    computed = Computed(compute(), timezone.now())
    try:
        cache.set(key, computed, FIGURES_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("Statistics cache unwritable; %s not kept", name, exc_info=True)
    return computed


# Every figure's numbers by name: what the page, its tables' downloads and the API read, cached.
NUMBERS: dict[str, Callable[[], object]] = {
    **{by: (lambda by=by: counts_and_values(by)) for by in GROUPINGS},
    "funnel": lambda: funnel(),
    "median_days": lambda: median_days_per_stage(),
    "sale_to_value": lambda: sale_to_value_ratio(),
    "cost_share": lambda: management_cost_share(),
    "proceeds": lambda: proceeds_destinations(),
    "in_use": lambda: assigned_in_use(),
    "claims": lambda: claim_figures(),
    "cooperation": lambda: cooperation_rows(),
}


def numbers(name: str, *, generation: str | None = None) -> Computed:
    """One figure's numbers (NUMBERS), from the cache when the data have not changed."""
    return cached(name, NUMBERS[name], generation=generation)


def compute_all() -> dict[str, object]:
    """Every figure's numbers (the keys of NUMBERS), sharing the passes they have in common: the four
    groupings in one query (whose stages the funnel and the share in use read), the funnel and the
    medians in one pass over the custody log."""
    groupings = counts_by()
    log = custody_log_aggregates()
    sale_to_value, cost_share = value_ratios()
    return {**groupings, "funnel": funnel({r.key: r.count for r in groupings["stage"]}, log),
            "median_days": median_days_per_stage(log), "sale_to_value": sale_to_value, "cost_share": cost_share,
            "proceeds": proceeds_destinations(), "in_use": assigned_in_use(groupings["stage"]),
            "claims": claim_figures(), "cooperation": cooperation_rows()}


def all_numbers(*, generation: str | None = None) -> dict[str, Computed]:
    """Every figure's numbers, from the cache (one round trip) when the data have not changed; those
    missing computed together (compute_all) when most are, else one by one, and kept."""
    generation = data_generation() if generation is None else generation
    keys = {name: _cache_key(name, generation) for name in NUMBERS}
    try:
        found = cache.get_many(list(keys.values()))
    except Exception:  # noqa: BLE001 - Redis down or an unreadable entry: compute, as without a cache
        logger.warning("Statistics cache unreadable; computing the figures", exc_info=True)
        found = {}
    result = {name: found[key] for name, key in keys.items() if isinstance(found.get(key), Computed)}
    missing = [name for name in NUMBERS if name not in result]
    if not missing:
        return result
    now = timezone.now()
    if len(missing) > len(NUMBERS) // 2:
        values = compute_all()
        fresh = {name: Computed(values[name], now) for name in missing}
    else:
        fresh = {name: Computed(NUMBERS[name](), now) for name in missing}
    try:
        cache.set_many({keys[name]: computed for name, computed in fresh.items()}, FIGURES_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("Statistics cache unwritable; the figures not kept", exc_info=True)
    return {**result, **fresh}
