"""The open data: one row per public asset, and the ledger's flows by account type, as CSV and JSON
streamed from the database a chunk at a time (100,000 rows never sit in memory at once), described
by a Frictionless Data package (`datapackage.json`, a Table Schema per resource) and the data
dictionary page, both generated from the column definitions below.

No personal data: the rows carry no title, description, party, buyer, address or identity number,
only the register's reference, the category, the country of origin, the area where the asset is
kept (a town or region, never an address), dates, days and amounts. The flows are sums per month and
account type, with no case, asset or memo.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from custody.models import AssetCategory, DispositionMethod
from custody.selectors import public_assets
from disposition.models import (
    Allocation,
    AllocationPayment,
    Assessment,
    BeneficiaryKind,
    Claim,
    ClaimantType,
    ClaimOutcome,
    ClaimStatus,
    ClaimSubject,
    DecisionKind,
    DecisionStatus,
    MonitoringReport,
    ReportKind,
    Sector,
    UnusedReason,
)
from disposition.selectors import decisions_public
from ledger.models import AccountKind, AccountPurpose, EntryKind, Posting

from . import statistics
from .statistics import INTERVALS, ZERO, Stage, agency_currency, agency_zone, local_day

CHUNK = 2000  # rows fetched per round trip, and written per chunk of the response
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type
    title: Any
    description: Any
    enum: list[str] = field(default_factory=list)


def _days_description(label) -> str:
    return (_("Days (two decimals) %(what)s; empty when the asset has not gone through it.")
            % {"what": str(label).lower()})


# Written when read, in the reader's language (the columns are built once, at import).
_days_description_lazy = lazy(_days_description, str)


def _interval_columns() -> list[Column]:
    return [Column(f"days_{key}", "number", label, _days_description_lazy(label))
            for key, label, *_rest in INTERVALS]


ASSET_COLUMNS = [
    Column("asset_id", "integer", _("Asset number"), _("The register's number of the asset, stable over time.")),
    Column("reference", "string", _("Reference"), _("The register's reference (case reference and asset number).")),
    Column("stage", "string", _("Stage"), _("Where the asset is now: confiscated (held or awaiting disposition), "
                                            "sold (early, or after confiscation), assigned (social reuse or a "
                                            "public body), returned (to another state), destroyed or lost."),
           list(Stage.values)),
    Column("category", "string", _("Category"), _("The kind of asset."), list(AssetCategory.values)),
    Column("country_of_origin", "string", _("Country of origin"),
           _("The country the assets were taken from (ISO 3166-1 alpha-2 code).")),
    Column("area", "string", _("Area"), _("Town or region where it is kept, if the agency publishes one; never "
                                          "an address.")),
    Column("year", "integer", _("Year"), _("Year of the confiscation (agency time zone); for an asset sold early "
                                           "and not yet confiscated, of the early sale.")),
    Column("restrained_on", "date", _("Restrained on"), _("Date of the first restraint (freezing) order applied.")),
    Column("seized_on", "date", _("Seized on"), _("Date the asset was first taken into custody.")),
    Column("confiscated_on", "date", _("Confiscated on"), _("Date the confiscation was recorded.")),
    Column("sold_on", "date", _("Sold on"), _("Date the sale was recorded (handover to the buyer).")),
    Column("disposed_on", "date", _("Disposed of on"), _("Date of the final disposal after confiscation: sale, "
                                                         "assignment, return or destruction.")),
    *_interval_columns(),
    Column("currency", "string", _("Currency"), _("ISO 4217 code of the amounts (the agency's currency).")),
    Column("value_at_seizure", "number", _("Value at seizure"),
           _("The first approved appraisal, else the value declared at registration; empty when neither is in "
             "the agency's currency.")),
    Column("sale_price", "number", _("Sale price"), _("The asset's share of the hammer price of its paid invoice "
                                                      "(auction or direct sale); empty when not sold.")),
    Column("management_costs", "number", _("Management costs"),
           _("Storage and upkeep costs posted to the ledger for the asset, net of corrections.")),
    Column("disposition_kind", "string", _("Disposition"),
           _("The kind of the asset's current disposition decision (approved or later, not revoked); without one, "
             "how the register records it was disposed of; empty while it awaits a decision."),
           list(DecisionKind.values)),
    Column("beneficiary_type", "string", _("Beneficiary type"),
           _("The kind of body the current decision gives the asset to (NGO, social cooperative, municipality, "
             "public body); empty for other decisions."), list(BeneficiaryKind.values)),
]

DISPOSITION_COLUMNS = [
    Column("decision_id", "integer", _("Decision number"), _("The agency's number of the disposition decision; "
                                                             "monitoring-reports refer to it.")),
    Column("kind", "string", _("Kind"), _("What the decision does with the asset or the money."),
           list(DecisionKind.values)),
    Column("status", "string", _("Status"), _("Approved, executed, being monitored, completed, or revoked (after "
                                              "approval). Proposals are not published."), list(DecisionStatus.values)),
    Column("year", "integer", _("Year"), _("Year of the execution, else of the approval (agency time zone).")),
    Column("approved_on", "date", _("Approved on"), _("Date of the approval (four eyes).")),
    Column("executed_on", "date", _("Executed on"), _("Date it was carried out; empty until then.")),
    Column("asset_id", "integer", _("Asset number"), _("The public asset the decision disposes of (see assets); "
                                                       "empty for a decision over proceeds.")),
    Column("proceeds_of_asset_id", "integer", _("Proceeds of asset"),
           _("For a decision over proceeds: the sold public asset whose proceeds it assigns; empty for the "
             "confiscated-proceeds fund.")),
    Column("asset_category", "string", _("Category"), _("The category of the asset, or “proceeds” for money."),
           [*AssetCategory.values, "proceeds"]),
    Column("country_of_origin", "string", _("Country of origin"),
           _("The country the asset (or the sold asset whose proceeds are assigned) was taken from (ISO 3166-1 "
             "alpha-2); empty for the fund.")),
    Column("beneficiary_type", "string", _("Beneficiary type"), _("The kind of organisation it goes to."),
           list(BeneficiaryKind.values)),
    Column("beneficiary_sector", "string", _("Beneficiary sector"), _("The organisation's sector."),
           list(Sector.values)),
    Column("beneficiary_name", "string", _("Beneficiary"),
           _("The organisation's name, only when its record is marked public; never a person's.")),
    Column("recipient_state", "string", _("Recipient state"), _("For a return: the state (ISO 3166-1 alpha-2).")),
    Column("currency", "string", _("Currency"), _("ISO 4217 code of the amounts.")),
    Column("amount", "number", _("Amount"), _("For a decision over proceeds: the amount it assigns.")),
    Column("allocated", "number", _("Allocated"), _("For a decision over proceeds: the sum allocated to payees "
                                                    "(by type, never by name).")),
    Column("paid", "number", _("Paid"), _("For a decision over proceeds: the sum paid to the payees.")),
]

MONITORING_COLUMNS = [
    Column("report_id", "integer", _("Report number"), _("The agency's number of the monitoring report.")),
    Column("decision_id", "integer", _("Decision number"), _("The decision whose project was monitored "
                                                             "(see dispositions).")),
    Column("date", "date", _("Date"), _("Date of the review or visit.")),
    Column("kind", "string", _("Kind"), _("A desk review or a site visit."), list(ReportKind.values)),
    Column("assessment", "string", _("Assessment"), _("In use as agreed, partly used, unused or misused."),
           list(Assessment.values)),
    Column("reasons_unused", "string", _("Reasons unused"),
           _("Why the asset stands unused, as codes separated by a space: %(codes)s.")
           % {"codes": ", ".join(UnusedReason.values)}),
]

CLAIM_COLUMNS = [
    Column("claim_id", "integer", _("Claim number"), _("The agency's number of the claim.")),
    Column("claimant_type", "string", _("Claimant type"),
           _("Victim, bona fide owner, civil party, creditor or foreign state; never the claimant's name."),
           list(ClaimantType.values)),
    Column("subject", "string", _("Claim on"), _("The assets themselves, or their proceeds."),
           list(ClaimSubject.values)),
    Column("channel", "string", _("Channel"), _("Filed online, or on paper and recorded by staff."),
           ["online", "paper"]),
    Column("status", "string", _("Status"), _("Where the claim stands."), list(ClaimStatus.values)),
    Column("outcome", "string", _("Outcome"), _("Granted, partly granted or denied; empty until decided."),
           list(ClaimOutcome.values)),
    Column("year", "integer", _("Year"), _("Year the claim was filed (agency time zone).")),
    Column("filed_on", "date", _("Filed on"), _("Date the claim was filed or received.")),
    Column("decided_on", "date", _("Decided on"), _("Date of the first decision; empty until then.")),
    Column("days_to_decision", "number", _("Days to decision"),
           _("From filing to the first decision, in days to two decimals; empty until then.")),
    Column("currency", "string", _("Currency"), _("ISO 4217 code of the amounts.")),
    Column("amount_claimed", "number", _("Amount claimed"), _("What the claimant asked for.")),
    Column("amount_granted", "number", _("Amount granted"), _("What the decision granted; empty if denied or "
                                                              "undecided.")),
    Column("amount_paid", "number", _("Compensation paid"), _("What was transferred to the claimant.")),
]

COOPERATION_COLUMNS = [
    Column("record", "string", _("Record"),
           _("Requests for cooperation sent or received, foreign orders received, assets of our cases frozen abroad, "
             "or returns to other states."), list(statistics.CooperationRecord.values)),
    Column("country", "string", _("State"),
           _("The counterpart, issuing, freezing or receiving state (ISO 3166-1 alpha-2 code).")),
    Column("status", "string", _("Status"),
           _("Where the records stand: a request's status, a foreign order's status, the foreign procedure's stage "
             "of an asset frozen abroad, or the status of a return decision.")),
    Column("count", "integer", _("Number"), _("How many records of this kind stand at this status with this state.")),
    Column("currency", "string", _("Currency"), _("ISO 4217 code of the amount (the agency's currency).")),
    Column("amount", "number", _("Amount"),
           _("Assets frozen abroad: the amount frozen; returns: what was paid to the state; empty for requests and "
             "orders.")),
]

FLOW_COLUMNS = [
    Column("month", "yearmonth", _("Month"), _("Month of the ledger entries (agency time zone).")),
    Column("entry_kind", "string", _("Kind of entry"), _("The business event: sale, payment, cost, escrow to the "
                                                         "state, refund, reversal…"), [*EntryKind.values]),
    Column("account_purpose", "string", _("Account purpose"), _("What the account holds or records."),
           list(AccountPurpose.values)),
    Column("account_kind", "string", _("Account type"), _("Asset, liability, income, expense or equity."),
           list(AccountKind.values)),
    Column("currency", "string", _("Currency"), _("ISO 4217 code.")),
    Column("debits", "number", _("Debits"), _("Sum of the debits to accounts of this purpose that month.")),
    Column("credits", "number", _("Credits"), _("Sum of the credits, as a positive amount.")),
    Column("net", "number", _("Net"), _("Debits less credits.")),
    Column("postings", "integer", _("Postings"), _("How many postings the sums cover.")),
]


# ---- the rows ------------------------------------------------------------------------------------


def _days(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _sql(qs) -> tuple[str, tuple]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def _asset_rows_sql() -> tuple[str, list]:
    """One SELECT for every public asset row: the register's columns (the value at seizure among them),
    joined once each (hash joins) to the sale and cost postings summed per asset, the
    custody-log milestones and interval days grouped per asset, and the current public decision
    (DISTINCT ON). Every part is the ORM queryset the statistics use, so their rules are stated once;
    looked up asset by asset instead (correlated subqueries) it took 18 s over 70,000 assets."""
    keys = [key for key, *_rest in INTERVALS]
    method_kind = Case(When(disposition_method=DispositionMethod.RETURN, then=Value(DecisionKind.FOREIGN_RETURN)),
                       When(disposition_method="", then=None), default=F("disposition_method"),
                       output_field=CharField())
    assets = _sql(statistics.public_asset_facts().annotate(
        asset_id=F("pk"), stage_=F("stage"), country=F("country_of_origin"), year_=F("year"),
        value=F("value_at_seizure"), method_kind=method_kind,
    ).order_by().values("asset_id", "reference", "stage_", "category", "country", "public_area", "year_",
                        "confiscated_at", "value", "method_kind"))
    sales = _sql(statistics._per_asset(statistics._sale_postings(), negate=True))
    costs = _sql(statistics._per_asset(statistics._cost_postings()))
    milestones = _sql(statistics._intervals(statistics.milestones_by_asset(), "annotate").values(
        "asset_id", *statistics.MILESTONES, *[f"days_{key}" for key in keys]))
    decisions = _sql(decisions_public().exclude(status=DecisionStatus.REVOKED).filter(asset__isnull=False)
                     .order_by("asset_id", "-pk").distinct("asset_id")
                     .values("asset_id", "kind", beneficiary_kind=F("beneficiary__kind")))
    zone = settings.TIME_ZONE

    def day(column: str) -> str:
        return f"({column} AT TIME ZONE %s)::date"

    sql = (
        "SELECT a.asset_id, a.reference, a.stage_, a.category, a.country, a.public_area, a.year_, "
        f"{day('m.restrained_at')}, {day('m.seized_at')}, {day('a.confiscated_at')}, {day('m.sold_at')}, "
        f"{day('m.disposed_at')}, " + "".join(f"m.days_{key}, " for key in keys)
        + "a.value, s.total, c.total, coalesce(d.kind, a.method_kind), d.beneficiary_kind "
        f"FROM ({assets[0]}) a "
        f"LEFT JOIN ({sales[0]}) s ON s.entry__asset_id = a.asset_id "
        f"LEFT JOIN ({costs[0]}) c ON c.entry__asset_id = a.asset_id "
        f"LEFT JOIN ({milestones[0]}) m ON m.asset_id = a.asset_id "
        f"LEFT JOIN ({decisions[0]}) d ON d.asset_id = a.asset_id "
        "ORDER BY a.asset_id")
    return sql, [zone] * 5 + [*assets[1], *sales[1], *costs[1], *milestones[1], *decisions[1]]


ASSET_NAMES = ["asset_id", "reference", "stage", "category", "country_of_origin", "area", "year", "restrained_on",
               "seized_on", "confiscated_on", "sold_on", "disposed_on", *[f"days_{key}" for key, *_r in INTERVALS],
               "value_at_seizure", "sale_price", "management_costs", "disposition_kind", "beneficiary_type"]
_DAY_COLUMNS = {f"days_{key}" for key, *_r in INTERVALS}


def streamed(sql: str, params: list) -> Iterator[tuple]:
    """The rows of `sql`, fetched CHUNK at a time through a server-side cursor (Django's, as
    QuerySet.iterator() uses): memory holds one chunk, however many rows."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows


def asset_rows() -> Iterator[dict]:
    """One dict per public asset, in ASSET_COLUMNS order: one set-based query, streamed."""
    currency = agency_currency()
    for values in streamed(*_asset_rows_sql()):
        row = dict(zip(ASSET_NAMES, values, strict=True))
        for name in _DAY_COLUMNS:
            row[name] = _days(row[name])
        row["area"] = row["area"] or ""
        row["currency"] = currency
        row["disposition_kind"] = row["disposition_kind"] or ""
        row["beneficiary_type"] = row["beneficiary_type"] or ""
        yield {c.name: row[c.name] for c in ASSET_COLUMNS}


def _money_sum(qs, outer: str):
    return Subquery(qs.filter(**{outer: OuterRef("pk")}).order_by().values(outer).annotate(total=Sum("amount"))
                    .values("total"), output_field=DecimalField(max_digits=18, decimal_places=2))


def disposition_rows() -> Iterator[dict]:
    """One dict per decision the public record shows (disposition.selectors.decisions_public): its
    kind, status and dates, what it is about (a public asset, or proceeds), the beneficiary's type and
    sector (its name only when marked public), and for proceeds the amounts allocated and paid."""
    public = public_assets().values("pk")
    zone = agency_zone()
    qs = decisions_public().annotate(
        year_=Coalesce(ExtractYear("executed_at", tzinfo=zone), ExtractYear("approved_at", tzinfo=zone)),
        approved_on=local_day("approved_at"), executed_on=local_day("executed_at"),
        public_asset=Case(When(asset__in=public, then=F("asset_id")), default=None),
        public_proceeds_asset=Case(When(proceeds_asset__in=public, then=F("proceeds_asset_id")), default=None),
        category=Case(When(asset__isnull=True, then=Value("proceeds")), default=F("asset__category"),
                      output_field=CharField()),
        country=Coalesce(F("asset__case__country_of_origin"), F("proceeds_asset__case__country_of_origin"),
                         output_field=CharField()),
        beneficiary_type=F("beneficiary__kind"), beneficiary_sector=F("beneficiary__sector"),
        allocated=_money_sum(Allocation.objects.all(), "decision"),
        paid=_money_sum(AllocationPayment.objects.all(), "allocation__decision"),
    ).values_list("pk", "kind", "status", "year_", "approved_on", "executed_on", "public_asset",
                  "public_proceeds_asset", "category", "country", "beneficiary_type", "beneficiary_sector",
                  "beneficiary_public_name", "recipient_state", "currency", "amount", "allocated", "paid", named=True)
    for r in qs.iterator(chunk_size=CHUNK):
        over_proceeds = r.category == "proceeds"
        yield {
            "decision_id": r.pk, "kind": r.kind, "status": r.status, "year": r.year_,
            "approved_on": r.approved_on, "executed_on": r.executed_on, "asset_id": r.public_asset,
            "proceeds_of_asset_id": r.public_proceeds_asset, "asset_category": r.category,
            "country_of_origin": r.country or "", "beneficiary_type": r.beneficiary_type or "",
            "beneficiary_sector": r.beneficiary_sector or "", "beneficiary_name": r.beneficiary_public_name or "",
            "recipient_state": r.recipient_state or "", "currency": r.currency or "",
            "amount": r.amount, "allocated": (r.allocated or ZERO) if over_proceeds else None,
            "paid": (r.paid or ZERO) if over_proceeds else None,
        }


def monitoring_report_rows() -> Iterator[dict]:
    """One dict per publishable monitoring report of a public decision: no findings, no author."""
    qs = (MonitoringReport.objects.filter(publishable=True, project__decision__in=decisions_public().values("pk"))
          .order_by("project__decision_id", "date", "pk")
          .values_list("pk", "project__decision_id", "date", "kind", "assessment", "reasons_unused"))
    for pk, decision_id, date, kind, assessment, reasons in qs.iterator(chunk_size=CHUNK):
        yield {"report_id": pk, "decision_id": decision_id, "date": date, "kind": kind, "assessment": assessment,
               "reasons_unused": " ".join(sorted(reasons or []))}


def claim_rows() -> Iterator[dict]:
    """One dict per claim: its type, status, outcome, dates and amounts; no name, address, basis or document."""
    zone = agency_zone()
    qs = (Claim.objects.annotate(year_=ExtractYear("filed_at", tzinfo=zone), filed_on=local_day("filed_at"),
                                 decided_on=local_day("first_decided_at"),
                                 days=statistics.Days(F("first_decided_at"), F("filed_at")))
          .order_by("pk").values_list("pk", "claimant_type", "subject", "channel", "status", "outcome", "year_",
                                      "filed_on", "decided_on", "days", "currency", "amount_claimed",
                                      "amount_granted", named=True))
    for r in qs.iterator(chunk_size=CHUNK):
        decided = r.status in (ClaimStatus.DECIDED, ClaimStatus.PAID)
        yield {"claim_id": r.pk, "claimant_type": r.claimant_type, "subject": r.subject, "channel": r.channel,
               "status": r.status, "outcome": r.outcome if decided else "", "year": r.year_,
               "filed_on": r.filed_on, "decided_on": r.decided_on, "days_to_decision": _days(r.days),
               "currency": r.currency, "amount_claimed": r.amount_claimed,
               "amount_granted": r.amount_granted if decided else None,
               "amount_paid": r.amount_granted if r.status == ClaimStatus.PAID else ZERO}


def cooperation_rows() -> Iterator[dict]:
    """International cooperation counted by kind of record, state and status (cms.statistics, as the
    statistics page and API read it): no authority, reference, person or asset."""
    currency = agency_currency()
    for r in statistics.cooperation_rows():
        yield {"record": r.record, "country": r.country, "status": r.status, "count": r.count,
               "currency": currency, "amount": r.amount}


def flow_rows() -> Iterator[dict]:
    """The ledger's postings summed per month, kind of entry, account purpose and type, and currency."""
    qs = (Posting.objects.annotate(
        month=TruncMonth("entry__occurred_at", tzinfo=agency_zone()),
        entry_kind=Func(F("entry__idempotency_key"), Value(":"), Value(1), function="split_part",
                        output_field=CharField()),
    ).order_by().values("month", "entry_kind", "account__purpose", "account__kind", "currency").annotate(
        debits=Sum("amount", filter=Q(amount__gt=0), default=Decimal("0.00")),
        credits=Sum(F("amount") * -1, filter=Q(amount__lt=0), default=Decimal("0.00")),
        postings=Count("pk"),
    ).order_by("month", "account__purpose", "entry_kind", "account__kind", "currency"))
    for r in qs.iterator(chunk_size=CHUNK):
        yield {"month": r["month"].strftime("%Y-%m"), "entry_kind": r["entry_kind"],
               "account_purpose": r["account__purpose"], "account_kind": r["account__kind"],
               "currency": r["currency"], "debits": r["debits"], "credits": r["credits"],
               "net": r["debits"] - r["credits"], "postings": r["postings"]}


# ---- writing them ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # amounts as decimal strings, as the API writes them
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def csv_chunks(columns: list[Column], rows: Iterable[dict]) -> Iterator[str]:
    """The CSV, a header then CHUNK rows per piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_text(row[c.name]) for c in columns])
        count += 1
        if count % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array of objects, written CHUNK rows per piece."""
    pieces: list[str] = []
    first = True
    yield "["
    for row in rows:
        pieces.append(("\n" if first else ",\n") + json.dumps({k: _json_value(v) for k, v in row.items()},
                                                              ensure_ascii=False))
        first = False
        if len(pieces) == CHUNK:
            yield "".join(pieces)
            pieces = []
    yield "".join(pieces) + "\n]\n"


@dataclass(frozen=True)
class Resource:
    name: str
    title: Any
    description: Any
    columns: list[Column]
    rows: Callable[[], Iterator[dict]]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[dict] = field(default_factory=list)  # Table Schema foreignKeys


RESOURCES = [
    Resource("assets", _("Public assets"),
             _("One row per asset on the public record: confiscated, or sold early by court order. Restrained "
               "and seized assets are counted only in aggregate, on the statistics page."),
             ASSET_COLUMNS, asset_rows, ["asset_id"]),
    Resource("dispositions", _("Disposition decisions"),
             _("One row per disposition decision the public record shows (approved or later): the kind, status "
               "and dates, the asset or proceeds concerned, the beneficiary's type and sector, and the money "
               "allocated and paid. Payees are never named."),
             DISPOSITION_COLUMNS, disposition_rows, ["decision_id"],
             [{"fields": "asset_id", "reference": {"resource": "assets", "fields": "asset_id"}}]),
    Resource("monitoring-reports", _("Monitoring reports"),
             _("One row per monitoring report marked publishable, of the projects of the published decisions."),
             MONITORING_COLUMNS, monitoring_report_rows, ["report_id"],
             [{"fields": "decision_id", "reference": {"resource": "dispositions", "fields": "decision_id"}}]),
    Resource("claims", _("Claims of third parties and victims"),
             _("One row per claim on confiscated assets or their proceeds: who claims (by type), where it stands, "
               "the dates and the amounts claimed, granted and paid. Claimants are never named."),
             CLAIM_COLUMNS, claim_rows, ["claim_id"]),
    Resource("cooperation", _("International cooperation"),
             _("Requests for cooperation sent and received, foreign orders received, assets frozen abroad and returns "
               "to other states, counted by state and status, with the amounts frozen and returned."),
             COOPERATION_COLUMNS, cooperation_rows, ["record", "country", "status"]),
    Resource("ledger-flows", _("Ledger flows by account type"),
             _("The agency's double-entry ledger summed per month, kind of entry, account purpose and type."),
             FLOW_COLUMNS, flow_rows),
]
RESOURCE_BY_NAME = {r.name: r for r in RESOURCES}


def _field(column: Column) -> dict:
    descriptor = {"name": column.name, "type": column.type, "title": str(column.title),
                  "description": str(column.description)}
    if column.enum:
        descriptor["constraints"] = {"enum": column.enum}
    return descriptor


def datapackage(*, homepage: str = "") -> dict:
    """The Frictionless Data package descriptor: each resource's CSV with its Table Schema (its JSON
    twin is named alongside), the licence and the source."""
    resources = []
    for resource in RESOURCES:
        schema: dict = {"fields": [_field(c) for c in resource.columns], "missingValues": [""]}
        if resource.primary_key:
            schema["primaryKey"] = resource.primary_key
        if resource.foreign_keys:
            schema["foreignKeys"] = resource.foreign_keys
        resources.append({
            "name": resource.name, "title": str(resource.title),
            "description": f"{resource.description} " + str(_("Also as JSON: %(path)s.") % {
                "path": f"{resource.name}.json"}),
            "path": f"{resource.name}.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": schema, "licenses": [LICENSE],
        })
    source = {"title": settings.AGENCY_NAME}
    if homepage:
        source["path"] = homepage
    return {
        "name": "asset-recovery-public-record",
        "title": str(_("The public record of confiscated assets")),
        "description": str(_("Every confiscated asset and every cent, from seizure to its last use: the assets on "
                             "the public record and the ledger's flows. Amounts in the agency's currency.")),
        "licenses": [LICENSE],
        "sources": [source],
        "resources": resources,
    }
