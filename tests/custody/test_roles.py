"""Who may do what in the register: a role x action matrix, written out as the agency's policy.

Given an asset in a state where the action is possible, when a member of staff of each role tries
it, then those whose role allows it succeed and everyone else gets NotPermitted, with nothing
changed. The auditor reads everything and changes nothing.
"""

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from common.exceptions import NotPermitted
from custody import roles, services
from custody.models import Asset, AssetPhoto, Case, CourtOrder, CustodyEvent, StorageLocation
from tests.custody.lifecycle import STATES, TRANSITION_NAMES, Driver
from tests.factories import StorageLocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only

ROLE_FIXTURES = ["case_officer", "custodian", "valuer", "auction_manager", "finance_officer", "approver",
                 "auditor", "editor"]

# The policy: which roles may take each transition (everyone else: NotPermitted).
POLICY = {
    "restrain": {"case_officer"},
    "seize": {"case_officer"},
    "request_early_sale": {"case_officer"},
    "reject_early_sale": {"approver"},
    "authorise_early_sale": {"case_officer"},
    "put_up_for_sale": {"auction_manager"},
    "withdraw_from_sale": {"auction_manager"},
    "record_sale": {"auction_manager"},
    "confiscate": {"case_officer"},
    "refer_for_disposition": {"case_officer"},
    "dispose": {"approver"},
    "release": {"case_officer"},
    "return_to_state": {"case_officer"},
    "destroy": {"approver"},
    "declare_lost": {"approver"},
}
# ... and for the register's other actions.
ACTION_POLICY = {
    "case_create": {"case_officer"},
    "asset_register": {"case_officer"},
    "court_order_record": {"case_officer"},
    "custody_event_record": {"custodian"},
    "asset_photo_add": {"case_officer", "custodian"},
    "storage_location_create": {"custodian"},
}

# A state from which each transition is possible.
SOURCE = {
    "restrain": "identified", "seize": "restrained", "request_early_sale": "in_custody",
    "reject_early_sale": "early_sale_requested", "authorise_early_sale": "early_sale_requested",
    "put_up_for_sale": "early_sale_authorised", "withdraw_from_sale": "for_sale_early",
    "record_sale": "for_sale_early", "confiscate": "restrained", "refer_for_disposition": "confiscated",
    "dispose": "awaiting_disposition", "release": "in_custody", "return_to_state": "confiscated",
    "destroy": "in_custody", "declare_lost": "in_custody",
}


@pytest.fixture
def driver(second_case_officer, approver, second_approver, auction_manager):
    # The requester is a second officer so that the four-eyes rule never stands in for the role check.
    return Driver(requester=second_case_officer, endorser=second_approver, officer=second_case_officer,
                  approver=second_approver, seller=auction_manager)


def test_policy_covers_every_transition():
    assert set(POLICY) == set(TRANSITION_NAMES) == set(SOURCE)


@pytest.mark.parametrize("name", TRANSITION_NAMES)
@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_role_may_take_transition_only_if_the_policy_says_so(request, driver, asset, role, name):
    user = request.getfixturevalue(role)
    driver.bring_to(asset, SOURCE[name])
    if name == "authorise_early_sale":
        driver.do(asset, "endorse")
        driver.notify_parties(asset)
    status_before = Asset.objects.get(pk=asset.pk).status
    events_before = CustodyEvent.objects.filter(asset=asset).count()

    if role in POLICY[name]:
        driver.do(asset, name, actor=user)
        asset.refresh_from_db()
        assert asset.status != status_before
        # (disposal: the user asks, a second approver approves: four eyes)
        asker = CustodyEvent.objects.filter(asset=asset).order_by("-seq")[1 if name == "dispose" else 0]
        assert asker.actor == user
    else:
        with pytest.raises(NotPermitted, match="Your role does not allow|Only an approver|permission"):
            driver.do(asset, name, actor=user)
        asset.refresh_from_db()
        assert asset.status == status_before
        assert CustodyEvent.objects.filter(asset=asset).count() == events_before


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buf, "PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


def _perform(action: str, user, asset, driver):
    if action == "case_create":
        return services.case_create(actor=user, reference="CASE-NEW-1", title="State v. X", court="Court",
                                    jurisdiction="BE", legal_basis="conviction", offence_type="fraud",
                                    country_of_origin="BE")
    if action == "asset_register":
        return services.asset_register(actor=user, case=asset.case, category="vehicle", title="Audi A6")
    if action == "court_order_record":
        return services.court_order_record(actor=user, case=asset.case, order_type="restraint",
                                           reference="R-NEW-1", issued_on=datetime.date(2026, 1, 5),
                                           issuing_court="Court", assets=[asset])
    if action == "custody_event_record":
        return services.custody_event_record(asset_id=asset.pk, actor=user, kind="inspected",
                                             reason="Seals intact")
    if action == "asset_photo_add":
        return services.asset_photo_add(asset_id=asset.pk, upload=_png(), actor=user)
    if action == "storage_location_create":
        return services.storage_location_create(actor=user, name="Yard West", kind="vehicle_yard", currency="EUR")
    raise AssertionError(action)


_COUNTS = {
    "case_create": lambda asset: Case.objects.count(),
    "asset_register": lambda asset: Asset.objects.count(),
    "court_order_record": lambda asset: CourtOrder.objects.count(),
    "custody_event_record": lambda asset: CustodyEvent.objects.count(),
    "asset_photo_add": lambda asset: AssetPhoto.objects.count(),
    "storage_location_create": lambda asset: StorageLocation.objects.count(),
}


@pytest.mark.parametrize("action", list(ACTION_POLICY))
@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_role_may_take_register_action_only_if_the_policy_says_so(request, driver, asset, role, action):
    user = request.getfixturevalue(role)
    count = _COUNTS[action]
    before = count(asset)
    if role in ACTION_POLICY[action]:
        _perform(action, user, asset, driver)
        assert count(asset) == before + 1
    else:
        with pytest.raises(NotPermitted):
            _perform(action, user, asset, driver)
        assert count(asset) == before


def test_the_auditor_holds_no_permission_to_change_anything(auditor):
    perms = auditor.get_all_permissions()
    assert {p for p in perms if p.startswith("custody.")} >= {"custody.view_asset", "custody.view_custodyevent"}
    # Reading (view_, choosing an image or document to look at) and entering the admin; nothing else.
    changing = {p for p in perms if not p.split(".", 1)[1].startswith(("view_", "choose_"))}
    assert changing == {"wagtailadmin.access_admin"}


def test_every_role_group_exists_and_can_enter_the_admin():
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for role in roles.ROLES:
        assert access.group_set.filter(name=role).exists(), role


def test_a_custodian_records_custody_events_on_any_held_asset(custodian, driver, asset):
    location = StorageLocationFactory(name="Yard North")
    driver.bring_to(asset, "in_custody")
    services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="moved", location_id=location.pk)
    asset.refresh_from_db()
    assert asset.location == location
    assert STATES["in_custody"][0] == asset.status
