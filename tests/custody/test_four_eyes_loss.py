"""Four eyes on the end of custody without a sale: an asset is declared lost or damaged, or disposed of,
only when a second approver approves what one approver asked for (or, for a loss, citing the court's
finding); the database refuses the same person deciding."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from common.exceptions import NotPermitted, TransitionRefused
from custody import services
from custody.models import AssetStatus, CustodyEndRequest, CustodyEndStatus, CustodyEvent
from tests.custody.admin_helpers import bring_to, order_for

pytestmark = pytest.mark.django_db

LOSS = "Stolen from the yard; police report 2026/881"


@pytest.fixture
def held(asset, case_officer, approver):
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    return asset


def _status(asset) -> str:
    asset.refresh_from_db()
    return asset.status


def test_one_approver_alone_cannot_declare_an_asset_lost(held, approver):
    with pytest.raises(NotPermitted, match="second approver"):
        services.asset_transition(asset_id=held.pk, transition="declare_lost", actor=approver, reason=LOSS)
    assert _status(held) == AssetStatus.IN_CUSTODY


def test_a_second_approver_approves_what_the_first_asked_for(held, approver, second_approver):
    # Given an approver reports the loss
    request = services.custody_end_request(asset_id=held.pk, transition="declare_lost", actor=approver, reason=LOSS)
    # Then the asset is still held, and the request waits
    assert _status(held) == AssetStatus.IN_CUSTODY and request.status == CustodyEndStatus.REQUESTED
    # And the one who asked cannot approve it
    with pytest.raises(NotPermitted, match="own request"):
        services.custody_end_approve(asset_id=held.pk, actor=approver)
    assert _status(held) == AssetStatus.IN_CUSTODY
    # When another approver approves it
    services.custody_end_approve(asset_id=held.pk, actor=second_approver, note="Seen the police report")
    # Then the asset is lost, the chain names the approver and keeps the reason, the request is decided
    assert _status(held) == AssetStatus.LOST
    last = CustodyEvent.objects.filter(asset=held).order_by("-seq").first()
    assert (last.transition, last.actor, last.to_state) == ("declare_lost", second_approver, AssetStatus.LOST)
    assert LOSS in last.reason
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (CustodyEndStatus.APPROVED, second_approver)
    assert services.custody_chain_verify(asset_ids=[held.pk]) == []


def test_the_database_refuses_the_requester_deciding(held, approver):
    request = services.custody_end_request(asset_id=held.pk, transition="declare_lost", actor=approver, reason=LOSS)
    with pytest.raises(IntegrityError, match="custody_end_four_eyes"), transaction.atomic():
        CustodyEndRequest.objects.filter(pk=request.pk).update(status="approved", decided_by=approver)


def test_the_courts_finding_of_loss_makes_one_step_enough(held, approver):
    # Another type of order does not stand in for the second approver
    with pytest.raises(TransitionRefused, match="Finding of loss or damage"):
        services.custody_end_request(asset_id=held.pk, transition="declare_lost", actor=approver, reason=LOSS,
                                     order_id=order_for(held, "release").pk)
    assert _status(held) == AssetStatus.IN_CUSTODY
    # The court's finding of loss does
    order = order_for(held, "loss")
    assert services.custody_end_request(asset_id=held.pk, transition="declare_lost", actor=approver, reason=LOSS,
                                        order_id=order.pk) is None
    assert _status(held) == AssetStatus.LOST
    assert CustodyEvent.objects.filter(asset=held).order_by("-seq").first().order == order


def test_a_refused_request_leaves_the_asset_held_and_may_be_asked_again(held, approver, second_approver):
    services.custody_end_request(asset_id=held.pk, transition="declare_lost", actor=approver, reason=LOSS)
    with pytest.raises(TransitionRefused):
        services.custody_end_refuse(asset_id=held.pk, actor=second_approver, reason="  ")
    services.custody_end_refuse(asset_id=held.pk, actor=second_approver, reason="Found in bay 4")
    assert _status(held) == AssetStatus.IN_CUSTODY
    assert CustodyEndRequest.objects.get(asset=held).status == CustodyEndStatus.REFUSED
    services.custody_end_request(asset_id=held.pk, transition="declare_lost", actor=approver, reason="Gone again")
    assert CustodyEndRequest.objects.filter(asset=held, status=CustodyEndStatus.REQUESTED).count() == 1


def test_a_request_lapses_when_the_asset_moves_on_another_way(held, approver, case_officer):
    services.custody_end_request(asset_id=held.pk, transition="declare_lost", actor=approver, reason=LOSS)
    services.asset_transition(asset_id=held.pk, transition="release", actor=case_officer, reason="Acquitted",
                              order_id=order_for(held, "release").pk)
    assert CustodyEndRequest.objects.get(asset=held).status == CustodyEndStatus.WITHDRAWN
    with pytest.raises(TransitionRefused):
        services.custody_end_approve(asset_id=held.pk, actor=approver)


def test_disposal_needs_a_second_approver_too(asset, case_officer, approver, second_approver):
    bring_to(asset, "awaiting_disposition", officer=case_officer, approver=approver)
    with pytest.raises(NotPermitted, match="second approver"):
        services.asset_transition(asset_id=asset.pk, transition="dispose", actor=approver, reason="School",
                                  disposition="public_use")
    services.custody_end_request(asset_id=asset.pk, transition="dispose", actor=approver, reason="School",
                                 disposition="public_use")
    services.custody_end_approve(asset_id=asset.pk, actor=second_approver)
    asset.refresh_from_db()
    assert (asset.status, asset.disposition_method) == (AssetStatus.DISPOSED, "public_use")


def test_the_asset_page_shows_the_request_and_who_may_decide(client, held, approver, second_approver):
    page = reverse("custody_assets:inspect", args=[held.pk])
    # Given an approver reports the loss through the admin
    client.force_login(approver)
    response = client.post(reverse("custody_assets:action_declare_lost", args=[held.pk]),
                           {"expected_status": "in_custody", "reason": LOSS})
    assert response.status_code == 302
    assert _status(held) == AssetStatus.IN_CUSTODY
    # Then their page shows the request waiting, and why they cannot approve it themselves
    html = client.get(page).content.decode()
    assert 'data-end-request="declare_lost"' in html and LOSS in html
    assert "another approver must decide on it" in html
    assert reverse("custody_assets:action_end_approve", args=[held.pk]) not in html
    response = client.post(reverse("custody_assets:action_end_approve", args=[held.pk]),
                           {"expected_status": "in_custody"})
    assert _status(held) == AssetStatus.IN_CUSTODY
    # When a second approver opens the page, they may approve or refuse; approving declares it lost
    client.force_login(second_approver)
    html = client.get(page).content.decode()
    assert reverse("custody_assets:action_end_approve", args=[held.pk]) in html
    assert reverse("custody_assets:action_end_refuse", args=[held.pk]) in html
    response = client.post(reverse("custody_assets:action_end_approve", args=[held.pk]),
                           {"expected_status": "in_custody", "reason": "Police report seen"})
    assert response.status_code == 302
    assert _status(held) == AssetStatus.LOST
    assert 'data-end-request' not in client.get(page).content.decode()
