"""Reads: current values, appraisal histories, due-process status, and the set-based early-sale
recommendation query."""

from __future__ import annotations

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
    FloatField,
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
from django.db.models.functions import Cast, Coalesce, Greatest, Power, Round, TruncDate

from custody.models import Asset, AssetStatus, EarlySaleRequest, EarlySaleStatus, Party, PartyRole

from . import depreciation
from .models import (
    Appraisal,
    AppraisalStatus,
    AssetCost,
    CurrentValuation,
    DepreciationProfile,
    DirectSale,
    EarlySaleCandidate,
    EarlySaleNotification,
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


def appraisals_awaiting_review() -> QuerySet[Appraisal]:
    return (Appraisal.objects.filter(status=AppraisalStatus.SUBMITTED)
            .select_related("asset__case", "valuer").order_by("submitted_at", "id"))


def profiles_by_category() -> dict[str, DepreciationProfile]:
    return {p.category: p for p in DepreciationProfile.objects.all()}


# --------------------------------------------------------------------------------------------
# Early sale: which request is current, who must be notified
# --------------------------------------------------------------------------------------------


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

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL: date - date is an integer
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        return f"(({end})::date - ({start})::date)", (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        return (f"CAST(ROUND(julianday({end}) - julianday({start})) AS INTEGER)",
                (*end_params, *start_params))


def _dec(value) -> Cast:
    """A decimal constant typed as numeric in the SQL (a bare 1 would make 40 * 1 / 365 integer division)."""
    return Cast(Value(Decimal(value)), output_field=WIDE)


def _money(expr) -> ExpressionWrapper:
    return ExpressionWrapper(expr, output_field=WIDE)


def _rate_factor(profiles: dict[str, DepreciationProfile], days) -> Case:
    """(1 − r/100)^(days/365) for categories with a yearly rate; 1 for the others."""
    whens = []
    for category, p in profiles.items():
        if not p.yearly_rate_percent:
            continue
        base = 1 - Decimal(p.yearly_rate_percent) / 100
        if base <= 0:
            whens.append(When(category=category, then=_dec(0)))
            continue
        exponent = _money(ExpressionWrapper(Greatest(days, Value(0)), output_field=WIDE) * _dec(1) / _dec(365))
        # The factor (not an amount) is computed in double precision, six times faster than numeric
        # power, and rounded to 12 decimals, as depreciation.rate_factor does; amounts stay numeric.
        power = Power(Cast(_dec(base), FloatField()), Cast(exponent, FloatField()), output_field=FloatField())
        whens.append(When(category=category, then=Cast(power, output_field=WIDE)))
    return Case(*whens, default=_dec(1), output_field=WIDE)


def _shelf_left(profiles: dict[str, DepreciationProfile], on) -> Case:
    """Days of shelf life left on a date: L − (date − seizure) for categories with a shelf life."""
    whens = [When(category=c, then=ExpressionWrapper(Value(p.shelf_life_days) - DaysBetween(F("held_since"), on),
                                                       output_field=IntegerField()))
             for c, p in profiles.items() if p.shelf_life_days]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def _upkeep(profiles: dict[str, DepreciationProfile]) -> Case:
    whens = [When(category=c, then=_dec(p.daily_upkeep)) for c, p in profiles.items() if p.daily_upkeep]
    return Case(*whens, default=_dec(0), output_field=WIDE)


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


def early_sale_candidates_queryset(*, as_of: date, profiles: dict[str, DepreciationProfile] | None = None,
                                   only_candidates: bool = True) -> QuerySet[Asset]:
    """The whole recommendation as one SQL statement (PostgreSQL; SQLite's parser cannot nest this
    deep, see `early_sale_rows`). On top of stage one (see valuation.depreciation for the formulas):

    value_today, projected_value (at the case's expected decision date, or today + the default
    horizon), daily_cost (+ profile upkeep × quantity), accrued_costs (daily_cost × days to
    decision), sale_cost (a share of the value plus a fixed amount), net_benefit = value_today −
    projected_value + accrued_costs − sale_cost, shelf_left_today and urgent (perishable within the
    urgency window); filtered to the candidates unless only_candidates is False.
    """
    profiles = profiles if profiles is not None else profiles_by_category()
    params = _params()
    today = Value(as_of)
    qs = (early_sale_base_queryset(as_of=as_of)
          .annotate(
              shelf_left_then=_shelf_left(profiles, F("base_date")),
              shelf_left_today=_shelf_left(profiles, today),
              shelf_left_decision=_shelf_left(profiles, F("decision_date")),
          )
          .annotate(
              shelf_factor_today=Case(
                  When(shelf_left_then__isnull=True, then=_dec(1)),
                  When(shelf_left_then__lte=0, then=_dec(0)),
                  default=_money(Greatest(F("shelf_left_today"), Value(0)) * _dec(1) / F("shelf_left_then")),
                  output_field=WIDE),
              shelf_factor_decision=Case(
                  When(shelf_left_then__isnull=True, then=_dec(1)),
                  When(shelf_left_then__lte=0, then=_dec(0)),
                  default=_money(Greatest(F("shelf_left_decision"), Value(0)) * _dec(1) / F("shelf_left_then")),
                  output_field=WIDE),
              rate_factor_today=_rate_factor(profiles, DaysBetween(F("base_date"), today)),
              rate_factor_decision=_rate_factor(profiles, DaysBetween(F("base_date"), F("decision_date"))),
              upkeep_rate=_money(_upkeep(profiles) * F("quantity")),
          )
          .annotate(
              value_today=Round(_money(F("base_value") * F("rate_factor_today") * F("shelf_factor_today")), 2,
                                output_field=MONEY),
              projected_value=Round(
                  _money(F("base_value") * F("rate_factor_decision") * F("shelf_factor_decision")), 2,
                  output_field=MONEY),
              daily_cost=Round(_money(F("storage_rate") + F("running_rate") + Round(F("upkeep_rate"), 2)), 2,
                               output_field=MONEY),
          )
          .annotate(
              accrued_costs=_money(F("daily_cost") * F("days_to_decision")),
              sale_cost=Round(_money(F("value_today") * _dec(params["cost_pct"]) + _dec(params["cost_fixed"])), 2,
                              output_field=MONEY),
          )
          .annotate(
              net_benefit=_money(F("value_today") - F("projected_value") + F("accrued_costs") - F("sale_cost")),
              # CASE, not a bare boolean expression: NULL <= 30 is NULL, and urgent must be true or false.
              urgent=Case(
                  When(Q(shelf_left_today__lte=params["urgency"]) | Q(perishable=True, shelf_left_today__isnull=True),
                       then=Value(True)),
                  default=Value(False), output_field=BooleanField()),
          ))
    candidate = (Q(shelf_left_today__lte=params["urgency"])
                 | Q(perishable=True, shelf_left_today__isnull=True)
                 | (Q(net_benefit__gte=_dec(params["threshold"]))
                    & Q(net_benefit__gte=_money(F("value_today") * _dec(params["threshold_pct"])))))
    if only_candidates:
        qs = qs.filter(candidate)
    return qs


def candidate_columns_q() -> Q:
    """The candidate rule on the stored candidate columns (used to prune a run's rows)."""
    params = _params()
    return (Q(urgent=True) | (Q(net_benefit__gte=params["threshold"])
                              & Q(net_benefit__gte=F("value_today") * params["threshold_pct"])))


CANDIDATE_FIELDS = ["asset_id", "case_id", "case_officer_id", "currency", "value_today", "appraised", "decision_date",
                    "days_to_decision", "projected_value", "daily_cost", "accrued_costs", "sale_cost", "net_benefit",
                    "urgent", "shelf_days_left"]


def figures_from_base(row: dict, profile: depreciation.Profile, *, as_of: date, params: dict) -> dict:
    """Stage two in Python, from a stage-one row: the same formulas as the SQL of
    `early_sale_candidates_queryset`. Returns the candidate's fields plus `is_candidate`."""
    held_since = row["held_since"]
    base = Decimal(row["base_value"]).quantize(depreciation.CENT)
    value_today = depreciation.project_value(profile, amount=base, value_date=row["base_date"], on=as_of,
                                             held_since=held_since)
    projected = depreciation.project_value(profile, amount=base, value_date=row["base_date"],
                                           on=row["decision_date"], held_since=held_since)
    daily = (Decimal(row["storage_rate"]) + Decimal(row["running_rate"])
             + depreciation.daily_upkeep(profile, Decimal(row["quantity"]))).quantize(depreciation.CENT)
    accrued = daily * row["days_to_decision"]
    sale_cost = (value_today * params["cost_pct"] + params["cost_fixed"]).quantize(depreciation.CENT)
    net = value_today - projected + accrued - sale_cost
    left = depreciation.shelf_days_left(profile, held_since=held_since, on=as_of)
    urgent = (left is not None and left <= params["urgency"]) or (row["perishable"] and left is None)
    candidate = urgent or (net >= params["threshold"] and net >= value_today * params["threshold_pct"])
    return {
        "asset_id": row["pk"], "case_id": row["case_id"], "case_officer_id": row["officer_id"],
        "currency": row["value_currency"], "value_today": value_today, "appraised": bool(row["appraised"]),
        "decision_date": row["decision_date"], "days_to_decision": row["days_to_decision"],
        "projected_value": projected, "daily_cost": daily, "accrued_costs": accrued.quantize(depreciation.CENT),
        "sale_cost": sale_cost, "net_benefit": net.quantize(depreciation.CENT), "urgent": urgent,
        "shelf_days_left": left, "is_candidate": candidate,
    }


BASE_FIELDS = ["pk", "case_id", "officer_id", "category", "quantity", "perishable", "held_since", "appraised",
               "value_currency", "base_value", "base_date", "decision_date", "days_to_decision", "storage_rate",
               "running_rate"]


def early_sale_rows(*, as_of: date, only_candidates: bool = True):
    """The recommendation's rows as dicts of CANDIDATE_FIELDS. On PostgreSQL the database computes
    everything; elsewhere it computes stage one and Python the (per-row, constant-time) rest."""
    if connection.vendor == "postgresql":
        qs = early_sale_candidates_queryset(as_of=as_of, only_candidates=only_candidates)
        for row in qs.values("pk", "case_id", "officer_id", "value_currency", "value_today", "appraised",
                             "decision_date", "days_to_decision", "projected_value", "daily_cost", "accrued_costs",
                             "sale_cost", "net_benefit", "urgent", "shelf_left_today").iterator(chunk_size=5000):
            yield {"asset_id": row["pk"], "case_id": row["case_id"], "case_officer_id": row["officer_id"],
                   "currency": row["value_currency"], "value_today": row["value_today"],
                   "appraised": row["appraised"], "decision_date": row["decision_date"],
                   "days_to_decision": row["days_to_decision"], "projected_value": row["projected_value"],
                   "daily_cost": row["daily_cost"], "accrued_costs": Decimal(row["accrued_costs"]).quantize(
                       depreciation.CENT), "sale_cost": row["sale_cost"],
                   "net_benefit": Decimal(row["net_benefit"]).quantize(depreciation.CENT), "urgent": row["urgent"],
                   "shelf_days_left": row["shelf_left_today"]}
        return
    profiles = {c: depreciation.Profile.of(p) for c, p in profiles_by_category().items()}
    params = _params()
    for row in early_sale_base_queryset(as_of=as_of).values(*BASE_FIELDS).iterator(chunk_size=5000):
        figures = figures_from_base(row, profiles.get(row["category"], depreciation.Profile()), as_of=as_of,
                                    params=params)
        if figures.pop("is_candidate") or not only_candidates:
            yield figures


@dataclass(frozen=True)
class Figures:
    """The recommendation's numbers for one asset, computed in Python (the reference)."""

    value_today: Decimal
    projected_value: Decimal
    decision_date: date
    days_to_decision: int
    daily_cost: Decimal
    accrued_costs: Decimal
    sale_cost: Decimal
    net_benefit: Decimal
    shelf_days_left: int | None
    urgent: bool
    candidate: bool
    appraised: bool


def early_sale_figures(asset: Asset, *, as_of: date) -> Figures:
    from django.utils import timezone

    profile_row = DepreciationProfile.objects.filter(category=asset.category).first()
    profile = depreciation.Profile.of(profile_row)
    valuation = CurrentValuation.objects.filter(asset_id=asset.pk).first()
    held_since = timezone.localdate(asset.created_at)
    base = valuation.amount if valuation else (asset.declared_value or ZERO)
    base_date = valuation.value_date if valuation else held_since
    decision = asset.case.expected_decision_date or as_of + timedelta(days=settings.EARLY_SALE_DEFAULT_HORIZON_DAYS)
    days = max((decision - as_of).days, 0)
    today_value = depreciation.project_value(profile, amount=base, value_date=base_date, on=as_of,
                                             held_since=held_since)
    projected = depreciation.project_value(profile, amount=base, value_date=base_date, on=decision,
                                           held_since=held_since)
    storage = ZERO
    if asset.location_id and asset.location.currency == asset.currency:
        storage = asset.location.daily_rate
    running = (AssetCost.objects.filter(asset=asset, currency=asset.currency, starts_on__lte=as_of)
               .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=as_of))
               .aggregate(t=Sum("daily_amount"))["t"] or ZERO)
    daily = (storage + running + depreciation.daily_upkeep(profile, asset.quantity)).quantize(depreciation.CENT)
    accrued = daily * days
    sale_cost = (today_value * Decimal(settings.EARLY_SALE_COST_PERCENT) / 100
                 + Decimal(settings.EARLY_SALE_COST_FIXED)).quantize(depreciation.CENT)
    net = today_value - projected + accrued - sale_cost
    left = depreciation.shelf_days_left(profile, held_since=held_since, on=as_of)
    urgent = (left is not None and left <= settings.EARLY_SALE_URGENCY_DAYS) or (asset.perishable and left is None)
    candidate = urgent or (net >= Decimal(settings.EARLY_SALE_THRESHOLD_AMOUNT)
                           and net >= today_value * Decimal(settings.EARLY_SALE_THRESHOLD_PERCENT) / 100)
    return Figures(today_value, projected, decision, days, daily, accrued.quantize(depreciation.CENT), sale_cost,
                   net.quantize(depreciation.CENT), left, urgent, candidate, valuation is not None)


def early_sale_candidates(*, officer=None, ordering: str = "") -> QuerySet[EarlySaleCandidate]:
    qs = EarlySaleCandidate.objects.select_related("asset", "case", "case_officer", "run")
    if officer is not None:
        qs = qs.filter(case_officer=officer)
    return qs.order_by(*(ordering.split(",") if ordering else ["-urgent", "-net_benefit"]), "asset_id")
