"""The early-sale request at the service level: valuation owns the workflow (the request, its
endorsement by another approver, due process, the court's authorisation), the register owns the
asset's moves. Moved here with the model from custody's tests."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F

from common.exceptions import NotPermitted, TransitionConflict, TransitionRefused
from custody import roles
from custody import services as custody_services
from custody.models import AssetStatus, CustodyEvent
from tests.custody.lifecycle import Driver
from tests.factories import CourtOrderFactory
from valuation import services
from valuation.models import EarlySaleNotification, EarlySaleRequest

pytestmark = pytest.mark.django_db
S = AssetStatus

ROLE_FIXTURES = ["case_officer", "custodian", "valuer", "auction_manager", "finance_officer", "approver",
                 "auditor", "editor"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only


@pytest.fixture
def driver(case_officer, approver, auction_manager):
    return Driver(requester=case_officer, endorser=approver, officer=case_officer, approver=approver,
                  seller=auction_manager)


def order_for(asset, order_type):
    return CourtOrderFactory(case=asset.case, order_type=order_type, assets=[asset])


# ---- the model moved from custody, its table and permissions with it ------------------------


def test_the_request_kept_its_table_and_its_permissions_moved_with_it(approver, auditor):
    assert EarlySaleRequest._meta.db_table == "custody_earlysalerequest"
    assert EarlySaleNotification._meta.get_field("request").related_model is EarlySaleRequest
    assert not ContentType.objects.filter(app_label="custody", model="earlysalerequest").exists()
    assert auditor.has_perm("valuation.view_earlysalerequest") and approver.has_perm("valuation.view_earlysalerequest")
    assert not auditor.has_perm("valuation.add_earlysalerequest")


# ---- four eyes ------------------------------------------------------------------------------


class TestEarlySaleFourEyes:
    def test_nobody_endorses_their_own_request(self, driver, asset, make_staff):
        # Given a member of staff who is both case officer and approver, and asks for an early sale
        both = make_staff(roles.CASE_OFFICER, username="both")
        both.groups.add(Group.objects.get(name=roles.APPROVER))
        driver.bring_to(asset, "in_custody")
        services.early_sale_request(asset_id=asset.pk, actor=both, reason="perishable", justification="Fruit")
        # When they try to endorse or reject it themselves, then they are told another approver must
        with pytest.raises(NotPermitted, match="another approver"):
            services.early_sale_endorse(asset_id=asset.pk, actor=both)
        with pytest.raises(NotPermitted, match="another approver"):
            services.early_sale_reject(asset_id=asset.pk, actor=both, reason="Not needed")
        assert EarlySaleRequest.objects.get(asset=asset).status == "requested"
        # and another approver can
        req = services.early_sale_endorse(asset_id=asset.pk, actor=driver.endorser)
        assert (req.status, req.decided_by) == ("endorsed", driver.endorser)

    def test_the_database_refuses_a_request_decided_by_its_requester(self, driver, asset):
        driver.bring_to(asset, "early_sale_requested")
        req = EarlySaleRequest.objects.get(asset=asset)
        with pytest.raises(IntegrityError), transaction.atomic():
            EarlySaleRequest.objects.filter(pk=req.pk).update(decided_by=F("requested_by"))

    def test_endorsement_is_logged_in_the_chain_without_changing_status(self, driver, asset, approver):
        driver.bring_to(asset, "early_sale_requested")
        services.early_sale_endorse(asset_id=asset.pk, actor=approver, note="Depreciates")
        last = CustodyEvent.objects.filter(asset=asset).order_by("-seq").first()
        assert (last.transition, last.actor, last.to_state) == ("endorse_early_sale", approver,
                                                                 S.EARLY_SALE_REQUESTED)

    def test_an_endorsed_request_can_still_be_rejected_and_the_asset_stays_in_custody(self, driver, asset,
                                                                                       second_approver):
        driver.bring_to(asset, "early_sale_requested")
        driver.do(asset, "endorse")
        services.early_sale_reject(asset_id=asset.pk, actor=second_approver, reason="Market recovered")
        asset.refresh_from_db()
        assert asset.status == S.IN_CUSTODY
        assert EarlySaleRequest.objects.get(asset=asset).status == "rejected"
        # a new request may then be made
        services.early_sale_request(asset_id=asset.pk, actor=driver.requester, reason="cost",
                                    justification="Storage costs more than the car")
        assert EarlySaleRequest.objects.filter(asset=asset, status="requested").count() == 1

    def test_a_request_lapses_when_the_asset_is_confiscated_meanwhile(self, driver, asset):
        driver.bring_to(asset, "early_sale_requested")
        driver.do(asset, "confiscate")
        req = EarlySaleRequest.objects.get(asset=asset)
        assert req.status == "withdrawn" and "Confiscated" in req.decision_note
        with pytest.raises(TransitionRefused, match="no open early-sale request"):
            services.early_sale_endorse(asset_id=asset.pk, actor=driver.endorser)

    @pytest.mark.parametrize("reason,justification,match", [
        ("depreciation", "  ", "Explain why"), ("because", "Loses value", "Choose why")])
    def test_a_request_needs_a_known_reason_and_a_justification(self, driver, asset, reason, justification,
                                                                match):
        driver.bring_to(asset, "in_custody")
        with pytest.raises(TransitionRefused, match=match):
            services.early_sale_request(asset_id=asset.pk, actor=driver.requester, reason=reason,
                                        justification=justification)
        asset.refresh_from_db()
        assert asset.status == S.IN_CUSTODY and not EarlySaleRequest.objects.exists()


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_only_an_approver_endorses(request, second_case_officer, approver, auction_manager, asset, role):
    # The requester is a second officer, so that four eyes never stands in for the role check.
    driver = Driver(requester=second_case_officer, endorser=approver, officer=second_case_officer,
                    approver=approver, seller=auction_manager)
    driver.bring_to(asset, "early_sale_requested")
    user = request.getfixturevalue(role)
    if role == "approver":
        services.early_sale_endorse(asset_id=asset.pk, actor=user)
        assert EarlySaleRequest.objects.get(asset=asset).status == "endorsed"
    else:
        with pytest.raises(NotPermitted):
            services.early_sale_endorse(asset_id=asset.pk, actor=user)
        assert EarlySaleRequest.objects.get(asset=asset).status == "requested"


# ---- the court's authorisation: one service, endorsement and due process first --------------


def test_authorising_an_early_sale_needs_an_endorsement_first(driver, asset):
    driver.bring_to(asset, "early_sale_requested")
    with pytest.raises(TransitionRefused, match="endorse"):
        driver.do(asset, "authorise_early_sale")
    asset.refresh_from_db()
    assert asset.status == S.EARLY_SALE_REQUESTED
    assert EarlySaleRequest.objects.get(asset=asset).status == "requested"


def test_early_sale_four_eyes_then_due_process_then_the_court(asset, case_officer, approver):
    custody_services.asset_transition(asset_id=asset.pk, transition="seize", actor=case_officer,
                                      order_id=order_for(asset, "seizure").pk)
    services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="depreciation",
                                justification="Loses 30% a year")
    with pytest.raises(TransitionRefused):
        services.early_sale_authorise(asset_id=asset.pk, actor=case_officer,
                                      order_id=order_for(asset, "early_sale").pk)
    services.early_sale_endorse(asset_id=asset.pk, actor=approver)
    with pytest.raises(TransitionRefused, match="Due process"):
        services.early_sale_authorise(asset_id=asset.pk, actor=case_officer,
                                      order_id=order_for(asset, "early_sale").pk)
    services.early_sale_parties_notify(actor=case_officer, asset_id=asset.pk, means="registered_letter",
                                       notified_on=datetime.date.today())
    req = services.early_sale_authorise(asset_id=asset.pk, actor=case_officer,
                                        order_id=order_for(asset, "early_sale").pk)
    assert req.status == "authorised"
    asset.refresh_from_db()
    assert asset.status == AssetStatus.EARLY_SALE_AUTHORISED


def test_the_register_refuses_the_authorisation_without_valuations_checks(driver, asset, case_officer):
    # However the register's transition is asked for, the due-process check holds: valuation
    # registers it as the transition's precondition.
    driver.bring_to(asset, "early_sale_requested")
    driver.do(asset, "endorse")
    order = order_for(asset, "early_sale")
    with pytest.raises(TransitionRefused, match="Due process"):
        custody_services.asset_workflow_transition(asset_id=asset.pk, transition="authorise_early_sale",
                                                   actor=case_officer, order_id=order.pk)
    asset.refresh_from_db()
    assert asset.status == S.EARLY_SALE_REQUESTED
    # ... and the generic transition refuses the workflow's steps altogether
    with pytest.raises(TransitionRefused, match="Unknown action"):
        custody_services.asset_transition(asset_id=asset.pk, transition="authorise_early_sale", actor=case_officer,
                                          order_id=order.pk)


def test_a_step_on_a_request_someone_else_changed_meanwhile_is_a_conflict(driver, asset, approver, case_officer):
    driver.bring_to(asset, "early_sale_requested")
    seen = EarlySaleRequest.objects.get(asset=asset).status
    services.early_sale_endorse(asset_id=asset.pk, actor=approver)
    with pytest.raises(TransitionConflict):
        services.early_sale_reject(asset_id=asset.pk, actor=approver, reason="Changed my mind", expected_status=seen)
    assert EarlySaleRequest.objects.get(asset=asset).status == "endorsed"
