"""A bounded schemathesis run over the served OpenAPI document: every operation of /api/v1/, with
examples generated from the document itself, answers as the document says (no server error, a
documented status, the documented content type, a body that validates against the documented
schema). The bidder operations run with a real bearer token of an approved bidder who may bid on
an open lot, so that they get past authentication and reach the code behind it.

Bounded and deterministic (derandomized, 25 examples an operation) so that it stays a fast,
repeatable part of the suite; `schemathesis run` against a served API explores further.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from auctions.services import tokens

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(db):
    """The document the app serves, loaded through its WSGI handler. Requests keep the test's database
    connection (and so its transaction) open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(bidder_factory) -> dict[str, str]:
    """The token of an approved bidder who accepted the open auction's terms."""
    return {"Authorization": f"Bearer {tokens.api_token_create(user=bidder_factory(), name='fuzz')[1]}"}


def test_every_operation_answers_as_documented(api_schema, bearer):
    failures, operations = {}, 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE))

        @given(case=cases)
        @settings(max_examples=25, derandomize=True, deadline=None, database=None, print_blob=False,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def answers_as_documented(case):
            case.call_and_validate(headers=bearer, checks=CHECKS)

        try:
            answers_as_documented()
        except Exception as exc:  # noqa: BLE001 - every operation is run, then all that failed are reported
            failures[operation.label] = str(exc)
    assert operations >= 10
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
