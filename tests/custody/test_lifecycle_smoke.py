import pytest

from common.exceptions import NotPermitted, TransitionConflict, TransitionRefused
from custody import services
from custody.models import AssetStatus, CustodyEvent
from tests.custody.four_eyes import end_custody
from tests.factories import CourtOrderFactory

pytestmark = pytest.mark.django_db


def order_for(asset, order_type):
    return CourtOrderFactory(case=asset.case, order_type=order_type, assets=[asset])


def test_restrain_seize_confiscate_dispose(asset, case_officer, approver):
    services.asset_transition(asset_id=asset.pk, transition="restrain", actor=case_officer,
                              order_id=order_for(asset, "restraint").pk)
    services.asset_transition(asset_id=asset.pk, transition="seize", actor=case_officer,
                              order_id=order_for(asset, "seizure").pk)
    services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=case_officer,
                              order_id=order_for(asset, "confiscation").pk)
    services.asset_transition(asset_id=asset.pk, transition="refer_for_disposition", actor=case_officer)
    a = end_custody(asset_id=asset.pk, transition="dispose", actor=approver, reason="Given to a youth centre",
                    disposition="social_reuse")
    assert a.status == AssetStatus.DISPOSED
    events = list(CustodyEvent.objects.filter(asset=asset).order_by("seq"))
    # the request for the disposal is in the chain too, then the second approver's step
    assert [(e.to_state, e.transition) for e in events][-3:] == [
        ("awaiting_disposition", "refer_for_disposition"), ("awaiting_disposition", "request_dispose"),
        ("disposed", "dispose")]
    assert [e.to_state for e in events][:4] == ["identified", "restrained", "in_custody", "confiscated"]
    assert services.custody_chain_verify() == []


def test_confiscation_refused_without_order(asset, case_officer):
    services.asset_transition(asset_id=asset.pk, transition="restrain", actor=case_officer,
                              order_id=order_for(asset, "restraint").pk)
    with pytest.raises(TransitionRefused, match="court order"):
        services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=case_officer)
    with pytest.raises(TransitionRefused, match="Cite"):
        services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=case_officer,
                                  order_id=order_for(asset, "seizure").pk)


def test_custodian_cannot_confiscate(asset, custodian, case_officer):
    services.asset_transition(asset_id=asset.pk, transition="restrain", actor=case_officer,
                              order_id=order_for(asset, "restraint").pk)
    with pytest.raises(NotPermitted):
        services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=custodian,
                                  order_id=order_for(asset, "confiscation").pk)


def test_stale_status_is_a_conflict(asset, case_officer):
    order = order_for(asset, "restraint")
    services.asset_transition(asset_id=asset.pk, transition="restrain", actor=case_officer, order_id=order.pk,
                              expected_status="identified")
    with pytest.raises(TransitionConflict):
        services.asset_transition(asset_id=asset.pk, transition="restrain", actor=case_officer,
                                  order_id=order.pk, expected_status="identified")
