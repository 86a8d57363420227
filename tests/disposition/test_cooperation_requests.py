"""Requests sent and received: the life cycle (open → acknowledged → answered or refused, or withdrawn),
each step recorded (who, when, from, to, why), and the refusals of impossible moves and dates."""

import pytest

from common.exceptions import DomainError, NotPermitted, TransitionRefused
from disposition.models import CooperationRequest, DispositionEvent, RequestStatus
from disposition.services import cooperation
from tests.disposition.coop_helpers import TODAY, days_ago, request

pytestmark = pytest.mark.django_db


def test_a_request_sent_is_acknowledged_then_answered_and_every_step_is_recorded(case_officer, case, asset):
    # Given a request for mutual legal assistance sent to Switzerland, about our case and asset
    sent = request(case_officer, ref="MLA-2026-001", sent_on=days_ago(40), case_ids=[case.pk], asset_ids=[asset.pk])
    assert sent.status == RequestStatus.OPEN and list(sent.cases.all()) == [case]
    # When Switzerland acknowledges it, then answers it
    cooperation.request_acknowledge(actor=case_officer, request_id=sent.pk, on=days_ago(30))
    cooperation.request_reply(actor=case_officer, request_id=sent.pk, refused=False, on=days_ago(5),
                              outcome="Bank records received.")
    sent.refresh_from_db()
    # Then it is answered, 35 days after it was sent, and its history names each step
    assert sent.status == RequestStatus.ANSWERED and sent.days_to_answer == 35
    steps = list(DispositionEvent.objects.filter(subject="request", object_id=sent.pk)
                 .values_list("action", "from_state", "to_state", "actor__username"))
    assert steps == [("record", "open", "open", "officer"), ("acknowledge", "open", "acknowledged", "officer"),
                     ("answer", "acknowledged", "answered", "officer")]


def test_a_refusal_needs_its_reasons_and_ends_the_request(case_officer):
    received = request(case_officer, ref="IN-2026-002", direction="received", state="NG", kind="freezing")
    with pytest.raises(DomainError, match="reasons"):
        cooperation.request_reply(actor=case_officer, request_id=received.pk, refused=True, on=TODAY, outcome=" ")
    cooperation.request_reply(actor=case_officer, request_id=received.pk, refused=True, on=TODAY,
                              outcome="Dual criminality not met.")
    received.refresh_from_db()
    assert received.status == RequestStatus.REFUSED
    assert DispositionEvent.objects.get(subject="request", object_id=received.pk, action="refuse").note \
        == "Dual criminality not met."
    # And a refused request can no longer be acknowledged, answered or withdrawn
    with pytest.raises(TransitionRefused):
        cooperation.request_acknowledge(actor=case_officer, request_id=received.pk, on=TODAY)
    with pytest.raises(TransitionRefused):
        cooperation.request_reply(actor=case_officer, request_id=received.pk, refused=False, on=TODAY, outcome="")
    with pytest.raises(TransitionRefused):
        cooperation.request_withdraw(actor=case_officer, request_id=received.pk, reason="No longer needed")


def test_impossible_dates_and_duplicates_are_refused(case_officer):
    sent = request(case_officer, ref="MLA-2026-003", sent_on=days_ago(10))
    with pytest.raises(DomainError, match="before"):
        cooperation.request_acknowledge(actor=case_officer, request_id=sent.pk, on=days_ago(11))
    with pytest.raises(DomainError, match="future"):
        cooperation.request_reply(actor=case_officer, request_id=sent.pk, refused=False,
                                  on=TODAY.replace(year=TODAY.year + 1), outcome="")
    with pytest.raises(DomainError, match="reference"):
        request(case_officer, ref="MLA-2026-003")
    with pytest.raises(DomainError, match="treaty") as refused:
        request(case_officer, ref="MLA-2026-004", legal_basis="bilateral")
    assert refused.value.field == "treaty"
    assert CooperationRequest.objects.count() == 1


def test_roles_that_may_not_record_or_handle_requests_are_refused(case_officer, auditor, custodian):
    with pytest.raises(NotPermitted):
        request(auditor, ref="MLA-2026-005")
    sent = request(case_officer, ref="MLA-2026-006")
    with pytest.raises(NotPermitted):
        cooperation.request_acknowledge(actor=custodian, request_id=sent.pk, on=TODAY)
