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
from django.db.models import CharField, Count, F, Func, Q, Sum, Value
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from custody.models import AssetCategory, DispositionMethod
from ledger.models import AccountKind, AccountPurpose, EntryKind, Posting

from . import statistics
from .statistics import INTERVALS, Stage, agency_currency, agency_zone, local_day

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


def _interval_columns() -> list[Column]:
    return [Column(f"days_{key}", "number", label,
                   _("Days (two decimals) %(what)s; empty when the asset has not gone through it.")
                   % {"what": str(label).lower()}) for key, label, *_rest in INTERVALS]


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
    Column("disposition_kind", "string", _("Disposition"), _("How the asset was finally disposed of."),
           list(DispositionMethod.values)),
    Column("beneficiary_type", "string", _("Beneficiary type"),
           _("The kind of body the asset was assigned to (NGO, municipality, public body…); empty until "
             "disposition decisions are published.")),
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


def asset_rows() -> Iterator[dict]:
    """One dict per public asset, in ASSET_COLUMNS order, fetched CHUNK rows at a time."""
    keys = [key for key, *_rest in INTERVALS]
    qs = statistics.public_asset_facts().annotate(
        asset_id=F("pk"), stage_=F("stage"), country=F("country_of_origin"), area=F("location__public_area"),
        year_=F("year"), restrained_on=local_day("restrained_at"), seized_on=local_day("seized_at"),
        confiscated_on=local_day("confiscated_at"), sold_on=local_day("sold_at"),
        disposed_on=local_day("disposed_at"), value=F("value_at_seizure"), sale=F("sale_price"),
        costs=F("management_costs"), **{f"d_{key}": F(f"days_{key}") for key in keys},
    ).order_by("pk")
    currency = agency_currency()
    names = ["asset_id", "reference", "stage_", "category", "country", "area", "year_", "restrained_on", "seized_on",
             "confiscated_on", "sold_on", "disposed_on", *[f"d_{key}" for key in keys], "value", "sale", "costs",
             "disposition_method"]
    for r in qs.values_list(*names, named=True).iterator(chunk_size=CHUNK):
        yield {
            "asset_id": r.asset_id, "reference": r.reference, "stage": r.stage_, "category": r.category,
            "country_of_origin": r.country, "area": r.area or "", "year": r.year_,
            "restrained_on": r.restrained_on, "seized_on": r.seized_on, "confiscated_on": r.confiscated_on,
            "sold_on": r.sold_on, "disposed_on": r.disposed_on,
            **{f"days_{key}": _days(getattr(r, f"d_{key}")) for key in keys},
            "currency": currency, "value_at_seizure": r.value, "sale_price": r.sale, "management_costs": r.costs,
            "disposition_kind": r.disposition_method, "beneficiary_type": "",
        }


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


RESOURCES = [
    Resource("assets", _("Public assets"),
             _("One row per asset on the public record: confiscated, or sold early by court order. Restrained "
               "and seized assets are counted only in aggregate, on the statistics page."),
             ASSET_COLUMNS, asset_rows, ["asset_id"]),
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
