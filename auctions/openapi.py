"""The OpenAPI 3 description of /api/v1/, served at /api/v1/openapi.json."""

from __future__ import annotations

AMOUNT = {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "example": "1500.00"}
ERROR = {
    "type": "object", "required": ["error", "detail"],
    "properties": {"error": {"type": "string", "example": "below_minimum"}, "detail": {"type": "string"}},
}
LOT = {
    "type": "object",
    "required": ["id", "title", "status", "currency", "current_price", "next_minimum_bid", "bid_count", "ends_at",
                 "reserve_met"],
    "properties": {
        "id": {"type": "integer"},
        "auction": {"type": "integer"},
        "number": {"type": "integer"},
        "title": {"type": "string"},
        "category": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "closed", "awaiting_payment", "unsold"]},
        "currency": {"type": "string", "example": "EUR"},
        "starting_price": AMOUNT,
        "current_price": {**AMOUNT, "nullable": True, "description": "null before the first bid"},
        "next_minimum_bid": {**AMOUNT, "nullable": True, "description": "null unless the lot is open"},
        "bid_count": {"type": "integer"},
        "ends_at": {"type": "string", "format": "date-time", "description": "moves later under soft close"},
        "reserve_met": {"type": "boolean"},
        "version": {"type": "integer", "description": "changes with every accepted bid"},
    },
}


def _errors(*codes: int) -> dict:
    text = {400: "Malformed request, amount not a decimal string, too many decimals, below the next minimum bid",
            401: "No or invalid credentials", 403: "Not an approved or eligible bidder, terms not accepted, "
            "no deposit held", 404: "No such lot", 405: "Method not allowed",
            409: "The lot is not open, or bidding on it has ended", 429: "Too many requests"}
    schema = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {str(c): {"description": text[c], "content": schema} for c in codes}


def openapi_schema(server_url: str) -> dict:
    lot_id = {"name": "lot_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    json_ok = lambda ref: {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}  # noqa: E731
    return {
        "openapi": "3.0.3",
        "info": {"title": "Public auctions API", "version": "1",
                 "description": "Catalogue and bidding for public auctions of confiscated and early-sale assets. "
                                "Amounts are decimal strings with at most two decimals."},
        "servers": [{"url": server_url}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": ERROR,
                "Lot": LOT,
                "LotDetail": {"allOf": [{"$ref": "#/components/schemas/Lot"}, {"type": "object", "properties": {
                    "description": {"type": "string"},
                    "original_ends_at": {"type": "string", "format": "date-time"},
                    "auction": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "title": {"type": "string"}, "time_zone": {"type": "string"},
                        "buyers_premium_percent": AMOUNT, "deposit_required": {"type": "boolean"},
                        "soft_close_minutes": {"type": "integer"}}}}}]},
                "LotPage": {"type": "object", "required": ["count", "next", "results"], "properties": {
                    "count": {"type": "integer"},
                    "next": {"type": "string", "format": "uri", "nullable": True},
                    "previous": {"type": "string", "format": "uri", "nullable": True},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Lot"}}}},
                "BidRequest": {"type": "object", "required": ["max_amount"], "properties": {"max_amount": AMOUNT}},
                "BidResult": {"allOf": [{"$ref": "#/components/schemas/Lot"}, {"type": "object",
                              "required": ["leading"], "properties": {
                                  "leading": {"type": "boolean", "description": "whether you lead after this bid"},
                                  "your_maximum": AMOUNT}}]},
                "History": {"type": "object", "properties": {"results": {"type": "array", "items": {
                    "type": "object", "required": ["amount", "bidder", "placed_at"], "properties": {
                        "amount": AMOUNT, "bidder": {"type": "string", "example": "Bidder 7"},
                        "placed_at": {"type": "string", "format": "date-time"}}}}}},
            },
        },
        "paths": {
            "/auth/token/": {"post": {
                "summary": "Obtain a bearer token", "operationId": "obtainToken",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["username", "password"],
                    "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {"200": {"description": "A new token", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}}}}},
                    **_errors(400, 401, 429)}}},
            "/lots/": {"get": {
                "summary": "Browse lots, soonest-ending first", "operationId": "listLots",
                "parameters": [
                    {"name": "status", "in": "query", "schema": {"type": "string",
                                                                 "enum": ["open", "closed", "awaiting_payment",
                                                                          "unsold"]}},
                    {"name": "category", "in": "query", "schema": {"type": "string"}},
                    {"name": "ending_soon", "in": "query", "schema": {"type": "boolean"},
                     "description": "only open lots ending within the hour"},
                    {"name": "ending_within_minutes", "in": "query", "schema": {"type": "integer"}},
                    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "search text"},
                    {"name": "min_price", "in": "query", "schema": AMOUNT},
                    {"name": "max_price", "in": "query", "schema": AMOUNT},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "page_size", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                ],
                "responses": {"200": {"description": "A page of lots", "content": json_ok("LotPage")},
                              **_errors(400)}}},
            "/lots/{lot_id}/": {"get": {
                "summary": "One lot", "operationId": "getLot", "parameters": [lot_id],
                "responses": {"200": {"description": "The lot", "content": json_ok("LotDetail")}, **_errors(404)}}},
            "/lots/{lot_id}/bids/": {
                "get": {"summary": "Public bid history (price steps under per-lot pseudonyms), newest first",
                        "operationId": "listBids", "parameters": [
                            lot_id, {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 500}}],
                        "responses": {"200": {"description": "History", "content": json_ok("History")},
                                      **_errors(404)}},
                "post": {"summary": "Bid: give your maximum; the system bids for you by increments",
                         "operationId": "placeBid", "parameters": [lot_id], "security": [{"bearer": []}],
                         "requestBody": {"required": True, "content": json_ok("BidRequest")},
                         "responses": {"201": {"description": "Accepted; the lot's new state",
                                               "content": json_ok("BidResult")},
                                       **_errors(400, 401, 403, 404, 409, 429)}},
            },
        },
    }
