"""The register's rules at the service level: court orders, reasons, four eyes, release of a sold
asset, custody events and two members of staff moving the same asset at the same time."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from common.exceptions import NotPermitted, TransitionConflict, TransitionRefused
from custody import roles, services
from custody.models import Asset, AssetStatus, CustodyEvent, StorageLocation
from custody.signals import asset_status_changed, asset_transition_applied
from tests.custody.four_eyes import end_custody
from tests.custody.lifecycle import REASONS, Driver
from tests.factories import AssetFactory, CaseFactory, StorageLocationFactory, UserFactory

S = AssetStatus


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only


@pytest.fixture
def driver(case_officer, approver, auction_manager):
    return Driver(requester=case_officer, endorser=approver, officer=case_officer, approver=approver,
                  seller=auction_manager)


def _events(asset) -> int:
    return CustodyEvent.objects.filter(asset=asset).count()


# ---- court orders --------------------------------------------------------------------------


@pytest.mark.django_db
class TestCitedOrders:
    def test_missing_order_is_refused_naming_the_order_needed(self, driver, asset, case_officer):
        driver.bring_to(asset, "restrained")
        with pytest.raises(TransitionRefused, match="needs a court order of type “Confiscation order”"):
            services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=case_officer)
        asset.refresh_from_db()
        assert asset.status == S.RESTRAINED

    def test_order_of_the_wrong_type_is_refused(self, driver, asset, case_officer):
        driver.bring_to(asset, "restrained")
        seizure = driver.order(asset, "seizure")
        with pytest.raises(TransitionRefused, match="Cite a “Confiscation order” order of this case"):
            services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=case_officer,
                                      order_id=seizure.pk)

    def test_order_of_another_case_is_refused(self, driver, asset, case_officer):
        driver.bring_to(asset, "restrained")
        other = AssetFactory(case=CaseFactory(), actor=case_officer)
        foreign = driver.order(other, "confiscation")
        with pytest.raises(TransitionRefused, match="of this case"):
            services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=case_officer,
                                      order_id=foreign.pk)
        asset.refresh_from_db()
        assert asset.status == S.RESTRAINED

    def test_order_that_does_not_cover_the_asset_is_refused(self, driver, asset, case_officer):
        driver.bring_to(asset, "restrained")
        sibling = AssetFactory(case=asset.case, actor=case_officer)
        order = driver.order(sibling, "confiscation")  # same case, but names only the sibling
        with pytest.raises(TransitionRefused, match=f"Order {order.reference} does not cover this asset"):
            services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=case_officer,
                                      order_id=order.pk)

    @pytest.mark.parametrize("bad", ["abc", "1; DROP TABLE", -3, 0, 99999999, 1.5, True])
    def test_malformed_or_unknown_order_id_is_refused_not_a_crash(self, driver, asset, case_officer, bad):
        driver.bring_to(asset, "restrained")
        with pytest.raises(TransitionRefused):
            services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=case_officer, order_id=bad)

    @pytest.mark.parametrize("bad", ["abc", None, -1, 10**9])
    def test_malformed_or_unknown_asset_id_is_refused(self, case_officer, bad):
        with pytest.raises(TransitionRefused, match="does not exist"):
            services.asset_transition(asset_id=bad, transition="restrain", actor=case_officer, order_id=1)

    def test_unknown_transition_name_is_refused_before_anything_is_read(self, asset, case_officer):
        with pytest.raises(TransitionRefused, match="Unknown action"):
            services.asset_transition(asset_id=asset.pk, transition="delete", actor=case_officer)

    def test_the_cited_order_is_kept_in_the_custody_log(self, driver, asset):
        driver.do(asset, "restrain")
        last = CustodyEvent.objects.filter(asset=asset).order_by("-seq").first()
        assert last.order.order_type == "restraint" and asset in last.order.assets.all()


# ---- reasons -------------------------------------------------------------------------------

REASON_SOURCE = {"reject_early_sale": "early_sale_requested", "release": "in_custody", "destroy": "in_custody",
                 "declare_lost": "in_custody", "withdraw_from_sale": "for_sale_early",
                 "dispose": "awaiting_disposition"}


def test_reason_required_table_is_what_the_agency_asks_for():
    # take_back (a revoked reuse concession) is disposition's step; its reason is the revocation's.
    assert services.REASON_REQUIRED == set(REASON_SOURCE) | {"take_back"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(REASON_SOURCE))
@pytest.mark.parametrize("blank", ["", "   \n"])
def test_transition_that_needs_a_reason_is_refused_without_one(driver, asset, name, blank):
    driver.bring_to(asset, REASON_SOURCE[name])
    before = _events(asset)
    with pytest.raises(TransitionRefused, match="Give a reason"):
        driver.do(asset, name, reason=blank)
    assert _events(asset) == before
    # and with one, it goes through, the reason kept in the log
    driver.do(asset, name, reason=REASONS[name])
    assert CustodyEvent.objects.filter(asset=asset).order_by("-seq").first().reason == REASONS[name]


@pytest.mark.django_db
def test_dispose_needs_a_known_disposition(driver, asset, approver):
    driver.bring_to(asset, "awaiting_disposition")
    with pytest.raises(TransitionRefused, match="social reuse or transfer to a public body"):
        services.asset_transition(asset_id=asset.pk, transition="dispose", actor=approver, reason="x",
                                  disposition="sale")
    end_custody(asset_id=asset.pk, transition="dispose", actor=approver, reason="School", disposition="public_use")
    asset.refresh_from_db()
    assert (asset.status, asset.disposition_method) == (S.DISPOSED, "public_use")


# ---- release of a sold asset ---------------------------------------------------------------


@pytest.mark.django_db
def test_releasing_a_sold_asset_announces_that_the_proceeds_go_back(driver, asset, case_officer,
                                                                    django_capture_on_commit_callbacks):
    driver.bring_to(asset, "sold")
    order = driver.order(asset, "release")
    received = []

    def receiver(**kwargs):
        received.append(kwargs)

    asset_status_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.asset_transition(asset_id=asset.pk, transition="release", actor=case_officer,
                                      order_id=order.pk, reason="Acquitted; proceeds go back to the owner")
    finally:
        asset_status_changed.disconnect(receiver)
    asset.refresh_from_db()
    assert asset.status == S.RELEASED
    assert [(r["asset_id"], r["from_state"], r["to_state"], r["order_id"]) for r in received] == [
        (asset.pk, S.SOLD, S.RELEASED, order.pk)]


@pytest.mark.django_db
def test_a_receiver_failing_inside_the_transaction_rolls_the_transition_back(driver, asset):
    driver.bring_to(asset, "restrained")
    before = _events(asset)

    def broken_ledger(**kwargs):
        raise RuntimeError("ledger down")

    asset_transition_applied.connect(broken_ledger)
    try:
        with pytest.raises(RuntimeError):
            driver.do(asset, "seize")
    finally:
        asset_transition_applied.disconnect(broken_ledger)
    asset.refresh_from_db()
    assert asset.status == S.RESTRAINED and _events(asset) == before


# ---- registration --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_asset_cannot_be_registered_straight_into_a_later_state(case, case_officer):
    with pytest.raises(TransitionRefused, match="starts as identified"):
        services.asset_register(actor=case_officer, case=case, category="cash", title="Cash", status="confiscated")
    assert not Asset.objects.exists()


@pytest.mark.django_db
def test_registration_gives_references_in_sequence_and_opens_the_chain(case, case_officer):
    a1 = services.asset_register(actor=case_officer, case=case, category="vehicle", title="BMW X5",
                                 identifiers=[("vin", " WBAKS410X00C12345 ")])
    a2 = services.asset_register(actor=case_officer, case=case, category="cash", title="Cash")
    assert (a1.reference, a2.reference) == (f"{case.reference}/A0001", f"{case.reference}/A0002")
    assert a1.identifiers.get().value == "WBAKS410X00C12345"
    first = CustodyEvent.objects.get(asset=a1)
    assert (first.seq, first.prev_hash, first.to_state, first.actor) == (1, "0" * 64, "identified", case_officer)


# ---- custody events ------------------------------------------------------------------------


@pytest.mark.django_db
class TestCustodyEvents:
    def test_moving_an_asset_updates_its_location(self, driver, asset, custodian):
        yard, vault = StorageLocationFactory(name="Yard"), StorageLocationFactory(name="Vault")
        driver.bring_to(asset, "in_custody")
        services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="received", location_id=yard.pk)
        event = services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="moved",
                                              location_id=vault.pk, reason="More secure")
        asset.refresh_from_db()
        assert asset.location == vault and event.location == vault
        with pytest.raises(TransitionRefused, match="already at Vault"):
            services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="moved", location_id=vault.pk)

    @pytest.mark.parametrize("location", [None, "", "north", 10**9])
    def test_a_move_needs_an_existing_active_location(self, asset, custodian, location):
        with pytest.raises(TransitionRefused, match="Say where|active storage location"):
            services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="moved", location_id=location)

    def test_an_inactive_location_is_refused(self, asset, custodian):
        closed = StorageLocationFactory(name="Old depot", active=False)
        with pytest.raises(TransitionRefused, match="active storage location"):
            services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="moved", location_id=closed.pk)

    def test_handing_over_needs_a_recipient(self, asset, custodian):
        with pytest.raises(TransitionRefused, match="to whom"):
            services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="handed_over", handed_to="  ")
        event = services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="handed_over",
                                              handed_to="Forensic lab, Insp. Peeters")
        assert event.handed_to == "Forensic lab, Insp. Peeters"

    def test_a_condition_report_needs_a_description(self, asset, custodian):
        with pytest.raises(TransitionRefused, match="condition"):
            services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="condition_report")
        services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="condition_report",
                                      condition="Scratched left door")

    def test_unknown_or_status_change_kind_is_refused(self, asset, custodian):
        for kind in ["status_change", "teleported"]:
            with pytest.raises(TransitionRefused, match="Unknown custody event"):
                services.custody_event_record(asset_id=asset.pk, actor=custodian, kind=kind)

    @pytest.mark.parametrize("final", ["disposed", "released", "returned", "destroyed", "lost"])
    def test_an_asset_that_left_custody_refuses_events(self, driver, asset, custodian, final):
        driver.bring_to(asset, final)
        before = _events(asset)
        with pytest.raises(TransitionRefused, match="left the agency's custody"):
            services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="inspected", reason="Check")
        assert _events(asset) == before

    def test_events_extend_the_same_chain_as_status_changes(self, driver, asset, custodian):
        driver.bring_to(asset, "in_custody")
        services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="inspected", reason="Seals ok")
        driver.do(asset, "confiscate")
        seqs = list(CustodyEvent.objects.filter(asset=asset).values_list("seq", "kind"))
        assert seqs == [(1, "status_change"), (2, "status_change"), (3, "status_change"), (4, "inspected"),
                        (5, "status_change")]
        assert services.custody_chain_verify(asset_ids=[asset.pk]) == []


# ---- two members of staff at once (PostgreSQL: real row locks) -----------------------------


def _race(*calls):
    """Run the calls in threads, the first one holding its transaction open until the others are
    waiting on the row lock; return what each raised (None for success)."""
    results = [None] * len(calls)
    inside = threading.Event()

    def hold(**kwargs):
        if not inside.is_set():
            inside.set()
            # keep the row locked while the other thread runs into the lock
            with connection.cursor() as cur:
                cur.execute("SELECT pg_sleep(0.8)")

    def run(i, call):
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what happened
            results[i] = exc
        finally:
            connection.close()

    asset_transition_applied.connect(hold)
    try:
        first = threading.Thread(target=run, args=(0, calls[0]))
        first.start()
        assert inside.wait(10), "the first transition never got inside its transaction"
        others = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls[1:], start=1)]
        for t in others:
            t.start()
        for t in [first, *others]:
            t.join(30)
    finally:
        asset_transition_applied.disconnect(hold)
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("second", ["release", "confiscate"])
def test_two_officers_moving_the_same_asset_at_once_one_wins_the_other_is_told(case, case_officer,
                                                                             second_case_officer, second):
    # Given a restrained asset both officers are looking at
    driver = Driver(requester=case_officer, endorser=None, officer=case_officer, approver=None, seller=None)
    asset = AssetFactory(case=case, actor=case_officer)
    driver.bring_to(asset, "restrained")
    confiscation, other = driver.order(asset, "confiscation"), driver.order(asset, second)

    # When both submit at the same moment
    results = _race(
        lambda: services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=case_officer,
                                          order_id=confiscation.pk, expected_status="restrained"),
        lambda: services.asset_transition(asset_id=asset.pk, transition=second, actor=second_case_officer,
                                          order_id=other.pk, expected_status="restrained",
                                          reason="Court lifted the restraint"),
    )

    # Then exactly one wins, the other gets a conflict it can read, and the chain is intact
    assert results[0] is None
    assert isinstance(results[1], TransitionConflict)
    assert "changed by someone else" in str(results[1])
    asset.refresh_from_db()
    assert asset.status == S.CONFISCATED
    assert list(CustodyEvent.objects.filter(asset=asset).values_list("transition", flat=True)) == [
        "register", "restrain", "confiscate"]
    assert services.custody_chain_verify() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_custody_events_queue_up_on_the_lock_and_keep_the_chain_intact(case, case_officer, custodian):
    asset = AssetFactory(case=case, actor=case_officer)
    other_custodian = UserFactory(username="custodian2", role=roles.CUSTODIAN)
    barrier = threading.Barrier(4)
    errors = []

    def record(actor, n):
        try:
            barrier.wait(5)
            services.custody_event_record(asset_id=asset.pk, actor=actor, kind="inspected", reason=f"Round {n}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(u, n)) for n, u in
               enumerate([custodian, other_custodian, custodian, other_custodian])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert list(CustodyEvent.objects.filter(asset=asset).values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert services.custody_chain_verify() == []


# ---- case particulars and storage locations --------------------------------------------------------


@pytest.mark.django_db
class TestCaseUpdate:
    def test_a_case_officer_changes_the_particulars_but_not_the_reference(self, case, case_officer):
        updated = services.case_update(case_id=case.pk, actor=case_officer, title="State v. Someone Else",
                                       status="trial", requesting_state="NL")
        case.refresh_from_db()
        assert (updated.pk, case.title, case.status, case.requesting_state) == (
            case.pk, "State v. Someone Else", "trial", "NL")
        with pytest.raises(TransitionRefused, match="reference"):
            services.case_update(case_id=case.pk, actor=case_officer, reference="CASE-RENAMED")

    def test_the_fields_are_validated_and_nothing_is_saved_on_error(self, case, case_officer):
        with pytest.raises(ValidationError) as caught:
            services.case_update(case_id=case.pk, actor=case_officer, title="Kept?", jurisdiction="Belgium")
        assert "jurisdiction" in caught.value.error_dict
        case.refresh_from_db()
        assert case.title != "Kept?"

    @pytest.mark.parametrize("role", ["custodian", "approver", "auditor"])
    def test_other_roles_may_not(self, request, case, role):
        with pytest.raises(NotPermitted):
            services.case_update(case_id=case.pk, actor=request.getfixturevalue(role), title="x")

    @pytest.mark.parametrize("bad", ["abc", -1, 10**9])
    def test_an_unknown_case_is_refused(self, case_officer, bad):
        with pytest.raises(TransitionRefused):
            services.case_update(case_id=bad, actor=case_officer, title="x")


@pytest.mark.django_db
class TestStorageLocations:
    FIELDS = {"name": "East cold store", "kind": "cold_store", "address": "Dock 7", "public_area": "Antwerp",
              "daily_rate": Decimal("80.00"), "currency": "EUR", "active": True}

    def test_a_custodian_adds_and_changes_a_location(self, custodian):
        location = services.storage_location_create(actor=custodian, **self.FIELDS)
        assert StorageLocation.objects.get(name="East cold store").daily_rate == Decimal("80.00")
        services.storage_location_update(location_id=location.pk, actor=custodian, daily_rate=Decimal("95.00"),
                                         active=False)
        location.refresh_from_db()
        assert (location.daily_rate, location.active, location.kind) == (Decimal("95.00"), False, "cold_store")

    def test_invalid_values_are_refused_by_field(self, custodian):
        StorageLocationFactory(name="Taken")
        with pytest.raises(ValidationError) as caught:
            services.storage_location_create(actor=custodian, **{**self.FIELDS, "name": "Taken",
                                                                 "daily_rate": Decimal("-1"), "currency": "euro"})
        assert {"name", "daily_rate", "currency"} <= set(caught.value.error_dict)
        assert StorageLocation.objects.filter(name="Taken").count() == 1

    @pytest.mark.parametrize("role", ["case_officer", "approver", "auditor"])
    def test_other_roles_may_not(self, request, role):
        location = StorageLocationFactory(name="North yard")
        user = request.getfixturevalue(role)
        with pytest.raises(NotPermitted):
            services.storage_location_create(actor=user, **self.FIELDS)
        with pytest.raises(NotPermitted):
            services.storage_location_update(location_id=location.pk, actor=user, active=False)
        assert not StorageLocation.objects.filter(name="East cold store").exists()
        assert StorageLocation.objects.get(pk=location.pk).active
