"""A foreign freezing or confiscation order registered here: received, its four checks recorded,
registered (its assets enter the register under our case, covered by the register's record of the
order, with the foreign case as their origin), notice served, the set-aside period, enforceable; or
refused with reasons. The impossible moves are refused with a reason a person can read."""

import datetime

import pytest
import time_machine

from common.exceptions import DomainError, TransitionRefused
from custody.models import AssetStatus, CustodyEvent, OrderType
from custody.services import custody_chain_verify
from disposition.models import DispositionEvent, ForeignOrderStatus
from disposition.services import cooperation
from tests.disposition.coop_helpers import TODAY, days_ago, describe_and_check, received_order

pytestmark = pytest.mark.django_db


def test_the_registration_path_from_receipt_to_enforceable(case_officer, case):
    # Given a Swiss freezing order received, its asset described and the four checks passed
    order = received_order(case_officer, case)
    describe_and_check(case_officer, order)
    # When it is registered
    cooperation.foreign_order_register(actor=case_officer, order_id=order.pk)
    order.refresh_from_db()
    # Then the register holds the order under our case and the asset it covers, with its foreign origin
    assert order.status == ForeignOrderStatus.REGISTERED
    court_order = order.court_order
    assert court_order.case == case and court_order.order_type == OrderType.RESTRAINT
    assert court_order.reference == "ZH-2026-17" and "Switzerland" in court_order.issuing_court
    asset = order.assets.get()
    assert asset.case == case and asset.title == "Apartment, Avenue Louise 12"
    assert "foreign case ZH-CR-88 (Switzerland)" in asset.description
    assert list(court_order.assets.all()) == [asset] and asset.status == AssetStatus.IDENTIFIED
    # When notice is served 20 days ago (a 30-day period to apply to set it aside)
    cooperation.foreign_order_serve_notice(actor=case_officer, order_id=order.pk, served_on=days_ago(20))
    order.refresh_from_db()
    assert order.set_aside_until == days_ago(20) + datetime.timedelta(days=30)
    # Then it cannot be declared enforceable before the period ends
    with pytest.raises(TransitionRefused, match="period to apply"):
        cooperation.foreign_order_enforce(actor=case_officer, order_id=order.pk)
    # And once the period is over it is, and the freezing restrains the asset, citing the order
    with time_machine.travel(TODAY + datetime.timedelta(days=11), tick=False):
        cooperation.foreign_order_enforce(actor=case_officer, order_id=order.pk)
    order.refresh_from_db()
    asset.refresh_from_db()
    assert order.status == ForeignOrderStatus.ENFORCEABLE and asset.status == AssetStatus.RESTRAINED
    restraint = CustodyEvent.objects.filter(asset=asset).order_by("seq").last()
    assert restraint.order == court_order and restraint.actor == case_officer
    assert custody_chain_verify() == []
    steps = list(DispositionEvent.objects.filter(subject="forder", object_id=order.pk).values_list(
        "action", "from_state", "to_state"))
    assert steps[0] == ("receive", "received", "received")
    assert steps[-3:] == [("register", "received", "registered"), ("serve_notice", "registered", "notice_served"),
                          ("enforceable", "notice_served", "enforceable")]


def test_an_order_with_a_failed_check_cannot_be_registered_and_is_refused_with_reasons(case_officer, case):
    order = received_order(case_officer, case, ref="LAG-7", state="NG")
    describe_and_check(case_officer, order, failed="defence")
    with pytest.raises(TransitionRefused, match="check failed"):
        cooperation.foreign_order_register(actor=case_officer, order_id=order.pk)
    with pytest.raises(DomainError, match="reasons"):
        cooperation.foreign_order_refuse(actor=case_officer, order_id=order.pk, reasons="")
    cooperation.foreign_order_refuse(actor=case_officer, order_id=order.pk,
                                     reasons="Judgment in absentia without notice to the person.")
    order.refresh_from_db()
    assert order.status == ForeignOrderStatus.REFUSED and order.court_order is None
    assert not order.assets.exists()
    assert DispositionEvent.objects.get(subject="forder", object_id=order.pk, action="refuse").to_state == "refused"
    # And a refused order is never registered, served or enforced
    for step in (cooperation.foreign_order_register, cooperation.foreign_order_enforce):
        with pytest.raises(TransitionRefused):
            step(actor=case_officer, order_id=order.pk)


def test_registration_waits_for_every_check_and_an_asset(case_officer, case):
    order = received_order(case_officer, case)
    with pytest.raises(TransitionRefused, match="Still to check"):
        cooperation.foreign_order_register(actor=case_officer, order_id=order.pk)
    for kind in ("final", "defence", "property_here", "certified_copy"):
        cooperation.foreign_order_check(actor=case_officer, order_id=order.pk, kind=kind, passed=True, note="Seen")
    with pytest.raises(TransitionRefused, match="Describe the assets"):
        cooperation.foreign_order_register(actor=case_officer, order_id=order.pk)
    with pytest.raises(DomainError, match="already recorded"):
        cooperation.foreign_order_check(actor=case_officer, order_id=order.pk, kind="final", passed=True, note="x")


def test_a_challenge_within_the_period_then_set_aside_and_a_late_one_refused(case_officer, case):
    order = received_order(case_officer, case, order_type="confiscation")
    describe_and_check(case_officer, order)
    cooperation.foreign_order_register(actor=case_officer, order_id=order.pk)
    cooperation.foreign_order_serve_notice(actor=case_officer, order_id=order.pk, served_on=days_ago(40))
    with pytest.raises(DomainError, match="late"):
        cooperation.foreign_order_challenge(actor=case_officer, order_id=order.pk, lodged_on=days_ago(5))
    cooperation.foreign_order_challenge(actor=case_officer, order_id=order.pk, lodged_on=days_ago(30))
    # An order being challenged is not refused by staff, and enforcing it says how the challenge ended
    with pytest.raises(TransitionRefused):
        cooperation.foreign_order_refuse(actor=case_officer, order_id=order.pk, reasons="x")
    with pytest.raises(DomainError, match="how the application"):
        cooperation.foreign_order_enforce(actor=case_officer, order_id=order.pk)
    cooperation.foreign_order_set_aside(actor=case_officer, order_id=order.pk, reason="Court of appeal, 3 May")
    order.refresh_from_db()
    assert order.status == ForeignOrderStatus.SET_ASIDE


def test_an_order_past_its_set_aside_period_is_not_refused_and_dates_must_be_plausible(case_officer, case):
    with pytest.raises(DomainError, match="before"):
        received_order(case_officer, case, issued_on=days_ago(10), received_on=days_ago(20))
    order = received_order(case_officer, case)
    describe_and_check(case_officer, order)
    cooperation.foreign_order_register(actor=case_officer, order_id=order.pk)
    cooperation.foreign_order_serve_notice(actor=case_officer, order_id=order.pk, served_on=days_ago(31))
    with pytest.raises(TransitionRefused, match="declared enforceable"):
        cooperation.foreign_order_refuse(actor=case_officer, order_id=order.pk, reasons="Too late")
