"""The public record's part of the JSON API (/api/v1/, assembled in config/api.py): the statistics and
the open data. Anyone may read them, without signing in: they hold no personal data and no
restrained or seized asset one by one. Endpoints parse, call cms.statistics or cms.open_data, answer.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from ninja import Router
from pydantic import BaseModel

from common.api import Amount, answers

from . import open_data, statistics

router = Router(tags=["public record"])

Grouping = Literal[statistics.GROUPINGS]  # type: ignore[valid-type]
ResourceName = Literal[tuple(open_data.RESOURCE_BY_NAME)]  # type: ignore[valid-type]
_NAMES = ", ".join(open_data.RESOURCE_BY_NAME)


class StatisticsRow(BaseModel):
    key: str
    count: int
    value: Amount


class Statistics(BaseModel):
    currency: str
    rows: list[StatisticsRow]


@router.get("/statistics/", operation_id="getStatistics", auth=None, url_name="statistics",
            summary="Counts and values at seizure of the public assets, by stage, category, country of origin "
                    "or year",
            description="Every grouping counts the same public assets (confiscated, or sold early), so their "
                        "totals agree. `value` is the value at seizure, in `currency`. The year is that of the "
                        "confiscation, or of the early sale for an asset not yet confiscated.",
            **answers({200: Statistics}, {400: "An unknown grouping"}))
def statistics_by(request: HttpRequest, by: Grouping = "stage") -> dict:
    rows = statistics.numbers(by).value
    return {"currency": statistics.agency_currency(),
            "rows": [{"key": row.key, "count": row.count, "value": row.value} for row in rows]}


class CooperationRowOut(BaseModel):
    record: Literal[tuple(statistics.CooperationRecord.values)]  # type: ignore[valid-type]
    country: str
    status: str
    count: int
    amount: Amount | None


class CooperationStatistics(BaseModel):
    currency: str
    rows: list[CooperationRowOut]


@router.get("/statistics/cooperation/", operation_id="getCooperationStatistics", auth=None,
            url_name="statistics_cooperation",
            summary="International cooperation counted by kind of record, state and status",
            description="Requests for cooperation sent and received (by counterpart state), foreign orders received "
                        "(by issuing state), assets of our cases frozen abroad (by country and foreign stage; "
                        "`amount`: the amount frozen) and returns to other states (disposition decisions of kind "
                        "return, by recipient state and status; `amount`: what was paid to the state). `country` is "
                        "an ISO 3166-1 alpha-2 code; amounts are in `currency`, null where the record has none. "
                        "The statistics page's cooperation tables add these rows up by state and by stage.",
            response=CooperationStatistics)
def statistics_cooperation(request: HttpRequest) -> dict:
    rows = statistics.numbers("cooperation").value
    return {"currency": statistics.agency_currency(),
            "rows": [{"record": r.record, "country": r.country, "status": r.status, "count": r.count,
                      "amount": r.amount} for r in rows]}


def _streamed(chunks, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _documented(media: str, what: str, shape: str, refusals: dict[int, str] | None = None) -> dict:
    """The answer (streamed, so not ninja's to render) and the refusals, in the Error body."""
    documented = answers({}, refusals or {})
    documented["openapi_extra"]["responses"][200] = {"description": what, "content": {media: {"schema": {
        "type": shape}}}}
    if not refusals:
        del documented["response"]
    return documented


# Before the resources: "datapackage.json" would otherwise be read as a resource named "datapackage".
@router.get("/open-data/datapackage.json", operation_id="getDataPackage", auth=None, url_name="open_data_package",
            summary="The Frictionless Data package describing the open data (a Table Schema per resource)",
            **_documented("application/json", "The datapackage.json descriptor", "object"))
def open_data_package(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(open_data.datapackage(homepage=request.build_absolute_uri("/")),
                            json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@router.get("/open-data/{resource}.csv", operation_id="getOpenDataCsv", auth=None, url_name="open_data_csv",
            summary=f"An open-data resource as CSV ({_NAMES}), streamed",
            **_documented("text/csv", "The resource's rows; its columns are described in datapackage.json", "string",
                         {404: "No such resource"}))
def open_data_csv(request: HttpRequest, resource: ResourceName) -> StreamingHttpResponse:
    found = open_data.RESOURCE_BY_NAME[resource]
    return _streamed(open_data.csv_chunks(found.columns, found.rows()), "text/csv; charset=utf-8",
                     f"{resource}.csv")


@router.get("/open-data/{resource}.json", operation_id="getOpenDataJson", auth=None, url_name="open_data_json",
            summary=f"An open-data resource as a JSON array of objects ({_NAMES}), streamed",
            **_documented("application/json", "The resource's rows; amounts are decimal strings", "array",
                         {404: "No such resource"}))
def open_data_json(request: HttpRequest, resource: ResourceName) -> StreamingHttpResponse:
    found = open_data.RESOURCE_BY_NAME[resource]
    return _streamed(open_data.json_chunks(found.rows()), "application/json", f"{resource}.json")
