"""Reads of international cooperation: the yearly report per counterpart state, the assets frozen
abroad by country and stage (the status map and its table), and the agreements the public may read."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django_countries import countries

from .models import (
    AgreementStatus,
    AgreementTransfer,
    AssetFrozenAbroad,
    CooperationRequest,
    Direction,
    ForeignStage,
    RequestStatus,
    SharingAgreement,
)
from .models.cooperation import LIVE_FOREIGN_STAGES, PENDING_REQUEST_STATES

# --------------------------------------------------------------------------------------------
# The yearly report per counterpart state
# --------------------------------------------------------------------------------------------


@dataclass
class StateYear:
    """One counterpart state's requests of a year (sent on a day of that year, either way)."""

    state: str
    sent: int = 0
    received: int = 0
    answered: int = 0
    refused: int = 0
    pending: int = 0
    withdrawn: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return countries.name(self.state) or self.state

    @property
    def total(self) -> int:
        return self.sent + self.received

    @property
    def median_days(self) -> float | int | None:
        """The median days from sending to the answer or refusal (None: nothing replied yet)."""
        if not self.days:
            return None
        median = statistics.median(self.days)
        return int(median) if float(median).is_integer() else median

    def add(self, request: CooperationRequest) -> None:
        if request.direction == Direction.SENT:
            self.sent += 1
        else:
            self.received += 1
        if request.status == RequestStatus.ANSWERED:
            self.answered += 1
        elif request.status == RequestStatus.REFUSED:
            self.refused += 1
        elif request.status in PENDING_REQUEST_STATES:
            self.pending += 1
        else:
            self.withdrawn += 1
        if request.status in (RequestStatus.ANSWERED, RequestStatus.REFUSED) and request.answered_on:
            self.days.append(request.days_to_answer)


@dataclass(frozen=True)
class YearlyReport:
    year: int
    rows: list[StateYear]
    total: StateYear


def cooperation_years() -> list[int]:
    """The years in which a request was sent, newest first (this year at least)."""
    years = {d.year for d in CooperationRequest.objects.dates("sent_on", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def cooperation_yearly_report(*, year: int) -> YearlyReport:
    """Per counterpart state, the requests sent on a day of `year` (by us, or to us): how many were
    sent and received, answered, refused and still pending, and the median days to the reply
    (answers and refusals alike). States are in the order of their names in the active language."""
    by_state: dict[str, StateYear] = {}
    total = StateYear(state="")
    requests = CooperationRequest.objects.filter(sent_on__year=year).only(
        "direction", "status", "counterpart_state", "sent_on", "answered_on")
    for request in requests:
        code = str(request.counterpart_state)
        by_state.setdefault(code, StateYear(state=code)).add(request)
        total.add(request)
    rows = sorted(by_state.values(), key=lambda row: row.name)
    return YearlyReport(year=year, rows=rows, total=total)


# --------------------------------------------------------------------------------------------
# Assets frozen abroad: the status map and its table
# --------------------------------------------------------------------------------------------

STAGE_ORDER = [s.value for s in ForeignStage]


@dataclass
class CountryStatus:
    country: str
    items: list[AssetFrozenAbroad] = field(default_factory=list)

    @property
    def name(self) -> str:
        return countries.name(self.country) or self.country

    @property
    def earliest_stage(self) -> str:
        """The least advanced stage of the country's live assets (where things wait longest)."""
        live = [i.stage for i in self.items if i.stage in LIVE_FOREIGN_STAGES] or [i.stage for i in self.items]
        return min(live, key=STAGE_ORDER.index)

    @property
    def per_stage(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for item in self.items:
            counts[item.stage] += 1
        return {stage: counts[stage] for stage in STAGE_ORDER if counts[stage]}

    @property
    def amounts(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for item in self.items:
            if item.stage in LIVE_FOREIGN_STAGES:
                totals[item.currency] += item.amount
        return dict(sorted(totals.items()))


def frozen_abroad_listing() -> QuerySet[AssetFrozenAbroad]:
    return AssetFrozenAbroad.objects.select_related("case", "agreement", "request")


def frozen_abroad_by_country(*, include_ended: bool = False) -> list[CountryStatus]:
    """The assets frozen abroad, grouped by country (names in the active language), oldest freezing
    first within each; those returned or released only with `include_ended`."""
    items = frozen_abroad_listing().order_by("frozen_on", "pk")
    if not include_ended:
        items = items.filter(stage__in=LIVE_FOREIGN_STAGES)
    grouped: dict[str, CountryStatus] = {}
    for item in items:
        code = str(item.country)
        grouped.setdefault(code, CountryStatus(country=code)).items.append(item)
    return sorted(grouped.values(), key=lambda c: c.name)


# --------------------------------------------------------------------------------------------
# The public record of agreements
# --------------------------------------------------------------------------------------------


def agreements_public() -> QuerySet[SharingAgreement]:
    """Agreements marked publishable and signed (in force or closed), with their shares and transfers."""
    return (SharingAgreement.objects.filter(publishable=True)
            .exclude(status=AgreementStatus.DRAFT)
            .prefetch_related("shares", Prefetch("transfers", queryset=AgreementTransfer.objects.select_related(
                "payment").order_by("payment__paid_on", "pk")))
            .order_by("-signed_on", "-pk"))
