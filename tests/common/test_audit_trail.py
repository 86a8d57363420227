"""The audit trail: staff changes made through the admin appear in Wagtail's log, which auditors (and
only they, besides superusers) read and filter in the "Site history" report."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from custody.models import Asset, StorageLocation
from tests.custody.admin_helpers import order_for
from tests.factories import StorageLocationFactory

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/site-history/"


def _edit_storage(client, custodian, location: StorageLocation) -> None:
    client.force_login(custodian)
    response = client.post(reverse("custody_storage:edit", args=[location.pk]), {
        "name": "North warehouse", "kind": location.kind, "address": "Quai 4", "public_area": "Antwerp",
        "daily_rate": "14.00", "currency": "EUR", "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]


def _restrain(client, case_officer, asset: Asset) -> None:
    client.force_login(case_officer)
    order = order_for(asset, "restraint")
    response = client.post(reverse("custody_assets:action_restrain", args=[asset.pk]),
                           {"expected_status": "identified", "order": order.pk, "reason": "Freezing order served"})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_edit_and_a_transition_in_the_admin_are_in_the_auditors_report(client, asset, case_officer, custodian,
                                                                           auditor):
    # Given a custodian corrects a storage site and a case officer restrains an asset, in the admin
    location = StorageLocationFactory(name="Warehouse A")
    _edit_storage(client, custodian, location)
    _restrain(client, case_officer, asset)

    # Then both are in Wagtail's log: who, what, which record, and the reason of the step
    edit = ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(location.pk))
    assert (edit.user, edit.label) == (custodian, "North warehouse")
    step = ModelLogEntry.objects.get(action="common.transition", object_id=str(asset.pk))
    assert step.user == case_officer
    assert step.data == {"transition": "restrain", "from": "identified", "to": "restrained",
                         "reason": "Freezing order served"}

    # And the auditor reads them in the report
    client.force_login(auditor)
    html = client.get(REPORT).content.decode()
    assert "North warehouse" in html and str(asset) in html
    assert "Freezing order served" in html
    # filtered by user: only the case officer's step
    html = client.get(REPORT, {"user": case_officer.pk}).content.decode()
    assert str(asset) in html and "North warehouse" not in html
    # by action: only the edit
    html = client.get(REPORT, {"action": "wagtail.edit"}).content.decode()
    assert "North warehouse" in html and str(asset) not in html
    # by date: nothing before today
    yesterday = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    html = client.get(REPORT, {"timestamp_to": yesterday}).content.decode()
    assert "North warehouse" not in html and str(asset) not in html
    # and the Reports menu names it for them
    assert REPORT in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_refused_step_leaves_no_entry(client, asset, case_officer):
    client.force_login(case_officer)
    response = client.post(reverse("custody_assets:action_restrain", args=[asset.pk]),
                           {"expected_status": "identified", "reason": "No order cited"})
    assert response.status_code == 400
    assert not ModelLogEntry.objects.filter(object_id=str(asset.pk), action="common.transition").exists()


def test_other_staff_cannot_open_the_report(client, case_officer, editor):
    for user in (case_officer, editor):
        client.force_login(user)
        assert client.get(REPORT).status_code == 403
        assert client.get(REPORT + "results/").status_code == 403
        assert REPORT not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.logout()
    assert client.get(REPORT).status_code == 302
