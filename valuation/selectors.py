"""Reads: current values, appraisal histories, due-process status, and the set-based early-sale
recommendation query."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate

from common.selectors import counts_by
from custody.models import Asset, AssetStatus, Party, PartyRole, categories_where

from .models import (
    Appraisal,
    AppraisalStatus,
    AssetCost,
    CurrentValuation,
    DepreciationProfile,
    DirectSale,
    EarlySaleCandidate,
    EarlySaleNotification,
    EarlySaleRequest,
    EarlySaleStatus,
    NotificationMeans,
)

MONEY = DecimalField(max_digits=16, decimal_places=2)
WIDE = DecimalField(max_digits=30, decimal_places=12)
ZERO = Decimal("0")

# The states in which an asset sits in the agency's custody and may still be sold early.
RECOMMENDATION_STATES = [AssetStatus.IN_CUSTODY]


# --------------------------------------------------------------------------------------------
# Values and appraisals
# --------------------------------------------------------------------------------------------


def asset_current_valuation(asset_id: int) -> CurrentValuation | None:
    return CurrentValuation.objects.select_related("appraisal__valuer", "appraisal__reviewed_by").filter(
        asset_id=asset_id).first()


def latest_approved_appraisal(asset_id: int) -> Appraisal | None:
    """The current value from the history itself (CurrentValuation is kept equal to this)."""
    return (Appraisal.objects.filter(asset_id=asset_id, status=AppraisalStatus.APPROVED)
            .order_by("-value_date", "-reviewed_at", "-id").first())


def asset_appraisals(asset_id: int) -> QuerySet[Appraisal]:
    return (Appraisal.objects.filter(asset_id=asset_id).select_related("valuer", "reviewed_by")
            .prefetch_related("evidence").order_by("-value_date", "-id"))


def appraisal_list() -> QuerySet[Appraisal]:
    """Appraisals with what their listing, page and actions show (asset, valuer, reviewer)."""
    return Appraisal.objects.select_related("asset", "valuer", "reviewed_by")


def profiles_by_category() -> dict[str, DepreciationProfile]:
    return {p.category: p for p in DepreciationProfile.objects.all()}


def profile_list() -> QuerySet[DepreciationProfile]:
    return DepreciationProfile.objects.select_related("updated_by")


# --------------------------------------------------------------------------------------------
# Early sale: which request is current, who must be notified
# --------------------------------------------------------------------------------------------


def early_sale_request_list() -> QuerySet[EarlySaleRequest]:
    """Requests with what their listing, page and actions show (the asset and its case, who decided)."""
    return EarlySaleRequest.objects.select_related("asset", "asset__case", "requested_by", "decided_by", "order")


def asset_early_sale_requests(asset_id: int) -> list[EarlySaleRequest]:
    """An asset's requests, newest first (at most one of them open)."""
    return list(EarlySaleRequest.objects.filter(asset_id=asset_id).select_related("requested_by", "decided_by")
                .order_by("-requested_at", "-id"))


def current_early_sale_request(asset_id: int) -> EarlySaleRequest | None:
    return (EarlySaleRequest.objects.filter(asset_id=asset_id, status__in=[
        EarlySaleStatus.REQUESTED, EarlySaleStatus.ENDORSED, EarlySaleStatus.AUTHORISED])
        .select_related("requested_by", "decided_by", "order").order_by("-requested_at", "-id").first())


@dataclass(frozen=True)
class DueProcess:
    request: EarlySaleRequest | None
    parties: list[Party]
    notifications: list[EarlySaleNotification]
    missing: list[Party]
    public_notice_needed: bool

    @property
    def complete(self) -> bool:
        return self.request is not None and not self.missing and not self.public_notice_needed


def early_sale_due_process(asset: Asset) -> DueProcess:
    """Who must be told of the early sale (the owner and every third-party claimant of the case)
    and who has been. With no known owner or claimant, a public notice is required instead."""
    request = current_early_sale_request(asset.pk)
    parties = list(Party.objects.filter(case_id=asset.case_id, role__in=[PartyRole.OWNER, PartyRole.THIRD_PARTY])
                   .order_by("role", "name", "id"))
    notes = list(EarlySaleNotification.objects.filter(request=request).select_related("party", "recorded_by")
                 ) if request else []
    told = {n.party_id for n in notes}
    missing = [p for p in parties if p.pk not in told]
    public_needed = not parties and not any(n.means == NotificationMeans.PUBLIC_NOTICE for n in notes)
    return DueProcess(request, parties, notes, missing, public_needed)


def direct_sale_list() -> QuerySet[DirectSale]:
    return DirectSale.objects.select_related("asset", "valuation", "requested_by", "approved_by", "completed_by")


def direct_sales_for_asset(asset_id: int) -> QuerySet[DirectSale]:
    return (DirectSale.objects.filter(asset_id=asset_id)
            .select_related("valuation", "requested_by", "approved_by", "completed_by", "journal_entry")
            .order_by("-requested_at", "-id"))


# --------------------------------------------------------------------------------------------
# The recommendation, as one query
# --------------------------------------------------------------------------------------------


class DaysBetween(Func):
    """Whole days from the first date to the second (negative if the second is earlier)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):  # date - date is an integer
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        return f"(({end})::date - ({start})::date)", (*end_params, *start_params)


def _dec(value) -> Cast:
    """A decimal constant typed as numeric in the SQL (a bare 1 would make 40 * 1 / 365 integer division)."""
    return Cast(Value(Decimal(value)), output_field=WIDE)


def _money(expr) -> ExpressionWrapper:
    return ExpressionWrapper(expr, output_field=WIDE)


def _params() -> dict:
    return {
        "cost_pct": Decimal(settings.EARLY_SALE_COST_PERCENT) / 100,
        "cost_fixed": Decimal(settings.EARLY_SALE_COST_FIXED),
        "threshold": Decimal(settings.EARLY_SALE_THRESHOLD_AMOUNT),
        "threshold_pct": Decimal(settings.EARLY_SALE_THRESHOLD_PERCENT) / 100,
        "urgency": settings.EARLY_SALE_URGENCY_DAYS,
    }


def early_sale_base_queryset(*, as_of: date) -> QuerySet[Asset]:
    """Stage one of the recommendation, for every asset in custody: what it is worth and since
    when (latest approved appraisal, else its declared value at registration), when its case is
    expected to be decided, and what it costs per day (storage location rate when in the asset's
    currency, plus its running costs)."""
    today = Value(as_of)
    horizon = Value(as_of + timedelta(days=settings.EARLY_SALE_DEFAULT_HORIZON_DAYS))
    running_costs = (AssetCost.objects.filter(asset_id=OuterRef("pk"), currency=OuterRef("currency"),
                                              starts_on__lte=as_of)
                     .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=as_of))
                     .order_by().values("asset_id").annotate(total=Sum("daily_amount")).values("total"))
    return (Asset.objects.filter(status__in=RECOMMENDATION_STATES)
            .annotate(
                held_since=TruncDate("created_at"),
                appraised=ExpressionWrapper(Q(current_valuation__amount__isnull=False), output_field=BooleanField()),
                value_currency=Coalesce(F("current_valuation__currency"), F("currency"), output_field=CharField()),
                base_value=Coalesce(F("current_valuation__amount"), F("declared_value"), _dec(0), output_field=WIDE),
                base_date=Coalesce(F("current_valuation__value_date"), F("held_since")),
                decision_date=Coalesce(F("case__expected_decision_date"), horizon),
                days_to_decision=Greatest(DaysBetween(today, F("decision_date")), Value(0)),
                storage_rate=Case(When(location__currency=F("currency"), then=F("location__daily_rate")),
                                  default=_dec(0), output_field=WIDE),
                running_rate=Coalesce(Subquery(running_costs, output_field=WIDE), _dec(0), output_field=WIDE),
                officer_id=F("case__case_officer_id"),
            ))


# Stage two on PostgreSQL: plain SQL over stage one's columns. Each layer is a subquery with
# OFFSET 0, which keeps the planner from folding the layers together (folding would compute each
# figure again wherever a later layer mentions it); rows stream through, nothing is materialised.
_STAGE_TWO_SQL = """
SELECT w.*, w.value_today - w.projected_value + w.accrued_costs - w.sale_cost AS net_benefit
FROM (
  SELECT v.*, v.daily_cost * v.days_to_decision AS accrued_costs,
         ROUND(v.value_today * %(cost_pct)s + %(cost_fixed)s, 2) AS sale_cost,
         COALESCE(v.left_today <= %(urgency)s, FALSE) OR (v.perishable AND v.left_today IS NULL) AS urgent
  FROM (
    SELECT g.*, ROUND(g.base_value * g.rf_today * g.sf_today, 2) AS value_today,
           ROUND(g.base_value * g.rf_decision * g.sf_decision, 2) AS projected_value
    FROM (
      SELECT f.*,
             CASE WHEN f.left_then IS NULL THEN 1 WHEN f.left_then <= 0 THEN 0
                  ELSE GREATEST(f.left_today, 0)::numeric / f.left_then END AS sf_today,
             CASE WHEN f.left_then IS NULL THEN 1 WHEN f.left_then <= 0 THEN 0
                  ELSE GREATEST(f.left_decision, 0)::numeric / f.left_then END AS sf_decision,
             ROUND(f.storage_rate + f.running_rate + ROUND(f.upkeep * f.quantity, 2), 2) AS daily_cost
      FROM (
        SELECT b.*,
               -- the depreciation factor (a ratio, not an amount) in double precision, kept to 12 decimals
               CASE WHEN p.base_rate IS NULL THEN 1::numeric ELSE ROUND(POWER(p.base_rate,
                    GREATEST(%(today)s::date - b.base_date, 0) / 365.0)::numeric, 12) END AS rf_today,
               CASE WHEN p.base_rate IS NULL THEN 1::numeric ELSE ROUND(POWER(p.base_rate,
                    GREATEST(b.decision_date - b.base_date, 0) / 365.0)::numeric, 12) END AS rf_decision,
               p.shelf - (b.base_date - b.held_since) AS left_then,
               p.shelf - (%(today)s::date - b.held_since) AS left_today,
               p.shelf - (b.decision_date - b.held_since) AS left_decision,
               COALESCE(p.upkeep, 0) AS upkeep
        FROM ({base}) b
        LEFT JOIN (VALUES {profiles}) AS p(category, base_rate, shelf, upkeep) ON p.category = b.category
        OFFSET 0) f
      OFFSET 0) g
    OFFSET 0) v
  OFFSET 0) w
"""

STAGE_ONE_COLUMNS = {
    "b_id": "pk", "b_case": "case_id", "b_officer": "officer_id", "category": "category", "quantity": "quantity",
    "perishable": "perishable", "held_since": "held_since", "appraised": "appraised",
    "value_currency": "value_currency", "base_value": "base_value", "base_date": "base_date",
    "decision_date": "decision_date", "days_to_decision": "days_to_decision", "storage_rate": "storage_rate",
    "running_rate": "running_rate",
}


def early_sale_sql(*, as_of: date, only_candidates: bool = True,
                   profiles: dict[str, DepreciationProfile] | None = None) -> tuple[str, list]:
    """The whole recommendation as one SQL statement returning the columns CANDIDATE_COLUMNS names:
    stage one built by the ORM (early_sale_base_queryset), stage two the formulas of
    valuation.depreciation in SQL, optionally filtered to the candidates."""
    profiles = profiles if profiles is not None else profiles_by_category()
    params = _params()
    stage_one = early_sale_base_queryset(as_of=as_of).annotate(
        b_id=F("pk"), b_case=F("case_id"), b_officer=F("officer_id"))
    stage_one = stage_one.values(*STAGE_ONE_COLUMNS).order_by()
    base_sql, base_params = stage_one.query.sql_with_params()
    rows, profile_params = [], []
    for category, p in sorted(profiles.items()):
        rows.append("(%s, %s::float8, %s::integer, %s::numeric)")
        rate = None if p.yearly_rate_percent in (None, Decimal(0)) else max(1 - Decimal(p.yearly_rate_percent) / 100, 0)
        profile_params += [category, rate, p.shelf_life_days, p.daily_upkeep or Decimal("0")]
    if not rows:
        rows.append("(%s, %s::float8, %s::integer, %s::numeric)")
        profile_params += ["", None, None, Decimal("0")]
    sql = _STAGE_TWO_SQL.replace("{base}", base_sql).replace("{profiles}", ", ".join(rows))
    named = {"cost_pct": params["cost_pct"], "cost_fixed": params["cost_fixed"], "urgency": params["urgency"],
             "today": as_of}
    # Turn the named placeholders into positional ones, in the order they appear.
    positional: list = []
    pieces = re.split(r"(%\((?:cost_pct|cost_fixed|urgency|today)\)s|%s)", sql)
    out = []
    base_iter = iter([*base_params, *profile_params])
    for piece in pieces:
        match = re.fullmatch(r"%\((\w+)\)s", piece)
        if match:
            out.append("%s")
            positional.append(named[match.group(1)])
        elif piece == "%s":
            out.append("%s")
            positional.append(next(base_iter))
        else:
            out.append(piece)
    sql = "".join(out)
    if only_candidates:
        # Only categories that may be sold early (custody's CATEGORY_RULES: not cash, bank accounts, bullion).
        sql = ("SELECT * FROM (" + sql + ") r WHERE r.category = ANY(%s) "
               "AND (r.urgent OR (r.net_benefit >= %s AND r.net_benefit >= r.value_today * %s))")
        positional += [categories_where(lambda rule: rule.early_sale), params["threshold"], params["threshold_pct"]]
    return sql, positional


# valuation_earlysalecandidate column <- column of early_sale_sql
CANDIDATE_COLUMNS = [
    ("asset_id", "b_id"), ("case_id", "b_case"), ("case_officer_id", "b_officer"), ("currency", "value_currency"),
    ("value_today", "value_today"), ("appraised", "appraised"), ("decision_date", "decision_date"),
    ("days_to_decision", "days_to_decision"), ("projected_value", "projected_value"), ("daily_cost", "daily_cost"),
    ("accrued_costs", "accrued_costs"), ("sale_cost", "sale_cost"), ("net_benefit", "net_benefit"),
    ("urgent", "urgent"), ("shelf_days_left", "left_today"),
]


def early_sale_rows(*, as_of: date, only_candidates: bool = True, asset_ids: list[int] | None = None):
    """The recommendation's rows as dicts keyed by the candidate table's columns (CANDIDATE_COLUMNS),
    computed by the database (early_sale_sql); optionally only for some assets."""
    sql, sql_params = early_sale_sql(as_of=as_of, only_candidates=only_candidates)
    if asset_ids is not None:
        sql, sql_params = f"SELECT * FROM ({sql}) s WHERE s.b_id = ANY(%s)", [*sql_params, list(asset_ids)]
    with connection.cursor() as cursor:
        cursor.execute(sql, sql_params)
        names = [col.name for col in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            yield {column: row[source] for column, source in CANDIDATE_COLUMNS}


def early_sale_candidates(*, officer=None, ordering: str = "") -> QuerySet[EarlySaleCandidate]:
    qs = EarlySaleCandidate.objects.select_related("asset", "case", "case_officer", "run")
    if officer is not None:
        qs = qs.filter(case_officer=officer)
    return qs.order_by(*(ordering.split(",") if ordering else ["-urgent", "-net_benefit"]), "asset_id")


# --------------------------------------------------------------------------------------------
# The staff dashboard
# --------------------------------------------------------------------------------------------


def early_sale_request_counts(statuses: Iterable[str]) -> dict[str, int]:
    return counts_by(EarlySaleRequest.objects.all(), "status", statuses)


def appraisal_counts(statuses: Iterable[str]) -> dict[str, int]:
    return counts_by(Appraisal.objects.all(), "status", statuses)


def direct_sale_counts(statuses: Iterable[str]) -> dict[str, int]:
    return counts_by(DirectSale.objects.all(), "status", statuses)
